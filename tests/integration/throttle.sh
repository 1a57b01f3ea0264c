#!/bin/sh
# 429 and 503: Retry-After (seconds or an HTTP date) delays the next request; without it the
# feed backs off exponentially.  A 5xx does not stop other feeds.
. "$top_srcdir/tests/integration/lib.sh"

start_server
write_config
control "{\"/alpha.xml\": {\"status\": 429, \"retry_after\": \"4\", \"times\": 1},
          \"/bravo.atom\": {\"status\": 503, \"times\": 2},
          \"/charlie.xml\": {\"status\": 503, \"retry_after\": \"$(python3 -c 'import email.utils,time; print(email.utils.formatdate(time.time() + 5, usegmt=True))')\", \"times\": 1}}"
add_feed alpha "$BASE/alpha.xml"
add_feed bravo "$BASE/bravo.atom"
add_feed charlie "$BASE/charlie.xml"
start_daemon

wait_for 5 sh -c "[ \"\$(sqlite3 '$T/store.db' \"select last_status from feeds where name = 'alpha'\")\" = 429 ]"
ok $? "alpha: first answer 429 recorded"
is "$(sql "select fail_count from feeds where name = 'alpha'")" 1 "alpha: fail_count 1"
sql "select last_error from feeds where name = 'alpha'" | grep -q "429"
ok $? "alpha: last_error names the status"
wait_for 12 sh -c "[ \$(awk -F'\t' '\$3 == \"/alpha.xml\"' '$T/server.log' | wc -l) -ge 2 ]"
ok $? "alpha: polled again after the Retry-After"
gap=$(req_times /alpha.xml | head -2 | awk 'NR == 1 { a = $1 } NR == 2 { printf "%d", ($1 - a) * 10 }')
ok "$([ "$gap" -ge 38 ]; echo $?)" "alpha: second request >= 4 s after the first (Retry-After: 4; gap $gap/10 s)"
ok "$([ "$gap" -le 70 ]; echo $?)" "alpha: and not much later ($gap/10 s)"
wait_for 5 sh -c "[ \"\$(sqlite3 '$T/store.db' \"select count(*) from items i join feeds f on f.id = i.feed_id where f.name = 'alpha'\")\" = 3 ]"
ok $? "alpha: items stored once the server answers"
is "$(sql "select fail_count || ' ' || coalesce(last_error, 'none') from feeds where name = 'alpha'")" "0 none" "alpha: success clears the failure"

# bravo: 503 twice without Retry-After -> backoff 2 s, then 4 s (interval 1 s)
wait_for 15 sh -c "[ \$(awk -F'\t' '\$3 == \"/bravo.atom\"' '$T/server.log' | wc -l) -ge 3 ]"
ok $? "bravo: third request came"
set -- $(req_times /bravo.atom | head -3)
g1=$(awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 10 }')
g2=$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%d", (b - a) * 10 }')
ok "$([ "$g1" -ge 18 ] && [ "$g2" -ge 38 ]; echo $?)" "bravo: backoff doubles (gaps $g1/10 s, $g2/10 s)"
is "$(statuses /bravo.atom | cut -d' ' -f1-3)" "503 503 200" "bravo: 503, 503, then 200"

# charlie: Retry-After as an HTTP date 5 s ahead
wait_for 12 sh -c "[ \$(awk -F'\t' '\$3 == \"/charlie.xml\"' '$T/server.log' | wc -l) -ge 2 ]"
ok $? "charlie: polled again after the dated Retry-After"
gap=$(req_times /charlie.xml | head -2 | awk 'NR == 1 { a = $1 } NR == 2 { printf "%d", ($1 - a) * 10 }')
ok "$([ "$gap" -ge 35 ]; echo $?)" "charlie: the HTTP-date Retry-After was honoured (gap $gap/10 s)"

stop_daemon TERM
is "$DAEMON_STATUS" 0 "SIGTERM: exit 0"
done_testing
