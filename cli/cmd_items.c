/* cmd_items.c -- `presswatch items`: stored items, newest first, filtered. */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_store.h"
#include "common.h"
#include "config.h"
#include "output.h"
#include "store.h"
#include "store_query.h"

#define CMD "items"
#define DEFAULT_LIMIT 50

enum { OPT_TOPIC = OPT_CMD_BASE, OPT_FEED, OPT_LANG, OPT_STORY, OPT_STATEMENTS, OPT_DUPS,
       OPT_NO_DUPS, OPT_ONLY_DUPS };

static const struct out_col cols[] = {
	{ "id", "ID", OUT_INT, 0, 0 },
	{ "published", "PUBLISHED", OUT_TIME, 0, 0 },
	{ "feed", "FEED", OUT_TEXT, 18, 0 },
	{ "lang", "LANG", OUT_TEXT, 5, 0 },
	{ "story_id", "STORY", OUT_INT, 0, 0 },
	{ "dup_of", "DUP_OF", OUT_INT, 0, 0 },
	{ "title", "TITLE", OUT_TEXT, 90, OUT_FLEX },
	{ "feed_id", "FEED_ID", OUT_INT, 0, OUT_JSON_ONLY },
	{ "outlet", "OUTLET", OUT_TEXT, 0, OUT_JSON_ONLY },
	{ "guid", "GUID", OUT_TEXT, 0, OUT_JSON_ONLY },
	{ "url", "URL", OUT_TEXT, 0, OUT_JSON_ONLY },
	{ "canonical_url", "CANONICAL_URL", OUT_TEXT, 0, OUT_JSON_ONLY },
	{ "author", "AUTHOR", OUT_TEXT, 0, OUT_JSON_ONLY },
	{ "fetched", "FETCHED", OUT_TIME, 0, OUT_JSON_ONLY },
	{ "article_status", "ARTICLE_STATUS", OUT_TEXT, 0, OUT_JSON_ONLY },
	{ "summary", "SUMMARY", OUT_TEXT, 0, OUT_JSON_ONLY },
};

static int row(const struct pw_item_row *r, void *arg)
{
	struct out *o = arg;
	out_int(o, r->id);
	out_time(o, r->published);
	out_text(o, r->feed);
	out_text(o, r->lang);
	out_int_or_null(o, r->story_id, r->story_id == 0);
	out_int_or_null(o, r->dup_of, r->dup_of == 0);
	out_text(o, r->title);
	out_int(o, r->feed_id);
	out_text(o, r->outlet);
	out_text(o, r->guid);
	out_text(o, r->url);
	out_text(o, r->canonical_url);
	out_text(o, r->author);
	out_time(o, r->fetched);
	out_text(o, r->article_status);
	out_text(o, r->summary);
	out_end_row(o);
	return 0;
}

/* A topic is known when the config defines it or some stored item carries it. */
static int check_topic(struct pw_store *s, const char *topic)
{
	const struct pw_config *c = cli_config(CMD, 0);
	if (c)
		for (size_t i = 0; i < c->ntopics; i++)
			if (strcmp(c->topics[i].name, topic) == 0)
				return 0;
	char tag[256];
	snprintf(tag, sizeof tag, "topic:%s", topic);
	int rc = pw_query_tag_exists(s, tag);
	if (rc < 0)
		return cli_store_failed(CMD, s);
	if (rc == 0)
		return cli_error(CMD, "unknown topic '%s' (no stored item has it%s)", topic,
				 c ? " and the config does not define it" : "");
	return 0;
}

static int check_feed(struct pw_store *s, const char *feed)
{
	int rc = pw_query_feed_exists(s, feed);
	if (rc < 0)
		return cli_store_failed(CMD, s);
	if (rc == 0)
		return cli_error(CMD, "unknown feed '%s' (see presswatch feeds)", feed);
	return 0;
}

int cmd_items(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_FORMAT_OPTIONS,
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "topic", required_argument, NULL, OPT_TOPIC },
		{ "feed", required_argument, NULL, OPT_FEED },
		{ "lang", required_argument, NULL, OPT_LANG },
		{ "story", required_argument, NULL, OPT_STORY },
		{ "statements", no_argument, NULL, OPT_STATEMENTS },
		{ "dups", no_argument, NULL, OPT_DUPS },
		{ "no-dups", no_argument, NULL, OPT_NO_DUPS },
		{ "only-dups", no_argument, NULL, OPT_ONLY_DUPS },
		{ NULL, 0, NULL, 0 },
	};
	struct pw_item_filter f;
	struct cli_common co;
	int ch;

	pw_item_filter_init(&f);
	cli_common_init(&co, DEFAULT_LIMIT);
	while ((ch = cli_getopt(CMD, argc, argv, ":", opts, &co)) != -1) {
		switch (ch) {
		case OPT_USAGE: return CLI_USAGE;
		case OPT_TOPIC: f.topic = optarg; break;
		case OPT_FEED: f.feed = optarg; break;
		case OPT_LANG: f.lang = optarg; break;
		case OPT_STORY:
			if (cli_arg_id(CMD, "story id", optarg, &f.story_id) < 0)
				return CLI_USAGE;
			break;
		case OPT_STATEMENTS: f.statements = 1; break;
		case OPT_DUPS: f.dups = PW_DUPS_ALL; break;
		case OPT_NO_DUPS: f.dups = PW_DUPS_HIDE; break;
		case OPT_ONLY_DUPS: f.dups = PW_DUPS_ONLY; break;
		default: return cli_bad_option(CMD, argv, ch);
		}
	}
	if (optind < argc)
		return cli_usage(CMD, "unexpected argument '%s'", argv[optind]);
	f.limit = co.limit;
	f.since = co.since;
	f.until = co.until;
	if (f.since != PW_NOTIME && f.until != PW_NOTIME && f.since >= f.until)
		return cli_usage(CMD, "--since must be before --until");

	struct pw_store *s = cli_store_open(CMD);
	if (s == NULL)
		return CLI_ERR;
	int rc = CLI_OK;
	if ((f.topic && (rc = check_topic(s, f.topic)) != 0) ||
	    (f.feed && (rc = check_feed(s, f.feed)) != 0)) {
		cli_store_close(s);
		return rc;
	}
	struct out *o = cli_out(co.fmt, cols, PW_ARRAY_SIZE(cols));
	if (pw_query_items(s, &f, row, o) < 0) {
		rc = cli_store_failed(CMD, s);
		out_finish(o);
	} else {
		rc = cli_out_finish(CMD, o);
	}
	cli_store_close(s);
	return rc;
}
