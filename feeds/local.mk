# libpresswatch: the pure pipeline stages (no network, no event loop).
noinst_LIBRARIES += feeds/libpresswatch.a
feeds_libpresswatch_a_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
feeds_libpresswatch_a_SOURCES =
feeds_libpresswatch_a_SOURCES += feeds/log.c feeds/log.h
feeds_libpresswatch_a_SOURCES += feeds/xmalloc.c feeds/xmalloc.h
feeds_libpresswatch_a_SOURCES += feeds/buf.c feeds/buf.h
feeds_libpresswatch_a_SOURCES += feeds/json.c feeds/json.h
feeds_libpresswatch_a_SOURCES += feeds/common.h
feeds_libpresswatch_a_SOURCES += feeds/text.c feeds/text.h
feeds_libpresswatch_a_SOURCES += feeds/shingle.c feeds/shingle.h
feeds_libpresswatch_a_SOURCES += feeds/story.c feeds/story.h
feeds_libpresswatch_a_SOURCES += feeds/html_extract.h
