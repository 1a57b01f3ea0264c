/* Unit tests: feeds/store_dedup_cache.c -- the in-memory layer over term_df, stories and
 * story_terms answers exactly as the tables do: postings windows against SQL over lists that
 * outgrow the cache (ties, old items below the cached floor), write-behind of document
 * frequencies and stories (nothing in the tables before COMMIT, everything after), a rollback
 * forgets, and another connection's commit is seen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "common.h"
#include "store.h"
#include "store_dedup_cache.h"
#include "store_int.h"
#include "story.h"
#include "tap.h"
#include "xmalloc.h"

static char tmpdir[] = "/tmp/pw-test-dcache-XXXXXX";

struct got {
	int64_t v[2 * 256];
	int n;
};

static void collect(void *arg, int64_t story_id, int64_t item_id)
{
	struct got *g = arg;
	if (g->n < 512) {
		g->v[g->n++] = story_id;
		g->v[g->n++] = item_id;
	}
}

/* What the table says for the window, by SQL on the same connection. */
static void sql_window(struct pw_store *s, uint64_t term, int64_t lo, int64_t hi, int limit, struct got *g)
{
	sqlite3_stmt *st;
	g->n = 0;
	sqlite3_prepare_v2(pw_store_db(s), "SELECT story_id, item_id FROM story_terms WHERE term = ?1 "
			   "AND t BETWEEN ?2 AND ?3 ORDER BY t DESC, item_id DESC LIMIT ?4", -1, &st, NULL);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)term);
	sqlite3_bind_int64(st, 2, lo);
	sqlite3_bind_int64(st, 3, hi);
	sqlite3_bind_int(st, 4, limit);
	while (sqlite3_step(st) == SQLITE_ROW)
		collect(g, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
	sqlite3_finalize(st);
}

static int64_t sql_int(struct pw_store *s, const char *sql, int64_t arg)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	sqlite3_prepare_v2(pw_store_db(s), sql, -1, &st, NULL);
	sqlite3_bind_int64(st, 1, arg);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -2 : sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int add1(struct pw_store *s, uint64_t term, int64_t t, int64_t item, int64_t story)
{
	return pw_dcache_postings_add(s, &term, 1, t, item, story);
}

/* Random windows and limits: the cache's answer equals the table's, every time. */
static int windows_agree(struct pw_store *s, const uint64_t *terms, size_t nterms, int64_t tmax, int rounds)
{
	int bad = 0;
	for (int r = 0; r < rounds; r++) {
		uint64_t term = terms[tap_rand() % nterms];
		int64_t c = (int64_t)(tap_rand() % (uint64_t)(tmax + 20)) - 10;
		int64_t w = (int64_t)(tap_rand() % 60);
		int limit = 1 + (int)(tap_rand() % 200);
		struct got a = { .n = 0 }, b;
		if (pw_dcache_postings(s, term, c - w, c + w, limit, collect, &a) < 0)
			return -1;
		sql_window(s, term, c - w, c + w, limit, &b);
		if (a.n != b.n || memcmp(a.v, b.v, (size_t)a.n * sizeof a.v[0]) != 0) {
			if (bad++ < 3)
				diag("term %llu window [%lld, %lld] limit %d: cache %d values, table %d",
				     (unsigned long long)term, (long long)(c - w), (long long)(c + w), limit, a.n, b.n);
		}
	}
	return bad;
}

static void test_postings(struct pw_store *s)
{
	/* term 1: 900 postings at t 0..299 (three per t: ties), inserted in time order then some
	 * late arrivals with old times; term 2: 40 postings (a list that stays complete); term 3:
	 * postings only in an earlier transaction (loaded from the table) */
	uint64_t terms[] = { 1, 2, UINT64_C(0xfedcba9876543210) };
	int64_t item = 1;
	ok(pw_store_begin(s) == 0, "begin");
	for (int i = 0; i < 400; i++)
		add1(s, terms[2], i / 2, item++, 1 + i % 7);
	ok(pw_store_commit(s) == 0, "commit (term 3 written, cache dropped at the end of nothing)");

	ok(pw_store_begin(s) == 0, "begin");
	struct got g = { .n = 0 };
	ok(pw_dcache_postings(s, terms[0], 0, 10, 5, collect, &g) == 0 && g.n == 0, "no postings yet for term 1");
	int fail = 0;
	for (int t = 0; t < 300; t++) {
		for (int k = 0; k < 3; k++)
			fail |= add1(s, terms[0], t, item++, 1 + (t / 20)) < 0;
		if (t % 8 == 0)
			fail |= add1(s, terms[1], t, item++, 100 + t) < 0;
	}
	ok(!fail, "900 + 38 postings added");
	ok(add1(s, terms[0], 299, item - 1, 99) == 0, "a repeated posting is ignored");
	is_int(windows_agree(s, terms, 3, 300, 3000), 0, "3,000 random windows: cache == table (in the transaction)");
	/* one item's postings for three terms at once, one of them there already: the lists
	 * whose row was ignored are read again */
	ok(add1(s, terms[1], 250, item, 777) == 0, "a posting of term 2");
	uint64_t three[] = { terms[0], terms[1], terms[2] };
	ok(pw_dcache_postings_add(s, three, 3, 250, item, 777) == 0, "the same item for terms 1-3 (term 2's row ignored)");
	item++;
	is_int(windows_agree(s, terms, 3, 300, 2000), 0, "2,000 windows after the partly ignored insert: cache == table");
	/* late arrivals: old times, below what the cache keeps of term 1 */
	for (int k = 0; k < 30; k++)
		fail |= add1(s, terms[0], (int64_t)(tap_rand() % 100), item++, 500 + k) < 0;
	/* ties at the newest time */
	for (int k = 0; k < 5; k++)
		fail |= add1(s, terms[0], 299, item++, 600 + k) < 0;
	ok(!fail, "late and tied postings added");
	is_int(windows_agree(s, terms, 3, 300, 3000), 0, "3,000 more windows after late arrivals: cache == table");
	ok(pw_store_commit(s) == 0, "commit");
	ok(pw_store_begin(s) == 0, "begin (cache kept across our own commits)");
	is_int(windows_agree(s, terms, 3, 300, 2000), 0, "2,000 windows in the next transaction: cache == table");
	ok(pw_store_rollback(s) == 0, "rollback");
}

static void test_df(struct pw_store *s, const char *path)
{
	uint64_t ids[] = { 11, 12, UINT64_C(0x8000000000000001) };
	int64_t df[3];
	int64_t n0 = sql_int(s, "SELECT value FROM dedup_stats WHERE name = 'documents' AND ?1", 1);
	ok(pw_store_begin(s) == 0, "begin");
	is_int(pw_dcache_df_add(s, ids, 3), n0 + 1, "one document counted");
	is_int(pw_dcache_df_add(s, ids, 2), n0 + 2, "two documents counted");
	ok(pw_dcache_df(s, ids, 3, df) == 0 && df[0] == 2 && df[1] == 2 && df[2] == 1, "df read back from the cache");
	is_int(sql_int(s, "SELECT count(*) FROM term_df WHERE term = ?1", 11), 0, "write-behind: not in the table before COMMIT");
	ok(pw_store_commit(s) == 0, "commit");
	is_int(sql_int(s, "SELECT df FROM term_df WHERE term = ?1", 11), 2, "term 11: df 2 in the table after COMMIT");
	is_int(sql_int(s, "SELECT df FROM term_df WHERE term = ?1", (int64_t)UINT64_C(0x8000000000000001)), 1,
	       "a term id with the top bit set: df 1");
	is_int(sql_int(s, "SELECT value FROM dedup_stats WHERE name = 'documents' AND ?1", 1), n0 + 2, "document count written");

	/* rollback forgets */
	ok(pw_store_begin(s) == 0, "begin");
	pw_dcache_df_add(s, ids, 3);
	ok(pw_store_rollback(s) == 0, "rollback");
	ok(pw_store_begin(s) == 0, "begin");
	ok(pw_dcache_df(s, ids, 3, df) == 0 && df[0] == 2 && df[2] == 1, "after a rollback: the table's counts, not the cache's");
	int64_t nd = 0;
	ok(pw_dcache_ndocs(s, &nd) == 0 && nd == n0 + 2, "and the table's document count");
	ok(pw_store_commit(s) == 0, "commit");

	/* another connection commits: the cache must not serve the old counts */
	char err[256];
	struct pw_store *o = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	ok(o != NULL, "second read-write handle: %s", o ? "open" : err);
	if (!o)
		return;
	ok(pw_store_begin(o) == 0 && pw_dcache_df_add(o, ids, 1) == n0 + 3 && pw_store_commit(o) == 0,
	   "the other handle counts a document with term 11");
	ok(pw_store_begin(s) == 0, "begin");
	ok(pw_dcache_df(s, ids, 1, df) == 0 && df[0] == 3, "this handle sees df 3 (data_version changed)");
	ok(pw_dcache_ndocs(s, &nd) == 0 && nd == n0 + 3, "and the new document count");
	ok(pw_store_commit(s) == 0, "commit");
	pw_store_close(o);
}

static struct pw_story_vec vec_of(uint64_t a, float wa, uint64_t b, float wb)
{
	struct pw_story_vec v = { xreallocarray(NULL, 2, sizeof(struct pw_story_term)), 2, 1 };
	v.t[0].id = a;
	v.t[0].w = wa;
	v.t[1].id = b;
	v.t[1].w = wb;
	return v;
}

/* Term by term (the struct has padding: no memcmp). */
static int vec_equal(const struct pw_story_vec *a, const struct pw_story_vec *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->t[i].id != b->t[i].id || a->t[i].w != b->t[i].w)
			return 0;
	return 1;
}

static void test_stories(struct pw_store *s)
{
	ok(pw_store_begin(s) == 0, "begin");
	int64_t feed = pw_store_feed_sync(s, "f", "http://127.0.0.1/f.xml", NULL, 3600, 1);
	struct pw_item it;
	memset(&it, 0, sizeof it);
	it.feed_id = feed;
	it.guid = "g1";
	it.title = "A statement";
	it.published = 1000;
	it.fetched = 1000;
	ok(feed > 0 && pw_store_item_insert(s, &it) == 1, "an item to start the story");
	struct pw_story_vec v1 = vec_of(5, 0.6f, 9, 0.8f), v2 = vec_of(5, 1.0f, 7, 0.5f), want;
	int64_t sid = 0;
	ok(pw_dcache_story_new(s, it.id, "A statement", 1000, &v1, &sid) == 0 && sid > 0, "story created");
	ok(pw_dcache_story_join(s, sid, 900, &v2) == 0, "an earlier item joins with a vector");
	ok(pw_dcache_story_join(s, sid, 1500, NULL) == 0, "a later copy joins without one");
	pw_story_vec_copy(&want, &v1);
	want.items = 1;
	pw_story_centroid_add(&want, &v2);
	const struct pw_story_vec *c = NULL;
	ok(pw_dcache_centroid(s, sid, &c) == 1 && vec_equal(c, &want) && c->items == 2, "cached centroid = v1 + v2, 2 items");
	is_int(sql_int(s, "SELECT item_count FROM stories WHERE id = ?1", sid), 1, "write-behind: the row still says 1 item");
	ok(pw_dcache_centroid(s, sid + 1000, &c) == 0, "no such story");
	ok(pw_store_commit(s) == 0, "commit");
	is_int(sql_int(s, "SELECT item_count FROM stories WHERE id = ?1", sid), 3, "after COMMIT: 3 items");
	is_int(sql_int(s, "SELECT first_seen FROM stories WHERE id = ?1", sid), 900, "first_seen 900");
	is_int(sql_int(s, "SELECT last_seen FROM stories WHERE id = ?1", sid), 1500, "last_seen 1500");
	is_int(sql_int(s, "SELECT centroid_items FROM stories WHERE id = ?1", sid), 2, "centroid_items 2");
	/* the row's centroid reads back as the cache had it */
	struct pw_story_vec back;
	ok(pw_store_begin(s) == 0, "begin");
	ok(pw_dedup_read_vec(s, "SELECT centroid, centroid_items FROM stories WHERE id = ?1", sid, "story", &back) == 1 &&
	   vec_equal(&back, &want), "centroid written back intact");
	ok(pw_store_rollback(s) == 0, "rollback");
	pw_story_vec_free(&back);
	pw_story_vec_free(&want);
	pw_story_vec_free(&v1);
	pw_story_vec_free(&v2);
}

/* Item vectors: cached on save, trimmed to the newest after a commit, read back from the table
 * when trimmed -- the same vector either way. */
static void test_item_vecs(struct pw_store *s)
{
	ok(pw_store_begin(s) == 0, "begin");
	int fail = 0;
	/* story_vecs rows need their items: 2,100 of them, ids 1.. in an empty items table */
	int64_t feed = pw_store_feed_sync(s, "v", "http://127.0.0.1/v.xml", NULL, 3600, 1);
	sqlite3_exec(pw_store_db(s), "DELETE FROM stories; DELETE FROM items;", NULL, NULL, NULL);
	for (int64_t id = 1; id <= 3000 && feed > 0; id++) {
		char guid[32];
		snprintf(guid, sizeof guid, "v%lld", (long long)id);
		struct pw_item it;
		memset(&it, 0, sizeof it);
		it.feed_id = feed;
		it.guid = guid;
		it.fetched = 1000 + id;
		fail |= pw_store_item_insert(s, &it) != 1 || it.id != id;
	}
	ok(feed > 0 && !fail, "3,000 items with ids 1..3000");
	for (int64_t id = 1; id <= 2100; id++) {
		struct pw_story_vec v = vec_of((uint64_t)id, 0.6f, (uint64_t)id + 5000, 0.8f);
		fail |= pw_dcache_item_vec_save(s, id, &v) < 0;
		pw_story_vec_free(&v);
	}
	struct pw_story_vec empty = { NULL, 0, 0 };
	fail |= pw_dcache_item_vec_save(s, 3000, &empty) < 0;
	ok(!fail, "2,100 item vectors saved, and an empty one (not stored)");
	const struct pw_story_vec *v = NULL;
	ok(pw_dcache_item_vec(s, 7, &v) == 1 && v->n == 2 && v->t[0].id == 7 && v->t[1].id == 5007, "item 7 from the cache");
	ok(pw_dcache_item_vec(s, 3000, &v) == 0, "the empty vector was not stored");
	ok(pw_dcache_item_vec(s, 99999, &v) == 0, "no vector for an unknown item");
	ok(pw_store_commit(s) == 0, "commit (trims the cached vectors to the newest)");
	ok(pw_store_begin(s) == 0, "begin");
	int bad = 0;
	for (int64_t id = 1; id <= 2100; id += 7) {
		struct pw_story_vec want = vec_of((uint64_t)id, 0.6f, (uint64_t)id + 5000, 0.8f);
		bad += pw_dcache_item_vec(s, id, &v) != 1 || !vec_equal(v, &want);
		pw_story_vec_free(&want);
	}
	is_int(bad, 0, "every 7th vector reads back equal, trimmed (from the table) or cached");
	ok(pw_store_rollback(s) == 0, "rollback");
}

/* Pairs keys[i] in band i % 21 (every step-th) the filter calls absent: must be none. */
static int lsh_missed(struct pw_store *s, const int64_t *keys, int n, int step)
{
	int missed = 0;
	for (int i = 0; i < n; i += step)
		missed += pw_dcache_lsh_maybe(s, i % 21, keys[i]) != 1;
	return missed;
}

/* The LSH filter never says "absent" for a stored pair -- rows there before it was built,
 * rows added since, after it grew and was rebuilt -- and says it for most absent pairs. */
static int exec_ok(struct pw_store *s, const char *sql)
{
	return sqlite3_exec(pw_store_db(s), sql, NULL, NULL, NULL) == SQLITE_OK;
}

static int count_maybe(struct pw_store *s, int band, const int64_t *keys, int n)
{
	int maybe = 0;
	for (int i = 0; i < n; i++)
		maybe += pw_dcache_lsh_maybe(s, band, keys[i]) == 1;
	return maybe;
}

static int64_t fresh[50];

static void test_lsh_filter(struct pw_store *s, const char *path)
{
	sqlite3_stmt *ins;
	ok(pw_store_begin(s) == 0, "begin");
	sqlite3_prepare_v2(pw_store_db(s), "INSERT OR IGNORE INTO lsh(band, key, item_id) VALUES (?1, ?2, ?3)", -1, &ins, NULL);
	enum { BEFORE = 5000, AFTER = 140000 };
	static int64_t keys[BEFORE + AFTER];
	for (int i = 0; i < BEFORE + AFTER; i++)
		keys[i] = (int64_t)tap_rand();
	for (int i = 0; i < BEFORE; i++) {
		sqlite3_bind_int(ins, 1, i % 21);
		sqlite3_bind_int64(ins, 2, keys[i]);
		sqlite3_bind_int64(ins, 3, i + 1);
		sqlite3_step(ins);
		sqlite3_reset(ins);
	}
	int missed = lsh_missed(s, keys, BEFORE, 1);
	is_int(missed, 0, "5,000 pairs stored before the filter was built: all maybe");
	/* 140,000 more, each noted as the store does: the filter outgrows its first size */
	for (int i = BEFORE; i < BEFORE + AFTER; i++) {
		sqlite3_bind_int(ins, 1, i % 21);
		sqlite3_bind_int64(ins, 2, keys[i]);
		sqlite3_bind_int64(ins, 3, i + 1);
		sqlite3_step(ins);
		sqlite3_reset(ins);
		pw_dcache_lsh_added(s, i % 21, keys[i]);
		if (i % 10000 == 0)
			missed += pw_dcache_lsh_maybe(s, 0, 12345) < 0;  /* lets it grow mid-way */
	}
	missed += lsh_missed(s, keys, BEFORE + AFTER, 1);
	is_int(missed, 0, "145,000 pairs, most added after the filter was built and grown: all maybe");
	int fp = 0;
	for (int i = 0; i < 10000; i++)
		fp += pw_dcache_lsh_maybe(s, i % 21, (int64_t)tap_rand()) == 1;
	ok(fp < 500, "10,000 absent pairs: %d false positives (under 5%%)", fp);
	sqlite3_finalize(ins);
	ok(pw_store_commit(s) == 0, "commit");
	ok(pw_store_begin(s) == 0, "begin");
	is_int(lsh_missed(s, keys, BEFORE + AFTER, 13), 0, "in the next transaction: stored pairs still maybe");
	ok(pw_store_rollback(s) == 0, "rollback (keeps the filter)");
	ok(pw_store_begin(s) == 0, "begin");
	is_int(lsh_missed(s, keys, BEFORE + AFTER, 13), 0, "after a rollback: stored pairs maybe");
	ok(pw_store_rollback(s) == 0, "rollback");

	/* another connection adds pairs: this handle's filter must not say they are absent */
	char err[256];
	struct pw_store *o = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	ok(o != NULL, "second handle");
	if (!o)
		return;
	ok(pw_store_begin(o) == 0, "begin on the second handle");
	sqlite3_prepare_v2(pw_store_db(o), "INSERT INTO lsh(band, key, item_id) VALUES (?1, ?2, 1)", -1, &ins, NULL);
	for (int i = 0; i < 50; i++) {
		fresh[i] = (int64_t)tap_rand();
		sqlite3_bind_int(ins, 1, 3);
		sqlite3_bind_int64(ins, 2, fresh[i]);
		sqlite3_step(ins);
		sqlite3_reset(ins);
		pw_dcache_lsh_added(o, 3, fresh[i]);   /* as store_dedup.c's save_lsh does */
	}
	sqlite3_finalize(ins);
	ok(pw_store_commit(o) == 0, "50 pairs committed by the other handle");
	ok(pw_store_begin(s) == 0, "begin");
	missed = 0;
	for (int i = 0; i < 50; i++)
		missed += pw_dcache_lsh_maybe(s, 3, fresh[i]) != 1;
	is_int(missed, 0, "the other handle's pairs: all maybe (its commit changed lsh_version: filter rebuilt)");
	ok(pw_store_rollback(s) == 0, "rollback");

	/* a commit of the other handle that adds no lsh rows keeps this handle's filter: shown by
	 * rows deleted behind its back (no version change), which a kept filter still calls maybe */
	ok(pw_store_begin(o) == 0 && exec_ok(o, "DELETE FROM lsh WHERE band = 3 AND item_id = 1") &&
	   pw_store_commit(o) == 0, "the other handle deletes those 50 rows, adding none");
	pw_store_close(o);
	ok(pw_store_begin(s) == 0, "begin");
	is_int(count_maybe(s, 3, fresh, 50), 50, "this handle kept its filter: no rescan of the index");
	ok(pw_store_rollback(s) == 0, "rollback");
}

/* Saved at close, loaded at the next open when still current (after main's handle closed). */
static void test_lsh_saved(const char *path, const int64_t *gone, int ngone)
{
	char err[256];
	struct pw_store *s = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	ok(s != NULL, "reopened");
	if (!s)
		return;
	int64_t v = sql_int(s, "SELECT value FROM dedup_stats WHERE name = 'lsh_version' AND ?1", 1);
	ok(v >= 2 && sql_int(s, "SELECT version FROM lsh_filter WHERE id = ?1", 1) == v,
	   "the filter was saved at close with the index version (%lld: two commits added pairs)", (long long)v);
	ok(pw_store_begin(s) == 0, "begin");
	/* pairs deleted behind the filter's back (above) are still in it: loaded, not rebuilt */
	is_int(count_maybe(s, 3, gone, ngone), ngone, "the saved filter is loaded at first use");
	ok(pw_store_rollback(s) == 0, "rollback");
	pw_store_close(s);

	/* a crash after a commit that added pairs leaves a newer version than the saved filter's */
	s = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	ok(s && exec_ok(s, "UPDATE dedup_stats SET value = value + 1 WHERE name = 'lsh_version'"),
	   "the index version moves on without a save (as after kill -9)");
	if (!s)
		return;
	ok(pw_store_begin(s) == 0, "begin");
	ok(count_maybe(s, 3, gone, ngone) < ngone / 5, "an out-of-date saved filter is not used: rebuilt from the table");
	int64_t keep = (int64_t)tap_rand();
	ok(exec_ok(s, "INSERT INTO feeds(name, url, conf_url) VALUES ('x', 'http://127.0.0.1/x', 'http://127.0.0.1/x')"),
	   "a write");
	pw_dcache_lsh_added(s, 5, keep);
	ok(pw_store_commit(s) == 0, "commit");
	pw_store_close(s);
	s = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	ok(s != NULL, "reopened");
	if (!s)
		return;
	is_int(sql_int(s, "SELECT version FROM lsh_filter WHERE id = ?1", 1),
	       sql_int(s, "SELECT value FROM dedup_stats WHERE name = 'lsh_version' AND ?1", 1),
	       "saved again, at the version its own commit made");
	ok(pw_store_begin(s) == 0, "begin");
	is_int(pw_dcache_lsh_maybe(s, 5, keep), 1, "and loaded with the pair noted before the save");
	ok(pw_store_rollback(s) == 0, "rollback");
	pw_store_close(s);
}

int main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	char *path = xasprintf("%s/dcache.db", tmpdir), err[512];
	struct pw_store *s = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	ok(s != NULL, "store opened: %s", s ? path : err);
	if (s) {
		test_postings(s);
		test_df(s, path);
		test_stories(s);
		test_item_vecs(s);
		test_lsh_filter(s, path);
		pw_store_close(s);
		test_lsh_saved(path, fresh, 50);
		char check[512];
		struct pw_store *r = pw_store_open(path, PW_STORE_RO, check, sizeof check);
		ok(r != NULL, "reopened read-only");
		if (r) {
			uint64_t id = 11;
			int64_t df = 0, nd = 0;
			ok(pw_dcache_df(r, &id, 1, &df) == 0 && df == 3, "read-only handle reads the table: df 3");
			ok(pw_dcache_ndocs(r, &nd) == 0 && nd >= 3, "and a document count");
			ok(pw_store_begin(r) == 0, "begin on the read-only handle");
			ok(pw_dcache_df_add(r, &id, 1) < 0 && strstr(pw_store_error(r), "read-only"),
			   "counting a document there fails with an error: %s", pw_store_error(r));
			ok(pw_dcache_item_vec_save(r, 1, &(struct pw_story_vec){ NULL, 0, 0 }) < 0,
			   "so does saving a vector, even an empty one");
			pw_store_rollback(r);
			pw_store_close(r);
		}
	}
	static const char *const side[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < PW_ARRAY_SIZE(side); i++) {
		char *f = xasprintf("%s%s", path, side[i]);
		unlink(f);
		free(f);
	}
	free(path);
	rmdir(tmpdir);
	return done_testing();
}
