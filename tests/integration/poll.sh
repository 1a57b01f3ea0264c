#!/bin/sh
# presswatchd against the test server: first poll 200 and items stored, second poll a
# conditional GET answered 304 with no new rows, a changed feed brings exactly its new item,
# SIGTERM exits 0 with everything committed.
. "$top_srcdir/tests/integration/lib.sh"

start_server
write_config
add_feed alpha "$BASE/alpha.xml" "name = Alpha Caucasus Daily"
add_feed bravo "$BASE/bravo.atom"
start_daemon

wait_for 15 sh -c "[ \$(awk -F'\t' '\$3 == \"/alpha.xml\" && \$6 == 304' '$T/server.log' | wc -l) -ge 1 ]"
ok $? "alpha: a second poll was answered 304"
is "$(statuses /alpha.xml | cut -d' ' -f1-2)" "200 304" "alpha: 200 first, then 304"
wait_for 10 sh -c "[ \$(awk -F'\t' '\$3 == \"/bravo.atom\" && \$6 == 304' '$T/server.log' | wc -l) -ge 1 ]"
ok $? "bravo (Atom): 304 on the second poll too"

is "$(sql "select count(*) from items i join feeds f on f.id = i.feed_id where f.name = 'alpha'")" 3 "alpha: 3 items stored"
is "$(sql "select count(*) from items i join feeds f on f.id = i.feed_id where f.name = 'bravo'")" 2 "bravo: 2 items stored"
is "$(sql "select title from items where guid = 'alpha-1001'")" "Snow closes the Jvari pass for the first time this winter" "item title stored"
is "$(sql "select url from items where guid = 'tag:bravo.example,2026:4401'")" "http://bravo.example/news/post-war-voting-plan" "Atom link stored"
ok "$([ -n "$(sql "select published from items where guid = 'alpha-1002' and published is not null")" ]; echo $?)" "published date is not NULL"
ok "$([ "$(sql "select id from items where guid = 'alpha-1001'")" -lt "$(sql "select id from items where guid = 'alpha-1003'")" ]; echo $?)" \
   "older items get smaller ids (stored oldest first)"

# the conditional request carried the validators of the first answer
etag=$(awk -F'\t' '$3 == "/alpha.xml" && $6 == 200 { print $4; exit }' "$T/server.log")
is "$etag" "-" "first request had no If-None-Match"
inm=$(awk -F'\t' '$3 == "/alpha.xml" && $6 == 304 { print $4; exit }' "$T/server.log")
is "$inm" "$(sql "select etag from feeds where name = 'alpha'")" "the 304 request sent the stored ETag as If-None-Match"
ims=$(awk -F'\t' '$3 == "/alpha.xml" && $6 == 304 { print $5; exit }' "$T/server.log")
ok "$([ "$ims" != "-" ]; echo $?)" "and If-Modified-Since ($ims)"
ua=$(awk -F'\t' '$3 == "/alpha.xml" { print $7; exit }' "$T/server.log")
version=$("$PRESSWATCHD" -V | head -1 | sed 's/^presswatchd //')
is "$ua" "presswatch/$version (+http://127.0.0.1/presswatch-tests)" "User-Agent names presswatch, version and contact"

# after 304s: no new rows, state says 304 and no error
n_before=$(sql "select count(*) from items")
n304=$(awk -F'\t' '$3 == "/alpha.xml" && $6 == 304' "$T/server.log" | wc -l)
wait_for 10 sh -c "[ \$(awk -F'\t' '\$3 == \"/alpha.xml\" && \$6 == 304' '$T/server.log' | wc -l) -gt $n304 ]"
is "$(sql "select count(*) from items")" "$n_before" "more 304 polls add no rows"
is "$(sql "select last_status || ' ' || fail_count || ' ' || coalesce(last_error, 'none') from feeds where name = 'alpha'")" \
   "304 0 none" "feed state: last_status 304, fail_count 0, no error"
is "$(sql "select title from feeds where name = 'alpha'")" "Alpha Caucasus Daily" "feed title from the document"
ok "$([ "$(sql "select next_poll > last_polled from feeds where name = 'alpha'")" = 1 ]; echo $?)" "next_poll after last_polled"

# the feed changes: one new item arrives, nothing is duplicated
awk -v f="$T/www/alpha-new-item.xml" '{ print } /<language>en<\/language>/ { while ((getline l < f) > 0) print l }' \
	"$T/www/alpha.xml" >"$T/www/alpha.xml.new" && mv "$T/www/alpha.xml.new" "$T/www/alpha.xml"
wait_for 10 sh -c "[ \"\$(sqlite3 '$T/store.db' \"select count(*) from items where guid = 'alpha-1004'\")\" = 1 ]"
ok $? "a new item in the feed is stored on the next poll"
is "$(sql "select count(*) from items i join feeds f on f.id = i.feed_id where f.name = 'alpha'")" 4 "alpha: 4 items, no duplicates"

stop_daemon TERM
is "$DAEMON_STATUS" 0 "SIGTERM: exit status 0"
grep -q "poll ok: 3 new items" "$T/daemon.log"
ok $? "log line: poll ok with the count of new items"
grep -q "alpha ($BASE/alpha.xml): 304 not modified" "$T/daemon.log"
ok $? "log line: 304 with feed name and URL"
is "$(sql "select count(*) from items")" 6 "after exit: all 6 items committed"
is "$(sql "pragma integrity_check")" "ok" "store passes integrity_check"
done_testing
