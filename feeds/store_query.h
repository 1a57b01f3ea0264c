/*
 * store_query.h -- read-side queries over the store, for the presswatch command (and anything
 * else that reports on the store).
 *
 * Backend-neutral like store.h: callers ask for "items matching this filter", "feed health",
 * "counts by day", never for SQL.  The SQLite implementation (store_query.c) uses prepared
 * statements with bound parameters only; optional filters select among constant SQL fragments,
 * never text built from data.
 *
 * Results are streamed to a callback, one row at a time, newest/best first; row strings are
 * valid only during the callback (copy what you keep).  A callback returning non-zero stops
 * the iteration and the query returns that value.  Queries return 0 when done, or -1 after
 * filling the store error (pw_store_error()), except where a function says otherwise.
 */
#ifndef PW_STORE_QUERY_H
#define PW_STORE_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

struct pw_store;

/* --- items ------------------------------------------------------------------------------ */
enum pw_dups { PW_DUPS_ALL = 0, PW_DUPS_HIDE, PW_DUPS_ONLY };

struct pw_item_filter {
	const char *topic;    /* only items tagged topic:<topic>; NULL = any */
	const char *feed;     /* feed name (config section); NULL = any */
	const char *lang;     /* item language (or the feed's when the item has none); NULL = any */
	int64_t since, until; /* on COALESCE(published, fetched): since <= t < until; PW_NOTIME = open */
	int64_t story_id;     /* 0 = any */
	int statements;       /* only items tagged "statement" */
	enum pw_dups dups;
	int oldest_first;     /* default: newest first */
	size_t limit;         /* 0 = no limit */
};
void pw_item_filter_init(struct pw_item_filter *f);

struct pw_item_row {
	int64_t id, feed_id;
	const char *feed;          /* feed name */
	const char *outlet;        /* display name of the feed's outlet */
	const char *guid, *url, *canonical_url, *title, *author, *summary, *body, *lang;
	const char *article_status;
	int64_t published, fetched;  /* PW_NOTIME when unknown */
	int64_t story_id, dup_of;    /* 0 = none */
	/* search only */
	double rank;               /* bm25: lower is better */
	const char *snippet;
};
typedef int (*pw_item_cb)(const struct pw_item_row *row, void *arg);

int pw_query_items(struct pw_store *s, const struct pw_item_filter *f, pw_item_cb cb, void *arg);
/* One item by id: calls cb once and returns 1, returns 0 when there is no such item, -1. */
int pw_query_item(struct pw_store *s, int64_t id, pw_item_cb cb, void *arg);

/*
 * Full-text search (FTS5 syntax: words, "phrases", prefix*, AND/OR/NOT, NEAR) over titles and
 * bodies, best match first (bm25, title weighted above body).  row->snippet is a piece of the
 * text around the match with each matched term between hl_open and hl_close.
 * Returns 0, -1 on a database error, or -2 when the query itself is malformed (the store error
 * then says what FTS5 objected to).
 */
int pw_query_search(struct pw_store *s, const char *query, const char *hl_open, const char *hl_close,
		    size_t limit, pw_item_cb cb, void *arg);

/* --- tags, speakers, names -------------------------------------------------------------- */
typedef int (*pw_str_cb)(const char *value, void *arg);
/* The tags of one item, sorted. */
int pw_query_item_tags(struct pw_store *s, int64_t item_id, pw_str_cb cb, void *arg);
/* The speakers of one item's statements (the speakers table, when the schema has one yet);
 * none when there is no such table. */
int pw_query_item_speakers(struct pw_store *s, int64_t item_id, pw_str_cb cb, void *arg);
/* 1 when some item has the tag / a feed has that name, 0 when not, -1 on error. */
int pw_query_tag_exists(struct pw_store *s, const char *tag);
int pw_query_feed_exists(struct pw_store *s, const char *name);

/* --- feeds ------------------------------------------------------------------------------ */
struct pw_feed_row {
	int64_t id;
	const char *name, *outlet, *url, *title, *site_url, *lang;
	int enabled;
	int64_t interval_s;
	int last_status;              /* 0 = never polled / transport error */
	const char *last_error;       /* NULL when fine */
	int64_t last_polled, next_poll;  /* PW_NOTIME when unknown */
	int fail_count;
	int64_t items;                /* stored items */
	int64_t newest;               /* newest item (published or fetched), PW_NOTIME if none */
};
typedef int (*pw_feed_cb)(const struct pw_feed_row *row, void *arg);
/* Every feed, failing ones first (by fail_count), then by name. */
int pw_query_feeds(struct pw_store *s, pw_feed_cb cb, void *arg);

/* --- stories ---------------------------------------------------------------------------- */
struct pw_story_row {
	int64_t id;
	const char *title;
	int64_t first_item;
	int64_t first_seen, last_seen;
	int64_t item_count;
	int64_t outlets;      /* distinct feeds with an item in the story */
};
typedef int (*pw_story_cb)(const struct pw_story_row *row, void *arg);
/* Stories last seen at or after since (PW_NOTIME = all) and before until, newest first. */
int pw_query_stories(struct pw_store *s, int64_t since, int64_t until, size_t limit,
		     pw_story_cb cb, void *arg);
/* One story: 1 found (cb called), 0 not found, -1 error. */
int pw_query_story(struct pw_store *s, int64_t id, pw_story_cb cb, void *arg);

/* --- statistics ------------------------------------------------------------------------- */
enum pw_count_by { PW_COUNT_FEED, PW_COUNT_TOPIC, PW_COUNT_LANG, PW_COUNT_DAY };
typedef int (*pw_count_cb)(const char *key, int64_t n, void *arg);
/* Item counts grouped by feed name, topic (tag topic:X -> X), language ("-" when unknown) or
 * day (YYYY-MM-DD of published-or-fetched, local time unless utc; newest day first).  Largest
 * first except days.  Only items at or after since (PW_NOTIME = all). */
int pw_query_counts(struct pw_store *s, enum pw_count_by by, int64_t since, int utc,
		    pw_count_cb cb, void *arg);

struct pw_store_totals {
	int64_t feeds, feeds_enabled, feeds_failing;
	int64_t items, duplicates, statements, articles_ok;
	int64_t articles_pending; /* items whose page is still to be fetched (new, or a retry due later) */
	int64_t stories, alerts;
	int64_t oldest, newest;   /* item times, PW_NOTIME when empty */
	int64_t bytes;            /* database size (pages in use x page size) */
};
int pw_query_totals(struct pw_store *s, struct pw_store_totals *t);

#endif
