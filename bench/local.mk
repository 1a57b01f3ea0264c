# Benchmarks: built and run by `make bench` only (never by make check).
EXTRA_PROGRAMS += bench/bench_extract
bench_bench_extract_SOURCES = bench/bench_extract.c
bench_bench_extract_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
bench_bench_extract_LDADD = feeds/libpresswatch.a $(PW_DEP_LIBS)
CLEANFILES += bench/bench_extract$(EXEEXT)
.PHONY: bench bench-extract
bench: bench-extract
bench-extract: bench/bench_extract$(EXEEXT)
	@corpus='$(abs_top_srcdir)/../shared/corpora/readability'; \
	bench/bench_extract $(top_srcdir)/tests/fixtures/pages/*.html; \
	if test -d "$$corpus"; then echo "Readability corpus:"; bench/bench_extract -t 5 "$$corpus"/*/source.html; \
	else echo "bench-extract: $$corpus not found, corpus run skipped"; fi
EXTRA_PROGRAMS += bench/bench_parse
bench_bench_parse_SOURCES = bench/bench_parse.c
bench_bench_parse_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
bench_bench_parse_LDADD = feeds/libpresswatch.a $(PW_DEP_LIBS)
CLEANFILES += bench/bench_parse$(EXEEXT)
dist_noinst_SCRIPTS += bench/run
dist_noinst_SCRIPTS += bench/gen_corpus.py
dist_noinst_SCRIPTS += bench/feedparser_bench.py
EXTRA_DIST += bench/readability/package.json
EXTRA_DIST += bench/readability/package-lock.json
EXTRA_DIST += bench/readability/readability_bench.js
EXTRA_DIST += bench/results.json
EXTRA_DIST += bench/results.txt
# BENCH_ARGS passes options to bench/run, e.g. make bench BENCH_ARGS='--feeds 1000 --runs 5'
.PHONY: bench-run
bench: bench-run
bench-run: bench-extract bench-store bench-dedup bench-tag bench/bench_parse$(EXEEXT) daemon/presswatchd$(EXEEXT)
	@test -x bench/bench_extract$(EXEEXT) || $(MAKE) $(AM_MAKEFLAGS) bench/bench_extract$(EXEEXT)
	python3 $(abs_top_srcdir)/bench/run --build $(abs_top_builddir) --src $(abs_top_srcdir) $(BENCH_ARGS)
EXTRA_PROGRAMS += bench/bench_store
bench_bench_store_SOURCES = bench/bench_store.c
bench_bench_store_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
bench_bench_store_LDADD = feeds/libpresswatch.a $(PW_DEP_LIBS)
CLEANFILES += bench/bench_store$(EXEEXT)
.PHONY: bench-store
bench: bench-store
bench-store: bench/bench_store$(EXEEXT)
	bench/bench_store
EXTRA_PROGRAMS += bench/bench_dedup
bench_bench_dedup_SOURCES = bench/bench_dedup.c
bench_bench_dedup_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
bench_bench_dedup_LDADD = feeds/libpresswatch.a $(PW_DEP_LIBS)
CLEANFILES += bench/bench_dedup$(EXEEXT)
.PHONY: bench-dedup
bench: bench-dedup
bench-dedup: bench/bench_dedup$(EXEEXT)
	bench/bench_dedup -s "$${TMPDIR:-/tmp}" -c 256 $(top_srcdir)/tests/fixtures/dedup/articles/*.txt
EXTRA_PROGRAMS += bench/bench_tag
bench_bench_tag_SOURCES = bench/bench_tag.c
bench_bench_tag_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
bench_bench_tag_LDADD = feeds/libpresswatch.a $(PW_DEP_LIBS)
CLEANFILES += bench/bench_tag$(EXEEXT)
.PHONY: bench-tag
bench: bench-tag
bench-tag: bench/bench_tag$(EXEEXT)
	@seeds='$(abs_top_srcdir)/../shared/seeds'; \
	files='$(top_srcdir)/tests/fixtures/tags/'*.txt; \
	if test -d "$$seeds"; then files="$$files $$seeds/"0*.txt; else echo "bench-tag: $$seeds not found, seeds skipped"; fi; \
	bench/bench_tag $(top_srcdir)/etc/presswatch.conf $$files
bench_bench_extract_SOURCES += bench/bench_util.c bench/bench_util.h
bench_bench_parse_SOURCES += bench/bench_util.c bench/bench_util.h
bench_bench_store_SOURCES += bench/bench_util.c bench/bench_util.h
bench_bench_dedup_SOURCES += bench/bench_util.c bench/bench_util.h
bench_bench_tag_SOURCES += bench/bench_util.c bench/bench_util.h
EXTRA_PROGRAMS += bench/bench_prune
bench_bench_prune_SOURCES = bench/bench_prune.c bench/bench_util.c bench/bench_util.h
bench_bench_prune_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
bench_bench_prune_LDADD = feeds/libpresswatch.a $(PW_DEP_LIBS)
CLEANFILES += bench/bench_prune$(EXEEXT)
.PHONY: bench-prune
bench: bench-prune
bench-prune: bench/bench_prune$(EXEEXT)
	bench/bench_prune "$${TMPDIR:-/tmp}"
