# lib.sh -- shared by the presswatchd integration tests (source it).
#
# Gives each test a temp dir ($T) with a copy of tests/fixtures/daemon in $T/www, the project's
# HTTP server (server.py) on an ephemeral 127.0.0.1 port ($BASE), a presswatch.conf with short
# intervals, and the real presswatchd.  Every process started here is killed on exit.
. "$top_srcdir/tests/tap.sh"

PRESSWATCHD="$top_builddir/daemon/presswatchd"
SERVER="$top_srcdir/tests/integration/server.py"
FIXTURES="$top_srcdir/tests/fixtures/daemon"

command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 command-line shell not installed (scripts/deps installs it)"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
[ -x "$PRESSWATCHD" ] || skip_all "presswatchd not built"

# 127.0.0.1 only, never through a proxy from the environment
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

T=$(mktemp -d "${TMPDIR:-/tmp}/pw-it.XXXXXX")
PIDS=""
# ours PID -- true when PID is a process this test started: each one has $T in its command
# line.  PIDs wrap quickly on a busy machine (pid_max is often 32768), so a bare number of an
# exited process may belong to someone else by now -- never signal it blindly.
ours() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF "$T"; }
forget() { PIDS=$(echo " $PIDS " | sed "s/ $1 / /g"); }
cleanup() {
	for p in $PIDS; do ours "$p" && kill -9 "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	if [ "${tap_failed:-0}" -ne 0 ] && [ -f "$T/daemon.log" ]; then
		echo "# --- daemon log"; sed 's/^/#   /' "$T/daemon.log" | tail -60
		echo "# --- server log"; sed 's/^/#   /' "$T/server.log" 2>/dev/null | tail -30
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# PW_VALGRIND=1: every presswatchd of the test runs under valgrind memcheck (a wrapper script
# in $T, so "$PRESSWATCHD" and the PID bookkeeping stay as they are).  An error or a definite
# leak makes the daemon exit 99, and done_testing adds one check that no valgrind log reports
# anything.  Run the suite with it: make check PW_VALGRIND=1 TESTS='tests/integration/...'
if [ -n "${PW_VALGRIND:-}" ] && [ "${PW_VALGRIND}" != 0 ]; then
	command -v valgrind >/dev/null 2>&1 || skip_all "PW_VALGRIND set but valgrind is not installed"
	# valgrind cannot run a binary built with AddressSanitizer (configure --enable-sanitizers)
	grep -aq __asan_init "$PRESSWATCHD" && skip_all "presswatchd is built with AddressSanitizer; valgrind cannot run it"
	printf '#!/bin/sh\nexec valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --log-file="%s/valgrind.%%p.log" "%s" "$@"\n' \
		"$T" "$PRESSWATCHD" >"$T/presswatchd-valgrind"
	chmod +x "$T/presswatchd-valgrind"
	PRESSWATCHD="$T/presswatchd-valgrind"
	done_testing() {
		_vg=$(cat "$T"/valgrind.*.log 2>/dev/null | grep -E '^==[0-9]+== ' || true)
		if [ -z "$_vg" ]; then ok 0 "valgrind: no errors, no definite leaks"
		else ok 1 "valgrind: no errors, no definite leaks"; echo "$_vg" | head -80 | sed 's/^/#   /'; fi
		echo "1..$tap_n"; [ "$tap_failed" -eq 0 ]
	}
	diag "presswatchd runs under valgrind memcheck"
fi
# peak_rss PID -- the process's peak resident set (VmHWM) in KiB; read it before stopping PID
peak_rss() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

mkdir -p "$T/www"
cp "$FIXTURES"/* "$T/www/"
: >"$T/server.log"

# wait_for SECONDS COMMAND... -- true as soon as COMMAND succeeds, false after SECONDS.
# SECONDS is never less than PW_WAIT_MIN (30): CI runs the suite two tests at a time, under
# ASan+UBSan (3-5x slower) on a loaded 2-core machine, so a deadline only bounds how long a
# failing test takes -- it asserts nothing about speed (bench/ measures that).  A test that
# must show something happens *before* something else checks that order explicitly.
wait_for() {
	_limit=$1; shift
	[ "$_limit" -ge "${PW_WAIT_MIN:-30}" ] || _limit=${PW_WAIT_MIN:-30}
	_end=$(( $(date +%s) + _limit ))
	while :; do
		if "$@" >/dev/null 2>&1; then return 0; fi
		[ "$(date +%s)" -ge "$_end" ] && return 1
		sleep 0.1
	done
}

start_server() {
	python3 "$SERVER" --root "$T/www" --port-file "$T/port" --log "$T/server.log" \
		--control "$T/control.json" >/dev/null 2>"$T/server.err" &
	SERVER_PID=$!
	PIDS="$PIDS $SERVER_PID"
	wait_for 10 test -s "$T/port" || { echo "Bail out! test server did not start"; cat "$T/server.err"; exit 1; }
	PORT=$(cat "$T/port")
	BASE="http://127.0.0.1:$PORT"
}

# write_config [EXTRA-INI-LINES] -- presswatch.conf for the tests; feeds go to $T/feeds.conf
write_config() {
	# the alert log goes into $T unless the caller configures [alerts] itself
	case "${1:-}" in
	*"[alerts]"*) _alerts="" ;;
	*) _alerts="[alerts]
log = alerts.jsonl" ;;
	esac
	cat >"$T/presswatch.conf" <<EOF
[store]
path = store.db
[log]
level = info
[fetch]
concurrency = ${PW_CONCURRENCY:-8}
per_host = ${PW_PER_HOST:-4}
connect_timeout = ${PW_CONNECT_TIMEOUT:-10s}
timeout = ${PW_TIMEOUT:-15s}
low_speed_time = ${PW_LOW_SPEED_TIME:-10s}
low_speed_limit = ${PW_LOW_SPEED_LIMIT:-1}
max_body = ${PW_MAX_BODY:-256K}
max_redirects = 3
user_agent_contact = http://127.0.0.1/presswatch-tests
[poll]
interval = ${PW_INTERVAL:-1s}
min_interval = 1s
max_interval = 60s
max_backoff = ${PW_MAX_BACKOFF:-30s}
jitter = 0
[articles]
fetch = ${PW_FETCH_ARTICLES:-no}
skip_if_content = ${PW_SKIP_IF_CONTENT:-1500}
retries = ${PW_ARTICLE_RETRIES:-3}
[include]
feeds = feeds.conf
${1:-}
$_alerts
EOF
	[ -f "$T/feeds.conf" ] || : >"$T/feeds.conf"
	[ -f "$T/topics.conf" ] || : >"$T/topics.conf"
}

# add_feed NAME URL [EXTRA-LINES]
add_feed() {
	printf '[%s]\nurl = %s\n%s\n\n' "$1" "$2" "${3:-}" >>"$T/feeds.conf"
}

# start_daemon [ARGS...] -- presswatchd -f in the background, log in $T/daemon.log
start_daemon() {
	"$PRESSWATCHD" -f -c "$T/presswatch.conf" "$@" >>"$T/daemon.log" 2>&1 &
	DAEMON_PID=$!
	PIDS="$PIDS $DAEMON_PID"
}

# stop_daemon [SIGNAL] -- sends SIGNAL (TERM), waits, sets DAEMON_STATUS.  (An un-waited
# child keeps its PID even after it exits, so signalling DAEMON_PID before the wait is safe.)
stop_daemon() {
	kill -"${1:-TERM}" "$DAEMON_PID" 2>/dev/null
	DAEMON_STATUS=0
	wait "$DAEMON_PID" || DAEMON_STATUS=$?
	forget "$DAEMON_PID"
}

# sql QUERY -- one query on the store.  The daemon writes while tests read: a busy store is
# waited for (10 s), never read as an empty answer.
sql() { sqlite3 -batch -noheader -cmd ".timeout 10000" "$T/store.db" "$1" 2>/dev/null; }

# requests PATH -- how many requests for exactly PATH (with query) the server logged
requests() { awk -F'\t' -v p="$1" '$3 == p' "$T/server.log" | wc -l | tr -d ' '; }
# statuses PATH -- the logged statuses for PATH, space-separated
statuses() { awk -F'\t' -v p="$1" '$3 == p { printf "%s ", $6 }' "$T/server.log" | sed 's/ $//'; }
# req_times PATH -- the logged request times for PATH, one per line
req_times() { awk -F'\t' -v p="$1" '$3 == p { print $1 }' "$T/server.log"; }

# control JSON -- replace the server's misbehaviour rules (atomically)
control() { printf '%s\n' "$1" >"$T/control.json.tmp" && mv "$T/control.json.tmp" "$T/control.json"; }

# lock_store -- a helper process takes the store's write lock (BEGIN IMMEDIATE), says so in
# $T/locked, and holds it until $T/release exists (at most 120 s); then it rolls back.
lock_store() {
	rm -f "$T/locked" "$T/release"
	python3 -c '
import os, sqlite3, sys, time
db, flag, release = sys.argv[1], sys.argv[2], sys.argv[3]
c = sqlite3.connect(db, timeout=30, isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(flag, "w").write("locked\n")
end = time.time() + 120
while not os.path.exists(release) and time.time() < end:
    time.sleep(0.05)
c.execute("ROLLBACK")
c.close()
' "$T/store.db" "$T/locked" "$T/release" 2>"$T/locker.err" &
	LOCKER=$!
	PIDS="$PIDS $LOCKER"
	wait_for 30 test -s "$T/locked" || { echo "Bail out! could not lock the store: $(cat "$T/locker.err")"; exit 1; }
}
unlock_store() {
	: >"$T/release"
	wait "$LOCKER"
	forget "$LOCKER"
}
