#!/bin/sh
# When another process holds the store's write lock, nothing is lost: the poll that brings a
# new item keeps it in memory (the daemon does not wait in SQLite: batch.h), the feed's new
# validators are not committed without it, and the item is stored once the lock is gone.
# (tests/integration/busystore.sh covers the lock in depth: signals, counts, shutdown, --once.)
. "$top_srcdir/tests/integration/lib.sh"

start_server
write_config
add_feed alpha "$BASE/alpha.xml"
start_daemon
wait_for 10 sh -c "[ \"\$(sqlite3 '$T/store.db' \"select last_status from feeds where name = 'alpha'\")\" = 304 ]"
ok $? "alpha stored and then answered 304"

# hold the write lock until the daemon has logged the lock and the poll that keeps the new
# item in memory (at most 60 s), then change the feed.  The locker says "locked" once it
# holds the lock, so nothing here depends on how fast a loaded machine starts sqlite3.
(echo "BEGIN EXCLUSIVE;"; echo "SELECT 'locked';"
 i=0; while ! grep -q "kept in memory until the store is unlocked" "$T/daemon.log" && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
 echo "COMMIT;") | sqlite3 "$T/store.db" >"$T/locker.out" &
locker=$!
PIDS="$PIDS $locker"
wait_for 30 grep -q locked "$T/locker.out" || { echo "Bail out! could not lock the store"; exit 1; }
awk -v f="$T/www/alpha-new-item.xml" '{ print } /<language>en<\/language>/ { while ((getline l < f) > 0) print l }' \
	"$T/www/alpha.xml" >"$T/www/alpha.xml.new" && mv "$T/www/alpha.xml.new" "$T/www/alpha.xml"
wait_for 30 grep -q "store locked by another connection" "$T/daemon.log"
ok $? "the lock is logged"
wait_for 30 grep -q "kept in memory until the store is unlocked" "$T/daemon.log"
ok $? "the poll with the new item is logged as waiting for the lock"
wait "$locker"
forget "$locker"
wait_for 15 sh -c "[ \"\$(sqlite3 '$T/store.db' \"select count(*) from items where guid = 'alpha-1004'\")\" = 1 ]"
ok $? "the new item is stored once the lock is gone"
is "$(grep -c "nothing could be stored" "$T/daemon.log")" 0 "a lock is not a failure: no poll was refused"
is "$(sql "select count(*) from items")" 4 "no item lost, none duplicated"
is "$(sql "select fail_count || ' ' || coalesce(last_error, 'none') from feeds where name = 'alpha'")" "0 none" \
   "the feed is healthy again"
stop_daemon TERM
is "$DAEMON_STATUS" 0 "SIGTERM: exit 0"
done_testing
