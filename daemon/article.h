/*
 * article.h -- the article stage: page fetch, extraction, dedup/story, tags and alert per item.
 *
 * After a poll commits its new items that need their page (article_status NULL), their ids
 * are handed to pw_articles_add().  Each item then goes through:
 *
 *   page fetch (the daemon's pw_fetcher: Accept text/html, [fetch] max_article_body, the feed's
 *   tls_verify, the fetcher's per-host and global limits) -> pw_html_extract() ->
 *   ONE unit of the daemon's transaction (batch.h): pw_item_finish() (item_finish.h:
 *   pw_store_item_set_article() -> pw_dedup_assign() (dup_of, story) -> pw_alert_item() (tags
 *   from the full text, the story's alert when due)) -> the batch's COMMIT -> pw_alert_flush()
 *   (the batch's on_commit hook).
 *
 * The same page under another link: one outlet's article often reaches the store through
 * several feeds (its main feed and a section's, each link with its own utm_* parameters or
 * fragment).  Before fetching, an item whose link has the canonical form (url.h) of a stored
 * item's canonical_url with status "ok" takes that item's text (status "ok", no fetch); dedup
 * then sees identical text, so the item is a near-duplicate (dup_of) of that one and joins its
 * story.  An item whose page is being fetched (or extracted) for another item waits for it and
 * then does the same; if that fetch fails, it fetches the page itself.  Counted as "reused".
 *
 * No page fetch ("skipped"): [articles] fetch = no, the feed entry already carries
 * skip_if_content characters of text, the item has no http(s) link (pw_entry_final()), or the
 * queue is full ([limits] max_queue counts waiting + running fetches).  The body is then the
 * feed entry's text, and the item is grouped, tagged and alerted at once.  A new item of the
 * first three kinds never comes here: the poll finishes it inside its own transaction
 * (pipeline.c) and counts it here once committed (pw_articles_count_skipped()); the stage
 * meets them only as items pending from an earlier run (pw_articles_resume()).
 *
 * A failed fetch (http-error, timeout, not-html, too-large, extract-failed) keeps the item with
 * the feed entry's text as body, logs one line (feed, URL, reason), and:
 *   - http-error and timeout are retried with exponential backoff (30 s, doubling, capped at
 *     [poll] max_backoff), [articles] retries times after the first attempt;
 *   - while a retry is due, the item is tagged from the feed text but NOT yet grouped or
 *     alerted: pw_dedup_assign() decides the story once and for good (document frequencies,
 *     story membership and centroid are counted), so deciding it from a one-line teaser when
 *     the full page is likely a minute away would fix a poor grouping -- and a teaser put in a
 *     story of its own could alert a second time for one event, the one thing the alerts must
 *     not do.  The cost is latency: an item whose page never loads is grouped and can alert
 *     after its last attempt (about 3.5 minutes with the defaults in the daemon; with --once
 *     from cron, at the run that makes the last attempt);
 *   - after the last attempt, and at once for not-html / too-large / extract-failed (retrying
 *     would give the same answer), the item is grouped and alerts from the feed entry's text.
 *
 * Batching: every finished item is one unit of the daemon's group commit (batch.h): it joins
 * the open transaction with the polls and other items of the last PW_BATCH_WINDOW_MS, and is
 * committed with them.  There is no per-item savepoint (FTS5 writes an index segment at each
 * one): when any write fails, the whole batch is rolled back (one log line) and its items keep
 * their old status, pending in the store; the rescan or the next run retries them.  Dedup and
 * alerts of an item see the earlier items of its batch (same connection, same transaction),
 * so a story still alerts once; alerts are emitted after the commit.  The stats count
 * committed items only.
 *
 * Restarts: nothing is written until an item's unit is committed, so an item whose fetch was
 * cancelled (shutdown) or lost (crash) still has its old status; pw_articles_resume() (at start,
 * and every RESCAN_S in the daemon for due retries) takes the store's pending list.
 */
#ifndef PW_ARTICLE_H
#define PW_ARTICLE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

struct event_base;
struct pw_fetcher;
struct pw_alerter;
struct pw_batch;
struct pw_articles;

struct pw_articles_ctx {
	struct event_base *base;
	struct pw_store *store;
	struct pw_batch *batch;      /* the transaction items are written in */
	struct pw_fetcher *fetcher;
	struct pw_alerter *alerter;  /* tags and alerts; NULL: none */
	int once;                    /* --once: no periodic rescan for retries */
	/* Called from the loop each time the stage becomes idle (nothing waiting or running). */
	void (*on_idle)(void *arg);
	void *arg;
};

/* cfg is borrowed; replace it with pw_articles_set_config() after a reload. */
struct pw_articles *pw_articles_new(const struct pw_articles_ctx *ctx, const struct pw_config *cfg);
/* Fetches must have been cancelled or finished (pw_fetcher_cancel_all) before. */
void pw_articles_free(struct pw_articles *a);
void pw_articles_set_config(struct pw_articles *a, const struct pw_config *cfg);

/* Queues newly committed items (a poll's new ids, after the batch's commit).  Ids already waiting or running
 * are ignored.  Items that find the queue full are finished at once from their feed entry. */
void pw_articles_add(struct pw_articles *a, const int64_t *ids, size_t n);
/* Queues the store's pending items (new, or with a retry due), as many as the queue takes.
 * Returns how many were queued, or -1 on a store error. */
int pw_articles_resume(struct pw_articles *a);
/* Shutdown: nothing new starts; items not yet fetched stay pending in the store. */
void pw_articles_stop(struct pw_articles *a);
/* 1 when nothing is waiting or running. */
int pw_articles_idle(const struct pw_articles *a);
/* Logs one summary line of the items committed since the last one, if any (the daemon calls
 * it after a commit that finds the stage idle: one line per burst of work, with the counts
 * of what is committed). */
void pw_articles_report(struct pw_articles *a);

struct pw_articles_stats {
	size_t queued;               /* waiting for a fetch slot, or for another item's fetch of their page */
	size_t running;              /* page fetches in flight */
	size_t extracting;           /* pages fetched, their text being extracted */
	int64_t ok, reused, skipped, failed, retrying;  /* items finished each way since the start */
	int64_t stories, alerts;                /* stories started, alerts recorded */
};
/* The counts for the daemon's sd_notify STATUS=. */
void pw_articles_stats(const struct pw_articles *a, struct pw_articles_stats *st);
/* Items the poll finished itself, committed (their feed entry's text was final: pipeline.c,
 * item_finish.h): counted as skipped here too, so the stats and the summary line cover every
 * new item as when each went through the stage. */
void pw_articles_count_skipped(struct pw_articles *a, int64_t items, int64_t stories, int64_t alerts);

#endif
