#!/bin/sh
# presswatch.conf's [store] commit_interval / commit_items and [limits] max_items_per_document /
# max_field_size reach the running daemon: a long window keeps the polls' items in the open
# transaction until a SIGHUP commits it (one commit of three polls); after the reload
# commit_items = 1 makes every unit of work (a poll with new items, an article-stage item) a
# transaction of its own, without waiting for the window; the parser keeps
# the first max_items_per_document items of a longer feed (a successful poll, with one warning
# naming the feed and the cap, and no validators kept -- checked on static files and on the
# server's generated feeds, which send validators too) and cuts a long title at max_field_size.
# [store] cache_size reaches the daemon at the start and on SIGHUP.  --check-config refuses bad
# values, one line each.
. "$top_srcdir/tests/integration/lib.sh"

start_server

# store_keys LINES -- extra [store] lines (write_config writes the section itself)
store_keys() {
	printf '%s\n' "$1" >"$T/store.keys"
	sed -i "/^path = store.db\$/r $T/store.keys" "$T/presswatch.conf"
}

# an hour between polls (a failed poll is retried no sooner), a minute of commit window
PW_INTERVAL=1h PW_MAX_BACKOFF=1h PW_MAX_BODY=1M write_config "[limits]
max_items_per_document = 3
max_field_size = 1K"
store_keys "commit_interval = 60s
commit_items = 100000
cache_size = 64M"
add_feed alpha "$BASE/alpha.xml"
add_feed many "$BASE/many.xml?items=5"
add_feed bigtitle "$BASE/big.xml?bigtitle=3000"
"$PRESSWATCHD" --check-config -c "$T/presswatch.conf" >"$T/check.out" 2>&1
is "$?" 0 "--check-config accepts the keys ($(tr '\n' ' ' <"$T/check.out"))"

feed_items() { sql "select count(*) from items i join feeds f on f.id = i.feed_id where f.name = '$1'"; }
started=$(date +%s)
start_daemon -v
wait_for 30 sh -c "[ \$(grep -cE 'feed (alpha|bigtitle|many) \\(.*poll ok' '$T/daemon.log') -ge 3 ]"
ok $? "the three feeds were polled"
is "$(grep -c "store: cache_size 65536 KiB" "$T/daemon.log")" 1 "cache_size 64M: applied at the start"
polled=$(( $(date +%s) - started ))

# --- a 60 s window and a cap of 100,000 items: nothing is committed while the window is open
if [ "$polled" -lt 45 ]; then
	is "$(sql "select count(*) from items")" 0 "commit_interval 60s: the polls' items are not committed ${polled}s after the start"
	is "$(grep -c 'store: committed' "$T/daemon.log")" 0 "commit_interval 60s: no commit logged yet"
else
	skip "the polls took ${polled}s (slow machine): too close to the 60 s window to check it"
	skip "the polls took ${polled}s: no check of the commit log"
fi

# --- SIGHUP: the open batch is committed first, then the new keys apply
PW_INTERVAL=1h PW_MAX_BACKOFF=1h PW_MAX_BODY=1M write_config "[limits]
max_items_per_document = 12
max_field_size = 2K"
store_keys "commit_interval = 60s
commit_items = 1
cache_size = 32M"
add_feed delta "$BASE/delta.xml"
add_feed more "$BASE/more.xml?items=14"
kill -HUP "$DAEMON_PID"
wait_for 30 grep -q "reloaded: 5 feeds" "$T/daemon.log"
ok $? "SIGHUP: reloaded with two more feeds"
is "$(sql "select count(*) from items where feed_id in (select id from feeds where name in ('alpha', 'many', 'bigtitle'))")" 7 \
	"SIGHUP: the 7 items of the first polls are committed by the reload"
grep -q "store: committed 7 items (3 units of work)" "$T/daemon.log"
ok $? "SIGHUP: one commit of the three polls ($(grep -o 'store: committed.*' "$T/daemon.log" | head -1))"
is "$(grep -c "store: cache_size 32768 KiB" "$T/daemon.log")" 1 "SIGHUP: cache_size 32M applied"

# the caps of the first config
is "$(feed_items many)" 3 "max_items_per_document 3: the first 3 of 5 items stored"
is "$(sql "select guid from items i join feeds f on f.id = i.feed_id where f.name = 'many' order by guid" | tr '\n' ' ')" \
	"many.xml-1 many.xml-2 many.xml-3 " "max_items_per_document 3: the document's first three"
is "$(grep -c "feed many (.*): poll ok: 3 new items, but the document has more than 3 items: the first 3 were kept" "$T/daemon.log")" 1 \
	"max_items_per_document 3: one warning names the feed and the cap"
is "$(grep -cE "(warning|err|crit): feed many " "$T/daemon.log")" 1 "max_items_per_document 3: that is the feed's only warning"
is "$(sql "select fail_count || ' ' || coalesce(last_error, '-') || ' ' || coalesce(etag, '-') || ' ' || coalesce(last_modified, '-') from feeds where name = 'many'")" "0 - - -" \
	"max_items_per_document 3: no failure, no last error, no validators (the next poll gets the whole document)"
is "$(sql "select length(i.title) from items i join feeds f on f.id = i.feed_id where f.name = 'bigtitle'")" 1024 \
	"max_field_size 1K: the 3000-byte title is cut to 1024 bytes"
# the server sends validators with generated feeds too, so the check above can fail: a document
# under the item cap (a cut field is no reason to fetch it whole again) keeps them
is "$(sql "select substr(etag, 1, 5) || ' ' || (last_modified like '%GMT') from feeds where name = 'bigtitle'")" '"gen- 1' \
	"validators: the generated feed under the item cap keeps the server's ETag and Last-Modified"

# --- after the reload: commit_items = 1, the new caps
wait_for 30 sh -c "[ \"\$(sqlite3 -cmd '.timeout 2000' '$T/store.db' \"select count(*) from items where article_status = 'skipped'\")\" = 31 ]"
ok $? "commit_items 1: all 31 items finished (committed without waiting for the 60 s window)"
is "$(feed_items delta)" 12 "max_items_per_document 12 (after the reload): delta's 12 items stored"
is "$(sql "select fail_count || ' ' || coalesce(last_error, '-') from feeds where name = 'delta'")" "0 -" \
	"max_items_per_document 12: a document of exactly 12 items is whole, no failure"
is "$(feed_items more)" 12 "max_items_per_document 12: the first 12 of 14 items stored"
is "$(grep -c "feed more (.*): poll ok: 12 new items, but the document has more than 12 items: the first 12 were kept" "$T/daemon.log")" 1 \
	"max_items_per_document 12: one warning names the feed and the new cap"
is "$(sql "select fail_count || ' ' || coalesce(etag, '-') || ' ' || coalesce(last_modified, '-') from feeds where name = 'more'")" "0 - -" \
	"max_items_per_document 12: fail_count 0, the generated feed's validators not kept"
is "$(sql "select (etag is not null) || ' ' || (last_modified is not null) from feeds where name = 'delta'")" "1 1" \
	"max_items_per_document 12: delta, exactly 12 items, keeps its validators"
reloaded=$(grep -n "reloaded: 5 feeds" "$T/daemon.log" | cut -d: -f1)
tail -n +"$reloaded" "$T/daemon.log" | grep -o "store: committed .* units of work)" >"$T/commits"
diag "$(wc -l <"$T/commits" | tr -d ' ') commits after the reload: $(sort "$T/commits" | uniq -c | tr -s ' ' | tr '\n' ';')"
is "$(grep -vc "(1 units of work)" "$T/commits")" 0 "commit_items 1: every commit after the reload holds one unit of work"
# the two new polls are a unit each (with [articles] fetch = no their items are finished in
# the poll's unit; were they finished by the article stage, each would be a unit of one item)
is "$(grep -c "store: committed 12 items (1 units of work)" "$T/commits")" 2 \
	"commit_items 1: each new poll is one commit of its 12 items (a unit is not split)"
stop_daemon TERM
is "$DAEMON_STATUS" 0 "SIGTERM: exit 0"
is "$(sql "pragma integrity_check")" ok "integrity_check ok"

# --- over the cap with validators (a static file and a generated feed: ETag and
# Last-Modified): the poll is ok and keeps neither, so the next poll fetches the whole document
# again (200, not 304), ok again; a generated feed under the cap is answered 304 the second time
: >"$T/feeds.conf"
PW_INTERVAL=1h write_config "[limits]
max_items_per_document = 5"
add_feed cut "$BASE/delta.xml"
add_feed cutgen "$BASE/cutgen.xml?items=8"
add_feed wholegen "$BASE/wholegen.xml?items=4"
"$PRESSWATCHD" -f --once -c "$T/presswatch.conf" >"$T/once.log" 2>&1
is "$?" 0 "over the cap (--once): exit 0"
is "$(sql "select fail_count || ' ' || coalesce(last_error, '-') || ' ' || coalesce(etag, '-') || ' ' || coalesce(last_modified, '-') from feeds where name = 'cut'")" \
	"0 - - -" "over the cap: no failure, no last error, no ETag or Last-Modified kept"
"$PRESSWATCHD" -f --once -c "$T/presswatch.conf" >>"$T/once.log" 2>&1
is "$?" 0 "over the cap, second poll (--once): exit 0"
is "$(awk -F'\t' '$3 == "/delta.xml" { print $4 "," $5 "," $6 }' "$T/server.log" | tail -2 | tr '\n' ' ')" "-,-,200 -,-,200 " \
	"over the cap: both polls unconditional, both answered 200 (whole document)"
is "$(sql "select fail_count || ' ' || coalesce(etag, '-') || ' ' || coalesce(last_modified, '-') from feeds where name = 'cutgen'")" \
	"0 - -" "over the cap, generated feed: no failure, no ETag or Last-Modified kept"
is "$(awk -F'\t' '$3 == "/cutgen.xml?items=8" { print $4 "," $5 "," $6 }' "$T/server.log" | tail -2 | tr '\n' ' ')" "-,-,200 -,-,200 " \
	"over the cap, generated feed: both polls unconditional, both answered 200"
is "$(feed_items cutgen)" 5 "over the cap, generated feed: the first 5 of 8 items stored"
gen_etag=$(sql "select etag from feeds where name = 'wholegen'")
is "$(awk -F'\t' '$3 == "/wholegen.xml?items=4" { print $4 "," $6 }' "$T/server.log" | tail -2 | tr '\n' ' ')" "-,200 $gen_etag,304 " \
	"under the cap, generated feed: the second poll sends the kept ETag ($gen_etag) and is answered 304"
is "$(feed_items cut)" 5 "over the cap: the first 5 of delta.xml's 12 items stored"
is "$(grep -c "warning: feed cut (.*): poll ok: 5 new items, but the document has more than 5 items: the first 5 were kept" "$T/once.log")" 1 \
	"over the cap: the first poll warns once"
is "$(grep -c "warning: feed cut (.*): poll ok: 0 new items, but the document has more than 5 items" "$T/once.log")" 1 \
	"over the cap: the second poll warns once"
is "$(sql "select fail_count from feeds where name = 'cut'")" 0 "over the cap: fail_count 0 after two polls"

# --- --check-config refuses each bad value with one line naming file:line, key and value
check_bad() {  # SECTION KEY VALUE EXPECTED-MESSAGE
	PW_INTERVAL=1h write_config "[limits]
max_items_per_poll = 500"
	if [ "$1" = store ]; then store_keys "$2 = $3"
	else sed -i "/^max_items_per_poll = 500\$/a $2 = $3" "$T/presswatch.conf"; fi
	line=$(grep -n "^$2 = " "$T/presswatch.conf" | cut -d: -f1)
	"$PRESSWATCHD" --check-config -c "$T/presswatch.conf" >"$T/check.out" 2>&1
	rc=$?
	ok "$([ $rc -ne 0 ]; echo $?)" "--check-config: [$1] $2 = $3 exits non-zero ($rc)"
	is "$(grep -c "presswatch.conf:$line: " "$T/check.out")" 1 "--check-config: [$1] $2 = $3: one message, for line $line"
	grep -qF "presswatch.conf:$line: $4" "$T/check.out"
	ok $? "--check-config: [$1] $2 = $3: $(grep -F "presswatch.conf:$line:" "$T/check.out" | sed 's/.*presswatch.conf://')"
}
check_bad store commit_interval 0ms "'commit_interval' must be from 1ms to 60s, not '0ms'"
check_bad store commit_interval 2m "'commit_interval' must be from 1ms to 60s, not '2m'"
check_bad store commit_interval soon "'commit_interval': bad duration 'soon'"
check_bad store commit_items 0 "'commit_items' must be a whole number from 1 to 100000, not '0'"
check_bad store cache_size 512K "'cache_size' is out of range (1048576 to 2147483648 bytes): '512K'"
check_bad store cache_size 4G "'cache_size' is out of range (1048576 to 2147483648 bytes): '4G'"
check_bad store cache_size lots "'cache_size': bad size 'lots' (use e.g. 512K, 8M, 1G)"
check_bad limits max_items_per_document 0 "'max_items_per_document' must be a whole number from 1 to 1000000, not '0'"
check_bad limits max_field_size 100 "'max_field_size' is out of range (1024 to 1073741824 bytes): '100'"

# the daemon refuses to start on it too, and says where
"$PRESSWATCHD" -f -c "$T/presswatch.conf" >"$T/start.out" 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "the daemon refuses to start with max_field_size = 100"
grep -q "presswatch.conf:$line: 'max_field_size' is out of range" "$T/start.out"
ok $? "...and names the line"
done_testing
