/* item_finish.c -- an item's article outcome into the store (see item_finish.h). */
#include "item_finish.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alert.h"
#include "feed_text.h"
#include "html_extract.h"
#include "log.h"
#include "text.h"
#include "store_dedup.h"
#include "xmalloc.h"

static int is_http_url(const char *u)
{
	return u && (strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0);
}

char *pw_entry_text(const struct pw_item *it, size_t *chars)
{
	char *body = NULL, *sum = NULL;
	if (it->body && *it->body)
		body = it->article_status ? xstrdup(it->body) : pw_html_blocks_to_text(it->body, "\n\n");
	if (it->summary && *it->summary)
		sum = pw_html_blocks_to_text(it->summary, "\n\n");
	size_t nb = body ? pw_utf8_chars(body) : 0, ns = sum ? pw_utf8_chars(sum) : 0;
	char *t;
	if (nb >= ns && body) {
		t = body;
		free(sum);
		*chars = nb;
	} else {
		t = sum ? sum : xstrdup("");
		free(body);
		*chars = ns;
	}
	return t;
}

char *pw_entry_final(const struct pw_config *cfg, const struct pw_item *it, const char **why)
{
	size_t chars = 0;
	*why = NULL;
	if (!cfg->fetch_articles) {
		*why = "[articles] fetch = no";
	} else if (!is_http_url(it->url)) {
		*why = "no http(s) link";
	} else if (cfg->skip_if_content > 0 && !it->article_status) {
		/* only this rule needs the text before deciding */
		char *text = pw_entry_text(it, &chars);
		if (chars >= cfg->skip_if_content) {
			*why = "the feed entry carries the text";
			return text;
		}
		free(text);
	}
	return *why ? pw_entry_text(it, &chars) : NULL;
}

const char *pw_finish_title(const struct pw_item *it, const struct pw_article *art)
{
	return it->title && *it->title ? it->title : art ? art->title : NULL;
}

int pw_item_finish(const struct pw_finish_ctx *c, struct pw_item *it, const char *feed_name,
		   const struct pw_finish_outcome *o, enum pw_finish_mode mode, int64_t now,
		   struct pw_finish_result *res)
{
	struct pw_store *s = c->store;
	const struct pw_article *art = o->art;
	int64_t published = it->published;
	int64_t art_published = PW_NOTIME;
	if (published == PW_NOTIME && art && art->published != PW_NOTIME)
		published = art_published = art->published;
	memset(res, 0, sizeof *res);

	struct pw_item v = *it;      /* a view: strings stay owned by *it or the outcome */
	v.article_status = o->status;
	v.body = o->text;
	if (art && art->lang)
		v.lang = art->lang;
	if (art && art->canonical_url)
		v.canonical_url = art->canonical_url;
	v.published = published;

	if (mode == PW_FINISH_INSERT) {
		if (o->attempts != 0 || o->next_attempt != PW_NOTIME) {
			/* an insert stores no attempts: a caller bug, never half a row */
			pw_err("feed %s: item %s: a new item cannot be stored with %d attempts", feed_name,
			       it->guid ? it->guid : "(no guid)", o->attempts);
			return -1;
		}
		/* the row as pw_store_item_set_article() would leave the pending one */
		if (art && art->author)
			v.author = art->author;
		int r = pw_store_item_insert(s, &v);
		if (r <= 0)
			return r;
		it->id = v.id;
		v.author = it->author;
	} else if (pw_store_item_set_article(s, it->id, o->status, o->text, art ? art->canonical_url : NULL,
					     art ? art->author : NULL, art ? art->lang : NULL, art_published,
					     o->attempts, o->next_attempt) < 0) {
		return -1;
	}

	const char *title = pw_finish_title(it, art);
	v.title = title;
	if (o->final && it->story_id == 0) {
		struct pw_dedup_conf dc;
		pw_config_dedup_conf(c->cfg, &dc);
		struct pw_dedup_result dr;
		int64_t when = published != PW_NOTIME ? published : it->fetched;
		if ((o->prep ? pw_dedup_assign_prepared(s, it->id, title, o->prep, when, &dc, &dr) :
			       pw_dedup_assign(s, it->id, title, o->text, when, &dc, &dr)) < 0)
			return -1;
		v.story_id = dr.story_id;
		v.dup_of = dr.dup_of;
		res->new_story = dr.new_story;
		pw_debug("item %" PRId64 ": story %" PRId64 " (%s, similarity %.3f, %d candidates)%s",
			 it->id, dr.story_id, dr.new_story ? "new" : "joined", dr.story_similarity,
			 dr.story_candidates, dr.dup_of ? ", near-duplicate" : "");
		if (dr.dup_of)
			pw_debug("item %" PRId64 ": near-duplicate of item %" PRId64 " (%.3f%s)", it->id, dr.dup_of,
				 dr.dup_similarity, dr.by_title ? ", by title" : "");
	}
	/* not final: story_id stays 0, so this tags from the feed text and records no alert */
	if (c->alerter) {
		int alerted = pw_alert_item(c->alerter, s, &v, feed_name, now);
		if (alerted < 0)
			return -1;
		res->alerted = alerted > 0;
	}
	return 1;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct pw_finish_job *pw_finish_job_new(const struct pw_item *it, const char *feed_name,
					const struct pw_finish_outcome *o, struct pw_dedup_prep *prep, int64_t now)
{
	struct pw_finish_job *j = xcalloc(1, sizeof *j);
	j->it = *it;
	j->it.guid = dup_or_null(it->guid);
	j->it.url = dup_or_null(it->url);
	j->it.canonical_url = dup_or_null(it->canonical_url);
	j->it.title = dup_or_null(it->title);
	j->it.author = dup_or_null(it->author);
	j->it.summary = dup_or_null(it->summary);
	j->it.body = dup_or_null(it->body);
	j->it.lang = dup_or_null(it->lang);
	j->it.article_status = dup_or_null(it->article_status);
	j->feed_name = xstrdup(feed_name);
	j->o = *o;
	j->o.status = dup_or_null(o->status);
	j->o.text = dup_or_null(o->text);
	if (o->art) {
		const struct pw_article *a = o->art;
		j->art = xcalloc(1, sizeof *j->art);
		j->art->title = dup_or_null(a->title);
		j->art->author = dup_or_null(a->author);
		j->art->canonical_url = dup_or_null(a->canonical_url);
		j->art->lang = dup_or_null(a->lang);
		j->art->site_name = dup_or_null(a->site_name);
		j->art->image = dup_or_null(a->image);
		j->art->text = dup_or_null(a->text);
		j->art->published = a->published;
	}
	j->o.art = j->art;
	j->prep = prep;
	j->o.prep = prep;
	j->now = now;
	return j;
}

int pw_finish_job_write(struct pw_finish_job *j, const struct pw_finish_ctx *c, struct pw_finish_result *res)
{
	int r = pw_item_finish(c, &j->it, j->feed_name, &j->o, PW_FINISH_UPDATE, j->now, res);
	/* The prep (a page's tokens and terms, tens of KB) is used once: a job waits for its
	 * commit, up to commit_items of them, and a write again after a rollback makes it anew. */
	if (j->prep) {
		pw_dedup_prep_free(j->prep);
		free(j->prep);
		j->prep = NULL;
		j->o.prep = NULL;
	}
	return r;
}

void pw_finish_job_free(struct pw_finish_job *j)
{
	if (!j)
		return;
	pw_store_item_clear(&j->it);
	free(j->feed_name);
	free((char *)j->o.status);
	free((char *)j->o.text);
	if (j->art) {
		pw_article_free(j->art);
		free(j->art);
	}
	if (j->prep) {
		pw_dedup_prep_free(j->prep);
		free(j->prep);
	}
	free(j);
}
