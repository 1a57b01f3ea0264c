/* cmd_stats.c -- `presswatch stats`: totals and counts by feed, topic, language and day. */

#include <getopt.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "cli.h"
#include "cli_args.h"
#include "cli_store.h"
#include "common.h"
#include "json.h"
#include "output.h"
#include "store.h"
#include "store_query.h"

#define CMD "stats"

static const struct {
	enum pw_count_by by;
	const char *key, *title;
} groups[] = {
	{ PW_COUNT_FEED, "feed", "FEED" },
	{ PW_COUNT_TOPIC, "topic", "TOPIC" },
	{ PW_COUNT_LANG, "lang", "LANG" },
	{ PW_COUNT_DAY, "day", "DAY" },
};

/* CSV: one table of (group, key, items) holding the totals and every breakdown. */
static const struct out_col csv_cols[] = {
	{ "group", "GROUP", OUT_TEXT, 0, 0 },
	{ "key", "KEY", OUT_TEXT, 0, 0 },
	{ "items", "ITEMS", OUT_INT, 0, 0 },
};

struct sink {
	enum out_format fmt;
	const char *group;
	struct out *o;
	struct pw_json *j;
};

static int count_row(const char *key, int64_t n, void *arg)
{
	struct sink *k = arg;
	if (k->fmt == OUT_JSON) {
		pw_json_key(k->j, key);
		pw_json_int(k->j, n);
		return 0;
	}
	if (k->fmt == OUT_CSV)
		out_text(k->o, k->group);
	out_text(k->o, key);
	out_int(k->o, n);
	out_end_row(k->o);
	return 0;
}

static void human_size(int64_t bytes, char out[32])
{
	const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1024 && u + 1 < PW_ARRAY_SIZE(unit)) {
		v /= 1024;
		u++;
	}
	snprintf(out, 32, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

static const struct {
	const char *key;
	size_t off;
} total_fields[] = {
	{ "feeds", offsetof(struct pw_store_totals, feeds) },
	{ "feeds_enabled", offsetof(struct pw_store_totals, feeds_enabled) },
	{ "feeds_failing", offsetof(struct pw_store_totals, feeds_failing) },
	{ "items", offsetof(struct pw_store_totals, items) },
	{ "duplicates", offsetof(struct pw_store_totals, duplicates) },
	{ "statements", offsetof(struct pw_store_totals, statements) },
	{ "articles_ok", offsetof(struct pw_store_totals, articles_ok) },
	{ "articles_pending", offsetof(struct pw_store_totals, articles_pending) },
	{ "stories", offsetof(struct pw_store_totals, stories) },
	{ "alerts", offsetof(struct pw_store_totals, alerts) },
	{ "bytes", offsetof(struct pw_store_totals, bytes) },
};
#define TOTAL(t, i) (*(const int64_t *)((const char *)(t) + total_fields[i].off))

static int print_table(struct pw_store *s, const struct pw_store_totals *t, int64_t since)
{
	char size[32], t1[32], t2[32];
	human_size(t->bytes, size);
	out_format_time(t->oldest, cli_opts.utc, t1);
	out_format_time(t->newest, cli_opts.utc, t2);
	printf("Database   %s (%s)\n", pw_store_path(s), size);
	printf("Feeds      %" PRId64 " (%" PRId64 " enabled, %" PRId64 " failing)\n", t->feeds,
	       t->feeds_enabled, t->feeds_failing);
	printf("Items      %" PRId64 " (near-duplicates %" PRId64 ", statements %" PRId64
	       ", articles fetched %" PRId64 ", waiting for their page %" PRId64 ")\n", t->items, t->duplicates,
	       t->statements, t->articles_ok, t->articles_pending);
	printf("Span       %s to %s\n", t1, t2);
	printf("Stories    %" PRId64 "\n", t->stories);
	printf("Alerts     %" PRId64 "\n", t->alerts);
	if (since != PW_NOTIME) {
		out_format_time(since, cli_opts.utc, t1);
		printf("\nCounts below: items since %s\n", t1);
	}
	for (size_t g = 0; g < PW_ARRAY_SIZE(groups); g++) {
		const struct out_col cols[] = {
			{ groups[g].key, groups[g].title, OUT_TEXT, 40, 0 },
			{ "items", "ITEMS", OUT_INT, 0, 0 },
		};
		putchar('\n');
		fflush(stdout);
		struct sink k = { OUT_TABLE, groups[g].key, cli_out(OUT_TABLE, cols, 2), NULL };
		int rc = pw_query_counts(s, groups[g].by, since, cli_opts.utc, count_row, &k);
		if (out_rows(k.o) == 0)
			printf("(no %s counts)\n", groups[g].key);
		if (cli_out_finish(CMD, k.o) != CLI_OK)
			return CLI_ERR;
		if (rc < 0)
			return cli_store_failed(CMD, s);
	}
	return CLI_OK;
}

static int print_csv(struct pw_store *s, const struct pw_store_totals *t, int64_t since)
{
	struct sink k = { OUT_CSV, "total", cli_out(OUT_CSV, csv_cols, 3), NULL };
	for (size_t i = 0; i < PW_ARRAY_SIZE(total_fields); i++)
		count_row(total_fields[i].key, TOTAL(t, i), &k);
	for (size_t g = 0; g < PW_ARRAY_SIZE(groups); g++) {
		k.group = groups[g].key;
		if (pw_query_counts(s, groups[g].by, since, cli_opts.utc, count_row, &k) < 0) {
			out_finish(k.o);
			return cli_store_failed(CMD, s);
		}
	}
	return cli_out_finish(CMD, k.o);
}

static int print_json(struct pw_store *s, const struct pw_store_totals *t, int64_t since)
{
	struct pw_buf b = PW_BUF_INIT;
	struct pw_json j;
	int rc = CLI_OK;
	pw_json_init(&j, &b);
	pw_json_obj_begin(&j);
	pw_json_key(&j, "database");
	pw_json_str(&j, pw_store_path(s));
	for (size_t i = 0; i < PW_ARRAY_SIZE(total_fields); i++) {
		pw_json_key(&j, total_fields[i].key);
		pw_json_int(&j, TOTAL(t, i));
	}
	pw_json_key(&j, "oldest");
	pw_json_time(&j, t->oldest);
	pw_json_key(&j, "newest");
	pw_json_time(&j, t->newest);
	pw_json_key(&j, "since");
	pw_json_time(&j, since);
	for (size_t g = 0; g < PW_ARRAY_SIZE(groups) && rc == CLI_OK; g++) {
		struct sink k = { OUT_JSON, groups[g].key, NULL, &j };
		char key[32];
		snprintf(key, sizeof key, "by_%s", groups[g].key);
		pw_json_key(&j, key);
		pw_json_obj_begin(&j);
		if (pw_query_counts(s, groups[g].by, since, 1, count_row, &k) < 0)
			rc = cli_store_failed(CMD, s);
		pw_json_obj_end(&j);
	}
	pw_json_obj_end(&j);
	pw_buf_putc(&b, '\n');
	if (rc == CLI_OK)
		fputs(pw_buf_cstr(&b), stdout);
	pw_buf_free(&b);
	return rc;
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_FORMAT_OPTIONS,
		{ "since", required_argument, NULL, OPT_SINCE },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common co;
	int ch;

	cli_common_init(&co, 0);

	while ((ch = cli_getopt(CMD, argc, argv, ":", opts, &co)) != -1) {
		switch (ch) {
		case OPT_USAGE: return CLI_USAGE;
		default: return cli_bad_option(CMD, argv, ch);
		}
	}
	enum out_format fmt = co.fmt;
	int64_t since = co.since;
	if (optind < argc)
		return cli_usage(CMD, "unexpected argument '%s'", argv[optind]);

	struct pw_store *s = cli_store_open(CMD);
	if (s == NULL)
		return CLI_ERR;
	struct pw_store_totals t;
	int rc;
	if (pw_query_totals(s, &t) < 0)
		rc = cli_store_failed(CMD, s);
	else if (fmt == OUT_JSON)
		rc = print_json(s, &t, since);
	else if (fmt == OUT_CSV)
		rc = print_csv(s, &t, since);
	else
		rc = print_table(s, &t, since);
	if (rc == CLI_OK && (fflush(stdout) != 0 || ferror(stdout)))
		rc = cli_error(CMD, "cannot write the output");
	cli_store_close(s);
	return rc;
}
