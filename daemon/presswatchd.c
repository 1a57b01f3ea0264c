/*
 * presswatchd.c -- the presswatch daemon: options, config, store, signals, sd_notify, and the
 * one libevent loop that drives the scheduler's timers and the fetcher's sockets.
 *
 * Lifecycle (DESIGN.md):
 *   SIGTERM/SIGINT  stop scheduling, give in-flight transfers SHUTDOWN_GRACE_S, cancel what is
 *                   left (a poll writes nothing until it is whole), commit the open batch
 *                   (batch.h: what was finished is kept), close the store, exit 0.  A second
 *                   signal cancels at once.
 *   SIGHUP          reload presswatch.conf with its feed lists and topics; unchanged feeds keep
 *                   their state and timers; a config with errors is refused and the old one
 *                   stays.  Logs are reopened.
 *   systemd         READY=1 once the store is open and the feeds are scheduled, STATUS= after
 *                   polls and commits, and every second while article pages are in progress
 *                   (at most once a second), WATCHDOG=1 every WATCHDOG_USEC/2, STOPPING=1 on
 *                   shutdown.
 *   locked store    another connection holds the write lock: the loop waits at most
 *                   PW_STORE_LOOP_BUSY_MS in SQLite, the batch keeps what is to be written and
 *                   retries (batch.h); STATUS= says so; a SIGHUP's feed sync waits for the lock
 *                   (retried from RELOAD_RETRY_MS, doubling to 5 s); shutdown waits up to STORE_LOCK_GRACE_S for
 *                   it, then exits without what was not committed (fetched again next start:
 *                   the feeds' state was not committed either).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "alert.h"
#include "article.h"
#include "batch.h"
#include "retention.h"
#include "config.h"
#include "daemonize.h"
#include "fetch.h"
#include "log.h"
#include "pipeline.h"
#include "scheduler.h"
#include "store.h"
#include "store_wait.h"
#include "xmalloc.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define SHUTDOWN_GRACE_S 5
/* Shutdown while the store is locked: how long the last batch waits for the lock. */
#define STORE_LOCK_GRACE_S 10
/* A SIGHUP whose feed sync found the store locked is tried again this long after, the wait
 * doubling up to RELOAD_RETRY_MAX_MS (each attempt reads the configuration again). */
#define RELOAD_RETRY_MS 250
#define RELOAD_RETRY_MAX_MS 5000

struct daemon {
	struct event_base *base;
	char *config_path;
	struct pw_config *cfg;
	struct pw_store *store;
	struct pw_batch *batch;     /* the one write transaction on store (group commit) */
	struct pw_retention *retention; /* [store] keep: pruning old items (not with --once) */
	struct pw_fetcher *fetcher;
	struct pw_pipeline *pipeline;
	struct pw_alerter *alerter;
	struct pw_articles *articles;
	struct pw_scheduler *sched;
	struct event *ev_term, *ev_int, *ev_hup, *ev_grace, *ev_watchdog, *ev_reap;
	struct event *ev_status;    /* STATUS= rate limit: pending for a second after each one */
	struct event *ev_lockgrace; /* shutdown: the wait for a locked store is over */
	struct event *ev_reload;    /* a reload waiting for the store's lock */
	int reload_waiting;         /* a SIGHUP whose feed sync waits for the lock */
	int reload_delay_ms;        /* the wait before its next attempt */
	int status_due;             /* a poll ended while ev_status was pending */
	int status_busy;            /* the last STATUS= had article pages in progress */
	int foreground, daemonize, once, verbose, stopping;
	int sched_idle;             /* the scheduler said it has nothing left (once / stopping) */
	char *pidfile;              /* absolute (-d changes to /); written by daemonize.c */
	int starting;               /* -d: detached, but the starting process still waits */
	uint64_t watchdog_usec;
};

static void notify(const char *state)
{
#ifdef HAVE_LIBSYSTEMD
	sd_notify(0, state);
#else
	(void)state;
#endif
}

static void notify_status(struct daemon *d)
{
#ifdef HAVE_LIBSYSTEMD
	struct pw_sched_stats st;
	pw_scheduler_stats(d->sched, &st);
	struct pw_articles_stats as;
	memset(&as, 0, sizeof as);
	if (d->articles)
		pw_articles_stats(d->articles, &as);
	d->status_busy = as.queued + as.running + as.extracting > 0;
	size_t items = 0, units = 0;
	int64_t locked_ms = 0;
	char lock[160] = "";
	if (d->batch && pw_batch_lock_status(d->batch, &items, &units, &locked_ms))
		snprintf(lock, sizeof lock, "; store locked by another connection for %" PRId64 "s, %zu items waiting",
			 locked_ms / 1000, items);
	sd_notifyf(0, "STATUS=%zu feeds (%zu enabled, %zu failing), %" PRId64 " new items stored, %zu polls in flight; "
		   "article pages: %zu queued, %zu fetching, %zu extracting; %" PRId64 " extracted, %" PRId64
		   " reused for another link%s",
		   st.feeds, st.enabled, st.failing, pw_pipeline_items_stored(d->pipeline), st.in_flight,
		   as.queued, as.running, as.extracting, as.ok, as.reused, lock);
#else
	(void)d;
#endif
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: presswatchd [-c FILE] [-f | -d [--pidfile FILE]] [--once] [--check-config] [-v] [-V]\n"
		"  -c, --config FILE   presswatch.conf (default %s/presswatch/presswatch.conf)\n"
		"  -f, --foreground    log to stderr (default: syslog)\n"
		"  -d, --daemonize     detach from the terminal once started (syslog)\n"
		"      --pidfile FILE  write the process ID to FILE (removed at exit)\n"
		"      --once          poll every enabled feed once, wait for the pipeline, exit\n"
		"      --check-config  load the configuration, report every error as FILE:LINE, exit\n"
		"  -v, --verbose       log debug messages too\n"
		"  -V, --version       print the version and exit\n"
		"  -h, --help          this help\n", SYSCONFDIR);
}

/* Loads and reports; NULL after printing every error through pw_log. */
static struct pw_config *load_config(const char *path)
{
	struct pw_errlist errs = { 0 };
	struct pw_config *cfg = pw_config_load(path, &errs);
	for (size_t i = 0; i < errs.n; i++)
		pw_err("%s", errs.msgs[i]);
	if (!cfg && errs.n == 0)
		pw_err("%s: cannot load the configuration", path);
	pw_errlist_free(&errs);
	return cfg;
}

static char *user_agent(const struct pw_config *cfg)
{
	if (cfg->user_agent_contact && *cfg->user_agent_contact)
		return xasprintf("presswatch/%s (+%s)", PACKAGE_VERSION, cfg->user_agent_contact);
	return xasprintf("presswatch/%s", PACKAGE_VERSION);
}

static void fetch_opts(const struct pw_config *cfg, struct pw_fetch_opts *o, char **ua)
{
	*ua = user_agent(cfg);
	o->concurrency = cfg->concurrency;
	o->per_host = cfg->per_host;
	o->connect_timeout_s = cfg->connect_timeout_s;
	o->timeout_s = cfg->timeout_s;
	o->low_speed_time_s = cfg->low_speed_time_s;
	o->low_speed_limit = (long)cfg->low_speed_limit;
	o->max_redirects = cfg->max_redirects;
	o->user_agent = *ua;
}

static void set_logging(struct daemon *d)
{
	if (d->foreground || d->starting)  /* -d: stderr (the terminal) until the daemon runs */
		pw_log_use_stderr();
	else
		pw_log_open_syslog("presswatchd", d->cfg->syslog_facility);  /* (re)opens */
	pw_log_set_level(d->verbose ? LOG_DEBUG : d->cfg->log_level);
}

/* --- signals ------------------------------------------------------------------------------- */

static void on_grace(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	pw_warn("shutdown: grace of %ds is over; cancelling %zu transfers", SHUTDOWN_GRACE_S,
		pw_fetcher_active(d->fetcher));
	pw_fetcher_cancel_all(d->fetcher);
}

static void begin_stop(struct daemon *d, int sig)
{
	if (d->stopping) {
		pw_notice("signal %d again: cancelling in-flight transfers now", sig);
		pw_fetcher_cancel_all(d->fetcher);
		return;
	}
	d->stopping = 1;
	notify("STOPPING=1");
	pw_articles_stop(d->articles);  /* before the cancel: cancelled pages start nothing new */
	pw_scheduler_stop(d->sched);
	pw_fetcher_cancel_queued(d->fetcher);
	size_t n = pw_fetcher_active(d->fetcher);
	pw_notice("signal %d: stopping%s", sig, n ? "" : " (nothing in flight)");
	if (n) {
		pw_info("waiting up to %ds for %zu transfers in flight", SHUTDOWN_GRACE_S, n);
		struct timeval tv = { SHUTDOWN_GRACE_S, 0 };
		evtimer_add(d->ev_grace, &tv);
	}
}

static void on_term(evutil_socket_t sig, short what, void *arg)
{
	begin_stop(arg, (int)sig);
}

/* [store] commit_interval and commit_items (at most 60000 ms and 100000 items: config.c). */
static void batch_config(struct pw_batch *b, const struct pw_config *cfg)
{
	pw_batch_set_window_ms(b, (int)cfg->commit_interval_ms);
	pw_batch_set_max_items(b, cfg->commit_items);
}

/* [store] cache_size (1M..2G: config.c); a failure is logged by the store and costs only speed. */
static void store_config(struct pw_store *s, const struct pw_config *cfg)
{
	if (pw_store_set_cache_size(s, cfg->cache_size) == 0 && cfg->cache_size != PW_STORE_CACHE_DEFAULT)
		pw_info("store: cache_size %zu KiB", cfg->cache_size / 1024);
}

/* The store is locked: the reload (its feed sync is a write) is tried again later. */
static void reload_wait(struct daemon *d)
{
	if (!d->reload_waiting) {
		pw_notice("reload: the store is locked by another connection; the reload is applied once it is "
			  "released");
		d->reload_delay_ms = RELOAD_RETRY_MS;
	} else if ((d->reload_delay_ms *= 2) > RELOAD_RETRY_MAX_MS)
		d->reload_delay_ms = RELOAD_RETRY_MAX_MS;
	d->reload_waiting = 1;
	/* units waiting in the batch: its unlock hook reloads; else nothing tells us, so poll */
	if (!pw_batch_locked(d->batch)) {
		struct timeval tv = { d->reload_delay_ms / 1000, (d->reload_delay_ms % 1000) * 1000 };
		evtimer_add(d->ev_reload, &tv);
	}
	notify("READY=1");
}

static void reload(struct daemon *d)
{
	char err[512];
	if (!d->reload_waiting)
		pw_notice("SIGHUP: reloading %s", d->config_path);
	notify("RELOADING=1");
	/* what was done under the running config is committed (and alerted) under it; the feed
	 * sync below is a transaction of its own */
	if (pw_batch_flush(d->batch) == 1) {
		reload_wait(d);
		return;
	}
	pw_alert_reopen(d->alerter);  /* logrotate: even when the new config is refused */
	struct pw_config *cfg = load_config(d->config_path);
	if (!cfg) {
		pw_err("reload refused: the configuration has errors; keeping the running one");
		notify("READY=1");
		return;
	}
	if (pw_alerter_reload(d->alerter, cfg, err, sizeof err) < 0) {
		pw_err("reload refused: %s; keeping the running configuration", err);
		pw_config_free(cfg);
		notify("READY=1");
		return;
	}
	if (strcmp(cfg->store_path, d->cfg->store_path) != 0)
		pw_warn("reload: [store] path changed to %s; that takes a restart (still using %s)",
			cfg->store_path, pw_store_path(d->store));
	if (pw_scheduler_apply_config(d->sched, cfg) < 0) {
		pw_alerter_reload(d->alerter, d->cfg, err, sizeof err);
		pw_config_free(cfg);
		if (pw_store_busy(d->store)) {
			reload_wait(d);
			return;
		}
		d->reload_waiting = 0;
		pw_err("reload failed: keeping the running configuration");
		notify("READY=1");
		return;
	}
	d->reload_waiting = 0;
	struct pw_config *old = d->cfg;
	d->cfg = cfg;
	batch_config(d->batch, cfg);  /* flushed above: the next transaction has the new ones */
	if (d->retention)
		pw_retention_set_keep(d->retention, cfg->store_keep_s);
	if (cfg->cache_size != old->cache_size)
		store_config(d->store, cfg);
	pw_pipeline_set_config(d->pipeline, cfg);
	pw_articles_set_config(d->articles, cfg);
	char *ua;
	struct pw_fetch_opts fo;
	fetch_opts(cfg, &fo, &ua);
	pw_fetcher_set_opts(d->fetcher, &fo);
	free(ua);
	pw_config_free(old);
	set_logging(d);  /* level may have changed; syslog is reopened */
	struct pw_sched_stats st;
	pw_scheduler_stats(d->sched, &st);
	pw_notice("reloaded: %zu feeds (%zu enabled), %zu topics", st.feeds, st.enabled, cfg->ntopics);
	notify("READY=1");
	notify_status(d);
}

static void on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	if (d->stopping)
		return;
	if (d->reload_waiting)
		pw_notice("SIGHUP: a reload is already waiting for the store's lock");
	reload(d);
}

static void on_reload_retry(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	if (d->reload_waiting && !d->stopping)
		reload(d);
}

static void on_reap(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	pw_alert_reap(d->alerter);
}

#ifdef HAVE_LIBSYSTEMD
static void on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	notify("WATCHDOG=1");
}
#endif

/* The loop ends (--once, or stopping) when the scheduler has no poll left and the article
 * stage has drained: each calls this when it goes idle.  The open batch is committed first:
 * its polls hand their new items to the article stage only then (--once waits for them). */
static void maybe_exit(struct daemon *d)
{
	if (!d->sched_idle || !pw_articles_idle(d->articles))
		return;
	if (pw_batch_flush(d->batch) == 1) {
		/* the store is locked: the batch's unlock calls this again.  --once waits for it;
		 * a shutdown for STORE_LOCK_GRACE_S */
		if (d->stopping && !evtimer_pending(d->ev_lockgrace, NULL)) {
			struct timeval tv = { STORE_LOCK_GRACE_S, 0 };
			pw_notice("shutdown: waiting up to %ds for the store's lock to commit the last batch",
				  STORE_LOCK_GRACE_S);
			evtimer_add(d->ev_lockgrace, &tv);
		}
		return;
	}
	if (pw_articles_idle(d->articles))
		event_base_loopbreak(d->base);
}

static void on_lockgrace(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	pw_batch_abandon(d->batch);
	maybe_exit(d);
}

/* The batch found the store locked (1) or got a commit through again (0). */
static void on_lock(void *arg, int locked)
{
	struct daemon *d = arg;
	notify_status(d);
	if (locked)
		return;
	evtimer_del(d->ev_lockgrace);
	if (d->reload_waiting && !d->stopping)
		reload(d);
	if (!d->stopping)
		pw_articles_resume(d->articles);  /* what it held back while the store was locked */
	maybe_exit(d);
}

/* After a commit with alerts recorded in it: emit them (their rows are committed now). */
static void on_commit(void *arg)
{
	struct daemon *d = arg;
	pw_alert_flush(d->alerter, d->store);
}

static void on_idle(void *arg)
{
	struct daemon *d = arg;
	d->sched_idle = 1;
	maybe_exit(d);
}

static void on_articles_idle(void *arg)
{
	maybe_exit(arg);
}

/*
 * STATUS= after polls, at most once a second: its counts walk every feed
 * (pw_scheduler_stats), which after each of 10,000 polls made a first poll quadratic.  The
 * first poll after a quiet second reports at once; polls ending within the second are reported
 * together when it is over.  While article pages are queued, fetched or extracted, it is sent
 * every second (a page fetch commits nothing until it is over), and once more when they are
 * done.  Nothing stays armed when no poll ends and no page is in progress, so idle stays idle.
 */
static void status_now(struct daemon *d)
{
	static const struct timeval second = { 1, 0 };
	d->status_due = 0;
	notify_status(d);
	evtimer_add(d->ev_status, &second);
}

static void on_status(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	if (d->status_due || d->status_busy)
		status_now(d);
}

static void on_poll(void *arg)
{
	struct daemon *d = arg;
	if (evtimer_pending(d->ev_status, NULL))
		d->status_due = 1;
	else
		status_now(d);
}

/* After each commit: STATUS= (rate-limited like on_poll) with the committed item count, and
 * the article stage's summary line once its burst of work is over and committed. */
static void after_commit(void *arg)
{
	struct daemon *d = arg;
	if (d->articles && pw_articles_idle(d->articles))
		pw_articles_report(d->articles);
	if (d->sched && d->ev_status)
		on_poll(d);
}

/* --- main ---------------------------------------------------------------------------------- */

static int check_config(const char *path)
{
	struct pw_errlist errs = { 0 };
	struct pw_config *cfg = pw_config_load(path, &errs);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msgs[i]);
	pw_errlist_free(&errs);
	if (!cfg) {
		fprintf(stderr, "presswatchd: %s: configuration has errors\n", path);
		return 1;
	}
	size_t enabled = 0;
	for (size_t i = 0; i < cfg->nfeeds; i++)
		enabled += cfg->feeds[i].enabled != 0;
	char terr[512];
	struct pw_tagger *t = pw_tagger_new(cfg->topics, cfg->ntopics, cfg->speakers, cfg->nspeakers,
					    terr, sizeof terr);
	if (!t) {
		fprintf(stderr, "%s\npresswatchd: %s: configuration has errors\n", terr, path);
		pw_config_free(cfg);
		return 1;
	}
	pw_tagger_free(t);
	printf("%s: ok: %zu feeds (%zu enabled), %zu topics, store %s\n", cfg->path, cfg->nfeeds, enabled,
	       cfg->ntopics, cfg->store_path);
	pw_config_free(cfg);
	return 0;
}

static char *with_cwd(const char *path)
{
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		return xstrdup(path);
	return xasprintf("%s/%s", cwd, path);
}

static char *absolute(const char *path)
{
	char buf[PATH_MAX];
	if (realpath(path, buf))
		return xstrdup(buf);
	return xstrdup(path);  /* the loader reports it as missing */
}

static int run(struct daemon *d)
{
	char err[512];
	char *ua;
	struct pw_fetch_opts fo;

	/* --once is for cron and scripts: it never detaches, so its exit status reaches the caller */
	if (d->daemonize && !d->once) {
		int r = pw_daemonize(d->pidfile, err, sizeof err);
		if (r == 1)
			return 0;   /* the starting process: the daemon runs */
		if (r < 0) {
			fprintf(stderr, "presswatchd: %s\n", err);
			return 1;
		}
		d->starting = 1;
	} else if (d->pidfile && pw_pidfile_create(d->pidfile, err, sizeof err) < 0) {
		fprintf(stderr, "presswatchd: %s\n", err);
		return 1;
	}
	set_logging(d);
	d->store = pw_store_open(d->cfg->store_path, PW_STORE_RW, err, sizeof err);
	if (!d->store) {
		pw_err("%s", err);
		return 1;
	}
	store_config(d->store, d->cfg);
	d->base = event_base_new();
	if (!d->base) {
		pw_err("cannot create the event loop");
		return 1;
	}
	fetch_opts(d->cfg, &fo, &ua);
	d->fetcher = pw_fetcher_new(d->base, &fo);
	free(ua);
	if (!d->fetcher)
		return 1;
	d->batch = pw_batch_new(d->base, d->store);
	if (!d->batch)
		return 1;
	pw_batch_set_on_commit(d->batch, on_commit, d);
	pw_batch_set_after_commit(d->batch, after_commit, d);
	pw_batch_set_on_lock(d->batch, on_lock, d);
	batch_config(d->batch, d->cfg);
	if (!d->once) {
		d->retention = pw_retention_new(d->base, d->store, d->batch, d->cfg->store_keep_s);
		if (!d->retention)
			return 1;
	}
	d->pipeline = pw_pipeline_new(d->store, d->batch, d->cfg);
	d->alerter = pw_alerter_new(d->cfg, err, sizeof err);
	if (!d->alerter) {
		pw_err("%s", err);
		return 1;
	}
	pw_pipeline_set_alerter(d->pipeline, d->alerter);
	/* alerts recorded but not written before a crash or restart */
	pw_alert_recover(d->alerter, d->store);
	struct pw_articles_ctx ac = {
		.base = d->base, .store = d->store, .batch = d->batch, .fetcher = d->fetcher, .alerter = d->alerter,
		.once = d->once, .on_idle = on_articles_idle, .arg = d,
	};
	d->articles = pw_articles_new(&ac, d->cfg);
	if (!d->articles)
		return 1;
	pw_pipeline_set_articles(d->pipeline, d->articles);
	/* items whose article was not finished before a restart, and retries now due */
	pw_articles_resume(d->articles);
	struct pw_scheduler_ctx sc = {
		.base = d->base, .store = d->store, .fetcher = d->fetcher, .pipeline = d->pipeline,
		.once = d->once, .on_idle = on_idle, .on_poll = on_poll, .arg = d,
	};
	d->sched = pw_scheduler_new(&sc);

	d->ev_term = evsignal_new(d->base, SIGTERM, on_term, d);
	d->ev_int = evsignal_new(d->base, SIGINT, on_term, d);
	d->ev_hup = evsignal_new(d->base, SIGHUP, on_hup, d);
	d->ev_grace = evtimer_new(d->base, on_grace, d);
	d->ev_reap = event_new(d->base, -1, EV_PERSIST, on_reap, d);  /* alert commands */
	d->ev_status = evtimer_new(d->base, on_status, d);
	d->ev_lockgrace = evtimer_new(d->base, on_lockgrace, d);
	d->ev_reload = evtimer_new(d->base, on_reload_retry, d);
	struct timeval reap_tv = { 1, 0 };
	if (!d->ev_term || !d->ev_int || !d->ev_hup || !d->ev_grace || !d->ev_reap || !d->ev_status ||
	    !d->ev_lockgrace || !d->ev_reload ||
	    evtimer_add(d->ev_reap, &reap_tv) < 0 ||
	    evsignal_add(d->ev_term, NULL) < 0 || evsignal_add(d->ev_int, NULL) < 0 ||
	    evsignal_add(d->ev_hup, NULL) < 0) {
		pw_err("cannot install signal handlers");
		return 1;
	}
	if (pw_scheduler_apply_config(d->sched, d->cfg) < 0) {
		if (pw_store_busy(d->store))
			pw_err("cannot sync the feed list into the store: %s", pw_store_error(d->store));
		return 1;
	}
	/* from now on the loop runs: a locked store is waited for from timers, not in SQLite */
	pw_store_set_busy_wait(d->store, PW_STORE_LOOP_BUSY_MS);

#ifdef HAVE_LIBSYSTEMD
	if (sd_watchdog_enabled(0, &d->watchdog_usec) > 0 && d->watchdog_usec > 0) {
		uint64_t half = d->watchdog_usec / 2;
		struct timeval tv = { (time_t)(half / 1000000), (suseconds_t)(half % 1000000) };
		d->ev_watchdog = event_new(d->base, -1, EV_PERSIST, on_watchdog, d);
		if (d->ev_watchdog)
			evtimer_add(d->ev_watchdog, &tv);
	}
#endif
	struct pw_sched_stats st;
	pw_scheduler_stats(d->sched, &st);
	pw_notice("presswatchd %s started%s: %zu feeds (%zu enabled), store %s", PACKAGE_VERSION,
		  d->once ? " (--once)" : "", st.feeds, st.enabled, pw_store_path(d->store));
	notify("READY=1");
	notify_status(d);
	if (d->starting) {
		if (pw_daemonize_ready() < 0)
			return 1;
		d->starting = 0;
		set_logging(d);  /* syslog from now on */
	}

	if (event_base_dispatch(d->base) < 0) {
		pw_err("event loop failed");
		return 1;
	}
	pw_fetcher_cancel_all(d->fetcher);
	if (pw_batch_flush(d->batch) == 1)
		pw_batch_abandon(d->batch);
	pw_notice("presswatchd stopped: %" PRId64 " new items stored in this run",
		  pw_pipeline_items_stored(d->pipeline));
	return 0;
}

static void teardown(struct daemon *d)
{
	if (d->batch && pw_batch_flush(d->batch) == 1)  /* while the units' owners (scheduler, articles) exist */
		pw_batch_abandon(d->batch);
	if (d->sched && d->fetcher)
		pw_fetcher_cancel_all(d->fetcher);
	pw_scheduler_free(d->sched);
	if (d->fetcher)
		pw_fetcher_cancel_all(d->fetcher);  /* before the article stage goes: on_done uses it */
	pw_articles_free(d->articles);
	pw_fetcher_free(d->fetcher);
	pw_pipeline_free(d->pipeline);
	pw_retention_free(d->retention);  /* borrows the batch */
	pw_batch_free(d->batch);      /* nothing open by now; before the loop that owns its timer */
	pw_alerter_free(d->alerter);
	struct event *evs[] = { d->ev_term, d->ev_int, d->ev_hup, d->ev_grace, d->ev_watchdog, d->ev_reap,
				d->ev_status, d->ev_lockgrace, d->ev_reload };
	for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
		if (evs[i])
			event_free(evs[i]);
	if (d->base)
		event_base_free(d->base);
	if (d->store)
		pw_store_close(d->store);
	pw_config_free(d->cfg);
	free(d->config_path);
	free(d->pidfile);
}

int main(int argc, char **argv)
{
	enum { OPT_CHECK = 256, OPT_ONCE, OPT_PIDFILE };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "daemonize", no_argument, NULL, 'd' },
		{ "pidfile", required_argument, NULL, OPT_PIDFILE },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon d = { 0 };
	const char *config = SYSCONFDIR "/presswatch/presswatch.conf";
	int check = 0, c;

	while ((c = getopt_long(argc, argv, "c:fdvVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'f': d.foreground = 1; break;
		case 'd': d.daemonize = 1; break;
		case OPT_PIDFILE:
			free(d.pidfile);
			d.pidfile = optarg[0] == '/' ? xstrdup(optarg) : with_cwd(optarg);
			break;
		case 'v': d.verbose = 1; break;
		case OPT_CHECK: check = 1; break;
		case OPT_ONCE: d.once = 1; break;
		case 'V':
			printf("presswatchd %s\n", PACKAGE_VERSION);
#ifdef HAVE_LIBSYSTEMD
			printf("features: sd_notify\n");
#else
			printf("features: -\n");
#endif
			return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (d.foreground && d.daemonize) {
		fprintf(stderr, "presswatchd: -f and -d exclude each other\n");
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "presswatchd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	d.config_path = absolute(config);
	if (check) {
		int rc = check_config(d.config_path);
		free(d.config_path);
		free(d.pidfile);
		return rc;
	}

	signal(SIGPIPE, SIG_IGN);
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "presswatchd: cannot initialise libcurl\n");
		return 1;
	}
	/* config errors go to stderr, before any detaching, so the operator sees them */
	d.cfg = load_config(d.config_path);
	int rc = d.cfg ? run(&d) : 1;
	teardown(&d);
	curl_global_cleanup();
	return rc;
}
