/*
 * store_query.c -- read-side queries of the SQLite store; see store_query.h.
 *
 * SQL is assembled only from the constant fragments in this file (which filters are present);
 * every value travels as a bound parameter.
 */

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "common.h"
#include "store.h"
#include "store_int.h"
#include "store_query.h"
#include "xmalloc.h"

/* ---- helpers ----------------------------------------------------------------------------- */

static int64_t col_time(sqlite3_stmt *st, int c)
{
	return sqlite3_column_type(st, c) == SQLITE_NULL ? PW_NOTIME : sqlite3_column_int64(st, c);
}

static const char *col_text(sqlite3_stmt *st, int c)
{
	return (const char *)sqlite3_column_text(st, c);
}

static sqlite3_stmt *prepare(struct pw_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(pw_store_db(s), sql, -1, &st, NULL) != SQLITE_OK) {
		pw_store_failf(s, "cannot query %s: %s", pw_store_path(s),
				   sqlite3_errmsg(pw_store_db(s)));
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* Finishes a statement after its rows: returns rc (a callback's value) or -1 on a step error. */
static int finish(struct pw_store *s, sqlite3_stmt *st, int step_rc, int cb_rc)
{
	int rc = cb_rc;
	if (cb_rc == 0 && step_rc != SQLITE_DONE) {
		pw_store_failf(s, "cannot query %s: %s", pw_store_path(s),
				   sqlite3_errmsg(pw_store_db(s)));
		rc = -1;
	}
	sqlite3_finalize(st);
	return rc;
}

static void bind_time(sqlite3_stmt *st, int i, int64_t t)
{
	if (t == PW_NOTIME)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, t);
}

/* ---- items ------------------------------------------------------------------------------- */

void pw_item_filter_init(struct pw_item_filter *f)
{
	memset(f, 0, sizeof *f);
	f->since = f->until = PW_NOTIME;
}

/* Column list shared by every item query; read_item() depends on its order. */
#define ITEM_COLS \
	"i.id, i.feed_id, f.name, COALESCE(f.outlet, f.name), i.guid, i.url, i.canonical_url, " \
	"i.title, i.author, i.summary, %s, COALESCE(i.lang, f.lang), i.article_status, " \
	"i.published, i.fetched, IFNULL(i.story_id, 0), IFNULL(i.dup_of, 0)"
#define ITEM_COLS_BRIEF \
	"i.id, i.feed_id, f.name, COALESCE(f.outlet, f.name), i.guid, i.url, i.canonical_url, " \
	"i.title, i.author, i.summary, NULL, COALESCE(i.lang, f.lang), i.article_status, " \
	"i.published, i.fetched, IFNULL(i.story_id, 0), IFNULL(i.dup_of, 0)"
#define ITEM_COLS_FULL \
	"i.id, i.feed_id, f.name, COALESCE(f.outlet, f.name), i.guid, i.url, i.canonical_url, " \
	"i.title, i.author, i.summary, i.body, COALESCE(i.lang, f.lang), i.article_status, " \
	"i.published, i.fetched, IFNULL(i.story_id, 0), IFNULL(i.dup_of, 0)"
#define ITEM_NCOLS 17
#define ITEM_TIME "COALESCE(i.published, i.fetched)"

static void read_item(sqlite3_stmt *st, struct pw_item_row *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->feed_id = sqlite3_column_int64(st, 1);
	r->feed = col_text(st, 2);
	r->outlet = col_text(st, 3);
	r->guid = col_text(st, 4);
	r->url = col_text(st, 5);
	r->canonical_url = col_text(st, 6);
	r->title = col_text(st, 7);
	r->author = col_text(st, 8);
	r->summary = col_text(st, 9);
	r->body = col_text(st, 10);
	r->lang = col_text(st, 11);
	r->article_status = col_text(st, 12);
	r->published = col_time(st, 13);
	r->fetched = col_time(st, 14);
	r->story_id = sqlite3_column_int64(st, 15);
	r->dup_of = sqlite3_column_int64(st, 16);
}

static int run_items(struct pw_store *s, sqlite3_stmt *st, pw_item_cb cb, void *arg)
{
	int step, rc = 0;
	struct pw_item_row r;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		read_item(st, &r);
		if ((rc = cb(&r, arg)) != 0)
			break;
	}
	return finish(s, st, step, rc);
}

int pw_query_items(struct pw_store *s, const struct pw_item_filter *f, pw_item_cb cb, void *arg)
{
	struct pw_buf sql = PW_BUF_INIT;
	pw_buf_puts(&sql, "SELECT " ITEM_COLS_BRIEF " FROM items i JOIN feeds f ON f.id = i.feed_id"
			  " WHERE 1");
	if (f->feed)
		pw_buf_puts(&sql, " AND f.name = ?");
	if (f->lang)
		pw_buf_puts(&sql, " AND COALESCE(i.lang, f.lang) = ?");
	if (f->topic)
		pw_buf_puts(&sql, " AND EXISTS (SELECT 1 FROM tags t WHERE t.item_id = i.id AND t.tag = ?)");
	if (f->statements)
		pw_buf_puts(&sql, " AND EXISTS (SELECT 1 FROM tags t WHERE t.item_id = i.id"
				  " AND t.tag = 'statement')");
	/* Always a lower bound (INT64_MIN when open): it steers the planner to the items_time
	 * index, which then also yields the order, instead of sorting every item. */
	pw_buf_puts(&sql, " AND " ITEM_TIME " >= ?");
	if (f->until != PW_NOTIME)
		pw_buf_puts(&sql, " AND " ITEM_TIME " < ?");
	if (f->story_id)
		pw_buf_puts(&sql, " AND i.story_id = ?");
	if (f->dups == PW_DUPS_HIDE)
		pw_buf_puts(&sql, " AND IFNULL(i.dup_of, 0) = 0");
	else if (f->dups == PW_DUPS_ONLY)
		pw_buf_puts(&sql, " AND IFNULL(i.dup_of, 0) <> 0");
	pw_buf_puts(&sql, f->oldest_first ? " ORDER BY " ITEM_TIME " ASC, i.id ASC"
					  : " ORDER BY " ITEM_TIME " DESC, i.id DESC");
	if (f->limit)
		pw_buf_puts(&sql, " LIMIT ?");

	sqlite3_stmt *st = prepare(s, pw_buf_cstr(&sql));
	pw_buf_free(&sql);
	if (st == NULL)
		return -1;
	int i = 1;
	char *topic_tag = NULL;
	if (f->feed)
		sqlite3_bind_text(st, i++, f->feed, -1, SQLITE_STATIC);
	if (f->lang)
		sqlite3_bind_text(st, i++, f->lang, -1, SQLITE_STATIC);
	if (f->topic) {
		topic_tag = xasprintf("topic:%s", f->topic);
		sqlite3_bind_text(st, i++, topic_tag, -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(st, i++, f->since == PW_NOTIME ? INT64_MIN : f->since);
	if (f->until != PW_NOTIME)
		sqlite3_bind_int64(st, i++, f->until);
	if (f->story_id)
		sqlite3_bind_int64(st, i++, f->story_id);
	if (f->limit)
		sqlite3_bind_int64(st, i++, (sqlite3_int64)f->limit);
	int rc = run_items(s, st, cb, arg);
	free(topic_tag);
	return rc;
}

int pw_query_item(struct pw_store *s, int64_t id, pw_item_cb cb, void *arg)
{
	sqlite3_stmt *st = prepare(s, "SELECT " ITEM_COLS_FULL " FROM items i"
				      " JOIN feeds f ON f.id = i.feed_id WHERE i.id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		struct pw_item_row r;
		read_item(st, &r);
		int rc = cb(&r, arg);
		sqlite3_finalize(st);
		return rc ? rc : 1;
	}
	return finish(s, st, step, 0);
}

int pw_query_search(struct pw_store *s, const char *query, const char *hl_open, const char *hl_close,
		    size_t limit, pw_item_cb cb, void *arg)
{
	/* bm25 column weights (title, body, summary): a title match counts five times a body one. */
	sqlite3_stmt *st = prepare(s,
		"SELECT " ITEM_COLS_BRIEF ", bm25(items_fts, 5.0, 1.0, 1.0),"
		" snippet(items_fts, -1, ?, ?, '\xE2\x80\xA6', 16)"
		" FROM items_fts JOIN items i ON i.id = items_fts.rowid"
		" JOIN feeds f ON f.id = i.feed_id"
		" WHERE items_fts MATCH ? ORDER BY bm25(items_fts, 5.0, 1.0, 1.0), i.id DESC LIMIT ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, hl_open ? hl_open : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hl_close ? hl_close : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, query, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, limit ? (sqlite3_int64)limit : -1);

	int step, rc = 0;
	struct pw_item_row r;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		read_item(st, &r);
		r.rank = sqlite3_column_double(st, ITEM_NCOLS);
		r.snippet = col_text(st, ITEM_NCOLS + 1);
		if ((rc = cb(&r, arg)) != 0)
			break;
	}
	/* FTS5 reports a query it cannot parse as a plain SQLITE_ERROR from the MATCH; anything
	 * else (corrupt, busy, I/O) is a database problem. */
	if (rc == 0 && step == SQLITE_ERROR) {
		pw_store_failf(s, "%s", sqlite3_errmsg(pw_store_db(s)));
		sqlite3_finalize(st);
		return -2;
	}
	return finish(s, st, step, rc);
}

/* ---- tags, names ------------------------------------------------------------------------- */

int pw_query_item_tags(struct pw_store *s, int64_t item_id, pw_str_cb cb, void *arg)
{
	sqlite3_stmt *st = prepare(s, "SELECT tag FROM tags WHERE item_id = ? ORDER BY tag");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, item_id);
	int step, rc = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = cb(col_text(st, 0), arg)) != 0)
			break;
	return finish(s, st, step, rc);
}

static int exists(struct pw_store *s, const char *sql, const char *value);

int pw_query_item_speakers(struct pw_store *s, int64_t item_id, pw_str_cb cb, void *arg)
{
	/* The speakers table comes with a later migration than the base schema. */
	int has = exists(s, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", "speakers");
	if (has <= 0)
		return has;
	sqlite3_stmt *st = prepare(s, "SELECT name FROM speakers WHERE item_id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, item_id);
	int step, rc = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = cb(col_text(st, 0), arg)) != 0)
			break;
	return finish(s, st, step, rc);
}

static int exists(struct pw_store *s, const char *sql, const char *value)
{
	sqlite3_stmt *st = prepare(s, sql);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		sqlite3_finalize(st);
		return 1;
	}
	return finish(s, st, step, 0);
}

int pw_query_tag_exists(struct pw_store *s, const char *tag)
{
	return exists(s, "SELECT 1 FROM tags WHERE tag = ? LIMIT 1", tag);
}

int pw_query_feed_exists(struct pw_store *s, const char *name)
{
	return exists(s, "SELECT 1 FROM feeds WHERE name = ?", name);
}

/* ---- feeds ------------------------------------------------------------------------------- */

int pw_query_feeds(struct pw_store *s, pw_feed_cb cb, void *arg)
{
	sqlite3_stmt *st = prepare(s,
		"SELECT f.id, f.name, COALESCE(f.outlet, f.name), f.url, f.title, f.site_url, f.lang,"
		" f.enabled, f.interval_s, f.last_status, f.last_error, f.last_polled, f.next_poll,"
		" f.fail_count,"
		" (SELECT count(*) FROM items i WHERE i.feed_id = f.id),"
		" (SELECT max(" ITEM_TIME ") FROM items i WHERE i.feed_id = f.id)"
		" FROM feeds f ORDER BY IFNULL(f.fail_count, 0) DESC, f.name");
	if (st == NULL)
		return -1;
	int step, rc = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct pw_feed_row r = {
			.id = sqlite3_column_int64(st, 0),
			.name = col_text(st, 1),
			.outlet = col_text(st, 2),
			.url = col_text(st, 3),
			.title = col_text(st, 4),
			.site_url = col_text(st, 5),
			.lang = col_text(st, 6),
			.enabled = sqlite3_column_int(st, 7),
			.interval_s = sqlite3_column_int64(st, 8),
			.last_status = sqlite3_column_int(st, 9),
			.last_error = col_text(st, 10),
			.last_polled = col_time(st, 11),
			.next_poll = col_time(st, 12),
			.fail_count = sqlite3_column_int(st, 13),
			.items = sqlite3_column_int64(st, 14),
			.newest = col_time(st, 15),
		};
		if ((rc = cb(&r, arg)) != 0)
			break;
	}
	return finish(s, st, step, rc);
}

/* ---- stories ----------------------------------------------------------------------------- */

#define STORY_COLS \
	"s.id, s.title, s.first_item, s.first_seen, s.last_seen," \
	" (SELECT count(*) FROM items i WHERE i.story_id = s.id)," \
	" (SELECT count(DISTINCT i.feed_id) FROM items i WHERE i.story_id = s.id)"

static int run_stories(struct pw_store *s, sqlite3_stmt *st, pw_story_cb cb, void *arg, int *found)
{
	int step, rc = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct pw_story_row r = {
			.id = sqlite3_column_int64(st, 0),
			.title = col_text(st, 1),
			.first_item = sqlite3_column_int64(st, 2),
			.first_seen = col_time(st, 3),
			.last_seen = col_time(st, 4),
			.item_count = sqlite3_column_int64(st, 5),
			.outlets = sqlite3_column_int64(st, 6),
		};
		if (found)
			*found = 1;
		if ((rc = cb(&r, arg)) != 0)
			break;
	}
	return finish(s, st, step, rc);
}

int pw_query_stories(struct pw_store *s, int64_t since, int64_t until, size_t limit,
		     pw_story_cb cb, void *arg)
{
	sqlite3_stmt *st = prepare(s, "SELECT " STORY_COLS " FROM stories s"
				      " WHERE (?1 IS NULL OR s.last_seen >= ?1)"
				      " AND (?2 IS NULL OR s.first_seen < ?2)"
				      " ORDER BY s.last_seen DESC, s.id DESC LIMIT ?3");
	if (st == NULL)
		return -1;
	bind_time(st, 1, since);
	bind_time(st, 2, until);
	sqlite3_bind_int64(st, 3, limit ? (sqlite3_int64)limit : -1);
	return run_stories(s, st, cb, arg, NULL);
}

int pw_query_story(struct pw_store *s, int64_t id, pw_story_cb cb, void *arg)
{
	sqlite3_stmt *st = prepare(s, "SELECT " STORY_COLS " FROM stories s WHERE s.id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int found = 0;
	int rc = run_stories(s, st, cb, arg, &found);
	return rc ? rc : found;
}

/* ---- statistics -------------------------------------------------------------------------- */

int pw_query_counts(struct pw_store *s, enum pw_count_by by, int64_t since, int utc,
		    pw_count_cb cb, void *arg)
{
	static const char *const sql[] = {
		[PW_COUNT_FEED] =
			"SELECT f.name, count(i.id) FROM feeds f LEFT JOIN items i ON i.feed_id = f.id"
			" AND (?1 IS NULL OR " ITEM_TIME " >= ?1)"
			" GROUP BY f.id ORDER BY 2 DESC, 1",
		[PW_COUNT_TOPIC] =
			"SELECT substr(t.tag, 7), count(*) FROM tags t JOIN items i ON i.id = t.item_id"
			" WHERE t.tag >= 'topic:' AND t.tag < 'topic;'"
			" AND (?1 IS NULL OR " ITEM_TIME " >= ?1)"
			" GROUP BY t.tag ORDER BY 2 DESC, 1",
		[PW_COUNT_LANG] =
			"SELECT COALESCE(i.lang, f.lang, '-'), count(*) FROM items i"
			" JOIN feeds f ON f.id = i.feed_id WHERE (?1 IS NULL OR " ITEM_TIME " >= ?1)"
			" GROUP BY 1 ORDER BY 2 DESC, 1",
		[PW_COUNT_DAY] =
			"SELECT date(" ITEM_TIME ", 'unixepoch', ?2), count(*) FROM items i"
			" WHERE (?1 IS NULL OR " ITEM_TIME " >= ?1)"
			" GROUP BY 1 ORDER BY 1 DESC",
	};
	sqlite3_stmt *st = prepare(s, sql[by]);
	if (st == NULL)
		return -1;
	bind_time(st, 1, since);
	if (by == PW_COUNT_DAY) /* a no-op modifier for UTC keeps one statement for both */
		sqlite3_bind_text(st, 2, utc ? "+0 seconds" : "localtime", -1, SQLITE_STATIC);
	int step, rc = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = col_text(st, 0);
		if ((rc = cb(key ? key : "-", sqlite3_column_int64(st, 1), arg)) != 0)
			break;
	}
	return finish(s, st, step, rc);
}

/* Runs a one-value query; -1 on error. */
static int scalar(struct pw_store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = prepare(s, sql);
	if (st == NULL)
		return -1;
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*out = col_time(st, 0);
		sqlite3_finalize(st);
		return 0;
	}
	finish(s, st, step == SQLITE_DONE ? SQLITE_ERROR : step, 0);
	return -1;
}

int pw_query_totals(struct pw_store *s, struct pw_store_totals *t)
{
	static const struct {
		size_t off;
		const char *sql;
	} q[] = {
		{ offsetof(struct pw_store_totals, feeds), "SELECT count(*) FROM feeds" },
		{ offsetof(struct pw_store_totals, feeds_enabled),
		  "SELECT count(*) FROM feeds WHERE enabled" },
		{ offsetof(struct pw_store_totals, feeds_failing),
		  "SELECT count(*) FROM feeds WHERE enabled AND fail_count > 0" },
		{ offsetof(struct pw_store_totals, items), "SELECT count(*) FROM items" },
		{ offsetof(struct pw_store_totals, duplicates),
		  "SELECT count(*) FROM items WHERE IFNULL(dup_of, 0) <> 0" },
		{ offsetof(struct pw_store_totals, statements),
		  "SELECT count(*) FROM tags WHERE tag = 'statement'" },
		{ offsetof(struct pw_store_totals, articles_ok),
		  "SELECT count(*) FROM items WHERE article_status = 'ok'" },
		/* the first term is items_article_due's condition word for word: an index scan */
		{ offsetof(struct pw_store_totals, articles_pending),
		  "SELECT count(*) FROM items "
		  "WHERE (article_status IS NULL OR article_status IN ('http-error', 'timeout', 'error')) "
		  "AND (article_status IS NULL OR next_attempt IS NOT NULL)" },
		{ offsetof(struct pw_store_totals, stories), "SELECT count(*) FROM stories" },
		{ offsetof(struct pw_store_totals, alerts), "SELECT count(*) FROM alerts" },
		{ offsetof(struct pw_store_totals, oldest),
		  "SELECT min(COALESCE(published, fetched)) FROM items" },
		{ offsetof(struct pw_store_totals, newest),
		  "SELECT max(COALESCE(published, fetched)) FROM items" },
		{ offsetof(struct pw_store_totals, bytes),
		  "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()" },
	};
	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < PW_ARRAY_SIZE(q); i++)
		if (scalar(s, q[i].sql, (int64_t *)((char *)t + q[i].off)) < 0)
			return -1;
	return 0;
}
