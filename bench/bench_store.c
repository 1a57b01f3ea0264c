/*
 * bench_store.c -- store throughput: items inserted per second (batched as the daemon does:
 * one transaction per poll), article updates (FTS re-index), the pending-articles queue scan,
 * full-text queries, and a read-only open while the store is large.
 *
 * usage: bench_store [-n ITEMS] [-b BATCH] [-d DIR]
 * Text is synthetic (a fixed pseudo-random mix of English and Russian news vocabulary), so runs
 * are comparable; the database goes into DIR (default $TMPDIR or /tmp) and is removed after.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "buf.h"
#include "common.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "xmalloc.h"

static const char *const words[] = {
	"ministry", "foreign", "spokesperson", "said", "statement", "Karabakh", "Baku", "Yerevan",
	"talks", "border", "delimitation", "peace", "agreement", "president", "election", "Kyiv",
	"referendum", "commission", "vote", "Zaporizhzhia", "ambassador", "summoned", "demarche",
	"заявила", "министерство", "иностранных", "дел", "переговоры", "граница", "выборы",
	"представитель", "посол", "Карабах", "соглашение", "мирное", "делегация", "встреча",
	"the", "of", "and", "on", "in", "to", "a", "with", "after", "before", "during", "about",
};

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void text(struct pw_buf *b, int nwords)
{
	pw_buf_reset(b);
	for (int i = 0; i < nwords; i++) {
		if (i)
			pw_buf_putc(b, ' ');
		pw_buf_puts(b, words[next_rand() % PW_ARRAY_SIZE(words)]);
	}
}

int main(int argc, char **argv)
{
	int n = 20000, batch = 25, opt;
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	while ((opt = getopt(argc, argv, "n:b:d:")) != -1) {
		switch (opt) {
		case 'n': n = atoi(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'd': dir = optarg; break;
		default:
			fprintf(stderr, "usage: bench_store [-n ITEMS] [-b BATCH] [-d DIR]\n");
			return 2;
		}
	}
	if (n < 1 || batch < 1)
		return 2;
	pw_log_set_level(LOG_WARNING);

	char *path = xasprintf("%s/bench_store.%ld.db", dir, (long)getpid());
	char err[1024];
	struct pw_store *s = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	if (!s) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	enum { NFEEDS = 50 };
	int64_t feeds[NFEEDS];
	pw_store_begin(s);
	for (int i = 0; i < NFEEDS; i++) {
		char name[32], url[64];
		snprintf(name, sizeof name, "feed-%02d", i);
		snprintf(url, sizeof url, "https://outlet%02d.example/feed/", i);
		feeds[i] = pw_store_feed_sync(s, name, url, name, 0, 1);
	}
	pw_store_commit(s);

	struct pw_buf title = PW_BUF_INIT, summary = PW_BUF_INIT, body = PW_BUF_INIT;
	int64_t *ids = xcalloc((size_t)n, sizeof *ids);
	double t0 = bench_clock(CLOCK_MONOTONIC);
	for (int i = 0; i < n; i += batch) {
		if (pw_store_begin(s) < 0)
			return 1;
		for (int k = i; k < i + batch && k < n; k++) {
			char guid[64], url[96];
			snprintf(guid, sizeof guid, "https://outlet.example/?p=%d", k);
			snprintf(url, sizeof url, "https://outlet.example/news/%d/", k);
			text(&title, 10);
			text(&summary, 40);
			struct pw_item it = {
				.feed_id = feeds[k % NFEEDS], .guid = guid, .url = url, .title = title.data,
				.summary = summary.data, .lang = "en", .published = 1795000000 + k,
				.fetched = 1795000000 + k,
			};
			if (pw_store_item_insert(s, &it) != 1)
				return 1;
			ids[k] = it.id;
		}
		if (pw_store_commit(s) < 0)
			return 1;
	}
	double t_insert = bench_clock(CLOCK_MONOTONIC) - t0;

	/* Article text for every item, one transaction per article (as the fetcher commits). */
	int narticles = n < 5000 ? n : 5000;
	t0 = bench_clock(CLOCK_MONOTONIC);
	for (int k = 0; k < narticles; k++) {
		text(&body, 400);
		pw_store_begin(s);
		pw_store_item_set_article(s, ids[k], "ok", body.data, NULL, NULL, NULL, PW_NOTIME, 1, PW_NOTIME);
		pw_store_commit(s);
	}
	double t_article = bench_clock(CLOCK_MONOTONIC) - t0;

	int64_t *due;
	size_t ndue;
	t0 = bench_clock(CLOCK_MONOTONIC);
	for (int r = 0; r < 100; r++) {
		pw_store_items_pending_articles(s, 1795000000 + n, 3, 200, &due, &ndue);
		free(due);
	}
	double t_pending = (bench_clock(CLOCK_MONOTONIC) - t0) / 100;

	static const char *const queries[] = { "zaporizhzhia", "заявила AND выборы", "\"foreign ministry\"" };
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT count(*) FROM items_fts WHERE items_fts MATCH ?1");
	int64_t hits = 0;
	t0 = bench_clock(CLOCK_MONOTONIC);
	for (int r = 0; r < 30; r++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, queries[r % 3], -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			hits += sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	double t_fts = (bench_clock(CLOCK_MONOTONIC) - t0) / 30;

	t0 = bench_clock(CLOCK_MONOTONIC);
	struct pw_store *ro = pw_store_open(path, PW_STORE_RO, err, sizeof err);
	double t_ro = bench_clock(CLOCK_MONOTONIC) - t0;
	if (!ro)
		fprintf(stderr, "%s\n", err);
	pw_store_close(ro);

	printf("store bench: %d items in batches of %d, %d feeds, SQLite %s (WAL, synchronous=FULL)\n",
	       n, batch, NFEEDS, sqlite3_libversion());
	printf("  insert (feed entry, FTS):  %8.0f items/s   (%.2f s)\n", n / t_insert, t_insert);
	printf("  article update (2.8 KB):   %8.0f items/s   (%d, one commit each)\n", narticles / t_article, narticles);
	printf("  pending-articles scan:     %8.3f ms        (%zu due, limit 200)\n", t_pending * 1e3, ndue);
	printf("  full-text query:           %8.3f ms        (mean of 30, %lld hits)\n", t_fts * 1e3, (long long)hits);
	printf("  read-only open:            %8.3f ms\n", t_ro * 1e3);

	pw_store_close(s);
	unlink(path);
	char *side = xasprintf("%s-wal", path);
	unlink(side);
	free(side);
	side = xasprintf("%s-shm", path);
	unlink(side);
	free(side);
	free(path);
	free(ids);
	pw_buf_free(&title);
	pw_buf_free(&summary);
	pw_buf_free(&body);
	return 0;
}
