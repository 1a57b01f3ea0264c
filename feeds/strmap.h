/*
 * strmap.h -- a small string-keyed hash map (open addressing, linear probing).
 *
 * For the lookups that must stay O(1) with 10,000 feeds: a feed by its id or URL in the config,
 * by name in the scheduler, a section name in the INI reader.  Linear scans there made loading,
 * reloading and polling quadratic in the number of feeds.
 *
 * Keys are borrowed: the caller keeps each key string alive and unchanged while it is in the
 * map (it is usually a string inside the stored object).  Values are opaque non-NULL pointers,
 * never freed by the map.  A zeroed struct pw_strmap is an empty map; pw_strmap_free() releases
 * the table only.  Deletion leaves a tombstone; tombstones are dropped when the table is
 * rebuilt, so put/del cycles do not fill it up.
 */
#ifndef PW_STRMAP_H
#define PW_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct pw_strmap_slot;

struct pw_strmap {
	struct pw_strmap_slot *slots;
	size_t cap;      /* 0 or a power of two */
	size_t n;        /* live keys */
	size_t used;     /* live keys + tombstones */
};

/* The value stored under key, or NULL. */
void *pw_strmap_get(const struct pw_strmap *m, const char *key);
/* Inserts or replaces (val must not be NULL; a replaced entry borrows the new key pointer);
 * returns the value it replaced, or NULL. */
void *pw_strmap_put(struct pw_strmap *m, const char *key, void *val);
/* Removes key; returns its value, or NULL when it was absent. */
void *pw_strmap_del(struct pw_strmap *m, const char *key);
size_t pw_strmap_count(const struct pw_strmap *m);
/* Frees the table (not keys or values); the map is empty and usable again. */
void pw_strmap_free(struct pw_strmap *m);

/* The hash the map uses (64-bit FNV-1a), for tests that need keys sharing a slot. */
uint64_t pw_strmap_hash(const char *key);

/*
 * A position in a growing array as a value (the array moves when it grows, so pointers into it
 * would not last): pw_strmap_pos(i) stores i, pw_strmap_index() reads it back from a non-NULL
 * value.
 */
static inline void *pw_strmap_pos(size_t i)
{
	return (void *)(uintptr_t)(i + 1);
}
static inline size_t pw_strmap_index(const void *v)
{
	return (size_t)(uintptr_t)v - 1;
}

#endif
