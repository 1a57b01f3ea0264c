/*
 * store.c -- the SQLite backend of store.h: opening, schema migrations, transactions, the
 * statement cache, feeds, items and tags.  Other tables' operations live in store_*.c files
 * that use store_int.h.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "log.h"
#include "store.h"
#include "store_dedup_cache.h"
#include "store_int.h"
#include "url.h"
#include "xmalloc.h"

/* PRAGMA application_id of presswatch stores ("PWst"): tells our database from another
 * application's SQLite file, which we must not migrate into. */
#define PW_APPLICATION_ID 0x50577374

#define BUSY_TIMEOUT_MS 5000

/*
 * Schema migrations.  APPEND ONLY: migrations[i] takes PRAGMA user_version from i to i + 1
 * and runs in its own transaction together with that bump.  Never edit or reorder a step
 * that has landed on main (databases out there have run it); add a new step instead.  The
 * schema version is the number of steps.
 */
struct migration {
	const char *sql;
};

static const struct migration migrations[] = {
	/* 1: the starting schema (DESIGN.md) */
	{ "PRAGMA application_id = 1347908468;\n" /* PW_APPLICATION_ID, checked by a test */
	  "CREATE TABLE feeds(\n"
	  "  id INTEGER PRIMARY KEY,\n"
	  "  name TEXT NOT NULL UNIQUE,            -- config section name: the stable identity\n"
	  "  url TEXT NOT NULL,                    -- current URL (permanent redirects update it)\n"
	  "  conf_url TEXT NOT NULL,               -- URL as configured\n"
	  "  outlet TEXT,\n"
	  "  title TEXT, site_url TEXT, lang TEXT,\n"
	  "  interval_s INTEGER NOT NULL DEFAULT 0,\n"
	  "  ttl_s INTEGER NOT NULL DEFAULT 0,\n"
	  "  etag TEXT, last_modified TEXT,\n"
	  "  last_status INTEGER NOT NULL DEFAULT 0,\n"
	  "  last_error TEXT,\n"
	  "  last_polled INTEGER, next_poll INTEGER,\n"
	  "  fail_count INTEGER NOT NULL DEFAULT 0,\n"
	  "  enabled INTEGER NOT NULL DEFAULT 1\n"
	  ");\n"
	  "CREATE TABLE stories(\n"
	  "  id INTEGER PRIMARY KEY,\n"
	  "  first_item INTEGER REFERENCES items(id) ON DELETE SET NULL,\n"
	  "  first_seen INTEGER NOT NULL,\n"
	  "  last_seen INTEGER NOT NULL,\n"
	  "  item_count INTEGER NOT NULL DEFAULT 0,\n"
	  "  title TEXT\n"
	  ");\n"
	  "CREATE TABLE items(\n"
	  "  id INTEGER PRIMARY KEY,\n"
	  "  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,\n"
	  "  guid TEXT NOT NULL,\n"
	  "  url TEXT, canonical_url TEXT, title TEXT, author TEXT,\n"
	  "  published INTEGER,\n"
	  "  fetched INTEGER NOT NULL,\n"
	  "  summary TEXT, body TEXT, lang TEXT,\n"
	  "  article_status TEXT,\n"
	  "  article_attempts INTEGER NOT NULL DEFAULT 0,\n"
	  "  next_attempt INTEGER,\n"
	  "  story_id INTEGER REFERENCES stories(id) ON DELETE SET NULL,\n"
	  "  dup_of INTEGER REFERENCES items(id) ON DELETE SET NULL,\n"
	  "  minhash BLOB,\n"
	  "  UNIQUE(feed_id, guid)\n"
	  ");\n"
	  "CREATE INDEX items_published ON items(published);\n"
	  "CREATE INDEX items_story ON items(story_id);\n"
	  "CREATE INDEX items_feed_fetched ON items(feed_id, fetched);\n"
	  "CREATE INDEX items_dup_of ON items(dup_of) WHERE dup_of IS NOT NULL;\n"
	  /* Items whose article page is still to be fetched: small, so the queue scan is cheap. */
	  "CREATE INDEX items_article_due ON items(id)\n"
	  "  WHERE article_status IS NULL OR article_status IN ('http-error', 'timeout', 'error');\n"
	  "CREATE TABLE tags(\n"
	  "  item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,\n"
	  "  tag TEXT NOT NULL,\n"
	  "  PRIMARY KEY(item_id, tag)\n"
	  ") WITHOUT ROWID;\n"
	  "CREATE INDEX tags_tag ON tags(tag, item_id);\n"
	  "CREATE TABLE lsh(\n"
	  "  band INTEGER NOT NULL,\n"
	  "  key INTEGER NOT NULL,\n"
	  "  item_id INTEGER NOT NULL,\n"
	  "  PRIMARY KEY(band, key, item_id)\n"
	  ") WITHOUT ROWID;\n"
	  "CREATE TABLE alerts(\n"
	  "  id INTEGER PRIMARY KEY,\n"
	  "  item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,\n"
	  "  story_id INTEGER NOT NULL UNIQUE REFERENCES stories(id) ON DELETE CASCADE,\n"
	  "  topic TEXT NOT NULL,\n"
	  "  created INTEGER NOT NULL\n"
	  ");\n"
	  "CREATE INDEX alerts_created ON alerts(created);\n"
	  "CREATE INDEX alerts_item ON alerts(item_id);\n"
	  "CREATE VIRTUAL TABLE items_fts USING fts5(title, body, summary,\n"
	  "  content='items', content_rowid='id', tokenize='unicode61 remove_diacritics 2');\n"
	  "CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN\n"
	  "  INSERT INTO items_fts(rowid, title, body, summary) VALUES (new.id, new.title, new.body, new.summary);\n"
	  "END;\n"
	  "CREATE TRIGGER items_fts_ad AFTER DELETE ON items BEGIN\n"
	  "  INSERT INTO items_fts(items_fts, rowid, title, body, summary)\n"
	  "    VALUES ('delete', old.id, old.title, old.body, old.summary);\n"
	  "END;\n"
	  "CREATE TRIGGER items_fts_au AFTER UPDATE OF title, body, summary ON items BEGIN\n"
	  "  INSERT INTO items_fts(items_fts, rowid, title, body, summary)\n"
	  "    VALUES ('delete', old.id, old.title, old.body, old.summary);\n"
	  "  INSERT INTO items_fts(rowid, title, body, summary) VALUES (new.id, new.title, new.body, new.summary);\n"
	  "END;\n" },
	/* 2: alerts -- `emitted` (the log line is written after the commit; alerts recorded but
	 *    not emitted are written at start; DEFAULT 1 so that rows older than the column count
	 *    as written, new rows insert 0), `snippet`; speakers found in each item (tag.c) */
	{ "ALTER TABLE alerts ADD COLUMN emitted INTEGER NOT NULL DEFAULT 1;\n"
	  "ALTER TABLE alerts ADD COLUMN snippet TEXT;\n"
	  "CREATE INDEX alerts_pending ON alerts(id) WHERE emitted = 0;\n"
	  "CREATE TABLE speakers(\n"
	  "  item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,\n"
	  "  name TEXT NOT NULL,\n"
	  "  UNIQUE(item_id, name)\n"
	  ");\n"
	  "CREATE INDEX speakers_name ON speakers(name);\n" },
	/* 3: item time as every listing sorts and filters by it (published, else first seen):
	 *    `presswatch items` on 200k items drops from a 0.5 s sort to an index walk */
	{ "CREATE INDEX items_time ON items(COALESCE(published, fetched));\n" },
	/* 4: the pending-alerts index of step 2 was on (id), which the planner skips in favour of
	 *    the rowid; on (emitted) the flush after every poll is an index search */
	{ "DROP INDEX alerts_pending;\n"
	  "CREATE INDEX alerts_pending ON alerts(emitted) WHERE emitted = 0;\n" },
	/* 5: near-duplicates and stories (store_dedup.c): the item's shingle count and a key of
	 *    its normalised title + day (the fallback for items too short for MinHash), story
	 *    centroids, document frequencies for IDF, and the inverted index of item signature
	 *    terms by time that finds candidate stories */
	{ "ALTER TABLE items ADD COLUMN shingles INTEGER;\n"
	  "ALTER TABLE items ADD COLUMN title_key INTEGER;\n"
	  "CREATE INDEX items_title_key ON items(title_key) WHERE title_key IS NOT NULL;\n"
	  "ALTER TABLE stories ADD COLUMN centroid BLOB;\n"
	  "ALTER TABLE stories ADD COLUMN centroid_items INTEGER NOT NULL DEFAULT 0;\n"
	  "CREATE TABLE term_df(\n"
	  "  term INTEGER PRIMARY KEY,             -- story.h term id\n"
	  "  df INTEGER NOT NULL\n"
	  ");\n"
	  "CREATE TABLE dedup_stats(\n"
	  "  name TEXT PRIMARY KEY,\n"
	  "  value INTEGER NOT NULL\n"
	  ") WITHOUT ROWID;\n"
	  "INSERT INTO dedup_stats(name, value) VALUES ('documents', 0);\n"
	  "CREATE TABLE story_terms(\n"
	  "  term INTEGER NOT NULL,\n"
	  "  t INTEGER NOT NULL,                   -- item time: published, else first seen\n"
	  "  item_id INTEGER NOT NULL,\n"
	  "  story_id INTEGER NOT NULL,\n"
	  "  PRIMARY KEY(term, t, item_id)\n"
	  ") WITHOUT ROWID;\n" },
	/* 6: each item's story vector (store_dedup.c compares a new item with the single items of
	 *    a candidate story, not only with its centroid) */
	{ "CREATE TABLE story_vecs(\n"
	  "  item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,\n"
	  "  vec BLOB NOT NULL                     -- story.h pw_story_vec_pack of the unit vector\n"
	  ");\n" },
	/* 7: an item is full-text indexed once its text is final -- when it gets its story (every
	 *    item does, after its article page or in place of it) -- at commit, in one statement
	 *    per transaction (store.c fts_flush), instead of by row triggers.  FTS5 writes its
	 *    pending terms as a new segment at every statement savepoint, so the triggers wrote a
	 *    segment (and merges) per INSERT and again per UPDATE of each item's body: ~20% of a
	 *    cold ingestion's CPU.  Whether a row is indexed is told by items_fts_docsize (one row
	 *    per indexed document): the update/delete triggers act on indexed rows only, and the
	 *    flush never indexes a row twice.  Rows without a story leave the index here and come
	 *    back with their final text.  Rows written by other programs are not indexed until
	 *    they get a story from presswatch ('rebuild' indexes everything). */
	{ "DROP TRIGGER IF EXISTS items_fts_ai;\n"
	  "DROP TRIGGER IF EXISTS items_fts_au;\n"
	  "DROP TRIGGER IF EXISTS items_fts_ad;\n"
	  "INSERT INTO items_fts(items_fts, rowid, title, body, summary)\n"
	  "  SELECT 'delete', id, title, body, summary FROM items\n"
	  "  WHERE story_id IS NULL AND id IN (SELECT id FROM items_fts_docsize);\n"
	  "CREATE TRIGGER items_fts_ad AFTER DELETE ON items\n"
	  "WHEN EXISTS (SELECT 1 FROM items_fts_docsize WHERE id = old.id) BEGIN\n"
	  "  INSERT INTO items_fts(items_fts, rowid, title, body, summary)\n"
	  "    VALUES ('delete', old.id, old.title, old.body, old.summary);\n"
	  "END;\n"
	  "CREATE TRIGGER items_fts_au AFTER UPDATE OF title, body, summary ON items\n"
	  "WHEN EXISTS (SELECT 1 FROM items_fts_docsize WHERE id = old.id) BEGIN\n"
	  "  INSERT INTO items_fts(items_fts, rowid, title, body, summary)\n"
	  "    VALUES ('delete', old.id, old.title, old.body, old.summary);\n"
	  "  INSERT INTO items_fts(rowid, title, body, summary) VALUES (new.id, new.title, new.body, new.summary);\n"
	  "END;\n" },
	/* 8: items.canonical_url holds pw_url_canonical() of the page's canonical link, else of
	 *    the item's link (written so by the item functions below), so that the copies of an
	 *    article reached under different URLs (utm_* parameters, fragments, ...) share it and
	 *    can be grouped by it.  Rows written before are rewritten to that form here
	 *    (pw_url_canonical is an SQL function of every handle: register_functions()).  The
	 *    partial index finds a page already fetched under a canonical URL
	 *    (pw_store_item_find_article), and costs nothing for items without their page. */
	{ "UPDATE items SET canonical_url = coalesce(pw_url_canonical(canonical_url), pw_url_canonical(url))\n"
	  "  WHERE canonical_url IS NOT coalesce(pw_url_canonical(canonical_url), pw_url_canonical(url));\n"
	  "CREATE INDEX IF NOT EXISTS items_canonical ON items(canonical_url) WHERE article_status = 'ok';\n" },
	/* 9: the LSH Bloom filter of store_dedup_cache.c, saved at close with the index version
	 *    (dedup_stats 'lsh_version') it holds every pair of, so that a restart loads it
	 *    instead of scanning the whole lsh table (2.4 s at a million items) */
	{ "CREATE TABLE IF NOT EXISTS lsh_filter(\n"
	  "  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
	  "  format INTEGER NOT NULL,              -- hashing of the bits (store_dedup_cache.c)\n"
	  "  version INTEGER NOT NULL,             -- dedup_stats 'lsh_version' it holds\n"
	  "  pairs INTEGER NOT NULL,\n"
	  "  nbits INTEGER NOT NULL,\n"
	  "  bits BLOB NOT NULL                    -- little-endian 64-bit words\n"
	  ");\n" },
	/* 10: retention (store_prune.c): the oldest items by first-seen time without a scan of
	 *    the table, and the stories a deleted item was the first of (the ON DELETE SET NULL
	 *    of stories.first_item looks them up; without an index every deleted item scanned all
	 *    stories) */
	{ "CREATE INDEX IF NOT EXISTS items_fetched ON items(fetched);\n"
	  "CREATE INDEX IF NOT EXISTS stories_first_item ON stories(first_item);\n" },
	/* append new steps here */
};

struct stmt_slot {
	uint64_t hash;
	char *sql;
	sqlite3_stmt *st;
};

struct pw_store {
	sqlite3 *db;
	char *path;
	enum pw_store_mode mode;
	int in_tx;
	int opening;        /* inside pw_store_open: failures go to its err, not to the log */
	int code;           /* primary SQLite result code of the last failure */
	int busy_quiet;     /* pw_store_set_busy_wait(): the caller retries a busy store itself */
	struct stmt_slot *stmts;
	size_t nstmts;
	struct pw_dedup_cache *dcache;  /* store_dedup_cache.c; NULL until first used */
	char err[1024];
};

int pw_store_schema_version(void)
{
	return (int)PW_ARRAY_SIZE(migrations);
}

sqlite3 *pw_store_db(struct pw_store *s) { return s->db; }
const char *pw_store_error(const struct pw_store *s) { return s->err; }
const char *pw_store_path(const struct pw_store *s) { return s->path; }
int pw_store_in_tx(const struct pw_store *s) { return s->in_tx; }
struct pw_dedup_cache **pw_store_dcache_slot(struct pw_store *s) { return s->mode == PW_STORE_RW ? &s->dcache : NULL; }

/* --- errors ------------------------------------------------------------------------- */

static int is_busy_code(int code)
{
	return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

/* Sets the error string; s->code is the failure's SQLite code (SQLITE_ERROR when none). */
static int vfail(struct pw_store *s, const char *fmt, va_list ap)
{
	char msg[768];
	vsnprintf(msg, sizeof msg, fmt, ap);
	snprintf(s->err, sizeof s->err, "%s: %s", s->path, msg);
	if (s->opening)
		return -1;
	/* a caller that retries a locked store itself logs the lock once, not every attempt */
	if (s->busy_quiet && is_busy_code(s->code))
		pw_debug("%s", s->err);
	else
		pw_err("%s", s->err);
	return -1;
}

static int failf_code(struct pw_store *s, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int failf_code(struct pw_store *s, int code, const char *fmt, ...)
{
	va_list ap;
	s->code = code & 0xff;
	va_start(ap, fmt);
	vfail(s, fmt, ap);
	va_end(ap);
	return -1;
}

int pw_store_failf(struct pw_store *s, const char *fmt, ...)
{
	va_list ap;
	s->code = SQLITE_ERROR;  /* not the code of some earlier failure: never taken for "busy" */
	va_start(ap, fmt);
	vfail(s, fmt, ap);
	va_end(ap);
	return -1;
}

int pw_store_fail(struct pw_store *s, const char *what)
{
	return failf_code(s, sqlite3_errcode(s->db), "%s: %s", what, sqlite3_errmsg(s->db));
}

int pw_store_busy(const struct pw_store *s)
{
	return is_busy_code(s->code);
}

int pw_store_set_busy_wait(struct pw_store *s, int ms)
{
	if (ms <= 0)
		ms = BUSY_TIMEOUT_MS;
	s->busy_quiet = ms < BUSY_TIMEOUT_MS;
	return sqlite3_busy_timeout(s->db, ms) == SQLITE_OK ? 0 : -1;
}

int pw_store_require_tx(struct pw_store *s, const char *what)
{
	if (s->in_tx)
		return 0;
	return pw_store_failf(s, "%s: called outside a transaction (use pw_store_begin)", what);
}

/* --- statement cache ----------------------------------------------------------------- */

static uint64_t hash_sql(const char *sql)
{
	uint64_t h = 1469598103934665603ull;  /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

sqlite3_stmt *pw_store_stmt(struct pw_store *s, const char *sql)
{
	uint64_t h = hash_sql(sql);
	for (size_t i = 0; i < s->nstmts; i++)
		if (s->stmts[i].hash == h && strcmp(s->stmts[i].sql, sql) == 0) {
			sqlite3_reset(s->stmts[i].st);
			sqlite3_clear_bindings(s->stmts[i].st);
			return s->stmts[i].st;
		}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		pw_store_fail(s, "preparing a statement");
		sqlite3_finalize(st);
		return NULL;
	}
	s->stmts = xreallocarray(s->stmts, s->nstmts + 1, sizeof *s->stmts);
	s->stmts[s->nstmts].hash = h;
	s->stmts[s->nstmts].sql = xstrdup(sql);
	s->stmts[s->nstmts].st = st;
	s->nstmts++;
	return st;
}

int pw_store_step_done(struct pw_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		pw_store_fail(s, what);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

int pw_store_bind_time(sqlite3_stmt *st, int idx, int64_t t)
{
	return t == PW_NOTIME ? sqlite3_bind_null(st, idx) : sqlite3_bind_int64(st, idx, t);
}

int pw_store_bind_id(sqlite3_stmt *st, int idx, int64_t id)
{
	return id == 0 ? sqlite3_bind_null(st, idx) : sqlite3_bind_int64(st, idx, id);
}

int pw_store_bind_str(sqlite3_stmt *st, int idx, const char *str)
{
	return str ? sqlite3_bind_text(st, idx, str, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, idx);
}

int64_t pw_store_column_time(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? PW_NOTIME : sqlite3_column_int64(st, col);
}

int64_t pw_store_column_id(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, col);
}

char *pw_store_column_strdup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? xstrdup((const char *)t) : NULL;
}

/* --- opening ------------------------------------------------------------------------- */

/* One integer from a PRAGMA or query; -1 on error with the sqlite code in *rc. */
static int64_t query_int(sqlite3 *db, const char *sql, int *rc)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;
	*rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (*rc == SQLITE_OK) {
		*rc = sqlite3_step(st);
		if (*rc == SQLITE_ROW) {
			v = sqlite3_column_int64(st, 0);
			*rc = SQLITE_OK;
		} else if (*rc == SQLITE_DONE) {
			*rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	return v;
}

/* Explains an sqlite failure at open in words a person can act on. */
static void explain(char *err, size_t errlen, const char *path, sqlite3 *db, int rc, const char *doing)
{
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		snprintf(err, errlen, "%s: not an SQLite database (%s); refusing to touch it", path, msg);
		break;
	case SQLITE_CORRUPT:
		snprintf(err, errlen,
			 "%s: database is corrupt (%s); left untouched -- restore it from a backup or move it aside",
			 path, msg);
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		snprintf(err, errlen, "%s: database is locked by another process (%s) after waiting %d ms",
			 path, msg, BUSY_TIMEOUT_MS);
		break;
	case SQLITE_CANTOPEN: {
		int e = db ? sqlite3_system_errno(db) : 0;
		snprintf(err, errlen, "%s: cannot open database: %s", path, e ? strerror(e) : msg);
		break;
	}
	default:
		snprintf(err, errlen, "%s: %s: %s", path, doing, msg);
	}
}

static int exec(struct pw_store *s, const char *sql, const char *what)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		failf_code(s, rc, "%s: %s", what, msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Runs the steps from the current user_version up, each in its own transaction. */
static int migrate(struct pw_store *s)
{
	int n = pw_store_schema_version();
	for (;;) {
		if (exec(s, "BEGIN IMMEDIATE", "starting a migration") < 0)
			return -1;
		/* Read the version under the write lock: another process may have migrated meanwhile. */
		int rc;
		int64_t v = query_int(s->db, "PRAGMA user_version", &rc);
		if (rc != SQLITE_OK || v < 0 || v > n) {
			if (rc != SQLITE_OK)
				pw_store_fail(s, "reading the schema version");
			else
				pw_store_failf(s, "database schema version %lld is newer than this presswatch (%d)",
					       (long long)v, n);
			exec(s, "ROLLBACK", "rollback");
			return -1;
		}
		if (v == n) {
			exec(s, "COMMIT", "commit");
			return 0;
		}
		char what[64], bump[64];
		snprintf(what, sizeof what, "migration to schema version %lld", (long long)v + 1);
		snprintf(bump, sizeof bump, "PRAGMA user_version = %lld", (long long)v + 1);
		if (exec(s, migrations[v].sql, what) < 0 || exec(s, bump, what) < 0 ||
		    exec(s, "COMMIT", what) < 0) {
			exec(s, "ROLLBACK", "rollback");
			return -1;
		}
		pw_info("%s: schema migrated to version %lld", s->path, (long long)v + 1);
	}
}

static void store_free(struct pw_store *s)
{
	for (size_t i = 0; i < s->nstmts; i++) {
		sqlite3_finalize(s->stmts[i].st);
		free(s->stmts[i].sql);
	}
	free(s->stmts);
	pw_dcache_free(s->dcache);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

/*
 * Checks what is in the file before anything writes to it: SQLite header, schema readable,
 * ours (or empty), not newer than we know.  Returns 0 or -1 with err filled.
 */
static int inspect(struct pw_store *s, char *err, size_t errlen)
{
	int n = pw_store_schema_version();
	int64_t version = -1, appid = -1, ntables = -1;
	/*
	 * One read transaction: read in separate transactions, the values could come from before
	 * and after another process's migration, and the file would look foreign.  Counting
	 * sqlite_schema parses page 1 and every CREATE statement, which catches a corrupt schema
	 * that the header-only PRAGMAs do not.
	 */
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db,
		"SELECT (SELECT user_version FROM pragma_user_version), "
		"(SELECT application_id FROM pragma_application_id), "
		"(SELECT count(*) FROM sqlite_schema)", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		version = sqlite3_column_int64(st, 0);
		appid = sqlite3_column_int64(st, 1);
		ntables = sqlite3_column_int64(st, 2);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK)
		rc = sqlite3_errcode(s->db);
	sqlite3_finalize(st);
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		s->code = rc & 0xff;
		explain(err, errlen, s->path, s->db, rc, "reading the database header");
		return -1;
	}
	if (appid != 0 && appid != PW_APPLICATION_ID) {
		snprintf(err, errlen, "%s: not a presswatch database (application_id %#llx); refusing to touch it",
			 s->path, (unsigned long long)appid);
		return -1;
	}
	if (version == 0 && ntables > 0 && appid != PW_APPLICATION_ID) {
		snprintf(err, errlen,
			 "%s: an SQLite database of another application (%lld schema objects, no presswatch schema); "
			 "refusing to touch it", s->path, (long long)ntables);
		return -1;
	}
	if (version > n) {
		snprintf(err, errlen,
			 "%s: database schema version %lld is newer than this presswatch (%d); "
			 "use a newer presswatch, nothing was changed", s->path, (long long)version, n);
		return -1;
	}
	if (s->mode == PW_STORE_RO && version < n) {
		if (version == 0)
			snprintf(err, errlen, "%s: empty database (presswatchd creates the schema on its first start)",
				 s->path);
		else
			snprintf(err, errlen,
				 "%s: database schema version %lld is older than this presswatch (%d); "
				 "start presswatchd once to migrate it", s->path, (long long)version, n);
		return -1;
	}
	return 0;
}

/* Everything after sqlite3_open: inspect, WAL, pragmas, migrations.  0, or -1 with err set
 * and s->code the SQLite result code behind the failure. */
static int fts_queue_setup(struct pw_store *s);

/* SQL pw_url_canonical(TEXT): url.h's canonical form, NULL when there is none (or for NULL). */
static void sql_url_canonical(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *u = (const char *)sqlite3_value_text(argv[0]);
	char *c = u ? pw_url_canonical(u) : NULL;
	if (c)
		sqlite3_result_text(ctx, c, -1, free);
	else
		sqlite3_result_null(ctx);
}

/* Functions of every handle: migration 8 needs pw_url_canonical(), and ad-hoc queries of
 * the CLI may use it. */
static int register_functions(struct pw_store *s, char *err, size_t errlen)
{
	int rc = sqlite3_create_function_v2(s->db, "pw_url_canonical", 1,
					    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
					    sql_url_canonical, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		s->code = rc & 0xff;
		explain(err, errlen, s->path, s->db, rc, "registering SQL functions");
		return -1;
	}
	return 0;
}

static int setup(struct pw_store *s, char *err, size_t errlen)
{
	if (register_functions(s, err, errlen) < 0 || inspect(s, err, errlen) < 0)
		return -1;
	/* From here on the file is known to be ours (or new): set it up. */
	if (s->mode == PW_STORE_RW) {
		sqlite3_stmt *jm = NULL;
		int rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &jm, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(jm);
		if (rc == SQLITE_ROW) {
			const char *m = (const char *)sqlite3_column_text(jm, 0);
			if (!m || strcmp(m, "wal") != 0) {
				snprintf(err, errlen, "%s: cannot switch the database to WAL mode (journal mode stays '%s'); "
					 "is it on a network file system?", s->path, m ? m : "?");
				sqlite3_finalize(jm);
				return -1;
			}
		} else {
			s->code = sqlite3_errcode(s->db) & 0xff;
			explain(err, errlen, s->path, s->db, sqlite3_errcode(s->db), "switching to WAL mode");
			sqlite3_finalize(jm);
			return -1;
		}
		sqlite3_finalize(jm);
	}
	/*
	 * synchronous = FULL: with WAL, each commit then costs one fsync of the WAL file.  NORMAL
	 * would keep the database consistent too (WAL never lets a crash corrupt it), but a power
	 * loss could drop the last commits -- among them an alert's row, which the alert log has
	 * already fsync'd, so the story could alert twice.  The daemon groups its writes (polls,
	 * article items) into one transaction per 250 ms window or 2,000 items (daemon/batch.h),
	 * four commits a second at most, so the fsync is cheap.
	 */
	/* journal_size_limit: after a checkpoint the WAL is truncated back to 64 MiB, so one burst
	 * (or a reader that held a snapshot for long) does not leave a huge -wal file behind.
	 * cache_size 12 MiB (SQLite's default is 2 MiB; [store] cache_size overrides it through
	 * pw_store_set_cache_size()): the dedup indexes (lsh, story_terms) are
	 * probed at random keys, and with 2 MiB a cold ingestion of 10,000 items re-read 571,000
	 * pages from the OS (bench corpus: 13.2 s -> 10.2 s wall).  Since the dedup cache
	 * (store_dedup_cache.h) keeps the hot terms and stories decoded, 12 MiB ingests as fast as
	 * 16 (feeds only, 1.93 vs 2.06-2.21 CPU s) and the first poll of 10,000 feeds peaks at
	 * 58 MB instead of 63 (target: under 64 MB).  It is a cap, reached only as the store grows.
	 * temp_store = MEMORY: in a transaction of many items each INSERT/UPDATE (FTS triggers,
	 * foreign keys) keeps a statement journal of the pages it changes, and past 64 KiB SQLite
	 * spills it to a temp file -- 460,000 pwrite calls (950 MB) for a cold start of 10,000
	 * items.  In memory it costs at most the pages one statement touches.
	 * wal_autocheckpoint = 8192 pages (32 MiB; SQLite's default is 1000): a group commit of
	 * the daemon writes ~1000 frames, so the default checkpointed after every commit and
	 * copied each hot index page back into the database each time; every 8192 frames a page
	 * rewritten by several commits is copied once (bench corpus, cold with articles: 494,000
	 * -> 312,000 pwrite calls, 488 -> 144 fdatasync).  Below journal_size_limit. */
	if (exec(s, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA journal_size_limit = 67108864; PRAGMA cache_size = -12288; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 8192;",
		 "setting pragmas") < 0 ||
	    (s->mode == PW_STORE_RW && (migrate(s) < 0 || fts_queue_setup(s) < 0))) {
		if (is_busy_code(s->code))
			snprintf(err, errlen, "%s: database is locked by another process after waiting %d ms",
				 s->path, BUSY_TIMEOUT_MS);
		else
			snprintf(err, errlen, "%s", s->err);
		return -1;
	}
	return 0;
}

int pw_store_set_cache_size(struct pw_store *s, size_t bytes)
{
	if (bytes < PW_STORE_CACHE_MIN || bytes > PW_STORE_CACHE_MAX) {
		pw_store_failf(s, "cache size %zu bytes is out of range", bytes);
		return -1;
	}
	/* PRAGMA takes no bound parameters: the SQL holds only this validated integer (KiB,
	 * negative = a size rather than a page count). */
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size = -%zu", bytes / 1024);
	return exec(s, sql, "setting cache_size");
}

/*
 * The queue of items to index at commit (migration 7): this connection's own temp table and
 * triggers, so every path that gives an item its story (store_dedup.c, pw_store_item_set_story,
 * an insert with a story) queues it without knowing about FTS.  Temp objects roll back with
 * the connection's transactions: a rolled-back batch leaves nothing queued.
 */
static int fts_queue_setup(struct pw_store *s)
{
	return exec(s,
		    "CREATE TEMP TABLE pw_fts_todo(id INTEGER PRIMARY KEY);\n"
		    "CREATE TEMP TRIGGER pw_fts_story AFTER UPDATE OF story_id ON main.items\n"
		    "WHEN new.story_id IS NOT NULL BEGIN\n"
		    "  INSERT OR IGNORE INTO pw_fts_todo(id) VALUES (new.id);\n"
		    "END;\n"
		    "CREATE TEMP TRIGGER pw_fts_ai AFTER INSERT ON main.items\n"
		    "WHEN new.story_id IS NOT NULL BEGIN\n"
		    "  INSERT OR IGNORE INTO pw_fts_todo(id) VALUES (new.id);\n"
		    "END;\n",
		    "setting up the full-text queue");
}

/* Indexes the queued items not indexed yet (a story change of an indexed item queues it
 * too), with their text as it is now: one FTS5 segment per transaction. */
static int fts_flush(struct pw_store *s)
{
	sqlite3_stmt *st = pw_store_stmt(s, "INSERT INTO items_fts(rowid, title, body, summary) "
					    "SELECT i.id, i.title, i.body, i.summary FROM temp.pw_fts_todo q "
					    "JOIN items i ON i.id = q.id "
					    "WHERE NOT EXISTS (SELECT 1 FROM items_fts_docsize d WHERE d.id = q.id)");
	if (!st || pw_store_step_done(s, st, "indexing items for search") < 0)
		return -1;
	st = pw_store_stmt(s, "DELETE FROM temp.pw_fts_todo");
	if (!st || pw_store_step_done(s, st, "indexing items for search") < 0)
		return -1;
	return 0;
}


/* Bit 0: PATH-wal exists, bit 1: PATH-shm exists. */
static int side_files(const char *path)
{
	int bits = 0;
	char *p = xasprintf("%s-wal", path);
	if (access(p, F_OK) == 0)
		bits |= 1;
	free(p);
	p = xasprintf("%s-shm", path);
	if (access(p, F_OK) == 0)
		bits |= 2;
	free(p);
	return bits;
}

/*
 * After a refused open: SQLite may have created empty -wal/-shm files next to a file whose
 * header says WAL before it found the problem.  Remove those it created (an empty -wal holds
 * nothing), so a refusal leaves the directory as it found it.
 */
static void remove_new_side_files(const char *path, int before)
{
	struct stat st;
	char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
	if (!(before & 1) && stat(wal, &st) == 0 && st.st_size == 0) {
		unlink(wal);
		if (!(before & 2))
			unlink(shm);
	} else if (!(before & 3) && access(wal, F_OK) < 0) {
		unlink(shm);
	}
	free(wal);
	free(shm);
}

struct pw_store *pw_store_open(const char *path, enum pw_store_mode mode, char *err, size_t errlen)
{
	char dummy[8];
	if (!err || errlen == 0) {
		err = dummy;
		errlen = sizeof dummy;
	}
	err[0] = '\0';

	struct stat st;
	if (stat(path, &st) < 0) {
		if (mode == PW_STORE_RW && errno == ENOENT) {
			char *dir = xstrdup(path), *slash = strrchr(dir, '/');
			if (slash)
				slash[slash == dir] = '\0';
			int missing = slash && stat(dir, &st) < 0;
			if (missing)
				snprintf(err, errlen, "%s: cannot create database: directory %s: %s", path, dir,
					 strerror(errno));
			free(dir);
			if (missing)
				return NULL;
		} else {
			snprintf(err, errlen, "%s: cannot open database: %s%s", path, strerror(errno),
				 mode == PW_STORE_RO && errno == ENOENT ?
				 " (presswatchd creates it on its first start)" : "");
			return NULL;
		}
	} else if (S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: cannot open database: is a directory", path);
		return NULL;
	} else if (access(path, mode == PW_STORE_RO ? R_OK : R_OK | W_OK) < 0) {
		snprintf(err, errlen, "%s: cannot open database: %s", path, strerror(errno));
		return NULL;
	}

	int side_before = side_files(path);
	struct pw_store *s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->mode = mode;
	int flags = mode == PW_STORE_RO ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc = sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		explain(err, errlen, path, s->db, rc, "opening");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);

	/*
	 * Several processes opening one new database at once can get SQLITE_BUSY without the busy
	 * handler being asked (two connections both upgrading to switch the journal mode would
	 * deadlock, so SQLite fails one at once).  Retry the whole setup for as long as the busy
	 * timeout would have waited.
	 */
	s->opening = 1;
	int64_t start = pw_monotonic_ms();
	for (;;) {
		s->code = SQLITE_OK;
		if (setup(s, err, errlen) == 0)
			break;
		/* Bounded by wall time: an attempt can itself sit in the busy handler. */
		if (!is_busy_code(s->code) ||
		    pw_monotonic_ms() - start >= BUSY_TIMEOUT_MS)
			goto fail;
		sqlite3_busy_timeout(s->db, (int)(BUSY_TIMEOUT_MS - (pw_monotonic_ms() - start)) + 1);
		usleep(20 * 1000);
	}
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	s->opening = 0;
	return s;

fail:
	store_free(s);
	remove_new_side_files(path, side_before);
	return NULL;
}

void pw_store_close(struct pw_store *s)
{
	if (!s)
		return;
	if (s->in_tx) {
		pw_warn("%s: closing with an open transaction; rolling it back", s->path);
		exec(s, "ROLLBACK", "rollback");
	}
	if (s->mode == PW_STORE_RW && pw_dcache_save(s) < 0)
		pw_warn("the LSH filter was not saved, the next start rebuilds it (%s)", s->err);
	if (s->mode == PW_STORE_RW)
		sqlite3_exec(s->db, "PRAGMA optimize", NULL, NULL, NULL);
	store_free(s);
}

/* --- transactions -------------------------------------------------------------------- */

int pw_store_begin(struct pw_store *s)
{
	if (s->in_tx)
		return pw_store_failf(s, "begin: a transaction is already open");
	s->code = SQLITE_OK;  /* pw_store_busy() speaks of this transaction only */
	/* IMMEDIATE takes the write lock now, so a busy database waits here (busy timeout) rather
	 * than failing half-way through the batch when a read would have to become a write. */
	if (exec(s, s->mode == PW_STORE_RW ? "BEGIN IMMEDIATE" : "BEGIN", "begin") < 0)
		return -1;
	s->in_tx = 1;
	if (pw_dcache_begin(s) < 0) {
		pw_store_rollback(s);
		return -1;
	}
	return 0;
}

int pw_store_commit(struct pw_store *s)
{
	if (!s->in_tx)
		return pw_store_failf(s, "commit: no transaction is open");
	if ((s->mode == PW_STORE_RW && (pw_dcache_flush(s) < 0 || fts_flush(s) < 0)) || exec(s, "COMMIT", "commit") < 0) {
		/* A failed COMMIT (e.g. disk full) may leave the transaction open: end it. */
		if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		s->in_tx = 0;
		pw_dcache_drop(s);
		return -1;
	}
	s->in_tx = 0;
	return 0;
}

int pw_store_rollback(struct pw_store *s)
{
	if (!s->in_tx)
		return 0;
	s->in_tx = 0;
	pw_dcache_drop(s);
	if (sqlite3_get_autocommit(s->db))
		return 0;  /* SQLite already rolled back (after an I/O error, say) */
	return exec(s, "ROLLBACK", "rollback");
}

/* --- feeds --------------------------------------------------------------------------- */

void pw_feed_state_clear(struct pw_feed_state *f)
{
	free(f->name);
	free(f->url);
	free(f->outlet);
	free(f->title);
	free(f->site_url);
	free(f->lang);
	free(f->etag);
	free(f->last_modified);
	free(f->last_error);
	memset(f, 0, sizeof *f);
}

int64_t pw_store_feed_sync(struct pw_store *s, const char *name, const char *conf_url,
			   const char *outlet, int64_t interval_s, int enabled)
{
	if (pw_store_require_tx(s, "feed sync") < 0)
		return -1;
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT id, conf_url FROM feeds WHERE name = ?1");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		st = pw_store_stmt(s, "INSERT INTO feeds(name, url, conf_url, outlet, interval_s, enabled) "
				      "VALUES (?1, ?2, ?2, ?3, ?4, ?5)");
		if (!st)
			return -1;
		sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, conf_url, -1, SQLITE_TRANSIENT);
		pw_store_bind_str(st, 3, outlet);
		sqlite3_bind_int64(st, 4, interval_s);
		sqlite3_bind_int(st, 5, enabled != 0);
		if (pw_store_step_done(s, st, "adding a feed") < 0)
			return -1;
		return sqlite3_last_insert_rowid(s->db);
	}
	if (rc != SQLITE_ROW) {
		pw_store_fail(s, "looking up a feed");
		sqlite3_reset(st);
		return -1;
	}
	int64_t id = sqlite3_column_int64(st, 0);
	int url_changed = strcmp((const char *)sqlite3_column_text(st, 1), conf_url) != 0;
	sqlite3_reset(st);
	if (url_changed) {
		/* A new configured URL replaces whatever a redirect had set, and the conditional-GET
		 * state and failures of the old URL mean nothing for it: poll it soon. */
		st = pw_store_stmt(s, "UPDATE feeds SET url = ?2, conf_url = ?2, etag = NULL, last_modified = NULL, "
				      "fail_count = 0, last_error = NULL, next_poll = NULL WHERE id = ?1");
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, conf_url, -1, SQLITE_TRANSIENT);
		if (pw_store_step_done(s, st, "changing a feed's url") < 0)
			return -1;
	}
	st = pw_store_stmt(s, "UPDATE feeds SET outlet = ?2, interval_s = ?3, enabled = ?4 WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	pw_store_bind_str(st, 2, outlet);
	sqlite3_bind_int64(st, 3, interval_s);
	sqlite3_bind_int(st, 4, enabled != 0);
	if (pw_store_step_done(s, st, "updating a feed") < 0)
		return -1;
	return id;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int pw_store_feed_disable_others(struct pw_store *s, char *const *names, size_t n)
{
	if (pw_store_require_tx(s, "disabling feeds") < 0)
		return -1;
	char **sorted = xreallocarray(NULL, n ? n : 1, sizeof *sorted);
	if (n > 0) /* names may be NULL when n == 0 (memcpy must not see NULL) */
		memcpy(sorted, names, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_str);

	/* Collect first, update after: no write while the SELECT is still stepping. */
	int64_t *ids = NULL;
	size_t nids = 0;
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT id, name FROM feeds WHERE enabled = 1");
	int rc = st ? SQLITE_ROW : SQLITE_ERROR;
	while (st && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		if (!bsearch(&name, sorted, n, sizeof *sorted, cmp_str)) {
			ids = xreallocarray(ids, nids + 1, sizeof *ids);
			ids[nids++] = sqlite3_column_int64(st, 0);
		}
	}
	free(sorted);
	if (st) {
		if (rc != SQLITE_DONE)
			pw_store_fail(s, "listing feeds");
		sqlite3_reset(st);
	}
	if (rc != SQLITE_DONE) {
		free(ids);
		return -1;
	}
	for (size_t i = 0; i < nids; i++) {
		st = pw_store_stmt(s, "UPDATE feeds SET enabled = 0 WHERE id = ?1");
		if (!st) {
			free(ids);
			return -1;
		}
		sqlite3_bind_int64(st, 1, ids[i]);
		if (pw_store_step_done(s, st, "disabling a feed") < 0) {
			free(ids);
			return -1;
		}
	}
	free(ids);
	return (int)nids;
}

#define FEED_COLUMNS "id, name, url, outlet, title, site_url, lang, interval_s, ttl_s, etag, " \
	"last_modified, last_status, last_error, last_polled, next_poll, fail_count, enabled"

static void feed_from_row(sqlite3_stmt *st, struct pw_feed_state *f)
{
	f->id = sqlite3_column_int64(st, 0);
	f->name = pw_store_column_strdup(st, 1);
	f->url = pw_store_column_strdup(st, 2);
	f->outlet = pw_store_column_strdup(st, 3);
	f->title = pw_store_column_strdup(st, 4);
	f->site_url = pw_store_column_strdup(st, 5);
	f->lang = pw_store_column_strdup(st, 6);
	f->interval_s = sqlite3_column_int64(st, 7);
	f->ttl_s = sqlite3_column_int64(st, 8);
	f->etag = pw_store_column_strdup(st, 9);
	f->last_modified = pw_store_column_strdup(st, 10);
	f->last_status = sqlite3_column_int(st, 11);
	f->last_error = pw_store_column_strdup(st, 12);
	f->last_polled = pw_store_column_time(st, 13);
	f->next_poll = pw_store_column_time(st, 14);
	f->fail_count = sqlite3_column_int(st, 15);
	f->enabled = sqlite3_column_int(st, 16);
}

/* Steps st (bound by the caller) for at most one feed row. */
static int feed_get(struct pw_store *s, sqlite3_stmt *st, struct pw_feed_state *out)
{
	int rc = sqlite3_step(st);
	int ret = 0;
	if (rc == SQLITE_ROW) {
		feed_from_row(st, out);
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = pw_store_fail(s, "reading a feed");
	}
	sqlite3_reset(st);
	return ret;
}

int pw_store_feed_get(struct pw_store *s, int64_t id, struct pw_feed_state *out)
{
	pw_feed_state_clear(out);
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT " FEED_COLUMNS " FROM feeds WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return feed_get(s, st, out);
}

int pw_store_feed_get_by_name(struct pw_store *s, const char *name, struct pw_feed_state *out)
{
	pw_feed_state_clear(out);
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT " FEED_COLUMNS " FROM feeds WHERE name = ?1");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	return feed_get(s, st, out);
}

int pw_store_feed_list(struct pw_store *s, struct pw_feed_state **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT " FEED_COLUMNS " FROM feeds ORDER BY name");
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		memset(&(*out)[*n], 0, sizeof **out);
		feed_from_row(st, &(*out)[(*n)++]);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		pw_store_feed_list_free(*out, *n);
		*out = NULL;
		*n = 0;
		return pw_store_fail(s, "listing feeds");
	}
	return 0;
}

void pw_store_feed_list_free(struct pw_feed_state *feeds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pw_feed_state_clear(&feeds[i]);
	free(feeds);
}

int pw_store_feed_save(struct pw_store *s, const struct pw_feed_state *f)
{
	if (pw_store_require_tx(s, "saving feed state") < 0)
		return -1;
	sqlite3_stmt *st = pw_store_stmt(s,
		"UPDATE feeds SET url = ?2, title = ?3, site_url = ?4, lang = ?5, ttl_s = ?6, etag = ?7, "
		"last_modified = ?8, last_status = ?9, last_error = ?10, last_polled = ?11, next_poll = ?12, "
		"fail_count = ?13 WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, f->id);
	if (!f->url)
		return pw_store_failf(s, "saving feed %lld: no url", (long long)f->id);
	pw_store_bind_str(st, 2, f->url);
	pw_store_bind_str(st, 3, f->title);
	pw_store_bind_str(st, 4, f->site_url);
	pw_store_bind_str(st, 5, f->lang);
	sqlite3_bind_int64(st, 6, f->ttl_s);
	pw_store_bind_str(st, 7, f->etag);
	pw_store_bind_str(st, 8, f->last_modified);
	sqlite3_bind_int(st, 9, f->last_status);
	pw_store_bind_str(st, 10, f->last_error);
	pw_store_bind_time(st, 11, f->last_polled);
	pw_store_bind_time(st, 12, f->next_poll);
	sqlite3_bind_int(st, 13, f->fail_count);
	if (pw_store_step_done(s, st, "saving feed state") < 0)
		return -1;
	if (sqlite3_changes(s->db) != 1)
		return pw_store_failf(s, "saving feed state: no feed with id %lld", (long long)f->id);
	return 0;
}

/* --- items --------------------------------------------------------------------------- */

int pw_store_item_exists(struct pw_store *s, int64_t feed_id, const char *guid)
{
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT 1 FROM items WHERE feed_id = ?1 AND guid = ?2");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, feed_id);
	sqlite3_bind_text(st, 2, guid, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return pw_store_fail(s, "looking up an item");
}

int pw_store_item_insert(struct pw_store *s, struct pw_item *it)
{
	if (pw_store_require_tx(s, "inserting an item") < 0)
		return -1;
	if (!it->guid)
		return pw_store_failf(s, "inserting an item of feed %lld: no guid", (long long)it->feed_id);
	sqlite3_stmt *st = pw_store_stmt(s,
		"INSERT INTO items(feed_id, guid, url, canonical_url, title, author, published, fetched, "
		"summary, body, lang, article_status, story_id, dup_of) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
		"ON CONFLICT(feed_id, guid) DO NOTHING");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, it->feed_id);
	sqlite3_bind_text(st, 2, it->guid, -1, SQLITE_TRANSIENT);
	pw_store_bind_str(st, 3, it->url);
	/* the page's canonical link, else the item's link, in canonical form (store.h) */
	char *canon = pw_url_canonical(it->canonical_url);
	if (!canon)
		canon = pw_url_canonical(it->url);
	if (canon)
		sqlite3_bind_text(st, 4, canon, -1, free);
	pw_store_bind_str(st, 5, it->title);
	pw_store_bind_str(st, 6, it->author);
	pw_store_bind_time(st, 7, it->published);
	sqlite3_bind_int64(st, 8, it->fetched == PW_NOTIME ? (int64_t)time(NULL) : it->fetched);
	pw_store_bind_str(st, 9, it->summary);
	pw_store_bind_str(st, 10, it->body);
	pw_store_bind_str(st, 11, it->lang);
	pw_store_bind_str(st, 12, it->article_status);
	pw_store_bind_id(st, 13, it->story_id);
	pw_store_bind_id(st, 14, it->dup_of);
	if (pw_store_step_done(s, st, "inserting an item") < 0)
		return -1;
	if (sqlite3_changes(s->db) == 1) {
		it->id = sqlite3_last_insert_rowid(s->db);
		return 1;
	}
	/* Already there: report its id so the caller can still refer to it. */
	st = pw_store_stmt(s, "SELECT id FROM items WHERE feed_id = ?1 AND guid = ?2");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, it->feed_id);
	sqlite3_bind_text(st, 2, it->guid, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		it->id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int pw_store_item_set_article(struct pw_store *s, int64_t id, const char *status, const char *body,
			      const char *canonical_url, const char *author, const char *lang,
			      int64_t published, int attempts, int64_t next_attempt)
{
	if (pw_store_require_tx(s, "saving an article") < 0)
		return -1;
	/* body only appears in the SET list when given, so the FTS trigger (AFTER UPDATE OF body)
	 * does not re-index items whose text did not change. */
	sqlite3_stmt *st = pw_store_stmt(s, body ?
		"UPDATE items SET article_status = coalesce(?2, article_status), body = ?3, "
		"canonical_url = coalesce(?4, canonical_url), author = coalesce(?5, author), "
		"lang = coalesce(?6, lang), published = coalesce(?7, published), article_attempts = ?8, "
		"next_attempt = ?9 WHERE id = ?1" :
		"UPDATE items SET article_status = coalesce(?2, article_status), "
		"canonical_url = coalesce(?4, canonical_url), author = coalesce(?5, author), "
		"lang = coalesce(?6, lang), published = coalesce(?7, published), article_attempts = ?8, "
		"next_attempt = ?9 WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	pw_store_bind_str(st, 2, status);
	if (body)
		sqlite3_bind_text(st, 3, body, -1, SQLITE_TRANSIENT);
	char *canon = canonical_url ? pw_url_canonical(canonical_url) : NULL;
	if (canon)
		sqlite3_bind_text(st, 4, canon, -1, free);
	pw_store_bind_str(st, 5, author);
	pw_store_bind_str(st, 6, lang);
	pw_store_bind_time(st, 7, published);
	sqlite3_bind_int(st, 8, attempts);
	pw_store_bind_time(st, 9, next_attempt);
	if (pw_store_step_done(s, st, "saving an article") < 0)
		return -1;
	if (sqlite3_changes(s->db) != 1)
		return pw_store_failf(s, "saving an article: no item with id %lld", (long long)id);
	return 0;
}

int pw_store_item_set_story(struct pw_store *s, int64_t id, int64_t story_id, int64_t dup_of)
{
	if (pw_store_require_tx(s, "setting an item's story") < 0)
		return -1;
	sqlite3_stmt *st = pw_store_stmt(s, "UPDATE items SET story_id = ?2, dup_of = ?3 WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	pw_store_bind_id(st, 2, story_id);
	pw_store_bind_id(st, 3, dup_of);
	if (pw_store_step_done(s, st, "setting an item's story") < 0)
		return -1;
	if (sqlite3_changes(s->db) != 1)
		return pw_store_failf(s, "setting an item's story: no item with id %lld", (long long)id);
	return 0;
}

int pw_store_items_pending_articles(struct pw_store *s, int64_t now, int max_attempts, size_t limit,
				   int64_t **ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	/* The first WHERE term repeats items_article_due's condition word for word, so SQLite
	 * can use that partial index. */
	sqlite3_stmt *st = pw_store_stmt(s,
		"SELECT id FROM items "
		"WHERE (article_status IS NULL OR article_status IN ('http-error', 'timeout', 'error')) "
		"AND article_attempts < ?1 AND (next_attempt IS NULL OR next_attempt <= ?2) "
		"ORDER BY id LIMIT ?3");
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, max_attempts);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ids = xreallocarray(*ids, *n + 1, sizeof **ids);
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return pw_store_fail(s, "listing pending articles");
	}
	return 0;
}

#define ITEM_COLUMNS \
	"id, feed_id, guid, url, canonical_url, title, author, summary, body, lang, " \
	"article_status, published, fetched, story_id, dup_of, article_attempts, next_attempt"

/* The row of an ITEM_COLUMNS statement into *out (malloc'd strings). */
static void item_from_row(sqlite3_stmt *st, struct pw_item *out)
{
	out->id = sqlite3_column_int64(st, 0);
	out->feed_id = sqlite3_column_int64(st, 1);
	out->guid = pw_store_column_strdup(st, 2);
	out->url = pw_store_column_strdup(st, 3);
	out->canonical_url = pw_store_column_strdup(st, 4);
	out->title = pw_store_column_strdup(st, 5);
	out->author = pw_store_column_strdup(st, 6);
	out->summary = pw_store_column_strdup(st, 7);
	out->body = pw_store_column_strdup(st, 8);
	out->lang = pw_store_column_strdup(st, 9);
	out->article_status = pw_store_column_strdup(st, 10);
	out->published = pw_store_column_time(st, 11);
	out->fetched = pw_store_column_time(st, 12);
	out->story_id = pw_store_column_id(st, 13);
	out->dup_of = pw_store_column_id(st, 14);
	out->article_attempts = sqlite3_column_int(st, 15);
	out->next_attempt = pw_store_column_time(st, 16);
}

int pw_store_item_get(struct pw_store *s, int64_t id, struct pw_item *out)
{
	pw_store_item_clear(out);
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT " ITEM_COLUMNS " FROM items WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : pw_store_fail(s, "reading an item");
	}
	item_from_row(st, out);
	sqlite3_reset(st);
	return 1;
}

/* A canonical URL with no path and no query: a site's front page, never one article's.  Sites
 * that give every page <link rel=canonical> to their front page store it as the canonical URL
 * of all their items, so a link to the front page must not take one of their texts. */
static int site_root(const char *canon)
{
	const char *p = strstr(canon, "://");
	p = p ? strchr(p + 3, '/') : NULL;
	return p == NULL || strcmp(p, "/") == 0;
}

int pw_store_item_find_article(struct pw_store *s, const char *url, int64_t except_id, struct pw_item *out)
{
	pw_store_item_clear(out);
	char *canon = pw_url_canonical(url);
	if (!canon || site_root(canon)) {
		free(canon);
		return 0;
	}
	/* "article_status = 'ok'" as in the partial index items_canonical (migration 8), so
	 * SQLite searches that index; the earliest such item is the original of the others */
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT " ITEM_COLUMNS " FROM items "
					 "WHERE canonical_url = ?1 AND article_status = 'ok' AND id <> ?2 "
					 "ORDER BY id LIMIT 1");
	if (!st) {
		free(canon);
		return -1;
	}
	sqlite3_bind_text(st, 1, canon, -1, free);
	sqlite3_bind_int64(st, 2, except_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		item_from_row(st, out);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : pw_store_fail(s, "looking up an article by its canonical URL");
}

void pw_store_item_clear(struct pw_item *it)
{
	/* The strings of an item filled by pw_store_item_get() are its own (malloc'd). */
	free((char *)it->guid);
	free((char *)it->url);
	free((char *)it->canonical_url);
	free((char *)it->title);
	free((char *)it->author);
	free((char *)it->summary);
	free((char *)it->body);
	free((char *)it->lang);
	free((char *)it->article_status);
	memset(it, 0, sizeof *it);
	it->published = it->fetched = it->next_attempt = PW_NOTIME;
}

int64_t pw_store_item_count(struct pw_store *s)
{
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT count(*) FROM items");
	if (!st)
		return -1;
	int64_t n = -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		pw_store_fail(s, "counting items");
	sqlite3_reset(st);
	return n;
}

/* --- tags ---------------------------------------------------------------------------- */

int pw_store_tag_add(struct pw_store *s, int64_t item_id, const char *tag)
{
	if (pw_store_require_tx(s, "tagging an item") < 0)
		return -1;
	sqlite3_stmt *st = pw_store_stmt(s, "INSERT OR IGNORE INTO tags(item_id, tag) VALUES (?1, ?2)");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, item_id);
	sqlite3_bind_text(st, 2, tag, -1, SQLITE_TRANSIENT);
	return pw_store_step_done(s, st, "tagging an item");
}
