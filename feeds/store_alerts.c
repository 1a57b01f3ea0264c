/*
 * store_alerts.c -- tags, speakers and alerts in the SQLite store (contract: store_alerts.h).
 *
 * Tables: tags (base schema), alerts (base schema + the `emitted` and `snippet` columns) and
 * speakers(item_id, name) -- the last three added by the "alerts: emitted flag, snippet,
 * speakers" migration step in store.c.
 */
#include <stdlib.h>
#include <string.h>

#include "store_alerts.h"
#include "store_int.h"
#include "xmalloc.h"

int pw_store_speaker_add(struct pw_store *s, int64_t item_id, const char *name)
{
	if (pw_store_require_tx(s, "add speaker") < 0)
		return -1;
	sqlite3_stmt *st = pw_store_stmt(s, "INSERT OR IGNORE INTO speakers(item_id, name) VALUES (?1, ?2)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, item_id);
	pw_store_bind_str(st, 2, name);
	return pw_store_step_done(s, st, "add speaker");
}

/*
 * Inserts tag PREFIX NAME with statement st, whose ?1 is bound to the item.  The tag is put
 * together in a stack buffer when it fits (nearly always) and bound without a copy; the caller
 * clears the bindings before the buffer goes away.
 */
static int tag_insert(struct pw_store *s, sqlite3_stmt *st, const char *prefix, const char *name)
{
	char small[256];
	size_t a = strlen(prefix), b = strlen(name);
	char *tag = a + b < sizeof(small) ? small : xmalloc(a + b + 1);
	memcpy(tag, prefix, a);
	memcpy(tag + a, name, b + 1);
	sqlite3_bind_text(st, 2, tag, -1, SQLITE_STATIC);
	int rc = pw_store_step_done(s, st, "tagging an item");
	sqlite3_bind_null(st, 2);
	if (tag != small)
		free(tag);
	return rc;
}

/* Every item is tagged once or twice as it is stored, so this is on the ingestion path: one
 * statement for all of the item's tags, no formatting or allocation per tag. */
int pw_store_item_tags_save(struct pw_store *s, int64_t item_id, const struct pw_tag_result *r,
			    const char *feed_name, const char *lang)
{
	if (pw_store_require_tx(s, "tagging an item") < 0)
		return -1;
	sqlite3_stmt *st = pw_store_stmt(s, "INSERT OR IGNORE INTO tags(item_id, tag) VALUES (?1, ?2)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, item_id);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < r->ntopics; i++)
		rc = tag_insert(s, st, "topic:", r->topics[i]);
	if (rc == 0 && r->statement)
		rc = tag_insert(s, st, "", "statement");
	if (rc == 0 && feed_name && *feed_name)
		rc = tag_insert(s, st, "feed:", feed_name);
	if (rc == 0 && lang && *lang)
		rc = tag_insert(s, st, "lang:", lang);
	for (size_t i = 0; rc == 0 && i < r->nspeakers; i++)
		rc = pw_store_speaker_add(s, item_id, r->speakers[i]);
	return rc < 0 ? -1 : 0;
}

int pw_store_item_speakers(struct pw_store *s, int64_t item_id, char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT name FROM speakers WHERE item_id = ?1 ORDER BY rowid");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, item_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*names = xreallocarray(*names, *n + 1, sizeof(**names));
		(*names)[(*n)++] = pw_store_column_strdup(st, 0);
	}
	if (rc != SQLITE_DONE) {
		pw_store_fail(s, "list speakers");
		sqlite3_reset(st);
		for (size_t i = 0; i < *n; i++)
			free((*names)[i]);
		free(*names);
		*names = NULL;
		*n = 0;
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

int pw_store_alert_record(struct pw_store *s, int64_t item_id, int64_t story_id,
			  const char *topics, const char *snippet, int64_t created, int64_t *alert_id)
{
	if (pw_store_require_tx(s, "record alert") < 0)
		return -1;
	/* emitted = 0 explicitly: the column's default (1) is for alerts older than the column */
	sqlite3_stmt *st = pw_store_stmt(s,
		"INSERT INTO alerts(item_id, story_id, topic, created, snippet, emitted) "
		"VALUES (?1, ?2, ?3, ?4, ?5, 0) ON CONFLICT(story_id) DO NOTHING");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, item_id);
	pw_store_bind_id(st, 2, story_id);
	pw_store_bind_str(st, 3, topics);
	pw_store_bind_time(st, 4, created);
	pw_store_bind_str(st, 5, snippet);
	if (pw_store_step_done(s, st, "record alert") < 0)
		return -1;
	sqlite3 *db = pw_store_db(s);
	if (sqlite3_changes(db) == 0)
		return 0;
	if (alert_id)
		*alert_id = sqlite3_last_insert_rowid(db);
	return 1;
}

int pw_store_story_alerted(struct pw_store *s, int64_t story_id)
{
	if (story_id == 0)
		return 0;
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT 1 FROM alerts WHERE story_id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, story_id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		pw_store_fail(s, "look up story alert");
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int pw_store_alert_mark_emitted(struct pw_store *s, int64_t alert_id)
{
	int own = !pw_store_in_tx(s);
	if (own && pw_store_begin(s) < 0)
		return -1;
	sqlite3_stmt *st = pw_store_stmt(s, "UPDATE alerts SET emitted = 1 WHERE id = ?1");
	int rc = -1;
	if (st) {
		sqlite3_bind_int64(st, 1, alert_id);
		rc = pw_store_step_done(s, st, "mark alert emitted");
	}
	if (own) {
		if (rc == 0)
			rc = pw_store_commit(s);
		else
			pw_store_rollback(s);
	}
	return rc;
}

void pw_store_alerts_free(struct pw_alert *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].topics);
		free(a[i].snippet);
		free(a[i].feed);
		free(a[i].outlet);
		free(a[i].title);
		free(a[i].url);
		for (size_t k = 0; k < a[i].nspeakers; k++)
			free(a[i].speakers[k]);
		free(a[i].speakers);
	}
	free(a);
}

int pw_store_alerts_list(struct pw_store *s, int64_t after_id, int64_t since, size_t limit,
			 int unemitted_only, struct pw_alert **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	/* Two constant statements: the pending ones (every flush, after every poll) come from the
	 * partial index alerts_pending instead of a scan of all alerts ('+' keeps the planner off
	 * the rowid range, which would visit every alert). */
#define ALERT_COLS "SELECT a.id, a.item_id, a.story_id, a.created, a.topic, a.snippet, a.emitted, " \
		   "       f.name, f.outlet, i.title, COALESCE(i.url, i.canonical_url), i.published " \
		   "FROM alerts a JOIN items i ON i.id = a.item_id LEFT JOIN feeds f ON f.id = i.feed_id "
	sqlite3_stmt *st = pw_store_stmt(s, unemitted_only ?
		ALERT_COLS "WHERE a.emitted = 0 AND +a.id > ?1 AND (?2 IS NULL OR +a.created >= ?2) "
			   "ORDER BY a.id LIMIT ?3" :
		ALERT_COLS "WHERE a.id > ?1 AND (?2 IS NULL OR a.created >= ?2) ORDER BY a.id LIMIT ?3");
#undef ALERT_COLS
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, after_id);
	pw_store_bind_time(st, 2, since);
	sqlite3_bind_int64(st, 3, limit ? (sqlite3_int64)limit : -1);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		struct pw_alert *a = &(*out)[(*n)++];
		memset(a, 0, sizeof(*a));
		a->id = sqlite3_column_int64(st, 0);
		a->item_id = sqlite3_column_int64(st, 1);
		a->story_id = pw_store_column_id(st, 2);
		a->created = pw_store_column_time(st, 3);
		a->topics = pw_store_column_strdup(st, 4);
		a->snippet = pw_store_column_strdup(st, 5);
		a->emitted = sqlite3_column_int(st, 6);
		a->feed = pw_store_column_strdup(st, 7);
		a->outlet = pw_store_column_strdup(st, 8);
		a->title = pw_store_column_strdup(st, 9);
		a->url = pw_store_column_strdup(st, 10);
		a->published = pw_store_column_time(st, 11);
	}
	if (rc != SQLITE_DONE)
		pw_store_fail(s, "list alerts");
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		pw_store_alerts_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	for (size_t i = 0; i < *n; i++)
		if (pw_store_item_speakers(s, (*out)[i].item_id, &(*out)[i].speakers, &(*out)[i].nspeakers) < 0) {
			pw_store_alerts_free(*out, *n);
			*out = NULL;
			*n = 0;
			return -1;
		}
	return 0;
}
