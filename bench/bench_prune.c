/*
 * bench_prune.c -- speed of retention (pw_store_prune) on a store the daemon's way.
 *
 * usage: bench_prune [-n ITEMS] [-b BATCH] [-p] TMPDIR  (-p: time per SQL statement of the prune)
 *
 * Builds a store of ITEMS items (default 20,000) in TMPDIR: synthetic ~2 KB texts over a
 * 20,000-word vocabulary, every tenth a light edit of an earlier one (a near-duplicate), each
 * inserted and assigned by pw_dedup_assign in transactions of 500 (so lsh, story_terms,
 * story_vecs, term_df and stories are the daemon's), first seen one a minute apart.  Then
 * prunes the older half in transactions of BATCH items (default 500, the daemon's) and prints
 * items/s (wall and CPU) and the slowest transaction, then checks that no lsh or story_terms
 * row is left without its item.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench_util.h"
#include "buf.h"
#include "common.h"
#include "store.h"
#include "store_dedup.h"
#include "store_int.h"
#include "store_prune.h"
#include "xmalloc.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A word of the vocabulary, common words more often (squared uniform). */
static void word(struct pw_buf *b)
{
	double u = (double)(next() % 1000000) / 1e6;
	unsigned w = (unsigned)(u * u * 20000);
	static const char *syl[] = { "ka", "lo", "mer", "tan", "vi", "sor", "ple", "du", "ri", "gon", "esh", "ba", "nu", "tre", "fal", "zi" };
	char tmp[32];
	size_t n = 0;
	do {
		const char *s = syl[w % 16];
		size_t l = strlen(s);
		memcpy(tmp + n, s, l);
		n += l;
		w /= 16;
	} while (w && n < 24);
	tmp[n++] = ' ';
	pw_buf_append(b, tmp, n);
}

/* -p: time per statement text of the prune (SQLITE_TRACE_PROFILE), printed at the end */
#define MAX_PROF 32
static struct { char *sql; double s; long n; } prof[MAX_PROF];  /* sql: a copy, freed at exit */
static int on_profile(unsigned type, void *ctx, void *p, void *x)
{
	(void)type;
	(void)ctx;
	const char *sql = sqlite3_sql((sqlite3_stmt *)p);
	double ns = (double)*(sqlite3_int64 *)x;
	for (int i = 0; i < MAX_PROF && sql; i++) {
		if (prof[i].sql == NULL)
			prof[i].sql = xstrdup(sql);
		if (strcmp(prof[i].sql, sql) == 0) {
			prof[i].s += ns / 1e9;
			prof[i].n++;
			break;
		}
	}
	return 0;
}

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

int main(int argc, char **argv)
{
	long items = 20000, batch = 500;
	int ch, profile = 0;
	while ((ch = getopt(argc, argv, "n:b:p")) != -1) {
		switch (ch) {
		case 'p': profile = 1; break;
		case 'n': items = atol(optarg); break;
		case 'b': batch = atol(optarg); break;
		default:
			fprintf(stderr, "usage: bench_prune [-n ITEMS] [-b BATCH] TMPDIR\n");
			return 2;
		}
	}
	if (optind >= argc || items < 2 || batch < 1) {
		fprintf(stderr, "usage: bench_prune [-n ITEMS] [-b BATCH] TMPDIR\n");
		return 2;
	}
	char *path = xasprintf("%s/bench_prune.%ld.db", argv[optind], (long)getpid());
	char err[512];
	struct pw_store *s = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	if (!s) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	pw_store_set_cache_size(s, 64u << 20);
	const int64_t t0 = 1780000000;
	int64_t feed = -1;
	if (pw_store_begin(s) == 0) {
		feed = pw_store_feed_sync(s, "bench", "https://bench.example/feed", "Bench", 0, 1);
		pw_store_commit(s);
	}
	if (feed <= 0)
		return 1;
	char **texts = xcalloc((size_t)items, sizeof *texts);
	double b0 = bench_clock(CLOCK_MONOTONIC);
	int fail = 0;
	for (long i = 0; i < items && !fail; i++) {
		struct pw_buf b = PW_BUF_INIT;
		if (i % 10 == 9) {
			/* a near-duplicate: an earlier text with a line added */
			const char *orig = texts[next() % (uint64_t)i];
			pw_buf_append(&b, orig, strlen(orig));
			pw_buf_append(&b, " updated with comment from officials", 36);
		} else {
			for (int k = 0; k < 300; k++)
				word(&b);
		}
		pw_buf_append(&b, "", 1);
		texts[i] = b.data;
		if (i % 500 == 0 && pw_store_begin(s) < 0)
			fail = 1;
		char guid[32], title[64];
		snprintf(guid, sizeof guid, "g%ld", i);
		snprintf(title, sizeof title, "Bench item %ld", i);
		struct pw_item it;
		memset(&it, 0, sizeof it);
		it.feed_id = feed;
		it.guid = guid;
		it.title = title;
		it.body = texts[i];
		it.fetched = t0 + i * 60;
		it.published = it.fetched;
		struct pw_dedup_result r;
		if (pw_store_item_insert(s, &it) != 1 || pw_dedup_assign(s, it.id, title, texts[i], it.fetched, NULL, &r) < 0)
			fail = 1;
		if ((i % 500 == 499 || i == items - 1) && pw_store_commit(s) < 0)
			fail = 1;
	}
	if (fail) {
		fprintf(stderr, "building the store failed: %s\n", pw_store_error(s));
		return 1;
	}
	printf("store: %ld items in %.1f s; lsh %lld, story_terms %lld, story_vecs %lld, stories %lld rows\n", items,
	       bench_clock(CLOCK_MONOTONIC) - b0, (long long)q_int(s, "SELECT count(*) FROM lsh"),
	       (long long)q_int(s, "SELECT count(*) FROM story_terms"), (long long)q_int(s, "SELECT count(*) FROM story_vecs"),
	       (long long)q_int(s, "SELECT count(*) FROM stories"));

	if (profile)
		sqlite3_trace_v2(pw_store_db(s), SQLITE_TRACE_PROFILE, on_profile, NULL);
	int64_t before = t0 + (items / 2) * 60;
	double w0 = bench_clock(CLOCK_MONOTONIC), c0 = bench_clock(CLOCK_PROCESS_CPUTIME_ID), worst = 0;
	size_t total = 0, n;
	do {
		double bt = bench_clock(CLOCK_MONOTONIC);
		n = 0;
		if (pw_store_begin(s) < 0 || pw_store_prune(s, before, (size_t)batch, &n) < 0 || pw_store_commit(s) < 0) {
			fprintf(stderr, "prune failed: %s\n", pw_store_error(s));
			return 1;
		}
		bt = bench_clock(CLOCK_MONOTONIC) - bt;
		if (bt > worst)
			worst = bt;
		total += n;
	} while (n == (size_t)batch);
	double wall = bench_clock(CLOCK_MONOTONIC) - w0, cpu = bench_clock(CLOCK_PROCESS_CPUTIME_ID) - c0;
	printf("prune: %zu items in %.2f s wall (%.0f items/s), %.2f s CPU (%.0f items/s); batches of %ld, slowest %.0f ms\n",
	       total, wall, total / wall, cpu, total / cpu, batch, worst * 1000);
	sqlite3_trace_v2(pw_store_db(s), 0, NULL, NULL);
	for (int i = 0; i < MAX_PROF && prof[i].sql; i++) {
		printf("  %7.3f s %6ld x  %.100s\n", prof[i].s, prof[i].n, prof[i].sql);
		free(prof[i].sql);
	}
	printf("left: %lld items; orphan lsh rows %lld, orphan postings %lld\n", (long long)q_int(s, "SELECT count(*) FROM items"),
	       (long long)q_int(s, "SELECT count(*) FROM lsh WHERE item_id NOT IN (SELECT id FROM items)"),
	       (long long)q_int(s, "SELECT count(*) FROM story_terms WHERE item_id NOT IN (SELECT id FROM items)"));
	pw_store_close(s);
	for (long i = 0; i < items; i++)
		free(texts[i]);
	free(texts);
	char *p2 = xasprintf("%s-wal", path), *p3 = xasprintf("%s-shm", path);
	unlink(path);
	unlink(p2);
	unlink(p3);
	free(p2);
	free(p3);
	free(path);
	return 0;
}
