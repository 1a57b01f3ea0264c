/*
 * pipeline.c -- feed body -> parser -> new items -> store (see pipeline.h).
 *
 * The data flow of DESIGN.md, and where each later stage plugs in:
 *
 *   fetch.c body chunks --pw_poll_data--> pw_feed_parser_push --item_cb--> p->items
 *   pw_poll_finish: parser finished, feed info (title, ttl) available to the scheduler
 *   pw_poll_store:  one unit of the daemon's open transaction (batch.h): new (feed, guid)
 *                   items INSERTed oldest first, then the feed state
 *                   SEAM 1 (inside that transaction): tags from the feed entry, only when no
 *                   article stage is attached
 *                   SEAM 2 (after the batch's COMMIT, in poll_committed): the article stage
 *                   (article.h), fed the poll's new ids
 *
 * The stages themselves stay pure (parser, store, dedup, tagger know nothing of batching);
 * when the transaction is committed is the batch's business.
 *
 * Each SEAM comment below says what data is at hand there and what the stage is expected to
 * do; no stage is faked here.
 */
#include "pipeline.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alert.h"
#include "article.h"
#include "batch.h"
#include "feed_parse.h"
#include "feed_text.h"
#include "store_dedup.h"
#include "log.h"
#include "xmalloc.h"

struct pw_pipeline {
	struct pw_store *store;
	struct pw_batch *batch;
	const struct pw_config *cfg;
	struct pw_alerter *alerter;      /* tags and alerts, or NULL */
	struct pw_articles *articles;    /* the article stage, or NULL */
	int64_t items_stored;
};

struct pw_poll {
	struct pw_pipeline *pl;
	int64_t feed_id;
	char *feed_name, *feed_lang;
	struct pw_feed_parser *parser;   /* created on the first body chunk */
	int stopped;                     /* parser refused more input */
	int finished;
	struct pw_poll_parse parse;
	struct pw_feed_item **items;     /* owned, document order */
	size_t nitems, cap;
};

/* A stored poll waiting for the batch's COMMIT (the unit's arg). */
struct poll_unit {
	struct pw_pipeline *pl;
	int64_t *new_ids;                /* ids inserted, owned */
	size_t nnew;
	pw_batch_done_fn done;           /* the caller's, with its arg */
	void *arg;
};

struct pw_pipeline *pw_pipeline_new(struct pw_store *store, struct pw_batch *batch, const struct pw_config *cfg)
{
	struct pw_pipeline *pl = xcalloc(1, sizeof *pl);
	pl->store = store;
	pl->batch = batch;
	pl->cfg = cfg;
	return pl;
}

void pw_pipeline_free(struct pw_pipeline *pl)
{
	free(pl);
}

void pw_pipeline_set_config(struct pw_pipeline *pl, const struct pw_config *cfg)
{
	pl->cfg = cfg;
}

void pw_pipeline_set_alerter(struct pw_pipeline *pl, struct pw_alerter *a)
{
	pl->alerter = a;
}

void pw_pipeline_set_articles(struct pw_pipeline *pl, struct pw_articles *a)
{
	pl->articles = a;
}

int64_t pw_pipeline_items_stored(const struct pw_pipeline *pl)
{
	return pl->items_stored;
}

struct pw_poll *pw_poll_new(struct pw_pipeline *pl, int64_t feed_id, const char *feed_name, const char *feed_lang)
{
	struct pw_poll *p = xcalloc(1, sizeof *p);
	p->pl = pl;
	p->feed_id = feed_id;
	p->feed_name = xstrdup(feed_name);
	p->feed_lang = feed_lang ? xstrdup(feed_lang) : NULL;
	p->parse.error = "";
	return p;
}

void pw_poll_free(struct pw_poll *p)
{
	if (!p)
		return;
	if (p->parser)
		pw_feed_parser_free(p->parser);
	for (size_t i = 0; i < p->nitems; i++)
		pw_feed_item_free(p->items[i]);
	free(p->items);
	free(p->feed_name);
	free(p->feed_lang);
	free(p);
}

static void on_item(struct pw_feed_item *item, void *arg)
{
	struct pw_poll *p = arg;
	if (p->nitems == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 32;
		p->items = xreallocarray(p->items, p->cap, sizeof *p->items);
	}
	p->items[p->nitems++] = item;
}

/* The charset parameter of a Content-Type value, as a new string, or NULL. */
static char *content_type_charset(const char *ct)
{
	if (!ct)
		return NULL;
	for (const char *s = ct; (s = strchr(s, ';')); ) {
		s++;
		while (*s == ' ' || *s == '\t')
			s++;
		if (strncasecmp(s, "charset", 7) != 0)
			continue;
		s += 7;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s != '=')
			continue;
		s++;
		while (*s == ' ' || *s == '\t')
			s++;
		int quoted = *s == '"';
		if (quoted)
			s++;
		size_t n = 0;
		while (s[n] && s[n] != ';' && (quoted ? s[n] != '"' : !isspace((unsigned char)s[n])))
			n++;
		return n ? xstrndup(s, n) : NULL;
	}
	return NULL;
}

int pw_poll_data(struct pw_poll *p, const char *content_type, const char *base_url, const char *data, size_t len)
{
	if (p->stopped || p->finished)
		return -1;
	if (!p->parser) {
		const struct pw_config *cfg = p->pl->cfg;
		char *charset = content_type_charset(content_type);
		struct pw_feed_parse_opts o = {
			.charset = charset,
			.base_url = base_url,
			/* the fetcher enforces max_body on the wire; the parser's cap is the same
			 * number so a document can never outgrow what the config allows */
			.max_bytes = cfg->max_body,
			.max_field = cfg->max_field_size,
			.max_items = (size_t)cfg->max_items_per_document,
		};
		p->parser = pw_feed_parser_new(&o, on_item, p);
		p->parse.parsed = 1;
		free(charset);
	}
	if (pw_feed_parser_push(p->parser, data, len) < 0) {
		p->stopped = 1;
		return -1;
	}
	return 0;
}

const struct pw_poll_parse *pw_poll_finish(struct pw_poll *p, int complete)
{
	if (p->finished || !p->parser) {
		p->finished = 1;
		return &p->parse;
	}
	p->finished = 1;
	if (complete) {
		p->parse.status = pw_feed_parser_finish(p->parser);
		p->parse.error = pw_feed_parser_error(p->parser);
	} else {
		/* finishing would flush a half-received entry as if it were whole */
		p->parse.status = PW_FEED_MALFORMED;
		p->parse.error = "body incomplete";
	}
	const struct pw_feed_info *info = pw_feed_parser_info(p->parser);
	p->parse.title = info->title;
	p->parse.link = info->link;
	p->parse.language = info->language;
	p->parse.ttl_s = info->ttl_s;
	p->parse.nitems = p->nitems;
	return &p->parse;
}

/* Maps a parsed entry onto the store's item.  Strings stay owned by the entry. */
static void item_from_entry(const struct pw_poll *p, const struct pw_feed_item *e, int64_t now, struct pw_item *it)
{
	memset(it, 0, sizeof *it);
	it->feed_id = p->feed_id;
	it->guid = e->guid;
	it->url = e->link;
	it->title = e->title;
	it->author = e->author;
	it->summary = e->summary;
	/* the feed's full content (HTML as published) until the article stage replaces it with
	 * the extracted text of the page -- so an item whose page cannot be fetched keeps it */
	it->body = e->content;
	it->lang = e->language ? e->language : p->parse.language ? p->parse.language : p->feed_lang;
	it->article_status = NULL;   /* not fetched yet: the article stage picks these up */
	it->published = e->published != PW_NOTIME ? e->published : e->updated;
	it->fetched = now;
}

/*
 * Is the feed entry's text final, i.e. will no article page replace it?  True with
 * [articles] fetch = no, or when the feed content is at least skip_if_content characters
 * (the rule SEAM 2 states for the article stage).  Then the item is deduplicated and put in
 * its story right here, so it can alert; otherwise that waits for the article stage.
 */
static int entry_text_final(const struct pw_config *cfg, const struct pw_item *it)
{
	if (!cfg->fetch_articles)
		return 1;
	if (cfg->skip_if_content == 0 || !it->body || strlen(it->body) < cfg->skip_if_content)
		return 0;
	char *text = pw_html_to_text(it->body);
	size_t chars = 0;
	for (const char *c = text; *c; c++)
		chars += ((unsigned char)*c & 0xC0) != 0x80;
	free(text);
	return chars >= cfg->skip_if_content;
}

/* Inside the poll's transaction: dup_of and story of an item whose text is final. */
static int assign_story(const struct pw_config *cfg, struct pw_store *s, struct pw_item *it)
{
	struct pw_dedup_conf dc;
	struct pw_dedup_result dr;
	pw_config_dedup_conf(cfg, &dc);
	const char *text = it->body && *it->body ? it->body : it->summary;
	if (pw_dedup_assign(s, it->id, it->title, text, it->published != PW_NOTIME ? it->published : it->fetched,
			    &dc, &dr) < 0)
		return -1;
	it->story_id = dr.story_id;
	it->dup_of = dr.dup_of;
	return 0;
}

/* After the batch's COMMIT (or its rollback): counters and SEAM 2, then the caller's hook. */
static void poll_committed(void *arg, int committed)
{
	struct poll_unit *u = arg;
	if (committed) {
		u->pl->items_stored += (int64_t)u->nnew;
		/* SEAM 2: the article stage (daemon/article.c) takes the committed new items */
		if (u->pl->articles && u->nnew)
			pw_articles_add(u->pl->articles, u->new_ids, u->nnew);
	}
	if (u->done)
		u->done(u->arg, committed);
	free(u->new_ids);
	free(u);
}

int pw_poll_store(struct pw_poll *p, struct pw_feed_state *state, size_t *new_items, pw_batch_done_fn done,
		  void *arg)
{
	struct pw_store *s = p->pl->store;
	const struct pw_config *cfg = p->pl->cfg;
	size_t cap = cfg->max_items_per_poll > 0 ? (size_t)cfg->max_items_per_poll : (size_t)-1;
	int64_t now = (int64_t)time(NULL);
	unsigned char *pick = p->nitems ? xcalloc(p->nitems, 1) : NULL;
	size_t npick = 0, over = 0;
	struct poll_unit *pu = xcalloc(1, sizeof *pu);
	struct pw_batch_unit unit = { 0, 0, poll_committed, pu };
	pu->pl = p->pl;
	pu->done = done;
	pu->arg = arg;

	*new_items = 0;
	if (!p->finished)
		pw_poll_finish(p, 0);
	if (pw_batch_begin(p->pl->batch) < 0)
		goto fail;

	/* feeds list newest first: the cap keeps the newest new items of this document */
	for (size_t i = 0; i < p->nitems; i++) {
		int r = pw_store_item_exists(s, p->feed_id, p->items[i]->guid);
		if (r < 0)
			goto fail;
		if (r == 1)
			continue;
		if (npick < cap) {
			pick[i] = 1;
			npick++;
		} else {
			over++;
		}
	}

	/* inserted oldest first, so item ids follow publication order within a feed */
	pu->new_ids = npick ? xcalloc(npick, sizeof *pu->new_ids) : NULL;
	for (size_t i = p->nitems; i-- > 0; ) {
		if (!pick[i])
			continue;
		struct pw_item it;
		item_from_entry(p, p->items[i], now, &it);
		int r = pw_store_item_insert(s, &it);
		if (r < 0)
			goto fail;
		if (r == 0)
			continue;  /* same guid twice in one document (or in an earlier poll of the batch) */
		pu->new_ids[pu->nnew++] = it.id;
		/*
		 * SEAM 1 -- tags known from the feed entry (tags work, DESIGN "Topics and alerts").
		 * Here, inside the poll's transaction, `it` (id set) and p->items[i] (categories,
		 * language) are at hand, and the feed's config (tags = ..., lang) is reachable
		 * through the scheduler's feed.  Tags that need only these ("feed:<name>",
		 * "lang:xx", the feed's configured tags) belong here via pw_store_tag_add(), so an
		 * item is never visible without them.  Topic and statement tags need the article
		 * text and belong to the article stage (SEAM 2).
		 * Until then, the feed entry's own text gives the first topic tags (and the item's
		 * feed:/lang: tags); alerts wait for the story (alert.h), which is assigned here
		 * when no article page will replace the entry's text (entry_text_final()).
		 */
		/* With the article stage attached, it does this for each item once, from the best
		 * text it gets (the page's, or the entry's when no page is fetched): tags are only
		 * ever added and a story is decided once, so doing it here from the feed teaser as
		 * well would keep whatever the teaser alone suggested. */
		if (!p->pl->articles && entry_text_final(cfg, &it) && assign_story(cfg, s, &it) < 0)
			goto fail;
		if (p->pl->alerter && !p->pl->articles) {
			int r2 = pw_alert_item(p->pl->alerter, s, &it, p->feed_name, now);
			if (r2 < 0)
				goto fail;
			unit.alerts += r2 > 0;   /* emitted by the batch's on_commit hook */
		}
	}

	if (over > 0) {
		/* items were left out: forget the validators so the next poll gets the whole
		 * document again (a 304 would hide the rest) */
		free(state->etag);
		free(state->last_modified);
		state->etag = state->last_modified = NULL;
	}
	if (pw_store_feed_save(s, state) < 0)
		goto fail;

	if (over > 0)
		pw_warn("feed %s: %zu more new items than max_items_per_poll (%d); the rest come with the next poll",
			p->feed_name, over, cfg->max_items_per_poll);
	*new_items = pu->nnew;
	unit.items = pu->nnew;
	free(pick);
	pw_batch_end(p->pl->batch, 1, &unit);
	return 0;

fail:
	pw_err("feed %s: storing the poll failed: %s", p->feed_name, pw_store_error(s));
	free(pick);
	pu->nnew = 0;
	pw_batch_end(p->pl->batch, 0, &unit);
	return -1;
}
