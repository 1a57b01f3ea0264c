# libpresswatch: the pure pipeline stages (no network, no event loop).
noinst_LIBRARIES += feeds/libpresswatch.a
feeds_libpresswatch_a_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
feeds_libpresswatch_a_SOURCES =
feeds_libpresswatch_a_SOURCES += feeds/log.c feeds/log.h
feeds_libpresswatch_a_SOURCES += feeds/xmalloc.c feeds/xmalloc.h
feeds_libpresswatch_a_SOURCES += feeds/buf.c feeds/buf.h
feeds_libpresswatch_a_SOURCES += feeds/json.c feeds/json.h
feeds_libpresswatch_a_SOURCES += feeds/common.h
feeds_libpresswatch_a_SOURCES += feeds/date.c feeds/date.h
feeds_libpresswatch_a_SOURCES += feeds/url.c feeds/url.h
feeds_libpresswatch_a_SOURCES += feeds/charset.c feeds/charset.h
feeds_libpresswatch_a_SOURCES += feeds/sha1.c feeds/sha1.h
feeds_libpresswatch_a_SOURCES += feeds/feed_text.c feeds/feed_text.h
feeds_libpresswatch_a_SOURCES += feeds/feed_parse.c feeds/feed_parse.h
