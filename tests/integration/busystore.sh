#!/bin/sh
# A store locked by another connection (someone's `BEGIN IMMEDIATE` left open in the sqlite3
# shell, a long DELETE, a CLI command that writes) does not freeze presswatchd: while a helper
# process holds the write lock for several seconds, the daemon goes on polling (the polls' new
# items wait in memory), answers SIGHUP at once (the reload's feed sync waits for the lock),
# logs the lock once and its end once; after the release every item is stored exactly once
# and PRAGMA integrity_check is ok.  Then: SIGTERM while locked exits 0 after a bounded wait,
# keeping what was committed, and the items it could not commit are fetched again at the next
# start (their feed state was not committed either); --once waits for the lock and commits.
. "$top_srcdir/tests/integration/lib.sh"

# gen_feed NAME N -- $T/www/NAME.xml with items NAME-1 .. NAME-N (newest first)
gen_feed() {
	{
		printf '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
		printf '<title>%s desk</title><link>http://127.0.0.1/%s</link><language>en</language>\n' "$1" "$1"
		i=$2
		while [ "$i" -ge 1 ]; do
			printf '<item><guid>%s-%d</guid><title>Regional council session %d reviews the %s budget</title>\n' "$1" "$i" "$i" "$1"
			printf '<description>Councillors debated item %d of the %s agenda late into the evening.</description></item>\n' "$i" "$1"
			i=$((i - 1))
		done
		printf '</channel></rss>\n'
	} >"$T/www/$1.xml.new" && mv "$T/www/$1.xml.new" "$T/www/$1.xml"
}

count() { sql "select count(*) from items"; }
feed_count() { sql "select count(*) from items i join feeds f on f.id = i.feed_id where f.name = '$1'"; }

start_server
gen_feed council 4
gen_feed harbour 3
PW_INTERVAL=1s write_config
add_feed council "$BASE/council.xml"
add_feed harbour "$BASE/harbour.xml"
start_daemon
wait_for 30 sh -c "[ \"\$(sqlite3 '$T/store.db' 'select count(*) from items' 2>/dev/null)\" = 7 ]"
ok $? "before the lock: the 7 items of both feeds are stored"

# --- the lock: new items arrive while another connection holds it
lock_store
gen_feed council 10
gen_feed harbour 8
wait_for 30 grep -q "store locked by another connection, [0-9]* items waiting" "$T/daemon.log"
ok $? "the lock is logged ($(grep -o 'store locked by another connection.*' "$T/daemon.log" | head -1))"
wait_for 30 sh -c "[ \$(grep -c 'kept in memory until the store is unlocked' '$T/daemon.log') -ge 2 ]"
ok $? "polls go on while the store is locked: both feeds' new items wait in memory"
kill -HUP "$DAEMON_PID"
wait_for 30 grep -q "SIGHUP: reloading" "$T/daemon.log"
ok $? "SIGHUP while the store is locked: the daemon answers it"
wait_for 30 grep -q "reload: the store is locked by another connection" "$T/daemon.log"
ok $? "the reload says it waits for the lock"
# keep the lock a few more seconds: the retries back off, the loop keeps running
n0=$(grep -cE "feed (council|harbour) .*(poll ok|not modified|no new items)" "$T/daemon.log")
sleep 3
n1=$(grep -cE "feed (council|harbour) .*(poll ok|not modified|no new items)" "$T/daemon.log")
ok "$([ "$n1" -gt "$n0" ]; echo $?)" "the loop keeps polling while locked ($n0 -> $n1 polls logged)"
test -e "$T/release"
ok "$([ $? -ne 0 ]; echo $?)" "all of this happened while the lock was held"
is "$(count)" 7 "nothing is committed while the store is locked (readers still read)"
ok "$(kill -0 "$DAEMON_PID" 2>/dev/null; echo $?)" "the daemon is alive"
unlock_store

wait_for 30 sh -c "[ \"\$(sqlite3 '$T/store.db' 'select count(*) from items' 2>/dev/null)\" = 18 ]"
ok $? "after the release: all 18 items are stored"
wait_for 30 grep -q "store lock released after [0-9.]* s" "$T/daemon.log"
ok $? "the release is logged ($(grep -o 'store lock released.*' "$T/daemon.log" | head -1))"
wait_for 30 grep -q "reloaded: 2 feeds" "$T/daemon.log"
ok $? "the waiting reload is applied once the lock is gone"
is "$(grep -c "store locked by another connection" "$T/daemon.log")" 1 "the lock is logged once, not once per retry"
is "$(grep -c "store lock released" "$T/daemon.log")" 1 "its end is logged once"
is "$(grep -c "SIGHUP: reloading" "$T/daemon.log")" 1 "one SIGHUP, one reload line"
is "$(grep -ciE "database is locked|nothing could be stored|storing the poll failed" "$T/daemon.log")" 0 \
	"no error, no refused poll: a lock is waited for"
is "$(feed_count council) $(feed_count harbour)" "10 8" "counts exact per feed"
is "$(sql "select count(*) from (select feed_id, guid from items group by feed_id, guid having count(*) > 1)")" 0 \
	"no item stored twice"
is "$(sql "pragma integrity_check")" ok "PRAGMA integrity_check: ok"
is "$(sql "select count(*) from feeds where fail_count > 0")" 0 "no feed counts a failure"

# --- SIGTERM while locked: a bounded wait, exit 0, committed data kept
lock_store
gen_feed council 13
wait_for 30 sh -c "[ \$(grep -c 'store locked by another connection' '$T/daemon.log') -ge 2 ]"
ok $? "locked again while the council feed has 3 new items"
t0=$(date +%s)
stop_daemon TERM
t1=$(date +%s)
is "$DAEMON_STATUS" 0 "SIGTERM while locked: exit 0"
ok "$([ $((t1 - t0)) -le 60 ]; echo $?)" "SIGTERM while locked: the wait is bounded ($((t1 - t0)) s)"
grep -q "giving up [0-9]* items" "$T/daemon.log"
ok $? "the items it could not commit are named in the log"
is "$(count)" 18 "what was committed is kept"

unlock_store

# --- --once: the store is locked while its polls run; it waits for the lock and commits.  The
# council feed answers after 6 s (time enough for the locker to start on a loaded machine), so the lock is taken while its poll is in flight.
PW_INTERVAL=1s write_config
: >"$T/feeds.conf"
add_feed council "$BASE/council.xml?delay=6"
add_feed harbour "$BASE/harbour.xml"
starts=$(grep -c "presswatchd .* started" "$T/daemon.log")
start_daemon --once
wait_for 30 sh -c "[ \$(grep -c 'presswatchd .* started' '$T/daemon.log') -gt $starts ]"
ok $? "--once started"
lock_store
wait_for 30 sh -c "[ \$(grep -c 'store locked by another connection' '$T/daemon.log') -ge 3 ]"
ok $? "--once: the poll found the store locked"
sleep 1
ok "$(kill -0 "$DAEMON_PID" 2>/dev/null; echo $?)" "--once while locked: still running (waiting for the lock)"
is "$(count)" 18 "--once while locked: nothing committed yet"
unlock_store
DAEMON_STATUS=0
wait "$DAEMON_PID" || DAEMON_STATUS=$?
forget "$DAEMON_PID"
is "$DAEMON_STATUS" 0 "--once: exit 0 after the lock is released"
is "$(feed_count council) $(feed_count harbour)" "13 8" "--once: the 3 items the stopped daemon gave up are fetched again and stored"

# --- SIGHUP while locked with nothing waiting in the daemon (no poll due for an hour): the
# reload waits for the lock all the same, and is applied once it is gone
PW_INTERVAL=1h write_config
: >"$T/feeds.conf"
add_feed council "$BASE/council.xml"
add_feed harbour "$BASE/harbour.xml"
mark=$(wc -l <"$T/daemon.log")
start_daemon
wait_for 30 sh -c "tail -n +$((mark + 1)) '$T/daemon.log' | grep -q 'presswatchd .* started'"
ok $? "restarted with an interval of an hour"
wait_for 30 sh -c "tail -n +$((mark + 1)) '$T/daemon.log' | grep -qE 'feed harbour .*(not modified|poll ok)' &&
	tail -n +$((mark + 1)) '$T/daemon.log' | grep -qE 'feed council .*(not modified|poll ok)'"
ok $? "its first polls are done"
sleep 1   # their commit window (250 ms) is over
locks=$(grep -c "store locked by another connection" "$T/daemon.log")
waits=$(grep -c "reload: the store is locked" "$T/daemon.log")
reloads=$(grep -c "reloaded: 2 feeds" "$T/daemon.log")
lock_store
kill -HUP "$DAEMON_PID"
wait_for 30 sh -c "[ \$(grep -c 'reload: the store is locked' '$T/daemon.log') -gt $waits ]"
ok $? "SIGHUP with nothing waiting: the reload waits for the lock"
sleep 2
is "$(grep -c "reloaded: 2 feeds" "$T/daemon.log")" "$reloads" "the reload is not applied while the lock is held"
ok "$(kill -0 "$DAEMON_PID" 2>/dev/null; echo $?)" "the daemon is alive"
unlock_store
wait_for 30 sh -c "[ \$(grep -c 'reloaded: 2 feeds' '$T/daemon.log') -gt $reloads ]"
ok $? "the reload is applied once the lock is gone"
is "$(grep -c "store locked by another connection" "$T/daemon.log")" "$locks" "no batch waited for that lock"
stop_daemon TERM
is "$DAEMON_STATUS" 0 "SIGTERM: exit 0"
is "$(feed_count council) $(feed_count harbour)" "13 8" "counts unchanged"
is "$(sql "pragma integrity_check")" ok "PRAGMA integrity_check: ok at the end"
done_testing
