#!/bin/sh
# -d: the command returns 0 only once the detached daemon runs (store open, feeds scheduled),
# or 1 with the reason; --pidfile is written, guards against a second instance, and is
# removed at exit.
. "$top_srcdir/tests/integration/lib.sh"

start_server
PW_INTERVAL=60s write_config
add_feed alpha "$BASE/alpha.xml"

"$PRESSWATCHD" -d --pidfile "$T/pd.pid" -c "$T/presswatch.conf" >"$T/d.out" 2>&1
is "$?" 0 "-d returns 0 once the daemon runs"
pid=$(cat "$T/pd.pid" 2>/dev/null)
[ -n "$pid" ] && PIDS="$PIDS $pid"
ours "$pid"
ok $? "the pid file names a live presswatchd of this test ($pid)"
wait_for 5 sh -c "[ \"\$(sqlite3 '$T/store.db' 'select count(*) from items')\" = 3 ]"
ok $? "the detached daemon polls and stores"

"$PRESSWATCHD" -d --pidfile "$T/pd.pid" -c "$T/presswatch.conf" >"$T/d2.out" 2>&1
ok "$([ $? -eq 1 ]; echo $?)" "a second instance on the same pid file exits 1"
grep -q "names running process $pid" "$T/d2.out"
ok $? "...saying which process runs"

ours "$pid" && kill -TERM "$pid"   # not our child: make sure the PID is still the daemon
wait_for 8 sh -c "! kill -0 $pid || ! tr '\\0' ' ' </proc/$pid/cmdline | grep -qF '$T'"
ok $? "SIGTERM stops the detached daemon"
ok "$([ ! -e "$T/pd.pid" ]; echo $?)" "the pid file is removed at exit"

# a store that cannot be opened: -d exits 1 and says why, on the terminal
printf 'this is not an SQLite database, just text that happens to be here\n%.0s' 1 2 3 4 5 6 7 8 >"$T/store.db"
rm -f "$T/store.db-wal" "$T/store.db-shm"
"$PRESSWATCHD" -d -c "$T/presswatch.conf" >"$T/d3.out" 2>&1
is "$?" 1 "-d with an unusable store exits 1"
grep -q "store.db" "$T/d3.out"
ok $? "...naming the file ($(head -1 "$T/d3.out"))"
done_testing
