#!/bin/sh
# One outlet's article through two of its feeds, each link with its own utm_* parameters and
# fragment (fbclid for the other page): the real presswatchd (--once) fetches each page once.
#   run 1: both feeds at once.  The metro page answers after 5 s, so the second item finds
#          the first one's fetch in flight and waits for it, then takes its text; the ferry
#          page fails (503) the first time, after 5 s, so its waiting item fetches it itself.
#   run 2: a third feed links the metro page again: its text comes from the store, no fetch;
#          the failed ferry item's retry comes due: it takes the text its sibling fetched.
# Every copy is a near-duplicate (dup_of) of the first item of its page and in its story, and
# items.canonical_url holds the canonical form of the page's canonical link (else the link).
. "$top_srcdir/tests/integration/lib.sh"

CF="$top_srcdir/tests/fixtures/canon"
start_server
mkdir -p "$T/www/news"
for f in metro ferry; do
	sed "s|BASE|$BASE|g" "$CF/$f.html" >"$T/www/news/$f.html"
done
mv "$T/www/news/metro.html" "$T/www/news/metro-fare.html"
for f in main society business; do
	sed "s|BASE|$BASE|g" "$CF/$f.xml" >"$T/www/$f.xml"
done
control '{"/news/metro-fare.html": {"delay": 5, "times": 1}, "/news/ferry.html": {"delay": 5, "status": 503, "times": 1}}'

PW_FETCH_ARTICLES=yes PW_SKIP_IF_CONTENT=2000 PW_ARTICLE_RETRIES=3 write_config
add_feed courier-main "$BASE/main.xml" "name = Kura Courier"
add_feed courier-society "$BASE/society.xml" "name = Kura Courier"

run_once() {
	"$PRESSWATCHD" -f -v --once -c "$T/presswatch.conf" >>"$T/daemon.log" 2>&1
}
col() { sql "select $2 from items where guid = 'courier-$1'"; }
# page_requests PATH -- requests for PATH whatever their query
page_requests() { awk -F'\t' -v p="$1" 'substr($3, 1, length(p)) == p' "$T/server.log" | wc -l | tr -d ' '; }
# reused -- items that took another item's text, summed over the daemon's summary lines
reused() {
	grep -o '[0-9]* items with the text of the same page stored for another' "$T/daemon.log" |
		awk '{ n += $1 } END { print n + 0 }'
}

run_once
is "$?" 0 "run 1: presswatchd --once exits 0"
is "$(sql "select count(*) from items")" 4 "run 1: four items stored (two pages, two feeds)"
is "$(page_requests /news/metro-fare.html)" 1 "metro page: one request for the two items"
is "$(col main-metro article_status)/$(col society-metro article_status)" ok/ok "metro page: both items ok"
is "$(col main-metro body)" "$(col society-metro body)" "metro page: both have the page's text"
col main-metro body | grep -q "twelve new trains ordered from a manufacturer in Minsk"
ok $? "metro page: the text is the page's"
want="$BASE/news/metro-fare.html"
is "$(col main-metro canonical_url)" "$want" "metro page: canonical_url of the first feed's item is the page's canonical link"
is "$(col society-metro canonical_url)" "$want" "metro page: and of the second feed's item"
m=$(col main-metro id); s=$(col society-metro id)
first=$m; copy=$s
[ "$(col society-metro dup_of)" = "" ] && { first=$s; copy=$m; }
is "$(sql "select dup_of from items where id = $copy")" "$first" "metro page: one item is dup_of the other"
is "$(sql "select coalesce(dup_of, 0) from items where id = $first")" 0 "metro page: the other is the original"
is "$(col main-metro story_id)" "$(col society-metro story_id)" "metro page: same story"
ok "$([ -n "$(col main-metro story_id)" ]; echo $?)" "metro page: grouped"
grep -q "article $BASE/news/metro-fare.html?[^ ]*: waiting for item $first's fetch of the same page" "$T/daemon.log"
ok $? "metro page: the second item waited for the first one's fetch (log)"
grep -q "article $BASE/news/metro-fare.html?[^ ]*: text of item $first (same page, $want): not fetched again" "$T/daemon.log"
ok $? "metro page: then took its text (log)"

# the ferry page failed for the item that fetched it; the waiting one fetched it itself
is "$(page_requests /news/ferry.html)" 2 "ferry page: the failed fetch, then the waiting item's own"
st="$(col main-ferry article_status) $(col society-ferry article_status)"
case "$st" in "http-error ok" | "ok http-error") ok 0 "ferry page: one http-error (retry due), one ok ($st)" ;;
*) ok 1 "ferry page: one http-error (retry due), one ok ($st)" ;; esac
is "$(col main-ferry canonical_url)/$(col society-ferry canonical_url)" "$BASE/news/ferry.html/$BASE/news/ferry.html" \
   "ferry page: canonical_url is the link's canonical form (no canonical link in the page)"
is "$(reused)" 1 "run 1: one item counted as reused (metro)"

# run 2: a third feed of the outlet, and the ferry retry comes due
add_feed courier-business "$BASE/business.xml" "name = Kura Courier"
sql "update items set next_attempt = 0 where next_attempt is not null"
run_once
is "$?" 0 "run 2: presswatchd --once exits 0"
is "$(sql "select count(*) from items")" 5 "run 2: the third feed's item stored"
is "$(page_requests /news/metro-fare.html)" 1 "metro page: still one request (text from the store)"
is "$(col business-metro article_status)" ok "third feed: ok"
is "$(col business-metro body)" "$(sql "select body from items where id = $first")" "third feed: the page's text"
is "$(col business-metro dup_of)" "$first" "third feed: dup_of the first item of the page"
is "$(col business-metro story_id)" "$(col main-metro story_id)" "third feed: in the page's story"
is "$(col business-metro canonical_url)" "$want" "third feed: same canonical_url"
is "$(page_requests /news/ferry.html)" 2 "ferry retry: no request (its sibling fetched the page)"
is "$(col main-ferry article_status)/$(col society-ferry article_status)" ok/ok "ferry page: both ok now"
is "$(col main-ferry story_id)" "$(col society-ferry story_id)" "ferry page: same story"
is "$(sql "select count(*) from items where guid like 'courier-%-ferry' and dup_of is not null")" 1 \
   "ferry page: one dup_of the other"
is "$(reused)" 3 "runs 1-2: three items counted as reused"
is "$(sql "select group_concat(n, ' ') from (select count(*) n from items group by canonical_url order by n)")" "2 3" \
   "GROUP BY canonical_url: the two pages, 2 and 3 items"
done_testing
