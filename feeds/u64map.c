/* u64map.c -- 64-bit keyed hash map (see u64map.h). */
#include <stdlib.h>

#include "u64map.h"
#include "xmalloc.h"

/* A 64-bit finaliser (splitmix64): term ids are hashes already, story ids are sequential,
 * and both must spread over the low bits the table uses. */
static size_t slot_of(uint64_t key, size_t cap)
{
	key ^= key >> 30;
	key *= 0xbf58476d1ce4e5b9ull;
	key ^= key >> 27;
	key *= 0x94d049bb133111ebull;
	key ^= key >> 31;
	return (size_t)key & (cap - 1);
}

uint64_t *pw_u64map_get(const struct pw_u64map *m, uint64_t key)
{
	if (m->cap == 0)
		return NULL;
	for (size_t i = slot_of(key, m->cap); m->used[i]; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			return &m->vals[i];
	return NULL;
}

static void grow(struct pw_u64map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	uint64_t *keys = xreallocarray(NULL, cap, sizeof *keys);
	uint64_t *vals = xreallocarray(NULL, cap, sizeof *vals);
	uint8_t *used = xcalloc(cap, 1);
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->used[i])
			continue;
		size_t j = slot_of(m->keys[i], cap);
		while (used[j])
			j = (j + 1) & (cap - 1);
		used[j] = 1;
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	free(m->used);
	m->keys = keys;
	m->vals = vals;
	m->used = used;
	m->cap = cap;
}

uint64_t *pw_u64map_put(struct pw_u64map *m, uint64_t key, int *created)
{
	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	size_t i = slot_of(key, m->cap);
	for (; m->used[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			if (created)
				*created = 0;
			return &m->vals[i];
		}
	}
	m->used[i] = 1;
	m->keys[i] = key;
	m->vals[i] = 0;
	m->n++;
	if (created)
		*created = 1;
	return &m->vals[i];
}

void pw_u64map_each(const struct pw_u64map *m, void (*fn)(void *arg, uint64_t key, uint64_t *val), void *arg)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->used[i])
			fn(arg, m->keys[i], &m->vals[i]);
}

void pw_u64map_clear(struct pw_u64map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	m->keys = m->vals = NULL;
	m->used = NULL;
	m->cap = m->n = 0;
}

size_t pw_u64map_bytes(const struct pw_u64map *m)
{
	return m->cap * (2 * sizeof(uint64_t) + 1);
}
