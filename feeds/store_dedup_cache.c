/* store_dedup_cache.c -- in-memory layer over term_df, stories and story_terms (see the header). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "log.h"
#include "shingle.h"
#include "store_dedup_cache.h"
#include "store_int.h"
#include "u64map.h"
#include "xmalloc.h"

/* Budgets, checked after each flush; a part over its budget is dropped whole.  About 2 MB,
 * 6 MB and 4 MB at most: the daemon stays under its 64 MB peak-RSS target at 10,000 feeds. */
#define DF_BUDGET 65536          /* term_df entries */
#define POSTINGS_BUDGET 131072   /* cached postings, all terms */
#define STORIES_BUDGET 4096      /* stories */
#define ITEM_VECS_BUDGET 2048    /* item vectors; the newest half is kept when over */

#define DF_DIRTY (UINT64_C(1) << 63)

struct posting {
	int64_t t, item_id, story_id;
};

/* The latest postings of one term, oldest first (t, then item id, ascending), so the usual
 * insert -- the newest item -- appends.  complete: every posting of the term is here; else
 * every posting with t > floor_t is. */
struct plist {
	int complete;
	int64_t floor_t;
	size_t n, cap;
	struct posting *v;
};

struct story_ent {
	int exists;               /* 0: no such story (a cached miss) */
	struct pw_story_vec c;    /* the centroid, as the table holds it plus this transaction's joins */
	int dirty, centroid_dirty;
	int64_t count_add, first_min, last_max; /* unflushed joins */
};

struct pw_dedup_cache {
	int64_t data_version;
	struct pw_u64map df;      /* term -> df | DF_DIRTY */
	size_t df_dirty;
	int64_t ndocs;
	int ndocs_state;          /* 0 unknown, 1 read, 2 changed */
	struct pw_u64map terms;   /* term -> struct plist * */
	size_t npostings;
	struct pw_u64map stories; /* id -> struct story_ent * */
	size_t stories_dirty;
	struct pw_u64map item_vecs; /* item id -> struct vec_ent * */
	struct lsh_filter *lsh;   /* NULL until first used */
	/* dedup_stats 'lsh_version', bumped by every commit that adds lsh rows: the filter holds
	 * every pair of that version (lsh_version_known), and the saved copy (table lsh_filter)
	 * is used only when its version is the store's.  lsh_tx: this transaction added pairs. */
	int64_t lsh_version;
	int lsh_version_known, lsh_tx, lsh_saved;
	int lsh_bumped;           /* flushed a new version not yet known to be committed */
};

/* A Bloom filter over the (band, key) pairs of the lsh table, two bits per pair.  Nearly all
 * of an item's 21 band lookups find nothing; a clear bit answers that without a B-tree probe.
 * Built by one scan of the table at first use, 16 bits per stored pair (1.4% false positives)
 * up to LSH_FILTER_MAX_BITS; rebuilt larger when the pairs added outgrow it, up to that size,
 * after which false positives only cost the probe the filter would have saved. */
#define LSH_FILTER_MIN_BITS (UINT64_C(1) << 20)   /* 128 KiB */
#define LSH_FILTER_MAX_BITS (UINT64_C(1) << 25)   /* 4 MiB */
#define LSH_FILTER_FORMAT 1   /* lsh_bits()'s hashing; a saved filter of another is not used */
struct lsh_filter {
	uint64_t *bits;
	uint64_t nbits;     /* a power of two */
	uint64_t pairs;     /* pairs set (scanned + added) */
};

struct vec_ent {
	int exists;
	struct pw_story_vec v;
};

/* --- lifecycle ------------------------------------------------------------------------------ */

static void free_plist(void *arg, uint64_t key, uint64_t *val)
{
	(void)arg;
	(void)key;
	struct plist *p = (struct plist *)(uintptr_t)*val;
	free(p->v);
	free(p);
}

static void free_story(void *arg, uint64_t key, uint64_t *val)
{
	(void)arg;
	(void)key;
	struct story_ent *e = (struct story_ent *)(uintptr_t)*val;
	pw_story_vec_free(&e->c);
	free(e);
}

static void free_vec_ent(void *arg, uint64_t key, uint64_t *val)
{
	(void)arg;
	(void)key;
	struct vec_ent *e = (struct vec_ent *)(uintptr_t)*val;
	pw_story_vec_free(&e->v);
	free(e);
}

static void drop_item_vecs(struct pw_dedup_cache *c)
{
	pw_u64map_each(&c->item_vecs, free_vec_ent, NULL);
	pw_u64map_clear(&c->item_vecs);
}

static void drop_lsh(struct pw_dedup_cache *c)
{
	if (c->lsh) {
		free(c->lsh->bits);
		free(c->lsh);
		c->lsh = NULL;
	}
}

static void drop_df(struct pw_dedup_cache *c)
{
	pw_u64map_clear(&c->df);
	c->df_dirty = 0;
	c->ndocs_state = 0;
}

static void drop_postings(struct pw_dedup_cache *c)
{
	pw_u64map_each(&c->terms, free_plist, NULL);
	pw_u64map_clear(&c->terms);
	c->npostings = 0;
}

static void drop_stories(struct pw_dedup_cache *c)
{
	pw_u64map_each(&c->stories, free_story, NULL);
	pw_u64map_clear(&c->stories);
	c->stories_dirty = 0;
}

/* Everything read from the tables; the LSH filter, whose extra bits are only false
 * positives, is the caller's to keep or drop. */
static void drop_tables(struct pw_dedup_cache *c)
{
	drop_df(c);
	drop_postings(c);
	drop_stories(c);
	drop_item_vecs(c);
}

static void drop_all(struct pw_dedup_cache *c)
{
	drop_tables(c);
	drop_lsh(c);
}

void pw_dcache_free(struct pw_dedup_cache *c)
{
	if (!c)
		return;
	drop_all(c);
	free(c);
}

/* A dedup_stats counter: 0 when the row is absent. */
static int read_stat(struct pw_store *s, const char *name, int64_t *v, const char *what)
{
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT value FROM dedup_stats WHERE name = ?1");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return pw_store_fail(s, what);
	return 0;
}

static int read_lsh_version(struct pw_store *s, int64_t *v)
{
	return read_stat(s, "lsh_version", v, "reading the LSH index version");
}

static int data_version(struct pw_store *s, int64_t *v)
{
	sqlite3_stmt *st = pw_store_stmt(s, "PRAGMA data_version");
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : pw_store_fail(s, "reading the data version");
}

/* The cache when it may be used (a read-write handle inside a transaction), else NULL. */
static struct pw_dedup_cache *cache(struct pw_store *s)
{
	struct pw_dedup_cache **slot = pw_store_dcache_slot(s);
	if (!slot || !pw_store_in_tx(s))
		return NULL;
	if (*slot == NULL) {
		struct pw_dedup_cache *c = xcalloc(1, sizeof *c);
		/* inside a write transaction nobody else commits: the version read now holds */
		if (data_version(s, &c->data_version) < 0) {
			free(c);
			return NULL;
		}
		*slot = c;
	}
	return *slot;
}

/* The cache for an operation that cannot do without it (writes, decoded stories and vectors):
 * NULL, with the error set, outside a transaction, on a read-only handle, or when it cannot be
 * set up. */
static struct pw_dedup_cache *need_cache(struct pw_store *s, const char *what)
{
	if (pw_store_require_tx(s, what) < 0)
		return NULL;
	if (!pw_store_dcache_slot(s)) {
		pw_store_failf(s, "%s: the store is open read-only", what);
		return NULL;
	}
	return cache(s);   /* NULL only when reading the data version failed: error set */
}

int pw_dcache_begin(struct pw_store *s)
{
	struct pw_dedup_cache **slot = pw_store_dcache_slot(s);
	if (!slot || !*slot)
		return 0;
	int64_t v;
	if (data_version(s, &v) < 0)
		return -1;
	struct pw_dedup_cache *c = *slot;
	c->lsh_bumped = 0;   /* no rollback came since the flush: that commit went through */
	if (v != c->data_version) {
		pw_debug("%s: the store changed under another connection; dedup cache dropped", pw_store_path(s));
		drop_tables(c);
		c->data_version = v;
		/* the filter stays if the other connection added no lsh rows (a scan of the whole
		 * index is seconds on a large store) */
		int64_t lv;
		if (read_lsh_version(s, &lv) < 0)
			return -1;
		if (!c->lsh_version_known || lv != c->lsh_version) {
			drop_lsh(c);
			c->lsh_version_known = 0;
		}
	}
	return 0;
}

void pw_dcache_drop(struct pw_store *s)
{
	struct pw_dedup_cache **slot = pw_store_dcache_slot(s);
	if (slot && *slot) {
		struct pw_dedup_cache *c = *slot;
		/* The LSH filter stays: bits of rolled-back rows are only false positives, and a
		 * rebuild scans the whole table (bench_dedup -s rolls back after every item). */
		drop_tables(c);
		/* a failed COMMIT bumped the version in memory only */
		if (c->lsh_bumped)
			c->lsh_version--;
		c->lsh_bumped = 0;
		c->lsh_tx = 0;
	}
}

/* --- flush ---------------------------------------------------------------------------------- */

struct kv {
	uint64_t key, val;
};

struct collect {
	struct kv *v;
	size_t n;
};

static void collect_df(void *arg, uint64_t key, uint64_t *val)
{
	struct collect *c = arg;
	if (*val & DF_DIRTY) {
		c->v[c->n].key = key;
		c->v[c->n++].val = *val & ~DF_DIRTY;
		*val &= ~DF_DIRTY;
	}
}

static void collect_story(void *arg, uint64_t key, uint64_t *val)
{
	struct collect *c = arg;
	struct story_ent *e = (struct story_ent *)(uintptr_t)*val;
	if (e->dirty) {
		c->v[c->n].key = key;
		c->v[c->n++].val = *val;
	}
}

/* SQLite orders INTEGER keys as signed: writing in that order walks each B-tree once. */
static int cmp_signed_key(const void *a, const void *b)
{
	int64_t x = (int64_t)((const struct kv *)a)->key, y = (int64_t)((const struct kv *)b)->key;
	return x < y ? -1 : x > y;
}

/* A commit that adds lsh rows gives the index a new version: a filter saved before (or built
 * by another connection) no longer holds every pair. */
static int flush_lsh_version(struct pw_store *s, struct pw_dedup_cache *c)
{
	if (!c->lsh_tx)
		return 0;
	int64_t v;
	if (read_lsh_version(s, &v) < 0)
		return -1;
	sqlite3_stmt *st = pw_store_stmt(s, "INSERT OR REPLACE INTO dedup_stats(name, value) VALUES ('lsh_version', ?1)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, v + 1);
	if (pw_store_step_done(s, st, "writing the LSH index version") < 0)
		return -1;
	/* the filter held version v plus these pairs: it holds v + 1 (if it held v) */
	c->lsh_version_known = c->lsh_version_known && c->lsh_version == v;
	c->lsh_version = v + 1;
	c->lsh_bumped = 1;
	c->lsh_tx = 0;
	return 0;
}

static int flush_df(struct pw_store *s, struct pw_dedup_cache *c)
{
	if (c->df_dirty) {
		struct collect col = { xreallocarray(NULL, c->df_dirty, sizeof *col.v), 0 };
		pw_u64map_each(&c->df, collect_df, &col);
		c->df_dirty = 0;
		qsort(col.v, col.n, sizeof *col.v, cmp_signed_key);
		sqlite3_stmt *st = pw_store_stmt(s, "INSERT INTO term_df(term, df) VALUES (?1, ?2) "
						    "ON CONFLICT(term) DO UPDATE SET df = excluded.df");
		for (size_t i = 0; st && i < col.n; i++) {
			sqlite3_bind_int64(st, 1, (sqlite3_int64)col.v[i].key);
			sqlite3_bind_int64(st, 2, (sqlite3_int64)col.v[i].val);
			if (pw_store_step_done(s, st, "writing document frequencies") < 0)
				st = NULL;
		}
		free(col.v);
		if (!st)
			return -1;
	}
	if (c->ndocs_state == 2) {
		sqlite3_stmt *st = pw_store_stmt(s, "INSERT OR REPLACE INTO dedup_stats(name, value) VALUES ('documents', ?1)");
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, c->ndocs);
		if (pw_store_step_done(s, st, "writing the document count") < 0)
			return -1;
		c->ndocs_state = 1;
	}
	return 0;
}

static int flush_stories(struct pw_store *s, struct pw_dedup_cache *c)
{
	if (c->stories_dirty == 0)
		return 0;
	struct collect col = { xreallocarray(NULL, c->stories_dirty, sizeof *col.v), 0 };
	pw_u64map_each(&c->stories, collect_story, &col);
	c->stories_dirty = 0;
	qsort(col.v, col.n, sizeof *col.v, cmp_signed_key);
	sqlite3_stmt *st = pw_store_stmt(s,
		"UPDATE stories SET item_count = item_count + ?2, first_seen = MIN(first_seen, ?3), "
		"last_seen = MAX(last_seen, ?4), centroid = CASE WHEN ?5 IS NULL THEN centroid ELSE ?5 END, "
		"centroid_items = CASE WHEN ?5 IS NULL THEN centroid_items ELSE ?6 END WHERE id = ?1");
	for (size_t i = 0; st && i < col.n; i++) {
		struct story_ent *e = (struct story_ent *)(uintptr_t)col.v[i].val;
		uint8_t *blob = NULL;
		size_t len = 0;
		sqlite3_bind_int64(st, 1, (sqlite3_int64)col.v[i].key);
		sqlite3_bind_int64(st, 2, e->count_add);
		sqlite3_bind_int64(st, 3, e->first_min);
		sqlite3_bind_int64(st, 4, e->last_max);
		if (e->centroid_dirty) {
			len = pw_story_vec_pack(&e->c, &blob);
			sqlite3_bind_blob(st, 5, blob, (int)len, SQLITE_TRANSIENT);
			free(blob);
		} else {
			sqlite3_bind_null(st, 5);
		}
		sqlite3_bind_int64(st, 6, e->c.items);
		if (pw_store_step_done(s, st, "updating a story") < 0)
			st = NULL;
		e->dirty = e->centroid_dirty = 0;
		e->count_add = 0;
	}
	free(col.v);
	return st ? 0 : -1;
}

struct keys {
	uint64_t *v;
	size_t n;
};

static void collect_key(void *arg, uint64_t key, uint64_t *val)
{
	(void)val;
	struct keys *k = arg;
	k->v[k->n++] = key;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Keeps the newest half of the item vectors (item ids grow with time, and the items a new
 * one is compared with are the latest of their stories). */
static void trim_item_vecs(struct pw_dedup_cache *c)
{
	struct keys k = { xreallocarray(NULL, c->item_vecs.n, sizeof *k.v), 0 };
	pw_u64map_each(&c->item_vecs, collect_key, &k);
	qsort(k.v, k.n, sizeof *k.v, cmp_u64);
	struct pw_u64map keep = { 0 };
	for (size_t i = 0; i < k.n; i++) {
		uint64_t *v = pw_u64map_get(&c->item_vecs, k.v[i]);
		if (i < k.n - ITEM_VECS_BUDGET / 2)
			free_vec_ent(NULL, k.v[i], v);
		else
			*pw_u64map_put(&keep, k.v[i], NULL) = *v;
	}
	free(k.v);
	pw_u64map_clear(&c->item_vecs);
	c->item_vecs = keep;
}

int pw_dcache_flush(struct pw_store *s)
{
	struct pw_dedup_cache **slot = pw_store_dcache_slot(s);
	if (!slot || !*slot)
		return 0;
	struct pw_dedup_cache *c = *slot;
	if (flush_df(s, c) < 0 || flush_stories(s, c) < 0 || flush_lsh_version(s, c) < 0)
		return -1;
	if (c->df.n > DF_BUDGET)
		drop_df(c);
	if (c->npostings > POSTINGS_BUDGET)
		drop_postings(c);
	if (c->stories.n > STORIES_BUDGET)
		drop_stories(c);
	if (c->item_vecs.n > ITEM_VECS_BUDGET)
		trim_item_vecs(c);
	return 0;
}

int pw_dcache_forget(struct pw_store *s)
{
	struct pw_dedup_cache **slot = pw_store_dcache_slot(s);
	if (!slot || !*slot)
		return 0;
	struct pw_dedup_cache *c = *slot;
	/* the dirty rows first: dropping them would lose this transaction's joins and counts */
	if (flush_df(s, c) < 0 || flush_stories(s, c) < 0)
		return -1;
	drop_tables(c);
	return 0;
}

/* --- document frequencies ------------------------------------------------------------------- */

/* df of one term from the table: 0 when absent; -1 on error. */
static int64_t read_df(struct pw_store *s, uint64_t id)
{
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT df FROM term_df WHERE term = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	int rc = sqlite3_step(st);
	int64_t df = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return pw_store_fail(s, "reading document frequencies");
	return df;
}

/* The cache slot of term id, read from the table on a miss; NULL on error. */
static uint64_t *df_slot(struct pw_store *s, struct pw_dedup_cache *c, uint64_t id)
{
	int created;
	uint64_t *v = pw_u64map_get(&c->df, id);
	if (v)
		return v;
	int64_t df = read_df(s, id);
	if (df < 0)
		return NULL;
	v = pw_u64map_put(&c->df, id, &created);
	*v = (uint64_t)df;
	return v;
}

int pw_dcache_df(struct pw_store *s, const uint64_t *ids, size_t n, int64_t *df)
{
	struct pw_dedup_cache *c = cache(s);
	for (size_t i = 0; i < n; i++) {
		if (c) {
			uint64_t *v = df_slot(s, c, ids[i]);
			if (!v)
				return -1;
			df[i] = (int64_t)(*v & ~DF_DIRTY);
		} else if ((df[i] = read_df(s, ids[i])) < 0) {
			return -1;
		}
	}
	return 0;
}

static int read_ndocs(struct pw_store *s, int64_t *n)
{
	return read_stat(s, "documents", n, "reading the document count");
}

int pw_dcache_ndocs(struct pw_store *s, int64_t *ndocs)
{
	struct pw_dedup_cache *c = cache(s);
	if (!c)
		return read_ndocs(s, ndocs);
	if (c->ndocs_state == 0) {
		if (read_ndocs(s, &c->ndocs) < 0)
			return -1;
		c->ndocs_state = 1;
	}
	*ndocs = c->ndocs;
	return 0;
}

int64_t pw_dcache_df_add(struct pw_store *s, const uint64_t *ids, size_t n)
{
	struct pw_dedup_cache *c = need_cache(s, "counting document frequencies");
	int64_t ndocs;
	if (!c)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint64_t *v = df_slot(s, c, ids[i]);
		if (!v)
			return -1;
		if (!(*v & DF_DIRTY))
			c->df_dirty++;
		*v = ((*v & ~DF_DIRTY) + 1) | DF_DIRTY;
	}
	if (pw_dcache_ndocs(s, &ndocs) < 0)
		return -1;
	c->ndocs = ndocs + 1;
	c->ndocs_state = 2;
	return c->ndocs;
}

/* --- postings ------------------------------------------------------------------------------- */

#define POSTINGS_SQL_ORDER "ORDER BY t DESC, item_id DESC LIMIT ?"

static int posting_before(const struct posting *a, int64_t t, int64_t item_id)
{
	return a->t < t || (a->t == t && a->item_id < item_id);
}

/* term's latest postings from the table, as a new list (NULL on error). */
static struct plist *plist_read(struct pw_store *s, uint64_t term)
{
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT t, item_id, story_id FROM story_terms WHERE term = ?1 "
					    "ORDER BY t DESC, item_id DESC LIMIT ?2");
	if (!st)
		return NULL;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)term);
	sqlite3_bind_int(st, 2, PW_DCACHE_POSTINGS);
	struct posting rows[PW_DCACHE_POSTINGS];
	size_t n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < PW_DCACHE_POSTINGS) {
		rows[n].t = sqlite3_column_int64(st, 0);
		rows[n].item_id = sqlite3_column_int64(st, 1);
		rows[n].story_id = sqlite3_column_int64(st, 2);
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		pw_store_fail(s, "looking up candidate stories");
		return NULL;
	}
	struct plist *p = xcalloc(1, sizeof *p);
	p->complete = n < PW_DCACHE_POSTINGS;
	p->floor_t = n ? rows[n - 1].t : 0;
	p->cap = n > 16 ? n : 16;
	p->v = xreallocarray(NULL, p->cap, sizeof *p->v);
	for (size_t i = 0; i < n; i++)
		p->v[i] = rows[n - 1 - i];
	p->n = n;
	return p;
}

static struct plist *plist_load(struct pw_store *s, struct pw_dedup_cache *c, uint64_t term)
{
	uint64_t *v = pw_u64map_get(&c->terms, term);
	if (v)
		return (struct plist *)(uintptr_t)*v;
	struct plist *p = plist_read(s, term);
	if (!p)
		return NULL;
	c->npostings += p->n;
	*pw_u64map_put(&c->terms, term, NULL) = (uint64_t)(uintptr_t)p;
	return p;
}

static int postings_sql(struct pw_store *s, uint64_t term, int64_t lo, int64_t hi, int limit,
			pw_dcache_posting_fn fn, void *arg)
{
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT story_id, item_id FROM story_terms "
					    "WHERE term = ?1 AND t BETWEEN ?2 AND ?3 " POSTINGS_SQL_ORDER "4");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)term);
	sqlite3_bind_int64(st, 2, lo);
	sqlite3_bind_int64(st, 3, hi);
	sqlite3_bind_int(st, 4, limit);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : pw_store_fail(s, "looking up candidate stories");
}

int pw_dcache_postings(struct pw_store *s, uint64_t term, int64_t lo, int64_t hi, int limit,
		       pw_dcache_posting_fn fn, void *arg)
{
	struct pw_dedup_cache *c = cache(s);
	if (!c)
		return postings_sql(s, term, lo, hi, limit, fn, arg);
	struct plist *p = plist_load(s, c, term);
	if (!p)
		return -1;
	/* the postings to return are v[i..last), newest first; when the window reaches below
	 * floor_t of an incomplete list, the table may hold more: ask it.  (A cached posting of
	 * an incomplete list never has t < floor_t.) */
	size_t last, taken = 0, i = p->n;
	while (i > 0 && p->v[i - 1].t > hi)
		i--;
	last = i;
	while (i > 0 && p->v[i - 1].t >= lo && taken < (size_t)limit) {
		if (!p->complete && p->v[i - 1].t <= p->floor_t)
			return postings_sql(s, term, lo, hi, limit, fn, arg);
		i--;
		taken++;
	}
	if (taken < (size_t)limit && !p->complete && lo <= p->floor_t)
		return postings_sql(s, term, lo, hi, limit, fn, arg);
	for (size_t k = last; k > i; k--)
		fn(arg, p->v[k - 1].story_id, p->v[k - 1].item_id);
	return 0;
}

/* Puts a posting just inserted into term's cached list, if the list covers it. */
static void plist_insert(struct pw_dedup_cache *c, struct plist *p, int64_t t, int64_t item_id, int64_t story_id)
{
	if (!p->complete && t <= p->floor_t)
		return;   /* below what the list covers */
	size_t lo = 0, hi = p->n;  /* first position not before (t, item_id) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (posting_before(&p->v[mid], t, item_id))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (p->n == p->cap) {
		p->cap *= 2;
		p->v = xreallocarray(p->v, p->cap, sizeof *p->v);
	}
	memmove(&p->v[lo + 1], &p->v[lo], (p->n - lo) * sizeof *p->v);
	p->v[lo] = (struct posting){ t, item_id, story_id };
	p->n++;
	c->npostings++;
	if (p->n >= 2 * PW_DCACHE_POSTINGS) {
		/* keep the latest PW_DCACHE_POSTINGS; everything above the dropped ones stays */
		size_t drop = p->n - PW_DCACHE_POSTINGS;
		if (p->complete || p->v[drop - 1].t > p->floor_t)
			p->floor_t = p->v[drop - 1].t;
		p->complete = 0;
		memmove(p->v, p->v + drop, PW_DCACHE_POSTINGS * sizeof *p->v);
		p->n = PW_DCACHE_POSTINGS;
		c->npostings -= drop;
	}
}

int pw_dcache_postings_add(struct pw_store *s, const uint64_t *terms, size_t n, int64_t t, int64_t item_id,
			   int64_t story_id)
{
	if (n == 0)
		return 0;
	if (n > PW_DCACHE_ADD_MAX)
		return pw_store_failf(s, "indexing story terms: %zu terms at once (at most %d)", n, PW_DCACHE_ADD_MAX);
	/* one statement for the item's terms: a statement run per row costs about twice as much */
	char sql[64 + PW_DCACHE_ADD_MAX * 24];
	int len = snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO story_terms(term, t, item_id, story_id) VALUES ");
	for (size_t k = 0; k < n; k++)
		len += snprintf(sql + len, sizeof sql - (size_t)len, "%s(?%zu, ?%d, ?%d, ?%d)", k ? ", " : "", k + 1,
				PW_DCACHE_ADD_MAX + 1, PW_DCACHE_ADD_MAX + 2, PW_DCACHE_ADD_MAX + 3);
	sqlite3_stmt *st = pw_store_stmt(s, sql);
	if (!st)
		return -1;
	for (size_t k = 0; k < n; k++)
		sqlite3_bind_int64(st, (int)k + 1, (sqlite3_int64)terms[k]);
	sqlite3_bind_int64(st, PW_DCACHE_ADD_MAX + 1, t);
	sqlite3_bind_int64(st, PW_DCACHE_ADD_MAX + 2, item_id);
	sqlite3_bind_int64(st, PW_DCACHE_ADD_MAX + 3, story_id);
	if (pw_store_step_done(s, st, "indexing story terms") < 0)
		return -1;
	struct pw_dedup_cache *c = cache(s);
	if (!c)
		return 0;
	int all = sqlite3_changes(pw_store_db(s)) == (int)n;
	for (size_t k = 0; k < n; k++) {
		uint64_t *v = pw_u64map_get(&c->terms, terms[k]);
		if (!v)
			continue;   /* not cached: a later load reads the row */
		struct plist *p = (struct plist *)(uintptr_t)*v;
		if (all) {
			plist_insert(c, p, t, item_id, story_id);
		} else {
			/* some rows were there already (an item indexed twice): which ones is not
			 * known, so the list is read again */
			c->npostings -= p->n;
			struct plist *q = plist_read(s, terms[k]);
			if (!q)
				return -1;
			free(p->v);
			*p = *q;
			free(q);
			c->npostings += p->n;
		}
	}
	return 0;
}

/* --- stories -------------------------------------------------------------------------------- */

int pw_dedup_read_vec(struct pw_store *s, const char *sql, int64_t id, const char *what, struct pw_story_vec *v)
{
	sqlite3_stmt *st = pw_store_stmt(s, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st), found = 0;
	v->t = NULL;
	v->n = 0;
	v->items = 0;
	if (rc == SQLITE_ROW) {
		const void *blob = sqlite3_column_blob(st, 0);
		int len = sqlite3_column_bytes(st, 0);
		int64_t items = sqlite3_column_int64(st, 1);
		if (pw_story_vec_unpack(blob, (size_t)len, (uint32_t)(items > 0 ? items : 0), v) < 0) {
			pw_warn("%s: %s %lld: unreadable vector, treated as empty", pw_store_path(s), what, (long long)id);
			pw_story_vec_free(v);
		}
		found = 1;
	} else if (rc != SQLITE_DONE) {
		sqlite3_reset(st);
		return pw_store_failf(s, "reading the vector of %s %lld", what, (long long)id);
	}
	sqlite3_reset(st);
	return found;
}

static struct story_ent *story_get(struct pw_store *s, int64_t story_id)
{
	struct pw_dedup_cache *c = need_cache(s, "reading a story");
	if (!c)
		return NULL;
	uint64_t *v = pw_u64map_get(&c->stories, (uint64_t)story_id);
	if (v)
		return (struct story_ent *)(uintptr_t)*v;
	struct story_ent *e = xcalloc(1, sizeof *e);
	int found = pw_dedup_read_vec(s, "SELECT centroid, centroid_items FROM stories WHERE id = ?1", story_id,
				      "story", &e->c);
	if (found < 0) {
		free(e);
		return NULL;
	}
	e->exists = found;
	*pw_u64map_put(&c->stories, (uint64_t)story_id, NULL) = (uint64_t)(uintptr_t)e;
	return e;
}

int pw_dcache_centroid(struct pw_store *s, int64_t story_id, const struct pw_story_vec **c)
{
	struct story_ent *e = story_get(s, story_id);
	if (!e)
		return -1;
	*c = &e->c;
	return e->exists;
}

int pw_dcache_story_new(struct pw_store *s, int64_t item_id, const char *title, int64_t when,
			const struct pw_story_vec *v, int64_t *story_id)
{
	struct pw_dedup_cache *c = need_cache(s, "creating a story");
	if (!c)
		return -1;
	uint8_t *blob;
	size_t len = pw_story_vec_pack(v, &blob);
	sqlite3_stmt *st = pw_store_stmt(s, "INSERT INTO stories(first_item, first_seen, last_seen, item_count, "
					    "title, centroid, centroid_items) VALUES (?1, ?2, ?2, 1, ?3, ?4, ?5)");
	if (!st) {
		free(blob);
		return -1;
	}
	sqlite3_bind_int64(st, 1, item_id);
	sqlite3_bind_int64(st, 2, when);
	pw_store_bind_str(st, 3, title && *title ? title : NULL);
	sqlite3_bind_blob(st, 4, blob, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 5, v->n ? 1 : 0);
	free(blob);
	if (pw_store_step_done(s, st, "creating a story") < 0)
		return -1;
	*story_id = sqlite3_last_insert_rowid(pw_store_db(s));
	struct story_ent *e = xcalloc(1, sizeof *e);
	e->exists = 1;
	pw_story_vec_copy(&e->c, v);
	e->c.items = v->n ? 1 : 0;   /* as the row says (centroid_items) */
	int created;
	uint64_t *slot = pw_u64map_put(&c->stories, (uint64_t)*story_id, &created);
	if (!created)
		free_story(NULL, 0, slot);   /* a cached miss for this id (an earlier rolled-back story) */
	*slot = (uint64_t)(uintptr_t)e;
	return 0;
}

int pw_dcache_story_join(struct pw_store *s, int64_t story_id, int64_t when, const struct pw_story_vec *v)
{
	struct story_ent *e = story_get(s, story_id);
	if (!e)
		return -1;
	if (!e->exists)
		return 0;   /* as an UPDATE of no row */
	if (!e->dirty) {
		e->dirty = 1;
		e->first_min = e->last_max = when;
		cache(s)->stories_dirty++;
	}
	e->count_add++;
	if (when < e->first_min)
		e->first_min = when;
	if (when > e->last_max)
		e->last_max = when;
	if (v && v->n) {
		pw_story_centroid_add(&e->c, v);
		e->centroid_dirty = 1;
	}
	return 0;
}

/* --- item vectors (story_vecs) -------------------------------------------------------------- */

static struct vec_ent *vec_slot(struct pw_dedup_cache *c, int64_t item_id)
{
	int created;
	uint64_t *slot = pw_u64map_put(&c->item_vecs, (uint64_t)item_id, &created);
	if (!created)
		free_vec_ent(NULL, 0, slot);
	struct vec_ent *e = xcalloc(1, sizeof *e);
	*slot = (uint64_t)(uintptr_t)e;
	return e;
}

int pw_dcache_item_vec(struct pw_store *s, int64_t item_id, const struct pw_story_vec **v)
{
	struct pw_dedup_cache *c = need_cache(s, "reading an item's story vector");
	if (!c)
		return -1;
	uint64_t *slot = pw_u64map_get(&c->item_vecs, (uint64_t)item_id);
	struct vec_ent *e = slot ? (struct vec_ent *)(uintptr_t)*slot : NULL;
	if (!e) {
		struct pw_story_vec tmp;
		int found = pw_dedup_read_vec(s, "SELECT vec, 1 FROM story_vecs WHERE item_id = ?1", item_id, "item", &tmp);
		if (found < 0)
			return -1;
		e = vec_slot(c, item_id);
		e->exists = found;
		e->v = tmp;
	}
	*v = &e->v;
	return e->exists;
}

int pw_dcache_item_vec_save(struct pw_store *s, int64_t item_id, const struct pw_story_vec *v)
{
	struct pw_dedup_cache *c = need_cache(s, "saving an item's story vector");
	if (!c)
		return -1;
	if (v->n == 0)
		return 0;
	uint8_t *blob;
	size_t len = pw_story_vec_pack(v, &blob);
	sqlite3_stmt *st = pw_store_stmt(s, "INSERT OR REPLACE INTO story_vecs(item_id, vec) VALUES (?1, ?2)");
	if (!st) {
		free(blob);
		return -1;
	}
	sqlite3_bind_int64(st, 1, item_id);
	sqlite3_bind_blob(st, 2, blob, (int)len, SQLITE_TRANSIENT);
	free(blob);
	if (pw_store_step_done(s, st, "saving an item's story vector") < 0)
		return -1;
	struct vec_ent *e = vec_slot(c, item_id);
	e->exists = 1;
	pw_story_vec_copy(&e->v, v);
	e->v.items = 1;   /* as read back: "SELECT vec, 1" */
	return 0;
}

/* --- LSH filter ----------------------------------------------------------------------------- */

static void lsh_bits(int band, int64_t key, uint64_t nbits, uint64_t *a, uint64_t *b)
{
	uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ull + (uint64_t)band;
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 29;
	*a = h & (nbits - 1);
	*b = (h >> 32 | h << 32) * 0x94d049bb133111ebull >> 20 & (nbits - 1);
}

static void lsh_set(struct lsh_filter *f, int band, int64_t key)
{
	uint64_t a, b;
	lsh_bits(band, key, f->nbits, &a, &b);
	f->bits[a >> 6] |= UINT64_C(1) << (a & 63);
	f->bits[b >> 6] |= UINT64_C(1) << (b & 63);
	f->pairs++;
}

/* Builds the filter from the whole table, sized for `want` pairs. */
static struct lsh_filter *lsh_build(struct pw_store *s, uint64_t want)
{
	uint64_t nbits = LSH_FILTER_MIN_BITS;
	while (nbits < want * 16 && nbits < LSH_FILTER_MAX_BITS)
		nbits *= 2;
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT band, key FROM lsh");
	if (!st)
		return NULL;
	struct lsh_filter *f = xcalloc(1, sizeof *f);
	f->nbits = nbits;
	f->bits = xcalloc(nbits / 64, sizeof *f->bits);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		lsh_set(f, sqlite3_column_int(st, 0), sqlite3_column_int64(st, 1));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(f->bits);
		free(f);
		pw_store_fail(s, "reading the LSH index");
		return NULL;
	}
	return f;
}

/* The saved filter (table lsh_filter, written at close): 1 and *out when it holds every pair
 * of the given index version, 0 when there is none or it is older or unreadable, -1 on
 * error. */
static int lsh_load(struct pw_store *s, int64_t version, struct lsh_filter **out)
{
	*out = NULL;
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT format, version, pairs, nbits, bits FROM lsh_filter WHERE id = 1");
	if (!st)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		uint64_t nbits = (uint64_t)sqlite3_column_int64(st, 3);
		const unsigned char *b = sqlite3_column_blob(st, 4);
		size_t len = (size_t)sqlite3_column_bytes(st, 4);
		if (sqlite3_column_int64(st, 0) == LSH_FILTER_FORMAT && sqlite3_column_int64(st, 1) == version &&
		    nbits >= LSH_FILTER_MIN_BITS && nbits <= LSH_FILTER_MAX_BITS && (nbits & (nbits - 1)) == 0 &&
		    b && len == nbits / 8 && sqlite3_column_int64(st, 2) >= 0) {
			struct lsh_filter *f = xcalloc(1, sizeof *f);
			f->nbits = nbits;
			f->pairs = (uint64_t)sqlite3_column_int64(st, 2);
			f->bits = xcalloc(nbits / 64, sizeof *f->bits);
			for (size_t i = 0; i < nbits / 64; i++)
				for (int k = 7; k >= 0; k--)
					f->bits[i] = f->bits[i] << 8 | b[8 * i + (size_t)k];
			*out = f;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return pw_store_fail(s, "reading the saved LSH filter");
	return *out != NULL;
}

int pw_dcache_save(struct pw_store *s)
{
	struct pw_dedup_cache **slot = pw_store_dcache_slot(s);
	struct pw_dedup_cache *c = slot ? *slot : NULL;
	if (!c || !c->lsh || c->lsh_saved || !c->lsh_version_known || pw_store_in_tx(s))
		return 0;
	if (pw_store_begin(s) < 0)
		return -1;
	if (!c->lsh || !c->lsh_version_known)   /* another connection added pairs: dropped */
		return pw_store_rollback(s);
	struct lsh_filter *f = c->lsh;
	size_t len = (size_t)(f->nbits / 8);
	unsigned char *b = xmalloc(len);
	for (size_t i = 0; i < f->nbits / 64; i++)
		for (int k = 0; k < 8; k++)
			b[8 * i + (size_t)k] = (unsigned char)(f->bits[i] >> (8 * k));
	sqlite3_stmt *st = pw_store_stmt(s, "INSERT OR REPLACE INTO lsh_filter(id, format, version, pairs, nbits, bits) "
					    "VALUES (1, ?1, ?2, ?3, ?4, ?5)");
	int rc = -1;
	if (st) {
		sqlite3_bind_int64(st, 1, LSH_FILTER_FORMAT);
		sqlite3_bind_int64(st, 2, c->lsh_version);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)f->pairs);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)f->nbits);
		sqlite3_bind_blob(st, 5, b, (int)len, SQLITE_STATIC);
		rc = pw_store_step_done(s, st, "saving the LSH filter");
		sqlite3_clear_bindings(st);
	}
	free(b);
	if (rc < 0) {
		pw_store_rollback(s);
		return -1;
	}
	if (pw_store_commit(s) < 0)
		return -1;
	c->lsh_saved = 1;
	return 0;
}

static struct lsh_filter *lsh_filter(struct pw_store *s, struct pw_dedup_cache *c)
{
	if (c->lsh && c->lsh->pairs * 16 > c->lsh->nbits && c->lsh->nbits < LSH_FILTER_MAX_BITS) {
		uint64_t pairs = c->lsh->pairs;
		drop_lsh(c);
		c->lsh = lsh_build(s, 2 * pairs);
		c->lsh_saved = 0;
	} else if (!c->lsh) {
		int64_t version;
		if (read_lsh_version(s, &version) < 0)
			return NULL;
		int loaded = lsh_load(s, version, &c->lsh);
		if (loaded < 0)
			return NULL;
		c->lsh_version = version;
		c->lsh_version_known = 1;
		c->lsh_saved = loaded;
		if (loaded)
			return c->lsh;
		/* Sized from the document count (each document has up to PW_LSH_BANDS pairs; copies,
		 * which are not counted, are covered by the factor 2): a count(*) of the table was a
		 * second full scan, a third of the time of this first use on a large store. */
		int64_t ndocs;
		if (read_ndocs(s, &ndocs) < 0)
			return NULL;
		double t0 = pw_monotonic_s();
		c->lsh = lsh_build(s, 2 * (uint64_t)(ndocs > 0 ? ndocs : 0) * PW_LSH_BANDS + 65536);
		double secs = pw_monotonic_s() - t0;
		if (c->lsh && secs >= 1.0)   /* the event loop waited for it: say why */
			pw_info("%s: dedup: LSH filter built from %llu stored pairs in %.1f s", pw_store_path(s),
				(unsigned long long)c->lsh->pairs, secs);
	}
	return c->lsh;
}

int pw_dcache_lsh_maybe(struct pw_store *s, int band, int64_t key)
{
	struct pw_dedup_cache *c = cache(s);
	struct lsh_filter *f = c ? lsh_filter(s, c) : NULL;
	if (!f)
		return c ? -1 : 1;
	uint64_t a, b;
	lsh_bits(band, key, f->nbits, &a, &b);
	return (f->bits[a >> 6] >> (a & 63) & 1) && (f->bits[b >> 6] >> (b & 63) & 1);
}

void pw_dcache_lsh_added(struct pw_store *s, int band, int64_t key)
{
	struct pw_dedup_cache *c = cache(s);
	if (!c)
		return;
	c->lsh_tx = 1;
	if (c->lsh) {
		lsh_set(c->lsh, band, key);
		c->lsh_saved = 0;
	}
}
