#!/bin/sh
# presswatchd under valgrind memcheck (lib.sh's PW_VALGRIND) in the normal suite: one --once run
# over healthy, broken and hostile feeds with article pages and alerts, then a daemon run stopped
# by SIGTERM.  Any memcheck error or definite leak fails (exit 99, and the log check that
# done_testing adds).  The whole integration suite can run this way: make check PW_VALGRIND=1.
PW_VALGRIND=1
. "$top_srcdir/tests/integration/lib.sh"

start_server
cp "$top_srcdir/tests/fixtures/feeds/unsafe_entity_bomb.xml" "$top_srcdir/tests/fixtures/feeds/rss20_invalid_utf8.xml" "$T/www/"
cp "$top_srcdir/tests/fixtures/articles/good.html" "$T/www/article.html"
cp "$top_srcdir/etc/topics.conf" "$T/topics.conf"
PW_FETCH_ARTICLES=yes PW_SKIP_IF_CONTENT=150 PW_TIMEOUT=10s PW_INTERVAL=60s write_config "topics = topics.conf
[alerts]
log = alerts.jsonl
[statements]
speakers = Hajizadeh"
add_feed alpha "$BASE/alpha.xml"
add_feed bravo "$BASE/bravo.atom?gzip=1"
add_feed truncated "$BASE/delta.xml?truncate=2000"
add_feed missing "$BASE/nowhere.xml"
add_feed laughs "$BASE/unsafe_entity_bomb.xml"
add_feed badutf8 "$BASE/rss20_invalid_utf8.xml"
add_feed loop "$BASE/loop.xml?redirect=302&loop=1"
add_feed endless "$BASE/endless.xml?endless=1"
add_feed paged "$BASE/paged.xml?items=3&links=/article.html"
add_feed statements "$BASE/stat.xml?items=2&fresh=1&statement=1"

"$PRESSWATCHD" -f -c "$T/presswatch.conf" --once >>"$T/daemon.log" 2>&1
is "$?" 0 "--once under valgrind: exit 0"
is "$(sql "select count(*) from feeds where last_polled is not null")" 10 "every feed was polled"
ok "$([ "$(sql "select count(*) from items where article_status = 'ok'")" -ge 1 ]; echo $?)" "article pages were fetched"
ok "$([ "$(sql "select count(*) from alerts")" -ge 1 ]; echo $?)" "alerts were recorded"

start_daemon
wait_for 30 sh -c "[ \$(grep -c 'presswatchd .* started' '$T/daemon.log') -ge 2 ]"
ok $? "daemon under valgrind started"
sleep 2
stop_daemon TERM
is "$DAEMON_STATUS" 0 "SIGTERM under valgrind: exit 0"
ls "$T"/valgrind.*.log >/dev/null 2>&1
ok $? "presswatchd really ran under valgrind ($(ls "$T"/valgrind.*.log 2>/dev/null | wc -l) logs)"
done_testing
