/* cmd_search.c -- `presswatch search QUERY`: FTS5 full-text search, best match first. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_store.h"
#include "common.h"
#include "output.h"
#include "store.h"
#include "store_query.h"

#define CMD "search"
#define DEFAULT_LIMIT 20

static const struct out_col cols[] = {
	{ "id", "ID", OUT_INT, 0, 0 },
	{ "published", "PUBLISHED", OUT_TIME, 0, 0 },
	{ "feed", "FEED", OUT_TEXT, 16, 0 },
	{ "title", "TITLE", OUT_TEXT, 50, 0 },
	{ "snippet", "MATCH", OUT_TEXT, 100, OUT_FLEX },
	{ "rank", "RANK", OUT_REAL, 0, OUT_JSON_ONLY },
	{ "feed_id", "FEED_ID", OUT_INT, 0, OUT_JSON_ONLY },
	{ "outlet", "OUTLET", OUT_TEXT, 0, OUT_JSON_ONLY },
	{ "url", "URL", OUT_TEXT, 0, OUT_JSON_ONLY },
	{ "lang", "LANG", OUT_TEXT, 0, OUT_JSON_ONLY },
	{ "story_id", "STORY", OUT_INT, 0, OUT_JSON_ONLY },
	{ "dup_of", "DUP_OF", OUT_INT, 0, OUT_JSON_ONLY },
};

static int row(const struct pw_item_row *r, void *arg)
{
	struct out *o = arg;
	out_int(o, r->id);
	out_time(o, r->published);
	out_text(o, r->feed);
	out_text(o, r->title);
	out_text(o, r->snippet);
	out_real(o, r->rank);
	out_int(o, r->feed_id);
	out_text(o, r->outlet);
	out_text(o, r->url);
	out_text(o, r->lang);
	out_int_or_null(o, r->story_id, r->story_id == 0);
	out_int_or_null(o, r->dup_of, r->dup_of == 0);
	out_end_row(o);
	return 0;
}

int cmd_search(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_FORMAT_OPTIONS,
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common co;
	int ch;

	cli_common_init(&co, DEFAULT_LIMIT);

	while ((ch = cli_getopt(CMD, argc, argv, ":", opts, &co)) != -1) {
		switch (ch) {
		case OPT_USAGE: return CLI_USAGE;
		default: return cli_bad_option(CMD, argv, ch);
		}
	}
	if (optind >= argc)
		return cli_usage(CMD, "no search query given");
	if (optind + 1 < argc)
		return cli_usage(CMD, "give the query as one argument (quote it): unexpected '%s'",
				 argv[optind + 1]);
	const char *query = argv[optind];
	if (strspn(query, " \t\r\n") == strlen(query))
		return cli_usage(CMD, "empty search query");

	struct pw_store *s = cli_store_open(CMD);
	if (s == NULL)
		return CLI_ERR;
	/* Matches stand out in bold on a terminal; elsewhere (and in JSON/CSV) in [brackets]. */
	int bold = co.fmt == OUT_TABLE && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
	struct out *o = cli_out(co.fmt, cols, PW_ARRAY_SIZE(cols));
	int rc = pw_query_search(s, query, bold ? "\033[1m" : "[", bold ? "\033[22m" : "]", co.limit, row, o);
	if (rc == -2) {
		out_finish(o);
		/* The store error reads "PATH: fts5: ..."; the path says nothing about the query. */
		const char *why = pw_store_error(s), *path = pw_store_path(s);
		if (strncmp(why, path, strlen(path)) == 0 && strncmp(why + strlen(path), ": ", 2) == 0)
			why += strlen(path) + 2;
		/* FTS5 says `near ""` when the query ends too early (a trailing AND, an open quote). */
		size_t n = strlen(why);
		int at_end = n >= 7 && strcmp(why + n - 7, "near \"\"") == 0;
		rc = cli_usage(CMD, "malformed search query '%s': %.*s%s (FTS5 syntax: words, \"a phrase\","
				    " prefix*, AND, OR, NOT, NEAR(a b))", query, (int)(at_end ? n - 7 : n), why,
			       at_end ? "at the end of the query" : "");
	} else if (rc < 0) {
		out_finish(o);
		rc = cli_store_failed(CMD, s);
	} else {
		rc = cli_out_finish(CMD, o);
	}
	cli_store_close(s);
	return rc;
}
