# libpresswatch: the pure pipeline stages (no network, no event loop).
noinst_LIBRARIES += feeds/libpresswatch.a
feeds_libpresswatch_a_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
feeds_libpresswatch_a_SOURCES =
feeds_libpresswatch_a_SOURCES += feeds/log.c feeds/log.h
feeds_libpresswatch_a_SOURCES += feeds/xmalloc.c feeds/xmalloc.h
feeds_libpresswatch_a_SOURCES += feeds/buf.c feeds/buf.h
feeds_libpresswatch_a_SOURCES += feeds/json.c feeds/json.h
feeds_libpresswatch_a_SOURCES += feeds/common.h
feeds_libpresswatch_a_SOURCES += feeds/html_extract.h
feeds_libpresswatch_a_SOURCES += feeds/tag.c feeds/tag.h
feeds_libpresswatch_a_SOURCES += feeds/html_extract.c feeds/html_extract_int.h
feeds_libpresswatch_a_SOURCES += feeds/html_content.c
feeds_libpresswatch_a_SOURCES += feeds/html_meta.c
feeds_libpresswatch_a_SOURCES += feeds/config.c feeds/config.h
feeds_libpresswatch_a_SOURCES += feeds/ini.c
feeds_libpresswatch_a_SOURCES += feeds/store.c feeds/store.h feeds/store_int.h
