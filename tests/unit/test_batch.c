/* Unit tests: daemon/batch.c -- group commit on a real store: the window timer, the size cap,
 * all-or-nothing rollback on a failed write and on a failed COMMIT, hooks exactly once. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <sqlite3.h>

#include "batch.h"
#include "common.h"
#include "config.h"
#include "log.h"
#include "store.h"
#include "store_dedup_cache.h"
#include "store_int.h"
#include "tap.h"
#include "xmalloc.h"

static char tmpdir[256];

/* What the done() hooks saw, in call order: "name+" committed, "name-" rolled back. */
static char calls[4096];
static int on_commit_calls, after_calls;

struct unit {
	const char *name;
	struct pw_batch *b;      /* set: the hook writes a follow-up unit (re-entrancy) */
	struct pw_store *s;
	int64_t feed_id;
};

static void note(void *arg, int committed)
{
	struct unit *u = arg;
	size_t n = strlen(calls);
	snprintf(calls + n, sizeof calls - n, "%s%s ", u->name, committed ? "+" : "-");
}

static void count_commit(void *arg)
{
	(void)arg;
	on_commit_calls++;
}

/* after_commit: runs after the units' hooks, so it sees their effects in calls[] */
static void count_after(void *arg)
{
	(void)arg;
	after_calls++;
	size_t n = strlen(calls);
	snprintf(calls + n, sizeof calls - n, "after ");
}

/* Items as another process (the CLI) sees them: a separate connection, committed rows only. */
static int committed_items(const char *path)
{
	sqlite3 *db;
	int n = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, "SELECT count(*) FROM items", -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				n = sqlite3_column_int(st, 0);
			sqlite3_finalize(st);
		}
	}
	sqlite3_close(db);
	return n;
}

/* One unit: n items of a feed, as a poll writes them.  guid_base keeps guids apart. */
static int write_items(struct pw_batch *b, struct pw_store *s, int64_t feed_id, int n, int guid_base,
		       int alerts, struct unit *u)
{
	struct pw_batch_unit bu = { (size_t)n, alerts, note, u };
	if (pw_batch_begin(b) < 0) {
		pw_batch_end(b, 0, &bu);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char guid[64], url[128], title[128];
		snprintf(guid, sizeof guid, "item-%d", guid_base + i);
		snprintf(url, sizeof url, "https://news.example.org/politics/%d-parliament-session", guid_base + i);
		snprintf(title, sizeof title, "Parliament adjourns session %d without a budget vote", guid_base + i);
		struct pw_item it = { .feed_id = feed_id, .guid = guid, .url = url, .title = title,
				      .summary = "Deputies left the chamber after the speaker closed the sitting.",
				      .published = PW_NOTIME, .fetched = PW_NOTIME };
		if (pw_store_item_insert(s, &it) < 0) {
			pw_batch_end(b, 0, &bu);
			return -1;
		}
	}
	pw_batch_end(b, 1, &bu);
	return 0;
}

/* A batch whose window is long enough that only the test decides when it commits (the
 * window is also checked when a unit ends, and a sanitizer build on a loaded machine can take
 * 250 ms for a thousand inserts). */
static struct pw_batch *batch_new(struct event_base *base, struct pw_store *s, int window_ms)
{
	struct pw_batch *b = pw_batch_new(base, s);
	pw_batch_set_window_ms(b, window_ms);
	return b;
}

static void test_window(struct event_base *base, struct pw_store *s, const char *path, int64_t fa, int64_t fb)
{
	/* 2 s: room for the checks below before the timer, which dispatch then waits for */
	struct pw_batch *b = batch_new(base, s, 2000);
	pw_batch_set_on_commit(b, count_commit, NULL);
	pw_batch_set_after_commit(b, count_after, NULL);
	struct unit ua = { "a", NULL, NULL, 0 }, ub = { "b", NULL, NULL, 0 };
	calls[0] = 0;
	on_commit_calls = after_calls = 0;
	ok(write_items(b, s, fa, 3, 0, 0, &ua) == 0, "window: unit a (feed a, 3 items) written");
	ok(write_items(b, s, fb, 2, 100, 0, &ub) == 0, "window: unit b (feed b, 2 items) written");
	is_int(pw_batch_pending(b), 1, "window: one transaction open for both units");
	is_str(calls, "", "window: no hook before the commit");
	is_int(committed_items(path), 0, "window: nothing visible to another connection yet");
	is_int(pw_store_item_exists(s, fb, "item-101"), 1, "window: the own connection sees the open batch");

	/* the only pending event is the window timer: dispatch returns after it fired */
	event_base_dispatch(base);
	is_int(pw_batch_pending(b), 0, "window: committed by the timer");
	is_int(committed_items(path), 5, "window: all 5 items visible after the timer");
	is_str(calls, "a+ b+ after ", "window: hooks ran once each, in order, committed; then after_commit");
	is_int(on_commit_calls, 0, "window: no on_commit without alerts");

	/* alerts: on_commit before the units' hooks */
	struct unit uc = { "c", NULL, NULL, 0 };
	calls[0] = 0;
	ok(write_items(b, s, fa, 1, 200, 1, &uc) == 0, "alerts: unit with an alert written");
	is_int(pw_batch_flush(b), 0, "alerts: flush commits");
	is_int(on_commit_calls, 1, "alerts: on_commit ran once");
	is_str(calls, "c+ after ", "alerts: unit hook ran");
	is_int(pw_batch_flush(b), 0, "flush with nothing open: 0");
	is_int(on_commit_calls + after_calls, 1 + 2, "flush with nothing open: no hook");
	pw_batch_free(b);
}

/* A callback that ends many units keeps the loop (and the timer) away: the window is checked
 * when a unit ends. */
static void test_window_at_end(struct event_base *base, struct pw_store *s, const char *path, int64_t fa)
{
	struct pw_batch *b = batch_new(base, s, 50);
	int before = committed_items(path);
	struct unit u1 = { "early", NULL, NULL, 0 }, u2 = { "late", NULL, NULL, 0 };
	calls[0] = 0;
	write_items(b, s, fa, 1, 90000, 0, &u1);
	usleep(80 * 1000);   /* past the 50 ms window, without running the loop */
	is_int(pw_batch_pending(b), 1, "window at unit end: still open while no unit ended");
	write_items(b, s, fa, 1, 90001, 0, &u2);
	is_int(pw_batch_pending(b), 0, "window at unit end: the unit ending past the window commits");
	is_str(calls, "early+ late+ ", "window at unit end: both hooks ran");
	is_int(committed_items(path), before + 2, "window at unit end: both items committed");
	pw_batch_free(b);
}

static void test_size_cap(struct event_base *base, struct pw_store *s, const char *path, int64_t fa)
{
	struct pw_batch *b = batch_new(base, s, 600000);
	int before = committed_items(path);
	struct unit u1 = { "big1", NULL, NULL, 0 }, u2 = { "big2", NULL, NULL, 0 };
	calls[0] = 0;
	write_items(b, s, fa, PW_BATCH_MAX_ITEMS / 2, 1000, 0, &u1);
	is_int(pw_batch_pending(b), 1, "size cap: half the cap stays open");
	write_items(b, s, fa, PW_BATCH_MAX_ITEMS / 2, 1000 + PW_BATCH_MAX_ITEMS, 0, &u2);
	is_int(pw_batch_pending(b), 0, "size cap: committed by the unit that reached it");
	is_str(calls, "big1+ big2+ ", "size cap: hooks ran inside pw_batch_end");
	is_int(committed_items(path), before + PW_BATCH_MAX_ITEMS, "size cap: every item committed");
	pw_batch_free(b);
}

/* [store] commit_items: pw_batch_set_max_items moves the cap; a unit is never split. */
static void test_item_cap(struct event_base *base, struct pw_store *s, const char *path, int64_t fb)
{
	struct pw_batch *b = batch_new(base, s, 600000);
	int before = committed_items(path);
	struct unit ua = { "a", NULL, NULL, 0 }, ub = { "b", NULL, NULL, 0 }, uc = { "c", NULL, NULL, 0 },
		    ud = { "d", NULL, NULL, 0 }, ue = { "e", NULL, NULL, 0 };
	calls[0] = 0;
	pw_batch_set_max_items(b, 1);
	write_items(b, s, fb, 1, 900000, 0, &ua);
	is_int(pw_batch_pending(b), 0, "item cap 1: a unit of one item is committed at its end");
	is_int(committed_items(path), before + 1, "item cap 1: visible to another connection at once");
	write_items(b, s, fb, 3, 900001, 0, &ub);
	is_int(pw_batch_pending(b), 0, "item cap 1: a unit of 3 items is committed at its end");
	is_int(committed_items(path), before + 4, "item cap 1: the unit's 3 items committed together (not split)");
	is_str(calls, "a+ b+ ", "item cap 1: one commit per unit");

	pw_batch_set_max_items(b, 3);
	calls[0] = 0;
	write_items(b, s, fb, 2, 900010, 0, &uc);
	is_int(pw_batch_pending(b), 1, "item cap 3: 2 items stay open");
	write_items(b, s, fb, 1, 900020, 0, &ud);
	is_int(pw_batch_pending(b), 0, "item cap 3: the third item commits");
	is_str(calls, "c+ d+ ", "item cap 3: both units in one commit");

	pw_batch_set_max_items(b, 0);
	calls[0] = 0;
	write_items(b, s, fb, 3, 900030, 0, &ue);
	is_int(pw_batch_pending(b), 1, "item cap 0: back to PW_BATCH_MAX_ITEMS, 3 items stay open");
	pw_batch_flush(b);
	is_str(calls, "e+ ", "item cap 0: committed by the flush");
	is_int(committed_items(path), before + 10, "item cap: all 10 items committed");
	pw_batch_free(b);
}

/* presswatch.conf's defaults for [store] commit_interval and commit_items are this file's. */
static void test_config_defaults(void)
{
	char *path = xasprintf("%s/defaults.conf", tmpdir);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs("[include]\nfeeds =\ntopics =\n", f);
		fclose(f);
	}
	struct pw_errlist errs = { 0 };
	struct pw_config *c = pw_config_load(path, &errs);
	ok(c != NULL, "a config of defaults loads");
	if (c) {
		is_int(c->commit_interval_ms, PW_BATCH_WINDOW_MS, "default commit_interval = PW_BATCH_WINDOW_MS");
		is_int(c->commit_items, PW_BATCH_MAX_ITEMS, "default commit_items = PW_BATCH_MAX_ITEMS");
	}
	pw_config_free(c);
	pw_errlist_free(&errs);
	unlink(path);
	free(path);
}

/* A done hook that writes more: it goes into a new transaction. */
static void chain(void *arg, int committed)
{
	struct unit *u = arg;
	note(arg, committed);
	if (committed) {
		static struct unit follow = { "follow", NULL, NULL, 0 };
		write_items(u->b, u->s, u->feed_id, 1, 50000, 0, &follow);
	}
}

static void test_reentrant(struct event_base *base, struct pw_store *s, const char *path, int64_t fa)
{
	struct pw_batch *b = batch_new(base, s, 600000);
	struct unit u = { "first", b, s, fa };
	struct pw_batch_unit bu = { 1, 0, chain, &u };
	int before = committed_items(path);
	calls[0] = 0;
	pw_batch_begin(b);
	pw_batch_end(b, 1, &bu);
	pw_batch_flush(b);
	is_str(calls, "first+ ", "re-entrant: first committed");
	is_int(pw_batch_pending(b), 1, "re-entrant: the hook's unit opened a new transaction");
	pw_batch_flush(b);
	is_str(calls, "first+ follow+ ", "re-entrant: the follow-up committed by the next flush");
	is_int(committed_items(path), before + 1, "re-entrant: one item (the first unit wrote none)");
	pw_batch_free(b);
}

static void test_failed_write(struct event_base *base, struct pw_store *s, const char *path, int64_t fa,
			      int64_t fb)
{
	struct pw_batch *b = batch_new(base, s, 600000);
	int before = committed_items(path);
	struct unit ua = { "a", NULL, NULL, 0 }, ub = { "b", NULL, NULL, 0 }, ux = { "x", NULL, NULL, 0 };
	calls[0] = 0;
	write_items(b, s, fa, 2, 60000, 0, &ua);
	write_items(b, s, fb, 2, 60100, 0, &ub);
	/* unit x fails a write: a feed id that does not exist (foreign key) */
	ok(write_items(b, s, 987654, 1, 60200, 0, &ux) < 0, "failed write: unit x fails");
	is_int(pw_batch_pending(b), 0, "failed write: no transaction left open");
	is_str(calls, "a- b- x- ", "failed write: every unit rolled back, each hook once, in order");
	is_int(pw_store_item_exists(s, fa, "item-60000"), 0, "failed write: unit a's item is gone");
	is_int(committed_items(path), before, "failed write: nothing committed");
	/* the store is usable again */
	struct unit uc = { "c", NULL, NULL, 0 };
	calls[0] = 0;
	write_items(b, s, fa, 1, 60300, 0, &uc);
	pw_batch_flush(b);
	is_str(calls, "c+ ", "after a rollback the next batch commits");
	is_int(committed_items(path), before + 1, "after a rollback: its item is stored");
	pw_batch_free(b);
}

/* COMMIT itself fails (as on a full disk): here a deferred foreign key, checked at COMMIT. */
static void test_failed_commit(struct event_base *base, struct pw_store *s, const char *path, int64_t fa,
			       int64_t fb)
{
	struct pw_batch *b = batch_new(base, s, 600000);
	int before = committed_items(path);
	struct unit ua = { "a", NULL, NULL, 0 }, ub = { "b", NULL, NULL, 0 }, ux = { "x", NULL, NULL, 0 };
	calls[0] = 0;
	on_commit_calls = 0;
	pw_batch_set_on_commit(b, count_commit, NULL);
	write_items(b, s, fa, 2, 70000, 1, &ua);
	ok(sqlite3_exec(pw_store_db(s), "PRAGMA defer_foreign_keys = ON", NULL, NULL, NULL) == SQLITE_OK,
	   "failed commit: foreign keys deferred to COMMIT");
	write_items(b, s, fb, 2, 70100, 0, &ub);
	ok(write_items(b, s, 987654, 1, 70200, 0, &ux) == 0, "failed commit: the bad write itself succeeds");
	is_str(calls, "", "failed commit: no hook yet");
	is_int(pw_batch_flush(b), -1, "failed commit: flush reports the failed COMMIT");
	is_int(pw_batch_pending(b), 0, "failed commit: no transaction left open");
	is_str(calls, "a- b- x- ", "failed commit: all three units (two feeds) rolled back, hooks once each");
	is_int(on_commit_calls, 0, "failed commit: no alert emission");
	is_int(committed_items(path), before, "failed commit: nothing committed");
	is_int(pw_store_item_exists(s, fb, "item-70100"), 0, "failed commit: nothing left in the own connection");
	struct unit uc = { "c", NULL, NULL, 0 };
	calls[0] = 0;
	write_items(b, s, fb, 1, 70300, 0, &uc);
	is_int(pw_batch_flush(b), 0, "after a failed commit the next batch commits");
	is_int(committed_items(path), before + 1, "after a failed commit: its item is stored");
	pw_batch_free(b);
}

static void test_free_commits(struct event_base *base, struct pw_store *s, const char *path, int64_t fa)
{
	struct pw_batch *b = batch_new(base, s, 600000);
	int before = committed_items(path);
	struct unit u = { "last", NULL, NULL, 0 };
	calls[0] = 0;
	write_items(b, s, fa, 2, 80000, 0, &u);
	pw_batch_free(b);
	is_str(calls, "last+ ", "free: the open batch is committed, hook once");
	is_int(committed_items(path), before + 2, "free: its items are stored");
}

/* --- a store locked by another connection ------------------------------------------------ */

/* One integer from a separate connection: what is committed. */
static int64_t committed_int(const char *path, const char *sql)
{
	sqlite3 *db;
	int64_t n = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
			if (sqlite3_step(st) == SQLITE_ROW)
				n = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
		}
	}
	sqlite3_close(db);
	return n;
}

/* A unit that writes itself (pw_batch_add): n items, and with terms one more document
 * counted in the dedup cache's write-behind term_df.  poison_left > 0: its write fails with
 * SQLITE_LOCKED that many times (a DROP TABLE while a statement of the same connection still
 * reads: "database table is locked"), as a statement of a batch that meets a lock does. */
struct wunit {
	struct unit u;
	int n, guid_base;
	int terms;
	int poison_left;
	int applied;             /* apply() calls */
	int lock_calls[2];       /* on_lock(1), on_lock(0) */
};

static int wapply(void *arg, struct pw_store *s, struct pw_batch_unit *bu)
{
	struct wunit *w = arg;
	w->applied++;
	if (w->poison_left > 0) {
		w->poison_left--;
		sqlite3 *db = pw_store_db(s);
		sqlite3_stmt *rd = NULL, *drop = NULL;
		int rc = sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS poison(x)", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_prepare_v2(db, "SELECT id FROM feeds", -1, &rd, NULL);
		if (rc == SQLITE_OK && sqlite3_step(rd) == SQLITE_ROW &&
		    sqlite3_prepare_v2(db, "DROP TABLE poison", -1, &drop, NULL) == SQLITE_OK)
			sqlite3_step(drop);
		pw_store_fail(s, "test write");   /* reads the connection's last error: LOCKED */
		sqlite3_finalize(drop);
		sqlite3_finalize(rd);
		return -1;
	}
	for (int i = 0; i < w->n; i++) {
		char guid[64], title[128];
		snprintf(guid, sizeof guid, "locked-%d", w->guid_base + i);
		snprintf(title, sizeof title, "Customs post reopens after %d days of talks", w->guid_base + i);
		struct pw_item it = { .feed_id = w->u.feed_id, .guid = guid, .title = title,
				      .summary = "Trucks crossed the border for the first time since spring.",
				      .published = PW_NOTIME, .fetched = PW_NOTIME };
		if (pw_store_item_insert(s, &it) != 1)
			return -1;
	}
	if (w->terms) {
		const uint64_t ids[3] = { 9000001, 9000002, 9000003 };
		if (pw_dcache_df_add(s, ids, 3) < 0)
			return -1;
	}
	bu->items = (size_t)w->n;
	return 0;
}

static void on_lock_note(void *arg, int locked)
{
	struct wunit *w = arg;
	w->lock_calls[locked ? 0 : 1]++;
}

/* Runs the loop until the batch is unlocked (at most ~10 s). */
static void run_until_unlocked(struct event_base *base, struct pw_batch *b)
{
	for (int i = 0; i < 200 && pw_batch_locked(b); i++) {
		struct timeval tv = { 0, 50 * 1000 };
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
}

static int64_t mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Another connection holds the write lock: BEGIN fails after the short wait, the units wait in
 * memory, the loop runs, and the retry timer commits them all once the lock is gone. */
static void test_locked_begin(struct event_base *base, struct pw_store *s, const char *path, int64_t fa)
{
	struct pw_batch *b = batch_new(base, s, 60000);
	struct wunit w[3] = {
		{ { "l1", NULL, s, fa }, 2, 1000, 0, 0, 0, { 0, 0 } },
		{ { "l2", NULL, s, fa }, 3, 1100, 0, 0, 0, { 0, 0 } },
		{ { "l3", NULL, s, fa }, 1, 1200, 0, 0, 0, { 0, 0 } },
	};
	pw_batch_set_on_lock(b, on_lock_note, &w[0]);
	calls[0] = 0;
	int before = committed_items(path);
	sqlite3 *o;
	int locked = sqlite3_open(path, &o) == SQLITE_OK && sqlite3_exec(o, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
	ok(locked, "locked: another connection holds the write lock");
	pw_store_set_busy_wait(s, 20);
	int64_t t0 = mono_ms();
	int r[3];
	for (int i = 0; i < 3; i++) {
		struct pw_batch_unit bu = { (size_t)w[i].n, 0, note, &w[i].u };
		r[i] = pw_batch_add(b, &bu, wapply);
	}
	int64_t took = mono_ms() - t0;
	ok(r[0] == 1 && r[1] == 1 && r[2] == 1, "locked: the three units wait (pw_batch_add returns 1)");
	/* the old 5 s busy timeout per batch is what this guards against, not a speed figure */
	ok(took < 2500, "locked: adding them did not sit in SQLite's busy wait (%lld ms)", (long long)took);
	is_int(w[0].applied + w[1].applied + w[2].applied, 0, "locked: nothing applied while BEGIN is refused");
	is_int(pw_batch_locked(b), 1, "locked: pw_batch_locked");
	is_int(w[0].lock_calls[0], 1, "locked: on_lock(1) once");
	size_t items = 0, units = 0;
	int64_t ms = 0;
	int st = pw_batch_lock_status(b, &items, &units, &ms);
	ok(st && items == 6 && units == 3,
	   "locked: status reports 6 items of 3 units waiting (%zu, %zu)", items, units);
	pw_batch_set_max_items(b, 6);
	is_int(pw_batch_full(b), 1, "locked: 6 waiting items reach a cap of 6: full");
	pw_batch_set_max_items(b, 0);
	is_int(pw_batch_full(b), 0, "locked: under the default cap: not full");
	is_int(pw_batch_flush(b), 1, "locked: flush says the units wait (1)");
	/* the loop keeps running: a few retries fail while the lock is held */
	for (int i = 0; i < 6; i++) {
		struct timeval tv = { 0, 50 * 1000 };
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
	is_int(pw_batch_locked(b), 1, "locked: still waiting after 300 ms of loop");
	is_str(calls, "", "locked: no unit done yet");
	is_int(committed_items(path), before, "locked: nothing committed");
	sqlite3_exec(o, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(o);
	run_until_unlocked(base, b);
	is_int(pw_batch_locked(b), 0, "released: the retry timer got through");
	is_str(calls, "l1+ l2+ l3+ ", "released: every unit committed once, in order");
	is_int(committed_items(path), before + 6, "released: exactly the 6 items are committed");
	is_int(w[0].applied + w[1].applied + w[2].applied, 3, "released: each unit written once");
	is_int(w[0].lock_calls[1], 1, "released: on_lock(0) once");
	pw_store_set_busy_wait(s, 0);
	pw_batch_free(b);
}

/* A statement of the batch meets a lock after other units were written: the transaction is
 * rolled back -- the dedup cache's write-behind term_df with it -- and written again whole. */
static void test_locked_write(struct event_base *base, struct pw_store *s, const char *path, int64_t fb)
{
	static const char df_sql[] = "SELECT coalesce((SELECT sum(df) FROM term_df WHERE term BETWEEN 9000001 AND 9000003), 0)";
	static const char docs_sql[] = "SELECT value FROM dedup_stats WHERE name = 'documents'";
	struct pw_batch *b = batch_new(base, s, 60000);
	struct wunit a = { { "w1", NULL, s, fb }, 4, 2000, 1, 0, 0, { 0, 0 } };
	struct wunit p = { { "w2", NULL, s, fb }, 1, 2100, 0, 1, 0, { 0, 0 } };
	pw_batch_set_on_lock(b, on_lock_note, &a);
	pw_store_set_busy_wait(s, 20);
	calls[0] = 0;
	int before = committed_items(path);
	int64_t df0 = committed_int(path, df_sql), docs0 = committed_int(path, docs_sql);
	struct pw_batch_unit ba = { 4, 0, note, &a.u }, bp = { 1, 0, note, &p.u };
	is_int(pw_batch_add(b, &ba, wapply), 0, "locked write: the first unit is written into the open transaction");
	is_int(pw_batch_add(b, &bp, wapply), 1, "locked write: the unit whose statement meets the lock waits");
	is_int(pw_batch_pending(b), 0, "locked write: the transaction was rolled back");
	is_int(pw_batch_locked(b), 1, "locked write: both units wait");
	is_int(a.lock_calls[0], 1, "locked write: on_lock(1) once");
	is_int(committed_int(path, df_sql), df0, "locked write: no term_df row written");
	run_until_unlocked(base, b);
	is_str(calls, "w1+ w2+ ", "locked write: both units committed once, in order");
	is_int(a.applied, 2, "locked write: the first unit was written again after the rollback");
	is_int(p.applied, 2, "locked write: the failing unit was written again");
	is_int(committed_items(path), before + 5, "locked write: exactly 5 items committed");
	is_int(committed_int(path, df_sql), df0 + 3, "locked write: term_df counts the document once (3 terms)");
	is_int(committed_int(path, docs_sql), docs0 + 1, "locked write: one more document counted, not two");
	is_int(a.lock_calls[1], 1, "locked write: on_lock(0) once");
	pw_store_set_busy_wait(s, 0);
	pw_batch_free(b);
}

/* Shutdown while the lock stays: pw_batch_abandon ends the waiting units with done(0). */
static void test_locked_abandon(struct event_base *base, struct pw_store *s, const char *path, int64_t fa)
{
	struct pw_batch *b = batch_new(base, s, 60000);
	struct wunit w = { { "g1", NULL, s, fa }, 2, 3000, 0, 0, 0, { 0, 0 } };
	calls[0] = 0;
	int before = committed_items(path);
	sqlite3 *o;
	int locked = sqlite3_open(path, &o) == SQLITE_OK && sqlite3_exec(o, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
	ok(locked, "abandon: another connection holds the write lock");
	pw_store_set_busy_wait(s, 20);
	struct pw_batch_unit bu = { 2, 0, note, &w.u };
	is_int(pw_batch_add(b, &bu, wapply), 1, "abandon: the unit waits");
	is_int(pw_batch_abandon(b), 1, "abandon: one unit given up");
	is_str(calls, "g1- ", "abandon: its done(0) ran once");
	is_int(pw_batch_locked(b), 0, "abandon: nothing waits any more");
	sqlite3_exec(o, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(o);
	is_int(committed_items(path), before, "abandon: nothing of it committed");
	is_int(pw_batch_add(b, &bu, wapply), 0, "abandon: the store takes the next unit again");
	is_int(pw_batch_flush(b), 0, "abandon: and commits it");
	is_int(committed_items(path), before + 2, "abandon: 2 items committed then");
	pw_store_set_busy_wait(s, 0);
	pw_batch_free(b);
}

static void quiet(int level, const char *msg, void *arg)
{
	(void)level, (void)msg, (void)arg;
}

int main(void)
{
	const char *t = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/pwbatch.XXXXXX", t ? t : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 99;
	}
	pw_log_set_hook(quiet, NULL);  /* the failures below log, on purpose */
	char *path = xasprintf("%s/batch.db", tmpdir);
	char err[512];
	struct pw_store *s = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	ok(s != NULL, "store opened: %s", s ? "" : err);
	struct event_base *base = event_base_new();
	if (!s || !base)
		return done_testing();
	pw_store_begin(s);
	int64_t fa = pw_store_feed_sync(s, "civil-ge", "https://civil.example.ge/feed/", "Civil.ge", 0, 1);
	int64_t fb = pw_store_feed_sync(s, "jamnews", "https://jam-news.example.net/feed/", "JAMnews", 0, 1);
	pw_store_commit(s);
	ok(fa > 0 && fb > 0, "two feeds");

	test_window(base, s, path, fa, fb);
	test_window_at_end(base, s, path, fa);
	test_size_cap(base, s, path, fa);
	test_item_cap(base, s, path, fb);
	test_config_defaults();
	test_reentrant(base, s, path, fa);
	test_failed_write(base, s, path, fa, fb);
	test_failed_commit(base, s, path, fa, fb);
	test_free_commits(base, s, path, fa);
	test_locked_begin(base, s, path, fa);
	test_locked_write(base, s, path, fb);
	test_locked_abandon(base, s, path, fa);

	pw_store_close(s);
	event_base_free(base);
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpdir);
	free(cmd);
	free(path);
	return done_testing();
}
