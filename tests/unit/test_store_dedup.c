/* Unit tests: store_dedup.c -- duplicates and stories decided in a real (temporary) store:
 * the labelled set, the title fallback for short items, copies of copies, and the seeds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "common.h"
#include "dedup_corpus.h"
#include "shingle.h"
#include "store.h"
#include "store_dedup.h"
#include "store_int.h"
#include "story.h"
#include "tap.h"
#include "xmalloc.h"

#define STORY_PRECISION_FLOOR 0.95
#define STORY_RECALL_FLOOR 0.85

static char tmpdir[] = "/tmp/pw-test-dedup-XXXXXX";

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

static struct dc_corpus corpus;

static void test_labelled(struct pw_store *s, int64_t feed)
{
	size_t n = corpus.n;
	int64_t *ids = xcalloc(n, sizeof *ids);
	size_t *order = xmalloc(n * sizeof *order);
	struct pw_dedup_conf conf;
	pw_dedup_conf_default(&conf);
	dc_time_order(&corpus, order);
	int failed = 0;
	for (size_t k = 0; k < n; k++) {
		size_t i = order[k];
		struct pw_dedup_result r;
		ids[i] = dc_add_item(s, feed, corpus.a[i].name, corpus.a[i].title, corpus.a[i].body, corpus.a[i].published, &conf, &r);
		failed += ids[i] <= 0;
	}
	is_int(failed, 0, "all %zu labelled articles stored and assigned", n);
	is_int(q_int(s, "SELECT count(*) FROM items WHERE story_id IS NULL", 0), 0, "every item has a story");

	/* near-duplicates: labelled "dup" pairs have dup_of = the earlier one's original */
	int tp = 0, fp = 0, fn = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			int64_t di = q_int(s, "SELECT dup_of FROM items WHERE id = ?", ids[i]);
			int64_t dj = q_int(s, "SELECT dup_of FROM items WHERE id = ?", ids[j]);
			int64_t oi = di ? di : ids[i], oj = dj ? dj : ids[j];
			int pred = oi == oj, truth = dc_is_dup(&corpus, (int)i, (int)j);
			tp += pred && truth;
			fp += pred && !truth;
			fn += !pred && truth;
		}
	double dp = tp + fp ? (double)tp / (tp + fp) : 1, dr = tp + fn ? (double)tp / (tp + fn) : 1;
	diag("store near-duplicates: tp %d fp %d fn %d -> precision %.3f recall %.3f", tp, fp, fn, dp, dr);
	ok(dp >= 0.95 && dr >= 0.55, "near-duplicate precision/recall in the store (recall above test_shingle's MinHash-only 0.429: borderline pairs are decided exactly)");
	for (size_t p = 0; p < corpus.npairs; p++) {
		const struct dc_pair *pr = &corpus.pairs[p];
		if (pr->dup != 1)
			continue;
		int a = pr->a, b = pr->b;
		if (dc_before(&corpus, (size_t)b, (size_t)a)) {
			int x = a;
			a = b;
			b = x;
		}
		is_int(q_int(s, "SELECT dup_of FROM items WHERE id = ?", ids[b]), ids[a],
		       "%s: %s dup_of %s", pr->kind, corpus.a[b].name, corpus.a[a].name);
	}

	/* Exact 0.806, MinHash estimate 0.789: decided on its exact Jaccard (shingle.h PW_EXACT_BAND). */
	for (size_t p = 0; p < corpus.npairs; p++) {
		const struct dc_pair *pr = &corpus.pairs[p];
		if (strcmp(pr->kind, "four-paragraphs-moved") != 0)
			continue;
		is_int(q_int(s, "SELECT dup_of FROM items WHERE id = ?", ids[pr->b]), ids[pr->a],
		       "%s: exact Jaccard 0.806 >= 0.8 though MinHash estimates 0.789: %s dup_of %s", pr->kind,
		       corpus.a[pr->b].name, corpus.a[pr->a].name);
	}

	/* stories: pairwise precision/recall */
	int *pred = xmalloc(n * sizeof *pred);
	for (size_t i = 0; i < n; i++)
		pred[i] = (int)q_int(s, "SELECT story_id FROM items WHERE id = ?", ids[i]);
	tp = fp = fn = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			int pp = pred[i] == pred[j], t = corpus.a[i].story == corpus.a[j].story;
			tp += pp && t;
			fp += pp && !t;
			fn += !pp && t;
		}
	double sp = tp + fp ? (double)tp / (tp + fp) : 1, sr = tp + fn ? (double)tp / (tp + fn) : 1;
	diag("store stories over %zu articles: pairwise precision %.3f recall %.3f (%lld stories)", n, sp, sr,
	     (long long)q_int(s, "SELECT count(*) FROM stories", 0));
	ok(sp >= STORY_PRECISION_FLOOR, "story pairwise precision %.3f >= %.2f", sp, STORY_PRECISION_FLOOR);
	ok(sr >= STORY_RECALL_FLOOR, "story pairwise recall %.3f >= %.2f", sr, STORY_RECALL_FLOOR);
	is_int(q_int(s, "SELECT count(*) FROM stories WHERE item_count <> "
			"(SELECT count(*) FROM items WHERE items.story_id = stories.id)", 0), 0,
	       "stories.item_count matches the items");
	is_int(q_int(s, "SELECT count(*) FROM items i JOIN items o ON o.id = i.dup_of WHERE o.dup_of IS NOT NULL", 0), 0,
	       "dup_of always names an original");
	is_int(q_int(s, "SELECT count(*) FROM items i JOIN items o ON o.id = i.dup_of WHERE o.story_id <> i.story_id", 0), 0,
	       "a duplicate is in its original's story");
	free(pred);
	free(ids);
	free(order);
}

static void test_short_items(struct pw_store *s, int64_t f1, int64_t f2)
{
	struct pw_dedup_result r;
	int64_t day = 1767225600; /* 2026-01-01 00:00 UTC */
	int64_t a = dc_add_item(s, f1, "live-1", "LIVE: Parliament votes on the state budget", NULL, day + 3600, NULL, &r);
	ok(a > 0 && r.dup_of == 0 && r.story_id > 0, "a title-only item is an original with a story");
	int64_t b = dc_add_item(s, f2, "live-2", "Live — parliament VOTES on the state budget!", NULL, day + 7200, NULL, &r);
	ok(b > 0 && r.dup_of == a && r.by_title, "same normalised title, same day: duplicate by title");
	ok(r.story_id == q_int(s, "SELECT story_id FROM items WHERE id = ?", a), "and in the original's story");
	dc_add_item(s, f2, "live-3", "LIVE: Parliament votes on the state budget", NULL, day + 86400 + 60, NULL, &r);
	ok(r.dup_of == 0, "same title the next day: not a duplicate");
	dc_add_item(s, f2, "live-4", "LIVE: Parliament votes on the health budget", NULL, day + 7300, NULL, &r);
	ok(r.dup_of == 0, "a different short title the same day: not a duplicate");
	dc_add_item(s, f1, "rain-1", "Rain warning", "Heavy rain is expected in Baku on Saturday.", day + 100, NULL, &r);
	dc_add_item(s, f2, "rain-2", "Storm", "Heavy rain is expected in Baku on Saturday.", day + 200, NULL, &r);
	ok(r.dup_of == 0, "identical one-line bodies under different titles are too short for MinHash");
	int64_t shingles = q_int(s, "SELECT shingles FROM items WHERE guid = 'rain-2'", 0);
	ok(shingles > 0 && shingles < PW_SHINGLE_MIN, "short text: its shingle count is kept (%lld)", (long long)shingles);
	is_int(q_int(s, "SELECT count(*) FROM lsh l JOIN items i ON i.id = l.item_id WHERE i.guid LIKE 'rain-%'", 0), 0,
	       "short texts are not put in the LSH index");
}

static int64_t copy_orig, copy_first;

/* `presswatch similar ID ID` against this store (read-only, next to the open writer). */
static void test_cli(const char *db)
{
	const char *top = getenv("top_builddir");
	if (top == NULL || copy_orig == 0) {
		skip("top_builddir not set: presswatch similar on item ids not checked");
		return;
	}
	char *cmd = xasprintf("'%s/cli/presswatch' -d '%s' similar --json %lld %lld 2>&1", top, db,
			      (long long)copy_orig, (long long)copy_first);
	FILE *p = popen(cmd, "r");
	char out[8192] = "";
	size_t n = p ? fread(out, 1, sizeof out - 1, p) : 0;
	out[n] = '\0';
	int st = p ? pclose(p) : -1;
	ok(st == 0 && strstr(out, "\"near_duplicate\":true") && strstr(out, "\"same_story\":true"),
	   "presswatch similar on two item ids: duplicate and same story");
	char want[64];
	snprintf(want, sizeof want, "\"dup_of\":%lld", (long long)copy_orig);
	ok(strstr(out, want) != NULL, "and shows the stored dup_of");
	if (!strstr(out, want))
		diag("%s", out);
	free(cmd);
	cmd = xasprintf("'%s/cli/presswatch' -d '%s' similar 999999 %lld 2>&1", top, db, (long long)copy_orig);
	p = popen(cmd, "r");
	n = p ? fread(out, 1, sizeof out - 1, p) : 0;
	out[n] = '\0';
	st = p ? pclose(p) : -1;
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 1 && strstr(out, "no item with id 999999"), "an unknown item id is an error");
	free(cmd);
}

static void test_copy_of_copy(struct pw_store *s, int64_t f1, int64_t f2)
{
	const char *base =
		"The ferry line between Baku and the Turkmen port of Turkmenbashi resumed regular crossings "
		"on Monday after a two-week pause caused by storms on the Caspian Sea, the Azerbaijan Caspian "
		"Shipping Company said. Three ferries will sail daily in each direction, carrying lorries, "
		"rail wagons and up to 100 passengers. The company said the backlog of about 600 lorries "
		"waiting at the Alat port would be cleared by Friday. Drivers told reporters they had waited "
		"for up to eleven days without information about departures, and complained about the lack "
		"of sanitary facilities at the port. The shipping company promised to open a new waiting "
		"area with a canteen before the winter season.";
	size_t len = strlen(base);
	char *copy1 = xasprintf("%s\nFollow us on Telegram.\n", base);
	char *copy2 = xasprintf("%s\nFollow us on Telegram.\nShare this article.\n", base);
	struct pw_dedup_result r;
	int64_t t = 1800000000;
	int64_t o = dc_add_item(s, f1, "orig", "Original", base, t, NULL, &r);
	int64_t c1 = dc_add_item(s, f2, "copy1", "Copy", copy1, t + 60, NULL, &r);
	ok(r.dup_of == o, "a copy is a duplicate of the original");
	copy_orig = o;
	copy_first = c1;
	int64_t c2 = dc_add_item(s, f2, "copy2", "Copy of copy", copy2, t + 120, NULL, &r);
	ok(r.dup_of == o && c2 > c1, "a copy of the copy names the original too (len %zu)", len);
	ok(r.dup_candidates >= 1 && r.dup_similarity >= 0.8, "found through LSH (%d candidates, %.3f)",
	   r.dup_candidates, r.dup_similarity);
	ok(pw_dedup_assign(s, o, "x", base, t, NULL, &r) == -1, "assigning outside a transaction is refused");
	int64_t count = q_int(s, "SELECT item_count FROM stories WHERE id = (SELECT story_id FROM items WHERE id = ?)", c2);
	pw_store_begin(s);
	ok(pw_dedup_assign(s, c2, "Copy of copy", copy2, t + 120, NULL, &r) == 0 && r.dup_of == o && r.story_id > 0,
	   "a second call reports the stored decision");
	ok(pw_dedup_assign(s, 987654, "x", base, t, NULL, &r) == -1, "an unknown item is an error");
	pw_store_commit(s);
	is_int(q_int(s, "SELECT item_count FROM stories WHERE id = (SELECT story_id FROM items WHERE id = ?)", c2), count,
	       "and changes nothing");
	free(copy1);
	free(copy2);
}

/* The seeds through the store, after the labelled set filled its statistics. */
static void test_seeds(struct pw_store *s, int64_t feed)
{
	char *dir, *names[DC_MAX_SEEDS];
	size_t n;
	if (dc_seed_files(&dir, names, &n) < 0) {
		skip("seed articles not present (PW_SHARED/seeds): seed stories in the store not checked");
		return;
	}
	int64_t story[16] = { 0 };
	int64_t t = 1694600000; /* 2023-09-13: the seeds arrive within a day of each other */
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		char *body = dc_slurp(path, NULL);
		free(path);
		struct pw_dedup_result r;
		if (body && dc_add_item(s, feed, names[i], NULL, body, t + (int64_t)i * 3600, NULL, &r) > 0) {
			story[i] = r.story_id;
			diag("seed %s: story %lld (%s, cosine %.3f, %d candidates)", names[i], (long long)r.story_id,
			     r.new_story ? "new" : "joined", r.story_similarity, r.story_candidates);
		}
		free(body);
	}
	if (n >= 5) {
		ok(story[0] && story[0] == story[1] && story[1] == story[2], "store: seeds 000, 001, 002 are one story");
		ok(story[3] && story[4] && story[3] != story[0] && story[4] != story[0] && story[3] != story[4],
		   "store: seeds 003 and 004 are stories of their own");
	} else {
		skip("fewer than five seed articles");
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(dir);
}

int main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	char *path = xasprintf("%s/dedup.db", tmpdir), err[512];
	struct pw_store *s = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	ok(s != NULL, "temporary store opens (%s)", s ? "ok" : err);
	char *dir = dc_default_dir();
	int rc = dc_load(dir, &corpus);
	ok(rc == 0, "labelled set loads from %s", dir);
	free(dir);
	if (s && rc == 0) {
		if (pw_store_begin(s) == 0) {
			int64_t f1 = pw_store_feed_sync(s, "wire-one", "https://one.example/feed", "Wire One", 0, 1);
			int64_t f2 = pw_store_feed_sync(s, "wire-two", "https://two.example/feed", "Wire Two", 0, 1);
			pw_store_commit(s);
			test_labelled(s, f1);
			test_short_items(s, f1, f2);
			test_copy_of_copy(s, f1, f2);
			test_seeds(s, f2);
			test_cli(path);
		}
		dc_free(&corpus);
	}
	if (s)
		pw_store_close(s);
	char *p2 = xasprintf("%s-wal", path), *p3 = xasprintf("%s-shm", path);
	unlink(path);
	unlink(p2);
	unlink(p3);
	rmdir(tmpdir);
	free(p2);
	free(p3);
	free(path);
	return done_testing();
}
