/*
 * bench_dedup.c -- speed of the near-duplicate and story checks.
 *
 * usage: bench_dedup [-t SECONDS] [-n ITEMS] [-s TMPDIR [-c CACHE_MB] [-m MMAP_MB]] FILE...
 *
 * 1. Signatures/s: tokenising + shingling + MinHash + LSH keys, and story terms + vector,
 *    on ~10 KB articles.  Articles are built from the given files (the labelled fixtures by
 *    default: `make bench` passes them) by concatenating texts up to 10 KB, in English and in
 *    Russian, so that both the ASCII path and the Cyrillic path of text.c are measured.
 * 2. Per-item pw_dedup_assign() against a SQLite store holding N synthetic items (-s: 10k,
 *    100k and 1M; -n N for one size): items with signatures, their LSH rows, story postings,
 *    stories with centroids and document frequencies, spread over a year and written directly
 *    in one transaction, plus for every article two items of related coverage in its window.
 *    Each new 10 KB article is inserted and assigned in a transaction that is rolled back, so
 *    every round sees the same store.  -c sets the SQLite page cache of the connection (the
 *    store's default is 16 MiB; at 1M items term_df and story_terms want more), -m its
 *    mmap_size (pages read from the OS's cache by pointer instead of read() + copy).
 * 3. Per-item candidate check against an in-memory index of N stored items (synthetic, -n:
 *    default 10k, 100k and 1M): LSH band lookup in a hash index + signature verification, and
 *    story candidates through an inverted index on signature terms + cosine with centroids.
 *    The cost must stay flat as N grows; the SQLite-backed figures come with the store side.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench_util.h"
#include "buf.h"
#include "common.h"
#include "shingle.h"
#include "store.h"
#include "store_dedup.h"
#include "store_int.h"
#include "story.h"
#include "story.h"
#include "text.h"
#include "xmalloc.h"

/* Per-item costs are measured in this thread's CPU time (CLOCK_THREAD_CPUTIME_ID): "items/s on
 * one core", and not inflated when other work shares the machine (wall time would be; I/O
 * waits are excluded, which for a store in the page cache are nearly none). */

/* Builds ~10 KB articles from the inputs, separately for mostly-ASCII and Cyrillic texts. */
static size_t build_articles(char **files, int nfiles, int cyrillic, char ***out)
{
	struct pw_buf cur = PW_BUF_INIT;
	char **arts = NULL;
	size_t n = 0;
	for (int round = 0; round < 50 && n < 32; round++)
		for (int i = 0; i < nfiles && n < 32; i++) {
			struct pw_buf b = PW_BUF_INIT;
			if (bench_load(files[i], &b) < 0 || b.len == 0) {
				pw_buf_free(&b);
				continue;
			}
			int cyr = 0;
			for (size_t k = 0; k + 1 < b.len; k++)
				if ((unsigned char)b.data[k] == 0xD0 || (unsigned char)b.data[k] == 0xD1)
					cyr++;
			if ((cyr > 50) != cyrillic) {
				pw_buf_free(&b);
				continue;
			}
			/* rotate by the round so that articles differ */
			size_t shift = (size_t)round * 97 % b.len;
			while (shift < b.len && b.data[shift] != '\n')
				shift++;
			if (shift < b.len)
				pw_buf_append(&cur, b.data + shift, b.len - shift);
			pw_buf_append(&cur, b.data, shift < b.len ? shift : b.len);
			pw_buf_putc(&cur, '\n');
			pw_buf_free(&b);
			if (cur.len >= 10240) {
				pw_buf_truncate(&cur, 10240);
				arts = xreallocarray(arts, n + 1, sizeof *arts);
				arts[n++] = pw_buf_detach(&cur);
			}
		}
	pw_buf_free(&cur);
	*out = arts;
	return n;
}

static void bench_signatures(const char *label, char **arts, size_t n, double secs)
{
	if (n == 0) {
		printf("%-9s no input articles\n", label);
		return;
	}
	struct pw_tokens t = PW_TOKENS_INIT;
	struct pw_minhash mh;
	int64_t keys[PW_LSH_BANDS];
	struct pw_doc_terms d = { 0 };
	struct pw_story_vec v;
	double t0 = bench_clock(CLOCK_MONOTONIC), tdup = 0, tstory = 0;
	size_t done = 0;
	while (bench_clock(CLOCK_MONOTONIC) - t0 < secs) {
		const char *a = arts[done % n];
		double s0 = bench_clock(CLOCK_THREAD_CPUTIME_ID);
		pw_text_tokenize(&t, a, strlen(a));
		pw_minhash_tokens(&t, &mh);
		pw_lsh_keys(&mh, keys);
		double s1 = bench_clock(CLOCK_THREAD_CPUTIME_ID);
		pw_story_terms_tokens(&t, 0, &d);
		pw_story_vector(&d, NULL, &v);
		pw_story_vec_free(&v);
		double s2 = bench_clock(CLOCK_THREAD_CPUTIME_ID);
		tdup += s1 - s0;
		tstory += s2 - s1;
		done++;
	}
	fflush(stdout);
	printf("%-9s 10 KB articles: near-dup signature %.1f us (%.0f/s); story terms+vector %.1f us (%.0f/s); "
	       "both %.0f items/s\n", label, tdup / done * 1e6, done / tdup, tstory / done * 1e6, done / tstory,
	       done / (tdup + tstory));
	pw_tokens_free(&t);
	pw_doc_terms_free(&d);
}

/* --- an in-memory index standing in for the store's tables ------------------------------ */
struct hidx { /* open addressing: key -> chain of item ids */
	uint64_t *keys;
	uint32_t *head;  /* first posting + 1 */
	size_t cap, nkeys;
	uint32_t *next;  /* per posting */
	uint32_t *item;
	size_t npost, postcap;
};

static void hidx_init(struct hidx *h, size_t expect)
{
	memset(h, 0, sizeof *h);
	h->cap = 1;
	while (h->cap < expect * 2)
		h->cap <<= 1;
	h->keys = xcalloc(h->cap, sizeof *h->keys);
	h->head = xcalloc(h->cap, sizeof *h->head);
}

static void hidx_grow(struct hidx *h)
{
	size_t ncap = h->cap * 2;
	uint64_t *keys = xcalloc(ncap, sizeof *keys);
	uint32_t *head = xcalloc(ncap, sizeof *head);
	for (size_t i = 0; i < h->cap; i++) {
		if (!h->keys[i])
			continue;
		size_t j = h->keys[i] & (ncap - 1);
		while (keys[j])
			j = (j + 1) & (ncap - 1);
		keys[j] = h->keys[i];
		head[j] = h->head[i];
	}
	free(h->keys);
	free(h->head);
	h->keys = keys;
	h->head = head;
	h->cap = ncap;
}

static void hidx_add(struct hidx *h, uint64_t key, uint32_t item)
{
	key |= 1;
	size_t j = key & (h->cap - 1);
	while (h->keys[j] && h->keys[j] != key)
		j = (j + 1) & (h->cap - 1);
	if (!h->keys[j] && (h->nkeys + 1) * 2 > h->cap) {
		hidx_grow(h);
		j = key & (h->cap - 1);
		while (h->keys[j])
			j = (j + 1) & (h->cap - 1);
	}
	if (!h->keys[j])
		h->nkeys++;
	h->keys[j] = key;
	if (h->npost == h->postcap) {
		h->postcap = h->postcap ? h->postcap * 2 : 1024;
		h->next = xreallocarray(h->next, h->postcap, sizeof *h->next);
		h->item = xreallocarray(h->item, h->postcap, sizeof *h->item);
	}
	h->item[h->npost] = item;
	h->next[h->npost] = h->head[j];
	h->head[j] = (uint32_t)++h->npost;
}

static uint32_t hidx_first(const struct hidx *h, uint64_t key)
{
	key |= 1;
	for (size_t j = key & (h->cap - 1); h->keys[j]; j = (j + 1) & (h->cap - 1))
		if (h->keys[j] == key)
			return h->head[j];
	return 0;
}

static void hidx_free(struct hidx *h)
{
	free(h->keys);
	free(h->head);
	free(h->next);
	free(h->item);
}

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Term ids of the articles: synthetic items draw some of their terms from these, so that a
 * new item's signature terms hit posting lists the way they do in a real store. */
static uint64_t *real_terms;
static size_t nreal;

static void collect_terms(char **arts, size_t narts)
{
	struct pw_doc_terms d = { 0 };
	for (size_t i = 0; i < narts; i++) {
		pw_story_terms(NULL, arts[i], &d);
		real_terms = xreallocarray(real_terms, nreal + d.n, sizeof *real_terms);
		for (size_t k = 0; k < d.n; k++)
			real_terms[nreal++] = d.v[k].id;
	}
	pw_doc_terms_free(&d);
}

static void bench_scale(size_t nitems, char **arts, size_t narts)
{
	/* synthetic stored items: random signatures (as unrelated texts have), random story
	 * vectors over a Zipf-ish vocabulary, and one posting per signature term */
	uint64_t seed = 0x9e3779b97f4a7c15ull ^ nitems;
	uint32_t *sigs = xmalloc(nitems * PW_MINHASH_N * sizeof *sigs);
	struct hidx lsh, inv;
	hidx_init(&lsh, nitems * PW_LSH_BANDS);
	hidx_init(&inv, nitems * 4);
	size_t nstories = nitems / 3 + 1;
	struct pw_story_vec *cent = xcalloc(nstories, sizeof *cent);
	double t0 = bench_clock(CLOCK_MONOTONIC);
	for (size_t i = 0; i < nitems; i++) {
		struct pw_minhash mh;
		for (int k = 0; k < PW_MINHASH_N; k++)
			mh.v[k] = (uint32_t)rng(&seed);
		mh.nshingles = 500;
		if (i < narts) {
			/* the first items are copies of the articles: every check finds its
			 * duplicate, whatever the store size */
			struct pw_tokens tk = PW_TOKENS_INIT;
			const char *a = arts[i];
			pw_text_tokenize(&tk, a, strlen(a));
			pw_minhash_tokens(&tk, &mh);
			pw_tokens_free(&tk);
		}
		memcpy(sigs + i * PW_MINHASH_N, mh.v, sizeof mh.v);
		int64_t keys[PW_LSH_BANDS];
		pw_lsh_keys(&mh, keys);
		for (int b = 0; b < PW_LSH_BANDS; b++)
			hidx_add(&lsh, (uint64_t)keys[b], (uint32_t)i);
		size_t story = i / 3;
		struct pw_story_term terms[PW_STORY_SIG_TERMS];
		for (int k = 0; k < PW_STORY_SIG_TERMS; k++) {
			/* three terms from the articles' vocabulary, the rest from 2M rare ones */
			if (k < 3 && nreal > 0) {
				terms[k].id = real_terms[rng(&seed) % nreal];
			} else {
				uint64_t r = rng(&seed) % 2000000;
				terms[k].id = pw_hash64(&r, 8, 3);
			}
			terms[k].w = 0.3f;
			hidx_add(&inv, terms[k].id, (uint32_t)story);
		}
		/* centroid: sorted small vector */
		for (int a = 1; a < PW_STORY_SIG_TERMS; a++)
			for (int b = a; b > 0 && terms[b].id < terms[b - 1].id; b--) {
				struct pw_story_term x = terms[b];
				terms[b] = terms[b - 1];
				terms[b - 1] = x;
			}
		struct pw_story_vec v = { terms, PW_STORY_SIG_TERMS, 1 };
		pw_story_centroid_add(&cent[story], &v);
	}
	double build = bench_clock(CLOCK_MONOTONIC) - t0;

	/* the checks for new 10 KB items */
	struct pw_tokens t = PW_TOKENS_INIT;
	struct pw_doc_terms d = { 0 };
	const int rounds = 2000;
	double tdup = 0, tstory = 0;
	size_t cands = 0, story_cands = 0;
	unsigned char *seen = xcalloc(nstories, 1);
	uint32_t *touched = xmalloc(4096 * sizeof *touched);
	for (int r = 0; r < rounds; r++) {
		const char *a = arts[(size_t)r % narts];
		pw_text_tokenize(&t, a, strlen(a));
		struct pw_minhash mh;
		pw_minhash_tokens(&t, &mh);
		int64_t keys[PW_LSH_BANDS];
		pw_lsh_keys(&mh, keys);
		pw_story_terms_tokens(&t, 0, &d);
		struct pw_story_vec v;
		pw_story_vector(&d, NULL, &v);
		uint64_t sig[PW_STORY_SIG_TERMS];
		size_t ns = pw_story_signature(&v, sig);

		double s0 = bench_clock(CLOCK_THREAD_CPUTIME_ID);
		double best = 0;
		for (int b = 0; b < PW_LSH_BANDS; b++)
			for (uint32_t p = hidx_first(&lsh, (uint64_t)keys[b]); p; p = lsh.next[p - 1]) {
				struct pw_minhash other;
				memcpy(other.v, sigs + (size_t)lsh.item[p - 1] * PW_MINHASH_N, sizeof other.v);
				other.nshingles = 500;
				double s = pw_minhash_similarity(&mh, &other);
				if (s > best)
					best = s;
				cands++;
			}
		double s1 = bench_clock(CLOCK_THREAD_CPUTIME_ID);
		/* as the store does: count signature-term hits per story (each posting list cut to
		 * 200 entries), then cosine against the 32 stories with most hits */
		size_t ntouched = 0;
		double best_cos = 0;
		for (size_t k = 0; k < ns; k++) {
			int per_term = 0;
			for (uint32_t p = hidx_first(&inv, sig[k]); p && per_term < 200; p = inv.next[p - 1], per_term++) {
				uint32_t st = inv.item[p - 1];
				if (seen[st] == 0 && ntouched < 4096)
					touched[ntouched++] = st;
				if (seen[st] < 255)
					seen[st]++;
			}
		}
		size_t ncos = 0;
		for (int want = PW_STORY_SIG_TERMS; want >= 1 && ncos < 32; want--)
			for (size_t k = 0; k < ntouched && ncos < 32; k++)
				if (seen[touched[k]] == want) {
					double c = pw_story_cosine(&v, &cent[touched[k]]);
					if (c > best_cos)
						best_cos = c;
					ncos++;
				}
		for (size_t k = 0; k < ntouched; k++)
			seen[touched[k]] = 0;
		story_cands += ncos;
		double s2 = bench_clock(CLOCK_THREAD_CPUTIME_ID);
		tdup += s1 - s0;
		tstory += s2 - s1;
		pw_story_vec_free(&v);
	}
	fflush(stdout);
	printf("%8zu stored items (built in %.1f s): near-dup candidate check %.2f us/item (%.2f candidates), "
	       "story candidate check %.2f us/item (%.1f candidate stories)\n", nitems, build,
	       tdup / rounds * 1e6, (double)cands / rounds, tstory / rounds * 1e6, (double)story_cands / rounds);
	pw_tokens_free(&t);
	pw_doc_terms_free(&d);
	free(seen);
	free(touched);
	for (size_t i = 0; i < nstories; i++)
		pw_story_vec_free(&cent[i]);
	free(cent);
	free(sigs);
	hidx_free(&lsh);
	hidx_free(&inv);
}

static long cache_mb; /* -c: SQLite page cache of the bench's store connection, 0 = store default */
static long mmap_mb;  /* -m: PRAGMA mmap_size of that connection, 0 = store default */

static void bench_store(size_t nitems, char **arts, size_t narts, const char *dir)
{
	char *path = xasprintf("%s/bench-dedup-%zu.db", dir, nitems), err[512];
	char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
	unlink(path);
	unlink(wal);
	unlink(shm);
	struct pw_store *s = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	if (s == NULL) {
		fprintf(stderr, "bench_dedup: %s\n", err);
		goto out;
	}
	sqlite3 *db = pw_store_db(s);
	if (cache_mb > 0) {
		char *pragma = xasprintf("PRAGMA cache_size = -%ld", cache_mb * 1024);
		sqlite3_exec(db, pragma, NULL, NULL, NULL);
		free(pragma);
	}
	if (mmap_mb > 0) {
		char *pragma = xasprintf("PRAGMA mmap_size = %ld", mmap_mb * 1024 * 1024);
		sqlite3_exec(db, pragma, NULL, NULL, NULL);
		free(pragma);
	}
	const int64_t t0 = 1735689600, span = 365 * 86400; /* 2025 */
	double b0 = bench_clock(CLOCK_MONOTONIC);
	pw_store_begin(s);
	/* items name their story before the story row is written: check at commit */
	sqlite3_exec(db, "PRAGMA defer_foreign_keys = ON", NULL, NULL, NULL);
	int64_t feed = pw_store_feed_sync(s, "synthetic", "https://synthetic.example/feed", "Synthetic", 0, 1);
	sqlite3_stmt *ins_lsh, *ins_post, *ins_story;
	sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO lsh(band, key, item_id) VALUES (?1, ?2, ?3)", -1, &ins_lsh, NULL);
	sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO story_terms(term, t, item_id, story_id) VALUES (?1, ?2, ?3, ?4)", -1, &ins_post, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO stories(id, first_item, first_seen, last_seen, item_count, title, centroid, centroid_items) "
			       "VALUES (?1, ?2, ?3, ?3, 3, 'synthetic', ?4, 3)", -1, &ins_story, NULL);
	/*
	 * The bulk, generated inside SQLite and inserted in key order (a random-order insert of
	 * 21M LSH rows takes hours): items with random signatures and their LSH rows (random keys:
	 * unrelated texts), stories of three items each, ten signature-term postings per item --
	 * three from the articles' vocabulary, seven rare -- and their document frequencies.
	 * Synthetic stories have empty centroids; the planted ones below have real ones.
	 */
	sqlite3_exec(db, "CREATE TEMP TABLE real_terms(idx INTEGER PRIMARY KEY, term INTEGER)", NULL, NULL, NULL);
	sqlite3_stmt *ins_real;
	sqlite3_prepare_v2(db, "INSERT INTO real_terms(idx, term) VALUES (?1, ?2)", -1, &ins_real, NULL);
	for (size_t k = 0; k < nreal; k++) {
		sqlite3_bind_int64(ins_real, 1, (int64_t)k);
		sqlite3_bind_int64(ins_real, 2, (sqlite3_int64)real_terms[k]);
		sqlite3_step(ins_real);
		sqlite3_reset(ins_real);
	}
	sqlite3_finalize(ins_real);
	char *sql = xasprintf(
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %zu) "
		"INSERT INTO items(id, feed_id, guid, published, fetched, story_id, minhash, shingles) "
		"SELECT i, %lld, 'g' || i, %lld + i * %lld / %zu, %lld + i * %lld / %zu, (i + 2) / 3, randomblob(%d), 500 FROM n;"
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %zu) "
		"INSERT INTO stories(id, first_item, first_seen, last_seen, item_count, title, centroid, centroid_items) "
		"SELECT i, i * 3 - 2, %lld + i * 3 * %lld / %zu, %lld + i * 3 * %lld / %zu, 3, 'synthetic', x'', 0 FROM n;"
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %zu), "
		"b(band) AS (SELECT 0 UNION ALL SELECT band + 1 FROM b WHERE band < %d) "
		"INSERT INTO lsh(band, key, item_id) SELECT band, key, i FROM "
		"(SELECT band, random() AS key, i FROM n, b) ORDER BY band, key;"
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %zu), "
		"k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < %d) "
		"INSERT OR IGNORE INTO story_terms(term, t, item_id, story_id) SELECT term, t, i, s FROM "
		"(SELECT CASE WHEN j < 3 AND %zu > 0 THEN (SELECT term FROM real_terms WHERE idx = "
		"((random() & 9223372036854775807) + 0 * i) %% %zu) "
		"ELSE (random() & 9223372036854775807) %% 2000000 END AS term, %lld + i * %lld / %zu AS t, i, (i + 2) / 3 AS s FROM n, k) "
		"ORDER BY term, t, i;"
		"INSERT INTO term_df(term, df) SELECT term, count(*) FROM story_terms GROUP BY term;",
		nitems, (long long)feed, (long long)t0, (long long)span, nitems, (long long)t0, (long long)span, nitems,
		PW_MINHASH_BYTES,
		(nitems + 2) / 3, (long long)t0, (long long)span, nitems, (long long)t0, (long long)span, nitems,
		nitems, PW_LSH_BANDS - 1,
		nitems, PW_STORY_SIG_TERMS - 1, nreal, nreal ? nreal : 1, (long long)t0, (long long)span, nitems);
	char *emsg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &emsg) != SQLITE_OK) {
		fprintf(stderr, "bench_dedup: generating the store: %s\n", emsg ? emsg : "?");
		sqlite3_free(emsg);
	}
	free(sql);
	struct pw_story_vec cent = { NULL, 0, 0 };
	pw_story_vec_free(&cent);
	/* related coverage: for every article, two earlier items in the window whose postings
	 * carry its own top terms (as other outlets' rewrites would), so that checks do find and
	 * compare candidate stories */
	for (size_t a = 0; a < narts; a++) {
		struct pw_doc_terms d = { 0 };
		struct pw_story_vec v;
		uint64_t sig[PW_STORY_SIG_TERMS];
		pw_story_terms(NULL, arts[a], &d);
		pw_story_vector(&d, NULL, &v);
		size_t ns = pw_story_signature(&v, sig);
		int64_t story = (int64_t)(nitems / 3 + 10 + a);
		for (int k = 0; k < 2; k++) {
			int64_t id = (int64_t)(nitems + 1 + a * 2 + (size_t)k), t = t0 + span / 2 - 3600 * (k + 1);
			sqlite3_stmt *st;
			sqlite3_prepare_v2(db, "INSERT INTO items(id, feed_id, guid, published, fetched, story_id) "
					       "VALUES (?1, ?2, 'rel' || ?1, ?3, ?3, ?4)", -1, &st, NULL);
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int64(st, 2, feed);
			sqlite3_bind_int64(st, 3, t);
			sqlite3_bind_int64(st, 4, story);
			sqlite3_step(st);
			sqlite3_finalize(st);
			if (k == 0 && a % 2 == 0) {
				/* and for every other article one is a copy: an LSH candidate to verify */
				struct pw_tokens tk = PW_TOKENS_INIT;
				struct pw_minhash mh;
				int64_t keys[PW_LSH_BANDS];
				uint8_t blob[PW_MINHASH_BYTES];
				pw_text_tokenize(&tk, arts[a], strlen(arts[a]));
				pw_minhash_tokens(&tk, &mh);
				pw_tokens_free(&tk);
				pw_minhash_pack(&mh, blob);
				pw_lsh_keys(&mh, keys);
				sqlite3_prepare_v2(db, "UPDATE items SET minhash = ?2, shingles = ?3 WHERE id = ?1", -1, &st, NULL);
				sqlite3_bind_int64(st, 1, id);
				sqlite3_bind_blob(st, 2, blob, sizeof blob, SQLITE_TRANSIENT);
				sqlite3_bind_int64(st, 3, mh.nshingles);
				sqlite3_step(st);
				sqlite3_finalize(st);
				for (int b = 0; b < PW_LSH_BANDS; b++) {
					sqlite3_bind_int(ins_lsh, 1, b);
					sqlite3_bind_int64(ins_lsh, 2, keys[b]);
					sqlite3_bind_int64(ins_lsh, 3, id);
					sqlite3_step(ins_lsh);
					sqlite3_reset(ins_lsh);
				}
			}
			for (size_t q = 0; q < ns; q++) {
				sqlite3_bind_int64(ins_post, 1, (sqlite3_int64)sig[q]);
				sqlite3_bind_int64(ins_post, 2, t);
				sqlite3_bind_int64(ins_post, 3, id);
				sqlite3_bind_int64(ins_post, 4, story);
				sqlite3_step(ins_post);
				sqlite3_reset(ins_post);
			}
		}
		uint8_t *cb;
		size_t cl = pw_story_vec_pack(&v, &cb);
		sqlite3_bind_int64(ins_story, 1, story);
		sqlite3_bind_int64(ins_story, 2, (int64_t)(nitems + 1 + a * 2));
		sqlite3_bind_int64(ins_story, 3, t0 + span / 2 - 7200);
		sqlite3_bind_blob(ins_story, 4, cb, (int)cl, SQLITE_TRANSIENT);
		sqlite3_step(ins_story);
		sqlite3_reset(ins_story);
		free(cb);
		pw_story_vec_free(&v);
		pw_doc_terms_free(&d);
	}
	/* every stored item has its story vector (story_vecs): a candidate story's matching items
	 * are read and compared one by one.  The bulk items share one real vector (an article's). */
	{
		struct pw_doc_terms d = { 0 };
		struct pw_story_vec v;
		uint8_t *vb;
		pw_story_terms(NULL, arts[0], &d);
		pw_story_vector(&d, NULL, &v);
		size_t vl = pw_story_vec_pack(&v, &vb);
		sqlite3_stmt *st;
		sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO story_vecs(item_id, vec) SELECT id, ?1 FROM items", -1, &st, NULL);
		sqlite3_bind_blob(st, 1, vb, (int)vl, SQLITE_TRANSIENT);
		sqlite3_step(st);
		sqlite3_finalize(st);
		free(vb);
		pw_story_vec_free(&v);
		pw_doc_terms_free(&d);
	}
	char *upd = xasprintf("UPDATE dedup_stats SET value = %zu WHERE name = 'documents'", nitems);
	sqlite3_exec(db, upd, NULL, NULL, NULL);
	free(upd);
	sqlite3_finalize(ins_lsh);
	sqlite3_finalize(ins_post);
	sqlite3_finalize(ins_story);
	if (pw_store_commit(s) < 0) {
		fprintf(stderr, "bench_dedup: filling the store failed: %s\n", pw_store_error(s));
		goto close;
	}
	double build = bench_clock(CLOCK_MONOTONIC) - b0;

	/* checks: new items in the middle of the year, each rolled back.  The first rounds are not
	 * counted: the first check after opening builds the LSH filter from the whole index (a scan
	 * the daemon makes once per start), and reports it on its own line. */
	struct pw_dedup_conf conf;
	pw_dedup_conf_default(&conf);
	const int warmup = 3, rounds = 300;
	double total = 0, wall = 0, tdup = 0, tnew = 0, first = 0;
	long dc = 0, sc = 0, ndup = 0;
	int done = 0;
	for (int r = -warmup; r < rounds; r++) {
		struct pw_item it;
		memset(&it, 0, sizeof it);
		char guid[32];
		snprintf(guid, sizeof guid, "new%d", r);
		it.feed_id = feed;
		it.guid = guid;
		it.title = "New article";
		it.body = arts[(size_t)r % narts];
		it.published = t0 + span / 2 + r * 60;
		it.fetched = it.published;
		if (pw_store_begin(s) < 0 || pw_store_item_insert(s, &it) != 1)
			break;
		struct pw_dedup_result res;
		double c0 = bench_clock(CLOCK_THREAD_CPUTIME_ID), w0 = bench_clock(CLOCK_MONOTONIC);
		int rc = pw_dedup_assign(s, it.id, it.title, it.body, it.published, &conf, &res);
		double c1 = bench_clock(CLOCK_THREAD_CPUTIME_ID);
		if (r < 0) {
			if (r == -warmup)
				first = bench_clock(CLOCK_MONOTONIC) - w0;
			pw_store_rollback(s);
			if (rc < 0)
				break;
			continue;
		}
		total += c1 - c0;
		wall += bench_clock(CLOCK_MONOTONIC) - w0;
		if (rc == 0 && res.dup_of) {
			tdup += c1 - c0;
			ndup++;
		} else {
			tnew += c1 - c0;
		}
		pw_store_rollback(s);
		if (rc < 0)
			break;
		dc += res.dup_candidates;
		sc += res.story_candidates;
		done++;
	}
	if (done)
		printf("%8zu stored items in SQLite (filled in %.0f s): pw_dedup_assign %.0f us/item CPU = %.0f items/s "
		       "(wall %.0f us); duplicates %.0f us, others (story check) %.0f us; per item %.1f LSH candidates, "
		       "%.1f candidate stories; first check after opening %.0f ms\n", nitems, build, total / done * 1e6,
		       done / total, wall / done * 1e6, ndup ? tdup / ndup * 1e6 : 0.0,
		       done > ndup ? tnew / (done - ndup) * 1e6 : 0.0, (double)dc / done, (double)sc / done, first * 1e3);
	else
		printf("%8zu stored items: check failed: %s\n", nitems, pw_store_error(s));
	fflush(stdout);
close:
	pw_store_close(s);
out:
	unlink(path);
	unlink(wal);
	unlink(shm);
	free(path);
	free(wal);
	free(shm);
}

int main(int argc, char **argv)
{
	double secs = 2;
	long only = 0;
	const char *store_dir = NULL;
	int ch;
	while ((ch = getopt(argc, argv, "t:n:s:c:m:")) != -1) {
		switch (ch) {
		case 'c': cache_mb = atol(optarg); break;
		case 'm': mmap_mb = atol(optarg); break;
		case 't': secs = atof(optarg); break;
		case 'n': only = atol(optarg); break;
		case 's': store_dir = optarg; break;
		default:
			fprintf(stderr, "usage: bench_dedup [-t SECONDS] [-n ITEMS] [-s TMPDIR [-c CACHE_MB] [-m MMAP_MB]] FILE...\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: bench_dedup [-t SECONDS] [-n ITEMS] [-s TMPDIR [-c CACHE_MB] [-m MMAP_MB]] FILE...\n");
		return 2;
	}
	char **en, **ru;
	size_t nen = build_articles(argv + optind, argc - optind, 0, &en);
	size_t nru = build_articles(argv + optind, argc - optind, 1, &ru);
	bench_signatures("English", en, nen, secs / 2);
	bench_signatures("Russian", ru, nru, secs / 2);
	if (nen > 0) {
		collect_terms(en, nen);
		if (store_dir) {
			if (only > 0) {
				bench_store((size_t)only, en, nen, store_dir);
			} else {
				bench_store(10000, en, nen, store_dir);
				bench_store(100000, en, nen, store_dir);
				bench_store(1000000, en, nen, store_dir);
			}
		}
		if (only > 0) {
			bench_scale((size_t)only, en, nen);
		} else {
			bench_scale(10000, en, nen);
			bench_scale(100000, en, nen);
			bench_scale(1000000, en, nen);
		}
	}
	for (size_t i = 0; i < nen; i++)
		free(en[i]);
	for (size_t i = 0; i < nru; i++)
		free(ru[i]);
	free(en);
	free(ru);
	free(real_terms);
	return 0;
}
