#!/bin/sh
# Tags through the real daemon: items of a feed served on 127.0.0.1 get their topic, statement,
# feed and language tags and their speakers from the feed entry (etc/topics.conf, the shipped
# rules); the alert log is created 0640 and reopened on SIGHUP (logrotate); --check-config
# refuses topic rules that cannot match.
. "$top_srcdir/tests/integration/lib.sh"

# a feed built from the tag fixtures (first line title, rest text)
python3 - "$top_srcdir/tests/fixtures/tags" "$T/www/tags.xml" <<'PY'
import sys, html
src, out = sys.argv[1], sys.argv[2]
items = [("ru_karabakh_statement.txt", "Tue, 25 Nov 2025 10:00:00 +0000"),
         ("en_karabakh_travel.txt", "Tue, 25 Nov 2025 09:00:00 +0000"),
         ("az_qarabag_fk.txt", "Tue, 25 Nov 2025 08:00:00 +0000")]
with open(out, "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            '<title>Tags test</title><link>http://127.0.0.1/</link><language>ru</language>\n')
    for name, date in items:
        title, _, body = open(f"{src}/{name}", encoding="utf-8").read().partition("\n")
        paras = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p)
        f.write(f"<item><guid>{name}</guid><link>http://127.0.0.1/{name}</link>"
                f"<title>{html.escape(title)}</title><pubDate>{date}</pubDate>"
                f"<description>{html.escape(paras)}</description></item>\n")
    f.write("</channel></rss>\n")
PY
ok $? "feed written from the tag fixtures"

start_server
cp "$top_srcdir/etc/topics.conf" "$T/topics.conf"
write_config "topics = topics.conf
[alerts]
log = alerts.jsonl
[statements]
speakers = Zakharova, Захаров*"
add_feed tagsfeed "$BASE/tags.xml"

"$PRESSWATCHD" --check-config -c "$T/presswatch.conf" >"$T/check.out" 2>&1
ok $? "--check-config accepts the shipped topics"

start_daemon
# tags are written by the article stage, in each item's own transaction after the poll's
wait_for 15 sh -c "[ \"\$(sqlite3 '$T/store.db' 'select count(*) from items where article_status is not null')\" = 3 ]"
ok $? "three items stored and through the article stage"
item() { sql "select id from items where guid = '$1'"; }
tags() { sql "select group_concat(tag, ' ') from (select tag from tags where item_id = $(item "$1") order by tag)"; }
is "$(tags ru_karabakh_statement.txt)" "feed:tagsfeed lang:ru statement topic:karabakh topic:russia-azerbaijan" \
   "Russian statement on Karabakh: topics, statement, feed, language"
is "$(tags en_karabakh_travel.txt)" "feed:tagsfeed lang:ru topic:karabakh" "travel piece: topic, not a statement"
is "$(tags az_qarabag_fk.txt)" "feed:tagsfeed lang:ru" "Qarabağ FK football: not Karabakh"
is "$(sql "select name from speakers where item_id = $(item ru_karabakh_statement.txt)")" "Захарова" "speaker stored"

test -f "$T/alerts.jsonl"
ok $? "alert log created at start"
is "$(stat -c %a "$T/alerts.jsonl")" 640 "alert log mode 0640"
mv "$T/alerts.jsonl" "$T/alerts.jsonl.1"
kill -HUP "$DAEMON_PID"
wait_for 10 test -f "$T/alerts.jsonl"
ok $? "SIGHUP reopens the alert log (logrotate)"

# a topic term without letters cannot match anything: refused by --check-config and by a reload
printf '[broken]\nany = Karabakh, --\n' >>"$T/topics.conf"
"$PRESSWATCHD" --check-config -c "$T/presswatch.conf" >"$T/check.out" 2>&1
is "$?" 1 "--check-config refuses a term without letters"
grep -q 'topic broken: term "--" has no letters or digits' "$T/check.out"
ok $? "and names the file, line and term"
kill -HUP "$DAEMON_PID"
wait_for 10 grep -q "reload refused" "$T/daemon.log"
ok $? "a reload with it is refused; the daemon keeps running"
kill -0 "$DAEMON_PID"
ok $? "daemon alive"

stop_daemon TERM
is "$DAEMON_STATUS" 0 "SIGTERM: exit 0"
done_testing
