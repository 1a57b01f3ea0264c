#!/bin/sh
# Retention ([store] keep): a store filled by the daemon from the seed-scenario site (articles
# fetched, so items have MinHash bands, story postings and vectors), then the items of two
# feeds aged 90 days back (first seen and published).  A daemon with the default keep
# (forever) deletes nothing; one with keep = 30d deletes exactly the aged items, with their
# lsh / story_terms / story_vecs rows, tags, search entries and emptied stories, keeps the
# others untouched, logs the round, and leaves a store that passes integrity_check.
. "$top_srcdir/tests/integration/lib.sh"

GEN="$top_srcdir/tests/integration/seedfeeds.py"
MANIFEST="$top_srcdir/tests/fixtures/seedlike/feeds.txt"
start_server
cp "$top_srcdir/etc/topics.conf" "$T/topics.conf"
python3 "$GEN" feeds "$MANIFEST" "$top_srcdir/tests/fixtures/seedlike" "$T/www" "$BASE" --skip mirror
for f in ledger regional wire jam azeri; do add_feed "$f" "$BASE/feeds/$f.xml" "name = $f"; done
SPEAKERS=$(grep '^speakers *=' "$top_srcdir/etc/presswatch.conf")
# polls an hour apart: the feeds are not polled again while the test looks at the store
PW_FETCH_ARTICLES=yes PW_INTERVAL=1h write_config "topics = topics.conf
[statements]
$SPEAKERS"
# keep LINE -- sets [store] keep (after the path line)
set_keep() {
	sed -i '/^keep = /d' "$T/presswatch.conf"
	[ -z "$1" ] || sed -i "s|^path = store.db\$|path = store.db\nkeep = $1|" "$T/presswatch.conf"
}

"$PRESSWATCHD" -f --once -c "$T/presswatch.conf" >>"$T/daemon.log" 2>&1
is "$?" 0 "filled with --once"
total=$(sql "select count(*) from items")
is "$total" 7 "seven items"
ok "$([ "$(sql "select count(*) from lsh")" -gt 0 ] && [ "$(sql "select count(*) from story_terms")" -gt 0 ] &&
      [ "$(sql "select count(*) from story_vecs")" -gt 0 ]; echo $?)" "dedup index rows written"

OLD="(select id from feeds where name in ('ledger', 'regional'))"
# 90 days back: first seen and published (so the postings' times match the rows), and the
# stories' times with them
sql "update items set fetched = fetched - 90 * 86400, published = published - 90 * 86400 where feed_id in $OLD;
     update story_terms set t = t - 90 * 86400 where item_id in (select id from items where feed_id in $OLD);"
old=$(sql "select count(*) from items where feed_id in $OLD")
ok "$([ "$old" -ge 2 ] && [ "$old" -lt "$total" ]; echo $?)" "$old items aged"
kept=$((total - old))
KEPT="(select id from items where feed_id not in $OLD)"
lsh_kept=$(sql "select count(*) from lsh where item_id in $KEPT")
terms_kept=$(sql "select count(*) from story_terms where item_id in $KEPT")
vecs_kept=$(sql "select count(*) from story_vecs where item_id in $KEPT")
tags_kept=$(sql "select count(*) from tags where item_id in $KEPT")
ok "$([ "$(sql "select count(*) from lsh where item_id not in $KEPT")" -gt 0 ]; echo $?)" "the aged items have lsh rows"
df_sum=$(sql "select sum(df) from term_df")
word=$(sql "select lower(title) from items where feed_id in $OLD order by id limit 1" | tr -c 'a-z\n' ' ' | awk '{ for (i = 1; i <= NF; i++) if (length($i) > 6) { print $i; exit } }')
diag "search word of an aged item: $word"

# keep = forever (the default): a round runs and deletes nothing
PRESSWATCHD_RETENTION_FIRST_MS=200 start_daemon
sleep 2
stop_daemon
is "$DAEMON_STATUS" 0 "keep = forever: daemon ran and stopped"
is "$(sql "select count(*) from items")" "$total" "keep = forever: nothing deleted"

# keep = 30d while another connection holds the store's write lock: the round stops, nothing
# is deleted, the daemon goes on
set_keep 30d
: >"$T/daemon.log"
PRESSWATCHD_RETENTION_FIRST_MS=3000 start_daemon
wait_for 30 grep -q 'presswatchd .* started' "$T/daemon.log"
ok $? "locked: daemon started"
lock_store
wait_for 30 grep -q 'retention: deleted' "$T/daemon.log"
ok $? "locked: the round ran"
ok "$(grep 'retention: deleted' "$T/daemon.log" | grep -q 'deleted 0 items .*stopped: the store is locked by another connection'; echo $?)" \
   "locked: the round stopped at the lock, nothing deleted ($(grep -o 'retention: deleted.*' "$T/daemon.log" | head -1))"
unlock_store
is "$(sql "select count(*) from items")" "$total" "locked: nothing deleted"
stop_daemon
is "$DAEMON_STATUS" 0 "locked: the daemon went on and stopped cleanly"

# keep = 30d
: >"$T/daemon.log"
PRESSWATCHD_RETENTION_FIRST_MS=200 start_daemon
wait_for 30 grep -q 'retention: deleted' "$T/daemon.log"
ok $? "keep = 30d: a round ran"
line=$(grep 'retention: deleted' "$T/daemon.log" | head -1)
diag "$line"
ok "$(echo "$line" | grep -q "deleted $old items first seen before .* (keep = 30d)"; echo $?)" "the round logged the count"
is "$(grep -c 'retention: deleted' "$T/daemon.log")" 1 "one line per round"
is "$(sql "select count(*) from items")" "$kept" "only the recent items are left"
is "$(sql "select count(*) from items where feed_id in $OLD")" 0 "no aged item left"
is "$(sql "select count(*) from lsh")" "$lsh_kept" "lsh: exactly the kept items' rows"
is "$(sql "select count(*) from story_terms")" "$terms_kept" "story_terms: exactly the kept items' postings"
is "$(sql "select count(*) from story_vecs")" "$vecs_kept" "story_vecs: the kept items' vectors"
is "$(sql "select count(*) from tags")" "$tags_kept" "tags: the kept items' tags"
is "$(sql "select count(*) from lsh where item_id not in (select id from items)")" 0 "no orphan lsh rows"
is "$(sql "select count(*) from story_terms where item_id not in (select id from items)")" 0 "no orphan postings"
is "$(sql "select count(*) from stories s where not exists (select 1 from items where story_id = s.id)")" 0 "no story without items"
is "$(sql "select count(*) from stories s where item_count <> (select count(*) from items where story_id = s.id)")" 0 "story item counts agree"
is "$(sql "select count(*) from items_fts_docsize where id not in (select id from items)")" 0 "no search entries of deleted items"
if [ -n "$word" ]; then
	is "$(sql "select count(*) from items_fts f join items i on i.id = f.rowid where items_fts match '$word' and i.feed_id in $OLD")" 0 "search: '$word' finds no deleted item"
fi
is "$(sql "select sum(df) from term_df")" "$df_sum" "document frequencies kept"
is "$(sql "pragma integrity_check")" ok "integrity_check ok"
is "$(sql "pragma foreign_key_check" | wc -l | tr -d ' ')" 0 "no foreign key violations"
is "$(sql "insert into items_fts(items_fts) values ('integrity-check'); select 'ok'")" ok "search index integrity-check"

# SIGHUP: back to forever
set_keep forever
kill -HUP "$DAEMON_PID"
wait_for 30 grep -q 'retention: keeping items forever' "$T/daemon.log"
ok $? "SIGHUP applies keep = forever"
stop_daemon
is "$DAEMON_STATUS" 0 "stopped, exit 0"
is "$(sql "select count(*) from items")" "$kept" "the recent items are still there"

# keep = 30d: a feed entry dated before the cutoff is not stored, so a feed that still lists
# deleted items does not bring them back (with their alerts) at every poll with new content
old_date=$(date -u -R -d '90 days ago')
new_date=$(date -u -R -d '1 hour ago')
cat >"$T/www/feeds/dated.xml" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Dated</title><link>$BASE/</link>
<item><title>Old statement on the border commission</title><guid>dated-old</guid><pubDate>$old_date</pubDate>
<description>The commission met in Gazakh three months ago.</description></item>
<item><title>Undated statement on the border commission</title><guid>dated-none</guid>
<description>The commission will meet again.</description></item>
<item><title>New statement on the border commission</title><guid>dated-new</guid><pubDate>$new_date</pubDate>
<description>The commission met in Gazakh this morning.</description></item>
</channel></rss>
EOF
add_feed dated "$BASE/feeds/dated.xml" "name = dated"
set_keep 30d
"$PRESSWATCHD" -f --once -c "$T/presswatch.conf" >>"$T/daemon.log" 2>&1
is "$?" 0 "keep = 30d: --once polled the dated feed"
is "$(sql "select count(*) from items where guid = 'dated-new'")" 1 "an entry dated an hour ago is stored"
is "$(sql "select count(*) from items where guid = 'dated-none'")" 1 "an undated entry is stored"
is "$(sql "select count(*) from items where guid = 'dated-old'")" 0 "an entry dated before the cutoff is not"
done_testing
