/* strmap.c -- string-keyed open-addressing hash map; see strmap.h. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

struct pw_strmap_slot {
	const char *key;   /* NULL: never used; TOMBSTONE: deleted */
	uint64_t hash;
	void *val;
};

/* A deleted slot: probing goes on past it, an insert may reuse it. */
static const char tombstone_mark;
#define TOMBSTONE (&tombstone_mark)

#define MIN_CAP 16

uint64_t pw_strmap_hash(const char *key)
{
	uint64_t h = 14695981039346656037ull;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 1099511628211ull;
	}
	return h;
}

/* Slot holding key, or NULL. */
static struct pw_strmap_slot *lookup(const struct pw_strmap *m, const char *key, uint64_t h)
{
	if (m->cap == 0)
		return NULL;
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct pw_strmap_slot *sl = &m->slots[i];
		if (!sl->key)
			return NULL;
		if (sl->key != TOMBSTONE && sl->hash == h && strcmp(sl->key, key) == 0)
			return sl;
	}
}

/* Rebuilds the table with room for the live keys at most half full; drops tombstones. */
static void rehash(struct pw_strmap *m)
{
	size_t cap = MIN_CAP;
	while (cap < 2 * (m->n + 1))
		cap *= 2;
	struct pw_strmap_slot *old = m->slots;
	size_t oldcap = m->cap;
	m->slots = xcalloc(cap, sizeof *m->slots);
	m->cap = cap;
	m->used = m->n;
	for (size_t k = 0; k < oldcap; k++) {
		const struct pw_strmap_slot *o = &old[k];
		if (!o->key || o->key == TOMBSTONE)
			continue;
		size_t i = (size_t)o->hash & (cap - 1);
		while (m->slots[i].key)
			i = (i + 1) & (cap - 1);
		m->slots[i] = *o;
	}
	free(old);
}

void *pw_strmap_get(const struct pw_strmap *m, const char *key)
{
	const struct pw_strmap_slot *sl = lookup(m, key, pw_strmap_hash(key));
	return sl ? sl->val : NULL;
}

void *pw_strmap_put(struct pw_strmap *m, const char *key, void *val)
{
	uint64_t h = pw_strmap_hash(key);
	struct pw_strmap_slot *sl = lookup(m, key, h);
	if (sl) {
		void *old = sl->val;
		sl->key = key;
		sl->val = val;
		return old;
	}
	/* at most 3/4 of the slots used (live or tombstone), so every probe reaches an empty one */
	if (4 * (m->used + 1) > 3 * m->cap)
		rehash(m);
	size_t mask = m->cap - 1;
	size_t i = (size_t)h & mask;
	while (m->slots[i].key && m->slots[i].key != TOMBSTONE)
		i = (i + 1) & mask;
	if (!m->slots[i].key)
		m->used++;
	m->slots[i].key = key;
	m->slots[i].hash = h;
	m->slots[i].val = val;
	m->n++;
	return NULL;
}

void *pw_strmap_del(struct pw_strmap *m, const char *key)
{
	struct pw_strmap_slot *sl = lookup(m, key, pw_strmap_hash(key));
	if (!sl)
		return NULL;
	void *old = sl->val;
	sl->key = TOMBSTONE;
	sl->val = NULL;
	m->n--;
	return old;
}

size_t pw_strmap_count(const struct pw_strmap *m)
{
	return m->n;
}

void pw_strmap_free(struct pw_strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof *m);
}
