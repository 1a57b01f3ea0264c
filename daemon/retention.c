/* retention.c -- timed pruning of old items (see retention.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <event2/event.h>

#include "common.h"
#include "log.h"
#include "retention.h"
#include "store_prune.h"
#include "xmalloc.h"

struct pw_retention {
	struct event_base *base;
	struct pw_store *store;
	struct pw_batch *batch;
	struct event *ev;
	int64_t keep_s;
	int64_t first_ms;     /* the delay of a first round */
	/* the round in progress (running = 1): its cutoff, count and start */
	int running;
	int64_t before;
	uint64_t round_deleted;
	double started_s;     /* when this round began (pw_monotonic_s) */
	uint64_t deleted;     /* since start */
};

static void arm(struct pw_retention *r, int64_t ms)
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };
	evtimer_add(r->ev, &tv);
}


/* keep as the configuration would say it: 30d, 36h, 90000s */
static void format_keep(char *buf, size_t len, int64_t s)
{
	if (s % 86400 == 0)
		snprintf(buf, len, "%" PRId64 "d", s / 86400);
	else if (s % 3600 == 0)
		snprintf(buf, len, "%" PRId64 "h", s / 3600);
	else
		snprintf(buf, len, "%" PRId64 "s", s);
}

/* The round is over (why: NULL when no old items are left): one line with the count. */
static void round_end(struct pw_retention *r, const char *why)
{
	char keep[32], cutoff[32];
	format_keep(keep, sizeof keep, r->keep_s);
	time_t t = (time_t)r->before;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(cutoff, sizeof cutoff, "%Y-%m-%dT%H:%M:%SZ", &tm);
	pw_info("retention: deleted %" PRIu64 " items first seen before %s (keep = %s) in %.2f s%s%s",
		r->round_deleted, cutoff, keep, pw_monotonic_s() - r->started_s, why ? "; stopped: " : "", why ? why : "");
	r->running = 0;
	arm(r, (int64_t)PW_RETENTION_PERIOD_S * 1000);
}

#define LOCKED "the store is locked by another connection"

/* Why a store call failed: the lock, or else `other`. */
static const char *failure(const struct pw_retention *r, const char *other)
{
	return pw_store_busy(r->store) ? LOCKED : other;
}

/* One batch in a transaction of its own; 1 when more may be left, 0 when done, -1 stopped. */
static int one_batch(struct pw_retention *r, const char **why)
{
	/* never inside the group-commit transaction, never ahead of units waiting for a lock */
	if (pw_batch_locked(r->batch)) {
		*why = LOCKED;
		return -1;
	}
	if (pw_batch_pending(r->batch)) {
		int f = pw_batch_flush(r->batch);
		if (f != 0) {
			*why = f == 1 ? LOCKED : "a commit failed";
			return -1;
		}
	}
	if (pw_store_begin(r->store) < 0) {
		*why = failure(r, "cannot begin a transaction");
		return -1;
	}
	size_t n = 0;
	if (pw_store_prune(r->store, r->before, PW_RETENTION_BATCH, &n) < 0) {
		*why = failure(r, "a delete failed");
		pw_store_rollback(r->store);
		return -1;
	}
	if (pw_store_commit(r->store) < 0) {
		*why = failure(r, "a commit failed");
		return -1;
	}
	r->round_deleted += n;
	r->deleted += n;
	return n == PW_RETENTION_BATCH;
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct pw_retention *r = arg;
	if (r->keep_s <= 0) {
		r->running = 0;
		arm(r, (int64_t)PW_RETENTION_PERIOD_S * 1000);
		return;
	}
	if (!r->running) {
		r->running = 1;
		r->before = (int64_t)time(NULL) - r->keep_s;
		r->round_deleted = 0;
		r->started_s = pw_monotonic_s();
	}
	const char *why = NULL;
	int more = one_batch(r, &why);
	if (more == 1)
		arm(r, 0);   /* the loop runs its other events before the next batch */
	else
		round_end(r, more < 0 ? why : NULL);
}

static int64_t first_delay_ms(void)
{
	const char *e = getenv("PRESSWATCHD_RETENTION_FIRST_MS");
	if (e && *e) {
		char *end;
		long long v = strtoll(e, &end, 10);
		if (*end == '\0' && v >= 0)
			return v;
	}
	return (int64_t)PW_RETENTION_FIRST_S * 1000;
}

struct pw_retention *pw_retention_new(struct event_base *base, struct pw_store *s, struct pw_batch *b,
				      int64_t keep_s)
{
	struct pw_retention *r = xcalloc(1, sizeof *r);
	r->base = base;
	r->store = s;
	r->batch = b;
	r->keep_s = keep_s;
	r->first_ms = first_delay_ms();
	r->ev = evtimer_new(base, on_timer, r);
	if (!r->ev) {
		free(r);
		return NULL;
	}
	arm(r, r->first_ms);
	return r;
}

void pw_retention_set_keep(struct pw_retention *r, int64_t keep_s)
{
	if (keep_s == r->keep_s)
		return;
	int64_t was = r->keep_s;
	r->keep_s = keep_s;
	char keep[32];
	format_keep(keep, sizeof keep, keep_s);
	if (keep_s > 0)
		pw_info("retention: keep = %s", keep);
	else
		pw_info("retention: keeping items forever");
	if (keep_s > 0 && was <= 0 && !r->running)
		arm(r, r->first_ms);
}

uint64_t pw_retention_deleted(const struct pw_retention *r)
{
	return r->deleted;
}

void pw_retention_free(struct pw_retention *r)
{
	if (!r)
		return;
	event_free(r->ev);
	free(r);
}
