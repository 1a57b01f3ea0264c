#!/bin/sh
# The fetcher's queue (daemon/fetch.c) against two test servers (two host:port keys): the
# per-host limit holds while requests to a busy host wait parked on it, requests to a free host
# pass them, and cancelling the queue reaches the parked requests too.
. "$top_srcdir/tests/integration/lib.sh"
FIXTURE="$top_builddir/tests/integration/fetch_fixture"

start_server
A=$BASE
python3 "$SERVER" --root "$T/www" --port-file "$T/port2" --log "$T/server2.log" >/dev/null 2>"$T/server2.err" &
PIDS="$PIDS $!"
wait_for 10 test -s "$T/port2" || { echo "Bail out! second test server did not start"; exit 1; }
B="http://127.0.0.1:$(cat "$T/port2")"

# concurrency 2, per_host 1: a1 runs, a2 waits for host A while b1, b2 and c1 (host B) pass it
"$FIXTURE" 2 1 0 "$A/a1?delay=1.5&status=200" "$A/a2?status=200" "$B/b1?delay=0.2&status=200" \
	"$B/b2?delay=0.2&status=200" "$B/c1?delay=0.2&status=200" >"$T/order.txt" 2>"$T/fixture.err"
is "$?" 0 "per_host 1: every request ends once"
is "$(cut -d' ' -f1 "$T/order.txt" | tr '\n' ' ')" "2 3 4 0 1 " \
   "host B's requests pass a2, parked behind a1 on host A; a2 runs when a1 is done"
is "$(cut -d' ' -f2 "$T/order.txt" | sort -u | tr '\n' ' ')" "200 " "all answered 200"
is "$(awk -F'\t' '$3 ~ /^\/a/ { print $3 }' "$T/server.log" | sed 's/?.*//' | tr '\n' ' ')" "/a1 /a2 " \
   "host A saw a1, then a2"

# per_host 2, concurrency 8: four to one host run two at a time, in the order they came
# (p0 ends at 0.4 s, p2 in its slot at 0.8 s, p3 in that slot at 1.2 s, p1 at 2 s)
"$FIXTURE" 8 2 0 "$A/p0?delay=0.4&status=200" "$A/p1?delay=2&status=200" "$A/p2?delay=0.4&status=200" \
	"$A/p3?delay=0.4&status=200" >"$T/order.txt" 2>>"$T/fixture.err"
is "$?" 0 "per_host 2: every request ends once"
is "$(cut -d' ' -f1 "$T/order.txt" | tr '\n' ' ')" "0 2 3 1 " "p2 takes p0's slot, p3 waits for p2, not for p1"

# cancel_queued: the parked requests (a2, a3) are cancelled; the running ones (a1, b1) finish
"$FIXTURE" 2 1 300 "$A/a1?delay=1&status=200" "$A/a2?status=200" "$A/a3?status=200" \
	"$B/b1?delay=1&status=200" >"$T/order.txt" 2>>"$T/fixture.err"
is "$?" 0 "cancel: every request ends once"
grep -q '^cancel_queued: 2 queued, 2 running$' "$T/order.txt"
ok $? "cancel: two parked, two running when cancelled"
is "$(grep -v cancel_queued "$T/order.txt" | sort | tr '\n' ' ')" "0 200 1 cancelled 2 cancelled 3 200 " \
   "cancel: a2 and a3 cancelled, a1 and b1 answered"
[ -s "$T/fixture.err" ] && diag "$(cat "$T/fixture.err")"
done_testing
