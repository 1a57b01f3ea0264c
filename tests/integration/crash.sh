#!/bin/sh
# Crash safety (issue 10): heavy ingestion -- bulk feeds with 40 new items a second each, feeds
# whose items have article pages to fetch, and feeds of distinct official statements that each
# make a story and an alert -- and presswatchd
# is killed with SIGKILL at a random moment, 20 times, and restarted.  Before each kill the
# committed state is read with sqlite3 (what a reader sees is committed); after it:
# PRAGMA integrity_check is ok, every item seen before is still there, no (feed, guid) or link
# is stored twice, no alert line is written twice, and every alert marked emitted has its line.
# At the end a clean run writes the alerts still pending: each alert exactly once in the log.
. "$top_srcdir/tests/integration/lib.sh"

KILLS=${PW_CRASH_KILLS:-20}
SEED=${PW_CRASH_SEED:-$$}
q() { sqlite3 -batch -noheader -cmd ".timeout 5000" "$T/store.db" "$1"; }

start_server
cp "$top_srcdir/etc/topics.conf" "$T/topics.conf"
PW_FETCH_ARTICLES=yes PW_SKIP_IF_CONTENT=150 PW_INTERVAL=1s write_config "topics = topics.conf
[alerts]
log = alerts.jsonl
[statements]
speakers = Hajizadeh"
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do add_feed "bulk$i" "$BASE/bulk$i.xml?items=40&fresh=1"; done
# a feed whose items have article pages: the article stage works through its queue too
cp "$top_srcdir/tests/fixtures/articles/good.html" "$T/www/article.html"
add_feed paged "$BASE/paged.xml?items=3&fresh=1&links=/article.html"
add_feed stat1 "$BASE/stat1.xml?items=2&fresh=1&statement=1"
add_feed stat2 "$BASE/stat2.xml?items=2&fresh=1&statement=1"
diag "random seed $SEED (PW_CRASH_SEED=$SEED reproduces the kill moments)"
# kill moments: 0.3 .. 2.3 s after the start
delays=$(awk -v s="$SEED" -v n="$KILLS" 'BEGIN { srand(s); for (i = 0; i < n; i++) printf "%.2f ", 0.3 + 2 * rand() }')

k=0
notkilled=0 bad_integrity=0 lost=0 dups=0 alert_dups=0 alert_lost=0
for d in $delays; do
	k=$((k + 1))
	start_daemon
	sleep "$d"
	q "select feed_id || ' ' || guid from items" | sort >"$T/committed"
	q "select id from alerts where emitted = 1" | sort >"$T/emitted"
	stop_daemon KILL 2>/dev/null
	[ "$DAEMON_STATUS" -eq 137 ] || { notkilled=$((notkilled + 1)); diag "kill $k: exit status $DAEMON_STATUS"; }

	r=$(q "pragma integrity_check")
	[ "$r" = ok ] || { bad_integrity=$((bad_integrity + 1)); diag "kill $k: integrity_check: $r"; }
	q "select feed_id || ' ' || guid from items" | sort >"$T/now"
	n=$(comm -23 "$T/committed" "$T/now" | wc -l)
	[ "$n" -eq 0 ] || { lost=$((lost + n)); diag "kill $k: $n committed items gone"; }
	n=$(q "select count(*) from (select 1 from items group by feed_id, guid having count(*) > 1)")
	n2=$(q "select count(*) from (select 1 from items group by url having count(*) > 1)")
	[ "$n" -eq 0 ] && [ "$n2" -eq 0 ] || { dups=$((dups + n + n2)); diag "kill $k: $n duplicate guids, $n2 duplicate links"; }
	grep -o '"alert_id":[0-9]*' "$T/alerts.jsonl" 2>/dev/null | sort | uniq -d >"$T/dup-alerts"
	[ -s "$T/dup-alerts" ] && { alert_dups=$((alert_dups + 1)); diag "kill $k: alert lines twice: $(tr '\n' ' ' <"$T/dup-alerts")"; }
	grep -o '"alert_id":[0-9]*' "$T/alerts.jsonl" 2>/dev/null | cut -d: -f2 | sort >"$T/logged"
	n=$(comm -23 "$T/emitted" "$T/logged" | wc -l)
	[ "$n" -eq 0 ] || { alert_lost=$((alert_lost + n)); diag "kill $k: $n alerts marked emitted but not in the log"; }
	diag "kill $k after ${d}s: $(wc -l <"$T/now") items, $(q 'select count(*) from alerts') alerts, $(cat "$T/alerts.jsonl" 2>/dev/null | grep -c .) alert lines"
done
is "$k/$notkilled" "$KILLS/0" "presswatchd was killed by SIGKILL $KILLS times while running"
is "$bad_integrity" 0 "PRAGMA integrity_check = ok after every kill"
is "$lost" 0 "no item lost that a reader saw committed before a kill"
is "$dups" 0 "no item stored twice (by feed and guid, or by link)"
is "$alert_dups" 0 "no alert line written twice"
is "$alert_lost" 0 "every alert marked emitted has its line in the log"
items=$(q "select count(*) from items")
ok "$([ "$items" -ge $((KILLS * 40)) ]; echo $?)" "ingestion went on between the kills ($items items)"
ok "$([ "$(q 'select count(*) from alerts')" -ge 5 ]; echo $?)" "alerts were recorded between the kills ($(q 'select count(*) from alerts'))"

# a clean run writes what was recorded but not yet emitted; then each alert exactly once
PW_INTERVAL=60s write_config "topics = topics.conf
[alerts]
log = alerts.jsonl
[statements]
speakers = Hajizadeh"
: >"$T/feeds.conf"
starts=$(grep -c 'presswatchd .* started' "$T/daemon.log")
start_daemon
wait_for 10 sh -c "[ \$(grep -c 'presswatchd .* started' '$T/daemon.log') -gt $starts ] && [ \"\$(sqlite3 -cmd '.timeout 2000' '$T/store.db' 'select count(*) from alerts where emitted = 0')\" = 0 ]"
ok $? "after the last restart every recorded alert is emitted"
stop_daemon TERM
is "$DAEMON_STATUS" 0 "clean exit"
q "select id from alerts" | sort >"$T/all-alerts"
grep -o '"alert_id":[0-9]*' "$T/alerts.jsonl" | cut -d: -f2 | sort >"$T/logged"
is "$(comm -3 "$T/all-alerts" "$T/logged" | wc -l | tr -d ' ')" 0 "the alert log and the alerts table name the same alerts"
is "$(uniq -d "$T/logged" | wc -l | tr -d ' ')" 0 "no alert in the log twice ($(wc -l <"$T/logged") alerts)"
is "$(q 'pragma integrity_check')" ok "integrity_check ok at the end"
paged="from items i join feeds f on f.id = i.feed_id where f.name = 'paged'"
ok "$([ "$(q "select count(*) $paged and i.article_status = 'ok'")" -ge 1 ]; echo $?)" \
   "article pages were fetched between the kills ($(q "select group_concat(s || ': ' || n, ', ') from (select coalesce(i.article_status, 'pending') s, count(*) n $paged group by 1)"))"
done_testing
