/* Unit tests: feeds/u64map.c -- put/get against a reference array, key 0, growth, each, clear. */
#include <stdint.h>
#include <stdlib.h>

#include "tap.h"
#include "u64map.h"

struct sum {
	uint64_t keys, vals;
	size_t n;
};

static void add_up(void *arg, uint64_t key, uint64_t *val)
{
	struct sum *s = arg;
	s->keys += key;
	s->vals += *val;
	s->n++;
}

int main(void)
{
	struct pw_u64map m = { 0 };
	ok(pw_u64map_get(&m, 0) == NULL, "empty map: no key 0");
	ok(pw_u64map_get(&m, 42) == NULL, "empty map: no key 42");

	int created = -1;
	uint64_t *v = pw_u64map_put(&m, 0, &created);
	ok(v && created == 1 && *v == 0, "key 0 inserted with value 0");
	*v = 7;
	v = pw_u64map_put(&m, 0, &created);
	ok(created == 0 && *v == 7, "key 0 found again by put, value kept");
	ok(pw_u64map_get(&m, 0) && *pw_u64map_get(&m, 0) == 7, "key 0 found by get");

	/* 20,000 keys: sequential ids (story ids), spread hashes (term ids), the top bit set */
	enum { N = 20000 };
	static uint64_t keys[N];
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < N; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		keys[i] = i % 3 == 0 ? i + 1 : i % 3 == 1 ? x : x | (UINT64_C(1) << 63);
	}
	size_t fresh = 0;
	for (size_t i = 0; i < N; i++) {
		v = pw_u64map_put(&m, keys[i], &created);
		if (created) {
			*v = keys[i] ^ 0x5555;
			fresh++;
		}
	}
	is_int(fresh, N, "20,000 distinct keys inserted");
	is_int(m.n, N + 1, "count: every key once, plus key 0");
	ok(m.cap >= 2 * m.n, "at most half full (cap %zu, n %zu)", m.cap, m.n);
	size_t bad = 0;
	for (size_t i = 0; i < N; i++) {
		uint64_t *g = pw_u64map_get(&m, keys[i]);
		bad += g == NULL || *g != (keys[i] ^ 0x5555);
	}
	is_int(bad, 0, "all 20,000 keys found with their values after growth");
	ok(pw_u64map_get(&m, UINT64_C(0xdeadbeefcafebabe)) == NULL, "an absent key is absent");
	ok(pw_u64map_bytes(&m) == m.cap * 17, "bytes: 17 per slot");

	struct sum s = { 0, 0, 0 };
	pw_u64map_each(&m, add_up, &s);
	uint64_t ks = 0, vs = 7;   /* key 0 holds 7 */
	for (size_t i = 0; i < N; i++) {
		ks += keys[i];
		vs += keys[i] ^ 0x5555;
	}
	is_int(s.n, m.n, "each visits every entry once");
	ok(s.keys == ks && s.vals == vs, "each sees every key and value");

	pw_u64map_clear(&m);
	ok(m.n == 0 && m.cap == 0 && pw_u64map_get(&m, keys[5]) == NULL, "clear empties the map");
	v = pw_u64map_put(&m, keys[5], &created);
	ok(created == 1, "usable again after clear");
	pw_u64map_clear(&m);
	return done_testing();
}
