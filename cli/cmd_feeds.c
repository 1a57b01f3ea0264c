/* cmd_feeds.c -- `presswatch feeds`: every feed's health, failing ones first. */

#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_store.h"
#include "common.h"
#include "output.h"
#include "store.h"
#include "store_query.h"

#define CMD "feeds"

static const struct out_col cols[] = {
	{ "name", "FEED", OUT_TEXT, 24, 0 },
	{ "state", "STATE", OUT_TEXT, 0, 0 },
	{ "last_polled", "LAST POLL", OUT_TIME, 0, 0 },
	{ "last_status", "HTTP", OUT_INT, 0, 0 },
	{ "items", "ITEMS", OUT_INT, 0, 0 },
	{ "newest", "NEWEST ITEM", OUT_TIME, 0, 0 },
	{ "next_poll", "NEXT POLL", OUT_TIME, 0, 0 },
	{ "fail_count", "FAILS", OUT_INT, 0, 0 },
	{ "last_error", "LAST ERROR", OUT_TEXT, 70, OUT_FLEX },
	{ "id", "ID", OUT_INT, 0, OUT_JSON_ONLY },
	{ "outlet", "OUTLET", OUT_TEXT, 0, OUT_JSON_ONLY },
	{ "url", "URL", OUT_TEXT, 0, OUT_JSON_ONLY },
	{ "title", "TITLE", OUT_TEXT, 0, OUT_JSON_ONLY },
	{ "site_url", "SITE_URL", OUT_TEXT, 0, OUT_JSON_ONLY },
	{ "lang", "LANG", OUT_TEXT, 0, OUT_JSON_ONLY },
	{ "enabled", "ENABLED", OUT_INT, 0, OUT_JSON_ONLY },
	{ "interval_s", "INTERVAL_S", OUT_INT, 0, OUT_JSON_ONLY },
};

/* One word a person scans for: disabled, never (polled), failing, ok. */
static const char *state(const struct pw_feed_row *r)
{
	if (!r->enabled)
		return "disabled";
	if (r->fail_count > 0)
		return "FAILING";
	if (r->last_polled == PW_NOTIME)
		return "never";
	return "ok";
}

static int row(const struct pw_feed_row *r, void *arg)
{
	struct out *o = arg;
	out_text(o, r->name);
	out_text(o, state(r));
	out_time(o, r->last_polled);
	out_int_or_null(o, r->last_status, r->last_status == 0);
	out_int(o, r->items);
	out_time(o, r->newest);
	out_time(o, r->enabled ? r->next_poll : PW_NOTIME);
	out_int(o, r->fail_count);
	out_text(o, r->last_error);
	out_int(o, r->id);
	out_text(o, r->outlet);
	out_text(o, r->url);
	out_text(o, r->title);
	out_text(o, r->site_url);
	out_text(o, r->lang);
	out_int(o, r->enabled);
	out_int(o, r->interval_s);
	out_end_row(o);
	return 0;
}

int cmd_feeds(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_FORMAT_OPTIONS,
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
	if (optind < argc)
		return cli_usage(CMD, "unexpected argument '%s'", argv[optind]);

	struct pw_store *s = cli_store_open(CMD);
	if (s == NULL)
		return CLI_ERR;
	struct out *o = cli_out(co.fmt, cols, PW_ARRAY_SIZE(cols));
	int rc;
	if (pw_query_feeds(s, row, o) < 0) {
		out_finish(o);
		rc = cli_store_failed(CMD, s);
	} else {
		rc = cli_out_finish(CMD, o);
	}
	cli_store_close(s);
	return rc;
}
