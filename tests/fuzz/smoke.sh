#!/bin/sh
# smoke.sh BUILDDIR SRCDIR SECONDS [TARGET...] -- `make fuzz-smoke`: run each libFuzzer target
# for SECONDS on a scratch copy of its seed corpus (the fixtures stay untouched) and fail on any
# crash, leak, timeout, OOM or sanitizer report.  Prints one PASS:/FAIL: line per target with
# its execution count, then automake-style "# PASS: N" / "# FAIL: N" totals (scripts/check sums
# those).  A finding is kept as BUILDDIR/tests/fuzz/findings/<target>-crash-*; copy it into
# the target's corpus (tests/fuzz/corpus/<target>/) once fixed.
set -u
b=$1 s=$2 secs=$3
shift 3
[ $# -gt 0 ] || set -- fuzz_feed fuzz_extract fuzz_config fuzz_date fuzz_url fuzz_tag

# seeds TARGET -- the seed corpus directories (fixtures) and max_len of each target
seeds() {
	case $1 in
	fuzz_feed) echo "65536 $s/tests/fixtures/feeds $s/tests/fixtures/daemon $s/tests/fuzz/corpus/fuzz_feed" ;;
	fuzz_extract) echo "65536 $s/tests/fixtures/pages $s/tests/fixtures/articles $s/tests/fuzz/corpus/fuzz_extract" ;;
	fuzz_config) echo "4096 $s/tests/fixtures/config $s/tests/fuzz/corpus/fuzz_config" ;;
	fuzz_date) echo "256 $s/tests/fuzz/corpus/date" ;;
	fuzz_url) echo "1024 $s/tests/fuzz/corpus/url" ;;
	fuzz_tag) echo "16384 $s/tests/fixtures/tags $s/tests/fuzz/corpus/fuzz_tag" ;;
	*) echo "" ;;
	esac
}

pass=0 fail=0
out="$b/tests/fuzz/findings"
mkdir -p "$out"
for t in "$@"; do
	exe="$b/tests/fuzz/$t"
	set -- $(seeds "$t")
	if [ ! -x "$exe" ] || [ $# -eq 0 ]; then
		echo "FAIL: $t (not built: configure with CC=clang --enable-fuzzing)"; fail=$((fail + 1)); continue
	fi
	maxlen=$1; shift
	dirs=""
	for d in "$@"; do [ -d "$d" ] && dirs="$dirs $d"; done
	work=$(mktemp -d "${TMPDIR:-/tmp}/pw-fuzz.XXXXXX")
	# -timeout: one input taking 10 s is a hang; -rss_limit_mb: memory must stay bounded
	"$exe" -max_total_time="$secs" -max_len="$maxlen" -timeout=10 -rss_limit_mb=1024 \
		-print_final_stats=1 -artifact_prefix="$out/$t-" "$work" $dirs >"$out/$t.log" 2>&1
	rc=$?
	rm -rf "$work"
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -1)
	if [ $rc -eq 0 ] && ! grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$out/$t.log"; then
		echo "PASS: $t (${execs:-?} executions in $secs s)"; pass=$((pass + 1))
	else
		echo "FAIL: $t (exit $rc after ${execs:-?} executions; log $out/$t.log)"
		grep -E 'ERROR:|runtime error:|SUMMARY:|Test unit written' "$out/$t.log" | head -5 | sed 's/^/#   /'
		fail=$((fail + 1))
	fi
done
echo "# PASS: $pass"
echo "# FAIL: $fail"
[ $fail -eq 0 ]
