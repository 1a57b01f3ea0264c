/*
 * alert.h -- tagging of stored items and the alerts they raise.
 *
 * A story alerts at most once: on the first of its items that matches a topic with
 * alert = yes and reports an official's statement, and only when that item is new (first seen
 * within [alerts] max_age of its publication; an item without a date counts as new).  The
 * alert lists every alerting topic the item matched.
 *
 * How the pipeline uses it, per item, once its article text and story are known:
 *
 *	pw_store_begin(s);
 *	... pw_store_item_set_article(), pw_store_item_set_story() ...
 *	pw_alert_item(alerter, s, &item, feed_name, now);   // tags + records the alert
 *	pw_store_commit(s);
 *	pw_alert_flush(alerter, s);                          // writes what was recorded
 *
 * (In the daemon the transaction is the group commit's, daemon/batch.h, and pw_alert_flush()
 * is its on_commit hook, run after each COMMIT that recorded an alert.)
 *
 * pw_alert_flush() appends one JSON line per alert to the alert log (O_APPEND, mode 0640,
 * fsync'd), sends one syslog line (LOG_NOTICE, [log] syslog_facility), starts [alerts] command
 * with the JSON on stdin (no shell; killed after command_timeout), and marks the alert emitted.
 * An alert recorded but not emitted (crash, log not writable) is emitted by the next flush;
 * pw_alert_recover() at start first looks for its line in the log's tail, so a crash between
 * the write and the mark does not double it.
 *
 * JSON line keys: alert_id, time, topic (the first), topics, story_id, item_id, feed, outlet,
 * title, url, published, speakers, snippet.
 */
#ifndef PW_ALERT_H
#define PW_ALERT_H

#include <stdint.h>

#include "config.h"
#include "store.h"
#include "tag.h"

struct pw_alerter;

/*
 * Compiles cfg's topics and speakers and opens the alert log (when [alerts] log is set).  An
 * alert log that cannot be opened is logged and retried at every flush (alerts wait in the
 * store); topics that do not compile are an error: NULL with the reason in err.
 * cfg is not kept.
 */
struct pw_alerter *pw_alerter_new(const struct pw_config *cfg, char *err, size_t errlen);
/* Waits for running alert commands (bounded), closes the log. */
void pw_alerter_free(struct pw_alerter *a);
/* SIGHUP: new topics, speakers and [alerts] settings; the log is reopened.  On error the old
 * rules stay and -1 is returned with err filled. */
int pw_alerter_reload(struct pw_alerter *a, const struct pw_config *cfg, char *err, size_t errlen);
/* Reopens the alert log (logrotate).  0, or -1 when it cannot be opened (logged). */
int pw_alert_reopen(struct pw_alerter *a);

/* The compiled topic rules (for callers that only tag). */
const struct pw_tagger *pw_alerter_tagger(const struct pw_alerter *a);

/*
 * Inside the item's transaction: tags it (topics, statement, feed:NAME, lang:xx, speakers)
 * and records its story's alert when due.  The text is the body when the article stage has
 * run (article_status set: plain text), else the feed's content or summary (HTML, converted).
 * No alert is recorded while it->story_id is 0: call it again once dedup has set the story
 * (tags are only ever added).  Returns 1 when an alert
 * was recorded (call pw_alert_flush() after the commit), 0 when not, -1 on a store error (roll
 * back).  `now` is the current time; it->fetched (when set) is when the item was first seen.
 */
int pw_alert_item(struct pw_alerter *a, struct pw_store *s, const struct pw_item *it,
		  const char *feed_name, int64_t now);
/* Same, with the tagging already done by the caller. */
int pw_alert_maybe(struct pw_alerter *a, struct pw_store *s, const struct pw_item *it,
		   const struct pw_tag_result *r, int64_t now);

/* After a commit: emits every recorded, not yet emitted alert.  Returns how many were
 * emitted, or -1 when the log could not be written (they stay pending). */
int pw_alert_flush(struct pw_alerter *a, struct pw_store *s);
/* At start: like flush, but alerts whose line is already in the log are only marked. */
int pw_alert_recover(struct pw_alerter *a, struct pw_store *s);

/* Reaps finished alert commands and kills those past their timeout; call it from a periodic
 * timer (flush calls it too). */
void pw_alert_reap(struct pw_alerter *a);

/* Tests: syslog lines go to this hook instead of syslog(3) (NULL restores syslog). */
typedef void (*pw_alert_syslog_fn)(int priority, const char *line, void *arg);
void pw_alert_set_syslog_hook(struct pw_alerter *a, pw_alert_syslog_fn fn, void *arg);

#endif
