/* Unit tests: stories decided through the store (pw_dedup_assign) on an empty store, for the
 * five seed articles ($PW_SHARED/seeds) in all 120 arrival orders -- each order in a fresh
 * store, first line as the title as a feed gives it -- and a store of schema version 5 (before
 * story_vecs) upgrading and grouping on, its old items compared by their centroid alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "common.h"
#include "dedup_corpus.h"
#include "log.h"
#include "store.h"
#include "store_dedup.h"
#include "store_int.h"
#include "story.h"
#include "tap.h"
#include "xmalloc.h"

static char tmpdir[] = "/tmp/pw-test-story-XXXXXX";

static int64_t q_int(struct pw_store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_prepare_v2(pw_store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void remove_db(const char *path)
{
	char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
	unlink(path);
	unlink(wal);
	unlink(shm);
	free(wal);
	free(shm);
}

static void test_seed_orders(void)
{
	char *dir, *names[DC_MAX_SEEDS];
	size_t n;
	if (dc_seed_files(&dir, names, &n) < 0) {
		skip("seed articles not present (PW_SHARED/seeds): seed orders through the store not checked");
		return;
	}
	if (n != 5) {
		skip("expected five seed articles in PW_SHARED/seeds: seed orders through the store not checked");
		goto out;
	}
	char *title[5], *body[5];
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		title[i] = dc_slurp(path, NULL);
		free(path);
		if (title[i] == NULL)
			title[i] = xstrdup("");
		char *nl = strchr(title[i], '\n');
		if (nl)
			*nl = '\0';
		body[i] = nl ? nl + 1 : title[i] + strlen(title[i]);
	}
	size_t order[5] = { 0, 1, 2, 3, 4 };
	int right = 0, total = 0, failed = 0;
	double min_join = 1, max_other = 0;
	char bad[256] = "";
	char *path = xasprintf("%s/order.db", tmpdir), err[512];
	do {
		remove_db(path);
		struct pw_store *s = pw_store_open(path, PW_STORE_RW, err, sizeof err);
		if (s == NULL) {
			failed++;
			break;
		}
		int64_t story[5] = { 0 };
		if (pw_store_begin(s) == 0) {
			int64_t feed = pw_store_feed_sync(s, "seeds", "https://seeds.example/feed", "Seeds", 0, 1);
			pw_store_commit(s);
			for (size_t k = 0; k < n; k++) {
				size_t i = order[k];
				struct pw_dedup_result r;
				char guid[16];
				snprintf(guid, sizeof guid, "seed%zu", i);
				/* within an hour of each other: the window always applies */
				story[i] = dc_add_item(s, feed, guid, title[i], body[i], 1694600000 + (int64_t)k * 600, NULL, &r) > 0 ?
					   r.story_id : -1;
				failed += story[i] <= 0;
				if (k == 0)
					continue;
				/* the score the item got: joined (its story has an earlier item) or not */
				int joins = 0;
				for (size_t e = 0; e < k; e++)
					joins |= (order[e] < 3) == (i < 3) && i < 3;
				if (joins && r.story_similarity < min_join)
					min_join = r.story_similarity;
				if (!joins && r.story_similarity > max_other)
					max_other = r.story_similarity;
			}
		}
		pw_store_close(s);
		int good = story[0] == story[1] && story[1] == story[2] && story[3] != story[0] && story[4] != story[0] &&
			   story[3] != story[4];
		right += good;
		total++;
		if (!good && strlen(bad) < sizeof bad - 16)
			snprintf(bad + strlen(bad), sizeof bad - strlen(bad), " %zu%zu%zu%zu%zu", order[0], order[1], order[2],
				 order[3], order[4]);
	} while (dc_next_perm(order, n));
	remove_db(path);
	free(path);
	is_int(failed, 0, "every seed stored and assigned in every order");
	diag("seeds through the store, empty store, %d orders: items of story A score >= %.3f with it, "
	     "items without an earlier item of their story <= %.3f (same_story %.2f)", total, min_join, max_other,
	     PW_STORY_SAME_DEFAULT);
	ok(right == total, "seeds through the store in all %d arrival orders give exactly stories A, B, C (%d right)%s%s",
	   total, right, *bad ? "; wrong:" : "", bad);
	for (size_t i = 0; i < n; i++)
		free(title[i]);
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(dir);
}

/* A store from before story_vecs (schema 5) upgrades; its stories keep grouping, by centroid. */
static void test_upgrade(void)
{
	char *path = xasprintf("%s/old.db", tmpdir), err[512];
	remove_db(path);
	struct pw_store *s = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	ok(s != NULL, "store opens (%s)", s ? "ok" : err);
	if (s == NULL) {
		free(path);
		return;
	}
	const char *a = "Aynur Kazimova, a journalist of Meydan TV, was detained in Baku on 14 March on "
			"smuggling charges that her lawyer Elchin Sadigov called fabricated. The Khatai district "
			"court ordered four months of pre-trial detention for Kazimova on 15 March.";
	const char *b = "The Khatai district court in Baku on 15 March remanded Meydan TV journalist Aynur "
			"Kazimova in custody for four months; lawyer Elchin Sadigov said the smuggling charges "
			"were fabricated and that Kazimova was detained on 14 March.";
	struct pw_dedup_result r;
	int64_t feed = 0;
	if (pw_store_begin(s) == 0) {
		feed = pw_store_feed_sync(s, "old", "https://old.example/feed", "Old", 0, 1);
		pw_store_commit(s);
	}
	int64_t sa = dc_add_item(s, feed, "a", "Journalist Kazimova detained", a, 1741950000, NULL, &r) > 0 ? r.story_id : -1;
	ok(sa > 0 && r.new_story, "an item starts a story");
	pw_store_close(s);
	/* make it a schema 5 store: no story_vecs, version 5 */
	sqlite3 *db;
	if (sqlite3_open(path, &db) == SQLITE_OK) {
		sqlite3_exec(db, "DROP TABLE story_vecs; PRAGMA user_version = 5;", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	s = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	ok(s != NULL, "a schema 5 store opens (%s)", s ? "ok" : err);
	if (s == NULL) {
		free(path);
		return;
	}
	is_int(q_int(s, "PRAGMA user_version"), pw_store_schema_version(), "and is upgraded to the current schema");
	is_int(q_int(s, "SELECT count(*) FROM story_vecs"), 0, "story_vecs exists, empty");
	int64_t sb = dc_add_item(s, feed, "b", "Court remands Kazimova", b, 1741960000, NULL, &r) > 0 ? r.story_id : -1;
	ok(sb == sa && !r.new_story, "a rewrite joins the old story by its centroid alone (score %.3f)", r.story_similarity);
	is_int(q_int(s, "SELECT count(*) FROM story_vecs"), 1, "and the new item's vector is kept");
	pw_store_close(s);
	remove_db(path);
	free(path);
}

int main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	pw_log_set_level(LOG_WARNING);
	test_upgrade();
	test_seed_orders();
	rmdir(tmpdir);
	return done_testing();
}
