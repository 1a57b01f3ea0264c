#!/bin/sh
# systemd integration without systemd: a datagram socket stands in for $NOTIFY_SOCKET and
# records what presswatchd sends -- READY=1 once feeds are scheduled, STATUS= with counts
# (feeds, items, article pages queued / fetching / extracting),
# WATCHDOG=1 every WATCHDOG_USEC/2, RELOADING=1 + READY=1 around SIGHUP, STOPPING=1 at the end.
. "$top_srcdir/tests/integration/lib.sh"

"$PRESSWATCHD" -V | grep -q "sd_notify" || skip_all "presswatchd built without libsystemd"

python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        msg = s.recv(4096).decode("utf-8", "replace")
        for line in msg.splitlines():
            log.write(line + "\n")
' "$T/notify.sock" "$T/notify.log" &
PIDS="$PIDS $!"
wait_for 5 test -S "$T/notify.sock" || { echo "Bail out! notify listener did not start"; exit 1; }
: >>"$T/notify.log"

start_server
PW_INTERVAL=60s write_config
add_feed alpha "$BASE/alpha.xml"
NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=400000 start_daemon

wait_for 5 grep -q '^READY=1' "$T/notify.log"
ok $? "READY=1 sent"
wait_for 5 grep -q '^STATUS=.*1 feeds (1 enabled, 0 failing), 3 new items stored' "$T/notify.log"
ok $? "STATUS= reports feeds and stored items after the poll"
# the pings counted over a measured time (a "sleep 1" lasts longer on a loaded machine): at
# least one per 400 ms (WATCHDOG_USEC, systemd's deadline), not more than one per 200 ms
n0=$(grep -c '^WATCHDOG=1' "$T/notify.log"); t0=$(date +%s%N)
sleep 2
n1=$(grep -c '^WATCHDOG=1' "$T/notify.log"); t1=$(date +%s%N)
n=$((n1 - n0)); ms=$(( (t1 - t0) / 1000000 ))
ok "$([ "$n" -ge $((ms / 400 - 1)) ] && [ "$n" -le $((ms / 200 + 1)) ]; echo $?)" \
   "WATCHDOG=1 every 200 ms ($n in $ms ms)"
kill -HUP "$DAEMON_PID"
wait_for 5 sh -c "grep -n '^RELOADING=1' '$T/notify.log' | grep -q ."
ok $? "SIGHUP: RELOADING=1"
rl=$(grep -n '^RELOADING=1' "$T/notify.log" | head -1 | cut -d: -f1)
wait_for 5 sh -c "tail -n +$rl '$T/notify.log' | grep -q '^READY=1'"
ok $? "SIGHUP: READY=1 again after the reload"
stop_daemon TERM
is "$DAEMON_STATUS" 0 "SIGTERM: exit 0"
grep -q '^STOPPING=1' "$T/notify.log"
ok $? "STOPPING=1 sent"

# 30 more feeds, all due at once: STATUS= comes at most once a second (its counts walk every
# feed), and the polls ending within a second are reported when it is over, so the last
# STATUS= has them all
i=0
while [ $i -lt 30 ]; do add_feed "wire-$i" "$BASE/wire-$i.xml?items=2"; i=$((i + 1)); done
: >"$T/notify.log"
t0=$(date +%s%N)
NOTIFY_SOCKET="$T/notify.sock" start_daemon
wait_for 15 grep -q '^STATUS=31 feeds (31 enabled, 0 failing), 60 new items stored' "$T/notify.log"
ok $? "30 polls at once: the last STATUS= counts all 60 new items"
t1=$(date +%s%N)
n=$(grep -c '^STATUS=' "$T/notify.log"); s=$(( (t1 - t0 + 999999999) / 1000000000 ))
ok "$([ "$n" -le $((s + 2)) ]; echo $?)" "30 polls at once: $n STATUS= in ${s} s, not one per poll"
stop_daemon TERM
is "$DAEMON_STATUS" 0 "SIGTERM: exit 0"

# article pages: one fetch at a time, each page answers after 2 s.  STATUS= shows the pages
# queued and being fetched while nothing commits (every second while pages are in progress),
# then all done, and then it stops (idle stays idle).
mkdir -p "$T/www/pages"
cp "$top_srcdir/tests/fixtures/articles/good.html" "$T/www/pages/"
control '{"/pages/good.html": {"delay": 2}}'
rm -f "$T/store.db" "$T/store.db-wal" "$T/store.db-shm" "$T/feeds.conf"
PW_CONCURRENCY=1 PW_FETCH_ARTICLES=yes PW_INTERVAL=60s write_config
add_feed pages "$BASE/pages.xml?items=3&links=/pages/good.html"
: >"$T/notify.log"
NOTIFY_SOCKET="$T/notify.sock" start_daemon
wait_for 30 grep -q '^STATUS=.*; article pages: 1 queued, 1 fetching, 0 extracting; 1 extracted, 0 reused' "$T/notify.log"
ok $? "STATUS= while a page is fetched: 1 queued, 1 fetching, 1 extracted"
wait_for 30 grep -q '^STATUS=1 feeds (1 enabled, 0 failing), 3 new items stored, 0 polls in flight; article pages: 0 queued, 0 fetching, 0 extracting; 3 extracted, 0 reused' "$T/notify.log"
ok $? "STATUS= once the pages are done: nothing queued, fetching or extracting; 3 extracted"
is "$(requests '/pages/good.html?n=1')$(requests '/pages/good.html?n=2')$(requests '/pages/good.html?n=3')" 111 "each page fetched once"
sleep 0.5   # the rate limit's last timer
n0=$(grep -c '^STATUS=' "$T/notify.log")
sleep 2.5
is "$(grep -c '^STATUS=' "$T/notify.log")" "$n0" "no STATUS= once idle"
stop_daemon TERM
is "$DAEMON_STATUS" 0 "SIGTERM: exit 0"
done_testing
