#!/bin/sh
# SIGHUP adds a feed (and keeps the others' state), a broken config on SIGHUP is refused,
# SIGTERM during a hanging transfer exits 0 within the grace with everything committed,
# --once polls each feed once and exits, a restart honours next_poll (no burst),
# --check-config reports FILE:LINE.
. "$top_srcdir/tests/integration/lib.sh"

start_server
# long transfer timeouts, so that the hanging transfer below is still running at SIGTERM
PW_INTERVAL=2s PW_TIMEOUT=60s PW_LOW_SPEED_TIME=60s write_config
add_feed alpha "$BASE/alpha.xml"
start_daemon
wait_for 10 sh -c "[ \"\$(sqlite3 '$T/store.db' \"select last_status from feeds where name = 'alpha'\")\" = 304 ]"
ok $? "alpha polled twice (200, 304)"
etag=$(sql "select etag from feeds where name = 'alpha'")

add_feed charlie "$BASE/charlie.xml"
kill -HUP "$DAEMON_PID"
wait_for 5 sh -c "[ \"\$(sqlite3 '$T/store.db' \"select count(*) from items i join feeds f on f.id = i.feed_id where f.name = 'charlie'\")\" = 2 ]"
ok $? "SIGHUP: the new feed is polled and its items stored"
is "$(sql "select etag from feeds where name = 'alpha'")" "$etag" "SIGHUP: the unchanged feed keeps its state"
n=$(requests /alpha.xml)
wait_for 6 sh -c "[ \$(awk -F'\t' '\$3 == \"/alpha.xml\"' '$T/server.log' | wc -l) -gt $n ]"
ok $? "SIGHUP: the unchanged feed keeps being polled"
is "$(statuses /alpha.xml | tr ' ' '\n' | grep -c 200)" 1 "SIGHUP: ...conditionally (only one 200 in total)"
kill -0 "$DAEMON_PID"
ok $? "daemon alive after SIGHUP"

# a broken config on SIGHUP is refused; the daemon keeps running the old one
cp "$T/feeds.conf" "$T/feeds.conf.good"
printf '[broken\nurl = x\n' >>"$T/feeds.conf"
kill -HUP "$DAEMON_PID"
wait_for 5 grep -q "reload refused" "$T/daemon.log"
ok $? "SIGHUP with a broken feeds.conf: reload refused"
grep -q "feeds.conf:[0-9]" "$T/daemon.log"
ok $? "the refusal names file:line"
kill -0 "$DAEMON_PID"
ok $? "daemon still alive"
cp "$T/feeds.conf.good" "$T/feeds.conf"

# SIGTERM with a transfer hanging: exits 0 after the grace, committed data intact
add_feed hang "$BASE/hang.xml?hang=1"
kill -HUP "$DAEMON_PID"
wait_for 5 sh -c "awk -F'\t' '\$3 == \"/hang.xml?hang=1\"' '$T/server.log' | grep -q ."
ok $? "the hanging feed's request is in flight"
t0=$(date +%s)
stop_daemon TERM
t1=$(date +%s)
is "$DAEMON_STATUS" 0 "SIGTERM with a transfer in flight: exit 0"
ok "$([ $((t1 - t0)) -le 8 ]; echo $?)" "exited within the grace ($((t1 - t0)) s)"
grep -q "cancelling" "$T/daemon.log"
ok $? "the cancelled transfer is logged"
is "$(sql "select count(*) from items")" 5 "all items committed (3 + 2)"
is "$(sql "select last_polled is null from feeds where name = 'hang'")" 1 "the cancelled poll wrote nothing"

# restart: next_poll persisted -> no burst of requests at start
sed -i 's/^interval = .*/interval = 60s/' "$T/presswatch.conf"
sed -i '/^\[hang\]/,/^$/d' "$T/feeds.conf"
sql "update feeds set next_poll = strftime('%s', 'now') + 30 where name = 'alpha'" || true
n=$(requests /alpha.xml)
start_daemon
sleep 2
is "$(requests /alpha.xml)" "$n" "restart: a feed whose next_poll is ahead is not polled at start"
stop_daemon INT
is "$DAEMON_STATUS" 0 "SIGINT: exit 0"

# --once: every enabled feed once, then exit 0 (next_poll ignored)
add_feed bravo "$BASE/bravo.atom"
na=$(requests /alpha.xml); nc=$(requests /charlie.xml)
"$PRESSWATCHD" -c "$T/presswatch.conf" --once >>"$T/daemon.log" 2>&1
is "$?" 0 "--once exits 0"
is "$(requests /alpha.xml)" "$((na + 1))" "--once: alpha polled once"
is "$(requests /charlie.xml)" "$((nc + 1))" "--once: charlie polled once"
is "$(requests /bravo.atom)" 1 "--once: bravo polled once"
is "$(sql "select count(*) from items")" 7 "--once: bravo's items stored"

# --check-config
"$PRESSWATCHD" --check-config -c "$T/presswatch.conf" >"$T/check.out" 2>&1
is "$?" 0 "--check-config: good config exits 0"
printf '[delta]\nurl = %s/d.xml\ninterval = soon\n' "$BASE" >>"$T/feeds.conf"
"$PRESSWATCHD" --check-config -c "$T/presswatch.conf" >"$T/check.out" 2>&1
rc=$?
ok "$([ $rc -ne 0 ]; echo $?)" "--check-config: bad config exits non-zero ($rc)"
line=$(grep -n '^interval = soon' "$T/feeds.conf" | cut -d: -f1)
grep -q "feeds.conf:$line:" "$T/check.out"
ok $? "--check-config: error names feeds.conf:$line"
"$PRESSWATCHD" -f -c "$T/presswatch.conf" >"$T/start.out" 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "the daemon refuses to start on the bad config"
grep -q "feeds.conf:$line:" "$T/start.out"
ok $? "...and says where"
"$PRESSWATCHD" --check-config -c "$T/nonexistent.conf" >"$T/check.out" 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "--check-config: a missing file exits non-zero"
done_testing
