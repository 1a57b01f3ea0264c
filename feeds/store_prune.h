/*
 * store_prune.h -- retention: deleting old items with everything that refers to them.
 *
 * pw_store_prune() deletes, inside the caller's transaction (pw_store_begin .. commit), up to
 * max_items of the oldest items whose first-seen time (`fetched`) is before `before`, oldest
 * first (fetched, then id).  `published` is not used: feeds give bogus dates (years ahead,
 * 1970), and an item stays as long as it was seen recently enough.  Only finished items are
 * deleted -- those with a story (pw_dedup_assign gives every item one once its text is
 * final): an item still in the article stage is referred to by the daemon's queues, which
 * would then write to a row that is gone; it goes in a later round.
 *
 * What goes with an item:
 *  - tags, speakers, alerts (item_id), story_vecs: ON DELETE CASCADE;
 *  - items.dup_of of its copies and stories.first_item: ON DELETE SET NULL (a kept copy of a
 *    deleted original is then an original itself);
 *  - its full-text entry: the items_fts_ad trigger (indexed rows only);
 *  - its lsh rows (no foreign key): the 21 band keys recomputed from its stored minhash;
 *  - its story_terms postings (no foreign key): the signature terms of its stored vector
 *    (story_vecs, read before the cascade deletes it) at the time pw_dedup_assign() was given
 *    (item_finish.c: published, else fetched, i.e. coalesce(published, fetched) of the row);
 *    a posting not found there (a row written at another time) is deleted by term and item;
 *  - its story: item_count decremented; a story left without items is deleted (its alert with
 *    it, by cascade).  The centroid of a story that keeps items is left as it is: it is a
 *    truncated sum, from which a vector cannot be taken out exactly, and its weight in the
 *    story's score fades as newer items join.
 *
 * Left as they are, on purpose: term_df and dedup_stats 'documents' -- IDF counts documents
 * ever seen, so an item's weights do not depend on when retention ran -- and feeds.
 *
 * The dedup cache (store_dedup_cache.h) is flushed and forgotten (pw_dcache_forget) so that it
 * serves no deleted posting, centroid or vector; its LSH filter stays (bits of deleted pairs
 * are false positives only).
 *
 * *deleted gets the number of items deleted (< max_items: no more old items).  max_items 0
 * deletes nothing.  Returns 0, or -1 with the store's error set (the caller rolls back).
 */
#ifndef PW_STORE_PRUNE_H
#define PW_STORE_PRUNE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

int pw_store_prune(struct pw_store *s, int64_t before, size_t max_items, size_t *deleted);

#endif
