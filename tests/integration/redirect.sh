#!/bin/sh
# Redirects: a 301 or 308 chain moves the stored feed URL, a 302 does not, a loop and a redirect
# to file:// are errors that cost one log line and a backoff while the other feeds go on.
. "$top_srcdir/tests/integration/lib.sh"

start_server
PW_INTERVAL=2s write_config
add_feed moved301 "$BASE/old-alpha.xml?redirect=301&to=/alpha.xml"
add_feed moved308 "$BASE/old-bravo.atom?redirect=308&to=/bravo.atom"
add_feed temp302 "$BASE/today.xml?redirect=302&to=/charlie.xml"
add_feed chain "$BASE/c1.xml?redirect=301&to=/c2.xml%3Fredirect%3D302%26to%3D/charlie.xml"
add_feed loop "$BASE/loop.xml?redirect=301&loop=1"
add_feed tofile "$BASE/evil.xml?redirect=302&to=file:///etc/passwd"
start_daemon

wait_for 15 sh -c "[ \"\$(sqlite3 '$T/store.db' \"select count(*) from feeds where last_polled is not null\")\" = 6 ]"
ok $? "all six feeds were polled"
wait_for 10 sh -c "[ \"\$(sqlite3 '$T/store.db' \"select url from feeds where name = 'moved301'\")\" = '$BASE/alpha.xml' ]"
ok $? "301: the stored URL is now the target"
is "$(sql "select url from feeds where name = 'moved308'")" "$BASE/bravo.atom" "308: the stored URL is now the target"
is "$(sql "select url from feeds where name = 'temp302'")" "$BASE/today.xml?redirect=302&to=/charlie.xml" "302: the URL stays"
is "$(sql "select url from feeds where name = 'chain'")" "$BASE/c1.xml?redirect=301&to=/c2.xml%3Fredirect%3D302%26to%3D/charlie.xml" \
   "301 then 302: not all permanent, the URL stays"
is "$(sql "select count(*) from items i join feeds f on f.id = i.feed_id where f.name = 'moved301'")" 3 "301: items of the target stored"
is "$(sql "select count(*) from items i join feeds f on f.id = i.feed_id where f.name = 'temp302'")" 2 "302: items of the target stored"

# the moved feed is polled at its new address afterwards (and conditionally)
wait_for 10 sh -c "awk -F'\t' '\$3 == \"/alpha.xml\" && \$6 == 304' '$T/server.log' | grep -q ."
ok $? "301: later polls go to the new URL and get 304"
is "$(requests '/old-alpha.xml?redirect=301&to=/alpha.xml')" 1 "301: the old URL was asked only once"
wait_for 5 sh -c "[ \$(awk -F'\t' '\$3 == \"/today.xml?redirect=302&to=/charlie.xml\"' '$T/server.log' | wc -l) -ge 2 ]"
ok $? "302: the old URL is still polled"

is "$(sql "select fail_count > 0 from feeds where name = 'loop'")" 1 "redirect loop: counted as a failure"
sql "select last_error from feeds where name = 'loop'" | grep -qi "redirect"
ok $? "redirect loop: last_error says redirects ($(sql "select last_error from feeds where name = 'loop'"))"
ok "$([ "$(requests '/loop.xml?redirect=301&loop=1')" -le 8 ]; echo $?)" "redirect loop: bounded by max_redirects and backoff"
is "$(sql "select fail_count > 0 from feeds where name = 'tofile'")" 1 "redirect to file://: a failure"
sql "select last_error from feeds where name = 'tofile'" | grep -qi "protocol\|redirect"
ok $? "redirect to file://: refused protocol ($(sql "select last_error from feeds where name = 'tofile'"))"
is "$(sql "select count(*) from items i join feeds f on f.id = i.feed_id where f.name in ('loop', 'tofile')")" 0 "nothing stored from them"
grep -q "feed moved301: moved permanently: $BASE/old-alpha.xml" "$T/daemon.log"
ok $? "the move is logged"

stop_daemon TERM
is "$DAEMON_STATUS" 0 "SIGTERM: exit 0"
done_testing
