#!/bin/sh
# The alert scenario through the real daemon and test server: feeds carrying one story in two
# outlets (A, a syndicated copy published later), two other stories with official statements
# on Karabakh (B, C), a Karabakh travel piece and a statement on a topic without alerts.
# Exactly three alerts (A, B, C), each once, with topics, speakers, outlet and snippet; the copy
# joins story A silently; nothing is alerted again after a restart.  Then the five seed
# articles of ../shared/seeds (when present): each tagged with its topics and as a statement,
# one alert per story.
. "$top_srcdir/tests/integration/lib.sh"

ALERTS="$top_srcdir/tests/fixtures/alerts"
NOW=$(date -u +%s)

# feed NAME FILE:AGE_S[:raw]... -- an RSS document with one item per fixture: title = first line,
# or with :raw (the seed pages, chrome and all) no title and the whole file as the content
feed() {
	python3 - "$T/www/$1.xml" "$NOW" "$@" <<'PY'
import sys, html, email.utils
out, now, files = sys.argv[1], int(sys.argv[2]), sys.argv[4:]
with open(out, "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            '<title>test</title><link>http://127.0.0.1/</link><language>en</language>\n')
    for spec in files:
        raw = spec.endswith(":raw")
        path, age = (spec[:-4] if raw else spec).rsplit(":", 1)
        name = path.rsplit("/", 1)[-1]
        text = open(path, encoding="utf-8").read()
        title, _, body = ("", "", text) if raw else text.partition("\n")
        body = body.replace("\r", "")
        paras = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p.strip())
        date = email.utils.formatdate(now - int(age), usegmt=True)
        f.write(f"<item><guid>{html.escape(name)}</guid><link>http://127.0.0.1/{html.escape(name)}</link>"
                f"<title>{html.escape(title.strip())}</title><pubDate>{date}</pubDate>"
                f"<description>{html.escape(paras)}</description></item>\n")
    f.write("</channel></rss>\n")
PY
}

start_server
cp "$top_srcdir/etc/topics.conf" "$T/topics.conf"
write_config "topics = topics.conf
[alerts]
log = alerts.jsonl
[statements]
speakers = Zakharova, Hajizadeh, Mirzoyan, Bayramov, Medinsky"

feed outlet1 "$ALERTS/a1_zakharova_elections.txt:7200" "$ALERTS/b_hajizadeh_karabakh.txt:5400" \
	"$ALERTS/d_shusha_travel.txt:3600"
feed outlet2 "$ALERTS/c_lachin_statement.txt:4000" "$ALERTS/e_other_topic_statement.txt:3000"
add_feed outlet1 "$BASE/outlet1.xml" "name = Outlet One"
add_feed outlet2 "$BASE/outlet2.xml" "name = Outlet Two"
start_daemon
wait_for 15 sh -c "[ \"\$(sqlite3 '$T/store.db' 'select count(*) from items where article_status is not null')\" = 5 ]"
ok $? "five items stored"
wait_for 5 sh -c "[ \"\$(grep -c . '$T/alerts.jsonl')\" = 3 ]"
is "$(grep -c . "$T/alerts.jsonl")" 3 "three alerts: A, B, C"

line() { grep "\"url\":\"http://127.0.0.1/$1\"" "$T/alerts.jsonl"; }
case "$(line a1_zakharova_elections.txt)" in
*'"topic":"ua-elections","topics":["ua-elections"]'*'"feed":"outlet1","outlet":"Outlet One"'*'"speakers":["Zakharova","Foreign Ministry"],"snippet":"Russia'"'"'s Foreign Ministry spokesperson Maria Zakharova said on Wednesday'*) ok 0 "A: topic, outlet, speakers, snippet" ;;
*) ok 1 "A: topic, outlet, speakers, snippet"; line a1_zakharova_elections.txt | sed 's/^/# /' ;;
esac
contains() { case "$1" in *"$2"*) return 0 ;; esac; return 1; }
contains "$(line b_hajizadeh_karabakh.txt)" '"topics":["karabakh"]' && contains "$(line b_hajizadeh_karabakh.txt)" '"speakers":["Hajizadeh"]'
ok $? "B: Karabakh, Hajizadeh"
contains "$(line c_lachin_statement.txt)" '"topics":["karabakh"]' && contains "$(line c_lachin_statement.txt)" '"outlet":"Outlet Two"'
ok $? "C: Karabakh, Outlet Two"
is "$(line d_shusha_travel.txt)" "" "travel piece: tagged, no alert"
is "$(sql "select count(*) from tags t join items i on i.id = t.item_id where i.guid = 'd_shusha_travel.txt' and t.tag = 'topic:karabakh'")" 1 "travel piece has topic:karabakh"
is "$(line e_other_topic_statement.txt)" "" "statement on a topic without alerts: no alert"
is "$(sql "select count(*) from alerts")" 3 "three alerts in the store"

# the copy of story A arrives later in outlet2: joins the story, no alert
feed outlet2 "$ALERTS/c_lachin_statement.txt:4000" "$ALERTS/e_other_topic_statement.txt:3000" \
	"$ALERTS/a2_zakharova_elections_copy.txt:600"
wait_for 15 sh -c "[ \"\$(sqlite3 '$T/store.db' 'select count(*) from items where article_status is not null')\" = 6 ]"
ok $? "the copy is stored"
is "$(sql "select count(distinct story_id) from items where guid like 'a%'")" 1 "the copy joined story A"
# the copy's alert, if any, is recorded in the transaction that stored its article; wait until
# every recorded alert has been written out before counting the lines
wait_for 30 sh -c "[ \"\$(sqlite3 '$T/store.db' 'select count(*) from alerts where emitted = 0')\" = 0 ]"
is "$(sql "select count(*) from alerts")" 3 "no alert for the copy in the store"
is "$(grep -c . "$T/alerts.jsonl")" 3 "no alert for the copy"
is "$(sql "select group_concat(tag, ' ') from (select tag from tags t join items i on i.id = t.item_id where i.guid = 'a2_zakharova_elections_copy.txt' and tag like 'topic:%' order by tag)")" \
   "topic:russia-azerbaijan topic:ua-elections" "the copy has its topics"

# restart: nothing alerted twice, nothing lost
stop_daemon TERM
is "$DAEMON_STATUS" 0 "SIGTERM: exit 0"
n=$(requests /outlet1.xml)
start_daemon
# pending alerts are written out at start, before the first poll: once outlet1 is polled
# again, a wrongly repeated alert would be in the log
wait_for 30 sh -c "[ \$(awk -F'\t' '\$3 == \"/outlet1.xml\"' '$T/server.log' | wc -l) -gt $n ]"
ok $? "after a restart: polling again"
is "$(grep -c . "$T/alerts.jsonl")" 3 "after a restart: still three lines"
is "$(sql "select count(*) from alerts where emitted = 0")" 0 "nothing pending"
stop_daemon TERM

# the seed articles
SEEDS="${PW_SHARED:-}/seeds"
if [ -n "${PW_SHARED:-}" ] && [ -f "$SEEDS/README.md" ]; then
	stop_daemon TERM 2>/dev/null
	rm -f "$T/store.db" "$T/store.db-wal" "$T/store.db-shm" "$T/alerts.jsonl"
	: >"$T/feeds.conf"
	set -- "$SEEDS"/000_*.txt "$SEEDS"/001_*.txt "$SEEDS"/002_*.txt "$SEEDS"/003_*.txt "$SEEDS"/004_*.txt
	feed seeds1 "$1:9000:raw" "$4:8000:raw"
	feed seeds2 "$2:7000:raw" "$5:6000:raw"
	feed seeds3 "$3:5000:raw"
	add_feed seeds1 "$BASE/seeds1.xml"
	add_feed seeds2 "$BASE/seeds2.xml"
	add_feed seeds3 "$BASE/seeds3.xml"
	start_daemon
	wait_for 15 sh -c "[ \"\$(sqlite3 '$T/store.db' 'select count(*) from items where article_status is not null')\" = 5 ]"
	ok $? "seeds: five items stored"
	# the alerts were recorded with the articles; wait until all of them are written out
	wait_for 30 sh -c "[ \"\$(sqlite3 '$T/store.db' 'select count(*) from alerts where emitted = 0')\" = 0 ]"
	# One alert per story whose items include an alerting statement: all five seeds are such
	# statements, so the alerts equal the stories.  Which seeds share a story is the story
	# grouping's call (dedup, [dedup] same_story): A = 000-002, B, C (the seeds' README).
	stories=$(sql "select count(distinct story_id) from items")
	is "$stories" 3 "seeds: three stories"
	is "$(grep -c . "$T/alerts.jsonl")" "$stories" "seeds: one alert per story ($stories stories)"
	is "$(sql "select count(*) from alerts")" "$stories" "seeds: as many alerts in the store"
	groups=$(sql "select group_concat(g, ' | ') from (select group_concat(s, ',') g from (select substr(guid, 1, 3) s, story_id from items order by guid) group by story_id order by min(s))")
	is "$groups" "000,001,002 | 003 | 004" "seeds: grouped as A = 000-002, B = 003, C = 004"
	seedtopics() { sql "select group_concat(tag, ' ') from (select tag from tags t join items i on i.id = t.item_id where i.guid like '$1%' and tag in ('topic:karabakh', 'topic:ua-elections', 'statement') order by tag)"; }
	is "$(seedtopics 000_)" "statement topic:karabakh topic:ua-elections" "seed 000: ua-elections + karabakh, statement"
	is "$(seedtopics 001_)" "statement topic:ua-elections" "seed 001: ua-elections, statement"
	is "$(seedtopics 002_)" "statement topic:ua-elections" "seed 002: ua-elections, statement"
	is "$(seedtopics 003_)" "statement topic:karabakh" "seed 003: karabakh, statement"
	is "$(seedtopics 004_)" "statement topic:karabakh" "seed 004: karabakh, statement"
	stop_daemon TERM
else
	diag "seed articles absent (\$PW_SHARED/seeds): seed scenario skipped"
fi
done_testing
