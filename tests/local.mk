# Test harness: every test speaks TAP (tests/unit/tap.h for C, tests/tap.sh for shell).
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
TEST_EXTENSIONS = .sh .py
SH_LOG_DRIVER = $(LOG_DRIVER)
PY_LOG_DRIVER = $(LOG_DRIVER)
SH_LOG_COMPILER = $(SHELL)
PY_LOG_COMPILER = $(PYTHON3)
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; top_builddir='$(abs_top_builddir)'; \
	PW_SHARED='$(abs_top_srcdir)/../shared'; \
	export top_srcdir top_builddir PW_SHARED;
UNIT_LDADD = feeds/libpresswatch.a $(PW_DEP_LIBS)
UNIT_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS) -I$(top_srcdir)/tests/unit
EXTRA_DIST += tests/unit/tap.h tests/tap.sh
check_PROGRAMS += tests/unit/test_buf
tests_unit_test_buf_SOURCES = tests/unit/test_buf.c
tests_unit_test_buf_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_buf_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_buf
check_PROGRAMS += tests/unit/test_datespec
tests_unit_test_datespec_SOURCES = tests/unit/test_datespec.c
tests_unit_test_datespec_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/cli
tests_unit_test_datespec_LDADD = cli/libpwcli.a $(UNIT_LDADD)
TESTS += tests/unit/test_datespec
check_PROGRAMS += tests/unit/test_output
tests_unit_test_output_SOURCES = tests/unit/test_output.c
tests_unit_test_output_CFLAGS = $(UNIT_CFLAGS) -I$(top_srcdir)/cli
tests_unit_test_output_LDADD = cli/libpwcli.a $(UNIT_LDADD)
TESTS += tests/unit/test_output
EXTRA_DIST += tests/fixtures/dedup
check_PROGRAMS += tests/unit/test_shingle
tests_unit_test_shingle_SOURCES = tests/unit/test_shingle.c tests/unit/dedup_corpus.c tests/unit/dedup_corpus.h
tests_unit_test_shingle_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_shingle_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_shingle
check_PROGRAMS += tests/unit/test_story
tests_unit_test_story_SOURCES = tests/unit/test_story.c tests/unit/dedup_corpus.c tests/unit/dedup_corpus.h
tests_unit_test_story_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_story_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_story
check_PROGRAMS += tests/unit/test_text
tests_unit_test_text_SOURCES = tests/unit/test_text.c
tests_unit_test_text_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_text_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test_text
TESTS += tests/cli/similar.sh
EXTRA_DIST += tests/cli/similar.sh
