#!/bin/sh
# Restarts in the middle of the article stage: the seed-scenario site with slow pages, the daemon
# stopped while pages are still being fetched -- once with SIGTERM, once with SIGKILL -- and
# started again.  Afterwards every page is fetched and extracted, the three stories alerted
# exactly once each (alerts table and alert log agree, no line doubled, none lost).
. "$top_srcdir/tests/integration/lib.sh"

GEN="$top_srcdir/tests/integration/seedfeeds.py"
MANIFEST="$top_srcdir/tests/fixtures/seedlike/feeds.txt"
start_server
cp "$top_srcdir/etc/topics.conf" "$T/topics.conf"
python3 "$GEN" feeds "$MANIFEST" "$top_srcdir/tests/fixtures/seedlike" "$T/www" "$BASE" --skip mirror
for f in ledger regional wire jam azeri; do add_feed "$f" "$BASE/feeds/$f.xml" "name = $f"; done
SPEAKERS=$(grep '^speakers *=' "$top_srcdir/etc/presswatch.conf")
# one page at a time, each taking a second: the run is long enough to be interrupted
PW_FETCH_ARTICLES=yes PW_CONCURRENCY=1 PW_PER_HOST=1 PW_INTERVAL=1h write_config "topics = topics.conf
[alerts]
log = alerts.jsonl
[statements]
$SPEAKERS"
slow_pages() {
	python3 -c 'import json, sys; print(json.dumps({"/pages/" + p: {"delay": sys.argv[1]} for p in sys.argv[2:]}))' "$1" \
		a1-ledger.html a2-regional.html a3-wire.html b-jam.html c-azeri.html travel-ledger.html other-regional.html
}
done_items() { sql "select count(*) from items where article_status is not null"; }
log_lines() { grep -c '"alert_id"' "$T/alerts.jsonl" 2>/dev/null || echo 0; }

# check_final NAME -- everything finished, three alerts, log and table agree
check_final() {
	is "$(sql "select count(*) from items")" 7 "$1: seven items"
	is "$(sql "select count(*) from items where article_status = 'ok'")" 7 "$1: every page fetched and extracted after the restart"
	is "$(sql "select count(*) from items where story_id is null")" 0 "$1: every item in a story"
	is "$(sql "select count(*) from alerts")" 3 "$1: three alerts recorded, none doubled or lost"
	is "$(sql "select count(distinct story_id) from alerts")" 3 "$1: one per story"
	is "$(log_lines)" 3 "$1: three lines in the alert log"
	is "$(grep -o '"alert_id":[0-9]*' "$T/alerts.jsonl" | sort -u | wc -l | tr -d ' ')" 3 "$1: no alert line written twice"
	is "$(sql "select count(*) from alerts where emitted = 0")" 0 "$1: every alert marked emitted"
}

for sig in TERM KILL; do
	rm -f "$T/store.db" "$T/store.db-wal" "$T/store.db-shm" "$T/alerts.jsonl"
	control "$(slow_pages 1)"
	start_daemon
	wait_for 30 sh -c "[ \"\$(sqlite3 '$T/store.db' 'select count(*) from items where article_status is not null' 2>/dev/null)\" -ge 2 ]"
	ok $? "SIG$sig: the daemon is through part of the pages"
	stop_daemon "$sig"
	n=$(done_items)
	if [ "$sig" = TERM ]; then
		is "$DAEMON_STATUS" 0 "SIGTERM: exit 0 (the page in flight finished within the grace)"
		is "$(log_lines)" "$(sql "select count(*) from alerts")" "SIGTERM: every alert recorded so far is in the log"
	else
		is "$DAEMON_STATUS" 137 "SIGKILL: killed"
	fi
	ok "$([ "$n" -ge 2 ] && [ "$n" -lt 7 ]; echo $?)" "SIG$sig: stopped mid-run ($n of 7 pages done)"
	diag "SIG$sig: $(sql "select count(*) from alerts") alerts recorded, $(log_lines) in the log at the stop"
	control '{}'
	"$PRESSWATCHD" -f --once -c "$T/presswatch.conf" >>"$T/daemon.log" 2>&1
	is "$?" 0 "SIG$sig: restarted with --once, exit 0"
	check_final "SIG$sig"
	# and once more: nothing left to do, nothing alerted again
	"$PRESSWATCHD" -f --once -c "$T/presswatch.conf" >>"$T/daemon.log" 2>&1
	is "$(log_lines)" 3 "SIG$sig: a further restart alerts nothing again"
done
done_testing
