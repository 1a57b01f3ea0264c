/* cmd_show.c -- `presswatch show ID`: one item whole, with its tags, story and article text. */

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "cli_args.h"
#include "cli_store.h"
#include "common.h"
#include "feed_text.h"
#include "json.h"
#include "output.h"
#include "store.h"
#include "store_query.h"
#include "xmalloc.h"

#define CMD "show"

struct strs {
	char **v;
	size_t n;
};

static int add_str(const char *value, void *arg)
{
	struct strs *l = arg;
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = xstrdup(value);
	return 0;
}

static void strs_free(struct strs *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

struct story {
	int found;
	int64_t id, first_seen, last_seen, item_count, outlets;
	char *title;
};

static int got_story(const struct pw_story_row *r, void *arg)
{
	struct story *st = arg;
	st->found = 1;
	st->id = r->id;
	st->first_seen = r->first_seen;
	st->last_seen = r->last_seen;
	st->item_count = r->item_count;
	st->outlets = r->outlets;
	st->title = r->title ? xstrdup(r->title) : NULL;
	return 0;
}

struct show {
	struct pw_store *s;
	enum out_format fmt;
	int64_t feed_id, self;
	struct pw_json *j;   /* JSON: related items array */
	struct out *o;       /* table: related items */
	int rc;
};

static const struct out_col related_cols[] = {
	{ "id", "ID", OUT_INT, 0, 0 },
	{ "published", "PUBLISHED", OUT_TIME, 0, 0 },
	{ "feed", "FEED", OUT_TEXT, 18, 0 },
	{ "dup_of", "DUP_OF", OUT_INT, 0, 0 },
	{ "title", "TITLE", OUT_TEXT, 80, OUT_FLEX },
};

/* Items of the same story from other outlets. */
static int related(const struct pw_item_row *r, void *arg)
{
	struct show *sh = arg;
	if (r->feed_id == sh->feed_id || r->id == sh->self)
		return 0;
	if (sh->j) {
		pw_json_obj_begin(sh->j);
		pw_json_key(sh->j, "id");
		pw_json_int(sh->j, r->id);
		pw_json_key(sh->j, "feed");
		pw_json_str(sh->j, r->feed);
		pw_json_key(sh->j, "outlet");
		pw_json_str(sh->j, r->outlet);
		pw_json_key(sh->j, "title");
		pw_json_str(sh->j, r->title);
		pw_json_key(sh->j, "url");
		pw_json_str(sh->j, r->url);
		pw_json_key(sh->j, "published");
		pw_json_time(sh->j, r->published);
		pw_json_key(sh->j, "dup_of");
		if (r->dup_of)
			pw_json_int(sh->j, r->dup_of);
		else
			pw_json_null(sh->j);
		pw_json_obj_end(sh->j);
	} else {
		out_int(sh->o, r->id);
		out_time(sh->o, r->published);
		out_text(sh->o, r->feed);
		out_int_or_null(sh->o, r->dup_of, r->dup_of == 0);
		out_text(sh->o, r->title);
		out_end_row(sh->o);
	}
	return 0;
}

static int related_items(struct show *sh, int64_t story_id)
{
	struct pw_item_filter f;
	pw_item_filter_init(&f);
	f.story_id = story_id;
	f.oldest_first = 1;
	return pw_query_items(sh->s, &f, related, sh);
}

static void json_strs(struct pw_json *j, const char *key, const struct strs *l)
{
	pw_json_key(j, key);
	pw_json_arr_begin(j);
	for (size_t i = 0; i < l->n; i++)
		pw_json_str(j, l->v[i]);
	pw_json_arr_end(j);
}

static void json_item(struct pw_json *j, const struct pw_item_row *r)
{
	const struct { const char *k, *v; } text[] = {
		{ "feed", r->feed }, { "outlet", r->outlet }, { "guid", r->guid }, { "url", r->url },
		{ "canonical_url", r->canonical_url }, { "title", r->title }, { "author", r->author },
		{ "lang", r->lang }, { "article_status", r->article_status },
		{ "summary", r->summary }, { "body", r->body },
	};
	pw_json_key(j, "id");
	pw_json_int(j, r->id);
	pw_json_key(j, "feed_id");
	pw_json_int(j, r->feed_id);
	for (size_t i = 0; i < PW_ARRAY_SIZE(text); i++) {
		pw_json_key(j, text[i].k);
		pw_json_str(j, text[i].v);
	}
	pw_json_key(j, "published");
	pw_json_time(j, r->published);
	pw_json_key(j, "fetched");
	pw_json_time(j, r->fetched);
	pw_json_key(j, "story_id");
	if (r->story_id) pw_json_int(j, r->story_id); else pw_json_null(j);
	pw_json_key(j, "dup_of");
	if (r->dup_of) pw_json_int(j, r->dup_of); else pw_json_null(j);
}

static void field(const char *label, const char *value)
{
	if (value && *value)
		printf("%-11s %s\n", label, value);
}

static void join(struct pw_buf *b, const struct strs *l)
{
	for (size_t i = 0; i < l->n; i++)
		pw_buf_printf(b, "%s%s", i ? ", " : "", l->v[i]);
}

static int show_item(const struct pw_item_row *r, void *arg)
{
	struct show *sh = arg;
	struct strs tags = { 0 }, speakers = { 0 };
	struct story story = { 0 };
	int rc = 0;

	sh->feed_id = r->feed_id;
	sh->self = r->id;
	if (pw_query_item_tags(sh->s, r->id, add_str, &tags) < 0 ||
	    pw_query_item_speakers(sh->s, r->id, add_str, &speakers) < 0 ||
	    (r->story_id && pw_query_story(sh->s, r->story_id, got_story, &story) < 0)) {
		rc = -1;
		goto out;
	}

	if (sh->fmt == OUT_JSON) {
		struct pw_buf b = PW_BUF_INIT;
		struct pw_json j;
		pw_json_init(&j, &b);
		pw_json_obj_begin(&j);
		json_item(&j, r);
		json_strs(&j, "tags", &tags);
		json_strs(&j, "speakers", &speakers);
		pw_json_key(&j, "story");
		if (story.found) {
			pw_json_obj_begin(&j);
			pw_json_key(&j, "id");
			pw_json_int(&j, story.id);
			pw_json_key(&j, "title");
			pw_json_str(&j, story.title);
			pw_json_key(&j, "first_seen");
			pw_json_time(&j, story.first_seen);
			pw_json_key(&j, "last_seen");
			pw_json_time(&j, story.last_seen);
			pw_json_key(&j, "item_count");
			pw_json_int(&j, story.item_count);
			pw_json_key(&j, "outlets");
			pw_json_int(&j, story.outlets);
			pw_json_obj_end(&j);
		} else {
			pw_json_null(&j);
		}
		pw_json_key(&j, "related");
		pw_json_arr_begin(&j);
		sh->j = &j;
		if (story.found && related_items(sh, story.id) < 0)
			rc = -1;
		pw_json_arr_end(&j);
		pw_json_obj_end(&j);
		pw_buf_putc(&b, '\n');
		if (rc == 0)
			fputs(pw_buf_cstr(&b), stdout);
		pw_buf_free(&b);
		goto out;
	}

	char t1[32], t2[32];
	struct pw_buf b = PW_BUF_INIT;
	printf("Item %" PRId64 "\n", r->id);
	field("Title:", r->title ? r->title : "(no title)");
	pw_buf_printf(&b, "%s", r->feed ? r->feed : "?");
	if (r->outlet && r->feed && strcmp(r->outlet, r->feed) != 0)
		pw_buf_printf(&b, " (%s)", r->outlet);
	field("Feed:", pw_buf_cstr(&b));
	field("URL:", r->url);
	if (r->canonical_url && (!r->url || strcmp(r->canonical_url, r->url) != 0))
		field("Canonical:", r->canonical_url);
	field("Author:", r->author);
	out_format_time(r->published, cli_opts.utc, t1);
	out_format_time(r->fetched, cli_opts.utc, t2);
	field("Published:", t1);
	field("Fetched:", t2);
	field("Language:", r->lang);
	field("Article:", r->article_status ? r->article_status : "not fetched");
	pw_buf_reset(&b);
	join(&b, &tags);
	field("Tags:", pw_buf_cstr(&b));
	pw_buf_reset(&b);
	join(&b, &speakers);
	field("Speakers:", pw_buf_cstr(&b));
	if (r->dup_of) {
		pw_buf_reset(&b);
		pw_buf_printf(&b, "near-duplicate of item %" PRId64, r->dup_of);
		field("Duplicate:", pw_buf_cstr(&b));
	}
	if (story.found) {
		out_format_time(story.first_seen, cli_opts.utc, t1);
		out_format_time(story.last_seen, cli_opts.utc, t2);
		pw_buf_reset(&b);
		pw_buf_printf(&b, "%" PRId64 " \"%s\": %" PRId64 " item%s from %" PRId64 " outlet%s, %s to %s",
			      story.id, story.title ? story.title : "", story.item_count,
			      story.item_count == 1 ? "" : "s", story.outlets, story.outlets == 1 ? "" : "s",
			      t1, t2);
		field("Story:", pw_buf_cstr(&b));
		fflush(stdout);
		sh->o = cli_out(OUT_TABLE, related_cols, PW_ARRAY_SIZE(related_cols));
		if (related_items(sh, story.id) < 0)
			rc = -1;
		if (out_rows(sh->o) > 0)
			printf("\nOther outlets in this story:\n");
		fflush(stdout);
		if (out_finish(sh->o) < 0)
			sh->rc = cli_error(CMD, "cannot write the output");
	}
	pw_buf_free(&b);
	/* The article stage's body (article_status set) is text; before it, body holds the feed's
	 * content, which is HTML like the summary always is (feed_parse.h): shown as its text, as
	 * the daemon reads it (pw_entry_text), so a plain-text "a &lt; b" reads "a < b". */
	char *html_text = NULL;
	const char *text;
	if (r->body && *r->body && r->article_status)
		text = r->body;
	else
		text = html_text = pw_html_blocks_to_text(r->body && *r->body ? r->body : r->summary ? r->summary : "", "\n\n");
	if (*text) {
		size_t n = strlen(text);
		printf("\n%s%s", text, text[n - 1] == '\n' ? "" : "\n");
	}
	free(html_text);
out:
	strs_free(&tags);
	strs_free(&speakers);
	free(story.title);
	return rc;
}

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	struct show sh = { 0 };
	int ch;

	sh.fmt = OUT_TABLE;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_JSON: sh.fmt = OUT_JSON; break;
		default: return cli_bad_option(CMD, argv, ch);
		}
	}
	if (optind >= argc)
		return cli_usage(CMD, "no item id given");
	if (optind + 1 < argc)
		return cli_usage(CMD, "unexpected argument '%s'", argv[optind + 1]);
	int64_t id;
	if (cli_arg_id(CMD, "item id", argv[optind], &id) < 0)
		return CLI_USAGE;

	sh.s = cli_store_open(CMD);
	if (sh.s == NULL)
		return CLI_ERR;
	int rc = pw_query_item(sh.s, id, show_item, &sh);
	if (rc < 0)
		rc = cli_store_failed(CMD, sh.s);
	else if (rc == 0)
		rc = cli_error(CMD, "no item %" PRId64 " in %s", id, pw_store_path(sh.s));
	else
		rc = sh.rc;
	if (rc == CLI_OK && (fflush(stdout) != 0 || ferror(stdout)))
		rc = cli_error(CMD, "cannot write the output");
	cli_store_close(sh.s);
	return rc;
}
