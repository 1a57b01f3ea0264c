/* article.c -- page fetch, extraction, story, tags and alert per new item (see article.h). */
#include "article.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/event.h>

#include "batch.h"
#include "buf.h"
#include "fetch.h"
#include "html_extract.h"
#include "item_finish.h"
#include "log.h"
#include "strmap.h"
#include "text.h"
#include "url.h"
#include "workq.h"
#include "xmalloc.h"

#define ARTICLE_ACCEPT "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
/* First retry of a failed page; it doubles per attempt up to [poll] max_backoff. */
#define RETRY_BASE_S 30
/* How often the daemon looks for items whose retry has come due (an indexed query). */
#define RESCAN_S 30

struct job {
	struct job *next, *prev;
	struct pw_articles *a;
	int64_t id;
	struct pw_fetch *fetch;
	struct pw_buf body;          /* the page as received (capped by the fetcher) */
	char *canon;                 /* owned: the link's canonical form, its key in inflight; or NULL */
	int64_t *followers;          /* owned: items of the same canonical URL waiting for this page */
	size_t nfollowers;
	int concluded;               /* the item is finished (ok or failed): followers may reuse it */
};

/* Open-addressing set of the ids waiting or running, so an id is never queued twice. */
struct idset {
	int64_t *v;                  /* 0 = empty, -1 = deleted (item ids are >= 1) */
	size_t cap, n, used;
};

struct pw_articles {
	struct pw_articles_ctx ctx;
	const struct pw_config *cfg;
	int64_t *queue;              /* FIFO ring of ids waiting for a fetch slot */
	size_t qcap, qhead, qlen;
	struct idset ids;
	struct job *running;
	size_t nrunning;
	struct pw_workq *workq;      /* text extraction off the loop; NULL: extract inline */
	int nworkers;                /* its threads */
	size_t nextracting;          /* pages fetched, text being extracted on a worker */
	struct pw_strmap inflight;   /* canonical URL -> job fetching or extracting it */
	size_t nfollowers;           /* items waiting for another item's page (job.followers) */
	int stopping;
	struct event *kick_ev, *idle_ev, *rescan_ev;
	int overflow_warned;
	struct pw_articles_stats st;
	struct pw_articles_stats reported;  /* counts at the last summary line */
};

/* --- small helpers ----------------------------------------------------------------------- */

static uint64_t mix(int64_t id)
{
	uint64_t x = (uint64_t)id * 0x9e3779b97f4a7c15ull;
	return x ^ (x >> 29);
}

static int idset_has(const struct idset *s, int64_t id)
{
	if (!s->cap)
		return 0;
	for (size_t i = mix(id) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->v[i] == id)
			return 1;
		if (s->v[i] == 0)
			return 0;
	}
}

static void idset_put(struct idset *s, int64_t id);

static void idset_grow(struct idset *s)
{
	struct idset old = *s;
	s->cap = old.cap ? old.cap * 2 : 64;
	/* after many deletions the table may be mostly tombstones: rebuild at the same size */
	if (old.cap && old.n * 4 < old.cap)
		s->cap = old.cap;
	s->v = xcalloc(s->cap, sizeof *s->v);
	s->n = s->used = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.v[i] > 0)
			idset_put(s, old.v[i]);
	free(old.v);
}

static void idset_put(struct idset *s, int64_t id)
{
	if ((s->used + 1) * 2 > s->cap)
		idset_grow(s);
	size_t i = mix(id) & (s->cap - 1);
	while (s->v[i] > 0 && s->v[i] != id)
		i = (i + 1) & (s->cap - 1);
	if (s->v[i] == id)
		return;
	if (s->v[i] == 0)
		s->used++;
	s->v[i] = id;
	s->n++;
}

static void idset_del(struct idset *s, int64_t id)
{
	if (!s->cap)
		return;
	for (size_t i = mix(id) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->v[i] == id) {
			s->v[i] = -1;
			s->n--;
			return;
		}
		if (s->v[i] == 0)
			return;
	}
}

static void queue_reserve(struct pw_articles *a)
{
	if (a->qlen == a->qcap) {
		size_t ncap = a->qcap ? a->qcap * 2 : 64;
		int64_t *nq = xcalloc(ncap, sizeof *nq);
		for (size_t i = 0; i < a->qlen; i++)
			nq[i] = a->queue[(a->qhead + i) % a->qcap];
		free(a->queue);
		a->queue = nq;
		a->qcap = ncap;
		a->qhead = 0;
	}
}

static void queue_push(struct pw_articles *a, int64_t id)
{
	queue_reserve(a);
	a->queue[(a->qhead + a->qlen) % a->qcap] = id;
	a->qlen++;
}

/* Ahead of the others: an item whose page another item was fetching (release_followers). */
static void queue_push_front(struct pw_articles *a, int64_t id)
{
	queue_reserve(a);
	a->qhead = (a->qhead + a->qcap - 1) % a->qcap;
	a->queue[a->qhead] = id;
	a->qlen++;
}

static int64_t queue_pop(struct pw_articles *a)
{
	int64_t id = a->queue[a->qhead];
	a->qhead = (a->qhead + 1) % a->qcap;
	a->qlen--;
	return id;
}

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

static int max_attempts(const struct pw_config *cfg)
{
	return cfg->article_retries + 1;
}

static int retryable(const char *status)
{
	return strcmp(status, "http-error") == 0 || strcmp(status, "timeout") == 0;
}

static int64_t retry_delay(const struct pw_config *cfg, int attempts)
{
	int64_t d = RETRY_BASE_S;
	for (int i = 1; i < attempts && d < cfg->max_backoff_s; i++)
		d *= 2;
	if (cfg->max_backoff_s > 0 && d > cfg->max_backoff_s)
		d = cfg->max_backoff_s;
	return d;
}

/* Content types that are certainly not a page (anything else goes to the extractor, which
 * sniffs: servers label HTML as text/plain or application/octet-stream often enough). */
static int surely_not_html(const char *ctype)
{
	static const char *const prefixes[] = { "image/", "audio/", "video/", "font/", "application/pdf",
						"application/zip", "application/json" };
	if (!ctype)
		return 0;
	while (*ctype == ' ')
		ctype++;
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (strncasecmp(ctype, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	return 0;
}

/* The charset parameter of a Content-Type value, as a new string, or NULL. */
static char *ctype_charset(const char *ct)
{
	const char *p = ct ? strcasestr(ct, "charset") : NULL;
	if (!p)
		return NULL;
	p += 7;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p++ != '=')
		return NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	int quoted = *p == '"';
	if (quoted)
		p++;
	size_t n = strcspn(p, quoted ? "\"" : "; \t");
	return n ? xstrndup(p, n) : NULL;
}

/* --- finishing an item: one unit of the batch ----------------------------------------------- */

enum kind { K_OK, K_REUSED, K_SKIPPED, K_FAILED, K_RETRYING };

/* A finished item as a unit of the batch (the unit's arg): the outcome to write (again, after a
 * rollback for a locked store: batch.h), then its counts. */
struct item_unit {
	struct pw_articles *a;
	enum kind kind;
	int new_story, alerted;
	struct pw_finish_job *job;
};

/* Counts only what was committed.  A rolled-back item keeps its old status (pending in the
 * store): the rescan, or the next --once run, retries it. */
static void item_committed(void *arg, int committed)
{
	struct item_unit *u = arg;
	struct pw_articles_stats *st = &u->a->st;
	if (committed) {
		st->stories += u->new_story;
		st->alerts += u->alerted;
		switch (u->kind) {
		case K_OK: st->ok++; break;
		case K_REUSED: st->reused++; break;
		case K_SKIPPED: st->skipped++; break;
		case K_FAILED: st->failed++; break;
		case K_RETRYING: st->retrying++; break;
		}
	}
	pw_finish_job_free(u->job);
	free(u);
}

/* The unit's writes: article, story, tags, alert (item_finish.h). */
static int item_apply(void *arg, struct pw_store *s, struct pw_batch_unit *unit)
{
	struct item_unit *u = arg;
	struct pw_finish_ctx fc = { s, u->a->cfg, u->a->ctx.alerter };
	struct pw_finish_result res;
	if (pw_finish_job_write(u->job, &fc, &res) < 0) {
		if (!pw_store_busy(s))
			pw_err("feed %s: item %" PRId64 " (%s): storing the article failed, it stays pending: %s",
			       u->job->feed_name, u->job->it.id, u->job->it.url ? u->job->it.url : "no link",
			       pw_store_error(s));
		return -1;
	}
	u->new_story = res.new_story;
	u->alerted = res.alerted;
	unit->items = 1;
	unit->alerts = u->alerted;   /* emitted by the batch's on_commit hook */
	return 0;
}

/* Writes an item (article, story, tags, alert: item_finish.h) as one unit of the daemon's
 * transaction (batch.h).  A failed write rolls the whole batch back: the item stays pending.
 * A locked store keeps the unit waiting in memory until it can be written. */
static int finish_prep(struct pw_articles *a, struct pw_item *it, const char *feed_name,
		       const struct pw_finish_outcome *o, struct pw_dedup_prep *prep, enum kind kind)
{
	struct item_unit *u = xcalloc(1, sizeof *u);
	u->a = a;
	u->kind = kind;
	u->job = pw_finish_job_new(it, feed_name, o, prep, now_s());
	struct pw_batch_unit unit = { 1, 0, item_committed, u };
	return pw_batch_add(a->ctx.batch, &unit, item_apply) < 0 ? -1 : 0;
}

static int finish(struct pw_articles *a, struct pw_item *it, const char *feed_name,
		  const struct pw_finish_outcome *o, enum kind kind)
{
	return finish_prep(a, it, feed_name, o, NULL, kind);
}

/* Loads an item and its feed name; 1 when it still needs the article stage, 0 when not. */
static int load(struct pw_articles *a, int64_t id, struct pw_item *it, char **feed_name, int *tls_verify)
{
	struct pw_store *s = a->ctx.store;
	memset(it, 0, sizeof *it);
	int r = pw_store_item_get(s, id, it);
	if (r != 1) {
		if (r < 0)
			pw_err("item %" PRId64 ": cannot read it for its article: %s", id, pw_store_error(s));
		return 0;
	}
	/* finished meanwhile (an id from the pending list that was also new, a reload) */
	if (it->article_status && (!retryable(it->article_status) || it->article_attempts >= max_attempts(a->cfg)))
		return 0;
	struct pw_feed_state fs;
	memset(&fs, 0, sizeof fs);
	if (pw_store_feed_get(s, it->feed_id, &fs) == 1 && fs.name) {
		*feed_name = fs.name;
		fs.name = NULL;
	} else {
		*feed_name = xasprintf("feed-%" PRId64, it->feed_id);
	}
	pw_feed_state_clear(&fs);
	const struct pw_feed_conf *fc = pw_config_find_feed(a->cfg, *feed_name);
	*tls_verify = fc ? fc->tls_verify : 1;
	return 1;
}

/* Finishes an item without a page fetch (status "skipped", body = text: the feed entry's, from
 * pw_entry_text()). */
static void finish_skipped(struct pw_articles *a, struct pw_item *it, const char *feed_name, const char *text,
			   const char *why)
{
	struct pw_finish_outcome o = { "skipped", text, NULL, it->article_attempts, PW_NOTIME, 1, NULL };
	pw_debug("feed %s: item %" PRId64 " (%s): no page fetch: %s", feed_name, it->id,
		 it->url ? it->url : "no link", why);
	finish(a, it, feed_name, &o, K_SKIPPED);
}

/* A failed attempt: feed text as body, retry or give up (see article.h). */
static void finish_failed(struct pw_articles *a, struct pw_item *it, const char *feed_name,
			  const char *status, const char *reason)
{
	const struct pw_config *cfg = a->cfg;
	size_t chars;
	char *text = pw_entry_text(it, &chars);
	int attempts = it->article_attempts + 1;
	int again = retryable(status) && attempts < max_attempts(cfg);
	struct pw_finish_outcome o = { status, text, NULL, attempts, PW_NOTIME, !again, NULL };
	char when[64] = "giving up";
	if (again) {
		int64_t d = retry_delay(cfg, attempts);
		o.next_attempt = now_s() + d;
		snprintf(when, sizeof when, "retry in %" PRId64 "s", d);
	}
	pw_warn("feed %s: article %s: %s: %s (attempt %d of %d; %s; the feed entry's text is kept)",
		feed_name, it->url ? it->url : "(no link)", status, reason, attempts,
		retryable(status) ? max_attempts(cfg) : attempts, when);
	finish(a, it, feed_name, &o, again ? K_RETRYING : K_FAILED);
	free(text);
}

/*
 * The same page reached under another link (utm_* parameters, a fragment, the outlet's other
 * feed): when an item with the page's text is already stored -- item `from`, or else the
 * earliest one whose canonical_url is this link's canonical form -- its text, author,
 * language and canonical URL become this item's, with status "ok" and no fetch.  The text is
 * identical, so dedup (item_finish.h) makes this item a near-duplicate of that one, in its
 * story.  1 when the item was finished so, 0 when there is no such text (fetch the page).
 */
static int reuse(struct pw_articles *a, struct pw_item *it, const char *feed_name, int64_t from)
{
	struct pw_store *s = a->ctx.store;
	struct pw_item src;
	memset(&src, 0, sizeof src);
	int r = from ? pw_store_item_get(s, from, &src) : pw_store_item_find_article(s, it->url, it->id, &src);
	if (r < 0)
		pw_err("feed %s: item %" PRId64 ": cannot look up its page among the stored articles: %s", feed_name,
		       it->id, pw_store_error(s));
	if (r != 1 || !src.article_status || strcmp(src.article_status, "ok") != 0 || !src.body || !*src.body) {
		pw_store_item_clear(&src);
		return 0;
	}
	/* a view of src's strings, as an extraction of the page would give them */
	struct pw_article art = {
		.title = (char *)src.title, .author = (char *)src.author, .canonical_url = (char *)src.canonical_url,
		.lang = (char *)src.lang, .published = src.published,
	};
	struct pw_finish_outcome o = { "ok", src.body, &art, it->article_attempts, PW_NOTIME, 1, NULL };
	pw_debug("feed %s: article %s: text of item %" PRId64 " (same page, %s): not fetched again", feed_name,
		 it->url, src.id, src.canonical_url ? src.canonical_url : "same link");
	finish(a, it, feed_name, &o, K_REUSED);
	pw_store_item_clear(&src);
	return 1;
}

/* --- the queue and the fetches ------------------------------------------------------------- */

static void kick(struct pw_articles *a)
{
	static const struct timeval zero = { 0, 0 };
	evtimer_add(a->kick_ev, &zero);
}

static void job_free(struct job *j)
{
	pw_buf_free(&j->body);
	free(j->canon);
	free(j->followers);
	free(j);
}

/* The items that waited for j's page: each takes its text when j's item got it (reuse()),
 * else goes back to the head of the queue to fetch the page itself.  On shutdown they stay
 * pending in the store. */
static void release_followers(struct pw_articles *a, struct job *j)
{
	for (size_t i = 0; i < j->nfollowers; i++) {
		int64_t id = j->followers[i];
		a->nfollowers--;
		int handled = a->stopping;
		if (!handled && j->concluded) {
			struct pw_item it;
			char *feed_name = NULL;
			int tls_verify;
			handled = !load(a, id, &it, &feed_name, &tls_verify) || reuse(a, &it, feed_name, j->id);
			pw_store_item_clear(&it);
			free(feed_name);
		}
		if (handled)
			idset_del(&a->ids, id);
		else
			queue_push_front(a, id);
	}
	j->nfollowers = 0;
}

/* The fetch is over: the job leaves the running list (and frees its fetch slot).  Its id
 * stays in the set until the item is finished, so it cannot be queued again meanwhile. */
static void job_unlink(struct pw_articles *a, struct job *j)
{
	if (j->prev)
		j->prev->next = j->next;
	else
		a->running = j->next;
	if (j->next)
		j->next->prev = j->prev;
	a->nrunning--;
}

/* The job is over: its id may be queued again, and the items waiting for its page go on. */
static void job_done(struct pw_articles *a, struct job *j)
{
	idset_del(&a->ids, j->id);
	if (j->canon)
		pw_strmap_del(&a->inflight, j->canon);
	release_followers(a, j);
	job_free(j);
}

static int on_data(void *arg, const struct pw_fetch_result *r, const char *data, size_t len)
{
	struct job *j = arg;
	(void)r;
	pw_buf_append(&j->body, data, len);
	return 0;
}

/*
 * A fetched page on its way to the store.  The text is extracted on a worker thread
 * (workq.h) when there is one: everything here is owned by the extraction while it runs, and
 * the worker touches only page, charset, url, max_text and the results.
 */
struct extraction {
	struct pw_articles *a;
	struct job *j;               /* the page: j->body */
	struct pw_item it;           /* loaded before the extraction */
	char *feed_name;
	char *charset, *url;
	size_t max_text;
	double seconds;              /* the fetch's */
	int rc;                      /* results */
	struct pw_article art;
	struct pw_dedup_prep *prep;  /* the text's dedup prep (owned until handed to the job) */
	int prep_terms;              /* make its story terms too */
	char err[256];
};

/* Worker thread: the page's text, and the pure part of the dedup stage for it (tokens,
 * MinHash, story terms if prep_terms: ~0.1-0.2 ms of a 10 KB article taken off the loop), with
 * the title pw_item_finish() will use. */
static void extract_work(void *arg)
{
	struct extraction *x = arg;
	struct pw_extract_opts eo = { x->charset, x->url, x->max_text };
	x->rc = pw_html_extract(x->j->body.data ? x->j->body.data : "", x->j->body.len, &eo, &x->art, x->err,
				sizeof x->err);
	if (x->rc == PW_EXTRACT_OK && x->art.text && *x->art.text) {
		x->prep = xmalloc(sizeof *x->prep);
		pw_dedup_prepare(x->prep, pw_finish_title(&x->it, &x->art), x->art.text, x->prep_terms);
	}
}

static void extraction_free(struct extraction *x)
{
	struct pw_articles *a = x->a;
	pw_article_free(&x->art);
	if (x->prep) {
		pw_dedup_prep_free(x->prep);
		free(x->prep);
	}
	pw_store_item_clear(&x->it);
	free(x->feed_name);
	free(x->charset);
	free(x->url);
	job_done(a, x->j);
	free(x);
}

/* The page's outcome into the store: the article, or the failure and its retry. */
static void conclude(struct extraction *x)
{
	struct pw_articles *a = x->a;
	x->j->concluded = 1;
	if (x->rc == PW_EXTRACT_OK && x->art.text && *x->art.text) {
		struct pw_finish_outcome o = { "ok", x->art.text, &x->art, x->it.article_attempts + 1, PW_NOTIME, 1, NULL };
		finish_prep(a, &x->it, x->feed_name, &o, x->prep, K_OK);
		x->prep = NULL;   /* the job's now */
		pw_debug("feed %s: article %s: ok, %zu bytes -> %zu characters (%.2fs)", x->feed_name, x->it.url,
			 x->j->body.len, pw_utf8_chars(x->art.text), x->seconds);
	} else {
		const char *status = x->rc == PW_EXTRACT_OK ? "extract-failed" : pw_extract_status_name(x->rc);
		finish_failed(a, &x->it, x->feed_name, status, *x->err ? x->err : "no article text found");
	}
}

/* Loop thread, after extract_work: cancelled when the stage is being freed (shutdown): then
 * nothing is written and the item stays pending for the next start. */
static void extract_done(void *arg, int cancelled)
{
	struct extraction *x = arg;
	struct pw_articles *a = x->a;
	a->nextracting--;
	if (!cancelled)
		conclude(x);
	extraction_free(x);
	if (!cancelled)
		kick(a);
}

static void on_done(void *arg, const struct pw_fetch_result *r)
{
	struct job *j = arg;
	struct pw_articles *a = j->a;
	job_unlink(a, j);
	if (r->error == PW_FETCH_CANCELLED) {
		/* shutdown: nothing written, the item stays pending for the next start */
		job_done(a, j);
		kick(a);
		return;
	}

	struct extraction *x = xcalloc(1, sizeof *x);
	x->a = a;
	x->j = j;
	x->art.published = PW_NOTIME;
	x->seconds = r->seconds;
	int tls_verify;
	if (!load(a, j->id, &x->it, &x->feed_name, &tls_verify)) {
		extraction_free(x);
		kick(a);
		return;
	}
	const char *status = NULL;
	char reason[512] = "";
	switch (r->error) {
	case PW_FETCH_OK:
		if (r->status < 200 || r->status >= 300) {
			status = "http-error";
			snprintf(reason, sizeof reason, "HTTP %ld", r->status);
		} else if (surely_not_html(r->content_type)) {
			status = "not-html";
			snprintf(reason, sizeof reason, "Content-Type %s", r->content_type);
		} else {
			x->charset = ctype_charset(r->content_type);
			x->url = r->effective_url ? xstrdup(r->effective_url) : NULL;
			x->max_text = a->cfg->max_article_body;
			/* Story terms are made for every text here but needed for originals only: with
			 * one worker (2 cores) the worker would become the busier thread (callgrind,
			 * 2,000 pages: loop 7.5 G / worker 9.4 G instructions with them, 8.2 / 8.5 G
			 * without, 9.4 / 7.2 G before any of it moved), so they stay on the loop then. */
			x->prep_terms = a->nworkers >= 2;
			if (a->workq) {
				a->nextracting++;
				pw_workq_submit(a->workq, extract_work, extract_done, x);
				kick(a);   /* the fetch slot is free again */
				return;
			}
			extract_work(x);
			conclude(x);
			extraction_free(x);
			kick(a);
			return;
		}
		break;
	case PW_FETCH_TIMEOUT:
		status = "timeout";
		snprintf(reason, sizeof reason, "%s", r->reason);
		break;
	case PW_FETCH_TOO_LARGE:
		status = "too-large";
		snprintf(reason, sizeof reason, "%s (max_article_body %zu)", r->reason, a->cfg->max_article_body);
		break;
	default:  /* transport, redirects, aborted: the server side, worth another try */
		status = "http-error";
		snprintf(reason, sizeof reason, "%s", r->reason);
		break;
	}
	j->concluded = 1;
	finish_failed(a, &x->it, x->feed_name, status, reason);
	extraction_free(x);
	kick(a);
}

/* Takes one id off the queue: finishes it at once or starts its page fetch. */
static void start_item(struct pw_articles *a, int64_t id)
{
	const struct pw_config *cfg = a->cfg;
	struct pw_item it;
	char *feed_name = NULL;
	int tls_verify = 1;
	if (!load(a, id, &it, &feed_name, &tls_verify)) {
		idset_del(&a->ids, id);
		pw_store_item_clear(&it);
		return;
	}
	const char *why;
	char *text = pw_entry_final(cfg, &it, &why);
	char *canon = NULL;
	struct job *lead = NULL;
	if (text) {
		idset_del(&a->ids, id);
		finish_skipped(a, &it, feed_name, text, why);
		free(text);
	} else if (reuse(a, &it, feed_name, 0)) {
		/* the page's text is stored already (another feed of the outlet, another link) */
		idset_del(&a->ids, id);
	} else if ((canon = pw_url_canonical(it.url)) && (lead = pw_strmap_get(&a->inflight, canon))) {
		/* the page is on its way for another item: wait for it (release_followers) */
		lead->followers = xreallocarray(lead->followers, lead->nfollowers + 1, sizeof *lead->followers);
		lead->followers[lead->nfollowers++] = id;
		a->nfollowers++;
		pw_debug("feed %s: article %s: waiting for item %" PRId64 "'s fetch of the same page", feed_name,
			 it.url, lead->id);
	} else {
		struct job *j = xcalloc(1, sizeof *j);
		j->a = a;
		j->id = id;
		struct pw_fetch_req req = {
			.url = it.url,
			.accept = ARTICLE_ACCEPT,
			.max_body = cfg->max_article_body,
			.tls_verify = tls_verify,
			.on_data = on_data,
			.on_done = on_done,
			.arg = j,
		};
		char err[256];
		j->fetch = pw_fetch_start(a->ctx.fetcher, &req, err, sizeof err);
		if (j->fetch) {
			j->next = a->running;
			if (a->running)
				a->running->prev = j;
			a->running = j;
			a->nrunning++;
			if (canon) {
				j->canon = canon;
				canon = NULL;
				pw_strmap_put(&a->inflight, j->canon, j);
			}
		} else {
			/* an unusable URL does not get better: final at once */
			job_free(j);
			idset_del(&a->ids, id);
			it.article_attempts = max_attempts(cfg) - 1;
			finish_failed(a, &it, feed_name, "http-error", err);
		}
	}
	free(canon);
	pw_store_item_clear(&it);
	free(feed_name);
}

/* Running fetches at most: the fetcher's own limit, so the fetcher's queue never fills with
 * pages ahead of feed polls, yet each host's per_host slots can be used. */
static size_t max_running(const struct pw_articles *a)
{
	return a->cfg->concurrency > 0 ? (size_t)a->cfg->concurrency : 1;
}

static void check_idle(struct pw_articles *a)
{
	if (pw_articles_idle(a)) {
		static const struct timeval zero = { 0, 0 };
		evtimer_add(a->idle_ev, &zero);
	}
}

static void on_kick(evutil_socket_t fd, short what, void *arg)
{
	struct pw_articles *a = arg;
	(void)fd;
	(void)what;
	/* pages waiting for extraction count against the fetches too: each holds its body, so
	 * memory stays within twice the fetch slots' worth of pages when extraction lags */
	/* a locked store with its backlog full: no new page until it drains (pw_articles_resume) */
	while (!a->stopping && a->qlen > 0 && a->nrunning < max_running(a) && a->nextracting < max_running(a) &&
	       !pw_batch_full(a->ctx.batch))
		start_item(a, queue_pop(a));
	check_idle(a);
}

static void on_idle_ev(evutil_socket_t fd, short what, void *arg)
{
	struct pw_articles *a = arg;
	(void)fd;
	(void)what;
	if (a->qlen != 0 || a->nrunning != 0)
		return;
	if (a->ctx.on_idle)
		a->ctx.on_idle(a->ctx.arg);
}

void pw_articles_report(struct pw_articles *a)
{
	/* one line per burst of work, so a poll's articles show up in the log without a line
	 * per page */
	const struct pw_articles_stats *n = &a->st, *o = &a->reported;
	if (n->ok != o->ok || n->reused != o->reused || n->skipped != o->skipped || n->failed != o->failed ||
	    n->retrying != o->retrying)
		pw_info("articles: %" PRId64 " pages extracted, %" PRId64 " items with the text of the same page "
			"stored for another (not fetched again), %" PRId64 " items from their feed entry, "
			"%" PRId64 " failed for good, %" PRId64 " to retry; %" PRId64 " new stories, %" PRId64 " alerts",
			n->ok - o->ok, n->reused - o->reused, n->skipped - o->skipped, n->failed - o->failed,
			n->retrying - o->retrying, n->stories - o->stories, n->alerts - o->alerts);
	a->reported = a->st;
}

static void on_rescan(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	pw_articles_resume(arg);
}

static size_t room(const struct pw_articles *a)
{
	size_t cap = a->cfg->max_queue > 0 ? (size_t)a->cfg->max_queue : 1;
	size_t used = a->qlen + a->nrunning + a->nfollowers;
	return used < cap ? cap - used : 0;
}

void pw_articles_add(struct pw_articles *a, const int64_t *ids, size_t n)
{
	if (a->stopping)
		return;  /* pending in the store: the next start takes them */
	size_t over = 0;
	for (size_t i = 0; i < n; i++) {
		if (ids[i] <= 0 || idset_has(&a->ids, ids[i]))
			continue;
		if (room(a) == 0) {
			/* overload: the item is finished from its feed entry now rather than waiting
			 * without a story (and without its alert) behind max_queue fetches */
			struct pw_item it;
			char *feed_name = NULL;
			int tls_verify;
			if (load(a, ids[i], &it, &feed_name, &tls_verify)) {
				size_t chars;
				char *text = pw_entry_text(&it, &chars);
				finish_skipped(a, &it, feed_name, text, "article queue full");
				free(text);
			}
			pw_store_item_clear(&it);
			free(feed_name);
			over++;
			continue;
		}
		idset_put(&a->ids, ids[i]);
		queue_push(a, ids[i]);
	}
	if (over && !a->overflow_warned) {
		pw_warn("article queue full ([limits] max_queue = %d): %zu new items stored from their feed entry only",
			a->cfg->max_queue, over);
		a->overflow_warned = 1;
	} else if (!over) {
		a->overflow_warned = 0;
	}
	kick(a);
}

int pw_articles_resume(struct pw_articles *a)
{
	if (a->stopping)
		return 0;
	/* the store is locked: items finished meanwhile still read as pending until their
	 * units are committed, and would be queued twice; the batch's unlock calls this again */
	if (pw_batch_locked(a->ctx.batch)) {
		kick(a);
		return 0;
	}
	size_t r = room(a);
	if (r == 0)
		return 0;
	int64_t *ids = NULL;
	size_t n = 0;
	if (pw_store_items_pending_articles(a->ctx.store, now_s(), max_attempts(a->cfg), r, &ids, &n) < 0) {
		pw_err("cannot list the pending articles: %s", pw_store_error(a->ctx.store));
		return -1;
	}
	int queued = 0;
	for (size_t i = 0; i < n; i++) {
		if (idset_has(&a->ids, ids[i]))
			continue;
		idset_put(&a->ids, ids[i]);
		queue_push(a, ids[i]);
		queued++;
	}
	free(ids);
	if (queued)
		pw_info("articles: %d pending items queued (new, or a retry due)", queued);
	kick(a);
	return queued;
}

/* --- lifecycle ------------------------------------------------------------------------------ */

struct pw_articles *pw_articles_new(const struct pw_articles_ctx *ctx, const struct pw_config *cfg)
{
	struct pw_articles *a = xcalloc(1, sizeof *a);
	a->ctx = *ctx;
	a->cfg = cfg;
	a->kick_ev = evtimer_new(ctx->base, on_kick, a);
	a->idle_ev = evtimer_new(ctx->base, on_idle_ev, a);
	if (!ctx->once) {
		a->rescan_ev = event_new(ctx->base, -1, EV_PERSIST, on_rescan, a);
		struct timeval tv = { RESCAN_S, 0 };
		if (a->rescan_ev)
			evtimer_add(a->rescan_ev, &tv);
	}
	if (!a->kick_ev || !a->idle_ev) {
		pw_err("articles: cannot create events");
		pw_articles_free(a);
		return NULL;
	}
	char err[256];
	int nthreads = pw_workq_default_threads();
	a->workq = pw_workq_new(ctx->base, nthreads, err, sizeof err);
	a->nworkers = a->workq ? nthreads : 0;
	if (a->workq)
		pw_debug("articles: text extraction on %d worker thread%s", nthreads, nthreads == 1 ? "" : "s");
	else
		pw_warn("articles: %s; extracting on the main thread", err);
	return a;
}

void pw_articles_set_config(struct pw_articles *a, const struct pw_config *cfg)
{
	a->cfg = cfg;
}

void pw_articles_stop(struct pw_articles *a)
{
	a->stopping = 1;
	if (a->rescan_ev)
		evtimer_del(a->rescan_ev);
	/* the waiting ids stay pending in the store (article_status unchanged) */
	while (a->qlen)
		idset_del(&a->ids, queue_pop(a));
	check_idle(a);
}

int pw_articles_idle(const struct pw_articles *a)
{
	return a->qlen == 0 && a->nrunning == 0 && a->nextracting == 0;
}

void pw_articles_count_skipped(struct pw_articles *a, int64_t items, int64_t stories, int64_t alerts)
{
	a->st.skipped += items;
	a->st.stories += stories;
	a->st.alerts += alerts;
}

void pw_articles_stats(const struct pw_articles *a, struct pw_articles_stats *st)
{
	*st = a->st;
	st->queued = a->qlen + a->nfollowers;
	st->running = a->nrunning;
	st->extracting = a->nextracting;
}

void pw_articles_free(struct pw_articles *a)
{
	if (!a)
		return;
	/* first: undelivered extractions are cancelled (nothing written, items stay pending) and
	 * give their ids back to the set below */
	pw_workq_free(a->workq);
	/* fetches are over by now (the fetcher cancelled them); a job left means a bug upstream */
	while (a->running) {
		struct job *j = a->running;
		a->running = j->next;
		job_free(j);
	}
	if (a->kick_ev)
		event_free(a->kick_ev);
	if (a->idle_ev)
		event_free(a->idle_ev);
	if (a->rescan_ev)
		event_free(a->rescan_ev);
	pw_strmap_free(&a->inflight);
	free(a->queue);
	free(a->ids.v);
	free(a);
}
