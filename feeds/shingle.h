/*
 * shingle.h -- token shingles, MinHash signatures and LSH band keys for near-duplicate search.
 *
 * A text's near-duplicate identity is its set of k-token shingles (k consecutive normalised
 * tokens from text.h), each hashed to 64 bits.  Two texts' resemblance is the Jaccard index of
 * their shingle sets; a MinHash signature of PW_MINHASH_N values estimates it (standard error
 * sqrt(J(1-J)/128): 0.035 at J = 0.8), and LSH over the signature finds the candidates
 * without comparing against every stored item.
 *
 * Choice of k (PW_SHINGLE_K = 4).  Every edited word destroys up to k shingles, so small k
 * keeps light rewrites above the 0.8 line, while larger k keeps unrelated texts on one topic
 * from sharing stock phrasing ("the Ministry of Foreign Affairs of").  Measured on the labelled
 * set (tests/fixtures/dedup; test_shingle prints the sweep), lowest Jaccard of a light edit /
 * highest Jaccard of any non-duplicate pair / duplicate pairs found at >= 0.8 (of 14):
 *     k=3: 0.846 / 0.117 / 8     k=4: 0.810 / 0.113 / 8     k=5: 0.790 / 0.110 / 5
 * k = 4 is the largest k that keeps every light edit (new headline, three words changed, a
 * footer line appended, two paragraphs swapped, one quote retranslated, a Cyrillic copy with
 * two edits) at >= 0.8; k = 5 loses the Cyrillic copy (0.790).  Heavier edits of ~180-word
 * items (six phrases changed, two boilerplate paragraphs) fall to 0.6-0.7 for any k >= 3:
 * that is what a 0.8 Jaccard threshold means.  Rewrites of one event by different outlets stay
 * below 0.05 at k = 4: grouping them is story.h's job, not this module's.
 *
 * MinHash.  One 64-bit hash per shingle (pw_hash64, a wyhash-style multiply-fold hash), folded
 * to 32 bits x, then 128 cheap permutations h_i(x) = a_i * x + b_i (mod 2^32, a_i odd): a
 * multiply-add per function instead of 128 hashes, in 32-bit lanes so that the loop
 * vectorises.  The minimum of each is the signature value.  Measured (test_shingle, random
 * sets): bias < 0.01 and error within 1.25x of the ideal sqrt(J(1-J)/128) at J = 0.2..0.9.
 *
 * LSH (PW_LSH_BANDS x PW_LSH_ROWS = 21 x 6, 126 of the 128 values).  A pair with Jaccard s
 * becomes a candidate with probability P(s) = 1 - (1 - s^6)^21:
 *        s:  0.20     0.30    0.40    0.50   0.60   0.70   0.80    0.85    0.90
 *     P(s):  0.0013   0.015   0.080   0.28   0.63   0.93   0.9983  0.99995 1.0000
 * so recall at J >= 0.8 is >= 0.998 (the requirement is 0.99; test_shingle measures 0.9985 on
 * 2,000 random pairs at J = 0.8), while unrelated news pairs (4-shingle Jaccard 0.00-0.03 on the
 * seeds, <= 0.11 on the labelled set) are candidates about once in a thousand or less.  Alternatives considered: 16 x 8 gives only P(0.8) = 0.947;
 * 18 x 7 gives 0.986 (both below 0.99); 25 x 5 gives 0.99995 but makes J = 0.5 pairs
 * candidates 55% of the time and stores 4 more keys per item; 32 x 4 is worse still
 * (P(0.3) = 0.23).  The S-curve's midpoint (1/21)^(1/6) = 0.60 sits below the 0.8 decision
 * threshold, so the threshold, not LSH, decides.
 */
#ifndef PW_SHINGLE_H
#define PW_SHINGLE_H

#include <stddef.h>
#include <stdint.h>

#include "text.h"

#define PW_SHINGLE_K 4
#define PW_MINHASH_N 128
#define PW_LSH_BANDS 21
#define PW_LSH_ROWS 6
/* Texts with fewer shingles than this (title-only items, one-line summaries) never become
 * near-duplicates by MinHash: a handful of shingles makes the estimate meaningless and stock
 * phrases would collide.  Callers fall back to exact title + same day. */
#define PW_SHINGLE_MIN 25
#define PW_MINHASH_BYTES (PW_MINHASH_N * 4)

struct pw_minhash {
	uint32_t v[PW_MINHASH_N];
	uint32_t nshingles; /* shingles the signature was computed from (0: too short, empty) */
};

/* 64-bit hash of len bytes (wyhash-style; the same on every host). */
uint64_t pw_hash64(const void *p, size_t len, uint64_t seed);

/* Hashes of the k-token shingles of t, in text order (repeats kept); *out is caller-freed
 * (NULL when none).  Fewer than k tokens give no shingles. */
size_t pw_shingles(const struct pw_tokens *t, unsigned k, uint64_t **out);
/* Sort and remove repeats in place; returns the new count. */
size_t pw_shingle_set(uint64_t *h, size_t n);
/* Exact Jaccard of two sorted, repeat-free sets (0 when both are empty). */
double pw_jaccard(const uint64_t *a, size_t na, const uint64_t *b, size_t nb);

void pw_minhash(const uint64_t *h, size_t n, struct pw_minhash *out);
/* Shingles with PW_SHINGLE_K, then the signature. */
void pw_minhash_tokens(const struct pw_tokens *t, struct pw_minhash *out);
/* Estimated Jaccard: the fraction of equal values (0 if either is empty). */
double pw_minhash_similarity(const struct pw_minhash *a, const struct pw_minhash *b);
/* MinHash estimates J with a standard error of sqrt(J(1-J)/PW_MINHASH_N), 0.035 at J = 0.8: a
 * pair estimated within PW_EXACT_BAND of the near-duplicate threshold is decided on its exact
 * Jaccard (store_dedup.c, `presswatch similar`).  1 when estimate est needs that. */
#define PW_EXACT_BAND 0.10
int pw_minhash_borderline(double est, double threshold);
/* One key per band; keys of different bands never compare equal by construction. */
void pw_lsh_keys(const struct pw_minhash *m, int64_t keys[PW_LSH_BANDS]);
/* Candidate probability 1 - (1 - s^rows)^bands. */
double pw_lsh_probability(double s, unsigned bands, unsigned rows);

/* Portable little-endian serialisation of the values (not nshingles), e.g. for a BLOB. */
void pw_minhash_pack(const struct pw_minhash *m, uint8_t out[PW_MINHASH_BYTES]);
/* Returns -1 when len is not PW_MINHASH_BYTES. nshingles is set to `nshingles`. */
int pw_minhash_unpack(const void *blob, size_t len, uint32_t nshingles, struct pw_minhash *m);

#endif
