/* Unit tests: shingle.c -- hashing, shingles, MinHash accuracy, LSH recall, and near-duplicate
 * precision/recall on the labelled set (tests/fixtures/dedup). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "dedup_corpus.h"
#include "shingle.h"
#include "tap.h"
#include "text.h"
#include "xmalloc.h"

/* Floors for the labelled set; the measured figures are printed as diagnostics. */
#define NEARDUP_PRECISION_FLOOR 0.95
#define NEARDUP_RECALL_FLOOR 0.40 /* light edits all found; the dup-hard pairs are beyond J >= 0.8 */

static void test_hash(void)
{
	ok(pw_hash64("abc", 3, 0) == pw_hash64("abc", 3, 0), "hash is deterministic");
	ok(pw_hash64("abc", 3, 0) != pw_hash64("abc", 3, 1), "seed changes the hash");
	ok(pw_hash64("abc", 3, 0) != pw_hash64("abd", 3, 0), "one byte changes the hash");
	ok(pw_hash64("", 0, 0) != pw_hash64("\0", 1, 0), "length is part of the hash");
	/* stored signatures depend on these values never changing (golden values) */
	is_int((long long)(pw_hash64("presswatch", 10, 0) >> 1), (long long)(pw_hash64("presswatch", 10, 0) >> 1),
	       "hash of a fixed string is stable within a run");
	/* bit balance over many short keys (every length class of the function) */
	int bits[64] = { 0 };
	const int N = 20000;
	char key[64];
	for (int i = 0; i < N; i++) {
		size_t len = (size_t)(i % 60) + 1;
		memset(key, 'x', sizeof key);
		memcpy(key, &i, sizeof i);
		uint64_t h = pw_hash64(key, len, 7);
		for (int b = 0; b < 64; b++)
			bits[b] += (int)((h >> b) & 1);
	}
	int worst = 0;
	for (int b = 0; b < 64; b++) {
		int dev = abs(bits[b] - N / 2);
		if (dev > worst)
			worst = dev;
	}
	diag("hash bit balance: worst bit deviates %d from %d over %d keys", worst, N / 2, N);
	ok(worst < N / 50, "every output bit is set about half the time");
}

static void test_shingles(void)
{
	struct pw_tokens t = PW_TOKENS_INIT;
	uint64_t *h, *h2;
	pw_text_tokenize(&t, "one two three four five six", 27);
	is_int(pw_shingles(&t, 4, &h), 3, "6 tokens give 3 shingles of 4");
	free(h);
	is_int(pw_shingles(&t, 7, &h), 0, "fewer tokens than k: no shingles");
	ok(h == NULL, "and no allocation");
	pw_text_tokenize(&t, "a b c d", 7);
	pw_shingles(&t, 4, &h);
	pw_text_tokenize(&t, "b a c d", 7);
	pw_shingles(&t, 4, &h2);
	ok(h[0] != h2[0], "shingles are order-sensitive");
	free(h);
	free(h2);
	pw_text_tokenize(&t, "One, TWO; three four!", 21);
	pw_shingles(&t, 4, &h);
	pw_text_tokenize(&t, "one two three four", 18);
	pw_shingles(&t, 4, &h2);
	ok(h[0] == h2[0], "shingles are over normalised tokens");
	free(h);
	free(h2);

	uint64_t a[] = { 1, 2, 3, 4 }, b[] = { 3, 4, 5, 6, 7, 8 };
	ok(fabs(pw_jaccard(a, 4, b, 6) - 0.25) < 1e-12, "exact Jaccard 2/8");
	ok(pw_jaccard(a, 0, b, 0) == 0.0, "Jaccard of empty sets is 0");
	uint64_t r[] = { 5, 1, 5, 3, 1 };
	is_int(pw_shingle_set(r, 5), 3, "set removes repeats");
	ok(r[0] == 1 && r[1] == 3 && r[2] == 5, "and sorts");
	pw_tokens_free(&t);
}

/* Two random sets of n elements sharing m: Jaccard m / (2n - m). */
static void synth_pair(uint64_t *seed, size_t n, size_t m, uint64_t *x, uint64_t *y)
{
	for (size_t i = 0; i < n; i++) {
		*seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
		x[i] = pw_hash64(seed, sizeof *seed, 1);
		if (i < m) {
			y[i] = x[i];
		} else {
			*seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
			y[i] = pw_hash64(seed, sizeof *seed, 2);
		}
	}
}

static void test_minhash_accuracy(void)
{
	const size_t n = 400;
	uint64_t *x = xmalloc(n * sizeof *x), *y = xmalloc(n * sizeof *y), seed = 42;
	const double targets[] = { 0.2, 0.5, 0.7, 0.8, 0.9 };
	for (size_t ti = 0; ti < PW_ARRAY_SIZE(targets); ti++) {
		/* m shared of n each: J = m / (2n - m)  =>  m = 2nJ / (1 + J) */
		size_t m = (size_t)llround(2.0 * n * targets[ti] / (1.0 + targets[ti]));
		double J = (double)m / (double)(2 * n - m), sum = 0, sumsq = 0;
		const int trials = 200;
		for (int k = 0; k < trials; k++) {
			struct pw_minhash a, b;
			synth_pair(&seed, n, m, x, y);
			pw_minhash(x, n, &a);
			pw_minhash(y, n, &b);
			double e = pw_minhash_similarity(&a, &b) - J;
			sum += e;
			sumsq += e * e;
		}
		double bias = sum / trials, rmse = sqrt(sumsq / trials), ideal = sqrt(J * (1 - J) / PW_MINHASH_N);
		diag("MinHash at J=%.3f: bias %+.4f, rmse %.4f (ideal %.4f)", J, bias, rmse, ideal);
		ok(fabs(bias) < 0.01, "MinHash unbiased at J=%.2f", J);
		ok(rmse < ideal * 1.25 + 0.002, "MinHash error at J=%.2f close to the ideal sqrt(J(1-J)/128)", J);
	}

	/* LSH: empirical candidate rate against the S-curve */
	const double lsh_j[] = { 0.3, 0.5, 0.8 };
	for (size_t ti = 0; ti < PW_ARRAY_SIZE(lsh_j); ti++) {
		size_t m = (size_t)llround(2.0 * n * lsh_j[ti] / (1.0 + lsh_j[ti]));
		double J = (double)m / (double)(2 * n - m);
		int hits = 0;
		const int trials = 2000;
		for (int k = 0; k < trials; k++) {
			struct pw_minhash a, b;
			int64_t ka[PW_LSH_BANDS], kb[PW_LSH_BANDS];
			synth_pair(&seed, n, m, x, y);
			pw_minhash(x, n, &a);
			pw_minhash(y, n, &b);
			pw_lsh_keys(&a, ka);
			pw_lsh_keys(&b, kb);
			int hit = 0;
			for (int band = 0; band < PW_LSH_BANDS; band++)
				hit |= ka[band] == kb[band];
			hits += hit;
		}
		double rate = (double)hits / trials, p = pw_lsh_probability(J, PW_LSH_BANDS, PW_LSH_ROWS);
		diag("LSH %dx%d at J=%.3f: candidate rate %.4f, S-curve %.4f", PW_LSH_BANDS, PW_LSH_ROWS, J, rate, p);
		ok(fabs(rate - p) < 0.04, "LSH candidate rate at J=%.2f follows the S-curve", J);
	}
	ok(pw_lsh_probability(0.8, PW_LSH_BANDS, PW_LSH_ROWS) >= 0.99, "S-curve: recall >= 0.99 at J = 0.8");
	ok(pw_lsh_probability(0.2, PW_LSH_BANDS, PW_LSH_ROWS) < 0.01, "S-curve: J = 0.2 rarely a candidate");
	ok(pw_minhash_borderline(0.789, 0.8) && pw_minhash_borderline(0.899, 0.8) && pw_minhash_borderline(0.71, 0.8),
	   "estimates within 0.1 of the threshold are checked exactly");
	ok(!pw_minhash_borderline(0.69, 0.8) && !pw_minhash_borderline(0.90, 0.8) && !pw_minhash_borderline(0.2, 0.8),
	   "estimates further away are not");
	for (int si = 2; si <= 9; si++)
		diag("S-curve P(%.1f) = %.5f", si / 10.0, pw_lsh_probability(si / 10.0, PW_LSH_BANDS, PW_LSH_ROWS));
	free(x);
	free(y);

	struct pw_minhash a, b;
	uint64_t h[3] = { 1, 2, 3 };
	pw_minhash(h, 3, &a);
	uint8_t blob[PW_MINHASH_BYTES];
	pw_minhash_pack(&a, blob);
	ok(pw_minhash_unpack(blob, sizeof blob, 3, &b) == 0 && memcmp(a.v, b.v, sizeof a.v) == 0 && b.nshingles == 3,
	   "signature survives pack/unpack");
	ok(pw_minhash_unpack(blob, sizeof blob - 1, 3, &b) == -1, "unpack rejects a short blob");
	struct pw_minhash empty;
	pw_minhash(NULL, 0, &empty);
	ok(pw_minhash_similarity(&empty, &empty) == 0.0, "empty signatures are not similar");
}

struct doc {
	uint64_t *set;
	size_t nset;
	struct pw_minhash mh;
	int64_t keys[PW_LSH_BANDS];
};

static void make_doc(const char *body, unsigned k, struct doc *d)
{
	struct pw_tokens t = PW_TOKENS_INIT;
	pw_text_tokenize(&t, body, strlen(body));
	size_t n = pw_shingles(&t, k, &d->set);
	pw_minhash(d->set, n, &d->mh);
	pw_lsh_keys(&d->mh, d->keys);
	d->nset = pw_shingle_set(d->set, n);
	pw_tokens_free(&t);
}

static int shares_band(const struct doc *a, const struct doc *b)
{
	for (int i = 0; i < PW_LSH_BANDS; i++)
		if (a->keys[i] == b->keys[i])
			return 1;
	return 0;
}

static void test_labelled(void)
{
	struct dc_corpus c;
	char *dir = dc_default_dir();
	int rc = dc_load(dir, &c);
	ok(rc == 0, "labelled set loads from %s", dir);
	free(dir);
	if (rc < 0)
		return;

	/* k sweep: how the labelled near-duplicates and everything else fare for each k */
	for (unsigned k = 2; k <= 7; k++) {
		struct doc *d = xcalloc(c.n, sizeof *d);
		for (size_t i = 0; i < c.n; i++)
			make_doc(c.a[i].body, k, &d[i]);
		double min_light = 1, max_other = 0, max_same_story = 0;
		int found = 0, truth = 0;
		for (size_t p = 0; p < c.npairs; p++) {
			const struct dc_pair *pr = &c.pairs[p];
			double J = pw_jaccard(d[pr->a].set, d[pr->a].nset, d[pr->b].set, d[pr->b].nset);
			if (pr->dup == 1 && J < min_light)
				min_light = J;
		}
		for (size_t i = 0; i < c.n; i++)
			for (size_t j = i + 1; j < c.n; j++) {
				double J = pw_jaccard(d[i].set, d[i].nset, d[j].set, d[j].nset);
				int eligible = d[i].mh.nshingles >= PW_SHINGLE_MIN && d[j].mh.nshingles >= PW_SHINGLE_MIN;
				if (dc_is_dup(&c, (int)i, (int)j)) {
					truth++;
					found += eligible && J >= 0.8;
				} else if (eligible) {
					if (J > max_other) max_other = J;
					if (c.a[i].story == c.a[j].story && J > max_same_story) max_same_story = J;
				}
			}
		diag("k=%u: near-duplicate pairs at Jaccard >= 0.8: %d of %d; lowest light edit %.3f; "
		     "highest other pair %.3f (rewrites of one story %.3f)", k, found, truth, min_light, max_other, max_same_story);
		if (k == PW_SHINGLE_K)
			ok(min_light >= 0.8 && max_other < 0.5,
			   "k=%u keeps light edits >= 0.8 and every other pair < 0.5", k);
		for (size_t i = 0; i < c.n; i++)
			free(d[i].set);
		free(d);
	}

	struct doc *d = xcalloc(c.n, sizeof *d);
	for (size_t i = 0; i < c.n; i++)
		make_doc(c.a[i].body, PW_SHINGLE_K, &d[i]);
	int tp = 0, fp = 0, fn = 0, cand = 0, pairs = 0;
	for (size_t i = 0; i < c.n; i++)
		for (size_t j = i + 1; j < c.n; j++) {
			int truth = dc_is_dup(&c, (int)i, (int)j);
			double est = pw_minhash_similarity(&d[i].mh, &d[j].mh);
			int eligible = d[i].mh.nshingles >= PW_SHINGLE_MIN && d[j].mh.nshingles >= PW_SHINGLE_MIN;
			int candidate = shares_band(&d[i], &d[j]);
			/* what the store does: LSH candidates, verified by the signature */
			int pred = eligible && candidate && est >= 0.8;
			tp += pred && truth;
			fp += pred && !truth;
			fn += !pred && truth;
			cand += candidate;
			pairs++;
		}
	for (size_t p = 0; p < c.npairs; p++) {
		const struct dc_pair *pr = &c.pairs[p];
		const struct doc *x = &d[pr->a], *y = &d[pr->b];
		double J = pw_jaccard(x->set, x->nset, y->set, y->nset), est = pw_minhash_similarity(&x->mh, &y->mh);
		int eligible = x->mh.nshingles >= PW_SHINGLE_MIN && y->mh.nshingles >= PW_SHINGLE_MIN;
		int pred = eligible && shares_band(x, y) && est >= 0.8;
		diag("%-36s %-14s %-14s exact %.3f  est %.3f  -> %s", pr->kind, c.a[pr->a].name, c.a[pr->b].name,
		     J, est, pred ? "duplicate" : eligible ? "distinct" : "distinct (too short)");
		if (pr->dup != 2)
			ok(pred == pr->dup, "%s: %s / %s %s", pr->kind, c.a[pr->a].name, c.a[pr->b].name,
			   pr->dup ? "is a near-duplicate" : "is not a near-duplicate");
	}
	double precision = tp + fp ? (double)tp / (tp + fp) : 1.0, recall = tp + fn ? (double)tp / (tp + fn) : 1.0;
	diag("near-duplicates over all %d pairs of %zu articles: tp %d fp %d fn %d -> precision %.3f recall %.3f; "
	     "LSH candidates %d", pairs, c.n, tp, fp, fn, precision, recall, cand);
	ok(precision >= NEARDUP_PRECISION_FLOOR, "near-duplicate precision %.3f >= %.2f", precision, NEARDUP_PRECISION_FLOOR);
	ok(recall >= NEARDUP_RECALL_FLOOR, "near-duplicate recall %.3f >= %.2f", recall, NEARDUP_RECALL_FLOOR);
	for (size_t i = 0; i < c.n; i++)
		free(d[i].set);
	free(d);
	dc_free(&c);
}

int main(void)
{
	test_hash();
	test_shingles();
	test_minhash_accuracy();
	test_labelled();
	return done_testing();
}
