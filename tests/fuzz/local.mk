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
