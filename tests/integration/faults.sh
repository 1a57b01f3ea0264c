#!/bin/sh
# Feeds that misbehave cost one log line and a backoff each; the healthy feed keeps ingesting.
# never answers -> timeout; endless body -> size cap; huge Content-Length -> size cap;
# truncated body -> error (whole items before the cut are kept); HTML -> not a feed;
# gzip -> fine; slow drip -> low-speed / total timeout; 404 -> error.
. "$top_srcdir/tests/integration/lib.sh"

start_server
PW_TIMEOUT=2s PW_MAX_BACKOFF=60s write_config
add_feed healthy "$BASE/alpha.xml"
add_feed hang "$BASE/hang.xml?hang=1"
add_feed endless "$BASE/endless.xml?endless=1"
add_feed huge "$BASE/huge.xml?size=50000000"
# delta.xml is longer than the parser's 4 KiB sniffing window; the cut falls inside item 09
cut=$(( $(grep -bo '<guid isPermaLink="false">delta-09' "$T/www/delta.xml" | cut -d: -f1) + 100 ))
add_feed truncated "$BASE/delta.xml?truncate=$cut"
add_feed html "$BASE/not-a-feed.html"
add_feed gzipped "$BASE/charlie.xml?gzip=1"
add_feed drip "$BASE/alpha.xml?drip=1"
add_feed missing "$BASE/nowhere.xml"
start_daemon

# the healthy feed ingests at once, while "hang" is still hanging
wait_for 4 sh -c "[ \"\$(sqlite3 '$T/store.db' \"select count(*) from items i join feeds f on f.id = i.feed_id where f.name = 'healthy'\")\" = 3 ]"
ok $? "healthy feed stored its 3 items while another feed hangs"
is "$(sql "select last_polled is null from feeds where name = 'hang'")" 1 "the hanging poll has not finished yet"

wait_for 8 sh -c "[ \"\$(sqlite3 '$T/store.db' \"select fail_count from feeds where name = 'hang'\")\" = 1 ]"
ok $? "hang: fail_count 1 after the timeout"
sql "select last_error from feeds where name = 'hang'" | grep -qi "timeout"
ok $? "hang: last_error says timeout ($(sql "select last_error from feeds where name = 'hang'"))"
is "$(sql "select last_status from feeds where name = 'hang'")" 0 "hang: no HTTP status"
ok "$([ "$(sql "select next_poll - last_polled from feeds where name = 'hang'")" -ge 2 ]; echo $?)" "hang: next poll backed off"

wait_for 8 sh -c "[ \"\$(sqlite3 '$T/store.db' \"select count(*) from feeds where last_polled is not null\")\" = 9 ]"
ok $? "every feed finished a poll"
for f in endless huge; do
	sql "select last_error from feeds where name = '$f'" | grep -qi "larger than"
	ok $? "$f: size cap ($(sql "select last_error from feeds where name = '$f'"))"
done
ok "$([ "$(sql "select fail_count from feeds where name = 'truncated'")" -ge 1 ]; echo $?)" "truncated body: a failure"
diag "truncated: $(sql "select last_error from feeds where name = 'truncated'")"
ntrunc=$(sql "select count(*) from items i join feeds f on f.id = i.feed_id where f.name = 'truncated'")
ok "$([ "$ntrunc" -ge 5 ] && [ "$ntrunc" -le 8 ]; echo $?)" "truncated body: the whole entries before the cut are kept ($ntrunc of 8)"
is "$(sql "select count(*) from items where guid in ('delta-09', 'delta-10', 'delta-11', 'delta-12')")" 0 \
   "truncated body: the entry cut in half (and those after it) are not stored"
sql "select last_error from feeds where name = 'html'" | grep -qi "not-feed\|not a feed"
ok $? "HTML page: not a feed ($(sql "select last_error from feeds where name = 'html'"))"
is "$(sql "select count(*) from items i join feeds f on f.id = i.feed_id where f.name = 'gzipped'")" 2 "gzip body: 2 items"
is "$(sql "select fail_count from feeds where name = 'gzipped'")" 0 "gzip body: no failure"
sql "select last_error from feeds where name = 'drip'" | grep -qi "timeout"
ok $? "slow drip: timeout ($(sql "select last_error from feeds where name = 'drip'"))"
is "$(sql "select last_status || ' ' || (fail_count > 0) from feeds where name = 'missing'")" "404 1" "404: status kept, counted as a failure"

is "$(sql "select count(*) from items")" "$((5 + ntrunc))" "nothing else was stored (3 + $ntrunc + 2)"
is "$(grep -c 'feed hang (.*failure 1,' "$T/daemon.log")" 1 "one log line for the hanging feed's failure"
grep 'feed endless (' "$T/daemon.log" | grep -q "retry in"
ok $? "the log line says when the feed is retried"

stop_daemon TERM
is "$DAEMON_STATUS" 0 "SIGTERM while feeds hang: exit 0"
done_testing
