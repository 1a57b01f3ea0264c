/* Unit tests: store_prune.c -- retention in a real (temporary) store: old items go with their
 * tags, speakers, alerts, full-text entries, LSH rows, story postings, vectors and emptied
 * stories; new items and their index rows stay exactly; near-duplicates are still found for
 * kept items and no longer for pruned ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "common.h"
#include "dedup_corpus.h"
#include "store.h"
#include "store_dedup.h"
#include "store_dedup_cache.h"
#include "store_int.h"
#include "store_prune.h"
#include "tap.h"
#include "xmalloc.h"

#define DAY 86400
#define NOW INT64_C(1790000000)
#define OLD (NOW - 100 * DAY)
#define NEW (NOW - DAY)
#define KEEP_BEFORE (NOW - 30 * DAY)

static char tmpdir[] = "/tmp/pw-test-prune-XXXXXX";

/* The article fixtures: first line the title, the rest the text (title owns the malloc'd
 * file; free(title) frees both). */
struct article {
	char *title, *body;
};

static int load_article(const char *name, struct article *a)
{
	const char *top = getenv("top_srcdir");
	char *path = xasprintf("%s/tests/fixtures/prune/%s", top && *top ? top : ".", name);
	size_t len;
	char *text = dc_slurp(path, &len);
	free(path);
	if (!text)
		return -1;
	char *nl = strchr(text, '\n');
	if (!nl) {
		free(text);
		return -1;
	}
	*nl = '\0';
	a->title = text;
	a->body = nl + 1;
	return 0;
}

static int64_t q_int(struct pw_store *s, const char *sql, int64_t arg)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(pw_store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return -2;
	if (strchr(sql, '?'))
		sqlite3_bind_int64(st, 1, arg);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *q_text(struct pw_store *s, const char *sql)
{
	sqlite3_stmt *st;
	char *v = NULL;
	if (sqlite3_prepare_v2(pw_store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return xstrdup("(prepare failed)");
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v ? v : xstrdup("");
}

static int exec2(struct pw_store *s, const char *sql, int64_t a, const char *b)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(pw_store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Inserts an item and assigns its duplicate and story as the daemon does (item_finish.c: the
 * time given is published, else fetched), in a transaction of its own.  body + suffix is the
 * text.  The item id, or -1. */
static int64_t add(struct pw_store *s, int64_t feed, const char *guid, const char *title, const char *body,
		   const char *suffix, int64_t published, int64_t fetched, struct pw_dedup_result *r)
{
	char *text = body ? xasprintf("%s%s", body, suffix ? suffix : "") : NULL;
	struct pw_item it;
	memset(&it, 0, sizeof it);
	it.feed_id = feed;
	it.guid = guid;
	it.title = title;
	it.body = text;
	it.published = published;
	it.fetched = fetched;
	int64_t id = -1;
	if (pw_store_begin(s) == 0) {
		if (pw_store_item_insert(s, &it) == 1 &&
		    pw_dedup_assign(s, it.id, title, text, published != PW_NOTIME ? published : fetched, NULL, r) == 0 &&
		    pw_store_commit(s) == 0)
			id = it.id;
		else
			pw_store_rollback(s);
	}
	free(text);
	return id;
}

struct seen {
	int64_t item;
	int found, calls;
};
static void on_posting(void *arg, int64_t story_id, int64_t item_id)
{
	(void)story_id;
	struct seen *x = arg;
	x->calls++;
	x->found |= item_id == x->item;
}

static int prune(struct pw_store *s, int64_t before, size_t max, size_t *deleted)
{
	if (pw_store_begin(s) < 0)
		return -1;
	if (pw_store_prune(s, before, max, deleted) < 0) {
		pw_store_rollback(s);
		return -1;
	}
	return pw_store_commit(s);
}

static int64_t gone(struct pw_store *s, int64_t id)
{
	return q_int(s, "SELECT count(*) = 0 FROM items WHERE id = ?", id);
}

static void check_clean(struct pw_store *s, const char *when)
{
	char *ic = q_text(s, "PRAGMA integrity_check");
	is_str(ic, "ok", "%s: integrity_check", when);
	free(ic);
	is_int(q_int(s, "SELECT count(*) FROM pragma_foreign_key_check", 0), 0, "%s: no foreign key violations", when);
	is_int(exec2(s, "INSERT INTO items_fts(items_fts) VALUES ('integrity-check')", 0, NULL), 0,
	       "%s: full-text index integrity-check", when);
	is_int(q_int(s, "SELECT count(*) FROM lsh WHERE item_id NOT IN (SELECT id FROM items)", 0), 0,
	       "%s: no orphan lsh rows", when);
	is_int(q_int(s, "SELECT count(*) FROM story_terms WHERE item_id NOT IN (SELECT id FROM items)", 0), 0,
	       "%s: no orphan story_terms rows", when);
	is_int(q_int(s, "SELECT count(*) FROM story_terms WHERE story_id NOT IN (SELECT id FROM stories)", 0), 0,
	       "%s: no story_terms rows of a deleted story", when);
	is_int(q_int(s, "SELECT count(*) FROM items_fts_docsize WHERE id NOT IN (SELECT id FROM items)", 0), 0,
	       "%s: no full-text entries of deleted items", when);
	is_int(q_int(s, "SELECT count(*) FROM stories s WHERE item_count <> (SELECT count(*) FROM items WHERE story_id = s.id)", 0), 0,
	       "%s: every story's item_count is its number of items", when);
	is_int(q_int(s, "SELECT count(*) FROM stories s WHERE NOT EXISTS (SELECT 1 FROM items WHERE story_id = s.id)", 0), 0,
	       "%s: no story without items", when);
}

static int64_t fts(struct pw_store *s, const char *word)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(pw_store_db(s), "SELECT count(*) FROM items_fts WHERE items_fts MATCH ?1", -1, &st, NULL) != SQLITE_OK)
		return -2;
	sqlite3_bind_text(st, 1, word, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	struct article a1, a2, a4, a5, a6;
	if (load_article("a1_bridge.txt", &a1) < 0 || load_article("a2_orchestra.txt", &a2) < 0 ||
	    load_article("a4_harvest.txt", &a4) < 0 || load_article("a5_library.txt", &a5) < 0 ||
	    load_article("a6_marathon.txt", &a6) < 0)
	{
		printf("Bail out! cannot read the fixtures in tests/fixtures/prune\n");
		return 1;
	}
	char *path = xasprintf("%s/store.db", tmpdir);
	char err[512];
	struct pw_store *s = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	if (!s) {
		printf("Bail out! open: %s\n", err);
		return 1;
	}

	int64_t f1 = -1, f2 = -1;
	if (pw_store_begin(s) == 0) {
		f1 = pw_store_feed_sync(s, "valley-courier", "https://courier.example/rss", "Valley Courier", 0, 1);
		f2 = pw_store_feed_sync(s, "coast-gazette", "https://gazette.example/feed", "Coast Gazette", 0, 1);
		pw_store_commit(s);
	}
	ok(f1 > 0 && f2 > 0, "feeds");

	struct pw_dedup_result r;
	/* old (first seen 100 days ago), whatever their published dates say */
	int64_t A1 = add(s, f1, "a1", a1.title, a1.body, NULL, OLD - 3600, OLD, &r);
	int64_t A1c = add(s, f2, "a1c", a1.title, a1.body, " Reporting by Ana Ruiz for the evening edition.", PW_NOTIME, OLD + 600, &r);
	ok(A1c > 0 && r.dup_of == A1, "old copy of a1 is a near-duplicate of it");
	int64_t A2 = add(s, f1, "a2", a2.title, a2.body, NULL, NOW + 3650 * DAY, OLD + 1200, &r); /* bogus future date */
	int64_t A3 = add(s, f1, "a3", "Harbour ferry timetable changes for the winter", NULL, NULL, PW_NOTIME, OLD + 1800, &r);
	/* new (first seen yesterday) */
	int64_t B4 = add(s, f1, "b4", a4.title, a4.body, NULL, NEW, NEW, &r);
	int64_t B5 = add(s, f2, "b5", a5.title, a5.body, NULL, 3 * DAY, NEW + 60, &r); /* bogus 1970 date */
	int64_t B2c = add(s, f2, "b2c", a2.title, a2.body, " Additional reporting by Lee Park.", NEW, NEW + 120, &r);
	ok(B2c > 0 && r.dup_of == A2, "new copy of old a2 is a near-duplicate of it");
	int64_t story_a2 = r.story_id;
	int64_t B6 = add(s, f1, "b6", a6.title, a6.body, NULL, PW_NOTIME, NEW + 180, &r);
	ok(A1 > 0 && A2 > 0 && A3 > 0 && B4 > 0 && B5 > 0 && B6 > 0, "all items stored and assigned");
	is_int(q_int(s, "SELECT count(*) FROM items WHERE minhash IS NULL", 0), 1, "one short item without MinHash");

	/* tags, speakers and alerts of old and new items */
	int64_t story_b4 = q_int(s, "SELECT story_id FROM items WHERE id = ?", B4);
	int64_t story_a1 = q_int(s, "SELECT story_id FROM items WHERE id = ?", A1);
	ok(pw_store_begin(s) == 0 &&
	   exec2(s, "INSERT INTO tags(item_id, tag) VALUES (?1, ?2)", A1, "infrastructure") == 0 &&
	   exec2(s, "INSERT INTO tags(item_id, tag) VALUES (?1, ?2)", B4, "agriculture") == 0 &&
	   exec2(s, "INSERT INTO speakers(item_id, name) VALUES (?1, ?2)", A2, "Tomas Reyes") == 0 &&
	   exec2(s, "INSERT INTO alerts(item_id, story_id, topic, created, emitted) SELECT id, story_id, ?2, fetched, 1 "
		    "FROM items WHERE id = ?1", A1, "bridges") == 0 &&
	   exec2(s, "INSERT INTO alerts(item_id, story_id, topic, created, emitted) SELECT id, story_id, ?2, fetched, 1 "
		    "FROM items WHERE id = ?1", B4, "harvest") == 0 &&
	   pw_store_commit(s) == 0, "tags, speakers, alerts added");

	int64_t lsh_kept = q_int(s, "SELECT count(*) FROM lsh WHERE item_id >= ?", B4);
	int64_t terms_kept = q_int(s, "SELECT count(*) FROM story_terms WHERE item_id >= ?", B4);
	int64_t vecs_kept = q_int(s, "SELECT count(*) FROM story_vecs WHERE item_id >= ?", B4);
	int64_t df_rows = q_int(s, "SELECT count(*) FROM term_df", 0);
	int64_t df_sum = q_int(s, "SELECT sum(df) FROM term_df", 0);
	int64_t docs = q_int(s, "SELECT value FROM dedup_stats WHERE name = 'documents'", 0);
	is_int(lsh_kept, 4 * 21, "before: 21 LSH rows for each of the 4 new items");
	is_int(q_int(s, "SELECT count(*) FROM lsh", 0), 7 * 21, "before: 21 LSH rows for each of the 7 long items");
	is_int(vecs_kept, 3, "before: vectors of the 3 new items that are not copies");
	ok(terms_kept >= 3 && terms_kept <= 30, "before: %lld postings of the new items", (long long)terms_kept);
	ok(q_int(s, "SELECT count(*) FROM story_terms WHERE item_id = ?", A3) > 0, "before: the short item has postings");
	is_int(fts(s, "mortar"), 2, "before: a1's word found twice");
	int64_t a1_term = q_int(s, "SELECT term FROM story_terms WHERE item_id = ? LIMIT 1", A1);
	int64_t b4_term = q_int(s, "SELECT term FROM story_terms WHERE item_id = ? LIMIT 1", B4);
	check_clean(s, "before");

	/* nothing to do */
	size_t n = 99;
	is_int(pw_store_prune(s, KEEP_BEFORE, 10, &n), -1, "outside a transaction: refused");
	is_int(prune(s, NOW - 1000 * DAY, 100, &n), 0, "cutoff before everything");
	is_int((int64_t)n, 0, "... deletes nothing");
	is_int(prune(s, PW_NOTIME, 100, &n) == 0 && n == 0, 1, "no cutoff deletes nothing");
	is_int(prune(s, KEEP_BEFORE, 0, &n) == 0 && n == 0, 1, "max_items 0 deletes nothing");
	is_int(q_int(s, "SELECT count(*) FROM items", 0), 8, "all 8 items still there");

	/* max_items: the two oldest by first-seen time */
	is_int(prune(s, KEEP_BEFORE, 2, &n), 0, "prune at most 2");
	is_int((int64_t)n, 2, "... deleted 2");
	ok(gone(s, A1) == 1 && gone(s, A1c) == 1 && gone(s, A2) == 0 && gone(s, A3) == 0, "... the 2 seen first");
	check_clean(s, "after 2");

	is_int(prune(s, KEEP_BEFORE, 100, &n), 0, "prune the rest");
	is_int((int64_t)n, 2, "... deleted 2 more (a2 despite its future date)");
	is_int(prune(s, KEEP_BEFORE, 100, &n) == 0 && n == 0, 1, "again: nothing left to prune");
	is_int(q_int(s, "SELECT count(*) FROM items", 0), 4, "items: the 4 new ones left");
	ok(gone(s, B4) == 0 && gone(s, B5) == 0 && gone(s, B2c) == 0 && gone(s, B6) == 0, "... b5 despite its 1970 date");
	is_int(q_int(s, "SELECT count(*) FROM lsh", 0), lsh_kept, "lsh: exactly the new items' rows");
	is_int(q_int(s, "SELECT count(*) FROM story_terms", 0), terms_kept, "story_terms: exactly the new items' postings");
	is_int(q_int(s, "SELECT count(*) FROM story_vecs", 0), vecs_kept, "story_vecs: the new items' vectors");
	is_int(q_int(s, "SELECT count(*) FROM stories", 0), 4, "stories: 4 (a2's lives on with its new copy)");
	is_int(q_int(s, "SELECT count(*) FROM stories WHERE id = ?", story_a1), 0, "a1's story deleted");
	is_int(q_int(s, "SELECT item_count FROM stories WHERE id = ?", story_a2), 1, "a2's story: item_count 2 -> 1");
	is_int(q_int(s, "SELECT first_item IS NULL FROM stories WHERE id = ?", story_a2), 1, "a2's story: first_item NULL");
	is_int(q_int(s, "SELECT dup_of IS NULL FROM items WHERE id = ?", B2c), 1, "the kept copy of a2 is an original now");
	is_int(q_int(s, "SELECT count(*) FROM tags", 0), 1, "tags: the new item's only");
	is_int(q_int(s, "SELECT count(*) FROM speakers", 0), 0, "speakers: none left");
	is_int(q_int(s, "SELECT count(*) FROM alerts", 0), 1, "alerts: the new item's only");
	is_int(q_int(s, "SELECT story_id FROM alerts", 0), story_b4, "... of b4's story");
	is_int(q_int(s, "SELECT count(*) FROM term_df", 0), df_rows, "term_df rows unchanged");
	is_int(q_int(s, "SELECT sum(df) FROM term_df", 0), df_sum, "term_df counts unchanged");
	is_int(q_int(s, "SELECT value FROM dedup_stats WHERE name = 'documents'", 0), docs, "document count unchanged");
	is_int(fts(s, "mortar"), 0, "search: pruned a1 not found");
	is_int(fts(s, "Sibelius"), 1, "search: a2's kept copy found");
	is_int(fts(s, "blossom"), 1, "search: kept b4 found");
	is_int(fts(s, "ferry"), 1, "search: 'ferry' finds b6 only (the pruned short item had it too)");
	is_int(q_int(s, "SELECT count(*) FROM items_fts_docsize", 0), 4, "search: 4 indexed items");
	check_clean(s, "after prune");

	/* the handle's dedup cache held a1's story, vector and postings: none is served now */
	if (pw_store_begin(s) == 0) {
		const struct pw_story_vec *cv;
		is_int(pw_dcache_centroid(s, story_a1, &cv), 0, "cache: the deleted story is gone");
		ok(pw_dcache_centroid(s, story_b4, &cv) == 1 && cv->n > 0, "cache: a kept story's centroid is there");
		is_int(pw_dcache_item_vec(s, A1, &cv), 0, "cache: the deleted item's vector is gone");
		is_int(pw_dcache_item_vec(s, B4, &cv), 1, "cache: a kept item's vector is there");
		struct seen x = { A1, 0, 0 };
		is_int(pw_dcache_postings(s, (uint64_t)a1_term, INT64_MIN / 2, INT64_MAX / 2, 200, on_posting, &x), 0, "cache: postings read");
		is_int(x.found, 0, "cache: no posting of the deleted item (%d others)", x.calls);
		struct seen y = { B4, 0, 0 };
		pw_dcache_postings(s, (uint64_t)b4_term, INT64_MIN / 2, INT64_MAX / 2, 200, on_posting, &y);
		is_int(y.found, 1, "cache: a kept item's posting is there");
		pw_store_rollback(s);
	}

	/* dedup afterwards, on the same handle */
	int64_t C1 = add(s, f1, "c1", a1.title, a1.body, " The council meets again next month.", NOW, NOW, &r);
	ok(C1 > 0 && r.dup_of == 0, "a new copy of pruned a1 is not a duplicate");
	is_int(q_int(s, "SELECT count(*) FROM stories WHERE id = ?", r.story_id), 1, "... and its story exists");
	int64_t C2 = add(s, f2, "c2", a2.title, a2.body, " Tickets go on sale in May.", NOW, NOW + 1, &r);
	ok(C2 > 0 && r.dup_of == B2c, "a new copy of a2 is a near-duplicate of the kept copy");
	is_int(r.story_id, story_a2, "... in a2's story");
	int64_t C4 = add(s, f1, "c4", a4.title, a4.body, " Picking continues until October.", NOW, NOW + 2, &r);
	ok(C4 > 0 && r.dup_of == B4, "a new copy of kept b4 is a near-duplicate of it");
	check_clean(s, "after new items");

	/* an old item still waiting for its article page (no story yet) */
	int64_t P = -1;
	if (pw_store_begin(s) == 0) {
		struct pw_item it;
		memset(&it, 0, sizeof it);
		it.feed_id = f1;
		it.guid = "pending";
		it.title = "Ferry operator announces a winter timetable";
		it.published = PW_NOTIME;
		it.fetched = OLD;
		if (pw_store_item_insert(s, &it) == 1)
			P = it.id;
		pw_store_commit(s);
	}
	ok(P > 0, "an old item without a story yet");

	/* a cutoff in the future: everything finished goes, in batches */
	size_t total = 0;
	int fails = 0;
	do {
		fails += prune(s, NOW + DAY, 3, &n) < 0;
		total += n;
	} while (n == 3 && fails == 0);
	is_int(fails, 0, "prune everything in batches of 3");
	is_int((int64_t)total, 7, "... 7 items");
	is_int(q_int(s, "SELECT count(*) FROM items", 0), 1, "one item left");
	is_int(q_int(s, "SELECT count(*) FROM items WHERE id = ?", P), 1, "... the one still in the article stage");
	const char *tables[] = { "lsh", "story_terms", "story_vecs", "stories", "tags", "speakers", "alerts", "items_fts_docsize" };
	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
		char *sql = xasprintf("SELECT count(*) FROM %s", tables[i]);
		is_int(q_int(s, sql, 0), 0, "%s empty", tables[i]);
		free(sql);
	}
	is_int(q_int(s, "SELECT count(*) FROM feeds", 0), 2, "feeds kept");
	ok(q_int(s, "SELECT count(*) FROM term_df", 0) >= df_rows, "term_df kept");
	check_clean(s, "after pruning everything");

	pw_store_close(s);
	/* a reopened store loads the saved LSH filter; dedup still works */
	s = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	ok(s != NULL, "reopen");
	if (s) {
		int64_t D1 = add(s, f1, "d1", a1.title, a1.body, NULL, NOW, NOW + 3, &r);
		ok(D1 > 0 && r.dup_of == 0 && r.new_story, "after reopen: a1 again is new");
		pw_store_close(s);
	}
	char *cmd = xasprintf("rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpdir);
	free(cmd);
	free(path);
	struct article *all[] = { &a1, &a2, &a4, &a5, &a6 };
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		free(all[i]->title);
	return done_testing();
}
