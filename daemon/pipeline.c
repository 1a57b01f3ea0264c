/*
 * pipeline.c -- feed body -> parser -> new items -> store (see pipeline.h).
 *
 * The data flow of DESIGN.md, and where each later stage plugs in:
 *
 *   fetch.c body chunks --pw_poll_data--> pw_feed_parser_push --item_cb--> p->items
 *   pw_poll_finish: parser finished, feed info (title, ttl) available to the scheduler
 *   pw_poll_store:  one unit of the daemon's open transaction (batch.h): new (feed, guid)
 *                   items INSERTed oldest first, then the feed state
 *                   SEAM 1 (inside that transaction): an item whose feed entry holds its final
 *                   text (no page will replace it: pw_entry_final()) is inserted finished --
 *                   status "skipped", its text as body, story, tags, alert (pw_item_finish(),
 *                   the article stage's own writer)
 *                   SEAM 2 (after the batch's COMMIT, in poll_committed): the article stage
 *                   (article.h), fed the new ids that need their page
 *
 * The stages themselves stay pure (parser, store, dedup, tagger know nothing of batching);
 * when the transaction is committed is the batch's business.
 *
 * Each SEAM comment below says what data is at hand there and what the stage is expected to
 * do; no stage is faked here.
 */
#include "pipeline.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alert.h"
#include "article.h"
#include "batch.h"
#include "feed_parse.h"
#include "item_finish.h"
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
	int64_t *new_ids;                /* ids inserted that need the article stage, owned */
	size_t nnew;
	size_t nstored;                  /* items inserted, those finished here included */
	int64_t finished, stories, alerts; /* finished here (item_finish.h), their new stories, alerts */
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
	 * the extracted text of the page -- so an item whose page cannot be fetched keeps it
	 * (an item finished at the poll stores the entry's text instead: pw_entry_final()) */
	it->body = e->content;
	it->lang = e->language ? e->language : p->parse.language ? p->parse.language : p->feed_lang;
	it->article_status = NULL;   /* not fetched yet: the article stage picks these up */
	it->published = e->published != PW_NOTIME ? e->published : e->updated;
	it->fetched = now;
}

/* After the batch's COMMIT (or its rollback): counters and SEAM 2, then the caller's hook. */
static void poll_committed(void *arg, int committed)
{
	struct poll_unit *u = arg;
	if (committed) {
		u->pl->items_stored += (int64_t)u->nstored;
		/* SEAM 2: the article stage (daemon/article.c) takes the committed new items that
		 * need their page, and counts those finished here with its own */
		if (u->pl->articles && u->finished)
			pw_articles_count_skipped(u->pl->articles, u->finished, u->stories, u->alerts);
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
	struct pw_finish_ctx fc = { s, cfg, p->pl->alerter };
	for (size_t i = p->nitems; i-- > 0; ) {
		if (!pick[i])
			continue;
		struct pw_item it;
		item_from_entry(p, p->items[i], now, &it);
		/*
		 * SEAM 1 -- an entry whose text no page will replace (pw_entry_final(): the article
		 * stage's own rule) is finished here: inserted with its final text and status,
		 * grouped, tagged and its story's alert recorded, in this transaction, exactly as
		 * the article stage would a moment later (pw_item_finish()) -- without the commit,
		 * queue, read-back and second write of the row that the detour cost.
		 */
		const char *why;
		char *text = pw_entry_final(cfg, &it, &why);
		if (text) {
			struct pw_finish_outcome o = { "skipped", text, NULL, 0, PW_NOTIME, 1 };
			struct pw_finish_result res;
			int r = pw_item_finish(&fc, &it, p->feed_name, &o, PW_FINISH_INSERT, now, &res);
			free(text);
			if (r < 0)
				goto fail;
			if (r == 0)
				continue;  /* same guid twice in one document (or in an earlier poll of the batch) */
			pw_debug("feed %s: item %" PRId64 " (%s): finished at the poll: %s", p->feed_name, it.id,
				 it.url ? it.url : "no link", why);
			pu->nstored++;
			pu->finished++;
			pu->stories += res.new_story;
			pu->alerts += res.alerted;
			unit.alerts += res.alerted;   /* emitted by the batch's on_commit hook */
			continue;
		}
		int r = pw_store_item_insert(s, &it);
		if (r < 0)
			goto fail;
		if (r == 0)
			continue;
		pu->nstored++;
		if (p->pl->articles) {
			/* SEAM 2: its page, story, tags and alert come from the article stage after the
			 * commit; tagging here from the feed teaser would keep whatever the teaser alone
			 * suggested (tags are only ever added) */
			pu->new_ids[pu->nnew++] = it.id;
		} else if (p->pl->alerter) {
			/* no article stage: tags from the entry; no story, so no alert */
			if (pw_alert_item(p->pl->alerter, s, &it, p->feed_name, now) < 0)
				goto fail;
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
	*new_items = pu->nstored;
	unit.items = pu->nstored;
	free(pick);
	pw_batch_end(p->pl->batch, 1, &unit);
	return 0;

fail:
	pw_err("feed %s: storing the poll failed: %s", p->feed_name, pw_store_error(s));
	free(pick);
	pu->nnew = pu->nstored = 0;
	pw_batch_end(p->pl->batch, 0, &unit);
	return -1;
}
