#!/bin/sh
# Limits: the per-host limit queues transfers to one host, the global limit caps all of them,
# and max_items_per_poll stores the newest new items first and the rest on the next poll
# (without a 304 hiding them).
. "$top_srcdir/tests/integration/lib.sh"

# span PATTERN -- seconds*10 between the first and the last logged request matching PATTERN
span() { awk -F'\t' -v p="$1" '$3 ~ p { if (!n++) a = $1; b = $1 } END { printf "%d", (b - a) * 10 }' "$T/server.log"; }

start_server

# per_host = 1: three feeds on one host, each answer delayed 1 s -> one after another
PW_PER_HOST=1 PW_INTERVAL=60s write_config
for f in alpha bravo charlie; do add_feed "$f" "$BASE/$f-slow?delay=1"; done
"$PRESSWATCHD" -f -c "$T/presswatch.conf" --once >>"$T/daemon.log" 2>&1
is "$?" 0 "per_host 1: --once finished"
is "$(awk -F'\t' '$3 ~ /-slow/' "$T/server.log" | wc -l | tr -d ' ')" 3 "per_host 1: three requests"
s=$(span -slow)
ok "$([ "$s" -ge 18 ]; echo $?)" "per_host 1: answers spread over >= 2 s ($s/10 s): one transfer at a time"

# per_host = 4: the same three run side by side
: >"$T/server.log"; rm -f "$T/store.db"*
PW_PER_HOST=4 PW_INTERVAL=60s write_config
"$PRESSWATCHD" -f -c "$T/presswatch.conf" --once >>"$T/daemon.log" 2>&1
s=$(span -slow)
ok "$([ "$s" -le 8 ]; echo $?)" "per_host 4: the three answers come together ($s/10 s)"

# concurrency = 1 caps everything, whatever per_host says
: >"$T/server.log"; rm -f "$T/store.db"*
PW_CONCURRENCY=1 PW_PER_HOST=4 PW_INTERVAL=60s write_config
"$PRESSWATCHD" -f -c "$T/presswatch.conf" --once >>"$T/daemon.log" 2>&1
s=$(span -slow)
ok "$([ "$s" -ge 18 ]; echo $?)" "concurrency 1: one transfer at a time ($s/10 s)"

# max_items_per_poll = 2 on a feed with 3 new items
: >"$T/server.log"; rm -f "$T/store.db"*; : >"$T/feeds.conf"
add_feed alpha "$BASE/alpha.xml"
write_config "[limits]
max_items_per_poll = 2"
"$PRESSWATCHD" -f -c "$T/presswatch.conf" --once >>"$T/daemon.log" 2>&1
is "$(sql "select group_concat(guid, ' ') from (select guid from items order by guid)")" "alpha-1002 alpha-1003" \
   "cap 2: the two newest items are stored first"
is "$(sql "select coalesce(etag, 'none') from feeds where name = 'alpha'")" "none" "cap 2: the ETag is not kept while items are left"
grep -q "more new items than max_items_per_poll" "$T/daemon.log"
ok $? "cap 2: logged"
"$PRESSWATCHD" -f -c "$T/presswatch.conf" --once >>"$T/daemon.log" 2>&1
is "$(statuses /alpha.xml)" "200 200" "cap 2: the second poll is a full GET"
is "$(sql "select count(*) from items")" 3 "cap 2: the remaining item arrives with the second poll"
"$PRESSWATCHD" -f -c "$T/presswatch.conf" --once >>"$T/daemon.log" 2>&1
is "$(statuses /alpha.xml)" "200 200 304" "cap 2: then the feed is conditional again"
done_testing
