/*
 * batch.h -- group commit: the daemon's one write transaction on its store connection.
 *
 * Every write the daemon's event loop makes (a poll's new items and feed state, an article
 * stage item) is a UNIT of work inside one shared transaction that the batch owns:
 *
 *	if (pw_batch_begin(b) < 0) { pw_batch_end(b, 0, &unit); return; }  // BEGIN IMMEDIATE if none open
 *	... pw_store_* writes ...
 *	pw_batch_end(b, ok, &unit);       // ok = 0 after a failed write
 *
 * Why: each COMMIT rewrites every index page the transaction touched (the dedup indexes and
 * the FTS index are written at random keys) and costs an fsync (synchronous = FULL).  One
 * transaction per poll / per article callback wrote ~4 GB of WAL for a 33 MB database on a
 * cold start of 10,000 items; one per window (PW_BATCH_WINDOW_MS by default) writes each hot page
 * once per window.
 * There is no per-unit savepoint: FTS5 flushes its pending terms as a new index segment at
 * every savepoint, which is what a savepoint per item cost.
 *
 * The transaction is committed
 *   - the window after it was opened (a libevent timer, and checked at each unit's
 *     end, since the timer cannot fire while one callback ends many units), so a new item is
 *     visible to readers (the CLI) that long after it was parsed, plus the commit itself and
 *     at most the one unit of work running when the window closes;
 *   - at once when it holds the item cap's number of items (bounds the WAL and the lock hold
 *     time);
 *   - by pw_batch_flush(): before anything that needs committed state or its own transaction
 *     (config apply / SIGHUP, shutdown, --once completion).
 * The window and the item cap are presswatch.conf's [store] commit_interval and commit_items
 * (pw_batch_set_window_ms / pw_batch_set_max_items; a SIGHUP commits, then sets the new ones).
 * After a COMMIT the batch calls the on_commit hook (alert emission: an alert is written to
 * the log only once its row is committed) if any unit recorded an alert, then every unit's
 * done(arg, 1) in the order the units ended.
 *
 * Failure is all or nothing: when a write of any unit fails (ok = 0), or BEGIN / COMMIT
 * fails, the whole transaction is rolled back and every unit of it gets done(arg, 0) -- a
 * failing write means the store is failing (disk full, I/O error, locked), so the other units
 * would not fare better.  Nothing of a rolled-back unit is in the store: a kill -9 at any
 * instant leaves the last committed batch, never half an item.
 *
 * done() runs exactly once per unit, possibly from inside pw_batch_end() (size cap, failure),
 * and may itself begin and end new units (they go to a new transaction).  Single-threaded: all
 * calls from the event loop.
 */
#ifndef PW_BATCH_H
#define PW_BATCH_H

#include <stddef.h>

#include "store.h"

struct event_base;
struct pw_batch;

/* How long a transaction stays open after its first unit, by default ([store] commit_interval
 * sets it).  250 ms: ingestion at full speed commits four times a second (each commit writes
 * the hot index pages and fsyncs once), while a new item still shows up in the CLI well within
 * a second.  A slow disk (fsync in tens of ms) may want longer; a desk that reads the store
 * as items arrive, shorter. */
#define PW_BATCH_WINDOW_MS 250
/* Items in one transaction at most, by default ([store] commit_items sets it): a cold start of
 * thousands of feeds otherwise grows one transaction (and the WAL) for as long as the window;
 * 2,000 items are ~8 MB of WAL. */
#define PW_BATCH_MAX_ITEMS 2000

typedef void (*pw_batch_done_fn)(void *arg, int committed);

struct pw_batch_unit {
	size_t items;            /* items written, counted against the item cap */
	int alerts;              /* alerts recorded: on_commit runs after the commit */
	pw_batch_done_fn done;   /* may be NULL; called exactly once */
	void *arg;               /* owned by the caller; done() usually frees it */
};

/* s and base are borrowed and must outlive the batch. NULL if the timer cannot be created. */
struct pw_batch *pw_batch_new(struct event_base *base, struct pw_store *s);
/* Commits what is open (pw_batch_flush) and frees. */
void pw_batch_free(struct pw_batch *b);
/* Called after each COMMIT that included a unit with alerts > 0, before the units' done()
 * (which may open the next transaction: the alerts of that one must wait for its commit). */
void pw_batch_set_on_commit(struct pw_batch *b, void (*fn)(void *arg), void *arg);
/* The window (ms <= 0: PW_BATCH_WINDOW_MS); the daemon sets [store] commit_interval, tests a
 * long one where they decide when the transaction is committed.  Takes effect at the next
 * BEGIN. */
void pw_batch_set_window_ms(struct pw_batch *b, int ms);
/* The item cap (n <= 0: PW_BATCH_MAX_ITEMS); the daemon sets [store] commit_items.  Checked
 * at each unit's end, so a lower cap commits at the next unit's end.  A unit is never split:
 * with a cap of 1, every unit (a poll's new items, one finished article) is a transaction. */
void pw_batch_set_max_items(struct pw_batch *b, int n);
/* Called after each successful COMMIT, after the units' done() (counters are current then). */
void pw_batch_set_after_commit(struct pw_batch *b, void (*fn)(void *arg), void *arg);

/* Opens the transaction (BEGIN IMMEDIATE) unless one is open.  0, or -1 when the store refused
 * it (logged): the caller then ends its unit with ok = 0. */
int pw_batch_begin(struct pw_batch *b);
/* Ends a unit.  ok = 1: its writes stay in the transaction and u->done runs after the commit
 * (or after a later rollback).  ok = 0: the transaction is rolled back now and every unit in
 * it, this one included, gets done(arg, 0). */
void pw_batch_end(struct pw_batch *b, int ok, const struct pw_batch_unit *u);
/* Commits now if a transaction is open.  0 when committed (or nothing was open), -1 when the
 * COMMIT failed (rolled back, done(arg, 0) for each unit). */
int pw_batch_flush(struct pw_batch *b);
/* 1 while a transaction is open. */
int pw_batch_pending(const struct pw_batch *b);

#endif
