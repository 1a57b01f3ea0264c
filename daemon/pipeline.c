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
	size_t *report;                  /* pw_poll_store's *new_items while it adds its unit */
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

/*
 * A poll's writes as a unit of the batch (the unit's arg): what it needs to write them -- again,
 * when a locked store rolled the first attempt back (batch.h) -- and what they wrote.
 */
struct poll_unit {
	struct pw_pipeline *pl;
	/* inputs, owned: the poll's entries (taken from it), the feed's state to save */
	int64_t feed_id;
	char *feed_name, *feed_lang, *doc_lang;
	struct pw_feed_item **items;     /* document order */
	size_t nitems;
	struct pw_feed_state state;
	int64_t now;
	/* what the last apply wrote */
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

int pw_pipeline_backlogged(const struct pw_pipeline *pl)
{
	return pw_batch_full(pl->batch);
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
static void item_from_entry(const struct poll_unit *pu, const struct pw_feed_item *e, struct pw_item *it)
{
	memset(it, 0, sizeof *it);
	it->feed_id = pu->feed_id;
	it->guid = e->guid;
	it->url = e->link;
	it->title = e->title;
	it->author = e->author;
	it->summary = e->summary;
	/* the feed's full content (HTML as published) until the article stage replaces it with
	 * the extracted text of the page -- so an item whose page cannot be fetched keeps it
	 * (an item finished at the poll stores the entry's text instead: pw_entry_final()) */
	it->body = e->content;
	it->lang = e->language ? e->language : pu->doc_lang ? pu->doc_lang : pu->feed_lang;
	it->article_status = NULL;   /* not fetched yet: the article stage picks these up */
	it->published = e->published != PW_NOTIME ? e->published : e->updated;
	it->fetched = pu->now;
}

static void poll_unit_free(struct poll_unit *u)
{
	for (size_t i = 0; i < u->nitems; i++)
		pw_feed_item_free(u->items[i]);
	free(u->items);
	free(u->feed_name);
	free(u->feed_lang);
	free(u->doc_lang);
	pw_feed_state_clear(&u->state);
	free(u->new_ids);
	free(u);
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
	poll_unit_free(u);
}

/* (feed, guid) of the entries not stored yet, at most max_items_per_poll of them (the newest:
 * feeds list newest first): pick[i] = 1 for those.  Returns the number left out past the cap,
 * or -1 when a read failed. */
static long pick_new(struct pw_store *s, const struct pw_config *cfg, int64_t feed_id,
		     struct pw_feed_item *const *items, size_t nitems, int64_t now, unsigned char *pick, size_t *npick)
{
	size_t cap = cfg->max_items_per_poll > 0 ? (size_t)cfg->max_items_per_poll : (size_t)-1;
	long over = 0;
	*npick = 0;
	for (size_t i = 0; i < nitems; i++) {
		pick[i] = 0;
		/* [store] keep: an entry dated before the retention cutoff is not taken.  Retention
		 * deletes such items; a feed that still lists them would otherwise bring them back
		 * (and their alerts) at every poll that answers with new content. */
		int64_t when = items[i]->published != PW_NOTIME ? items[i]->published : items[i]->updated;
		if (cfg->store_keep_s > 0 && when != PW_NOTIME && when < now - cfg->store_keep_s)
			continue;
		int r = pw_store_item_exists(s, feed_id, items[i]->guid);
		if (r < 0)
			return -1;
		if (r == 1)
			continue;
		if (*npick < cap) {
			pick[i] = 1;
			(*npick)++;
		} else {
			over++;
		}
	}
	return over;
}

/* The unit's writes (batch.h: may run again after a rollback, from the inputs alone). */
static int poll_apply(void *arg, struct pw_store *s, struct pw_batch_unit *unit)
{
	struct poll_unit *pu = arg;
	const struct pw_config *cfg = pu->pl->cfg;
	unsigned char *pick = pu->nitems ? xcalloc(pu->nitems, 1) : NULL;
	size_t npick = 0;

	free(pu->new_ids);
	pu->new_ids = NULL;
	pu->nnew = pu->nstored = 0;
	pu->finished = pu->stories = pu->alerts = 0;
	long over = pick_new(s, cfg, pu->feed_id, pu->items, pu->nitems, pu->now, pick, &npick);
	if (over < 0)
		goto fail;
	if (over > 0) {
		/* items are left out: forget the validators so the next poll gets the whole
		 * document again (a 304 would hide the rest); pw_poll_store did so in memory */
		free(pu->state.etag);
		free(pu->state.last_modified);
		pu->state.etag = pu->state.last_modified = NULL;
	}

	/* inserted oldest first, so item ids follow publication order within a feed */
	pu->new_ids = npick ? xcalloc(npick, sizeof *pu->new_ids) : NULL;
	struct pw_finish_ctx fc = { s, cfg, pu->pl->alerter };
	for (size_t i = pu->nitems; i-- > 0; ) {
		if (!pick[i])
			continue;
		struct pw_item it;
		item_from_entry(pu, pu->items[i], &it);
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
			struct pw_finish_outcome o = { "skipped", text, NULL, 0, PW_NOTIME, 1, NULL };
			struct pw_finish_result res;
			int r = pw_item_finish(&fc, &it, pu->feed_name, &o, PW_FINISH_INSERT, pu->now, &res);
			free(text);
			if (r < 0)
				goto fail;
			if (r == 0)
				continue;  /* same guid twice in one document (or in an earlier poll of the batch) */
			pw_debug("feed %s: item %" PRId64 " (%s): finished at the poll: %s", pu->feed_name, it.id,
				 it.url ? it.url : "no link", why);
			pu->nstored++;
			pu->finished++;
			pu->stories += res.new_story;
			pu->alerts += res.alerted;
			continue;
		}
		int r = pw_store_item_insert(s, &it);
		if (r < 0)
			goto fail;
		if (r == 0)
			continue;
		pu->nstored++;
		if (pu->pl->articles) {
			/* SEAM 2: its page, story, tags and alert come from the article stage after the
			 * commit; tagging here from the feed teaser would keep whatever the teaser alone
			 * suggested (tags are only ever added) */
			pu->new_ids[pu->nnew++] = it.id;
		} else if (pu->pl->alerter) {
			/* no article stage: tags from the entry; no story, so no alert */
			if (pw_alert_item(pu->pl->alerter, s, &it, pu->feed_name, pu->now) < 0)
				goto fail;
		}
	}
	if (pw_store_feed_save(s, &pu->state) < 0)
		goto fail;
	free(pick);
	unit->items = pu->nstored;
	unit->alerts = (int)pu->alerts;   /* emitted by the batch's on_commit hook */
	if (pu->pl->report)
		*pu->pl->report = pu->nstored;
	return 0;

fail:
	if (!pw_store_busy(s))
		pw_err("feed %s: storing the poll failed: %s", pu->feed_name, pw_store_error(s));
	free(pick);
	pu->nnew = pu->nstored = 0;
	return -1;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void feed_state_copy(struct pw_feed_state *dst, const struct pw_feed_state *src)
{
	*dst = *src;
	dst->name = dup_or_null(src->name);
	dst->url = dup_or_null(src->url);
	dst->outlet = dup_or_null(src->outlet);
	dst->title = dup_or_null(src->title);
	dst->site_url = dup_or_null(src->site_url);
	dst->lang = dup_or_null(src->lang);
	dst->etag = dup_or_null(src->etag);
	dst->last_modified = dup_or_null(src->last_modified);
	dst->last_error = dup_or_null(src->last_error);
}

int pw_poll_store(struct pw_poll *p, struct pw_feed_state *state, size_t *new_items, pw_batch_done_fn done,
		  void *arg)
{
	struct pw_pipeline *pl = p->pl;
	const struct pw_config *cfg = pl->cfg;

	*new_items = 0;
	if (!p->finished)
		pw_poll_finish(p, 0);
	/* Which entries are new, read now (a locked store still reads: WAL): the unit's bound on its
	 * items while it may have to wait for a lock, and the cap's effect on the validators in
	 * memory, which the scheduler's next poll sends.  The unit decides again when it writes. */
	size_t npick = 0;
	long over = 0;
	if (p->nitems) {
		unsigned char *pick = xcalloc(p->nitems, 1);
		over = pick_new(pl->store, cfg, p->feed_id, p->items, p->nitems, (int64_t)time(NULL), pick, &npick);
		free(pick);
		if (over < 0) {
			npick = p->nitems;
			over = 0;
		}
	}
	if (over > 0) {
		free(state->etag);
		free(state->last_modified);
		state->etag = state->last_modified = NULL;
		pw_warn("feed %s: %ld more new items than max_items_per_poll (%d); the rest come with the next poll",
			p->feed_name, over, cfg->max_items_per_poll);
	}

	struct poll_unit *pu = xcalloc(1, sizeof *pu);
	pu->pl = pl;
	pu->feed_id = p->feed_id;
	pu->feed_name = xstrdup(p->feed_name);
	pu->feed_lang = dup_or_null(p->feed_lang);
	pu->doc_lang = dup_or_null(p->parse.language);
	pu->items = p->items;          /* the unit owns the entries now */
	pu->nitems = p->nitems;
	p->items = NULL;
	p->nitems = p->cap = 0;
	feed_state_copy(&pu->state, state);
	pu->now = (int64_t)time(NULL);
	pu->done = done;
	pu->arg = arg;
	struct pw_batch_unit unit = { npick, 0, poll_committed, pu };
	pl->report = new_items;
	int r = pw_batch_add(pl->batch, &unit, poll_apply);   /* pu may be gone when it returns */
	pl->report = NULL;
	if (r == 1)
		*new_items = npick;
	return r;
}
