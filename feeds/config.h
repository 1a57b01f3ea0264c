/*
 * config.h -- presswatch.conf, the feed lists and topic rules.
 *
 * Format (see presswatch.conf(5)): INI sections, `key = value`, `#` comments (a `#` preceded by
 * whitespace starts a comment inside a line too), durations `90s` `10m` `2h` `1d` (bare number =
 * seconds; keys kept in milliseconds also take `250ms`), sizes `512K` `8M` `1G` (bare = bytes),
 * booleans yes/no/true/false/on/off/1/0.
 * Relative paths resolve against the directory of the file that names them.
 *
 * Errors: every bad line yields "FILE:LINE: reason" through the error list; unknown sections
 * and keys are errors.  pw_config_load() returns NULL when any error was found, and the caller
 * prints the list (presswatchd --check-config exits non-zero).
 *
 * Ownership: everything hangs off struct pw_config and is freed by pw_config_free().
 */
#ifndef PW_CONFIG_H
#define PW_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "strmap.h"

/* [store] keep: the shortest retention other than 0 (forever). */
#define PW_STORE_KEEP_MIN_S 86400

/* Accumulated "file:line: reason" messages. */
struct pw_errlist {
	char **msgs;
	size_t n;
};
void pw_errlist_add(struct pw_errlist *e, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void pw_errlist_free(struct pw_errlist *e);

/* --- generic INI reader, used for every presswatch config file ------------------------- */
struct pw_ini_entry {
	char *key, *value;
	int line;
};
struct pw_ini_section {
	char *name;
	int line;
	struct pw_ini_entry *entries;
	size_t nentries;
};
struct pw_ini {
	char *path;
	struct pw_ini_section *sections;
	size_t nsections;
};
/* Reads path; syntax errors go to errs.  Returns NULL if the file cannot be read. */
struct pw_ini *pw_ini_load(const char *path, struct pw_errlist *errs);
void pw_ini_free(struct pw_ini *ini);

/* Value parsers: 0 on success, -1 on a malformed value. */
int pw_parse_duration(const char *s, int64_t *seconds);
/* The same syntax in milliseconds, with one more unit, "ms": 250ms, 1s500ms, 2s (bare = seconds). */
int pw_parse_duration_ms(const char *s, int64_t *ms);
int pw_parse_size(const char *s, size_t *bytes);
int pw_parse_bool(const char *s, int *value);

/* --- feeds (feeds.conf, feeds.d/NAME.conf) --------------------------------------------------- */
struct pw_feed_conf {
	char *id;           /* section name: the feed's stable identity (survives URL changes) */
	char *url;
	char *name;         /* display name of the outlet; defaults to id */
	char *lang;         /* expected language, or NULL */
	char **tags;        /* extra tags given to every item of the feed */
	size_t ntags;
	int64_t interval_s; /* 0 = [poll] interval */
	int enabled;
	int tls_verify;     /* 1 unless `tls_verify = no` (explicit opt-out) */
	char *file;         /* where it was defined, for messages */
	int line;
};

/* --- topics (topics.conf): syntax here, semantics in tag.c ------------------------------- */
struct pw_topic_group {
	char **terms;       /* one `any = a, b, c` line: terms as written (may end in '*') */
	size_t nterms;
};
struct pw_topic_conf {
	char *name;
	int alert;
	struct pw_topic_group *groups; /* every group must match */
	size_t ngroups;
	char **none;        /* exclusions */
	size_t nnone;
	char *file;
	int line;
};

/* --- presswatch.conf ------------------------------------------------------------------ */
struct pw_config {
	char *path;               /* absolute path of presswatch.conf */

	/* [store] */
	char *store_path;
	int64_t commit_interval_ms; /* group commit: a transaction stays open this long, default 250 ms
	                               (= PW_BATCH_WINDOW_MS, daemon/batch.h) */
	int commit_items;         /* ... or until it holds this many items, default 2000 (= PW_BATCH_MAX_ITEMS) */
	size_t cache_size;        /* SQLite page cache in bytes, 1M..2G, default 12M (PW_STORE_CACHE_DEFAULT) */
	int64_t store_keep_s;     /* retention: items first seen longer ago are deleted; 0 = forever
	                             (the default), else at least PW_STORE_KEEP_MIN_S */

	/* [log] */
	int log_level;            /* syslog level; default LOG_INFO */
	int syslog_facility;      /* default LOG_DAEMON */

	/* [fetch] */
	int concurrency;          /* transfers in flight (default 32) */
	int per_host;             /* per host (default 2) */
	int64_t connect_timeout_s;/* default 10s */
	int64_t timeout_s;        /* whole transfer, default 30s */
	int64_t low_speed_time_s; /* abort when below low_speed_limit for this long, default 20s */
	size_t low_speed_limit;   /* bytes/s, default 100 */
	size_t max_body;          /* feed body cap, default 8M */
	size_t max_article_body;  /* article page cap, default 4M */
	int max_redirects;        /* default 5 */
	char *user_agent_contact; /* URL in the User-Agent */

	/* [poll] */
	int64_t interval_s;       /* default per feed, 10m */
	int64_t min_interval_s;   /* bounds for ttl hints, default 2m */
	int64_t max_interval_s;   /* default 6h */
	int64_t max_backoff_s;    /* error backoff cap, default 6h */
	double jitter;            /* fraction of the interval, default 0.1 */

	/* [articles] */
	int fetch_articles;       /* default yes */
	size_t skip_if_content;   /* skip page fetch when feed content has this many chars; 0 = never skip (default 1500) */
	int article_retries;      /* default 3 */

	/* [limits] */
	int max_items_per_poll;   /* default 500 */
	int max_queue;            /* pending article fetches, default 10000 */
	int max_items_per_document; /* the feed parser's item cap, default 5000 (PW_FEED_DEFAULT_MAX_ITEMS) */
	size_t max_field_size;    /* the feed parser's cap on one text field, default 1M (PW_FEED_DEFAULT_MAX_FIELD) */

	/* [dedup] */
	double near_duplicate;    /* default 0.8 */
	double same_story;        /* default 0.40 (= PW_STORY_SAME_DEFAULT, story.h) */
	int64_t story_window_s;   /* default 72h */

	/* [alerts] */
	char *alert_log;          /* JSON-lines file */
	int64_t alert_max_age_s;  /* default 48h */
	char *alert_command;      /* optional; argv split on spaces, item JSON on stdin */
	int64_t alert_command_timeout_s; /* default 10s */

	/* [statements] */
	char **speakers;          /* named officials (e.g. "Zakharova", "Hajizadeh") */
	size_t nspeakers;

	/* [include]: loaded files */
	struct pw_feed_conf *feeds;
	size_t nfeeds;
	/* private to config.c: positions in feeds[] by id and by url, so that finding a feed and
	 * the duplicate checks stay O(1) with 10,000 feeds */
	struct pw_strmap feed_ids, feed_urls;
	struct pw_topic_conf *topics;
	size_t ntopics;
};

/* Loads presswatch.conf and everything it includes.  NULL on any error (listed in errs). */
struct pw_config *pw_config_load(const char *path, struct pw_errlist *errs);
void pw_config_free(struct pw_config *cfg);
/* The feed with section name id, or NULL (a hash lookup: fine to call per item). */
const struct pw_feed_conf *pw_config_find_feed(const struct pw_config *cfg, const char *id);
/* The [dedup] settings as store_dedup.h's conf: its defaults, overridden by the keys set. */
struct pw_dedup_conf;
void pw_config_dedup_conf(const struct pw_config *cfg, struct pw_dedup_conf *out);

#endif
