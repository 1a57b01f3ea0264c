#!/bin/sh
# presswatch similar: verdicts on labelled fixture pairs, JSON output, and errors.
. "$top_srcdir/tests/tap.sh"
pw="$top_builddir/cli/presswatch"
fx="$top_srcdir/tests/fixtures/dedup/articles"

out=$("$pw" similar "$fx/e3-rep.txt" "$fx/e3-rep-copy.txt")
ok $? "similar runs on two files"
case $out in *"near-duplicate (>= 0.80):            yes"*) r=0 ;; *) r=1 ;; esac
ok $r "copy with a new headline is a near-duplicate"
case $out in *"same story (>= "*"yes"*) r=0 ;; *) r=1 ;; esac
ok $r "and the same story"
case $out in *"Jaccard, exact (4-token shingles):   1.000"*) r=0 ;; *) r=1 ;; esac
ok $r "exact Jaccard of identical bodies is 1"

out=$("$pw" similar "$fx/e2-civ.txt" "$fx/e2-civ-reorder-heavy.txt")
case $out in *"exact (4-token shingles):   0.806"*"estimated (MinHash 128):     0.789"*"near-duplicate (>= 0.80):            yes"*) r=0 ;; *) r=1 ;; esac
ok $r "an estimate near the threshold (0.789) is decided on the exact Jaccard (0.806): near-duplicate"

out=$("$pw" similar --background "$fx" "$fx/e1-ocm.txt" "$fx/e1-azn.txt")
case $out in *"near-duplicate (>= 0.80):            no"*"same story"*"yes"*) r=0 ;; *) r=1 ;; esac
ok $r "rewrite by another outlet: not a duplicate, same story (IDF from the fixtures)"
case $out in *"IDF from 44 background documents"*) r=0 ;; *) r=1 ;; esac
ok $r "background documents counted"

out=$("$pw" similar --json --background "$fx" "$fx/e1-ocm.txt" "$fx/e1-ijevan.txt")
case $out in *'"near_duplicate":false'*'"same_story":false'*) r=0 ;; *) r=1; echo "# $out" ;; esac
ok $r "different event, same topic: neither (JSON)"

out=$("$pw" similar --json "$fx/short-baku.txt" "$fx/short-ganja.txt")
case $out in *'"near_duplicate":false'*'"too_short":true'*) r=0 ;; *) r=1; echo "# $out" ;; esac
ok $r "short items are never near-duplicates by shingles"

"$pw" similar "$fx/e1-ocm.txt" >/dev/null 2>&1
is $? 2 "one file is a usage error (exit 2)"
err=$("$pw" similar "$fx/e1-ocm.txt" "$fx/does-not-exist.txt" 2>&1 >/dev/null)
is $? 1 "missing file exits 1"
case $err in *"does-not-exist.txt: cannot open"*) r=0 ;; *) r=1 ;; esac
ok $r "and names the file"
"$pw" similar --same-story 2 "$fx/e1-ocm.txt" "$fx/e1-azn.txt" >/dev/null 2>&1
is $? 2 "threshold out of range is a usage error"
done_testing
