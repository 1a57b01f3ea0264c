/*
 * config.c -- presswatch.conf, the feed lists and the topic rules; see config.h.
 *
 * Every file goes through pw_ini_load() (syntax), then a checker for its kind of file
 * (keys, values).  All problems are collected, not just the first, so one --check-config run
 * shows everything to fix.
 */

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "buf.h"
#include "common.h"
#include "config.h"
#include "feed_parse.h"
#include "log.h"
#include "store.h"
#include "store_dedup.h"
#include "xmalloc.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif

/* --- small helpers ------------------------------------------------------------------- */

/* Directory part of an absolute path (caller frees). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* path made absolute against dir, with "./" segments dropped (caller frees). */
static char *resolve(const char *dir, const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (path[0] == '/')
		return xstrdup(path);
	if (strcmp(dir, "/") == 0)
		return xasprintf("/%s", path);
	return xasprintf("%s/%s", dir, path);
}

static char *absolute(const char *path)
{
	if (path[0] == '/')
		return xstrdup(path);
	char cwd[4096];
	if (!getcwd(cwd, sizeof cwd))
		return xstrdup(path);
	return resolve(cwd, path);
}

static void strv_push(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * Splits a comma-separated list into trimmed items appended to *v.  Empty items ("a,,b",
 * trailing comma) are errors reported against file:line.  Returns the number of errors.
 */
static int split_list(const char *value, const char *what, char ***v, size_t *n,
		      const char *file, int line, struct pw_errlist *errs)
{
	int bad = 0;
	const char *p = value;
	for (;;) {
		const char *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);
		const char *a = p, *b = end;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (a == b) {
			pw_errlist_add(errs, file, line, "empty %s in list", what);
			bad++;
		} else {
			char *item = xstrndup(a, (size_t)(b - a));
			strv_push(v, n, item);
			free(item);
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	return bad;
}

/* Reports keys given twice in one section, unless listed in `repeatable` (NULL-terminated). */
static void check_duplicate_keys(const struct pw_ini *ini, const struct pw_ini_section *sec,
				 const char *const *repeatable, struct pw_errlist *errs)
{
	for (size_t i = 0; i < sec->nentries; i++) {
		int rep = 0;
		for (const char *const *r = repeatable; r && *r; r++)
			if (strcmp(*r, sec->entries[i].key) == 0)
				rep = 1;
		if (rep)
			continue;
		for (size_t k = 0; k < i; k++)
			if (strcmp(sec->entries[k].key, sec->entries[i].key) == 0) {
				pw_errlist_add(errs, ini->path, sec->entries[i].line,
					       "duplicate key '%s' in [%s] (first at line %d)",
					       sec->entries[i].key, sec->name, sec->entries[k].line);
				break;
			}
	}
}

/* Line number of a "PATH:LINE: ..." message of file path; 0 for other messages. */
static long msg_line(const char *msg, const char *path)
{
	size_t n = strlen(path);
	if (strncmp(msg, path, n) != 0 || msg[n] != ':')
		return 0;
	return strtol(msg + n + 1, NULL, 10);
}

/*
 * The INI reader reports syntax errors before the checkers report bad values, so a file's
 * messages come out of line order; put the messages added since `from` back in line order
 * (stable, so several messages for one line keep their order).
 */
static void sort_by_line(struct pw_errlist *errs, size_t from, const char *path)
{
	for (size_t i = from + 1; i < errs->n; i++) {
		char *m = errs->msgs[i];
		long line = msg_line(m, path);
		size_t k = i;
		while (k > from && msg_line(errs->msgs[k - 1], path) > line) {
			errs->msgs[k] = errs->msgs[k - 1];
			k--;
		}
		errs->msgs[k] = m;
	}
}

/* --- presswatch.conf ----------------------------------------------------------------- */

enum kind { K_PATH, K_STR, K_INT, K_DUR, K_RETENTION, K_DUR_MS, K_SIZE, K_BOOL, K_REAL, K_LEVEL, K_FACILITY, K_LIST, K_INCLUDE };

struct keydef {
	const char *section, *key;
	enum kind kind;
	size_t off;          /* into struct pw_config; for K_LIST the char ** (count follows at off2) */
	size_t off2;
	double min, max;     /* bounds for numbers (durations in seconds, K_DUR_MS in ms, sizes in bytes) */
};

#define F(field) offsetof(struct pw_config, field)
#define BIG 1e18
static const struct keydef keydefs[] = {
	{ "store", "path", K_PATH, F(store_path), 0, 0, 0 },
	/* a minute bounds how long new items stay invisible to the CLI and the WAL's growth */
	{ "store", "commit_interval", K_DUR_MS, F(commit_interval_ms), 0, 1, 60000 },
	/* 100,000 items are ~400 MB of WAL in one transaction */
	{ "store", "commit_items", K_INT, F(commit_items), 0, 1, 100000 },
	/* SQLite's page cache: below 1 MiB the dedup indexes thrash (store.c); 2 GiB is a sanity cap */
	{ "store", "cache_size", K_SIZE, F(cache_size), 0, 1024.0 * 1024, 2048.0 * 1024 * 1024 },
	/* retention: 0 / "forever" keeps everything; otherwise a day at least, so that a bare
	 * number (seconds) or a typo cannot empty the store within the hour */
	{ "store", "keep", K_RETENTION, F(store_keep_s), 0, PW_STORE_KEEP_MIN_S, BIG },
	{ "log", "level", K_LEVEL, F(log_level), 0, 0, 0 },
	{ "log", "syslog_facility", K_FACILITY, F(syslog_facility), 0, 0, 0 },
	{ "fetch", "concurrency", K_INT, F(concurrency), 0, 1, 4096 },
	{ "fetch", "per_host", K_INT, F(per_host), 0, 1, 256 },
	{ "fetch", "connect_timeout", K_DUR, F(connect_timeout_s), 0, 1, 3600 },
	{ "fetch", "timeout", K_DUR, F(timeout_s), 0, 1, 86400 },
	{ "fetch", "low_speed_time", K_DUR, F(low_speed_time_s), 0, 0, 86400 },
	{ "fetch", "low_speed_limit", K_SIZE, F(low_speed_limit), 0, 0, BIG },
	{ "fetch", "max_body", K_SIZE, F(max_body), 0, 1024, 1024.0 * 1024 * 1024 },
	{ "fetch", "max_article_body", K_SIZE, F(max_article_body), 0, 1024, 1024.0 * 1024 * 1024 },
	{ "fetch", "max_redirects", K_INT, F(max_redirects), 0, 0, 50 },
	{ "fetch", "user_agent_contact", K_STR, F(user_agent_contact), 0, 0, 0 },
	{ "poll", "interval", K_DUR, F(interval_s), 0, 1, BIG },
	{ "poll", "min_interval", K_DUR, F(min_interval_s), 0, 1, BIG },
	{ "poll", "max_interval", K_DUR, F(max_interval_s), 0, 1, BIG },
	{ "poll", "max_backoff", K_DUR, F(max_backoff_s), 0, 1, BIG },
	{ "poll", "jitter", K_REAL, F(jitter), 0, 0, 0.5 },
	{ "articles", "fetch", K_BOOL, F(fetch_articles), 0, 0, 0 },
	{ "articles", "skip_if_content", K_SIZE, F(skip_if_content), 0, 0, BIG },
	{ "articles", "retries", K_INT, F(article_retries), 0, 0, 100 },
	{ "limits", "max_items_per_poll", K_INT, F(max_items_per_poll), 0, 1, 1000000 },
	{ "limits", "max_queue", K_INT, F(max_queue), 0, 1, 100000000 },
	{ "limits", "max_items_per_document", K_INT, F(max_items_per_document), 0, 1, 1000000 },
	{ "limits", "max_field_size", K_SIZE, F(max_field_size), 0, 1024, 1024.0 * 1024 * 1024 },
	{ "dedup", "near_duplicate", K_REAL, F(near_duplicate), 0, 0.01, 1 },
	{ "dedup", "same_story", K_REAL, F(same_story), 0, 0.01, 1 },
	{ "dedup", "story_window", K_DUR, F(story_window_s), 0, 60, BIG },
	{ "alerts", "log", K_PATH, F(alert_log), 0, 0, 0 },
	{ "alerts", "max_age", K_DUR, F(alert_max_age_s), 0, 0, BIG },
	{ "alerts", "command", K_STR, F(alert_command), 0, 0, 0 },
	{ "alerts", "command_timeout", K_DUR, F(alert_command_timeout_s), 0, 1, 86400 },
	{ "statements", "speakers", K_LIST, F(speakers), F(nspeakers), 0, 0 },
	{ "include", "feeds", K_INCLUDE, 0, 0, 0, 0 },
	{ "include", "topics", K_INCLUDE, 0, 0, 0, 0 },
};
#undef F

static const char *const sections[] = {
	"store", "log", "fetch", "poll", "articles", "limits", "dedup", "alerts", "statements", "include",
};

static void set_defaults(struct pw_config *c)
{
	c->store_path = xstrdup(LOCALSTATEDIR "/lib/presswatch/presswatch.db");
	c->commit_interval_ms = 250;   /* daemon/batch.h's defaults; test_batch checks they agree */
	c->commit_items = 2000;
	c->cache_size = PW_STORE_CACHE_DEFAULT;
	c->log_level = LOG_INFO;
	c->syslog_facility = LOG_DAEMON;
	c->concurrency = 32;
	c->per_host = 2;
	c->connect_timeout_s = 10;
	c->timeout_s = 30;
	c->low_speed_time_s = 20;
	c->low_speed_limit = 100;
	c->max_body = 8u * 1024 * 1024;
	c->max_article_body = 4u * 1024 * 1024;
	c->max_redirects = 5;
	c->user_agent_contact = NULL;
	c->interval_s = 10 * 60;
	c->min_interval_s = 2 * 60;
	c->max_interval_s = 6 * 3600;
	c->max_backoff_s = 6 * 3600;
	c->jitter = 0.1;
	c->fetch_articles = 1;
	c->skip_if_content = 1500;
	c->article_retries = 3;
	c->max_items_per_poll = 500;
	c->max_queue = 10000;
	c->max_items_per_document = PW_FEED_DEFAULT_MAX_ITEMS;
	c->max_field_size = PW_FEED_DEFAULT_MAX_FIELD;
	c->near_duplicate = 0.8;
	c->same_story = 0.40;
	c->story_window_s = 72 * 3600;
	c->alert_log = xstrdup(LOCALSTATEDIR "/log/presswatch/alerts.jsonl");
	c->alert_max_age_s = 48 * 3600;
	c->alert_command = NULL;
	c->alert_command_timeout_s = 10;
}

static const struct keydef *find_key(const char *section, const char *key)
{
	for (size_t i = 0; i < PW_ARRAY_SIZE(keydefs); i++)
		if (strcmp(keydefs[i].section, section) == 0 && strcmp(keydefs[i].key, key) == 0)
			return &keydefs[i];
	return NULL;
}

/* A bound in milliseconds as the config would write it: "60s", "250ms". */
static void format_ms(char *out, size_t size, int64_t ms)
{
	if (ms % 1000 == 0)
		snprintf(out, size, "%llds", (long long)(ms / 1000));
	else
		snprintf(out, size, "%lldms", (long long)ms);
}

/* Applies one presswatch.conf entry; errors reported against its line. */
static void apply_key(struct pw_config *c, const struct pw_ini *ini, const struct pw_ini_section *sec,
		      const struct pw_ini_entry *e, const char *dir, struct pw_errlist *errs)
{
	const struct keydef *k = find_key(sec->name, e->key);
	const char *file = ini->path, *v = e->value;
	char *base = (char *)c;

	if (!k) {
		const char *hint = NULL;
		for (size_t i = 0; i < PW_ARRAY_SIZE(keydefs); i++)
			if (strcmp(keydefs[i].key, e->key) == 0)
				hint = keydefs[i].section;
		if (hint)
			pw_errlist_add(errs, file, e->line, "unknown key '%s' in [%s] (it belongs in [%s])",
				       e->key, sec->name, hint);
		else
			pw_errlist_add(errs, file, e->line, "unknown key '%s' in [%s]", e->key, sec->name);
		return;
	}
	if (*v == '\0' && k->kind != K_STR && k->kind != K_INCLUDE && k->kind != K_LIST) {
		pw_errlist_add(errs, file, e->line, "empty value for '%s'", e->key);
		return;
	}
	switch (k->kind) {
	case K_PATH: {
		char **dst = (char **)(base + k->off);
		free(*dst);
		*dst = resolve(dir, v);
		break;
	}
	case K_STR: {
		char **dst = (char **)(base + k->off);
		free(*dst);
		*dst = *v ? xstrdup(v) : NULL;
		break;
	}
	case K_INT: {
		char *end;
		errno = 0;
		long n = strtol(v, &end, 10);
		if (errno || *end || end == v || n < k->min || n > k->max) {
			pw_errlist_add(errs, file, e->line, "'%s' must be a whole number from %.0f to %.0f, not '%s'",
				       e->key, k->min, k->max, v);
			return;
		}
		*(int *)(base + k->off) = (int)n;
		break;
	}
	case K_RETENTION: {
		/* a retention: "forever" or 0 (never), otherwise a duration within the bounds */
		_Static_assert(PW_STORE_KEEP_MIN_S == 86400, "the message below says 1d");
		int64_t s = 0;
		if (strcmp(v, "forever") != 0 && pw_parse_duration(v, &s) < 0) {
			pw_errlist_add(errs, file, e->line,
				       "'%s': bad duration '%s' (use e.g. 90s, 10m, 2h, 1d)", e->key, v);
			return;
		}
		if (s != 0 && (s < k->min || (double)s > k->max)) {
			pw_errlist_add(errs, file, e->line,
				       "'%s' must be 0 or forever (keep every item) or at least 1d, not '%s'", e->key, v);
			return;
		}
		*(int64_t *)(base + k->off) = s;
		break;
	}
	case K_DUR: {
		int64_t s;
		if (pw_parse_duration(v, &s) < 0) {
			pw_errlist_add(errs, file, e->line,
				       "'%s': bad duration '%s' (use e.g. 90s, 10m, 2h, 1d)", e->key, v);
			return;
		}
		if (s < k->min || (double)s > k->max) {
			if (k->max < BIG)
				pw_errlist_add(errs, file, e->line, "'%s' must be from %.0fs to %.0fs, not '%s'",
					       e->key, k->min, k->max, v);
			else
				pw_errlist_add(errs, file, e->line, "'%s' must be at least %.0fs, not '%s'",
					       e->key, k->min, v);
			return;
		}
		*(int64_t *)(base + k->off) = s;
		break;
	}
	case K_DUR_MS: {
		int64_t ms;
		if (pw_parse_duration_ms(v, &ms) < 0) {
			pw_errlist_add(errs, file, e->line,
				       "'%s': bad duration '%s' (use e.g. 250ms, 1s, 1s500ms)", e->key, v);
			return;
		}
		if (ms < k->min || (double)ms > k->max) {
			char lo[32], hi[32];
			format_ms(lo, sizeof lo, (int64_t)k->min);
			format_ms(hi, sizeof hi, (int64_t)k->max);
			pw_errlist_add(errs, file, e->line, "'%s' must be from %s to %s, not '%s'", e->key, lo, hi, v);
			return;
		}
		*(int64_t *)(base + k->off) = ms;
		break;
	}
	case K_SIZE: {
		size_t n;
		if (pw_parse_size(v, &n) < 0) {
			pw_errlist_add(errs, file, e->line, "'%s': bad size '%s' (use e.g. 512K, 8M, 1G)", e->key, v);
			return;
		}
		if ((double)n < k->min || (double)n > k->max) {
			pw_errlist_add(errs, file, e->line, "'%s' is out of range (%.0f to %.0f bytes): '%s'",
				       e->key, k->min, k->max, v);
			return;
		}
		*(size_t *)(base + k->off) = n;
		break;
	}
	case K_BOOL: {
		int b;
		if (pw_parse_bool(v, &b) < 0) {
			pw_errlist_add(errs, file, e->line, "'%s' must be yes or no, not '%s'", e->key, v);
			return;
		}
		*(int *)(base + k->off) = b;
		break;
	}
	case K_REAL: {
		char *end;
		errno = 0;
		double d = strtod(v, &end);
		if (errno || *end || end == v || !(d >= k->min && d <= k->max)) {
			pw_errlist_add(errs, file, e->line, "'%s' must be a number from %g to %g, not '%s'",
				       e->key, k->min, k->max, v);
			return;
		}
		*(double *)(base + k->off) = d;
		break;
	}
	case K_LEVEL: {
		int l = pw_log_level_from_name(v);
		if (l < 0) {
			pw_errlist_add(errs, file, e->line,
				       "unknown log level '%s' (error, warning, notice, info, debug)", v);
			return;
		}
		*(int *)(base + k->off) = l;
		break;
	}
	case K_FACILITY: {
		int f = pw_log_facility_from_name(v);
		if (f < 0) {
			pw_errlist_add(errs, file, e->line,
				       "unknown syslog facility '%s' (daemon, user, local0 ... local7)", v);
			return;
		}
		*(int *)(base + k->off) = f;
		break;
	}
	case K_LIST:
		if (*v)
			split_list(v, "name", (char ***)(base + k->off), (size_t *)(base + k->off2),
				   file, e->line, errs);
		break;
	case K_INCLUDE:
		break;  /* handled by load_includes() */
	}
}

/* --- feed lists ---------------------------------------------------------------------- */

static void feed_conf_free(struct pw_feed_conf *f)
{
	free(f->id);
	free(f->url);
	free(f->name);
	free(f->lang);
	strv_free(f->tags, f->ntags);
	free(f->file);
}

/* NULL when url is an acceptable feed URL, else the reason. */
static const char *bad_url(const char *url)
{
	const char *host;
	if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8;
	else
		return "only http:// and https:// URLs are supported";
	if (*host == '\0' || *host == '/' || *host == '?' || *host == '#')
		return "no host in URL";
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return "whitespace or control character in URL";
	return NULL;
}

/* BCP 47-ish: 2-3 letters, then -subtags of 1-8 letters/digits. */
static int good_lang(const char *s)
{
	size_t n = 0;
	while (isalpha((unsigned char)s[n]))
		n++;
	if (n < 2 || n > 3)
		return 0;
	s += n;
	while (*s == '-') {
		s++;
		n = 0;
		while (isalnum((unsigned char)s[n]))
			n++;
		if (n < 1 || n > 8)
			return 0;
		s += n;
	}
	return *s == '\0';
}

static int good_tag(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (!(isalnum(*p) || *p >= 0x80 || strchr("-_.:/", *p)))
			return 0;
	return *s != '\0';
}

static void load_feed_file(struct pw_config *c, const char *path, struct pw_errlist *errs)
{
	size_t nerr0 = errs->n;
	struct pw_ini *ini = pw_ini_load(path, errs);
	if (!ini)
		return;
	static const char *const none[] = { NULL };
	for (size_t i = 0; i < ini->nsections; i++) {
		const struct pw_ini_section *sec = &ini->sections[i];
		check_duplicate_keys(ini, sec, none, errs);

		const struct pw_feed_conf *prev = pw_config_find_feed(c, sec->name);
		if (prev) {
			pw_errlist_add(errs, path, sec->line, "duplicate feed id [%s] (first defined at %s:%d)",
				       sec->name, prev->file, prev->line);
			continue;
		}
		struct pw_feed_conf f = { 0 };
		f.id = xstrdup(sec->name);
		f.enabled = 1;
		f.tls_verify = 1;
		f.file = xstrdup(path);
		f.line = sec->line;
		int bad = 0;
		for (size_t k = 0; k < sec->nentries; k++) {
			const struct pw_ini_entry *e = &sec->entries[k];
			const char *v = e->value;
			if (strcmp(e->key, "url") == 0) {
				const char *why = bad_url(v);
				if (why) {
					pw_errlist_add(errs, path, e->line, "feed [%s]: bad url '%s': %s", f.id, v, why);
					bad++;
				}
				free(f.url);
				f.url = xstrdup(v);
			} else if (strcmp(e->key, "name") == 0) {
				if (!*v) {
					pw_errlist_add(errs, path, e->line, "feed [%s]: empty name", f.id);
					bad++;
				}
				free(f.name);
				f.name = xstrdup(v);
			} else if (strcmp(e->key, "lang") == 0) {
				if (!good_lang(v)) {
					pw_errlist_add(errs, path, e->line,
						       "feed [%s]: bad language '%s' (use a code like en, ru, hy, az, uk, pt-BR)",
						       f.id, v);
					bad++;
				}
				free(f.lang);
				f.lang = xstrdup(v);
			} else if (strcmp(e->key, "tags") == 0) {
				size_t first = f.ntags;
				bad += split_list(v, "tag", &f.tags, &f.ntags, path, e->line, errs);
				for (size_t t = first; t < f.ntags; t++)
					if (!good_tag(f.tags[t])) {
						pw_errlist_add(errs, path, e->line,
							       "feed [%s]: bad tag '%s' (letters, digits, - _ . : /)",
							       f.id, f.tags[t]);
						bad++;
					}
			} else if (strcmp(e->key, "interval") == 0) {
				if (pw_parse_duration(v, &f.interval_s) < 0 || f.interval_s < 1) {
					pw_errlist_add(errs, path, e->line,
						       "feed [%s]: bad interval '%s' (use e.g. 90s, 10m, 2h)", f.id, v);
					bad++;
				}
			} else if (strcmp(e->key, "enabled") == 0 || strcmp(e->key, "tls_verify") == 0) {
				int *dst = e->key[0] == 'e' ? &f.enabled : &f.tls_verify;
				if (pw_parse_bool(v, dst) < 0) {
					pw_errlist_add(errs, path, e->line, "feed [%s]: '%s' must be yes or no, not '%s'",
						       f.id, e->key, v);
					bad++;
				}
			} else {
				pw_errlist_add(errs, path, e->line,
					       "feed [%s]: unknown key '%s' (url, name, lang, tags, interval, enabled, tls_verify)",
					       f.id, e->key);
				bad++;
			}
		}
		if (!f.url) {
			pw_errlist_add(errs, path, sec->line, "feed [%s] has no url", f.id);
			bad++;
		}
		void *same = bad ? NULL : pw_strmap_get(&c->feed_urls, f.url);
		if (same) {
			const struct pw_feed_conf *o = &c->feeds[pw_strmap_index(same)];
			pw_errlist_add(errs, path, sec->line, "feed [%s] has the same url as [%s] (%s:%d)",
				       f.id, o->id, o->file, o->line);
			bad++;
		}
		if (bad) {
			feed_conf_free(&f);
			continue;
		}
		if (!f.name)
			f.name = xstrdup(f.id);
		c->feeds = xreallocarray(c->feeds, c->nfeeds + 1, sizeof *c->feeds);
		c->feeds[c->nfeeds] = f;
		/* keyed by the strings of the stored copy, which live as long as the config */
		pw_strmap_put(&c->feed_ids, f.id, pw_strmap_pos(c->nfeeds));
		pw_strmap_put(&c->feed_urls, f.url, pw_strmap_pos(c->nfeeds));
		c->nfeeds++;
	}
	pw_ini_free(ini);
	sort_by_line(errs, nerr0, path);
}

/* --- topics -------------------------------------------------------------------------- */

static void topic_conf_free(struct pw_topic_conf *t)
{
	free(t->name);
	for (size_t g = 0; g < t->ngroups; g++)
		strv_free(t->groups[g].terms, t->groups[g].nterms);
	free(t->groups);
	strv_free(t->none, t->nnone);
	free(t->file);
}

/* Checks terms [first, n) of a list; a '*' is only allowed as the last character. */
static int check_terms(char **terms, size_t first, size_t n, const char *topic,
		       const char *file, int line, struct pw_errlist *errs)
{
	int bad = 0;
	for (size_t i = first; i < n; i++) {
		const char *t = terms[i], *star = strchr(t, '*');
		if (strcmp(t, "*") == 0 || (star && star[1] != '\0')) {
			pw_errlist_add(errs, file, line,
				       "topic [%s]: bad term '%s': '*' only at the end of a word, as a prefix match",
				       topic, t);
			bad++;
		}
	}
	return bad;
}

static const struct pw_topic_conf *find_topic(const struct pw_config *c, const char *name)
{
	for (size_t i = 0; i < c->ntopics; i++)
		if (strcmp(c->topics[i].name, name) == 0)
			return &c->topics[i];
	return NULL;
}

static void load_topic_file(struct pw_config *c, const char *path, struct pw_errlist *errs)
{
	size_t nerr0 = errs->n;
	struct pw_ini *ini = pw_ini_load(path, errs);
	if (!ini)
		return;
	static const char *const repeatable[] = { "any", "none", NULL };
	for (size_t i = 0; i < ini->nsections; i++) {
		const struct pw_ini_section *sec = &ini->sections[i];
		check_duplicate_keys(ini, sec, repeatable, errs);
		const struct pw_topic_conf *prev = find_topic(c, sec->name);
		if (prev) {
			pw_errlist_add(errs, path, sec->line, "duplicate topic [%s] (first defined at %s:%d)",
				       sec->name, prev->file, prev->line);
			continue;
		}
		struct pw_topic_conf t = { 0 };
		t.name = xstrdup(sec->name);
		t.file = xstrdup(path);
		t.line = sec->line;
		int bad = 0;
		for (size_t k = 0; k < sec->nentries; k++) {
			const struct pw_ini_entry *e = &sec->entries[k];
			if (strcmp(e->key, "alert") == 0) {
				if (pw_parse_bool(e->value, &t.alert) < 0) {
					pw_errlist_add(errs, path, e->line, "topic [%s]: 'alert' must be yes or no, not '%s'",
						       t.name, e->value);
					bad++;
				}
			} else if (strcmp(e->key, "any") == 0) {
				t.groups = xreallocarray(t.groups, t.ngroups + 1, sizeof *t.groups);
				struct pw_topic_group *g = &t.groups[t.ngroups++];
				memset(g, 0, sizeof *g);
				bad += split_list(e->value, "term", &g->terms, &g->nterms, path, e->line, errs);
				bad += check_terms(g->terms, 0, g->nterms, t.name, path, e->line, errs);
			} else if (strcmp(e->key, "none") == 0) {
				size_t first = t.nnone;
				bad += split_list(e->value, "term", &t.none, &t.nnone, path, e->line, errs);
				bad += check_terms(t.none, first, t.nnone, t.name, path, e->line, errs);
			} else {
				pw_errlist_add(errs, path, e->line, "topic [%s]: unknown key '%s' (alert, any, none)",
					       t.name, e->key);
				bad++;
			}
		}
		if (t.ngroups == 0) {
			pw_errlist_add(errs, path, sec->line, "topic [%s] has no 'any' line", t.name);
			bad++;
		}
		if (bad) {
			topic_conf_free(&t);
			continue;
		}
		c->topics = xreallocarray(c->topics, c->ntopics + 1, sizeof *c->topics);
		c->topics[c->ntopics++] = t;
	}
	pw_ini_free(ini);
	sort_by_line(errs, nerr0, path);
}

/* --- [include] ----------------------------------------------------------------------- */

/* Copy of s with glob metacharacters escaped, so a directory name is taken literally. */
static char *glob_escape(const char *s)
{
	struct pw_buf b = PW_BUF_INIT;
	for (; *s; s++) {
		if (strchr("*?[]\\", *s))
			pw_buf_putc(&b, '\\');
		pw_buf_putc(&b, *s);
	}
	return pw_buf_detach(&b);
}

typedef void (*loader_fn)(struct pw_config *, const char *, struct pw_errlist *);

/*
 * Loads every file named by an [include] value: whitespace-separated paths, each relative to
 * presswatch.conf's directory.  A pattern with a wildcard may match nothing (an empty
 * feeds.d/ is normal); a plain name that does not exist is an error.
 */
static void load_includes(struct pw_config *c, const char *value, const char *what, const char *file,
			  int line, const char *dir, loader_fn load, struct pw_errlist *errs)
{
	char *copy = xstrdup(value), *save = NULL;
	char *edir = glob_escape(dir);
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		int wild = strpbrk(w, "*?[") != NULL;
		if (!wild) {
			char *p = resolve(dir, w);
			struct stat st;
			if (stat(p, &st) < 0)
				pw_errlist_add(errs, file, line, "cannot read %s file %s: %s", what, p, strerror(errno));
			else
				load(c, p, errs);
			free(p);
			continue;
		}
		char *pattern = w[0] == '/' ? xstrdup(w) : resolve(edir, w);
		glob_t g;
		int rc = glob(pattern, 0, NULL, &g);
		if (rc == 0) {
			for (size_t i = 0; i < g.gl_pathc; i++)
				load(c, g.gl_pathv[i], errs);
		} else if (rc != GLOB_NOMATCH) {
			pw_errlist_add(errs, file, line, "cannot list %s files %s: %s", what, pattern,
				       rc == GLOB_NOSPACE ? "out of memory" : "read error");
		}
		if (rc != GLOB_NOMATCH)
			globfree(&g);
		free(pattern);
	}
	free(edir);
	free(copy);
}

/* --- the whole configuration --------------------------------------------------------- */

struct pw_config *pw_config_load(const char *path, struct pw_errlist *errs)
{
	size_t nerr0 = errs->n;
	char *abspath = absolute(path);
	struct pw_ini *ini = pw_ini_load(abspath, errs);
	if (!ini) {
		free(abspath);
		return NULL;
	}
	struct pw_config *c = xcalloc(1, sizeof *c);
	c->path = abspath;
	set_defaults(c);
	char *dir = dir_of(abspath);

	const char *feeds_inc = "feeds.conf feeds.d/*.conf", *topics_inc = "topics.conf";
	int feeds_line = 0, topics_line = 0, poll_line = 0;
	static const char *const rep[] = { "speakers", NULL };
	for (size_t i = 0; i < ini->nsections; i++) {
		const struct pw_ini_section *sec = &ini->sections[i];
		int known = 0;
		for (size_t k = 0; k < PW_ARRAY_SIZE(sections); k++)
			if (strcmp(sections[k], sec->name) == 0)
				known = 1;
		if (!known) {
			pw_errlist_add(errs, ini->path, sec->line,
				       "unknown section [%s] (store, log, fetch, poll, articles, limits, dedup, "
				       "alerts, statements, include)", sec->name);
			continue;
		}
		check_duplicate_keys(ini, sec, rep, errs);
		for (size_t k = 0; k < sec->nentries; k++) {
			const struct pw_ini_entry *e = &sec->entries[k];
			apply_key(c, ini, sec, e, dir, errs);
			if (strcmp(sec->name, "poll") == 0 &&
			    (strcmp(e->key, "min_interval") == 0 || strcmp(e->key, "max_interval") == 0))
				poll_line = e->line;
			if (strcmp(sec->name, "include") == 0 && strcmp(e->key, "feeds") == 0) {
				feeds_inc = e->value;
				feeds_line = e->line;
			} else if (strcmp(sec->name, "include") == 0 && strcmp(e->key, "topics") == 0) {
				topics_inc = e->value;
				topics_line = e->line;
			}
		}
	}
	if (c->min_interval_s > c->max_interval_s)
		pw_errlist_add(errs, ini->path, poll_line, "[poll] min_interval (%llds) is larger than max_interval (%llds)",
			       (long long)c->min_interval_s, (long long)c->max_interval_s);
	sort_by_line(errs, nerr0, ini->path);

	load_includes(c, feeds_inc, "feeds", ini->path, feeds_line, dir, load_feed_file, errs);
	load_includes(c, topics_inc, "topics", ini->path, topics_line, dir, load_topic_file, errs);

	free(dir);
	pw_ini_free(ini);
	if (errs->n > nerr0) {
		pw_config_free(c);
		return NULL;
	}
	return c;
}

void pw_config_free(struct pw_config *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->store_path);
	free(c->user_agent_contact);
	free(c->alert_log);
	free(c->alert_command);
	strv_free(c->speakers, c->nspeakers);
	for (size_t i = 0; i < c->nfeeds; i++)
		feed_conf_free(&c->feeds[i]);
	free(c->feeds);
	pw_strmap_free(&c->feed_ids);
	pw_strmap_free(&c->feed_urls);
	for (size_t i = 0; i < c->ntopics; i++)
		topic_conf_free(&c->topics[i]);
	free(c->topics);
	free(c);
}

const struct pw_feed_conf *pw_config_find_feed(const struct pw_config *c, const char *id)
{
	void *pos = pw_strmap_get(&c->feed_ids, id);
	return pos ? &c->feeds[pw_strmap_index(pos)] : NULL;
}

void pw_config_dedup_conf(const struct pw_config *cfg, struct pw_dedup_conf *out)
{
	pw_dedup_conf_default(out);
	if (cfg->near_duplicate > 0)
		out->near_duplicate = cfg->near_duplicate;
	if (cfg->same_story > 0)
		out->same_story = cfg->same_story;
	if (cfg->story_window_s > 0)
		out->window_s = cfg->story_window_s;
}
