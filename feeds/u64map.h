/*
 * u64map.h -- a hash map from 64-bit keys to 64-bit values (open addressing, linear probing).
 *
 * For the dedup index cache (dedup_cache.c): term ids and story ids to counts or positions.
 * Every key is allowed, 0 included.  There is no deletion: the cache drops whole maps
 * (pw_u64map_clear), which is all it needs and keeps probing free of tombstones.  A zeroed
 * struct pw_u64map is an empty map.
 */
#ifndef PW_U64MAP_H
#define PW_U64MAP_H

#include <stddef.h>
#include <stdint.h>

struct pw_u64map {
	uint64_t *keys;
	uint64_t *vals;
	uint8_t *used;
	size_t cap;   /* 0 or a power of two; at most half full */
	size_t n;
};

/* The value slot of key, or NULL when absent.  Valid until the next put or clear. */
uint64_t *pw_u64map_get(const struct pw_u64map *m, uint64_t key);
/* The value slot of key, inserted with value 0 when absent (*created says which).  Valid until
 * the next put or clear. */
uint64_t *pw_u64map_put(struct pw_u64map *m, uint64_t key, int *created);
/* Calls fn for every entry, in slot order (not insertion order). */
void pw_u64map_each(const struct pw_u64map *m, void (*fn)(void *arg, uint64_t key, uint64_t *val), void *arg);
/* Empties the map and frees its table. */
void pw_u64map_clear(struct pw_u64map *m);
/* Bytes held by the table (for cache budgets). */
size_t pw_u64map_bytes(const struct pw_u64map *m);

#endif
