#!/bin/sh
# When the store refuses a poll's transaction (here: another process holds the write lock past
# the busy timeout), nothing is lost: the daemon drops the feed's validators, so the next poll
# is a full GET (not a 304 that would hide the items) and the items arrive once the lock is gone.
. "$top_srcdir/tests/integration/lib.sh"

start_server
write_config
add_feed alpha "$BASE/alpha.xml"
start_daemon
wait_for 10 sh -c "[ \"\$(sqlite3 '$T/store.db' \"select last_status from feeds where name = 'alpha'\")\" = 304 ]"
ok $? "alpha stored and then answered 304"

# hold the write lock (the store waits 5 s, then gives up) until the daemon has logged the
# refused transaction (at most 60 s), then change the feed.  The locker says "locked" once it
# holds the lock, so nothing here depends on how fast a loaded machine starts sqlite3.
(echo "BEGIN EXCLUSIVE;"; echo "SELECT 'locked';"
 i=0; while ! grep -q "nothing could be stored" "$T/daemon.log" && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
 echo "COMMIT;") | sqlite3 "$T/store.db" >"$T/locker.out" &
locker=$!
PIDS="$PIDS $locker"
wait_for 30 grep -q locked "$T/locker.out" || { echo "Bail out! could not lock the store"; exit 1; }
awk -v f="$T/www/alpha-new-item.xml" '{ print } /<language>en<\/language>/ { while ((getline l < f) > 0) print l }' \
	"$T/www/alpha.xml" >"$T/www/alpha.xml.new" && mv "$T/www/alpha.xml.new" "$T/www/alpha.xml"
wait_for 30 grep -q "nothing could be stored" "$T/daemon.log"
ok $? "the refused transaction is logged"
wait "$locker"
forget "$locker"
wait_for 15 sh -c "[ \"\$(sqlite3 '$T/store.db' \"select count(*) from items where guid = 'alpha-1004'\")\" = 1 ]"
ok $? "the new item is stored once the lock is gone"
# the request after the failed one carried no validators and got the whole feed
after=$(awk -F'\t' '$3 == "/alpha.xml" && $6 == 200 { n++; if (n == 3) { print $4 " " $6; exit } }' "$T/server.log")
is "$after" "- 200" "the poll after the failure was a full GET (no If-None-Match), answered 200"
is "$(sql "select count(*) from items")" 4 "no item lost, none duplicated"
is "$(sql "select fail_count || ' ' || coalesce(last_error, 'none') from feeds where name = 'alpha'")" "0 none" \
   "the feed is healthy again"
stop_daemon TERM
is "$DAEMON_STATUS" 0 "SIGTERM: exit 0"
done_testing
