#!/bin/sh
# Hostile feeds (issue 10): each scenario runs a fresh presswatchd with one hostile feed next to
# a healthy one.  For every scenario: the daemon is still running after the hostile poll, the
# healthy feed got its 3 items in the same run, the hostile feed is marked (last_error and
# fail_count, one log line naming it) or -- where the input is merely odd -- stored sanely, and
# the daemon's peak RSS (VmHWM) stays under a generous bound; it is printed as a diagnostic.
# faults.sh and redirect.sh check the details of hang/endless/truncation/redirects; this file
# checks the same contract over the whole hostile list.
. "$top_srcdir/tests/integration/lib.sh"

RSS_LIMIT_KB=$((200 * 1024))
# Under AddressSanitizer (configure --enable-sanitizers) freed memory is held in ASan's
# quarantine, 256 MB by default, so VmHWM grows with everything the daemon has ever freed, up
# to that much, not with what it holds: "many" (500 items parsed, stored, grouped and tagged in
# one poll) read ~234 MB with it, ~89 MB with 32 MB, ~20 MB without ASan.  A small quarantine
# keeps the bound about the daemon's memory (use-after-free of recent frees is still caught).
if grep -aq __asan_init "$PRESSWATCHD" 2>/dev/null; then
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=32"
	export ASAN_OPTIONS
fi
FEEDS_DIR="$top_srcdir/tests/fixtures/feeds"
start_server

# utf8_clean SQL -- true when every value the query returns is valid UTF-8
utf8_clean() {
	python3 - "$T/store.db" "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.text_factory = bytes
for row in db.execute(sys.argv[2]):
    for v in row:
        if isinstance(v, bytes):
            v.decode("utf-8")  # raises (exit 1) on invalid UTF-8
PY
}
items_of() { sql "select count(*) from items i join feeds f on f.id = i.feed_id where f.name = '$1'"; }

# scenario NAME URL [WAIT] -- a fresh store and daemon with feeds "healthy" and NAME; waits (up
# to WAIT s, default 15) until both finished a poll, checks the common contract, stops it.
scenario() {
	S=$1
	rm -f "$T"/store.db*; : >"$T/feeds.conf"; : >"$T/daemon.log"
	add_feed healthy "$BASE/alpha.xml"
	add_feed "$S" "$2"
	start_daemon
	wait_for "${3:-15}" sh -c "[ \"\$(sqlite3 '$T/store.db' 'select count(*) from feeds where last_polled is not null' 2>/dev/null)\" = 2 ]"
	ok $? "$S: both feeds finished a poll"
	kill -0 "$DAEMON_PID" 2>/dev/null
	ok $? "$S: the daemon keeps running"
	rss=$(peak_rss "$DAEMON_PID")
	is "$(items_of healthy)" 3 "$S: the healthy feed got its 3 items in the same run"
	stop_daemon TERM
	is "$DAEMON_STATUS" 0 "$S: clean exit on SIGTERM"
	diag "$S: peak RSS ${rss:-?} KiB"
	if [ -n "${PW_VALGRIND:-}" ]; then
		diag "$S: (under valgrind: RSS bound not checked)"
	else
		ok "$([ "${rss:-0}" -gt 0 ] && [ "$rss" -lt "$RSS_LIMIT_KB" ]; echo $?)" "$S: peak RSS ${rss:-?} KiB < $RSS_LIMIT_KB KiB"
	fi
	RESULTS="$RESULTS$S: ${rss:-?} KiB; "
}

# marked NAME REGEX -- the feed failed with a last_error matching REGEX, in one log line
marked() {
	err=$(sql "select last_error from feeds where name = '$1'")
	is "$(sql "select fail_count >= 1 from feeds where name = '$1'")" 1 "$1: fail_count counts the failure"
	echo "$err" | grep -qiE "$2"
	ok $? "$1: last_error names the reason ($err)"
	is "$(grep -c "feed $1 (.*failure 1," "$T/daemon.log")" 1 "$1: one log line names the feed and the reason"
	is "$(items_of "$1")" 0 "$1: nothing stored from it"
}

RESULTS=""
SECRET="presswatch-secret-$$-do-not-leak"
echo "$SECRET" >"$T/secret.txt"
cp "$FEEDS_DIR/unsafe_entity_bomb.xml" "$FEEDS_DIR/rss20_invalid_utf8.xml" \
   "$FEEDS_DIR/rss20_ru_mislabelled_utf8.xml" "$T/www/"

# the server needs seconds to compress the gzip bomb: warm its cache now, in the background
python3 -c "import urllib.request; urllib.request.urlopen('$BASE/bomb.xml?gzipbomb=268435456').read()" >/dev/null 2>&1 &
WARM_PID=$!

# --- billion laughs: internal entities nested 16^4 deep never get expanded
PW_INTERVAL=60s write_config
scenario laughs "$BASE/unsafe_entity_bomb.xml"
marked laughs "entit|malformed|not a feed|amplif|parse"

# --- external entity pointing at a local secret: never read, never stored
cat >"$T/www/xxe.xml" <<EOF
<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY secret SYSTEM "file://$T/secret.txt">
]>
<rss version="2.0"><channel><title>Regional wire</title><link>https://wire.example/</link>
<item><title>Leak: &secret;</title><link>https://wire.example/1</link><guid>xxe-1</guid>
<description>&secret;</description></item></channel></rss>
EOF
scenario xxe "$BASE/xxe.xml"
sqlite3 "$T/store.db" .dump | grep -qF "$SECRET"
ok "$([ $? -ne 0 ]; echo $?)" "xxe: the secret file's content is nowhere in the store"
grep -qF "$SECRET" "$T/daemon.log"
ok "$([ $? -ne 0 ]; echo $?)" "xxe: nor in the log"
marked xxe "external entity"

# --- gzip bomb: 256 MiB of blanks in 256 KiB of gzip; the cap on the decoded size stops it
wait "$WARM_PID"
scenario gzipbomb "$BASE/bomb.xml?gzipbomb=268435456" 30
marked gzipbomb "larger than"

# --- endless chunked body
scenario endless "$BASE/endless.xml?endless=1"
marked endless "larger than"

# --- a body that stops in the middle of an element (inside the second item's title)
cut=$(( $(grep -bo '<title>' "$T/www/alpha.xml" | sed -n 3p | cut -d: -f1) + 12 ))
cp "$T/www/alpha.xml" "$T/www/alpha-cut.xml"
scenario midelement "$BASE/alpha-cut.xml?truncate=$cut"
marked midelement "incomplete|partial|truncat|closed|malformed|transfer"

# --- slow drip: 1 byte per second; the low-speed limit (100 B/s over 2 s) gives up on it
PW_INTERVAL=60s PW_TIMEOUT=20s PW_LOW_SPEED_LIMIT=100 PW_LOW_SPEED_TIME=2s write_config
scenario drip "$BASE/alpha-cut.xml?drip=1&drip_bytes=1" 15
marked drip "timeout|timed out|slow|speed"
ok "$([ "$(sql "select last_polled - (select min(last_polled) from feeds)  from feeds where name = 'drip'")" -lt 10 ]; echo $?)" \
   "drip: abandoned by the low-speed limit, long before the 20 s total timeout"

# --- accepts the connection, never answers
PW_INTERVAL=60s PW_TIMEOUT=3s write_config
scenario hang "$BASE/hang.xml?hang=1"
marked hang "timeout|timed out"

# --- redirect loop, and redirects to schemes other than http(s)
scenario loop "$BASE/loop.xml?redirect=302&loop=1"
marked loop "redirect"
scenario tofile "$BASE/f.xml?redirect=302&to=file://$T/secret.txt"
marked tofile "protocol|scheme|redirect"
grep -qF "$SECRET" "$T/daemon.log"
ok "$([ $? -ne 0 ]; echo $?)" "tofile: the file was not read"
scenario gopher "$BASE/g.xml?redirect=301&to=gopher://127.0.0.1:$PORT/1/alpha.xml"
marked gopher "protocol|scheme|redirect"
is "$(requests /1/alpha.xml)" 0 "gopher: nothing was fetched over gopher"

# --- invalid UTF-8 bytes inside a title: stored, as valid UTF-8
scenario badutf8 "$BASE/rss20_invalid_utf8.xml"
is "$(items_of badutf8)" 2 "badutf8: both items stored"
utf8_clean "select title, summary, body from items"
ok $? "badutf8: every stored text is valid UTF-8"

# --- windows-1251 bytes under a declared UTF-8: read as windows-1251, stored as UTF-8 Cyrillic
scenario charset "$BASE/rss20_ru_mislabelled_utf8.xml"
is "$(items_of charset)" 1 "charset: the item is stored"
utf8_clean "select title from items" && python3 -c "
import sqlite3, sys
t = sqlite3.connect(sys.argv[1]).execute(\"select i.title from items i join feeds f on f.id = i.feed_id where f.name = 'charset'\").fetchone()[0]
sys.exit(0 if sum('\u0400' <= c <= '\u04ff' for c in t) > 10 else 1)" "$T/store.db"
ok $? "charset: the title is Cyrillic text, not mojibake ($(sql "select i.title from items i join feeds f on f.id = i.feed_id where f.name = 'charset'"))"

# --- an HTML page served as a feed
scenario html "$BASE/not-a-feed.html?ctype=application/rss%2Bxml"
marked html "not a feed|not-feed|html"

# --- duplicate GUIDs within one feed: the first of each is stored, once
cat >"$T/www/dups.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Echo Wire</title><link>https://echo.example/</link>
<item><title>Talks resume in Brussels</title><link>https://echo.example/a</link><guid isPermaLink="false">echo-1</guid><pubDate>Tue, 03 Dec 2024 09:00:00 GMT</pubDate></item>
<item><title>Border crossing reopens</title><link>https://echo.example/b</link><guid isPermaLink="false">echo-2</guid><pubDate>Tue, 03 Dec 2024 10:00:00 GMT</pubDate></item>
<item><title>Talks resume in Brussels (updated)</title><link>https://echo.example/a2</link><guid isPermaLink="false">echo-1</guid><pubDate>Tue, 03 Dec 2024 11:00:00 GMT</pubDate></item>
<item><title>Border crossing reopens</title><link>https://echo.example/b</link><guid isPermaLink="false">echo-2</guid><pubDate>Tue, 03 Dec 2024 10:00:00 GMT</pubDate></item>
</channel></rss>
EOF
scenario dups "$BASE/dups.xml"
is "$(items_of dups)" 2 "dups: one item per GUID"
is "$(sql "select count(*) from (select feed_id, guid from items group by feed_id, guid having count(*) > 1)")" 0 "dups: no (feed, guid) twice"
is "$(sql "select fail_count from feeds where name = 'dups'")" 0 "dups: not a failure"

# --- a 10 MB title (the body cap raised to let it through): cut to the field cap, stored
PW_INTERVAL=60s PW_MAX_BODY=16M write_config
scenario bigtitle "$BASE/big.xml?bigtitle=10485760" 30
is "$(items_of bigtitle)" 1 "bigtitle: the item is stored"
tl=$(sql "select length(i.title) from items i join feeds f on f.id = i.feed_id where f.name = 'bigtitle'")
ok "$([ "${tl:-0}" -gt 0 ] && [ "$tl" -le 1048576 ]; echo $?)" "bigtitle: the title is cut to the 1 MiB field cap ($tl characters)"

# --- 50,000 items in one feed: the parser keeps the first 5000 (its item cap) and warns, the
# poll is no failure; max_items_per_poll (default 500) of those are stored by this poll
PW_INTERVAL=60s PW_MAX_BODY=32M write_config
scenario many "$BASE/many.xml?items=50000" 60
is "$(items_of many)" 500 "many: max_items_per_poll items stored by the first poll"
grep -q "feed many: 4500 more new items than max_items_per_poll" "$T/daemon.log"
ok $? "many: the per-poll cap is logged"
is "$(sql "select fail_count || ' ' || coalesce(last_error, '-') from feeds where name = 'many'")" "0 -" \
	"many: the parser's item cap is no failure (fail_count 0, no last error)"
is "$(grep -c "feed many (.*): poll ok: 500 new items, but the document has more than 5000 items: the first 5000 were kept" "$T/daemon.log")" 1 \
	"many: one warning names the feed and the cap"

diag "peak RSS: $RESULTS"
done_testing
