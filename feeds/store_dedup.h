/*
 * store_dedup.h -- near-duplicates and stories for each new item, in the store.
 *
 * pw_dedup_assign() runs for every new item after extraction, inside the caller's
 * transaction (pw_store_begin .. commit), and sets the item's dup_of and story_id:
 *
 *  1. Near-duplicate.  The text's MinHash signature (shingle.h) gives one key per LSH band;
 *     the lsh table (PRIMARY KEY(band, key, item_id)) returns the items sharing a band, each
 *     is verified by its stored signature, and the most similar one at estimated Jaccard >=
 *     near_duplicate makes the item a duplicate of that item's original (dup_of always names
 *     the earliest item of the text, never a copy).  Texts with fewer than PW_SHINGLE_MIN
 *     shingles (title-only items, one-line summaries) are never matched by MinHash; they are
 *     duplicates only of an item with the same normalised title on the same UTC day.
 *  2. Story.  A duplicate joins its original's story.  Otherwise the item's story vector
 *     (story.h) is computed with IDF from the term_df table (which this item's terms have just
 *     been added to); candidate stories come from story_terms, the inverted index of item
 *     signature terms by time, restricted to +-window around the item's time and to the 200
 *     latest postings per term; the 32 candidates sharing most signature terms are ranked by
 *     cosine with their centroid, and the best 4 of those are scored by pw_story_score --
 *     centroid cosine and the best cosine with the latest 2 of their items that the postings
 *     found (story_vecs keeps every item's vector) -- and the item joins the best at >=
 *     same_story, or starts a story of its own.  Every item ends up with a story.  (Reading
 *     item vectors for all 32 candidates cost ~15% of a cold ingestion's CPU; the seeds in all
 *     120 orders and the labelled set decide the same with 4.)
 *
 * Every lookup is an index probe bounded by those limits, so the work of a check does not
 * grow with the number of stored items.  term_df, stories and story_terms are read and
 * written through an in-memory cache (store_dedup_cache.h): the terms and stories a batch
 * touches are decoded once, and term_df and stories rows are written once per transaction
 * instead of once per item (cold ingestion of the bench corpus, feeds only: 4.1 -> 2.5 CPU s,
 * the same stories, duplicates and term_df rows byte for byte).  bench_dedup -s (synthetic store, 10 KB articles, CPU
 * time per pw_dedup_assign incl. tokenising, signatures, all lookups and writes; the store's
 * 16 MiB page cache; a machine shared with other builds, +-10%):
 *                        10k items      100k      1M       (items needing the story check)
 *    before              443 us         445 us    623 us   (842 / 848 / 1360 us)
 *    now                 420 us         479 us    702 us   (608 / 695 / 1096 us)
 * with 2.2 LSH candidates and 15 candidate stories per item at every size (9 before: the
 * signatures changed), each now also compared with up to 2 of its items.  What made the story
 * check cheaper: title and text tokenised once (MinHash takes the text's tokens); 128 terms per
 * document instead of 256 (half the term_df upserts and reads); one UPDATE of the items row
 * instead of two (the row holds the body, and SQLite rewrites all of it); candidate stories
 * counted in a hash table, not a linear list.
 * Tried and dropped: term_df upsert with RETURNING instead of the separate read (+360 us: SQLite
 * buffers RETURNING rows per statement); all terms in one statement through json_each (no
 * measurable gain: the B-tree work dominates, not the statement overhead); 64 instead of 200
 * postings per term (no change on this store).
 *
 * Why 1M costs more: page reads, not more work.  At 1M items term_df, story_terms, lsh and
 * story_vecs are ~1 GB; with the default 16 MiB cache most probes read their pages from the
 * OS (a syscall and a copy each, counted as CPU).  1M items, one run each: 16 MiB cache 821
 * us, 256 MiB cache (-c 256) 616 us, mmap_size 2 GiB (-m 2048) 659 us.  What remains of the
 * growth from 10k is B-tree depth (one more level) and CPU cache misses: the in-memory index
 * of bench_dedup (no SQLite) grows the same way, story candidates 32 -> 63 us.  A daemon
 * with a large store wants a larger cache_size or mmap_size (store.c).
 */
#ifndef PW_STORE_DEDUP_H
#define PW_STORE_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#include "shingle.h"
#include "store.h"
#include "story.h"
#include "text.h"

struct pw_dedup_conf {
	double near_duplicate; /* estimated Jaccard threshold, default 0.8 */
	double same_story;     /* pw_story_score threshold, default PW_STORY_SAME_DEFAULT */
	int64_t window_s;      /* story candidates within +- this of the item's time, default 72 h */
};

void pw_dedup_conf_default(struct pw_dedup_conf *c);

struct pw_dedup_result {
	int64_t dup_of;          /* 0: not a duplicate */
	int64_t story_id;
	int new_story;           /* 1: the item started story_id */
	int by_title;            /* dup_of found by the short-item title fallback */
	double dup_similarity;   /* estimated Jaccard with dup_of (or best candidate), 0 if none */
	double story_similarity; /* pw_story_score with the joined story (best candidate if new) */
	int dup_candidates;      /* items sharing an LSH band */
	int story_candidates;    /* stories compared by cosine */
};

/*
 * Decide dup_of and story_id for stored item item_id and record them (pw_store_item_set_story
 * plus the lsh / term_df / story_terms / stories rows).  title and text may be NULL; text is
 * the article body, or the feed summary when there is no article.  when is the item's time
 * (published, else when first seen; PW_NOTIME is taken as "now").  Must run inside a
 * transaction.  Once per item: for an item that already has a story nothing changes and out
 * reports the stored story_id / dup_of.  0, or -1 with the store's error set (no such item,
 * database errors).
 */
int pw_dedup_assign(struct pw_store *s, int64_t item_id, const char *title, const char *text,
		    int64_t when, const struct pw_dedup_conf *conf, struct pw_dedup_result *out);

/*
 * The part of pw_dedup_assign() that needs no store: title + text tokenised, the MinHash
 * signature and LSH keys of the text, and the story terms.  Pure and thread-safe, so the
 * daemon makes it on the worker thread that extracted the article, off the event loop.
 * pw_dedup_prepare() fills *p (never fails); pw_dedup_prep_free() frees what it holds (also
 * of a zeroed struct).
 */
struct pw_dedup_prep {
	struct pw_tokens t;           /* title tokens, then text tokens */
	size_t ntitle;
	struct pw_minhash mh;         /* of the text tokens */
	int64_t keys[PW_LSH_BANDS];
	struct pw_doc_terms terms;    /* story terms of title + text, when has_terms */
	int has_terms;
};
/* with_terms: make the story terms too (else pw_dedup_assign_prepared makes them when the
 * item is no copy, the only case that needs them). */
void pw_dedup_prepare(struct pw_dedup_prep *p, const char *title, const char *text, int with_terms);
void pw_dedup_prep_free(struct pw_dedup_prep *p);
/* pw_dedup_assign() with its pure part already made from the same title and text: the same
 * decision and rows. */
int pw_dedup_assign_prepared(struct pw_store *s, int64_t item_id, const char *title, const struct pw_dedup_prep *p,
			     int64_t when, const struct pw_dedup_conf *conf, struct pw_dedup_result *out);

/* Document frequencies from the store (term_df, dedup_stats) for pw_story_vector(), e.g. for
 * `presswatch similar` on a read-only store.  0, or -1 with the store's error set. */
struct pw_df_source;
int pw_dedup_df_source(struct pw_store *s, struct pw_df_source *out);

#endif
