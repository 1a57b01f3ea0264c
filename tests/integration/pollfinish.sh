#!/bin/sh
# Items whose feed entry already holds their final text are finished by the poll itself
# (daemon/pipeline.c, item_finish.h), never by the article stage: with [articles] fetch = no,
# for an entry carrying skip_if_content characters, and for an entry without an http(s) link
# they are stored with status skipped, the entry's text as body, a story, tags and exactly one
# alert per story, and the log shows no article-stage work for them.  Items that need their
# page still go through the stage (page fetched and extracted), so does the overflow of a full
# queue, and so do items left pending by an earlier run (restart).
. "$top_srcdir/tests/integration/lib.sh"

PF="$top_srcdir/tests/fixtures/pollfinish"
start_server
mkdir -p "$T/www/pages"
for f in outlet-a outlet-b mixed queue; do
	sed "s|BASE|$BASE|g" "$PF/$f.xml" >"$T/www/$f.xml"
done
for p in wire-kalbajar wire-rada-vote wire-cable-car daily-kalbajar-monitors courier-batumi-port \
	 courier-poti-ferry herald-sevan-fish herald-dilijan-trail herald-goris-caves; do
	cp "$PF/page.html" "$T/www/pages/$p.html"
done
cp "$top_srcdir/etc/topics.conf" "$T/topics.conf"

# conf [EXTRA-LINES] -- the test config with topics, speakers and the alert log
conf() {
	write_config "topics = topics.conf
[statements]
speakers = Mirzoyan, Sybiha
${1:-}"
}
# fresh FEED-NAME:FILE... -- an empty store, no alert log, only these feeds
fresh() {
	rm -f "$T/store.db" "$T/store.db-wal" "$T/store.db-shm" "$T/alerts.jsonl" "$T/feeds.conf"
	for nf in "$@"; do add_feed "${nf%%:*}" "$BASE/${nf#*:}"; done
}
# run_once -- presswatchd --once -v; its log in $T/run.log (and appended to daemon.log)
run_once() {
	"$PRESSWATCHD" -f --once -v -c "$T/presswatch.conf" >"$T/run.log" 2>&1
	_s=$?
	cat "$T/run.log" >>"$T/daemon.log"
	return $_s
}
col() { sql "select $2 from items where guid = '$1'"; }
tags() { sql "select group_concat(tag, ' ') from (select tag from tags t join items i on i.id = t.item_id where i.guid = '$1' order by tag)"; }
count_log() { grep -c -- "$1" "$T/run.log"; }
page_requests() { awk -F'\t' '$3 ~ /^\/pages\// { n++ } END { print n + 0 }' "$T/server.log"; }
# summed "N <what>" of the article stage's summary lines in run.log
summary_sum() { grep -o "[0-9]* $1" "$T/run.log" | awk '{ n += $1 } END { print n + 0 }'; }
one_alert_per_story() {
	is "$(sql "select count(*) from alerts")" "$1" "$2: $1 alerts"
	is "$(sql "select count(*) from (select story_id from alerts group by story_id having count(*) > 1)")" 0 \
	   "$2: no story alerted twice"
	is "$(sql "select count(*) from alerts a join items i on i.id = a.item_id where i.guid in ('wire-kalbajar', 'daily-kalbajar-monitors')")" \
	   1 "$2: the Kalbajar story (two outlets) alerted once"
	is "$(grep -c . "$T/alerts.jsonl" 2>/dev/null)" "$1" "$2: $1 lines in the alert log"
}
alert_feeds_stored() {
	is "$(sql "select count(*) from items where article_status = 'skipped'")" 4 "$1: four items, all skipped"
	is "$(sql "select count(*) from items where story_id is null")" 0 "$1: every item in a story"
	is "$(col daily-kalbajar-monitors story_id)" "$(col wire-kalbajar story_id)" "$1: the two Kalbajar reports share a story"
	col wire-kalbajar body >"$T/body.txt"
	grep -q 'observers who answer to nobody in the region' "$T/body.txt"
	ok $? "$1: the entry's text is the body"
	ok "$(grep -q '<p>' "$T/body.txt"; [ $? -ne 0 ]; echo $?)" "$1: as plain text (no markup)"
	is "$(sed -n 2p "$T/body.txt")" "" "$1: paragraphs separated by a blank line"
	is "$(tags wire-kalbajar)" "feed:wire lang:en statement topic:karabakh" "$1: Kalbajar statement tagged"
	is "$(tags wire-rada-vote)" "feed:wire lang:en statement topic:ua-elections" "$1: Kyiv statement tagged"
	is "$(tags wire-cable-car)" "feed:wire lang:en" "$1: cable car: feed and language only"
	is "$(col wire-kalbajar article_attempts)|$(col wire-kalbajar next_attempt)" "0|" "$1: no attempt, no retry planned"
}

# --- [articles] fetch = no: everything finished at the poll ---------------------------------
fresh wire:outlet-a.xml daily:outlet-b.xml
PW_FETCH_ARTICLES=no conf
run_once
is "$?" 0 "fetch = no: --once exits 0"
alert_feeds_stored "fetch = no"
one_alert_per_story 2 "fetch = no"
is "$(count_log 'finished at the poll: \[articles\] fetch = no')" 4 "fetch = no: four items finished at the poll (log)"
is "$(count_log 'no page fetch')" 0 "fetch = no: no item reached the article stage"
is "$(count_log 'pending items queued')" 0 "fetch = no: nothing queued for the article stage"
is "$(summary_sum 'items from their feed entry')" 4 "fetch = no: the article summary still counts the four items"
is "$(summary_sum 'alerts')" 2 "fetch = no: and the two alerts"
is "$(summary_sum 'new stories')" "$(sql "select count(*) from stories")" "fetch = no: and the new stories"
grep -q "presswatchd stopped: 4 new items stored in this run" "$T/run.log"
ok $? "fetch = no: the run counts four new items stored"
is "$(page_requests)" 0 "fetch = no: no page requested"

# --- fetch = yes: long entry and no link at the poll, the short one through the stage -------
fresh courier:mixed.xml
PW_FETCH_ARTICLES=yes PW_SKIP_IF_CONTENT=300 conf
run_once
is "$?" 0 "skip_if_content: --once exits 0"
is "$(sql "select count(*) from items")" 3 "skip_if_content: three items"
is "$(col courier-batumi-port article_status)" skipped "long entry: skipped"
col courier-batumi-port body | grep -q "four thousand containers"
ok $? "long entry: its content is the body"
is "$(requests /pages/courier-batumi-port.html)" 0 "long entry: its page is not requested"
is "$(count_log 'courier-batumi-port.html): finished at the poll: the feed entry carries the text')" 1 \
   "long entry: finished at the poll (log)"
is "$(col courier-wire-brief-17 article_status)" skipped "no link: skipped"
is "$(col courier-wire-brief-17 body)" "Kutaisi airport will add a weekly flight to Riga from December, its operator said." \
   "no link: the entry's text is the body"
is "$(count_log '(no link): finished at the poll: no http(s) link')" 1 "no link: finished at the poll (log)"
is "$(col courier-poti-ferry article_status)" ok "short entry: its page fetched and extracted"
col courier-poti-ferry body | grep -q "forty lorries and their drivers"
ok $? "short entry: the page's text is the body"
is "$(col courier-poti-ferry canonical_url)" "https://courier.example/news/poti-ferry/" "short entry: canonical URL from its page"
is "$(requests /pages/courier-poti-ferry.html)" 1 "short entry: its page requested once"
is "$(count_log 'courier-poti-ferry.html): finished at the poll')" 0 "short entry: not finished at the poll"
is "$(count_log 'no page fetch')" 0 "skip_if_content: the stage skipped nothing itself"
is "$(sql "select count(*) from items where story_id is null")" 0 "skip_if_content: every item in a story"
ok "$([ -n "$(tags courier-batumi-port)" ]; echo $?)" "long entry: tagged"
is "$(summary_sum 'pages extracted')|$(summary_sum 'items from their feed entry')" "1|2" \
   "skip_if_content: summary counts one page and two entries"

# --- the queue full: the overflow still finishes items from their entry ----------------------
fresh herald:queue.xml
PW_FETCH_ARTICLES=yes PW_SKIP_IF_CONTENT=0 conf "[limits]
max_queue = 1"
before=$(page_requests)
run_once
is "$?" 0 "queue full: --once exits 0"
is "$(sql "select count(*) from items where article_status = 'ok'")" 1 "queue full: one page fetched"
is "$(sql "select count(*) from items where article_status = 'skipped'")" 2 "queue full: two items from their feed entry"
is "$(( $(page_requests) - before ))" 1 "queue full: one page requested"
is "$(count_log 'article queue full (\[limits\] max_queue = 1): 2 new items stored from their feed entry only')" 1 \
   "queue full: one warning"
is "$(count_log 'no page fetch: article queue full')" 2 "queue full: the stage finished the two"
is "$(count_log 'finished at the poll')" 0 "queue full: nothing finished at the poll"
is "$(col herald-dilijan-trail body)" "Volunteers marked a new trail through the Dilijan national park." \
   "queue full: the entry's text is the body"
is "$(sql "select count(*) from items where story_id is null")" 0 "queue full: every item in a story"

# --- restart: items left pending by an earlier run finish through the article stage ----------
fresh wire:outlet-a.xml daily:outlet-b.xml
PW_INTERVAL=1h PW_FETCH_ARTICLES=yes PW_SKIP_IF_CONTENT=0 conf
control '{"/pages/wire-kalbajar.html": {"hang": 1}, "/pages/wire-rada-vote.html": {"hang": 1},
 "/pages/wire-cable-car.html": {"hang": 1}, "/pages/daily-kalbajar-monitors.html": {"hang": 1}}'
start_daemon -v
wait_for 20 sh -c "[ \"\$(sqlite3 -cmd '.timeout 2000' '$T/store.db' 'select count(*) from items')\" = 4 ]"
ok $? "restart: four items stored by the first run"
wait_for 20 sh -c "[ \$(grep -c 'hang' '$T/server.log') -ge 4 ]"
ok $? "restart: their pages requested (and hanging)"
kill -TERM "$DAEMON_PID"
wait_for 10 grep -q "signal 15: stopping" "$T/daemon.log"
stop_daemon TERM   # the second signal cancels the hanging transfers
is "$DAEMON_STATUS" 0 "restart: the first run stops with exit 0"
is "$(sql "select count(*) from items where article_status is null and story_id is null")" 4 \
   "restart: the four items are left pending, without a story"
is "$(sql "select count(*) from alerts")" 0 "restart: no alert yet"
control '{}'
PW_FETCH_ARTICLES=no conf
before=$(page_requests)
run_once
is "$?" 0 "restart: --once exits 0"
alert_feeds_stored "restart"
one_alert_per_story 2 "restart"
is "$(count_log 'articles: 4 pending items queued')" 1 "restart: the stage takes the four pending items"
is "$(count_log 'no page fetch: \[articles\] fetch = no')" 4 "restart: and finishes them itself"
is "$(count_log 'finished at the poll')" 0 "restart: nothing finished at the poll (no new item)"
is "$(page_requests)" "$before" "restart: no page requested"
done_testing
