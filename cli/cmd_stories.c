/* cmd_stories.c -- `presswatch stories`: stories (items grouped across outlets), newest first,
 * with the outlets that carried them; --json adds every item of each story. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "cli_args.h"
#include "cli_store.h"
#include "common.h"
#include "json.h"
#include "output.h"
#include "store.h"
#include "store_query.h"
#include "xmalloc.h"

#define CMD "stories"
#define DEFAULT_LIMIT 30

static const struct out_col cols[] = {
	{ "id", "ID", OUT_INT, 0, 0 },
	{ "first_seen", "FIRST SEEN", OUT_TIME, 0, 0 },
	{ "last_seen", "LAST SEEN", OUT_TIME, 0, 0 },
	{ "item_count", "ITEMS", OUT_INT, 0, 0 },
	{ "outlets", "OUTLETS", OUT_TEXT, 40, 0 },
	{ "title", "TITLE", OUT_TEXT, 80, OUT_FLEX },
	{ "first_item", "FIRST_ITEM", OUT_INT, 0, OUT_JSON_ONLY },
};

struct ctx {
	struct pw_store *s;
	struct out *o;
	int min_outlets;
	size_t limit, shown;
	struct pw_buf outlets;  /* "a, b, c": distinct feeds of the current story */
	struct pw_json *j;      /* JSON: the current story's items array */
	int failed;
};

/* Collects the feed of each item once (items come oldest first) and, in JSON, the item. */
static int story_item(const struct pw_item_row *r, void *arg)
{
	struct ctx *c = arg;
	const char *name = r->feed ? r->feed : "?";
	size_t n = strlen(name);
	const char *p = pw_buf_cstr(&c->outlets);
	int seen = 0;
	while (*p) {
		const char *e = strstr(p, ", ");
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && memcmp(p, name, n) == 0)
			seen = 1;
		p += len + (e ? 2 : 0);
	}
	if (!seen)
		pw_buf_printf(&c->outlets, "%s%s", c->outlets.len ? ", " : "", name);
	if (c->j) {
		pw_json_obj_begin(c->j);
		pw_json_key(c->j, "id");
		pw_json_int(c->j, r->id);
		pw_json_key(c->j, "feed");
		pw_json_str(c->j, r->feed);
		pw_json_key(c->j, "outlet");
		pw_json_str(c->j, r->outlet);
		pw_json_key(c->j, "published");
		pw_json_time(c->j, r->published);
		pw_json_key(c->j, "title");
		pw_json_str(c->j, r->title);
		pw_json_key(c->j, "url");
		pw_json_str(c->j, r->url);
		pw_json_key(c->j, "lang");
		pw_json_str(c->j, r->lang);
		pw_json_key(c->j, "dup_of");
		if (r->dup_of)
			pw_json_int(c->j, r->dup_of);
		else
			pw_json_null(c->j);
		pw_json_obj_end(c->j);
	}
	return 0;
}

static int story(const struct pw_story_row *r, void *arg)
{
	struct ctx *c = arg;
	if (r->outlets < c->min_outlets)
		return 0;
	if (c->limit && c->shown >= c->limit)
		return 1; /* enough: stop the iteration */
	c->shown++;
	struct pw_item_filter f;
	pw_item_filter_init(&f);
	f.story_id = r->id;
	f.oldest_first = 1;

	pw_buf_reset(&c->outlets);
	out_int(c->o, r->id);
	out_time(c->o, r->first_seen);
	out_time(c->o, r->last_seen);
	out_int(c->o, r->item_count);
	/* The outlet names are known only after the items: the table shows them in the OUTLETS
	 * column, JSON has the count there and the names as an array after the items. */
	struct pw_json *j = out_json(c->o);
	if (j) {
		out_int(c->o, r->outlets);
		out_text(c->o, r->title);
		out_int_or_null(c->o, r->first_item, r->first_item == 0);
		pw_json_key(j, "items");
		pw_json_arr_begin(j);
		c->j = j;
	}
	int rc = pw_query_items(c->s, &f, story_item, c);
	c->j = NULL;
	if (j) {
		pw_json_arr_end(j);
		pw_json_key(j, "outlet_names");
		pw_json_arr_begin(j);
		const char *p = pw_buf_cstr(&c->outlets);
		while (*p) {
			const char *e = strstr(p, ", ");
			size_t len = e ? (size_t)(e - p) : strlen(p);
			pw_json_strn(j, p, len);
			p += len + (e ? 2 : 0);
		}
		pw_json_arr_end(j);
	} else {
		out_text(c->o, pw_buf_cstr(&c->outlets));
		out_text(c->o, r->title);
		out_int_or_null(c->o, r->first_item, r->first_item == 0);
	}
	out_end_row(c->o);
	return rc < 0 ? -1 : 0;
}

int cmd_stories(int argc, char **argv)
{
	enum { OPT_MIN_OUTLETS = OPT_CMD_BASE };
	static const struct option opts[] = {
		CLI_FORMAT_OPTIONS,
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "min-outlets", required_argument, NULL, OPT_MIN_OUTLETS },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common co;
	int64_t min = 0;
	int ch;

	cli_common_init(&co, DEFAULT_LIMIT);

	while ((ch = cli_getopt(CMD, argc, argv, ":", opts, &co)) != -1) {
		switch (ch) {
		case OPT_USAGE: return CLI_USAGE;
		case OPT_MIN_OUTLETS:
			if (cli_arg_id(CMD, "--min-outlets", optarg, &min) < 0)
				return CLI_USAGE;
			break;
		default: return cli_bad_option(CMD, argv, ch);
		}
	}
	enum out_format fmt = co.fmt;
	int64_t since = co.since, until = co.until;
	size_t limit = co.limit;
	if (optind < argc)
		return cli_usage(CMD, "unexpected argument '%s'", argv[optind]);

	struct ctx c = { 0 };
	c.s = cli_store_open(CMD);
	if (c.s == NULL)
		return CLI_ERR;
	c.min_outlets = min > 1000 ? 1000 : (int)min;
	c.o = cli_out(fmt, cols, PW_ARRAY_SIZE(cols));
	/* --min-outlets filters after the query, so the limit is counted in story(), not in SQL. */
	c.limit = limit;
	int rc = pw_query_stories(c.s, since, until, 0, story, &c);
	if (rc < 0) {
		out_finish(c.o);
		rc = cli_store_failed(CMD, c.s);
	} else {
		rc = cli_out_finish(CMD, c.o);
	}
	pw_buf_free(&c.outlets);
	cli_store_close(c.s);
	return rc;
}
