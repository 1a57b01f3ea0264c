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
	bench/bench_dedup $(top_srcdir)/tests/fixtures/dedup/articles/*.txt
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
