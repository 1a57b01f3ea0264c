/* shingle.c -- shingles, MinHash, LSH keys (the choices are explained in shingle.h). */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "shingle.h"
#include "xmalloc.h"

static const uint64_t P0 = 0xa0761d6478bd642full, P1 = 0xe7037ed1a0b428dbull,
		      P2 = 0x8ebc6af09c88c6e3ull, P3 = 0x589965cc75374cc3ull;

/* 64x64 -> 128 multiply: *a = low half, *b = high half (wyhash's "mum"); the same result with
 * or without a 128-bit type, so stored hashes do not depend on the host. */
static inline void mum(uint64_t *a, uint64_t *b)
{
#ifdef __SIZEOF_INT128__
	__uint128_t r = (__uint128_t)*a * *b;
	*a = (uint64_t)r;
	*b = (uint64_t)(r >> 64);
#else
	uint64_t ha = *a >> 32, hb = *b >> 32, la = (uint32_t)*a, lb = (uint32_t)*b;
	uint64_t rh = ha * hb, rm0 = ha * lb, rm1 = hb * la, rl = la * lb, t = rl + (rm0 << 32);
	uint64_t c = t < rl, lo = t + (rm1 << 32);
	c += lo < t;
	*a = lo;
	*b = rh + (rm0 >> 32) + (rm1 >> 32) + c;
#endif
}

static inline uint64_t mix(uint64_t a, uint64_t b)
{
	mum(&a, &b);
	return a ^ b;
}

static inline uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static inline uint64_t rd32(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
}

uint64_t pw_hash64(const void *key, size_t len, uint64_t seed)
{
	const uint8_t *p = key;
	uint64_t a, b;
	seed ^= mix(seed ^ P0, P1);
	if (len <= 16) {
		if (len >= 4) {
			size_t q = (len >> 3) << 2;
			a = (rd32(p) << 32) | rd32(p + q);
			b = (rd32(p + len - 4) << 32) | rd32(p + len - 4 - q);
		} else if (len > 0) {
			a = ((uint64_t)p[0] << 16) | ((uint64_t)p[len >> 1] << 8) | p[len - 1];
			b = 0;
		} else {
			a = b = 0;
		}
	} else {
		size_t i = len;
		if (i > 48) {
			uint64_t s1 = seed, s2 = seed;
			do {
				seed = mix(rd64(p) ^ P1, rd64(p + 8) ^ seed);
				s1 = mix(rd64(p + 16) ^ P2, rd64(p + 24) ^ s1);
				s2 = mix(rd64(p + 32) ^ P3, rd64(p + 40) ^ s2);
				p += 48;
				i -= 48;
			} while (i > 48);
			seed ^= s1 ^ s2;
		}
		while (i > 16) {
			seed = mix(rd64(p) ^ P1, rd64(p + 8) ^ seed);
			i -= 16;
			p += 16;
		}
		a = rd64(p + i - 16);
		b = rd64(p + i - 8);
	}
	a ^= P1;
	b ^= seed;
	mum(&a, &b);
	return mix(a ^ P0 ^ len, b ^ P1);
}

static const uint64_t TOKEN_SEED = 0x70b3a5c1e9d4f271ull, SHINGLE_SEED = 0x2c9d4e1f8a7b3065ull;

size_t pw_shingles(const struct pw_tokens *t, unsigned k, uint64_t **out)
{
	*out = NULL;
	if (k == 0 || t->n < k)
		return 0;
	size_t n = t->n - k + 1;
	uint64_t *th = xreallocarray(NULL, t->n, sizeof *th);
	for (size_t i = 0; i < t->n; i++)
		th[i] = pw_hash64(t->text + t->v[i].off, t->v[i].len, TOKEN_SEED);
	/* the shingle hash is an order-sensitive chain over its tokens' hashes: tokens are
	 * hashed once, not k times */
	for (size_t j = 0; j < n; j++) {
		uint64_t h = SHINGLE_SEED;
		for (unsigned i = 0; i < k; i++)
			h = mix(h ^ th[j + i], P1);
		th[j] = mix(h ^ k, P2);
	}
	*out = xreallocarray(th, n, sizeof *th);
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

size_t pw_shingle_set(uint64_t *h, size_t n)
{
	if (n == 0)
		return 0;
	qsort(h, n, sizeof *h, cmp_u64);
	size_t m = 1;
	for (size_t i = 1; i < n; i++)
		if (h[i] != h[m - 1])
			h[m++] = h[i];
	return m;
}

double pw_jaccard(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
	size_t i = 0, j = 0, inter = 0;
	if (na + nb == 0)
		return 0.0;
	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			inter++;
			i++;
			j++;
		} else if (a[i] < b[j]) {
			i++;
		} else {
			j++;
		}
	}
	return (double)inter / (double)(na + nb - inter);
}

/* The permutations' coefficients: fixed (signatures are stored), from splitmix64. */
static uint32_t perm_a[PW_MINHASH_N], perm_b[PW_MINHASH_N];
static pthread_once_t perm_once = PTHREAD_ONCE_INIT;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void perm_init(void)
{
	uint64_t state = 0x1f83d9abfb41bd6bull;
	for (int i = 0; i < PW_MINHASH_N; i++) {
		uint64_t r = splitmix64(&state);
		perm_a[i] = (uint32_t)r | 1;
		perm_b[i] = (uint32_t)(r >> 32);
	}
}

/* The hot loop: 32-bit lanes so that it vectorises (8 permutations per AVX2 instruction);
 * on x86-64 GCC builds an AVX2 clone picked at load time, with the SSE2 loop as fallback. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__ELF__)
__attribute__((target_clones("avx2", "default")))
#endif
static void minhash_loop(const uint64_t *h, size_t n, uint32_t *restrict m,
			 const uint32_t *restrict pa, const uint32_t *restrict pb)
{
	for (size_t j = 0; j < n; j++) {
		uint32_t x = (uint32_t)(h[j] >> 32) ^ (uint32_t)h[j];
		for (int i = 0; i < PW_MINHASH_N; i++) {
			uint32_t v = pa[i] * x + pb[i];
			m[i] = v < m[i] ? v : m[i];
		}
	}
}

void pw_minhash(const uint64_t *h, size_t n, struct pw_minhash *out)
{
	pthread_once(&perm_once, perm_init);
	for (int i = 0; i < PW_MINHASH_N; i++)
		out->v[i] = UINT32_MAX;
	minhash_loop(h, n, out->v, perm_a, perm_b);
	out->nshingles = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

void pw_minhash_tokens(const struct pw_tokens *t, struct pw_minhash *out)
{
	uint64_t *h;
	size_t n = pw_shingles(t, PW_SHINGLE_K, &h);
	pw_minhash(h, n, out);
	free(h);
}

int pw_minhash_borderline(double est, double threshold)
{
	return est >= threshold - PW_EXACT_BAND && est < threshold + PW_EXACT_BAND;
}

double pw_minhash_similarity(const struct pw_minhash *a, const struct pw_minhash *b)
{
	if (a->nshingles == 0 || b->nshingles == 0)
		return 0.0;
	int eq = 0;
	for (int i = 0; i < PW_MINHASH_N; i++)
		eq += a->v[i] == b->v[i];
	return (double)eq / PW_MINHASH_N;
}

void pw_lsh_keys(const struct pw_minhash *m, int64_t keys[PW_LSH_BANDS])
{
	for (int b = 0; b < PW_LSH_BANDS; b++) {
		uint8_t bytes[PW_LSH_ROWS * 4];
		for (int r = 0; r < PW_LSH_ROWS; r++) {
			uint32_t v = m->v[b * PW_LSH_ROWS + r];
			bytes[r * 4] = (uint8_t)v;
			bytes[r * 4 + 1] = (uint8_t)(v >> 8);
			bytes[r * 4 + 2] = (uint8_t)(v >> 16);
			bytes[r * 4 + 3] = (uint8_t)(v >> 24);
		}
		keys[b] = (int64_t)pw_hash64(bytes, sizeof bytes, 0x15a7b0000ull + (uint64_t)b);
	}
}

double pw_lsh_probability(double s, unsigned bands, unsigned rows)
{
	/* loops, not pow(): keeps libm out of the link for one function */
	double band = 1.0, miss = 1.0;
	for (unsigned r = 0; r < rows; r++)
		band *= s;
	for (unsigned b = 0; b < bands; b++)
		miss *= 1.0 - band;
	return 1.0 - miss;
}

void pw_minhash_pack(const struct pw_minhash *m, uint8_t out[PW_MINHASH_BYTES])
{
	for (int i = 0; i < PW_MINHASH_N; i++) {
		out[i * 4] = (uint8_t)m->v[i];
		out[i * 4 + 1] = (uint8_t)(m->v[i] >> 8);
		out[i * 4 + 2] = (uint8_t)(m->v[i] >> 16);
		out[i * 4 + 3] = (uint8_t)(m->v[i] >> 24);
	}
}

int pw_minhash_unpack(const void *blob, size_t len, uint32_t nshingles, struct pw_minhash *m)
{
	const uint8_t *p = blob;
	if (len != PW_MINHASH_BYTES || p == NULL)
		return -1;
	for (int i = 0; i < PW_MINHASH_N; i++)
		m->v[i] = (uint32_t)rd32(p + i * 4);
	m->nshingles = nshingles;
	return 0;
}
