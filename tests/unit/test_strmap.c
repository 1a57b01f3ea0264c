/* Unit tests: strmap.c -- insert, replace, lookup, slot collisions, deletion, growth. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "tap.h"
#include "xmalloc.h"

/* Distinct values to store: the map must hand back exactly these pointers. */
static int vals[4];

static void test_basic(void)
{
	struct pw_strmap m = { 0 };
	ok(pw_strmap_get(&m, "azatutyun") == NULL, "empty map: get finds nothing");
	ok(pw_strmap_del(&m, "azatutyun") == NULL, "empty map: del finds nothing");
	is_int(pw_strmap_count(&m), 0, "empty map: count 0");

	ok(pw_strmap_put(&m, "azatutyun", &vals[0]) == NULL, "put new key returns NULL");
	ok(pw_strmap_put(&m, "news-am", &vals[1]) == NULL, "put second key");
	ok(pw_strmap_get(&m, "azatutyun") == &vals[0], "get first");
	ok(pw_strmap_get(&m, "news-am") == &vals[1], "get second");
	ok(pw_strmap_get(&m, "news") == NULL, "a prefix of a key is not the key");
	ok(pw_strmap_get(&m, "") == NULL, "empty string absent");

	/* the key is compared by content, not by pointer; replacing borrows the new pointer */
	char *copy = xstrdup("news-am");
	ok(pw_strmap_put(&m, copy, &vals[2]) == &vals[1], "put existing key returns the old value");
	is_int(pw_strmap_count(&m), 2, "replace keeps the count");
	ok(pw_strmap_get(&m, "news-am") == &vals[2], "get sees the new value");
	ok(pw_strmap_del(&m, "news-am") == &vals[2], "del returns the value");
	free(copy);
	ok(pw_strmap_get(&m, "news-am") == NULL, "deleted key is gone");
	ok(pw_strmap_del(&m, "news-am") == NULL, "deleting again finds nothing");
	is_int(pw_strmap_count(&m), 1, "count after delete");

	ok(pw_strmap_put(&m, "", &vals[3]) == NULL, "empty string is a key like any other");
	ok(pw_strmap_get(&m, "") == &vals[3], "get empty-string key");

	pw_strmap_free(&m);
	is_int(pw_strmap_count(&m), 0, "free empties the map");
	ok(pw_strmap_get(&m, "azatutyun") == NULL, "freed map: get finds nothing");
	ok(pw_strmap_put(&m, "azatutyun", &vals[0]) == NULL && pw_strmap_get(&m, "azatutyun") == &vals[0],
	   "freed map is usable again");
	pw_strmap_free(&m);
}

/*
 * Keys that start probing at the same slot of the first table (16 slots): found by their
 * hash, so the test does not depend on which strings happen to collide.
 */
static void test_collisions(void)
{
	char pool[200][32];
	const char *same[4];
	size_t nsame = 0;
	uint64_t slot0 = pw_strmap_hash("feed-0") & 15;
	for (int i = 0; i < 200 && nsame < 4; i++) {
		snprintf(pool[i], sizeof pool[i], "feed-%d", i);
		if ((pw_strmap_hash(pool[i]) & 15) == slot0)
			same[nsame++] = pool[i];
	}
	if (!ok(nsame == 4, "found 4 keys sharing a slot of a 16-slot table"))
		return;
	struct pw_strmap m = { 0 };
	for (size_t i = 0; i < 4; i++)
		pw_strmap_put(&m, same[i], &vals[i]);
	is_int(m.cap, 16, "4 keys fit in the first table");
	int all = 1;
	for (size_t i = 0; i < 4; i++)
		all &= pw_strmap_get(&m, same[i]) == &vals[i];
	ok(all, "every colliding key finds its own value");

	/* deleting the first of the chain must not hide the ones probed past it */
	ok(pw_strmap_del(&m, same[0]) == &vals[0], "delete the head of the chain");
	ok(pw_strmap_get(&m, same[1]) == &vals[1] && pw_strmap_get(&m, same[3]) == &vals[3],
	   "keys after a deleted slot are still found");
	ok(pw_strmap_get(&m, same[0]) == NULL, "deleted head is gone");
	/* a put of a key further down the chain replaces it, it does not fill the tombstone */
	ok(pw_strmap_put(&m, same[2], &vals[0]) == &vals[2], "put of a key past a tombstone replaces it");
	is_int(pw_strmap_count(&m), 3, "no duplicate entry");
	ok(pw_strmap_del(&m, same[2]) == &vals[0], "and deleting it once removes it");
	ok(pw_strmap_get(&m, same[2]) == NULL, "it is gone");
	/* re-insert into the freed slots */
	ok(pw_strmap_put(&m, same[0], &vals[1]) == NULL, "re-insert a deleted key");
	ok(pw_strmap_get(&m, same[0]) == &vals[1], "re-inserted key found");
	is_int(pw_strmap_count(&m), 3, "count after re-insert");
	pw_strmap_free(&m);
}

/* Growth from empty to 10,000 keys, deletions of half, and put/del churn that must not fill
 * the table with tombstones; checked against the expected contents after each phase. */
static void test_growth(void)
{
	enum { N = 10000 };
	char **keys = xcalloc(N, sizeof *keys);
	int *v = xcalloc(N, sizeof *v);
	struct pw_strmap m = { 0 };
	for (size_t i = 0; i < N; i++) {
		keys[i] = xasprintf("https://outlet-%zu.example/rss/%zu.xml", i % 97, i);
		pw_strmap_put(&m, keys[i], &v[i]);
	}
	is_int(pw_strmap_count(&m), N, "10,000 keys counted");
	ok(4 * N <= 3 * m.cap && (m.cap & (m.cap - 1)) == 0, "table grew to a power of two (%zu slots)", m.cap);
	size_t good = 0;
	for (size_t i = 0; i < N; i++)
		good += pw_strmap_get(&m, keys[i]) == &v[i];
	is_int(good, N, "every key found after growth");

	for (size_t i = 0; i < N; i += 2)
		pw_strmap_del(&m, keys[i]);
	is_int(pw_strmap_count(&m), N / 2, "half deleted");
	good = 0;
	for (size_t i = 0; i < N; i++)
		good += pw_strmap_get(&m, keys[i]) == (i % 2 ? &v[i] : NULL);
	is_int(good, N, "odd keys found, even keys gone");

	/* churn: a key in, a key out, many times; the table must not grow without bound */
	size_t cap = m.cap;
	char tmp[64];
	size_t lost = 0;
	for (int round = 0; round < 20 * N; round++) {
		snprintf(tmp, sizeof tmp, "churn-%d", round);
		pw_strmap_put(&m, tmp, &v[0]);
		lost += pw_strmap_get(&m, tmp) != &v[0];
		lost += pw_strmap_del(&m, tmp) != &v[0];
	}
	is_int(lost, 0, "200,000 put/get/del rounds");
	is_int(pw_strmap_count(&m), N / 2, "churn leaves the count");
	ok(m.cap <= cap, "churn did not grow the table (%zu -> %zu slots)", cap, m.cap);
	good = 0;
	for (size_t i = 0; i < N; i++)
		good += pw_strmap_get(&m, keys[i]) == (i % 2 ? &v[i] : NULL);
	is_int(good, N, "contents intact after churn");

	pw_strmap_free(&m);
	for (size_t i = 0; i < N; i++)
		free(keys[i]);
	free(keys);
	free(v);
}

static void test_positions(void)
{
	struct pw_strmap m = { 0 };
	pw_strmap_put(&m, "first", pw_strmap_pos(0));
	pw_strmap_put(&m, "later", pw_strmap_pos(41));
	ok(pw_strmap_get(&m, "first") != NULL, "position 0 is stored as a non-NULL value");
	is_int(pw_strmap_index(pw_strmap_get(&m, "first")), 0, "position 0 read back");
	is_int(pw_strmap_index(pw_strmap_get(&m, "later")), 41, "position 41 read back");
	pw_strmap_free(&m);
}

int main(void)
{
	test_basic();
	test_collisions();
	test_growth();
	test_positions();
	return done_testing();
}
