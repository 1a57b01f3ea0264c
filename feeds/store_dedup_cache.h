/*
 * store_dedup_cache.h -- an in-memory layer over the store's dedup index (store_dedup.c only).
 *
 * Why: a cold ingestion of the bench corpus (10,000 items) spent ~70% of the daemon's CPU in
 * pw_dedup_assign, almost all of it SQLite B-tree work on three tables that every item reads
 * and writes at random keys: story_terms (10 terms x up to 200 postings read per item, ~26%),
 * stories (32 centroid BLOBs read and one rewritten per item, ~9%) and term_df (128 upserts
 * and 128 reads per item, ~6%).  The same few thousand terms and stories are hit again and
 * again within a batch, so they are kept here, decoded:
 *
 *  - term_df and the document count: read through (a miss reads the row once), written back
 *    once per transaction (write-behind: one upsert per distinct term per commit instead of
 *    one per item and term);
 *  - story centroids, counts and times: read through, written back once per transaction
 *    (one UPDATE per story touched instead of one per item, each rewriting the BLOB);
 *  - item vectors (story_vecs): written through, the newest 1,024..2,048 kept;
 *  - the lsh table's (band, key) pairs, as a Bloom filter: most band lookups find nothing,
 *    and a clear bit says so without a B-tree probe;
 *  - story_terms postings per term: the latest PW_DCACHE_POSTINGS of the term, written
 *    through (the row is inserted at once).  A query whose window reaches below what is
 *    cached goes to SQLite.
 *
 * Results are the same as reading the tables: every cached value is the table's value plus
 * this transaction's unflushed changes, which only this connection makes.
 *
 * Invariants:
 *  - Dirty entries exist only inside a transaction; pw_dcache_flush() writes them before
 *    COMMIT (store.c), inside the same transaction, so a crash loses them with it.
 *  - A rollback (pw_dcache_drop) forgets everything but the LSH filter (whose extra bits for
 *    rolled-back rows are false positives only): the tables are the truth again.
 *  - Another connection's commit (PRAGMA data_version changed, checked at every begin) drops
 *    everything too, except the LSH filter when that commit added no lsh rows (dedup_stats
 *    'lsh_version', bumped by every commit that adds some through pw_dcache_lsh_added): the
 *    cache never serves rows someone else changed.  Programs that write lsh rows by other
 *    means must bump lsh_version, or this handle may call their pairs absent.
 *  - The filter is saved at close (table lsh_filter, with the lsh_version it holds every pair
 *    of) and loaded at first use when that is still the store's version: a restart after a
 *    clean close does not scan the index; after a crash the versions differ and it does.
 *  - Memory is bounded: after a flush, a part over its budget is dropped whole (all clean).
 *  - Only read-write handles inside a transaction fill the cache; elsewhere the lookups read
 *    the tables directly (the CLI's read-only handles never cache).
 */
#ifndef PW_STORE_DEDUP_CACHE_H
#define PW_STORE_DEDUP_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "story.h"

/* Postings kept per term: the store reads at most 200 per term (store_dedup.c). */
#define PW_DCACHE_POSTINGS 256

struct pw_dedup_cache;

/* --- transaction hooks (store.c) ---------------------------------------------------------- */
/* After BEGIN: drops the cache when another connection has committed since it was filled. */
int pw_dcache_begin(struct pw_store *s);
/* Before COMMIT: writes the dirty term_df and stories rows, then trims to the budgets. */
int pw_dcache_flush(struct pw_store *s);
/* After a rollback (or a failed commit): forgets all but the LSH filter. */
void pw_dcache_drop(struct pw_store *s);
/* Before closing (pw_store_close, outside a transaction): saves the LSH filter in its own
 * transaction when it changed since it was loaded or built, so that the next open loads it
 * instead of scanning the lsh table.  0 also when there is nothing to save. */
int pw_dcache_save(struct pw_store *s);
/* Inside a transaction, after rows of the dedup tables were deleted (store_prune.c): writes
 * the dirty term_df and stories rows, then forgets all but the LSH filter, so that no deleted
 * posting, centroid, story count or item vector is served afterwards (the filter's bits for
 * deleted pairs are only false positives).  0, or -1 with the store's error set. */
int pw_dcache_forget(struct pw_store *s);
/* Frees the cache (pw_store_close). */
void pw_dcache_free(struct pw_dedup_cache *c);

/* --- document frequencies ----------------------------------------------------------------- */
/* df[i] = documents containing ids[i] (0 when unseen).  0 or -1. */
int pw_dcache_df(struct pw_store *s, const uint64_t *ids, size_t n, int64_t *df);
/* The number of documents counted.  0 or -1. */
int pw_dcache_ndocs(struct pw_store *s, int64_t *ndocs);
/* Counts one more document containing ids (distinct); returns the document count after it, or
 * -1.  In a transaction only. */
int64_t pw_dcache_df_add(struct pw_store *s, const uint64_t *ids, size_t n);

/* --- postings (story_terms) --------------------------------------------------------------- */
typedef void (*pw_dcache_posting_fn)(void *arg, int64_t story_id, int64_t item_id);
/* Calls fn for the latest `limit` postings of term with t in [lo, hi], newest first (t, then
 * item id, descending): what "SELECT .. WHERE term = ? AND t BETWEEN lo AND hi ORDER BY t DESC,
 * item_id DESC LIMIT limit" returns.  limit <= PW_DCACHE_POSTINGS.  0 or -1. */
int pw_dcache_postings(struct pw_store *s, uint64_t term, int64_t lo, int64_t hi, int limit,
		       pw_dcache_posting_fn fn, void *arg);
/* Inserts the item's postings, one per term (INSERT OR IGNORE, n <= PW_DCACHE_ADD_MAX), and
 * keeps the cached lists in step.  0 or -1. */
#define PW_DCACHE_ADD_MAX 16
int pw_dcache_postings_add(struct pw_store *s, const uint64_t *terms, size_t n, int64_t t, int64_t item_id,
			   int64_t story_id);

/* --- stories ------------------------------------------------------------------------------ */
/* The centroid of story_id: 1 with *c pointing into the cache (valid until the transaction
 * ends), 0 when there is no such story, -1 on error. */
int pw_dcache_centroid(struct pw_store *s, int64_t story_id, const struct pw_story_vec **c);
/* Creates a story started by item_id with centroid v; *story_id gets its id.  0 or -1. */
int pw_dcache_story_new(struct pw_store *s, int64_t item_id, const char *title, int64_t when,
			const struct pw_story_vec *v, int64_t *story_id);
/* One more item in story_id at time when; v (may be NULL or empty) is added to the centroid.
 * Written back at flush.  0 or -1. */
int pw_dcache_story_join(struct pw_store *s, int64_t story_id, int64_t when, const struct pw_story_vec *v);

/* --- item vectors (story_vecs) ----------------------------------------------------------- */
/* The story vector of item_id: 1 with *v pointing into the cache (valid until the transaction
 * ends), 0 when the item has none, -1 on error. */
int pw_dcache_item_vec(struct pw_store *s, int64_t item_id, const struct pw_story_vec **v);
/* Saves the item's vector (an empty one is not stored) and caches it.  0 or -1. */
int pw_dcache_item_vec_save(struct pw_store *s, int64_t item_id, const struct pw_story_vec *v);

/* --- LSH bands (lsh) ---------------------------------------------------------------------- */
/* 0 when no stored item has key in band (certain), 1 when one may have: a Bloom filter over
 * the table, built by one scan at first use.  -1 on error.  Outside a read-write
 * transaction always 1. */
int pw_dcache_lsh_maybe(struct pw_store *s, int band, int64_t key);
/* Records a row just inserted into lsh (the filter must hold every stored pair). */
void pw_dcache_lsh_added(struct pw_store *s, int band, int64_t key);

/* Reads a vector BLOB (column 0; column 1: its item count) of row id with sql: 1 found, 0 no
 * row, -1 error.  An unreadable BLOB is logged and read as empty.  The caller frees *v. */
int pw_dedup_read_vec(struct pw_store *s, const char *sql, int64_t id, const char *what, struct pw_story_vec *v);

#endif
