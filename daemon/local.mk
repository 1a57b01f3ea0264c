# presswatchd: libevent loop, curl-multi fetcher, scheduler, pipeline.
sbin_PROGRAMS += daemon/presswatchd
daemon_presswatchd_CFLAGS = $(AM_CFLAGS) $(PW_DEP_CFLAGS)
daemon_presswatchd_LDADD = feeds/libpresswatch.a $(PW_DEP_LIBS) $(CURL_LIBS) $(EVENT_LIBS) $(SYSTEMD_LIBS)
daemon_presswatchd_SOURCES =
daemon_presswatchd_SOURCES += daemon/presswatchd.c
daemon_presswatchd_SOURCES += daemon/fetch.c daemon/fetch.h
daemon_presswatchd_SOURCES += daemon/sched_calc.c daemon/sched_calc.h
daemon_presswatchd_SOURCES += daemon/scheduler.c daemon/scheduler.h
daemon_presswatchd_SOURCES += daemon/pipeline.c daemon/pipeline.h
dist_noinst_SCRIPTS += scripts/demo
EXTRA_DIST += etc/demo/site
daemon_presswatchd_SOURCES += daemon/alert.c daemon/alert.h
daemon_presswatchd_SOURCES += daemon/daemonize.c daemon/daemonize.h
daemon_presswatchd_SOURCES += daemon/article.c daemon/article.h
daemon_presswatchd_SOURCES += daemon/batch.c daemon/batch.h
daemon_presswatchd_SOURCES += daemon/workq.c daemon/workq.h
daemon_presswatchd_SOURCES += daemon/item_finish.c daemon/item_finish.h
