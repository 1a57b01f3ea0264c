/*
 * cmd_parse_feed.c -- `presswatch parse-feed FILE|- [--charset CS] [--base URL] [--language L]`
 *
 * Streams the file through the feed parser in 64 KiB chunks (as the daemon feeds bodies from
 * curl) and prints one JSON object:
 *   {"feed": {"title", "link", "language", "format", "ttl"},
 *    "items": [{"guid", "link", "title", "summary", "content", "author", "published",
 *               "updated", "categories": [], "language", "enclosures": []}]}
 * Absent values are null; dates are ISO 8601 UTC; ttl is seconds (null when no hint).
 * title is plain text; summary and content are HTML, a plain-text construct escaped
 * (feeds/feed_parse.h), as the store keeps them.
 * A document that is not a feed, or unsafe, or over the size cap, exits 1 with one message.
 * A feed that was not well-formed but could be recovered prints its JSON, exits 0, and says
 * so on stderr ("not well-formed (recovered): ...").
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "feed_parse.h"
#include "json.h"
#include "xmalloc.h"

struct out {
	struct pw_json j;
	struct pw_buf buf;
};

static void put_str_array(struct pw_json *j, char **v, size_t n)
{
	pw_json_arr_begin(j);
	for (size_t i = 0; i < n; i++)
		pw_json_str(j, v[i]);
	pw_json_arr_end(j);
}

static void on_item(struct pw_feed_item *it, void *arg)
{
	struct pw_json *j = &((struct out *)arg)->j;
	pw_json_obj_begin(j);
	pw_json_key(j, "guid");
	pw_json_str(j, it->guid);
	pw_json_key(j, "link");
	pw_json_str(j, it->link);
	pw_json_key(j, "title");
	pw_json_str(j, it->title);
	pw_json_key(j, "summary");
	pw_json_str(j, it->summary);
	pw_json_key(j, "content");
	pw_json_str(j, it->content);
	pw_json_key(j, "author");
	pw_json_str(j, it->author);
	pw_json_key(j, "published");
	pw_json_time(j, it->published);
	pw_json_key(j, "updated");
	pw_json_time(j, it->updated);
	pw_json_key(j, "categories");
	put_str_array(j, it->categories, it->ncategories);
	pw_json_key(j, "language");
	pw_json_str(j, it->language);
	pw_json_key(j, "enclosures");
	put_str_array(j, it->enclosures, it->nenclosures);
	pw_json_obj_end(j);
	pw_feed_item_free(it);
}

int cmd_parse_feed(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "charset", required_argument, NULL, 'c' },
		{ "base", required_argument, NULL, 'b' },
		{ "language", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct pw_feed_parse_opts po;
	memset(&po, 0, sizeof po);
	/* a file on disk is not a poll: allow big archive feeds (the daemon keeps the defaults) */
	po.max_bytes = 256u * 1024 * 1024;
	po.max_items = 1000000;
	int ch;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': po.charset = optarg; break;
		case 'b': po.base_url = optarg; break;
		case 'l': po.language = optarg; break;
		default: return cli_usage("parse-feed", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage("parse-feed", "expected one FILE (or - for standard input)");
	const char *path = argv[optind];
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return cli_error("parse-feed", "%s: %s", path, strerror(errno));

	struct out o;
	memset(&o, 0, sizeof o);
	pw_json_init(&o.j, &o.buf);
	pw_json_obj_begin(&o.j);
	pw_json_key(&o.j, "items");
	pw_json_arr_begin(&o.j);

	struct pw_feed_parser *p = pw_feed_parser_new(&po, on_item, &o);
	char chunk[65536];
	size_t n;
	int rc = 0;
	while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		rc = pw_feed_parser_push(p, chunk, n);
	int read_error = ferror(f);
	if (f != stdin)
		fclose(f);
	int st = pw_feed_parser_finish(p);
	if (read_error) {
		pw_feed_parser_free(p);
		pw_buf_free(&o.buf);
		return cli_error("parse-feed", "%s: read error", path);
	}
	if (st != PW_FEED_OK && st != PW_FEED_EMPTY) {
		int r = cli_error("parse-feed", "%s: %s", path, pw_feed_parser_error(p));
		pw_feed_parser_free(p);
		pw_buf_free(&o.buf);
		return r;
	}
	if (pw_feed_parser_xml_error(p))
		fprintf(stderr, "presswatch: parse-feed: %s: not well-formed (recovered): %s\n", path,
		        pw_feed_parser_xml_error(p));
	pw_json_arr_end(&o.j);

	/* "feed" goes first in the output; items were streamed into the buffer already */
	const struct pw_feed_info *info = pw_feed_parser_info(p);
	struct pw_buf head = PW_BUF_INIT;
	struct pw_json hj;
	pw_json_init(&hj, &head);
	pw_json_obj_begin(&hj);
	pw_json_key(&hj, "title");
	pw_json_str(&hj, info->title);
	pw_json_key(&hj, "link");
	pw_json_str(&hj, info->link);
	pw_json_key(&hj, "language");
	pw_json_str(&hj, info->language);
	pw_json_key(&hj, "format");
	pw_json_str(&hj, info->format);
	pw_json_key(&hj, "ttl");
	if (info->ttl_s > 0)
		pw_json_int(&hj, info->ttl_s);
	else
		pw_json_null(&hj);
	pw_json_obj_end(&hj);
	pw_json_obj_end(&o.j);

	/* o.buf is {"items":[...]}; print {"feed":{...},"items":[...]} */
	fputs("{\"feed\":", stdout);
	fputs(pw_buf_cstr(&head), stdout);
	fputc(',', stdout);
	fputs(pw_buf_cstr(&o.buf) + 1, stdout);
	fputc('\n', stdout);
	pw_buf_free(&head);
	pw_buf_free(&o.buf);
	pw_feed_parser_free(p);
	return fflush(stdout) == 0 ? CLI_OK : cli_error("parse-feed", "writing output failed");
}
