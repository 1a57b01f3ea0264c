/* batch.c -- the daemon's one write transaction, committed per window (see batch.h). */
#include "batch.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "log.h"
#include "xmalloc.h"

struct pw_batch {
	struct pw_store *store;
	struct event *timer;
	int open;                    /* the transaction is open (BEGIN done) */
	struct pw_batch_unit *units; /* ended units of the open transaction, in order; owned */
	size_t n, cap;
	size_t items;
	int alerts;
	struct timespec opened;      /* when BEGIN was done */
	int window_ms;
	size_t max_items;
	void (*on_commit)(void *arg);
	void *on_commit_arg;
	void (*after_commit)(void *arg);
	void *after_commit_arg;
};

/* The units of the open transaction, detached: the batch is empty (and may be reused by the
 * done() hooks) while the caller runs them. */
struct detached {
	struct pw_batch_unit *units;
	size_t n, items;
	int alerts;
};

static struct detached detach(struct pw_batch *b)
{
	struct detached d = { b->units, b->n, b->items, b->alerts };
	b->units = NULL;
	b->n = b->cap = b->items = 0;
	b->alerts = 0;
	b->open = 0;
	evtimer_del(b->timer);
	return d;
}

static void run_done(struct detached *d, int committed)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->units[i].done)
			d->units[i].done(d->units[i].arg, committed);
	free(d->units);
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	pw_batch_flush(arg);
}

struct pw_batch *pw_batch_new(struct event_base *base, struct pw_store *s)
{
	struct pw_batch *b = xcalloc(1, sizeof *b);
	b->store = s;
	b->window_ms = PW_BATCH_WINDOW_MS;
	b->max_items = PW_BATCH_MAX_ITEMS;
	b->timer = evtimer_new(base, on_timer, b);
	if (!b->timer) {
		pw_err("batch: cannot create the commit timer");
		free(b);
		return NULL;
	}
	return b;
}

void pw_batch_free(struct pw_batch *b)
{
	if (!b)
		return;
	pw_batch_flush(b);
	event_free(b->timer);
	free(b->units);
	free(b);
}

void pw_batch_set_on_commit(struct pw_batch *b, void (*fn)(void *arg), void *arg)
{
	b->on_commit = fn;
	b->on_commit_arg = arg;
}

void pw_batch_set_window_ms(struct pw_batch *b, int ms)
{
	b->window_ms = ms > 0 ? ms : PW_BATCH_WINDOW_MS;
}

void pw_batch_set_max_items(struct pw_batch *b, int n)
{
	b->max_items = n > 0 ? (size_t)n : PW_BATCH_MAX_ITEMS;
}

void pw_batch_set_after_commit(struct pw_batch *b, void (*fn)(void *arg), void *arg)
{
	b->after_commit = fn;
	b->after_commit_arg = arg;
}

int pw_batch_pending(const struct pw_batch *b)
{
	return b->open;
}

int pw_batch_begin(struct pw_batch *b)
{
	if (b->open)
		return 0;
	if (pw_store_begin(b->store) < 0)
		return -1;
	b->open = 1;
	clock_gettime(CLOCK_MONOTONIC, &b->opened);
	struct timeval tv = { b->window_ms / 1000, (b->window_ms % 1000) * 1000 };
	evtimer_add(b->timer, &tv);
	return 0;
}

int pw_batch_flush(struct pw_batch *b)
{
	if (!b->open)
		return 0;
	double open_ms = ms_since(&b->opened);
	struct detached d = detach(b);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (pw_store_commit(b->store) < 0) {
		pw_err("store: committing %zu items (%zu units of work) failed, all of them are rolled back: %s",
		       d.items, d.n, pw_store_error(b->store));
		run_done(&d, 0);
		return -1;
	}
	pw_debug("store: committed %zu items (%zu units of work) in %.1f ms, %.0f ms after the first", d.items,
		 d.n, ms_since(&t0), open_ms);
	if (d.alerts && b->on_commit)
		b->on_commit(b->on_commit_arg);
	run_done(&d, 1);
	if (b->after_commit)
		b->after_commit(b->after_commit_arg);
	return 0;
}

void pw_batch_end(struct pw_batch *b, int ok, const struct pw_batch_unit *u)
{
	if (ok && b->open) {
		if (b->n == b->cap) {
			b->cap = b->cap ? 2 * b->cap : 64;
			b->units = xreallocarray(b->units, b->cap, sizeof *b->units);
		}
		b->units[b->n++] = *u;
		b->items += u->items;
		b->alerts |= u->alerts > 0;
		/* the timer cannot fire while one callback ends many units (a poll's items all
		 * skipped by the article stage): the window is checked here too */
		if (b->items >= b->max_items || ms_since(&b->opened) >= b->window_ms)
			pw_batch_flush(b);
		return;
	}
	/* a failed write (or a unit that never had a transaction): all or nothing */
	int was_open = b->open;
	struct detached d = detach(b);
	if (was_open)
		pw_store_rollback(b->store);
	if (d.n)
		pw_err("store: a write failed; the %zu items of %zu other units of work in the same "
		       "transaction are rolled back with it", d.items, d.n);
	run_done(&d, 0);
	if (u->done)
		u->done(u->arg, 0);
}
