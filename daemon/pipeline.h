/*
 * pipeline.h -- what happens to a fetched feed body: parse, pick the new items, store them.
 *
 * One poll = one struct pw_poll: body chunks are pushed into the streaming feed parser as they
 * arrive (pw_poll_data), the parser's items are collected, and pw_poll_store() writes the new
 * ones (by feed + guid, at most [limits] max_items_per_poll; when the cap bites, the
 * feed's ETag/Last-Modified are not saved so the next poll brings the rest) together with the feed's poll
 * state as ONE unit of the daemon's open transaction (batch.h: group commit, committed within
 * PW_BATCH_WINDOW_MS).  Nothing is written while the body is still streaming.
 *
 * Later stages (article fetch + extraction, dedup / stories, tags, alerts) attach in
 * pipeline.c at the places marked "SEAM:"; the header states the data each one receives.
 */
#ifndef PW_PIPELINE_H
#define PW_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "config.h"
#include "store.h"

struct pw_pipeline;
struct pw_poll;
struct pw_alerter;
struct pw_articles;

/* store, batch (the transaction every poll writes in) and cfg are borrowed; replace cfg with
 * pw_pipeline_set_config() after a reload. */
struct pw_pipeline *pw_pipeline_new(struct pw_store *store, struct pw_batch *batch, const struct pw_config *cfg);
void pw_pipeline_free(struct pw_pipeline *pl);
void pw_pipeline_set_config(struct pw_pipeline *pl, const struct pw_config *cfg);
/* Tags and alerts (alert.h) for the items finished inside the poll's transaction (their feed
 * entry's text is final: item_finish.h), and without an article stage tags for the others; the
 * alerts recorded are emitted by the batch's on_commit hook.  NULL (the default): none. */
void pw_pipeline_set_alerter(struct pw_pipeline *pl, struct pw_alerter *a);
/* The article stage (article.h): each poll's new ids that need their page go to it after the
 * commit, and it finishes them (from the best text it gets); it also counts the items the poll
 * finished itself.  NULL: none. */
void pw_pipeline_set_articles(struct pw_pipeline *pl, struct pw_articles *a);
/* 1 while the store is locked and the polls and articles waiting for it hold the item cap's
 * number of items (pw_batch_full()): start no new poll until it is 0 again. */
int pw_pipeline_backlogged(const struct pw_pipeline *pl);
/* Items stored (committed) since the daemon started (for STATUS= and logs). */
int64_t pw_pipeline_items_stored(const struct pw_pipeline *pl);

/* feed_lang (may be NULL) is the configured language, the fallback for items without one. */
struct pw_poll *pw_poll_new(struct pw_pipeline *pl, int64_t feed_id, const char *feed_name, const char *feed_lang);
void pw_poll_free(struct pw_poll *p);

/*
 * One chunk of a 2xx body.  content_type (for the charset) and base_url (the effective URL,
 * for relative links) are read on the first call.  Returns -1 once the parser has stopped for
 * good (unsafe document, size cap): the transfer should then be aborted.
 */
int pw_poll_data(struct pw_poll *p, const char *content_type, const char *base_url, const char *data, size_t len);

/* Result of parsing, after pw_poll_finish(). */
struct pw_poll_parse {
	int parsed;              /* 1 when a body was seen at all */
	int status;              /* enum pw_feed_status */
	const char *error;       /* parser's reason, "" when fine */
	size_t nitems;           /* items recovered from the document */
	const char *title, *link, *language; /* from the feed document, or NULL */
	int ttl_s;               /* ttl / sy:updatePeriod hint, 0 = none */
};
/*
 * Ends parsing (idempotent).  complete = 1 when the body arrived whole (or the parser itself
 * stopped): the parser is finished and may recover a broken tail.  complete = 0 after a
 * transfer error (truncated, size cap, timeout): only the items whose closing tag had arrived
 * are kept, never a half-received one.  The returned strings live as long as p.
 */
const struct pw_poll_parse *pw_poll_finish(struct pw_poll *p, int complete);

/*
 * Writes, as one unit of the batch's transaction, the new items recovered by the parser (if
 * any), then `state` (the feed's poll state as the scheduler computed it).  Items are kept even
 * when the poll as a whole failed later (truncated body, size cap): what was parsed is whole.
 * Sets *new_items (written into the transaction, not yet committed).
 * When max_items_per_poll left new items out, state->etag and state->last_modified are freed
 * and set to NULL (also in the store), so the next poll cannot be answered with a 304.
 *
 * New items whose feed entry's text is final (pw_entry_final(): [articles] fetch = no, no
 * http(s) link, skip_if_content) are written finished (article_status "skipped", the entry's
 * text as body, story, tags, alert: pw_item_finish()) in this same unit.
 *
 * done(arg, committed) runs exactly once: after the batch's COMMIT (committed = 1; the new
 * ids that need their page have gone to the article stage), or after a rollback of the batch (0: nothing of this
 * poll is in the store).  It may run before pw_poll_store() returns (a failed write, the
 * batch's size cap), and otherwise later from the event loop -- so it must not rely on p.
 * Returns 0 when the poll is in the transaction, -1 when a write failed (logged; the batch was
 * rolled back and done(arg, 0) has run), 1 when the store is locked by another connection: the
 * poll's entries (taken from p) and state wait in memory and are written when the lock goes
 * (batch.h; *new_items is then the number of new entries as read now).
 */
int pw_poll_store(struct pw_poll *p, struct pw_feed_state *state, size_t *new_items, pw_batch_done_fn done,
		  void *arg);

#endif
