/* cmd_alerts.c -- `presswatch alerts`: the alerts recorded by presswatchd, oldest first;
 * --follow keeps polling the store (read-only, once a second) and prints new ones as they are
 * recorded, like `tail -f` but from the store, so it survives log rotation and restarts. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "cli_args.h"
#include "cli_store.h"
#include "common.h"
#include "json.h"
#include "output.h"
#include "store.h"
#include "store_alerts.h"
#include "xmalloc.h"

#define CMD "alerts"

static const struct out_col cols[] = {
	{ "id", "ID", OUT_INT, 0, 0 },
	{ "created", "TIME", OUT_TIME, 0, 0 },
	{ "topic", "TOPIC", OUT_TEXT, 28, 0 },
	{ "story_id", "STORY", OUT_INT, 0, 0 },
	{ "item_id", "ITEM", OUT_INT, 0, OUT_JSON_ONLY },
	{ "feed", "FEED", OUT_TEXT, 0, OUT_JSON_ONLY },
	{ "outlet", "OUTLET", OUT_TEXT, 24, 0 },
	{ "speakers", "SPEAKERS", OUT_TEXT, 36, 0 },
	{ "title", "TITLE", OUT_TEXT, 80, OUT_FLEX },
	{ "url", "URL", OUT_TEXT, 0, OUT_JSON_ONLY },
	{ "published", "PUBLISHED", OUT_TIME, 0, OUT_JSON_ONLY },
	{ "snippet", "SNIPPET", OUT_TEXT, 0, OUT_JSON_ONLY },
};

static void row(struct out *o, const struct pw_alert *a)
{
	struct pw_buf sp = PW_BUF_INIT;
	for (size_t i = 0; i < a->nspeakers; i++)
		pw_buf_printf(&sp, "%s%s", i ? ", " : "", a->speakers[i]);
	out_int(o, a->id);
	out_time(o, a->created);
	out_text(o, a->topics);
	out_int_or_null(o, a->story_id, a->story_id == 0);
	out_int(o, a->item_id);
	out_text(o, a->feed);
	out_text(o, a->outlet ? a->outlet : a->feed);
	out_text(o, a->nspeakers ? pw_buf_cstr(&sp) : NULL);
	out_text(o, a->title);
	out_text(o, a->url);
	out_time(o, a->published);
	out_text(o, a->snippet);
	out_end_row(o);
	pw_buf_free(&sp);
}

/* --follow without --json: one line per alert, no table headers between batches. */
static void line(const struct pw_alert *a)
{
	char when[32];
	pw_format_iso8601(a->created, when);
	printf("%s  #%lld [%s] %s: %s", when, (long long)a->id, a->topics ? a->topics : "",
	       a->outlet ? a->outlet : a->feed ? a->feed : "?", a->title ? a->title : "(untitled)");
	for (size_t i = 0; i < a->nspeakers; i++)
		printf("%s%s", i ? ", " : " -- ", a->speakers[i]);
	if (a->url)
		printf(" <%s>", a->url);
	printf("\n");
}

/* Prints alerts after *last (updating it); -1 on a store error. */
static int print_batch(struct pw_store *s, enum out_format fmt, int plain, int64_t since,
		       size_t limit, int64_t *last, int *write_failed)
{
	struct pw_alert *a;
	size_t n;
	if (pw_store_alerts_list(s, *last, since, limit, 0, &a, &n) < 0)
		return -1;
	if (n && plain) {
		for (size_t i = 0; i < n; i++)
			line(&a[i]);
		*last = a[n - 1].id;
		if (fflush(stdout) != 0 || ferror(stdout))
			*write_failed = 1;
	} else if (n) {
		struct out *o = cli_out(fmt, cols, PW_ARRAY_SIZE(cols));
		for (size_t i = 0; i < n; i++)
			row(o, &a[i]);
		*last = a[n - 1].id;
		if (cli_out_finish(CMD, o) != CLI_OK)
			*write_failed = 1;
		fflush(stdout);
	}
	pw_store_alerts_free(a, n);
	return (int)n;
}

int cmd_alerts(int argc, char **argv)
{
	enum { OPT_FOLLOW = OPT_CMD_BASE };
	static const struct option opts[] = {
		CLI_FORMAT_OPTIONS,
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common co;
	int follow = 0, ch;

	cli_common_init(&co, 0);

	while ((ch = cli_getopt(CMD, argc, argv, ":f", opts, &co)) != -1) {
		switch (ch) {
		case OPT_USAGE: return CLI_USAGE;
		case 'f':
		case OPT_FOLLOW:
			follow = 1;
			break;
		default: return cli_bad_option(CMD, argv, ch);
		}
	}
	enum out_format fmt = co.fmt;
	int64_t since = co.since;
	size_t limit = co.limit;
	if (optind < argc)
		return cli_usage(CMD, "unexpected argument '%s'", argv[optind]);
	if (follow && fmt == OUT_CSV)
		return cli_usage(CMD, "--follow prints a table or JSON lines, not CSV");

	struct pw_store *s = cli_store_open(CMD);
	if (s == NULL)
		return CLI_ERR;
	int64_t last = 0;
	int write_failed = 0, rc = CLI_OK;
	/* Without --follow, --limit keeps the newest N: skip ahead to them. */
	if (limit && !follow) {
		struct pw_alert *all;
		size_t n;
		if (pw_store_alerts_list(s, 0, since, 0, 0, &all, &n) < 0) {
			rc = cli_store_failed(CMD, s);
			cli_store_close(s);
			return rc;
		}
		if (n > limit)
			last = all[n - limit - 1].id;
		pw_store_alerts_free(all, n);
	}
	int plain = follow && fmt == OUT_TABLE;
	int n = print_batch(s, fmt, plain, since, follow ? 0 : limit, &last, &write_failed);
	if (n < 0)
		rc = cli_store_failed(CMD, s);
	else if (n == 0 && !follow && fmt == OUT_TABLE)
		fprintf(stderr, "presswatch: %s: no alerts%s\n", CMD, since != PW_NOTIME ? " in that period" : "");
	while (follow && rc == CLI_OK && !write_failed) {
		sleep(1);
		if (print_batch(s, fmt, plain, since, 0, &last, &write_failed) < 0)
			rc = cli_store_failed(CMD, s);
	}
	cli_store_close(s);
	return write_failed ? CLI_ERR : rc;
}
