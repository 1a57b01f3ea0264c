/*
 * store_alerts.h -- tags, speakers and alerts in the store.
 *
 * Same rules as store.h: write functions run inside pw_store_begin()/pw_store_commit(); 0 (or a
 * count / id) on success, -1 with pw_store_error() set.  Structs handed out own their strings
 * and are freed with pw_store_alerts_free().
 *
 * Crash consistency of alerts: pw_store_alert_record() runs in the item's transaction, so an
 * alert exists exactly when its item does.  The alert log line is written after commit, and
 * the alert is then marked emitted; on start the daemon re-emits alerts that are recorded but
 * not marked (daemon/alert.c checks the log tail first, so a crash between the log write and
 * the mark does not double the line).
 */
#ifndef PW_STORE_ALERTS_H
#define PW_STORE_ALERTS_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "tag.h"

/*
 * Stores what the tagger found for one item: "topic:NAME" for every matched topic,
 * "statement" when it is one, "feed:FEED" and "lang:LANG" (when given), and its speakers.
 * Re-tagging the same item adds what is new and keeps what is there.
 */
int pw_store_item_tags_save(struct pw_store *s, int64_t item_id, const struct pw_tag_result *r,
			    const char *feed_name, const char *lang);
int pw_store_speaker_add(struct pw_store *s, int64_t item_id, const char *name);

/* Speakers of an item, in the order stored (*names owned by the caller: free each and the array). */
int pw_store_item_speakers(struct pw_store *s, int64_t item_id, char ***names, size_t *n);

struct pw_alert {
	int64_t id;
	int64_t item_id;
	int64_t story_id;     /* 0 when the item had no story (then it is its own) */
	int64_t created;
	char *topics;         /* alerting topics, comma-separated ("karabakh,ua-elections") */
	char *snippet;        /* may be NULL */
	int emitted;          /* the log line was written */
	/* from the item and its feed */
	char *feed;           /* feed name (config id) */
	char *outlet;
	char *title, *url;
	int64_t published;
	char **speakers;
	size_t nspeakers;
};

/*
 * Records the alert of a story (one per story: the alerts table is UNIQUE on story_id).
 * Returns 1 and sets *alert_id when recorded, 0 when the story already has its alert, -1.
 */
int pw_store_alert_record(struct pw_store *s, int64_t item_id, int64_t story_id,
			  const char *topics, const char *snippet, int64_t created, int64_t *alert_id);
/* 1 when the story already alerted, 0 when not, -1 on error. */
int pw_store_story_alerted(struct pw_store *s, int64_t story_id);
/* Marks an alert's log line as written.  Runs in its own transaction when called outside one. */
int pw_store_alert_mark_emitted(struct pw_store *s, int64_t alert_id);

/*
 * Alerts with id > after_id and created >= since (PW_NOTIME: any time), oldest first, at most
 * limit (0 = no limit); only those not yet emitted when unemitted_only.  *out is owned by the
 * caller: pw_store_alerts_free(*out, *n).  Works on a read-only store.
 */
int pw_store_alerts_list(struct pw_store *s, int64_t after_id, int64_t since, size_t limit,
			 int unemitted_only, struct pw_alert **out, size_t *n);
void pw_store_alerts_free(struct pw_alert *a, size_t n);

#endif
