#!/bin/sh
# test_cli.sh -- the presswatch query commands against a store filled by tests/integration/cli_fixture
# (real schema, real store code): every command's table / JSON / CSV output, filters, errors and
# exit codes, a missing / corrupt / locked / newer database, reading while a writer holds a
# transaction, and OPML import/export through a real config.
. "$top_srcdir/tests/tap.sh"

PW="$top_builddir/cli/presswatch"
FIX="$top_builddir/tests/integration/cli_fixture"
FX="$top_srcdir/tests/fixtures/cli"
T=$(mktemp -d "${TMPDIR:-/tmp}/pw-cli.XXXXXX") || exit 1
hold_pid= lock_pid=
trap '[ -n "$hold_pid" ] && kill $hold_pid 2>/dev/null; [ -n "$lock_pid" ] && kill $lock_pid 2>/dev/null; rm -rf "$T"' EXIT
DB="$T/store.db"
export TZ=UTC LC_ALL=C.UTF-8
unset NO_COLOR COLUMNS

have_python=0
command -v python3 >/dev/null 2>&1 && have_python=1

# run ARGS...: runs presswatch; sets $rc, files $T/out and $T/err, and $out / $err.
run() {
	"$PW" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}
q() { run -d "$DB" "$@"; }
# ids ARGS...: the id column of a CSV listing, space-separated
ids() { "$PW" -d "$DB" "$@" --json | sed 's/^{"id":\([0-9]*\),.*/\1/' | tr '\n' ' ' | sed 's/ $//'; }
contains() { case "$1" in *"$2"*) return 0 ;; esac; return 1; }
lines() { printf '%s\n' "$1" | grep -c .; }
json_ok() {  # every line of $T/out parses as a JSON object
	[ $have_python = 1 ] || return 0
	python3 -c 'import json,sys
for l in open(sys.argv[1], encoding="utf-8"):
    assert isinstance(json.loads(l), dict)' "$T/out"
}

"$FIX" create "$DB" 2>/dev/null
ok $? "fixture store created through the store API"
db_sum=$(cksum <"$DB")

# ---- help and usage ------------------------------------------------------------------------
run --help
ok $(( rc != 0 )) "--help exits 0"
contains "$out" "  items " && contains "$out" "  search " && contains "$out" "  export-opml "
ok $? "--help lists the query commands"
run items --help
ok $(( rc != 0 )) "items --help exits 0"
contains "$out" "--only-dups" && contains "$out" "--since WHEN"
ok $? "items --help documents its options"
run help stats
contains "$out" "usage: presswatch [GLOBAL OPTIONS] stats"
ok $? "presswatch help stats"
run frobnicate
is "$rc" 2 "unknown command: exit 2"
q items --frob
is "$rc" 2 "unknown option: exit 2"
contains "$err" "unknown option '--frob'" && contains "$err" "usage: presswatch items"
ok $? "unknown option named, usage shown"
q items --limit
is "$rc" 2 "option without its value: exit 2"
contains "$err" "option '--limit' needs a value"
ok $? "missing value named"
q items extra
is "$rc" 2 "stray argument: exit 2"

# ---- items -------------------------------------------------------------------------------
q items --until 2025-09-14
is "$rc" 0 "items exits 0"
cat >"$T/want" <<'EOF'
ID  PUBLISHED         FEED        LANG  STORY  DUP_OF  TITLE
 9  -                 armenpress  en        -       -  Yerevan hosts regional trade forum
 8  2025-09-13 10:00  oc-media    en        -       -  Georgian Dream proposes "foreign agents" law, again
 7  2025-09-13 08:45  tass-ru     ru        2       -  В Запорожской области завершилось голосование на выборах
 6  2025-09-13 08:00  ukrinform   en        2       -  Zaporizhzhia region: occupation authorities announce sham "elections"
 5  2025-09-12 14:00  apa-az      az        3       -  Qarabağda bərpa işləri davam edir
 4  2025-09-12 12:40  news-am     en        1       3  Armenian Foreign Ministry responds to Zakharova
 3  2025-09-12 12:15  armenpress  en        1       -  Armenian Foreign Ministry responds to Zakharova
 2  2025-09-12 11:00  oc-media    en        1       -  Russia summons Armenian ambassador over Yerevan's démarche
 1  2025-09-12 09:30  tass-ru     ru        1       -  Захарова: демарш Еревана в отношении российского посла неприемлем
10  2025-09-11 07:00  oc-media    en        -       -  Zakharova's comments on Armenia draw criticism in Yerevan
EOF
is "$out" "$(cat "$T/want")" "items: aligned table, newest first (by fetch time when the date is unknown)"
is "$(ids items)" "11 9 8 7 6 5 4 3 2 1 10" "unknown published date sorts by fetch time"
is "$(ids items --topic karabakh)" "5 4 3 2 1" "--topic"
is "$(ids items --feed oc-media)" "8 2 10" "--feed"
is "$(ids items --lang ru)" "7 1" "--lang"
is "$(ids items --since 2025-09-13 --until 2025-09-13)" "9 8 7 6" "--since/--until a day (a bare --until date includes the day)"
is "$(ids items --since 2025-09-12T12:15 --until 2025-09-12T14:00)" "4 3" "--since inclusive, --until exclusive with a time"
is "$(ids items --since 1h)" "11" "--since 1h finds the item fetched just now"
is "$(ids items --story 1)" "4 3 2 1" "--story"
is "$(ids items --statements --until 2025-09-14)" "6 4 3 2 1 10" "--statements"
is "$(ids items --no-dups --story 1)" "3 2 1" "--no-dups hides near-duplicates"
is "$(ids items --only-dups)" "4" "--only-dups"
is "$(ids items --dups --story 1)" "4 3 2 1" "--dups shows them (the default)"
is "$(ids items --limit 2)" "11 9" "--limit"
is "$(ids items --limit 0 --feed apa-az)" "11 5" "--limit 0 means all"
is "$(ids items --topic ua-elections --lang en)" "6" "filters combine"

q items --json --until 2025-09-14
is "$rc" 0 "items --json exits 0"
is "$(lines "$out")" 10 "--json: one object per line"
json_ok
ok $? "--json: every line is a JSON object"
first=$(printf '%s\n' "$out" | sed -n 2p)
contains "$first" '{"id":8,"published":"2025-09-13T10:00:00Z","feed":"oc-media","lang":"en","story_id":null,"dup_of":null,"title":"Georgian Dream proposes \"foreign agents\" law, again","feed_id":1,"outlet":"OC Media","guid":"oc-2","url":"https://oc-media.org/news/oc-2"'
ok $? "--json: store column names, ISO 8601 UTC, null for none, escaped quotes"
contains "$out" '"article_status":"http-error"'
ok $? "--json carries the article status"

q items --csv --feed oc-media
is "$(printf '%s\n' "$out" | head -n 1)" "$(printf 'id,published,feed,lang,story_id,dup_of,title,feed_id,outlet,guid,url,canonical_url,author,fetched,article_status,summary\r')" "--csv header: store column names, CRLF"
contains "$out" '8,2025-09-13T10:00:00Z,oc-media,en,,,"Georgian Dream proposes ""foreign agents"" law, again",1,OC Media,oc-2,'
ok $? "--csv: RFC 4180 quoting (comma, doubled quotes), empty for null"
if [ $have_python = 1 ]; then
	python3 -c 'import csv,sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
assert len(rows) == 4 and all(len(r) == 16 for r in rows), rows
assert rows[1][6] == "Georgian Dream proposes \"foreign agents\" law, again"' "$T/out"
	ok $? "--csv parses back with a CSV reader"
else
	ok 0 "# SKIP python3 not found"
fi

# local time by default, --utc switch
TZ=Asia/Yerevan "$PW" -d "$DB" items --feed oc-media --limit 1 >"$T/out"
contains "$(cat "$T/out")" "2025-09-13 14:00"
ok $? "local time by default (Yerevan: UTC+4)"
TZ=Asia/Yerevan "$PW" -d "$DB" --utc items --feed oc-media --limit 1 >"$T/out"
contains "$(cat "$T/out")" "2025-09-13 10:00"
ok $? "--utc shows UTC"
TZ=Asia/Yerevan "$PW" -d "$DB" items --feed oc-media --limit 1 --json >"$T/out"
contains "$(cat "$T/out")" '"published":"2025-09-13T10:00:00Z"'
ok $? "JSON dates are UTC whatever TZ says"
is "$(TZ=Asia/Yerevan ids items --since 2025-09-13T14:00 --until 2025-09-13T14:01)" "8" "--since/--until are local time too"

# errors
q items --topic nosuchtopic
is "$rc" 1 "unknown topic: exit 1"
is "$err" "presswatch: items: unknown topic 'nosuchtopic' (no stored item has it)" "unknown topic: one message naming it"
q items --feed nosuchfeed
is "$rc" 1 "unknown feed: exit 1"
contains "$err" "unknown feed 'nosuchfeed'"
ok $? "unknown feed named"
q items --since yesterday
is "$rc" 2 "bad date: exit 2"
contains "$err" "bad date 'yesterday' for --since"
ok $? "bad date named"
q items --until 2025-02-30
is "$rc" 2 "impossible date: exit 2"
contains "$err" "bad date '2025-02-30' for --until"
ok $? "impossible date named"
q items --since 2025-09-14 --until 2025-09-13
is "$rc" 2 "--since after --until: exit 2"
q items --limit many
is "$rc" 2 "bad --limit: exit 2"
q items --story x
is "$rc" 2 "bad story id: exit 2"
q items --json --csv
is "$rc" 2 "--json with --csv: exit 2"
q items --topic karabakh --limit 0 --since 2030-01-01
is "$rc$out" "0" "no match: no output, exit 0"

# ---- search ----------------------------------------------------------------------------------
q search zakharova
is "$rc" 0 "search exits 0"
cat >"$T/want" <<'EOF'
ID  PUBLISHED         FEED        TITLE                                               MATCH
10  2025-09-11 07:00  oc-media    Zakharova's comments on Armenia draw criticism in…  [Zakharova]'s comments on Armenia draw criticism in Yerevan
 4  2025-09-12 12:40  news-am     Armenian Foreign Ministry responds to Zakharova     Armenian Foreign Ministry responds to [Zakharova]
 3  2025-09-12 12:15  armenpress  Armenian Foreign Ministry responds to Zakharova     Armenian Foreign Ministry responds to [Zakharova]
 2  2025-09-12 11:00  oc-media    Russia summons Armenian ambassador over Yerevan's…  …Foreign Ministry spokesperson Maria [Zakharova] said the Armenian move was unacceptable and accuse…
EOF
is "$out" "$(cat "$T/want")" "search: ranked by bm25 (title matches first), [highlighted] snippets, long cells cut"
is "$(ids search 'Захарова')" "1" "Cyrillic query"
is "$(ids search 'захарова')" "1" "Cyrillic is case-insensitive"
is "$(ids search 'Карабах*')" "1" "Cyrillic prefix query (Карабаху)"
is "$(ids search 'qarabag')" "5" "diacritics ignored: qarabag finds Qarabağ"
is "$(ids search 'xankəndi')" "5" "Azeri schwa in the query"
is "$(ids search '"foreign ministry" NOT moscow')" "4 3 10" "phrase and NOT"
is "$(ids search 'NEAR(zakharova unacceptable)')" "2" "NEAR"
is "$(ids search 'title:zakharova')" "10 4 3" "column filter"
is "$(ids search 'badalyan OR fedorov')" "6 4 3" "OR"
is "$(ids search 'elections')" "6" "a word in title and body"
is "$(ids search 'transparency')" "8" "an item without an article is found by its summary"
is "$(ids search zakharova --limit 1)" "10" "search --limit"
q search 'zakharova' --json
json_ok
ok $? "search --json: JSON objects"
contains "$(printf '%s\n' "$out" | head -n 1)" '"snippet":"[Zakharova]'"'"'s comments on Armenia draw criticism in Yerevan","rank":'
ok $? "search --json has snippet and rank"
q search 'nothingmatchesthis'
is "$rc" 0 "search without matches exits 0"
q search 'foo AND'
is "$rc" 2 "malformed FTS query: exit 2"
is "$(lines "$err")" 2 "malformed FTS query: one message (and the usage line)"
contains "$err" "malformed search query 'foo AND': fts5: syntax error"
ok $? "malformed query explained, naming the query"
q search '"unbalanced'
is "$rc" 2 "unbalanced quote: exit 2"
q search 'nosuchcolumn:word'
is "$rc" 2 "unknown column filter: exit 2"
contains "$err" "malformed search query"
ok $? "unknown column filter explained"
q search ''
is "$rc" 2 "empty query: exit 2"
q search
is "$rc" 2 "no query: exit 2"

# ---- show ----------------------------------------------------------------------------------
q show 3
is "$rc" 0 "show exits 0"
cat >"$T/want" <<'EOF'
Item 3
Title:      Armenian Foreign Ministry responds to Zakharova
Feed:       armenpress (Armenpress)
URL:        https://armenpress.am/eng/news/ap-1
Published:  2025-09-12 12:15
Fetched:    2025-09-12 12:20
Language:   en
Article:    ok
Tags:       feed:armenpress, lang:en, statement, topic:karabakh
Speakers:   Ani Badalyan
Story:      1 "Захарова: демарш Еревана в отношении российского посла неприемлем": 4 items from 4 outlets, 2025-09-12 09:30 to 2025-09-12 12:40

Other outlets in this story:
ID  PUBLISHED         FEED      DUP_OF  TITLE
 1  2025-09-12 09:30  tass-ru        -  Захарова: демарш Еревана в отношении российского посла неприемлем
 2  2025-09-12 11:00  oc-media       -  Russia summons Armenian ambassador over Yerevan's démarche
 4  2025-09-12 12:40  news-am        3  Armenian Foreign Ministry responds to Zakharova

Armenian Foreign Ministry spokesperson Ani Badalyan stated that Armenia's position on the matter had been communicated to the Russian side through diplomatic channels. "We consider public statements of this kind counterproductive," Badalyan said.
EOF
is "$out" "$(cat "$T/want")" "show: metadata, tags, speakers, story, other outlets, article text"
q show 4
contains "$out" "Duplicate:  near-duplicate of item 3"
ok $? "show marks a near-duplicate"
q show 9
contains "$out" "Published:  -" && contains "$out" "Article:    not fetched" && contains "$out" "Delegations from 14 countries"
ok $? "show: unknown date, article not fetched, summary as text"
# a plain-text summary is stored escaped (feeds/feed_parse.h): show prints the characters it meant
if [ $have_python = 1 ]; then
	cp "$DB" "$T/text.db"
	python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE items SET summary = ? WHERE id = 9", ("Delegations from 14 countries: AT&amp;amp;T, a &lt;b&gt; tag, a &lt; b.",))
c.commit()' "$T/text.db"
	run -d "$T/text.db" show 9
	contains "$out" "Delegations from 14 countries: AT&amp;T, a <b> tag, a < b."
	ok $? "show: the summary's HTML as text: escaped characters once, no markup stripped"
else
	diag "SKIP show: escaped summary (python3 not available to edit the store)"
fi
q show 1 --json
is "$rc" 0 "show --json exits 0"
is "$(lines "$out")" 1 "show --json: one object"
json_ok
ok $? "show --json parses"
contains "$out" '"speakers":["Мария Захарова"],"story":{"id":1,'
ok $? "show --json: speakers and story"
contains "$out" '"related":[{"id":2,"feed":"oc-media"'
ok $? "show --json: related items of other outlets"
q show 99
is "$rc" 1 "no such item: exit 1"
is "$err" "presswatch: show: no item 99 in $DB" "no such item: one message"
q show abc
is "$rc" 2 "bad item id: exit 2"
q show
is "$rc" 2 "no item id: exit 2"

# ---- feeds ---------------------------------------------------------------------------------
q feeds
is "$rc" 0 "feeds exits 0"
cat >"$T/want" <<'EOF'
FEED        STATE     LAST POLL         HTTP  ITEMS  NEWEST ITEM       NEXT POLL         FAILS  LAST ERROR
svoboda-ru  FAILING   2025-09-13 10:00   503      0  -                 2025-09-13 12:00      4  HTTP 503 Service Unavailable
EOF
is "$(printf '%s\n' "$out" | head -n 2)" "$(cat "$T/want")" "feeds: failing feed first with its error and streak"
contains "$out" "old-feed    disabled  -                    -      0  -                 -                     0  -"
ok $? "feeds: a disabled, never-polled feed"
contains "$out" "tass-ru     ok        2025-09-13 11:00   304      2  2025-09-13 08:45  2025-09-13 11:10      0  -"
ok $? "feeds: a healthy feed with items and next poll"
q feeds --json
json_ok
ok $? "feeds --json parses"
contains "$(printf '%s\n' "$out" | head -n 1)" '{"name":"svoboda-ru","state":"FAILING","last_polled":"2025-09-13T10:00:00Z","last_status":503,"items":0,"newest":null,"next_poll":"2025-09-13T12:00:00Z","fail_count":4,"last_error":"HTTP 503 Service Unavailable"'
ok $? "feeds --json fields"
q feeds --csv
is "$(lines "$out")" 9 "feeds --csv: header and 8 feeds"

# ---- stats ---------------------------------------------------------------------------------
q stats
is "$rc" 0 "stats exits 0"
contains "$out" "Feeds      8 (7 enabled, 1 failing)" &&
	contains "$out" "Items      11 (near-duplicates 1, statements 6, articles fetched 8, waiting for their page 2)" &&
	contains "$out" "Stories    3" && contains "$out" "Alerts     1" && contains "$out" "Database   $DB ("
ok $? "stats totals"
contains "$out" "$(printf 'TOPIC         ITEMS\nkarabakh          5\nua-elections      2')"
ok $? "stats by topic"
contains "$out" "$(printf 'LANG  ITEMS\nen        7\naz        2\nru        2')"
ok $? "stats by language"
contains "$out" "$(printf '2025-09-13      4\n2025-09-12      5\n2025-09-11      1')"
ok $? "stats by day"
contains "$out" "$(printf 'oc-media        3')" && contains "$out" "svoboda-ru      0"
ok $? "stats by feed, empty feeds included"
TZ=Pacific/Kiritimati "$PW" -d "$DB" stats --since 2025-09-12T00:00Z >"$T/out"
contains "$(cat "$T/out")" "$(printf '2025-09-14      2\n2025-09-13      6\n2025-09-12      1\n')"
ok $? "stats days are local days (Kiritimati, UTC+14); --since applies"
q stats --json
is "$(lines "$out")" 1 "stats --json: one object"
json_ok
ok $? "stats --json parses"
contains "$out" '"items":11,' && contains "$out" '"articles_ok":8,"articles_pending":2,' && contains "$out" '"by_topic":{"karabakh":5,"ua-elections":2}'
ok $? "stats --json totals and groups"
q stats --csv
contains "$out" "$(printf 'topic,karabakh,5\r')"
ok $? "stats --csv rows of group,key,items"

# ---- stories -------------------------------------------------------------------------------
q stories
is "$rc" 0 "stories exits 0"
cat >"$T/want" <<'EOF'
ID  FIRST SEEN        LAST SEEN         ITEMS  OUTLETS                                 TITLE
 2  2025-09-13 08:00  2025-09-13 08:45      2  ukrinform, tass-ru                      Zaporizhzhia region: occupation authorities announce sham "elections"
 3  2025-09-12 14:00  2025-09-12 14:00      1  apa-az                                  Qarabağda bərpa işləri davam edir
 1  2025-09-12 09:30  2025-09-12 12:40      4  tass-ru, oc-media, armenpress, news-am  Захарова: демарш Еревана в отношении российского посла неприемлем
EOF
is "$out" "$(cat "$T/want")" "stories: newest first with outlets"
is "$(ids stories --min-outlets 2)" "2 1" "stories --min-outlets"
is "$(ids stories --since 2025-09-13)" "2" "stories --since"
is "$(ids stories --limit 1 --min-outlets 3)" "1" "--limit counts shown stories"
q stories --json
json_ok
ok $? "stories --json parses"
contains "$(printf '%s\n' "$out" | tail -n 1)" '"outlets":4,' &&
	contains "$out" '"outlet_names":["tass-ru","oc-media","armenpress","news-am"]' &&
	contains "$out" '{"id":4,"feed":"news-am","outlet":"News.am","published":"2025-09-12T12:40:00Z","title":"Armenian Foreign Ministry responds to Zakharova","url":"https://news.am/eng/news/na-1","lang":"en","dup_of":3}'
ok $? "stories --json: items and outlets"
q stories --since never
is "$rc" 2 "stories: bad date exit 2"

# ---- the database itself -------------------------------------------------------------------
run -d "$T/missing.db" items
is "$rc" 1 "missing database: exit 1"
is "$err" "presswatch: items: database $T/missing.db does not exist (from -d)" "missing database: one message"
mkdir "$T/dir.db"
run -d "$T/dir.db" feeds
is "$rc" 1 "a directory as database: exit 1"
printf 'This is not a database, just some text that is long enough to fill a header page....\n' >"$T/text.db"
run -d "$T/text.db" items
is "$rc" 1 "not a database: exit 1"
is "$(lines "$err")" 1 "not a database: one message"
contains "$err" "$T/text.db"
ok $? "not a database: names the file"
: >"$T/empty.db"
run -d "$T/empty.db" stats
is "$rc" 1 "empty database file: exit 1"
contains "$err" "empty database"
ok $? "empty database explained"
cp "$DB" "$T/corrupt.db"
dd if=/dev/zero of="$T/corrupt.db" bs=4096 seek=1 count=100 conv=notrunc 2>/dev/null
for c in items search stats stories feeds; do
	if [ $c = search ]; then run -d "$T/corrupt.db" search zakharova; else run -d "$T/corrupt.db" $c; fi
	[ "$rc" = 1 ] && [ "$(lines "$err")" = 1 ] && contains "$err" "presswatch: $c: " && contains "$err" "corrupt.db"
	ok $? "corrupt database: $c exits 1 with one message naming the file"
done
if [ $have_python = 1 ]; then
	cp "$DB" "$T/newer.db"
	python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version = 999"); c.commit()' "$T/newer.db"
	run -d "$T/newer.db" items
	is "$rc" 1 "newer schema: exit 1"
	contains "$err" "newer than this presswatch"
	ok $? "newer schema explained"
else
	ok 0 "# SKIP python3 not found"; ok 0 "# SKIP python3 not found"
fi

# reading while presswatchd (here: the fixture) holds a write transaction
# (held until $T/hold.release exists: a fixed 3 s could end before the reads on a slow machine)
"$FIX" hold "$DB" 120 "$T/hold.release" >"$T/hold.out" 2>"$T/hold.err" &
hold_pid=$!
i=0
while [ "$(cat "$T/hold.out" 2>/dev/null)" != ready ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
is "$(cat "$T/hold.out")" ready "a writer holds an open transaction"
q items --feed oc-media
is "$rc" 0 "items works while the writer's transaction is open"
contains "$out" "Uncommitted"
ok $(( $? == 0 )) "the uncommitted item is not visible"
q stats
is "$rc" 0 "stats works while the writer's transaction is open"
: >"$T/hold.release"
wait $hold_pid
is $? 0 "the writer committed"
hold_pid=
q items --feed oc-media --limit 1
contains "$out" "Uncommitted item from a writer's open transaction"
ok $? "after the commit the item is visible"
db_sum=$(cksum <"$DB")

# an exclusive lock that shuts readers out: the command waits, then says so
cp "$DB" "$T/locked.db"
"$FIX" lock "$T/locked.db" 120 "$T/lock.release" >"$T/lock.out" 2>&1 &
lock_pid=$!
i=0
while [ "$(cat "$T/lock.out" 2>/dev/null)" != ready ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
run -d "$T/locked.db" items
is "$rc" 1 "locked database: exit 1"
is "$(lines "$err")" 1 "locked database: one message"
contains "$err" "locked"
ok $? "locked database says locked"
: >"$T/lock.release"
wait $lock_pid 2>/dev/null
lock_pid=

# ---- the config file -------------------------------------------------------------------------
mkdir -p "$T/etc/feeds.d"
cat >"$T/etc/presswatch.conf" <<EOF
[store]
path = ../store.db
EOF
cat >"$T/etc/feeds.conf" <<'EOF'
[oc-media]
url = https://oc-media.org/feed/
name = OC Media
lang = en
tags = caucasus, georgia

[tass-ru]
url = https://tass.ru/rss/v2.xml
name = ТАСС
lang = ru
tags = russia, state-media

[old-feed]
url = https://old.example.org/rss
enabled = no
EOF
cat >"$T/etc/topics.conf" <<'EOF'
[karabakh]
alert = yes
any = Karabakh, Qarabağ, Карабах*

[georgia-media]
alert = no
any = foreign agents, media law
EOF
run -c "$T/etc/presswatch.conf" items --limit 1 --csv
is "$rc" 0 "the store path comes from presswatch.conf (relative to it)"
run -c "$T/etc/presswatch.conf" items --topic georgia-media
is "$rc" 0 "a topic defined in the config is known even with no items"
run -c "$T/etc/presswatch.conf" items --topic nosuchtopic
is "$err" "presswatch: items: unknown topic 'nosuchtopic' (no stored item has it and the config does not define it)" "unknown topic with a config"
run -c "$T/etc/missing.conf" items
is "$rc" 1 "missing config: exit 1"
contains "$err" "missing.conf"
ok $? "missing config named"
printf '[store]\npath = nowhere.db\n' >"$T/etc/nowhere.conf"
run -c "$T/etc/nowhere.conf" items
is "$rc" 1 "config pointing at a missing database: exit 1"
contains "$err" "$T/etc/nowhere.db does not exist (from $T/etc/nowhere.conf)"
ok $? "the message says where the path came from"
printf '[store]\npath = x.db\nbogus = 1\n' >"$T/etc/bad.conf"
run -c "$T/etc/bad.conf" items
is "$rc" 1 "bad config: exit 1"
contains "$err" "bad.conf:3"
ok $? "bad config: file:line"

# ---- OPML ------------------------------------------------------------------------------------
run -c "$T/etc/missing.conf" import-opml "$FX/subscriptions.opml"
is "$rc" 1 "import-opml with a broken -c: exit 1"
run -c "$T/etc/presswatch.conf" import-opml "$FX/subscriptions.opml"
is "$rc" 0 "import-opml exits 0"
contains "$err" "skipped outline 'OC Media': already configured" &&
	contains "$err" "skipped outline 'Local newsletter': xmlUrl is not an http(s) URL"
ok $? "import-opml names what it skips"
cat >"$T/want" <<'EOF'
[jamnews]
url = https://jam-news.net/feed/
name = JAMnews
tags = south-caucasus

[civil-ge]
url = https://civil.ge/feed/
name = Civil.ge
tags = south-caucasus, georgia, politics, elections

[armenpress]
url = https://armenpress.am/eng/rss/news/
name = Armenpress
tags = south-caucasus, armenia

[azatutyun-rfe-rl-armenian-service]
url = https://www.azatutyun.am/api/zijrreypui
name = "Azatutyun # RFE/RL Armenian Service"
tags = south-caucasus, armenia

[kommersant-ru]
url = https://www.kommersant.ru/RSS/news.xml
name = Коммерсантъ & партнёры
lang = ru
tags = россия

[oc-media-2]
url = https://oc-media.org/ru/feed/
name = OC Media
EOF
is "$(printf '%s\n' "$out" | sed -n '/^\[/,$p')" "$(cat "$T/want")" "import-opml: sections from titles, unique ids, folders and categories as tags, quoting"
run -c "$T/etc/presswatch.conf" import-opml "$FX/subscriptions.opml" -o "$T/etc/feeds.d/imported.conf"
is "$rc" 0 "import-opml -o writes the file"
contains "$err" "wrote 6 feeds to $T/etc/feeds.d/imported.conf"
ok $? "import-opml -o reports what it wrote"
run -c "$T/etc/presswatch.conf" import-opml "$FX/subscriptions.opml" -o "$T/etc/feeds.d/imported.conf"
is "$rc" 1 "import-opml -o never overwrites"
run -c "$T/etc/presswatch.conf" export-opml
is "$rc" 0 "the imported file loads with the config (export-opml exits 0)"
contains "$out" 'xmlUrl="https://www.azatutyun.am/api/zijrreypui"' && contains "$out" 'title="Azatutyun # RFE/RL Armenian Service"'
ok $? "export-opml includes the imported feeds, values intact"
contains "$out" '<outline text="caucasus" title="caucasus">' && contains "$out" 'category="/caucasus,/georgia"'
ok $? "export-opml: folders by first tag, every tag as a category"
contains "$out" "old.example.org"
ok $(( $? == 0 )) "export-opml leaves disabled feeds out"
run -c "$T/etc/presswatch.conf" export-opml --all
contains "$out" "old.example.org"
ok $? "export-opml --all includes them"
if [ $have_python = 1 ]; then
	printf '%s\n' "$out" >"$T/export.opml"
	python3 -c 'import sys, xml.dom.minidom as m
d = m.parse(sys.argv[1]); o = [e for e in d.getElementsByTagName("outline") if e.getAttribute("xmlUrl")]
assert len(o) == 9, len(o)' "$T/export.opml"
	ok $? "export-opml is well-formed XML with 9 feeds"
else
	ok 0 "# SKIP python3 not found"
fi
# round trip: the export imported into an empty config gives the same feeds and tags
run -c "$T/etc/presswatch.conf" export-opml
printf '%s\n' "$out" >"$T/export.opml"
mkdir -p "$T/empty"
printf '[store]\npath = x.db\n' >"$T/empty/presswatch.conf"
: >"$T/empty/feeds.conf"; : >"$T/empty/topics.conf"
run -c "$T/empty/presswatch.conf" import-opml "$T/export.opml"
contains "$out" "$(printf '[oc-media]\nurl = https://oc-media.org/feed/\nname = OC Media\nlang = en\ntags = caucasus, georgia')" &&
	contains "$out" "$(printf '[tass-ru]\nurl = https://tass.ru/rss/v2.xml\nname = ТАСС\nlang = ru\ntags = russia, state-media')"
ok $? "export then import keeps urls, names, languages and tags"
run import-opml "$FX/broken.opml"
is "$rc" 1 "malformed OPML: exit 1"
contains "$err" "broken.opml:7: not well-formed XML"
ok $? "malformed OPML: file:line and reason"
run import-opml "$FX/not-opml.xml"
is "$rc$err" "1presswatch: import-opml: $FX/not-opml.xml: not an OPML document (no <opml><body>)" "an RSS file is not OPML"
run import-opml "$FX/xxe.opml"
contains "$out$err" "root:"
ok $(( $? == 0 )) "external entities are never loaded"
run import-opml - <"$FX/subscriptions.opml"
contains "$out" "[kommersant-ru]" && contains "$out" "from standard input"
ok $? "import-opml - reads standard input"
run import-opml "$T/nope.opml"
is "$rc" 1 "missing OPML file: exit 1"
run import-opml
is "$rc" 2 "import-opml without a file: exit 2"

# nothing above wrote to the store
is "$(cksum <"$DB")" "$db_sum" "the commands never write to the database"

done_testing
