#!/bin/sh
# test_extract_cli.sh -- `presswatch extract`: JSON on stdout for a page (file or stdin),
# --url / --charset honoured, and a non-zero exit with one clear message for non-HTML input.
. "$top_srcdir/tests/tap.sh"
pw="$top_builddir/cli/presswatch"
pages="$top_srcdir/tests/fixtures/pages"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

field() {  # field JSONFILE KEY -> the value (python3 reads the JSON)
	"${PYTHON3:-python3}" -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print("null" if v is None else v)' "$1" "$2"
}

"$pw" extract --url https://oc-media.org/news/x/ "$pages/oc_media.html" >"$tmp/oc.json" 2>"$tmp/err"
ok $? "extract exits 0 on an article page"
is "$(field "$tmp/oc.json" title)" "Tbilisi city hall postpones vote on Vake park development" "title in the JSON"
is "$(field "$tmp/oc.json" published)" "2025-10-21T10:05:00Z" "published as ISO 8601 UTC"
is "$(field "$tmp/oc.json" canonical_url)" "https://oc-media.org/news/tbilisi-city-hall-postpones-vote-on-vake-park-development/" "--url resolves the canonical URL"
"${PYTHON3:-python3}" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if sorted(d) == sorted(["title","author","published","canonical_url","lang","site_name","image","text"]) else 1)' "$tmp/oc.json"
ok $? "exactly the documented keys"
case "$(field "$tmp/oc.json" text)" in *"The developer did not respond"*) ok 0 "text holds the article" ;; *) ok 1 "text holds the article" ;; esac
is "$(cat "$tmp/err")" "" "nothing on stderr"

"$pw" extract - <"$pages/ru_cp1251.html" >"$tmp/ru.json"
ok $? "reads the page from standard input"
is "$(field "$tmp/ru.json" author)" "Ирина Соколова" "windows-1251 page comes out as UTF-8"

sed 's/charset=koi8-r/charset=utf-8 /' "$pages/ru_koi8r.html" >"$tmp/lying.html"
"$pw" extract --charset KOI8-R "$tmp/lying.html" >"$tmp/k.json"
is "$(field "$tmp/k.json" title)" "МИД России вручил ноту послу Азербайджана" "--charset overrides a wrong meta charset"

printf '{"title": "not a page"}\n' >"$tmp/x.json"
"$pw" extract "$tmp/x.json" >"$tmp/out" 2>"$tmp/err"
is "$?" "1" "JSON input exits 1"
is "$(cat "$tmp/out")" "" "nothing on stdout for non-HTML input"
is "$(wc -l <"$tmp/err" | tr -d ' ')" "1" "one message line"
grep -q "not HTML: looks like JSON" "$tmp/err"
ok $? "the message says why ($(cat "$tmp/err"))"

printf '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>' | "$pw" extract - >/dev/null 2>"$tmp/err"
is "$?" "1" "an RSS feed exits 1"
grep -q "XML feed" "$tmp/err"
ok $? "and says it is a feed"

"$pw" extract --max-bytes 100 "$pages/oc_media.html" >/dev/null 2>"$tmp/err"
is "$?" "1" "--max-bytes refuses a larger page"
grep -q "too large" "$tmp/err"
ok $? "with a too-large message"

"$pw" extract "$tmp/does-not-exist.html" >/dev/null 2>"$tmp/err"
is "$?" "1" "a missing file exits 1"
"$pw" extract >/dev/null 2>&1
is "$?" "2" "no FILE is a usage error"
done_testing
