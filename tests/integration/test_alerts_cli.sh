#!/bin/sh
# test_alerts_cli.sh -- `presswatch alerts` against a store written by alert_fixture (real
# schema, real store code): table, JSON lines, CSV, --since, --limit, and --follow picking up
# alerts recorded by another process while it runs.
. "$top_srcdir/tests/tap.sh"

PW="$top_builddir/cli/presswatch"
FIX="$top_builddir/tests/integration/alert_fixture"
T=$(mktemp -d "${TMPDIR:-/tmp}/pw-alerts.XXXXXX") || exit 1
follow_pid=
trap '[ -n "$follow_pid" ] && kill $follow_pid 2>/dev/null; rm -rf "$T"' EXIT
DB="$T/store.db"
export TZ=UTC LC_ALL=C.UTF-8
unset NO_COLOR COLUMNS

run() {
	"$PW" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}
contains() { case "$1" in *"$2"*) return 0 ;; esac; return 1; }
lines() { printf '%s\n' "$1" | grep -c .; }
# wait_lines FILE N -- wait (up to 30 s: sanitizer builds on a loaded CI machine are slow) until
# FILE has at least N non-empty lines; the assertion that follows says what was expected
wait_lines() {
	_i=0
	while [ "$(grep -c . "$1" 2>/dev/null)" -lt "$2" ] && [ $_i -lt 300 ]; do sleep 0.1; _i=$((_i + 1)); done
}

"$FIX" add "$DB" 3 2>/dev/null
ok $? "three alerts recorded through the store API"

run -d "$DB" alerts
is "$rc" 0 "alerts: exit 0"
is "$(lines "$out")" 4 "table: header and three rows"
contains "$out" "karabakh,ua-elections" && contains "$out" "OC Media" && contains "$out" "Hajizadeh, Foreign Ministry"
ok $? "table: topics, outlet, speakers"
contains "$(printf '%s\n' "$out" | sed -n 2p)" "2025-09-13 11:00"
ok $? "oldest first, UTC times"

run -d "$DB" alerts --json
is "$(lines "$out")" 3 "JSON: one line per alert"
contains "$out" '{"id":1,"created":"2025-09-13T11:00:00Z","topic":"karabakh","story_id":1,"item_id":1,"feed":"oc-media","outlet":"OC Media","speakers":"Hajizadeh, Foreign Ministry spokesperson","title":"Statement number 1 on Karabakh","url":"https://oc-media.example/news/1","published":"2025-09-13T10:50:00Z","snippet":"Foreign Ministry spokesperson Aykhan Hajizadeh said the talks continue."}'
ok $? "JSON: every field, store column names"
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import json,sys
for l in open(sys.argv[1], encoding="utf-8"):
    assert isinstance(json.loads(l), dict)' "$T/out"
	ok $? "JSON lines parse"
else
	tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP python3 absent: JSON not parsed"
fi

run -d "$DB" alerts --csv
contains "$out" "id,created,topic,story_id,item_id,feed,outlet,speakers,title,url,published,snippet"
ok $? "CSV header"
contains "$out" '2,2025-09-13T12:00:00Z,"karabakh,ua-elections",2,2,'
ok $? "CSV quotes a field with a comma"

run -d "$DB" alerts --since 2025-09-13T11:30Z --json
is "$(lines "$out")" 2 "--since keeps the later two"
run -d "$DB" alerts --limit 1 --json
is "$(lines "$out")" 1 "--limit 1: one"
contains "$out" '"id":3,' ; ok $? "--limit keeps the newest"
run -d "$DB" alerts --since 2030-01-01
is "$rc" 0 "no alerts in the period: exit 0"
contains "$err" "no alerts" ; ok $? "says so on stderr"
run -d "$DB" alerts --follow --csv
is "$rc" 2 "--follow with --csv: usage error"
run -d "$DB" alerts --since tomorrowish
is "$rc" 2 "bad --since: usage error"

# --follow: prints what is there, then what another process records
: >"$T/follow"  # exists before the background job opens it: the loop below must not race it
"$PW" -d "$DB" alerts --follow --json >"$T/follow" 2>"$T/follow.err" &
follow_pid=$!
wait_lines "$T/follow" 3
is "$(grep -c . "$T/follow")" 3 "--follow: the existing alerts first"
"$FIX" add "$DB" 2 2>/dev/null
ok $? "two more alerts recorded by another process"
wait_lines "$T/follow" 5
is "$(grep -c . "$T/follow")" 5 "--follow: new alerts appear within seconds"
contains "$(sed -n 5p "$T/follow")" '"id":5,' ; ok $? "--follow: in order, each once"
kill $follow_pid
wait $follow_pid 2>/dev/null
follow_pid=

# a file of its own: the background job's ">" truncates only once the job has started, so
# reusing $T/follow (five lines already) let the wait below see the old lines, then read an
# emptied file
: >"$T/follow-plain"
"$PW" -d "$DB" alerts -f >"$T/follow-plain" 2>&1 &
follow_pid=$!
wait_lines "$T/follow-plain" 5
contains "$(sed -n 1p "$T/follow-plain")" "2025-09-13T11:00:00Z  #1 [karabakh] OC Media: Statement number 1 on Karabakh -- Hajizadeh, Foreign Ministry spokesperson <https://oc-media.example/news/1>"
ok $? "-f without --json: one plain line per alert"
kill $follow_pid
wait $follow_pid 2>/dev/null
follow_pid=

done_testing
