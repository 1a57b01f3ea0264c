#!/bin/sh
# The article stage through the real presswatchd (--once) and the test server: a feed's items
# link to pages; after the run the store holds each page's extracted text (paragraphs kept,
# chrome dropped) with article_status ok and the page's metadata; a 404 keeps the item with its
# feed summary as body and status http-error, and is retried on later runs (once its backoff is
# over) up to [articles] retries, after which it is grouped from the summary; a JSON page is
# not-html at once; a timeout is "timeout"; a page that fails once comes right on the retry;
# an entry whose feed content is long enough is not fetched at all ("skipped").
. "$top_srcdir/tests/integration/lib.sh"

AF="$top_srcdir/tests/fixtures/articles"
start_server
mkdir -p "$T/www/pages"
cp "$AF/good.html" "$AF/data.json" "$T/www/pages/"
cp "$AF/good.html" "$T/www/pages/flaky.html"
cp "$AF/good.html" "$T/www/pages/slow.html"
sed "s|BASE|$BASE|g" "$AF/articles.xml" >"$T/www/articles.xml"
# the slow page never answers (until the control file is emptied below): a timeout whatever
# the load on the machine, with a transfer timeout long enough for the other pages under ASan
control '{"/pages/flaky.html": {"status": 503, "times": 1}, "/pages/slow.html": {"hang": 1}}'

PW_TIMEOUT=8s PW_FETCH_ARTICLES=yes PW_SKIP_IF_CONTENT=200 PW_ARTICLE_RETRIES=3 write_config
add_feed post "$BASE/articles.xml" "name = South Caucasus Post"

run_once() {
	"$PRESSWATCHD" -f --once -c "$T/presswatch.conf" >>"$T/daemon.log" 2>&1
}
col() { sql "select $2 from items where guid = 'post-$1'"; }
# rewind GUID -- the retry backoff has passed (as if the clock had moved on)
rewind() { sql "update items set next_attempt = 0 where guid = 'post-$1' and next_attempt is not null"; }

t0=$(date +%s)
run_once
is "$?" 0 "presswatchd --once exits 0"
diag "first run: $(( $(date +%s) - t0 ))s (the slow page waits for the 8s timeout)"
is "$(sql "select count(*) from items")" 6 "six items stored"

# a page fetched and extracted
is "$(col good article_status)" ok "good page: article_status ok"
col good body >"$T/good.txt"
grep -q "Three family bakeries in Gyumri have started baking the dense rye loaf" "$T/good.txt"
ok $? "good page: first paragraph in the body"
grep -q "four hundred loaves a week" "$T/good.txt"
ok $? "good page: last paragraph in the body"
ok "$(grep -Eq 'Latest news|uses cookies|Share:|Reproduction of materials|Photo: South Caucasus Post|Lake Sevan' "$T/good.txt"; [ $? -ne 0 ]; echo $?)" \
   "good page: no chrome (latest news, cookie notice, share bar, footer, photo credit)"
is "$(sed -n '2p' "$T/good.txt")" "" "good page: paragraphs separated by a blank line"
is "$(col good canonical_url)" "https://post.example/news/gyumri-black-bread/" "good page: canonical URL from the page"
is "$(col good author)" "Anahit Sargsyan" "good page: author from the page"
is "$(col good published)" "$(date -u -d 2026-03-02T05:30:00Z +%s)" "good page: published from the page (the feed had none)"
ok "$([ -n "$(col good story_id)" ]; echo $?)" "good page: in a story"
is "$(requests /pages/good.html)" 1 "good page: fetched once"

# 404: the item stays with its feed summary, retried later
is "$(col missing article_status)" http-error "404: article_status http-error"
is "$(col missing body)" "The city council of Vanadzor approved the plan for a bus depot on Tuesday." "404: the feed summary (as text) is the body"
is "$(col missing article_attempts)" 1 "404: one attempt"
ok "$([ "$(col missing next_attempt)" -gt "$(date +%s)" ]; echo $?)" "404: next attempt in the future"
is "$(col missing story_id)" "" "404: not grouped while a retry is due"
grep -q "feed post: article $BASE/pages/missing.html: http-error: HTTP 404 (attempt 1 of 4; retry in 30s" "$T/daemon.log"
ok $? "404: one log line with feed, URL and reason"

# not HTML, timeout, a server error
is "$(col json article_status)" not-html "JSON page: not-html"
ok "$([ -n "$(col json story_id)" ] && [ -z "$(col json next_attempt)" ]; echo $?)" "not-html: final at once (grouped, no retry)"
is "$(col json body)" "A mild spring is expected in the northern provinces." "not-html: the feed summary is the body"
is "$(col slow article_status)" timeout "slow page: timeout"
is "$(col flaky article_status)" http-error "503 page: http-error"

# content long enough: no page fetch
is "$(col full article_status)" skipped "long feed content: skipped"
is "$(requests /pages/full.html)" 0 "long feed content: the page is not requested"
col full body | grep -q "The hall seats two hundred people" 
ok $? "long feed content: its text is the body"
is "$(col full body | sed -n 2p)" "" "long feed content: its paragraphs stay apart (a blank line between)"

# a second run right away: no retry is due yet
run_once
is "$(requests /pages/missing.html)" 1 "second run: the 404 is not retried before its backoff"

# the backoff is over: retried; the 503 page now answers
rewind missing; rewind flaky; rewind slow
control '{}'
run_once
is "$(requests /pages/missing.html)" 2 "third run: the 404 retried"
is "$(col missing article_attempts)" 2 "404: two attempts"
is "$(col flaky article_status)" ok "the page that failed once: ok on the retry"
col flaky body | grep -q "four hundred loaves a week"
ok $? "and its body is the page text"
ok "$([ -n "$(col flaky story_id)" ]; echo $?)" "and it is grouped now"
is "$(col flaky dup_of)" "$(col good id)" "as a near-duplicate of the same page under another link"
is "$(col slow article_status)" ok "the slow page: ok on the retry"

rewind missing; run_once
rewind missing; run_once
is "$(col missing article_attempts)" 4 "404: four attempts (retries = 3)"
is "$(col missing next_attempt)" "" "404: no further attempt planned"
ok "$([ -n "$(col missing story_id)" ]; echo $?)" "404: grouped from the summary after the last attempt"
grep -q "feed post: article $BASE/pages/missing.html: http-error: HTTP 404 (attempt 4 of 4; giving up" "$T/daemon.log"
ok $? "404: the last attempt says it gives up"
rewind missing; run_once
is "$(requests /pages/missing.html)" 4 "404: never requested again"

# [articles] fetch = no: no page requests, items skipped with their feed text
rm -f "$T/store.db" "$T/store.db-wal" "$T/store.db-shm"
before=$(requests /pages/good.html)
PW_FETCH_ARTICLES=no write_config
run_once
is "$(sql "select count(*) from items where article_status = 'skipped'")" 6 "fetch = no: every item skipped"
is "$(requests /pages/good.html)" "$before" "fetch = no: no page requested"
is "$(sql "select count(*) from items where story_id is null")" 0 "fetch = no: every item grouped"
done_testing
