#!/bin/sh
# Group commit (daemon/batch.h): the polls of several feeds go into one transaction that is
# committed within the batch window, so readers see them soon; a poll that ends while the
# daemon is stopping (SIGTERM during its transfer) is committed before the daemon exits, with
# its feed state; SIGHUP commits the open batch before the feed list is synced.
. "$top_srcdir/tests/integration/lib.sh"

start_server
PW_INTERVAL=1h write_config
add_feed alpha "$BASE/alpha.xml"
add_feed bravo "$BASE/bravo.atom"
# charlie answers after 4 s: its poll is in flight when SIGTERM comes (and ends within the 5 s grace)
add_feed charlie "$BASE/charlie.xml?delay=4"
start_daemon -v
feed_items() { sql "select count(*) from items i join feeds f on f.id = i.feed_id where f.name = '$1'"; }

wait_for 10 sh -c "[ \"\$(sqlite3 -cmd '.timeout 2000' '$T/store.db' \"select count(*) from items i join feeds f on f.id = i.feed_id where f.name in ('alpha', 'bravo')\")\" = 5 ]"
ok $? "alpha and bravo: their 5 items are committed and visible to another process"
grep -q "store: committed [0-9]* items ([0-9]* units of work)" "$T/daemon.log"
ok $? "the commit is logged (debug) with its items and units"
diag "$(grep -o 'store: committed.*' "$T/daemon.log" | head -3 | tr '\n' ';')"

# SIGTERM while charlie's transfer runs (one signal: a second would cancel it): it finishes
# within the grace, its poll joins a batch that is committed at the exit
[ "$(feed_items charlie)" = 0 ] || diag "charlie was already stored before SIGTERM (slow machine): the shutdown path is not exercised"
kill -TERM "$DAEMON_PID"
DAEMON_STATUS=0
wait "$DAEMON_PID" || DAEMON_STATUS=$?
forget "$DAEMON_PID"
is "$DAEMON_STATUS" 0 "SIGTERM: exit 0"
grep -q "signal 15: stopping$" "$T/daemon.log"
ok $? "SIGTERM came with charlie's poll in flight"
is "$(feed_items charlie)" 2 "charlie: the poll that ended during the shutdown is committed"
is "$(sql "select last_status || ' ' || fail_count || ' ' || (etag is not null or last_modified is not null) from feeds where name = 'charlie'")" \
   "200 0 1" "charlie: its feed state (status, validators) is committed with its items"
last_commit=$(grep -n "store: committed" "$T/daemon.log" | tail -1 | cut -d: -f1)
stopping=$(grep -n "signal 15: stopping" "$T/daemon.log" | tail -1 | cut -d: -f1)
ok "$([ "$last_commit" -gt "$stopping" ]; echo $?)" "the last commit came after the stop signal"
is "$(sql "pragma integrity_check")" ok "integrity_check ok"
is "$(sql "select count(*) from items")" 7 "7 items, none doubled"

# SIGHUP: a new feed; the reload commits the open batch first, then syncs the feed list in a
# transaction of its own, and the new feed is polled and committed
starts=$(grep -c 'presswatchd .* started' "$T/daemon.log")
start_daemon -v
wait_for 10 sh -c "[ \$(grep -c 'presswatchd .* started' '$T/daemon.log') -gt $starts ]"
add_feed delta "$BASE/delta.xml"
kill -HUP "$DAEMON_PID"
wait_for 10 grep -q "reloaded: 4 feeds" "$T/daemon.log"
ok $? "SIGHUP: reloaded with a fourth feed"
wait_for 10 sh -c "[ \"\$(sqlite3 -cmd '.timeout 2000' '$T/store.db' \"select count(*) from items i join feeds f on f.id = i.feed_id where f.name = 'delta'\")\" -gt 0 ]"
ok $? "SIGHUP: the new feed's items are committed"
stop_daemon TERM
is "$DAEMON_STATUS" 0 "SIGTERM: exit 0"
# the article stage's summary lines ("N items from their feed entry") count committed items:
# over both runs they add up to what the store holds, the last commit at each exit included
logged=$(grep -o "[0-9]* items from their feed entry" "$T/daemon.log" | awk '{ n += $1 } END { print n + 0 }')
is "$logged" "$(sql "select count(*) from items where article_status = 'skipped'")" \
   "the article summary lines add up to the items committed"
done_testing
