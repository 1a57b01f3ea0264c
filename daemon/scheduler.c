/* scheduler.c -- per-feed timers, conditional GET state, backoff (see scheduler.h). */
#include "scheduler.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "common.h"
#include "feed_parse.h"
#include "log.h"
#include "sched_calc.h"
#include "strmap.h"
#include "xmalloc.h"

/* A poll due while the store is locked and its backlog is full waits this long, again. */
#define BACKLOG_RETRY_S 2

#define FEED_ACCEPT "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, " \
	"application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"

struct sfeed {
	struct sfeed *next;
	struct pw_scheduler *s;
	/* from the config (own copies: the config is replaced on reload) */
	char *name, *conf_url, *outlet, *lang;
	int64_t interval_s;
	int enabled, tls_verify;
	/* poll state, mirrored in the store; owned */
	struct pw_feed_state st;
	struct event *timer;
	struct pw_fetch *fetch;      /* in flight */
	struct pw_poll *poll;
	int removed;                 /* gone from the config while in flight: freed when done */
	int once_done;
};

struct pw_scheduler {
	struct pw_scheduler_ctx ctx;
	const struct pw_config *cfg;
	struct sfeed *feeds;
	struct pw_strmap by_name;    /* the feeds not removed, by name: reloads stay O(feeds) */
	size_t once_owed;            /* --once: feeds still to poll (owes_once); idle at 0 */
	size_t in_flight;
	int stopping;
	struct event *idle_ev;
};

static uint32_t rnd32(void)
{
	return (uint32_t)random();
}

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

static void replace(char **dst, const char *src)
{
	char *old = *dst;
	*dst = src ? xstrdup(src) : NULL;
	free(old);
}

static void sched_params(const struct pw_scheduler *s, const struct sfeed *f, struct pw_sched_params *p)
{
	const struct pw_config *c = s->cfg;
	p->interval_s = f->interval_s;
	p->default_interval_s = c->interval_s;
	p->min_interval_s = c->min_interval_s;
	p->max_interval_s = c->max_interval_s;
	p->max_backoff_s = c->max_backoff_s;
	p->jitter = c->jitter;
}

static void sfeed_free(struct sfeed *f)
{
	if (f->timer)
		event_free(f->timer);
	pw_poll_free(f->poll);
	pw_feed_state_clear(&f->st);
	free(f->name);
	free(f->conf_url);
	free(f->outlet);
	free(f->lang);
	free(f);
}

static void unlink_feed(struct pw_scheduler *s, struct sfeed *f)
{
	for (struct sfeed **pp = &s->feeds; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			return;
		}
}

/* Counted in s->once_owed: a feed --once must still poll.  Kept as a count, not found by a
 * walk of the feeds after every poll (quadratic with 10,000 feeds). */
static int owes_once(const struct sfeed *f)
{
	return f->s->ctx.once && f->enabled && !f->once_done && !f->removed;
}

static void check_idle(struct pw_scheduler *s)
{
	if (s->in_flight > 0)
		return;
	int idle = s->stopping || (s->ctx.once && s->once_owed == 0);
	if (idle) {
		static const struct timeval zero = { 0, 0 };
		evtimer_add(s->idle_ev, &zero);  /* report from the loop, not from inside a caller */
	}
}

static void on_idle_ev(evutil_socket_t fd, short what, void *arg)
{
	struct pw_scheduler *s = arg;
	if (s->ctx.on_idle)
		s->ctx.on_idle(s->ctx.arg);
}

static void arm(struct sfeed *f, int64_t delay_s)
{
	struct timeval tv = { (time_t)(delay_s > 0 ? delay_s : 0), 0 };
	evtimer_add(f->timer, &tv);
}

/* --- one poll ----------------------------------------------------------------------------- */

static int on_data(void *arg, const struct pw_fetch_result *r, const char *data, size_t len)
{
	struct sfeed *f = arg;
	return pw_poll_data(f->poll, r->content_type, r->effective_url, data, len);
}

static int parse_ok(int status)
{
	return status == PW_FEED_OK || status == PW_FEED_EMPTY;
}

/* A stored poll waiting for the batch (pw_poll_store's done hook); owns its strings. */
struct stored {
	struct pw_scheduler *s;
	char *name, *url;
	long status;
	size_t nitems;
};

static struct sfeed *find_feed(struct pw_scheduler *s, const char *name);

/*
 * The poll's transaction was committed, or rolled back.  Rolled back (locked, disk full, ...):
 * nothing of the poll reached the store.  Forget the validators, or the next poll would be
 * answered 304 and the items of this one lost; retry with backoff.  The feed is looked up by
 * name: the hook may run after the poll (the batch commits later), and a reload may have
 * removed the feed meanwhile (a reload commits the batch first, so that is the rare case).
 * Usually the feed's next poll has not started yet ([store] commit_interval, 250 ms by default,
 * is shorter than [poll] min_interval); when it has (f->fetch), it is not armed again here:
 * that poll's own end schedules the feed.
 */
static void poll_stored(void *arg, int committed)
{
	struct stored *sd = arg;
	struct pw_scheduler *s = sd->s;
	struct sfeed *f = committed ? NULL : find_feed(s, sd->name);
	if (f) {
		struct pw_feed_state *st = &f->st;
		int64_t now = now_s();
		replace(&st->etag, NULL);
		replace(&st->last_modified, NULL);
		st->fail_count++;
		replace(&st->last_error, "the store refused the poll's transaction");
		struct pw_sched_params sp;
		sched_params(s, f, &sp);
		int64_t delay = pw_sched_next_delay(&sp, PW_POLL_ERROR, st->ttl_s, st->fail_count, -1, rnd32());
		st->next_poll = now + delay;
		if (!s->ctx.once && !s->stopping && f->enabled && !f->fetch)
			arm(f, delay);
		pw_warn("feed %s (%s): HTTP %ld, %zu items in feed, but nothing could be stored; the next poll "
			"fetches the whole feed again in %" PRId64 "s", sd->name, sd->url, sd->status, sd->nitems, delay);
	} else if (!committed) {
		pw_warn("feed %s (%s): HTTP %ld, %zu items in feed, but nothing could be stored (the feed is no "
			"longer configured)", sd->name, sd->url, sd->status, sd->nitems);
	}
	free(sd->name);
	free(sd->url);
	free(sd);
}

static void poll_done(struct sfeed *f, const struct pw_fetch_result *r)
{
	struct pw_scheduler *s = f->s;
	int64_t now = now_s();
	enum pw_poll_kind kind = PW_POLL_OK;
	int64_t retry_after = -1;
	char reason[512] = "";
	/* a consumer abort means the parser itself stopped (unsafe, cap): let it report why */
	int complete = r->error == PW_FETCH_OK || r->error == PW_FETCH_ABORTED;
	const struct pw_poll_parse *parse = pw_poll_finish(f->poll, complete);
	const char *old_url = f->st.url ? f->st.url : f->conf_url;
	char *url_for_log = xstrdup(old_url);
	/* more items than [limits] max_items_per_document: the parser kept the first ones and
	 * stopped reading (the transfer was aborted, or the cap bit at the end of the body).  The
	 * poll succeeded with what it kept: one warning below, no failure, no backoff. */
	int truncated = parse->parsed && parse->status == PW_FEED_TRUNCATED &&
			(r->error == PW_FETCH_OK || r->error == PW_FETCH_ABORTED);

	if (r->error == PW_FETCH_OK && r->status == 304) {
		kind = PW_POLL_OK;
	} else if (truncated) {
		kind = PW_POLL_OK;
	} else if (r->error == PW_FETCH_OK && r->status >= 200 && r->status < 300) {
		if (!parse->parsed) {
			kind = PW_POLL_ERROR;
			snprintf(reason, sizeof reason, "HTTP %ld with an empty body", r->status);
		} else if (!parse_ok(parse->status)) {
			kind = PW_POLL_ERROR;
			snprintf(reason, sizeof reason, "%s (%s): %s", pw_feed_status_name(parse->status),
				 r->content_type ? r->content_type : "no content-type", parse->error);
		}
	} else if (r->error == PW_FETCH_OK && (r->status == 429 || r->status == 503)) {
		kind = PW_POLL_THROTTLED;
		if (pw_sched_parse_retry_after(r->retry_after, now, &retry_after) == 0)
			snprintf(reason, sizeof reason, "HTTP %ld, Retry-After %s", r->status, r->retry_after);
		else
			snprintf(reason, sizeof reason, "HTTP %ld", r->status);
	} else if (r->error == PW_FETCH_OK) {
		kind = PW_POLL_ERROR;
		snprintf(reason, sizeof reason, "HTTP %ld", r->status);
	} else if (r->error == PW_FETCH_ABORTED && parse->parsed) {
		kind = PW_POLL_ERROR;
		snprintf(reason, sizeof reason, "%s: %s", pw_feed_status_name(parse->status), parse->error);
	} else {
		kind = PW_POLL_ERROR;
		snprintf(reason, sizeof reason, "%s", r->reason);
	}

	struct pw_feed_state *st = &f->st;
	st->last_polled = now;
	st->last_status = (int)r->status;
	if (kind == PW_POLL_OK) {
		st->fail_count = 0;
		replace(&st->last_error, NULL);
		if (r->status == 304) {
			if (r->etag)
				replace(&st->etag, r->etag);
			if (r->last_modified)
				replace(&st->last_modified, r->last_modified);
		} else {
			/* items were left out: no validators, so the next poll gets the whole
			 * document again (as pipeline.c does past max_items_per_poll) */
			replace(&st->etag, truncated ? NULL : r->etag);
			replace(&st->last_modified, truncated ? NULL : r->last_modified);
			if (parse->title)
				replace(&st->title, parse->title);
			if (parse->link)
				replace(&st->site_url, parse->link);
			if (parse->language)
				replace(&st->lang, parse->language);
			st->ttl_s = parse->ttl_s;
		}
		if (r->permanent && strcmp(r->effective_url, old_url) != 0) {
			pw_notice("feed %s: moved permanently: %s -> %s", f->name, old_url, r->effective_url);
			replace(&st->url, r->effective_url);
		}
	} else {
		st->fail_count++;
		replace(&st->last_error, reason);
	}
	struct pw_sched_params sp;
	sched_params(s, f, &sp);
	int64_t delay = pw_sched_next_delay(&sp, kind, st->ttl_s, st->fail_count, retry_after, rnd32());
	st->next_poll = now + delay;

	/* armed before the store: a failed store re-arms it with backoff (poll_stored) */
	if (s->ctx.once)
		f->once_done = 1;
	else if (!s->stopping && f->enabled && !f->removed)
		arm(f, delay);
	struct stored *sd = xcalloc(1, sizeof *sd);
	sd->s = s;
	sd->name = xstrdup(f->name);
	sd->url = xstrdup(url_for_log);
	sd->status = r->status;
	sd->nitems = parse->nitems;
	size_t nnew = 0;
	int stored = pw_poll_store(f->poll, st, &nnew, poll_stored, sd);
	if (stored < 0) {
		/* poll_stored has run: logged, validators forgotten, backoff */
	} else if (stored == 1 && nnew > 0) {
		pw_info("feed %s (%s): poll ok (HTTP %ld): %zu new items, kept in memory until the store is "
			"unlocked; next poll in %" PRId64 "s", f->name, url_for_log, r->status, nnew, delay);
	} else if (stored == 1) {
		pw_info("feed %s (%s): HTTP %ld, no new items; the feed's state is written once the store is "
			"unlocked; next poll in %" PRId64 "s", f->name, url_for_log, r->status, delay);
	} else if (truncated) {
		pw_warn("feed %s (%s): poll ok: %zu new items, but the document has %s "
			"([limits] max_items_per_document); next poll in %" PRId64 "s",
			f->name, url_for_log, nnew, parse->error, delay);
	} else if (kind == PW_POLL_OK && r->status == 304) {
		pw_info("feed %s (%s): 304 not modified; next poll in %" PRId64 "s", f->name, url_for_log, delay);
	} else if (kind == PW_POLL_OK) {
		pw_info("feed %s (%s): poll ok: %zu new items (%zu in feed, %zu bytes, %.2fs); next poll in %" PRId64 "s",
			f->name, url_for_log, nnew, parse->nitems, r->body_bytes, r->seconds, delay);
	} else if (nnew > 0) {
		pw_warn("feed %s (%s): %s; %zu new items recovered and stored; failure %d, retry in %" PRId64 "s",
			f->name, url_for_log, reason, nnew, st->fail_count, delay);
	} else {
		pw_warn("feed %s (%s): %s; failure %d, retry in %" PRId64 "s",
			f->name, url_for_log, reason, st->fail_count, delay);
	}
	free(url_for_log);

	pw_poll_free(f->poll);
	f->poll = NULL;
}

static void on_done(void *arg, const struct pw_fetch_result *r)
{
	struct sfeed *f = arg;
	struct pw_scheduler *s = f->s;
	int owed = owes_once(f);
	f->fetch = NULL;
	s->in_flight--;
	if (r->error == PW_FETCH_CANCELLED) {
		/* shutdown grace ran out: nothing of this poll is written, the feed keeps the
		 * state (and next_poll) of its previous poll */
		pw_info("feed %s (%s): poll cancelled at shutdown", f->name, f->st.url);
		pw_poll_free(f->poll);
		f->poll = NULL;
		if (s->ctx.once)
			f->once_done = 1;
	} else {
		poll_done(f, r);
	}
	s->once_owed = s->once_owed - (size_t)owed + (size_t)owes_once(f);
	if (f->removed) {
		unlink_feed(s, f);
		sfeed_free(f);
	}
	if (s->ctx.on_poll)
		s->ctx.on_poll(s->ctx.arg);
	check_idle(s);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct sfeed *f = arg;
	struct pw_scheduler *s = f->s;
	if (s->stopping || f->fetch || !f->enabled)
		return;
	if (pw_pipeline_backlogged(s->ctx.pipeline)) {
		/* the store is locked and what waits for it is at the item cap: poll later rather
		 * than hold more in memory (nothing is dropped: the feed keeps its state) */
		arm(f, BACKLOG_RETRY_S);
		return;
	}
	const char *url = f->st.url ? f->st.url : f->conf_url;
	struct pw_fetch_req req = {
		.url = url,
		.etag = f->st.etag,
		.last_modified = f->st.last_modified,
		.accept = FEED_ACCEPT,
		.max_body = s->cfg->max_body,
		.tls_verify = f->tls_verify,
		.on_data = on_data,
		.on_done = on_done,
		.arg = f,
	};
	char err[256];
	f->poll = pw_poll_new(s->ctx.pipeline, f->st.id, f->name, f->lang);
	s->in_flight++;
	f->fetch = pw_fetch_start(s->ctx.fetcher, &req, err, sizeof err);
	if (!f->fetch) {
		/* the URL itself is unusable: a poll that failed at once, with backoff */
		struct pw_fetch_result r = {
			.error = PW_FETCH_TRANSPORT,
			.reason = err,
			.effective_url = url,
		};
		on_done(f, &r);
	}
}

/* --- configuration ------------------------------------------------------------------------- */

static struct sfeed *find_feed(struct pw_scheduler *s, const char *name)
{
	return pw_strmap_get(&s->by_name, name);
}

static void set_conf(struct sfeed *f, const struct pw_feed_conf *fc)
{
	replace(&f->conf_url, fc->url);
	replace(&f->outlet, fc->name ? fc->name : fc->id);
	replace(&f->lang, fc->lang);
	f->interval_s = fc->interval_s;
	f->enabled = fc->enabled;
	f->tls_verify = fc->tls_verify;
}

static void schedule_first(struct pw_scheduler *s, struct sfeed *f)
{
	int64_t delay = 0;
	if (!s->ctx.once) {
		struct pw_sched_params sp;
		sched_params(s, f, &sp);
		delay = pw_sched_start_delay(&sp, now_s(), f->st.next_poll, rnd32());
	}
	pw_debug("feed %s (%s): first poll in %" PRId64 "s", f->name, f->st.url, delay);
	arm(f, delay);
}

int pw_scheduler_apply_config(struct pw_scheduler *s, const struct pw_config *cfg)
{
	struct pw_store *st = s->ctx.store;
	int64_t *ids = cfg->nfeeds ? xcalloc(cfg->nfeeds, sizeof *ids) : NULL;
	char **names = cfg->nfeeds ? xcalloc(cfg->nfeeds, sizeof *names) : NULL;

	if (pw_store_begin(st) < 0)
		goto fail_nobegin;
	for (size_t i = 0; i < cfg->nfeeds; i++) {
		const struct pw_feed_conf *fc = &cfg->feeds[i];
		names[i] = fc->id;
		ids[i] = pw_store_feed_sync(st, fc->id, fc->url, fc->name ? fc->name : fc->id,
					    fc->interval_s, fc->enabled);
		if (ids[i] < 0)
			goto fail;
	}
	if (pw_store_feed_disable_others(st, names, cfg->nfeeds) < 0)
		goto fail;
	if (pw_store_commit(st) < 0)
		goto fail;

	s->cfg = cfg;
	/* drop feeds that left the config */
	for (struct sfeed **pp = &s->feeds; *pp; ) {
		struct sfeed *f = *pp;
		if (f->removed || pw_config_find_feed(cfg, f->name)) {
			pp = &f->next;
			continue;
		}
		pw_notice("feed %s (%s): removed from the configuration", f->name, f->st.url);
		evtimer_del(f->timer);
		s->once_owed -= (size_t)owes_once(f);
		pw_strmap_del(&s->by_name, f->name);
		if (f->fetch) {
			f->removed = 1;   /* freed when its poll ends */
			pp = &f->next;
		} else {
			*pp = f->next;
			sfeed_free(f);
		}
	}
	for (size_t i = 0; i < cfg->nfeeds; i++) {
		const struct pw_feed_conf *fc = &cfg->feeds[i];
		struct pw_feed_state row;
		memset(&row, 0, sizeof row);
		if (pw_store_feed_get(st, ids[i], &row) != 1) {
			pw_err("feed %s: not found in the store after sync: %s", fc->id, pw_store_error(st));
			pw_feed_state_clear(&row);
			continue;
		}
		struct sfeed *f = find_feed(s, fc->id);
		if (!f) {
			f = xcalloc(1, sizeof *f);
			f->s = s;
			f->name = xstrdup(fc->id);
			f->timer = evtimer_new(s->ctx.base, on_timer, f);
			set_conf(f, fc);
			f->st = row;    /* takes the strings */
			f->next = s->feeds;
			s->feeds = f;
			pw_strmap_put(&s->by_name, f->name, f);
			s->once_owed += (size_t)owes_once(f);
			if (f->enabled && !s->stopping)
				schedule_first(s, f);
			continue;
		}
		int was_enabled = f->enabled;
		if (f->conf_url && strcmp(f->conf_url, fc->url) != 0)
			pw_notice("feed %s: URL changed in the configuration: %s -> %s", f->name, f->conf_url, fc->url);
		s->once_owed -= (size_t)owes_once(f);
		set_conf(f, fc);
		s->once_owed += (size_t)owes_once(f);
		/* the store decides the URL (config change vs. remembered permanent redirect) */
		replace(&f->st.url, row.url);
		f->st.interval_s = row.interval_s;
		f->st.enabled = row.enabled;
		pw_feed_state_clear(&row);
		if (was_enabled && !f->enabled) {
			pw_notice("feed %s (%s): disabled", f->name, f->st.url);
			evtimer_del(f->timer);
		} else if (!was_enabled && f->enabled && !f->fetch && !s->stopping) {
			schedule_first(s, f);
		}
	}
	free(ids);
	free(names);
	check_idle(s);
	return 0;

fail:
	pw_store_rollback(st);
fail_nobegin:
	/* locked by another connection: the caller waits for the lock and tries again */
	if (pw_store_busy(st))
		pw_debug("cannot sync the feed list into the store yet: %s", pw_store_error(st));
	else
		pw_err("cannot sync the feed list into the store: %s", pw_store_error(st));
	free(ids);
	free(names);
	return -1;
}

struct pw_scheduler *pw_scheduler_new(const struct pw_scheduler_ctx *ctx)
{
	struct pw_scheduler *s = xcalloc(1, sizeof *s);
	s->ctx = *ctx;
	s->idle_ev = evtimer_new(ctx->base, on_idle_ev, s);
	return s;
}

void pw_scheduler_stop(struct pw_scheduler *s)
{
	s->stopping = 1;
	for (struct sfeed *f = s->feeds; f; f = f->next)
		evtimer_del(f->timer);
	check_idle(s);
}

void pw_scheduler_stats(const struct pw_scheduler *s, struct pw_sched_stats *out)
{
	memset(out, 0, sizeof *out);
	for (const struct sfeed *f = s->feeds; f; f = f->next) {
		if (f->removed)
			continue;
		out->feeds++;
		if (f->enabled)
			out->enabled++;
		if (f->enabled && f->st.fail_count > 0)
			out->failing++;
	}
	out->in_flight = s->in_flight;
}

void pw_scheduler_free(struct pw_scheduler *s)
{
	if (!s)
		return;
	while (s->feeds) {
		struct sfeed *f = s->feeds;
		s->feeds = f->next;
		sfeed_free(f);
	}
	pw_strmap_free(&s->by_name);
	event_free(s->idle_ev);
	free(s);
}
