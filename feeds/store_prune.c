/* store_prune.c -- retention: deletes old items and their index rows (see store_prune.h). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <string.h>

#include "buf.h"
#include "shingle.h"
#include "store_dedup_cache.h"
#include "store_int.h"
#include "store_prune.h"
#include "story.h"
#include "xmalloc.h"

/* What an item's rows without a foreign key are found by, read before it is deleted. */
struct victim {
	int64_t id, story_id, t;
	int has_lsh;
	int64_t keys[PW_LSH_BANDS];
	size_t nsig;
	uint64_t sig[PW_STORY_SIG_TERMS];
};

/* Up to max of the oldest items before `before` into *out (caller frees); count or -1. */
static ssize_t read_victims(struct pw_store *s, int64_t before, size_t max, struct victim **out)
{
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT i.id, i.story_id, i.minhash, coalesce(i.published, i.fetched), v.vec "
					    "FROM items i LEFT JOIN story_vecs v ON v.item_id = i.id "
					    "WHERE i.fetched < ?1 AND i.story_id IS NOT NULL ORDER BY i.fetched, i.id LIMIT ?2");
	*out = NULL;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int64(st, 2, max > INT64_MAX ? INT64_MAX : (int64_t)max);
	struct victim *v = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xreallocarray(v, cap, sizeof *v);
		}
		struct victim *x = &v[n++];
		memset(x, 0, sizeof *x);
		x->id = sqlite3_column_int64(st, 0);
		x->story_id = pw_store_column_id(st, 1);
		x->t = sqlite3_column_int64(st, 3);
		struct pw_minhash mh;
		if (sqlite3_column_type(st, 2) == SQLITE_BLOB &&
		    pw_minhash_unpack(sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2), 0, &mh) == 0) {
			pw_lsh_keys(&mh, x->keys);
			x->has_lsh = 1;
		}
		if (sqlite3_column_type(st, 4) == SQLITE_BLOB) {
			struct pw_story_vec vec;
			if (pw_story_vec_unpack(sqlite3_column_blob(st, 4), (size_t)sqlite3_column_bytes(st, 4), 0, &vec) == 0)
				x->nsig = pw_story_signature(&vec, x->sig);
			pw_story_vec_free(&vec);
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return pw_store_fail(s, "reading items to prune");
	}
	*out = v;
	return (ssize_t)n;
}

static int delete_lsh(struct pw_store *s, const struct victim *x)
{
	if (!x->has_lsh)
		return 0;
	sqlite3_stmt *st = pw_store_stmt(s, "DELETE FROM lsh WHERE band = ?1 AND key = ?2 AND item_id = ?3");
	if (!st)
		return -1;
	for (int b = 0; b < PW_LSH_BANDS; b++) {
		sqlite3_bind_int(st, 1, b);
		sqlite3_bind_int64(st, 2, x->keys[b]);
		sqlite3_bind_int64(st, 3, x->id);
		if (pw_store_step_done(s, st, "pruning LSH rows") < 0)
			return -1;
	}
	return 0;
}

static int delete_postings(struct pw_store *s, const struct victim *x)
{
	sqlite3_stmt *exact = pw_store_stmt(s, "DELETE FROM story_terms WHERE term = ?1 AND t = ?2 AND item_id = ?3");
	if (!exact)
		return -1;
	for (size_t k = 0; k < x->nsig; k++) {
		sqlite3_bind_int64(exact, 1, (int64_t)x->sig[k]);
		sqlite3_bind_int64(exact, 2, x->t);
		sqlite3_bind_int64(exact, 3, x->id);
		if (pw_store_step_done(s, exact, "pruning story postings") < 0)
			return -1;
		if (sqlite3_changes(pw_store_db(s)) > 0)
			continue;
		/* written at another time than the row's (its published changed since): a walk of
		 * the term's postings, bounded by the term's count */
		sqlite3_stmt *any = pw_store_stmt(s, "DELETE FROM story_terms WHERE term = ?1 AND item_id = ?2");
		if (!any)
			return -1;
		sqlite3_bind_int64(any, 1, (int64_t)x->sig[k]);
		sqlite3_bind_int64(any, 2, x->id);
		if (pw_store_step_done(s, any, "pruning story postings") < 0)
			return -1;
	}
	return 0;
}

static int cmp_story(const void *a, const void *b)
{
	const struct victim *x = a, *y = b;
	return x->story_id < y->story_id ? -1 : x->story_id > y->story_id;
}

/* One story lost n items: its count goes down, and it goes when no item is left. */
static int story_lost(struct pw_store *s, int64_t story_id, int64_t n)
{
	sqlite3_stmt *st = pw_store_stmt(s, "UPDATE stories SET item_count = max(item_count - ?2, 0) WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, story_id);
	sqlite3_bind_int64(st, 2, n);
	if (pw_store_step_done(s, st, "pruning: updating a story") < 0)
		return -1;
	st = pw_store_stmt(s, "DELETE FROM stories WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM items WHERE story_id = ?1)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, story_id);
	return pw_store_step_done(s, st, "pruning: deleting an empty story");
}

int pw_store_prune(struct pw_store *s, int64_t before, size_t max_items, size_t *deleted)
{
	*deleted = 0;
	if (pw_store_require_tx(s, "pruning old items") < 0)
		return -1;
	if (max_items == 0 || before == PW_NOTIME)
		return 0;
	struct victim *v;
	struct pw_buf ids = PW_BUF_INIT;
	ssize_t n = read_victims(s, before, max_items, &v);
	if (n <= 0)
		return (int)n;
	int rc = -1;
	/* before any delete: the cache's dirty story counts are written first, and nothing it
	 * holds is read again in this transaction */
	if (pw_dcache_forget(s) < 0)
		goto out;
	for (ssize_t i = 0; i < n; i++)
		if (delete_lsh(s, &v[i]) < 0 || delete_postings(s, &v[i]) < 0)
			goto out;
	/* The items, and their search entries first, each in one statement for the batch: FTS5
	 * writes its pending changes as a new index segment at the end of every statement, so
	 * the items_fts_ad trigger of one DELETE per item wrote (and merged) a segment per item
	 * -- 85% of the time of a prune.  An entry removed here is no longer in items_fts_docsize,
	 * so the trigger skips it.  The ids go in as one bound JSON array. */
	pw_buf_append(&ids, "[", 1);
	for (ssize_t i = 0; i < n; i++) {
		char num[32];
		int len = snprintf(num, sizeof num, "%s%lld", i ? "," : "", (long long)v[i].id);
		pw_buf_append(&ids, num, (size_t)len);
	}
	pw_buf_append(&ids, "]", 1);
	sqlite3_stmt *st = pw_store_stmt(s, "INSERT INTO items_fts(items_fts, rowid, title, body, summary) "
					    "SELECT 'delete', i.id, i.title, i.body, i.summary FROM items i "
					    "WHERE i.id IN (SELECT value FROM json_each(?1)) "
					    "AND EXISTS (SELECT 1 FROM items_fts_docsize d WHERE d.id = i.id)");
	if (!st)
		goto out;
	sqlite3_bind_text(st, 1, ids.data, (int)ids.len, SQLITE_STATIC);
	if (pw_store_step_done(s, st, "pruning search entries") < 0)
		goto out;
	st = pw_store_stmt(s, "DELETE FROM items WHERE id IN (SELECT value FROM json_each(?1))");
	if (!st)
		goto out;
	sqlite3_bind_text(st, 1, ids.data, (int)ids.len, SQLITE_STATIC);
	if (pw_store_step_done(s, st, "pruning items") < 0)
		goto out;
	if (sqlite3_changes(pw_store_db(s)) != (int)n) {
		pw_store_failf(s, "pruning items: %d of %zd deleted", sqlite3_changes(pw_store_db(s)), n);
		goto out;
	}
	qsort(v, (size_t)n, sizeof *v, cmp_story);
	for (ssize_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && v[j].story_id == v[i].story_id; j++)
			;
		if (v[i].story_id && story_lost(s, v[i].story_id, j - i) < 0)
			goto out;
	}
	*deleted = (size_t)n;
	rc = 0;
out:
	free(v);
	pw_buf_free(&ids);
	return rc;
}
