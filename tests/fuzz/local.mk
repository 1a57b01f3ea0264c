# libFuzzer targets (configure --enable-fuzzing, CC=clang); never part of make check.
EXTRA_DIST += tests/fuzz/fuzz_extract.c
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_extract
tests_fuzz_fuzz_extract_SOURCES = tests/fuzz/fuzz_extract.c
tests_fuzz_fuzz_extract_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
tests_fuzz_fuzz_extract_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_extract_LDADD = feeds/libpresswatch.a $(PW_DEP_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz_feed.c
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_feed
tests_fuzz_fuzz_feed_SOURCES = tests/fuzz/fuzz_feed.c
tests_fuzz_fuzz_feed_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
tests_fuzz_fuzz_feed_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_feed_LDADD = feeds/libpresswatch.a $(PW_DEP_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz_tag.c
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_tag
tests_fuzz_fuzz_tag_SOURCES = tests/fuzz/fuzz_tag.c
tests_fuzz_fuzz_tag_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
tests_fuzz_fuzz_tag_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_tag_LDADD = feeds/libpresswatch.a $(PW_DEP_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz_config.c
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_config
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c
tests_fuzz_fuzz_config_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
tests_fuzz_fuzz_config_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_config_LDADD = feeds/libpresswatch.a $(PW_DEP_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz_date.c
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_date
tests_fuzz_fuzz_date_SOURCES = tests/fuzz/fuzz_date.c
tests_fuzz_fuzz_date_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
tests_fuzz_fuzz_date_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_date_LDADD = feeds/libpresswatch.a $(PW_DEP_LIBS)
endif
EXTRA_DIST += tests/fuzz/fuzz_url.c
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz_url
tests_fuzz_fuzz_url_SOURCES = tests/fuzz/fuzz_url.c
tests_fuzz_fuzz_url_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
tests_fuzz_fuzz_url_LDFLAGS = -fsanitize=fuzzer
tests_fuzz_fuzz_url_LDADD = feeds/libpresswatch.a $(PW_DEP_LIBS)
endif
# make fuzz-smoke: every target for FUZZ_SECONDS on its seed corpus (fixtures); fails on any finding.
EXTRA_DIST += tests/fuzz/smoke.sh
EXTRA_DIST += tests/fuzz/corpus
FUZZ_SECONDS = 60
fuzz-smoke: all
	$(SHELL) $(srcdir)/tests/fuzz/smoke.sh $(abs_builddir) $(abs_srcdir) $(FUZZ_SECONDS)
.PHONY: fuzz-smoke
