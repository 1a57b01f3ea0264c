/*
 * store.h -- the presswatch store: feeds, items, stories, tags, alerts.
 *
 * Backend-neutral contract: callers speak in operations ("insert item", "save feed state"),
 * never in SQL, so that a PostgreSQL backend can implement the same header later.  The SQLite
 * backend (store.c) uses WAL, a busy timeout, prepared statements only, and migrations through
 * PRAGMA user_version (each step in its own transaction).
 *
 * Transactions: pw_store_begin()/pw_store_commit() bracket one batch (the daemon groups the
 * polls and article updates of a short window into one: daemon/batch.h).  Every write function
 * below must be called inside a transaction; nothing is visible to readers until commit, so a
 * crash never leaves a half-written item.
 *
 * Errors: functions return 0 (or a positive count/id) on success and -1 on failure, after
 * filling the store's error string (pw_store_error()) and logging one line.
 *
 * Strings passed in are copied by SQLite; strings handed out in structs are owned by the
 * struct and freed by the matching *_clear() function.
 */
#ifndef PW_STORE_H
#define PW_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

struct pw_store;

enum pw_store_mode {
	PW_STORE_RW = 0,  /* daemon: creates and migrates the database */
	PW_STORE_RO = 1,  /* CLI: read-only, works while the daemon writes; never creates or migrates */
};

/* Current schema version written to PRAGMA user_version. */
int pw_store_schema_version(void);

/*
 * Opens (and in RW mode creates/migrates) the database.  On failure returns NULL and writes a
 * one-line reason naming the file to err: missing file (RO), not a database / corrupt,
 * locked, or "database schema version N is newer than this presswatch (M)" -- in which case
 * nothing is touched.
 */
struct pw_store *pw_store_open(const char *path, enum pw_store_mode mode, char *err, size_t errlen);
void pw_store_close(struct pw_store *s);
const char *pw_store_error(const struct pw_store *s);
const char *pw_store_path(const struct pw_store *s);

/*
 * Page cache of the connection, in bytes (rounded down to KiB): [store] cache_size.  The open
 * sets 12 MiB (store.c says why); may be called at any time, also inside a transaction.
 * -1 (error string set) outside PW_STORE_CACHE_MIN..PW_STORE_CACHE_MAX.
 */
#define PW_STORE_CACHE_DEFAULT ((size_t)12 * 1024 * 1024)
#define PW_STORE_CACHE_MIN ((size_t)1024 * 1024)
#define PW_STORE_CACHE_MAX ((size_t)2 * 1024 * 1024 * 1024)
int pw_store_set_cache_size(struct pw_store *s, size_t bytes);

int pw_store_begin(struct pw_store *s);
int pw_store_commit(struct pw_store *s);
int pw_store_rollback(struct pw_store *s);

/*
 * Another connection holds the lock: 1 when the last failure of s was that the database is
 * busy or locked (SQLITE_BUSY / SQLITE_LOCKED after the busy wait), 0 otherwise.  A failed
 * begin, write or commit then means "try again later", not "the store is failing".
 */
int pw_store_busy(const struct pw_store *s);
/*
 * How long one statement waits for another connection's lock before failing busy, in ms
 * (<= 0: the default of 5 s, which the open sets).  The daemon's event loop sets a few tens of
 * ms and retries from a timer (daemon/batch.h): a busy failure is then logged at debug level
 * only, since the caller reports the lock itself.  0 or -1.
 */
int pw_store_set_busy_wait(struct pw_store *s, int ms);

/* --- feeds ------------------------------------------------------------------------------ */
struct pw_feed_state {
	int64_t id;
	char *name;          /* stable id: the config section name */
	char *url;           /* current URL (a 301/308 chain updates it) */
	char *outlet;        /* display name */
	char *title, *site_url, *lang;  /* from the feed document */
	int64_t interval_s;  /* configured interval (0 = default) */
	int64_t ttl_s;       /* last ttl/sy:updatePeriod hint, 0 = none */
	char *etag, *last_modified;
	int last_status;     /* HTTP status of the last poll, 0 = transport error / never */
	char *last_error;    /* NULL when the last poll was fine */
	int64_t last_polled, next_poll;  /* PW_NOTIME when never */
	int fail_count;
	int enabled;
};
void pw_feed_state_clear(struct pw_feed_state *f);

/*
 * Makes the store's feed row for config feed `name` match the config (url, outlet, interval,
 * enabled), keeping its poll state.  A feed whose configured URL changed gets the new URL;
 * a URL changed by a permanent redirect is kept while the configured URL is unchanged
 * (conf_url is remembered for that).  Returns the feed id, or -1.
 */
int64_t pw_store_feed_sync(struct pw_store *s, const char *name, const char *conf_url,
			   const char *outlet, int64_t interval_s, int enabled);
/* Disables feeds whose name is not in names[] (they vanished from the config).  Returns the
 * number of feeds disabled, or -1. */
int pw_store_feed_disable_others(struct pw_store *s, char *const *names, size_t n);
/* Loads one feed by id / by name into *out (cleared first).  1 found, 0 not found, -1 error. */
int pw_store_feed_get(struct pw_store *s, int64_t id, struct pw_feed_state *out);
int pw_store_feed_get_by_name(struct pw_store *s, const char *name, struct pw_feed_state *out);
/* All feeds (enabled or not), ordered by name, into *feeds (caller frees with
 * pw_store_feed_list_free).  0 or -1. */
int pw_store_feed_list(struct pw_store *s, struct pw_feed_state **feeds, size_t *n);
void pw_store_feed_list_free(struct pw_feed_state *feeds, size_t n);
/* Saves the poll state fields (url, title, site_url, lang, ttl_s, etag, last_modified,
 * last_status, last_error, last_polled, next_poll, fail_count) of f->id. */
int pw_store_feed_save(struct pw_store *s, const struct pw_feed_state *f);

/* --- items ------------------------------------------------------------------------------ */
struct pw_item {
	int64_t id;          /* set by insert */
	int64_t feed_id;
	const char *guid;    /* with feed_id: unique */
	const char *url, *canonical_url, *title, *author, *summary, *body, *lang;
	const char *article_status;  /* NULL = not fetched yet; "ok", "not-html", "too-large",
					"http-error", "timeout", "extract-failed", "skipped" */
	int64_t published;   /* PW_NOTIME when unknown */
	int64_t fetched;     /* when presswatch first saw it */
	int64_t story_id;    /* 0 = not assigned yet */
	int64_t dup_of;      /* 0 = original */
	int article_attempts;  /* read back by pw_store_item_get; insert stores 0 */
	int64_t next_attempt;  /* read back by pw_store_item_get (PW_NOTIME = none); insert: none */
};

/* 1 when (feed_id, guid) is already stored, 0 when not, -1 on error. */
int pw_store_item_exists(struct pw_store *s, int64_t feed_id, const char *guid);
/*
 * Inserts a new item; sets it->id.  Returns 1 when inserted, 0 when (feed_id, guid) already
 * existed (nothing changed; it->id is then the stored item's id), -1 on error.  fetched
 * PW_NOTIME means now.  Keeps items_fts in sync.
 * The stored canonical_url is pw_url_canonical() (url.h) of it->canonical_url (the page's
 * canonical link, when known), else of it->url, else NULL: the copies of one article reached
 * under different URLs (utm_* parameters, fragments, ...) share it.
 */
int pw_store_item_insert(struct pw_store *s, struct pw_item *it);
/* Updates the article fields of item id after a page fetch (NULLs leave a field unchanged,
 * except body which is always written when non-NULL).  canonical_url is stored in its
 * pw_url_canonical() form; one without a canonical form leaves the stored one.  Keeps
 * items_fts in sync. */
int pw_store_item_set_article(struct pw_store *s, int64_t id, const char *status, const char *body,
			      const char *canonical_url, const char *author, const char *lang,
			      int64_t published, int attempts, int64_t next_attempt);
int pw_store_item_set_story(struct pw_store *s, int64_t id, int64_t story_id, int64_t dup_of);
/* Item ids whose article is still due (status NULL or retryable error with attempts < max and
 * next_attempt <= now), oldest first, at most `limit`.  *ids is owned by the caller. */
int pw_store_items_pending_articles(struct pw_store *s, int64_t now, int max_attempts, size_t limit,
				   int64_t **ids, size_t *n);
/* Reads item id into *out, whose strings are then malloc'd copies owned by *out: release them
 * with pw_store_item_clear() (only for items filled this way).  1 found, 0 not found, -1 error. */
int pw_store_item_get(struct pw_store *s, int64_t id, struct pw_item *out);
void pw_store_item_clear(struct pw_item *it);
/* The article already fetched under url's canonical form: the earliest other item (id !=
 * except_id) with that canonical_url and article_status "ok", read into *out as by
 * pw_store_item_get().  1 found, 0 none (or url has no canonical form), -1 error.  Sees the
 * open transaction's own writes. */
int pw_store_item_find_article(struct pw_store *s, const char *url, int64_t except_id, struct pw_item *out);
/* Total stored items (all feeds), or -1. */
int64_t pw_store_item_count(struct pw_store *s);

/* --- tags ------------------------------------------------------------------------------- */
/* Tag strings are "topic:karabakh", "feed:oc-media", "lang:en", "statement", ... */
int pw_store_tag_add(struct pw_store *s, int64_t item_id, const char *tag);

#endif
