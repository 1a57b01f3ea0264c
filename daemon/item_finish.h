/*
 * item_finish.h -- writing an item once its text is known: article fields, story, tags, alert.
 *
 * The one place that turns an item's article outcome into rows, for both writers:
 *   - the article stage (article.c), after a page fetch, a failed attempt, or no fetch at all
 *     (an item pending from an earlier run, the queue full): UPDATE of the stored row;
 *   - the poll (pipeline.c), for a new item whose feed entry already holds its final text
 *     (pw_entry_final()): the row is INSERTed in its final state inside the poll's
 *     transaction, grouped and tagged there, and never goes to the article stage -- no
 *     read-back, no second UPDATE of the row, no queue.
 * Either way the stored row, its story, tags and alert are the same.
 *
 * No transaction handling here: the caller has a unit of the daemon's batch open (batch.h)
 * and ends it with ok = 0 when this fails.
 */
#ifndef PW_ITEM_FINISH_H
#define PW_ITEM_FINISH_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "store.h"
#include "store_dedup.h"

struct pw_alerter;
struct pw_article;

struct pw_finish_ctx {
	struct pw_store *store;
	const struct pw_config *cfg;     /* [dedup] settings */
	struct pw_alerter *alerter;      /* tags and alerts; NULL: none */
};

struct pw_finish_outcome {
	const char *status;              /* "ok", "skipped", or the error kind */
	const char *text;                /* the body to store (plain text) */
	const struct pw_article *art;    /* extraction result, or NULL */
	int attempts;                    /* article_attempts to store */
	int64_t next_attempt;            /* PW_NOTIME: no retry */
	int final;                       /* group and alert now (else: tags only, retry later) */
	/* the dedup stage's pure part, made from this title and text off the loop (worker
	 * thread), or NULL: pw_item_finish makes it.  Not owned. */
	const struct pw_dedup_prep *prep;
};

/* What a finished item added, for the stage's counters (count them once committed). */
struct pw_finish_result {
	int new_story;                   /* it started a story */
	int alerted;                     /* an alert was recorded (emit after the commit) */
};

enum pw_finish_mode {
	PW_FINISH_UPDATE,                /* the item is stored (it->id): update its article fields */
	PW_FINISH_INSERT                 /* a new item (it->id unset): insert it in its final state */
};

/*
 * The feed entry's text (owned: free it): its content, else its summary, whichever is longer,
 * as plain text; *chars its length in characters.  Before the article stage body holds the
 * feed's content as HTML (article_status NULL); after a failed attempt it is already text.
 */
char *pw_entry_text(const struct pw_item *it, size_t *chars);

/*
 * When no article page will replace the feed entry's text: [articles] fetch = no, no http(s)
 * link, or an entry that was never attempted and carries skip_if_content characters.  Returns
 * the entry's text (owned, as pw_entry_text()) with *why set to the reason, or NULL when the
 * item needs its page.  The article stage and the poll decide with this one rule.
 */
char *pw_entry_final(const struct pw_config *cfg, const struct pw_item *it, const char **why);

/* The title grouping and tags use: the item's, else the page's (art may be NULL). */
const char *pw_finish_title(const struct pw_item *it, const struct pw_article *art);

/*
 * Writes item `it` with outcome `o` inside the caller's open transaction: the article fields
 * (UPDATE, or the whole row for PW_FINISH_INSERT: then `o` must be a first outcome, attempts 0
 * and no next_attempt, which is what an insert stores), then, when o->final and the item has
 * no story yet, pw_dedup_assign(), then pw_alert_item() (tags; the story's alert when due).
 * The row's title is it->title; grouping and tags use the page's title when it has none.
 * Returns 1 when written (*res filled; with PW_FINISH_INSERT it->id is set), 0 with
 * PW_FINISH_INSERT when (feed, guid) is already stored (nothing written), -1 on a store error
 * (logged by the caller: roll back).
 */
int pw_item_finish(const struct pw_finish_ctx *c, struct pw_item *it, const char *feed_name,
		   const struct pw_finish_outcome *o, enum pw_finish_mode mode, int64_t now,
		   struct pw_finish_result *res);

/*
 * An item's outcome kept whole, to be written now or later (a unit of the daemon's batch waits
 * while the store is locked, and may be written again after a rollback: batch.h).  Owns copies
 * of everything pw_item_finish() reads: the item (its strings), the feed name, the outcome (its
 * strings and article).  Writing it twice from the committed store writes the same rows.
 */
struct pw_finish_job {
	struct pw_item it;               /* strings owned (freed as pw_store_item_clear() does) */
	char *feed_name;
	struct pw_finish_outcome o;      /* status, text owned; art points at art below or is NULL */
	struct pw_article *art;          /* owned copy, or NULL */
	struct pw_dedup_prep *prep;      /* owned (pw_finish_job_new's prep argument), or NULL;
					  * freed by the first pw_finish_job_write */
	int64_t now;
};
/* prep: o's title and text's dedup prep, malloc'd, which the job takes (o->prep is ignored),
 * or NULL. */
struct pw_finish_job *pw_finish_job_new(const struct pw_item *it, const char *feed_name,
					const struct pw_finish_outcome *o, struct pw_dedup_prep *prep, int64_t now);
/* pw_item_finish(c, job's item, ..., PW_FINISH_UPDATE, job's now, res): the same returns. */
int pw_finish_job_write(struct pw_finish_job *j, const struct pw_finish_ctx *c, struct pw_finish_result *res);
void pw_finish_job_free(struct pw_finish_job *j);

#endif
