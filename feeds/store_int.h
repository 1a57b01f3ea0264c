/*
 * store_int.h -- internals of the SQLite store, for the store_*.c modules only
 * (store_dedup.c, store_alerts.c, store_query.c, ...).  Code outside feeds/store*.c speaks
 * store.h, never SQL.
 *
 * Schema (see the migrations in store.c for the exact DDL; PRAGMA user_version = version):
 *   feeds(id, name UNIQUE, url, conf_url, outlet, title, site_url, lang, interval_s, ttl_s,
 *         etag, last_modified, last_status, last_error, last_polled, next_poll, fail_count, enabled)
 *   items(id, feed_id, guid, url, canonical_url, title, author, published, fetched, summary,
 *         body, lang, article_status, article_attempts, next_attempt, story_id, dup_of,
 *         minhash BLOB, UNIQUE(feed_id, guid))
 *   stories(id, first_item, first_seen, last_seen, item_count, title)
 *   tags(item_id, tag, PRIMARY KEY(item_id, tag)) WITHOUT ROWID
 *   lsh(band, key, item_id, PRIMARY KEY(band, key, item_id)) WITHOUT ROWID
 *   alerts(id, item_id, story_id UNIQUE, topic, created)
 *   items_fts: FTS5, external content = items, columns (title, body, summary) -- body is
 *         column 1 as in DESIGN.md, summary was added so that items whose article was never
 *         fetched are still found.  Triggers on items keep it in sync: write items only.
 * Times are INTEGER seconds UTC, NULL when unknown (PW_NOTIME in C).  0 ids are NULL.
 *
 * Adding tables or columns: append a step to the migrations[] array in store.c (never edit
 * a step that is on main), and bump nothing else -- the version is the array's length.
 */
#ifndef PW_STORE_INT_H
#define PW_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

sqlite3 *pw_store_db(struct pw_store *s);

/*
 * The prepared statement for sql, prepared on first use and cached for the life of the
 * handle (keyed by the SQL text).  Returned reset with bindings cleared.  When done with it,
 * sqlite3_reset() it (pw_store_step_done() does): a SELECT left mid-way keeps a read snapshot
 * open.  NULL on error (error string set and logged).
 */
sqlite3_stmt *pw_store_stmt(struct pw_store *s, const char *sql);

/* Steps a statement that returns no rows and resets it: 0, or -1 with error set ("what" names
 * the operation in the message). */
int pw_store_step_done(struct pw_store *s, sqlite3_stmt *st, const char *what);

/* Sets the error string to "PATH: what: <sqlite message>", logs it, returns -1. */
int pw_store_fail(struct pw_store *s, const char *what);
/* Same with a message of the caller's own. */
int pw_store_failf(struct pw_store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* 1 inside pw_store_begin()/commit.  Write functions check it: writes outside a batch would
 * autocommit one by one. */
int pw_store_in_tx(const struct pw_store *s);
/* -1 (with error "what: called outside a transaction") unless in a transaction. */
int pw_store_require_tx(struct pw_store *s, const char *what);

/* Where a read-write handle keeps its dedup cache (store_dedup_cache.h); NULL for a read-only
 * handle, which never caches. */
struct pw_dedup_cache **pw_store_dcache_slot(struct pw_store *s);

/* Binding helpers: NULL for PW_NOTIME / 0 id / NULL string. */
int pw_store_bind_time(sqlite3_stmt *st, int idx, int64_t t);
int pw_store_bind_id(sqlite3_stmt *st, int idx, int64_t id);
int pw_store_bind_str(sqlite3_stmt *st, int idx, const char *s);
/* Column helpers: PW_NOTIME / 0 for NULL; a malloc'd copy or NULL (caller frees). */
int64_t pw_store_column_time(sqlite3_stmt *st, int col);
int64_t pw_store_column_id(sqlite3_stmt *st, int col);
char *pw_store_column_strdup(sqlite3_stmt *st, int col);

#endif
