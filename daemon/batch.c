/* batch.c -- the daemon's one write transaction, committed per window (see batch.h). */
#include "batch.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "common.h"
#include "log.h"
#include "store_wait.h"
#include "xmalloc.h"

/* A unit and how it writes itself (NULL: pw_batch_begin/end, it cannot). */
struct bunit {
	struct pw_batch_unit u;
	pw_batch_apply_fn apply;
};

/* Units in order, with their items. */
struct ulist {
	struct bunit *v;     /* owned */
	size_t n, cap;
	size_t items;
};

struct pw_batch {
	struct pw_store *store;
	struct event *timer;         /* the window */
	struct event *retry;         /* the next attempt at a locked store */
	int open;                    /* the transaction is open (BEGIN done) */
	struct bunit *units; /* ended units of the open transaction, in order; owned */
	size_t n, cap;
	size_t items;
	int alerts;
	struct ulist wait;           /* units waiting for a locked store (none while open) */
	struct pw_store_wait lw;
	double opened_s;             /* when BEGIN was done (pw_monotonic_s) */
	int window_ms;
	size_t max_items;
	void (*on_commit)(void *arg);
	void *on_commit_arg;
	void (*after_commit)(void *arg);
	void *after_commit_arg;
	void (*on_lock)(void *arg, int locked);
	void *on_lock_arg;
};

/* The units of the open transaction, detached: the batch is empty (and may be reused by the
 * done() hooks) while the caller runs them. */
struct detached {
	struct bunit *units;
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
		if (d->units[i].u.done)
			d->units[i].u.done(d->units[i].u.arg, committed);
	free(d->units);
}

static void ulist_push(struct ulist *l, const struct bunit *u)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n++] = *u;
	l->items += u->u.items;
}



static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	pw_batch_flush(arg);
}

static void on_retry(evutil_socket_t fd, short what, void *arg);

struct pw_batch *pw_batch_new(struct event_base *base, struct pw_store *s)
{
	struct pw_batch *b = xcalloc(1, sizeof *b);
	b->store = s;
	b->window_ms = PW_BATCH_WINDOW_MS;
	b->max_items = PW_BATCH_MAX_ITEMS;
	b->timer = evtimer_new(base, on_timer, b);
	b->retry = evtimer_new(base, on_retry, b);
	if (!b->timer || !b->retry) {
		pw_err("batch: cannot create the commit timers");
		if (b->timer)
			event_free(b->timer);
		if (b->retry)
			event_free(b->retry);
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
	pw_batch_abandon(b);
	event_free(b->timer);
	event_free(b->retry);
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

void pw_batch_set_on_lock(struct pw_batch *b, void (*fn)(void *arg, int locked), void *arg)
{
	b->on_lock = fn;
	b->on_lock_arg = arg;
}

int pw_batch_pending(const struct pw_batch *b)
{
	return b->open;
}

int pw_batch_locked(const struct pw_batch *b)
{
	return b->wait.n > 0;
}

int pw_batch_full(const struct pw_batch *b)
{
	/* a unit holds its inputs even with no new item (a 304's feed state): each counts as one */
	return b->wait.n > 0 && (b->wait.items >= b->max_items || b->wait.n >= b->max_items);
}

int pw_batch_lock_status(const struct pw_batch *b, size_t *items, size_t *units, int64_t *locked_ms)
{
	*items = b->wait.items;
	*units = b->wait.n;
	*locked_ms = b->lw.locked ? pw_monotonic_ms() - b->lw.since_ms : 0;
	return b->wait.n > 0;
}

/* BEGIN and the window.  0, or -1 (pw_store_busy() says whether the store is only locked). */
static int open_tx(struct pw_batch *b)
{
	if (pw_store_begin(b->store) < 0)
		return -1;
	b->open = 1;
	b->opened_s = pw_monotonic_s();
	struct timeval tv = { b->window_ms / 1000, (b->window_ms % 1000) * 1000 };
	evtimer_add(b->timer, &tv);
	return 0;
}

/* A busy failure has just been seen and the waiting units are in b->wait: the lock's one log
 * line when it begins, and the next attempt. */
static void locked_now(struct pw_batch *b)
{
	int delay;
	int started = pw_store_wait_busy(&b->lw, pw_monotonic_ms(), &delay);
	if (started) {
		pw_warn("store locked by another connection, %zu items waiting (%zu units of work); retrying",
			b->wait.items, b->wait.n);
	} else {
		pw_debug("store: still locked after %u attempts in %.1f s; next attempt in %d ms", b->lw.attempts,
			 (double)(pw_monotonic_ms() - b->lw.since_ms) / 1e3, delay);
	}
	struct timeval tv = { delay / 1000, (delay % 1000) * 1000 };
	evtimer_add(b->retry, &tv);
	if (started && b->on_lock)
		b->on_lock(b->on_lock_arg, 1);
}

/* The store took a transaction again after a lock: its second log line. */
static void unlocked(struct pw_batch *b, size_t committed_items, int notify)
{
	int64_t held = pw_store_wait_clear(&b->lw, pw_monotonic_ms());
	if (held < 0)
		return;
	evtimer_del(b->retry);
	pw_notice("store lock released after %.1f s; %zu items committed", (double)held / 1e3, committed_items);
	if (notify && b->on_lock)
		b->on_lock(b->on_lock_arg, 0);
}

/*
 * A busy failure inside the open transaction (a write, the COMMIT): the transaction is rolled
 * back and its units wait again, in order, followed by `extra` (the unit whose write failed, or
 * NULL).  Units that cannot write themselves again (pw_batch_begin/end) end with done(arg, 0).
 */
static void requeue(struct pw_batch *b, struct detached *d, const struct bunit *extra)
{
	struct ulist lost = { 0 };
	pw_store_rollback(b->store);
	for (size_t i = 0; i < d->n; i++)
		ulist_push(d->units[i].apply ? &b->wait : &lost, &d->units[i]);
	if (extra)
		ulist_push(&b->wait, extra);
	free(d->units);
	if (b->wait.n)
		locked_now(b);
	if (lost.n)
		pw_warn("store: locked by another connection; %zu items of %zu units of work are rolled back "
			"(they are retried from the store later)", lost.items, lost.n);
	struct detached l = { lost.v, lost.n, lost.items, 0 };
	run_done(&l, 0);
}

/* Appends an applied unit to the open transaction; commits at the cap or past the window. */
static void end_applied(struct pw_batch *b, const struct bunit *u, int may_commit)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->units = xreallocarray(b->units, b->cap, sizeof *b->units);
	}
	b->units[b->n++] = *u;
	b->items += u->u.items;
	b->alerts |= u->u.alerts > 0;
	/* the timer cannot fire while one callback ends many units (a poll's items all
	 * skipped by the article stage): the window is checked here too */
	if (may_commit && (b->items >= b->max_items || (pw_monotonic_s() - b->opened_s) * 1e3 >= b->window_ms))
		pw_batch_flush(b);
}

/* A failed write (or a unit that never had a transaction): all or nothing. */
static void fail_all(struct pw_batch *b, const struct bunit *u)
{
	int was_open = b->open;
	struct detached d = detach(b);
	if (was_open)
		pw_store_rollback(b->store);
	if (d.n)
		pw_err("store: a write failed; the %zu items of %zu other units of work in the same "
		       "transaction are rolled back with it", d.items, d.n);
	run_done(&d, 0);
	if (u && u->u.done)
		u->u.done(u->u.arg, 0);
}

int pw_batch_add(struct pw_batch *b, const struct pw_batch_unit *unit, pw_batch_apply_fn apply)
{
	struct bunit bu = { *unit, apply };
	const struct bunit *u = &bu;
	if (b->wait.n) {
		ulist_push(&b->wait, u);  /* behind the others: the order of units is kept */
		return 1;
	}
	if (!b->open && open_tx(b) < 0) {
		if (pw_store_busy(b->store)) {
			ulist_push(&b->wait, u);
			locked_now(b);
			return 1;
		}
		fail_all(b, u);
		return -1;
	}
	struct bunit v = *u;
	v.u.items = 0;
	v.u.alerts = 0;
	if (v.apply(v.u.arg, b->store, &v.u) < 0) {
		if (pw_store_busy(b->store)) {
			struct detached d = detach(b);
			v.u.items = u->u.items;   /* its bound again, for pw_batch_full() */
			requeue(b, &d, &v);
			return 1;
		}
		fail_all(b, &v);
		return -1;
	}
	end_applied(b, &v, 1);
	return 0;
}

/* The retry timer: BEGIN, every waiting unit written again in order, COMMIT. */
static void on_retry(evutil_socket_t fd, short what, void *arg)
{
	struct pw_batch *b = arg;
	(void)fd;
	(void)what;
	if (!b->wait.n || b->open)
		return;
	if (open_tx(b) < 0) {
		if (pw_store_busy(b->store)) {
			locked_now(b);
			return;
		}
		pw_err("store: %s; the %zu items of %zu units of work waiting for the lock are not stored",
		       pw_store_error(b->store), b->wait.items, b->wait.n);
		struct detached w = { b->wait.v, b->wait.n, b->wait.items, 0 };
		memset(&b->wait, 0, sizeof b->wait);
		unlocked(b, 0, 0);
		run_done(&w, 0);
		if (b->on_lock)
			b->on_lock(b->on_lock_arg, 0);
		return;
	}
	struct ulist w = b->wait;
	memset(&b->wait, 0, sizeof b->wait);
	for (size_t i = 0; i < w.n; i++) {
		struct bunit v = w.v[i];
		v.u.items = 0;
		v.u.alerts = 0;
		if (v.apply(v.u.arg, b->store, &v.u) == 0) {
			end_applied(b, &v, 0);
			continue;
		}
		struct detached d = detach(b);
		if (pw_store_busy(b->store)) {
			/* all of them wait again, in order: the applied ones, then the rest */
			pw_store_rollback(b->store);
			for (size_t j = 0; j < d.n; j++)
				ulist_push(&b->wait, &d.units[j]);
			for (size_t j = i; j < w.n; j++)
				ulist_push(&b->wait, &w.v[j]);
			free(d.units);
			free(w.v);
			locked_now(b);
			return;
		}
		/* a failing store, not a locked one: all or nothing, as for any transaction */
		pw_store_rollback(b->store);
		pw_err("store: a write failed after the lock was released; %zu units of work are not stored",
		       w.n);
		struct detached rest = { xreallocarray(NULL, w.n - i, sizeof *w.v), w.n - i, 0, 0 };
		memcpy(rest.units, w.v + i, (w.n - i) * sizeof *w.v);
		free(w.v);
		unlocked(b, 0, 0);
		run_done(&d, 0);
		run_done(&rest, 0);
		if (b->on_lock)
			b->on_lock(b->on_lock_arg, 0);
		return;
	}
	free(w.v);
	pw_batch_flush(b);
}

size_t pw_batch_abandon(struct pw_batch *b)
{
	size_t n = b->wait.n;
	if (n) {
		int64_t held = pw_monotonic_ms() - b->lw.since_ms;
		pw_warn("store: still locked by another connection after %.1f s; giving up %zu items of %zu units "
			"of work (not stored; their feeds are fetched again at the next start)", (double)held / 1e3,
			b->wait.items, n);
	}
	struct detached w = { b->wait.v, b->wait.n, b->wait.items, 0 };
	memset(&b->wait, 0, sizeof b->wait);
	pw_store_wait_clear(&b->lw, pw_monotonic_ms());
	evtimer_del(b->retry);
	run_done(&w, 0);
	return n;
}

int pw_batch_begin(struct pw_batch *b)
{
	if (b->open)
		return 0;
	if (b->wait.n)
		return -1;  /* locked: units wait already, this one could only jump the queue */
	return open_tx(b);
}

int pw_batch_flush(struct pw_batch *b)
{
	if (b->wait.n)
		return 1;
	if (!b->open)
		return 0;
	double open_ms = (pw_monotonic_s() - b->opened_s) * 1e3;
	struct detached d = detach(b);
	double t0 = pw_monotonic_s();
	if (pw_store_commit(b->store) < 0) {
		if (pw_store_busy(b->store)) {
			requeue(b, &d, NULL);
			return b->wait.n ? 1 : -1;
		}
		pw_err("store: committing %zu items (%zu units of work) failed, all of them are rolled back: %s",
		       d.items, d.n, pw_store_error(b->store));
		run_done(&d, 0);
		return -1;
	}
	pw_debug("store: committed %zu items (%zu units of work) in %.1f ms, %.0f ms after the first", d.items,
		 d.n, (pw_monotonic_s() - t0) * 1e3, open_ms);
	int was_locked = b->lw.locked;
	unlocked(b, d.items, 0);
	if (d.alerts && b->on_commit)
		b->on_commit(b->on_commit_arg);
	run_done(&d, 1);
	if (b->after_commit)
		b->after_commit(b->after_commit_arg);
	if (was_locked && b->on_lock)
		b->on_lock(b->on_lock_arg, 0);
	return 0;
}

void pw_batch_end(struct pw_batch *b, int ok, const struct pw_batch_unit *unit)
{
	struct bunit bu = { *unit, NULL };
	if (ok && b->open) {
		end_applied(b, &bu, 1);
		return;
	}
	if (b->open && pw_store_busy(b->store)) {
		/* locked: the units that can write themselves again wait; this one cannot */
		struct detached d = detach(b);
		requeue(b, &d, NULL);
		if (unit->done)
			unit->done(unit->arg, 0);
		return;
	}
	fail_all(b, &bu);
}
