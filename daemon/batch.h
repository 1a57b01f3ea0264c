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
 * failing write means the store is failing (disk full, I/O error), so the other units
 * would not fare better.  Nothing of a rolled-back unit is in the store: a kill -9 at any
 * instant leaves the last committed batch, never half an item.
 *
 * A LOCKED store is not a failing one: another connection holds the write lock (someone's
 * `BEGIN IMMEDIATE` in the sqlite3 shell, a long DELETE, a CLI command that writes).  The
 * daemon's connection waits at most PW_STORE_LOOP_BUSY_MS in SQLite's busy handler
 * (store_wait.h), so the event loop keeps running, and units added with pw_batch_add() --
 * which carry an apply() that writes them, callable again -- are kept whole in memory:
 *   - BEGIN busy: the unit waits (not applied);
 *   - a write or the COMMIT busy: the transaction is rolled back (the store's dedup cache drops
 *     its write-behind state with it) and every unit of it waits again, in order;
 *   - a timer retries (50 ms, doubling to 3.2 s): BEGIN, apply() of every waiting unit in
 *     order into the one transaction -- each apply starts from the committed store, as the first
 *     did -- then COMMIT; done(arg, 1) for each only then.
 * While units wait, new units wait behind them (order kept); pw_batch_full() tells the
 * producers to stop starting work once they hold the item cap's number of items.  The lock is
 * logged once when it begins ("store locked by another connection, N items waiting; retrying")
 * and once when a commit gets through again (with how long it lasted); the on_lock hook hears
 * both.  pw_batch_abandon() gives up (shutdown after its grace): done(arg, 0) for each.
 * Units written between pw_batch_begin() and pw_batch_end() cannot be written again: a busy
 * failure ends them with done(arg, 0) as before.
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
struct pw_batch_unit;
/* Writes the unit into the open transaction and sets u->items and u->alerts (what it wrote).
 * May be called more than once (after a rollback for a locked store), each time against the
 * committed store with a fresh transaction: it must start from its own inputs, not from what
 * an earlier call wrote or counted.  0, or -1 after a failed write (pw_store_busy() tells a
 * locked store from a failing one). */
typedef int (*pw_batch_apply_fn)(void *arg, struct pw_store *s, struct pw_batch_unit *u);

struct pw_batch_unit {
	size_t items;            /* items written, counted against the item cap (pw_batch_add: an
				    upper bound until apply() sets it, for pw_batch_full()) */
	int alerts;              /* alerts recorded: on_commit runs after the commit */
	pw_batch_done_fn done;   /* may be NULL; called exactly once */
	void *arg;               /* owned by the caller; done() usually frees it */
};

/* s and base are borrowed and must outlive the batch. NULL if the timer cannot be created. */
struct pw_batch *pw_batch_new(struct event_base *base, struct pw_store *s);
/* Commits what is open (pw_batch_flush), abandons what still waits for a lock, and frees. */
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

/*
 * Adds a unit that writes itself (apply; the unit is copied).  Returns 0 when applied into
 * the open transaction (u is then done by a later COMMIT; it may be committed already), 1 when
 * it waits for a locked store (applied and committed later, from the retry timer), -1 when its
 * write failed (logged; the transaction was rolled back and done(arg, 0) has run for it and
 * every unit of that transaction).
 */
int pw_batch_add(struct pw_batch *b, const struct pw_batch_unit *u, pw_batch_apply_fn apply);
/* 1 while the store is locked by another connection and units wait for it. */
int pw_batch_locked(const struct pw_batch *b);
/* 1 while locked with at least the item cap's number of items (their upper bounds), or of units,
 * waiting:
 * start no new work that would add units (polls, page fetches) until it is 0 again. */
int pw_batch_full(const struct pw_batch *b);
/* Items (upper bounds) and units waiting, and for how long the store has been locked (ms); 0
 * when not locked. */
int pw_batch_lock_status(const struct pw_batch *b, size_t *items, size_t *units, int64_t *locked_ms);
/* Called with locked = 1 when the store becomes locked, 0 after the first commit after it
 * (after the units' done() and after_commit). */
void pw_batch_set_on_lock(struct pw_batch *b, void (*fn)(void *arg, int locked), void *arg);
/* Gives up on the waiting units (shutdown while the store stays locked): done(arg, 0) for each,
 * in order, one warning line.  Returns how many units were given up. */
size_t pw_batch_abandon(struct pw_batch *b);

/* Opens the transaction (BEGIN IMMEDIATE) unless one is open.  0, or -1 when the store refused
 * it (logged): the caller then ends its unit with ok = 0. */
int pw_batch_begin(struct pw_batch *b);
/* Ends a unit.  ok = 1: its writes stay in the transaction and u->done runs after the commit
 * (or after a later rollback).  ok = 0: the transaction is rolled back now and every unit in
 * it, this one included, gets done(arg, 0). */
void pw_batch_end(struct pw_batch *b, int ok, const struct pw_batch_unit *u);
/* Commits now if a transaction is open.  0 when committed (or nothing was open), -1 when the
 * COMMIT failed (rolled back, done(arg, 0) for each unit), 1 when the store is locked (units
 * wait: the retry timer commits them). */
int pw_batch_flush(struct pw_batch *b);
/* 1 while a transaction is open. */
int pw_batch_pending(const struct pw_batch *b);

#endif
