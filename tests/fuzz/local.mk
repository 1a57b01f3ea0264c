# libFuzzer targets (configure --enable-fuzzing, CC=clang); never part of make check.
# One conditional only: target lines below are independent so git's union merge (see
# .gitattributes) cannot break an if/endif pairing.
PW_FUZZ_CCFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
PW_FUZZ_LINK = -fsanitize=fuzzer
PW_FUZZ_LIBS = feeds/libpresswatch.a $(PW_DEP_LIBS)
FUZZ_TARGETS =
if FUZZING
noinst_PROGRAMS += $(FUZZ_TARGETS)
endif
EXTRA_DIST += tests/fuzz/fuzz_extract.c
FUZZ_TARGETS += tests/fuzz/fuzz_extract
tests_fuzz_fuzz_extract_SOURCES = tests/fuzz/fuzz_extract.c
tests_fuzz_fuzz_extract_CFLAGS = $(PW_FUZZ_CCFLAGS)
tests_fuzz_fuzz_extract_LDFLAGS = $(PW_FUZZ_LINK)
tests_fuzz_fuzz_extract_LDADD = $(PW_FUZZ_LIBS)
EXTRA_DIST += tests/fuzz/fuzz_feed.c
FUZZ_TARGETS += tests/fuzz/fuzz_feed
tests_fuzz_fuzz_feed_SOURCES = tests/fuzz/fuzz_feed.c
tests_fuzz_fuzz_feed_CFLAGS = $(PW_FUZZ_CCFLAGS)
tests_fuzz_fuzz_feed_LDFLAGS = $(PW_FUZZ_LINK)
tests_fuzz_fuzz_feed_LDADD = $(PW_FUZZ_LIBS)
EXTRA_DIST += tests/fuzz/fuzz_tag.c
FUZZ_TARGETS += tests/fuzz/fuzz_tag
tests_fuzz_fuzz_tag_SOURCES = tests/fuzz/fuzz_tag.c
tests_fuzz_fuzz_tag_CFLAGS = $(PW_FUZZ_CCFLAGS)
tests_fuzz_fuzz_tag_LDFLAGS = $(PW_FUZZ_LINK)
tests_fuzz_fuzz_tag_LDADD = $(PW_FUZZ_LIBS)
EXTRA_DIST += tests/fuzz/fuzz_config.c
FUZZ_TARGETS += tests/fuzz/fuzz_config
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c
tests_fuzz_fuzz_config_CFLAGS = $(PW_FUZZ_CCFLAGS)
tests_fuzz_fuzz_config_LDFLAGS = $(PW_FUZZ_LINK)
tests_fuzz_fuzz_config_LDADD = $(PW_FUZZ_LIBS)
EXTRA_DIST += tests/fuzz/fuzz_date.c
FUZZ_TARGETS += tests/fuzz/fuzz_date
tests_fuzz_fuzz_date_SOURCES = tests/fuzz/fuzz_date.c
tests_fuzz_fuzz_date_CFLAGS = $(PW_FUZZ_CCFLAGS)
tests_fuzz_fuzz_date_LDFLAGS = $(PW_FUZZ_LINK)
tests_fuzz_fuzz_date_LDADD = $(PW_FUZZ_LIBS)
EXTRA_DIST += tests/fuzz/fuzz_url.c
FUZZ_TARGETS += tests/fuzz/fuzz_url
tests_fuzz_fuzz_url_SOURCES = tests/fuzz/fuzz_url.c
tests_fuzz_fuzz_url_CFLAGS = $(PW_FUZZ_CCFLAGS)
tests_fuzz_fuzz_url_LDFLAGS = $(PW_FUZZ_LINK)
tests_fuzz_fuzz_url_LDADD = $(PW_FUZZ_LIBS)
# make fuzz-smoke: every target for FUZZ_SECONDS on its seed corpus (fixtures); fails on any
# finding (tests/fuzz/smoke.sh).  Only meaningful in a CC=clang --enable-fuzzing build.
EXTRA_DIST += tests/fuzz/smoke.sh
EXTRA_DIST += tests/fuzz/corpus
FUZZ_SECONDS = 60
fuzz-smoke: all
	$(SHELL) $(srcdir)/tests/fuzz/smoke.sh $(abs_builddir) $(abs_srcdir) $(FUZZ_SECONDS)
.PHONY: fuzz-smoke
