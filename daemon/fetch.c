/*
 * fetch.c -- curl multi <-> libevent (see fetch.h).
 *
 * The wiring follows the shape of curl's "multi-event" example: curl asks for socket
 * interest through sock_cb() and for a wake-up through timer_cb(); libevent calls back
 * on_socket() / on_timeout(), which hand the event to curl_multi_socket_action() and then
 * collect finished transfers with curl_multi_info_read().  Our own queue in front of curl
 * enforces the global and per-host limits, so a request's timeouts start when it really runs.
 *
 * The queue stays FIFO without rescanning it after every transfer (quadratic with 10,000 feeds
 * on a few hosts): a request found at the head while its host is busy is parked on its host.
 * Parked requests are all older than anything still in the queue, so the next one to start is
 * the oldest parked request of a host with a free slot, else the head of the queue.  Hosts with
 * parked requests are either busy or freed by a transfer since, so there are about as few of
 * them as transfers running.
 */
#include "fetch.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "log.h"
#include "strmap.h"
#include "xmalloc.h"

struct pw_fetch;
TAILQ_HEAD(fetch_list, pw_fetch);

struct host_slot {               /* per host:port: while it has running or parked requests */
	char *key;
	int active;                  /* running */
	struct fetch_list parked;    /* queued, met at the head of the queue while busy; FIFO */
	TAILQ_ENTRY(host_slot) plink;/* in f->parked_hosts while parked is not empty */
};
TAILQ_HEAD(host_list, host_slot);

struct sock_watch {              /* one watched socket; curl keeps it via curl_multi_assign */
	struct event *ev;
	struct pw_fetcher *f;
	TAILQ_ENTRY(sock_watch) link;
};
TAILQ_HEAD(watch_list, sock_watch);

#define MAX_HOPS 32

struct pw_fetch {
	TAILQ_ENTRY(pw_fetch) link;  /* in f->queue, f->running or a host's parked list */
	struct pw_fetcher *f;
	uint64_t seq;                /* queue order */
	int parked;
	CURL *easy;
	struct curl_slist *headers;
	char *url, *etag, *last_modified, *accept, *host;
	size_t max_body;
	int tls_verify;
	pw_fetch_data_cb on_data;
	pw_fetch_done_cb on_done;
	void *arg;
	int running;
	int setup_failed;            /* reported through f->kick */

	/* response state, filled by the header/write callbacks */
	long status;                 /* status of the latest final (non-1xx) response */
	int nonpermanent;            /* a followed redirect was not 301/308 */
	char *r_etag, *r_last_modified, *r_retry_after, *r_content_type;
	size_t body;
	int too_large, aborted;
	char errbuf[CURL_ERROR_SIZE];
};

struct pw_fetcher {
	struct event_base *base;
	CURLM *multi;
	struct event *timer;
	struct event *kick;          /* reports set-up failures from the loop */
	struct watch_list watches;   /* freed at the end if curl_multi_cleanup leaves any */
	struct pw_fetch_opts opts;   /* user_agent owned */
	struct fetch_list queue, running;
	size_t nqueued, nrunning;    /* nqueued includes the parked */
	uint64_t seq;
	struct pw_strmap hosts;      /* host_slot by key */
	struct host_list parked_hosts;
};

static void check_done(struct pw_fetcher *f);
static void start_queued(struct pw_fetcher *f);

const char *pw_fetch_error_name(enum pw_fetch_error e)
{
	switch (e) {
	case PW_FETCH_OK: return "ok";
	case PW_FETCH_TIMEOUT: return "timeout";
	case PW_FETCH_TOO_LARGE: return "too-large";
	case PW_FETCH_REDIRECTS: return "redirects";
	case PW_FETCH_TRANSPORT: return "transport";
	case PW_FETCH_ABORTED: return "aborted";
	case PW_FETCH_CANCELLED: return "cancelled";
	}
	return "unknown";
}

/* --- host slots ---------------------------------------------------------------------- */

static struct host_slot *host_get(struct pw_fetcher *f, const char *key)
{
	struct host_slot *h = pw_strmap_get(&f->hosts, key);
	if (h)
		return h;
	h = xcalloc(1, sizeof *h);
	h->key = xstrdup(key);
	TAILQ_INIT(&h->parked);
	pw_strmap_put(&f->hosts, h->key, h);
	return h;
}

/* Slots are dropped when they have nothing running or parked, so the map holds the busy hosts. */
static void host_drop_if_idle(struct pw_fetcher *f, struct host_slot *h)
{
	if (h->active > 0 || !TAILQ_EMPTY(&h->parked))
		return;
	pw_strmap_del(&f->hosts, h->key);
	free(h->key);
	free(h);
}

static void host_release(struct pw_fetcher *f, const char *key)
{
	struct host_slot *h = pw_strmap_get(&f->hosts, key);
	if (h) {
		h->active--;
		host_drop_if_idle(f, h);
	}
}

static int host_busy(struct pw_fetcher *f, const char *key)
{
	const struct host_slot *h = pw_strmap_get(&f->hosts, key);
	return h && h->active >= f->opts.per_host;
}

static void park(struct pw_fetcher *f, struct pw_fetch *x)
{
	struct host_slot *h = host_get(f, x->host);
	TAILQ_REMOVE(&f->queue, x, link);
	if (TAILQ_EMPTY(&h->parked))
		TAILQ_INSERT_TAIL(&f->parked_hosts, h, plink);
	TAILQ_INSERT_TAIL(&h->parked, x, link);
	x->parked = 1;
}

/* Takes a queued request out of the queue or its host's parked list. */
static void unqueue(struct pw_fetcher *f, struct pw_fetch *x)
{
	if (x->parked) {
		struct host_slot *h = pw_strmap_get(&f->hosts, x->host);
		TAILQ_REMOVE(&h->parked, x, link);
		x->parked = 0;
		if (TAILQ_EMPTY(&h->parked)) {
			TAILQ_REMOVE(&f->parked_hosts, h, plink);
			host_drop_if_idle(f, h);
		}
	} else {
		TAILQ_REMOVE(&f->queue, x, link);
	}
	f->nqueued--;
}

/* The oldest queued request whose host has a free slot, or NULL; parks busy heads on the way. */
static struct pw_fetch *next_startable(struct pw_fetcher *f)
{
	struct pw_fetch *best = NULL;
	struct host_slot *h;
	TAILQ_FOREACH(h, &f->parked_hosts, plink) {
		struct pw_fetch *x = TAILQ_FIRST(&h->parked);
		if (h->active < f->opts.per_host && (!best || x->seq < best->seq))
			best = x;
	}
	if (best)
		return best;
	struct pw_fetch *x;
	while ((x = TAILQ_FIRST(&f->queue)) && host_busy(f, x->host))
		park(f, x);
	return x;
}

/* "host:port" of an http(s) URL, lowercased; NULL (reason in err) for anything else. */
static char *url_host_key(const char *url, char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *key = NULL;
	if (!u) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		snprintf(err, errlen, "malformed URL");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0)) {
		snprintf(err, errlen, "only http and https URLs are fetched");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		snprintf(err, errlen, "URL has no host");
		goto out;
	}
	key = xasprintf("%s:%s", host, port);
	for (char *p = key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return key;
}

/* --- curl callbacks --------------------------------------------------------------------- */

static void set_str(char **dst, const char *s, size_t n)
{
	free(*dst);
	*dst = xstrndup(s, n);
}

static size_t on_header(char *buf, size_t size, size_t n, void *ud)
{
	struct pw_fetch *x = ud;
	size_t len = size * n;
	const char *end = buf + len;
	while (end > buf && (end[-1] == '\r' || end[-1] == '\n'))
		end--;

	if (end - buf > 5 && memcmp(buf, "HTTP/", 5) == 0) {
		const char *sp = memchr(buf, ' ', (size_t)(end - buf));
		long code = sp ? strtol(sp + 1, NULL, 10) : 0;
		if (code >= 100 && code < 200)
			return len;  /* interim response (100 Continue, 103 Early Hints) */
		/* a new final response: the previous one was a redirect curl is following */
		if (x->status >= 300 && x->status < 400 && x->status != 301 && x->status != 308)
			x->nonpermanent = 1;
		x->status = code;
		free(x->r_etag);
		free(x->r_last_modified);
		free(x->r_retry_after);
		free(x->r_content_type);
		x->r_etag = x->r_last_modified = x->r_retry_after = x->r_content_type = NULL;
		return len;
	}

	const char *colon = memchr(buf, ':', (size_t)(end - buf));
	if (!colon)
		return len;
	size_t nlen = (size_t)(colon - buf);
	const char *v = colon + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	size_t vlen = (size_t)(end - v);
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
#define HDR(name) (nlen == sizeof(name) - 1 && strncasecmp(buf, name, nlen) == 0)
	if (HDR("etag"))
		set_str(&x->r_etag, v, vlen);
	else if (HDR("last-modified"))
		set_str(&x->r_last_modified, v, vlen);
	else if (HDR("retry-after"))
		set_str(&x->r_retry_after, v, vlen);
	else if (HDR("content-type"))
		set_str(&x->r_content_type, v, vlen);
#undef HDR
	return len;
}

static void fill_result(struct pw_fetch *x, struct pw_fetch_result *r)
{
	memset(r, 0, sizeof *r);
	r->reason = "";
	r->status = x->status;
	r->effective_url = x->url;
	if (x->running) {
		char *eff = NULL;
		if (curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK && eff)
			r->effective_url = eff;
	}
	r->etag = x->r_etag;
	r->last_modified = x->r_last_modified;
	r->retry_after = x->r_retry_after;
	r->content_type = x->r_content_type;
	r->body_bytes = x->body;
}

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
	struct pw_fetch *x = ud;
	size_t len = size * n;
	x->body += len;
	if (x->max_body && x->body > x->max_body) {
		x->too_large = 1;
		return 0;  /* != len: curl ends the transfer with CURLE_WRITE_ERROR */
	}
	/* only the final 2xx body is content; error pages are read (for connection reuse) and dropped */
	if (x->status < 200 || x->status >= 300 || !x->on_data)
		return len;
	struct pw_fetch_result r;
	fill_result(x, &r);
	if (x->on_data(x->arg, &r, data, len) < 0) {
		x->aborted = 1;
		return 0;
	}
	return len;
}

static int sock_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp);
static int timer_cb(CURLM *multi, long timeout_ms, void *userp);

static void on_socket(evutil_socket_t fd, short what, void *arg)
{
	struct sock_watch *w = arg;
	struct pw_fetcher *f = w->f;  /* w may be freed inside socket_action */
	int flags = (what & EV_READ ? CURL_CSELECT_IN : 0) | (what & EV_WRITE ? CURL_CSELECT_OUT : 0);
	int running;
	curl_multi_socket_action(f->multi, fd, flags, &running);
	check_done(f);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct pw_fetcher *f = arg;
	int running;
	curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(f);
}

static int sock_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct pw_fetcher *f = userp;
	struct sock_watch *w = socketp;

	if (what == CURL_POLL_REMOVE) {
		if (w) {
			event_free(w->ev);
			TAILQ_REMOVE(&f->watches, w, link);
			free(w);
			curl_multi_assign(f->multi, s, NULL);
		}
		return 0;
	}
	short kind = EV_PERSIST | (what & CURL_POLL_IN ? EV_READ : 0) | (what & CURL_POLL_OUT ? EV_WRITE : 0);
	if (!w) {
		w = xcalloc(1, sizeof *w);
		w->f = f;
		w->ev = event_new(f->base, s, kind, on_socket, w);
		if (!w->ev) {
			free(w);
			pw_err("fetch: cannot watch socket %d", (int)s);
			return -1;
		}
		TAILQ_INSERT_TAIL(&f->watches, w, link);
		curl_multi_assign(f->multi, s, w);
	} else {
		event_del(w->ev);
		event_assign(w->ev, f->base, s, kind, on_socket, w);
	}
	event_add(w->ev, NULL);
	return 0;
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct pw_fetcher *f = userp;
	if (timeout_ms < 0) {
		evtimer_del(f->timer);
		return 0;
	}
	/* curl forbids calling socket_action from here, so even "now" goes through the loop */
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	evtimer_add(f->timer, &tv);
	return 0;
}

/* --- request life cycle ----------------------------------------------------------------- */

static void fetch_free(struct pw_fetch *x)
{
	if (x->easy)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	free(x->url);
	free(x->etag);
	free(x->last_modified);
	free(x->accept);
	free(x->host);
	free(x->r_etag);
	free(x->r_last_modified);
	free(x->r_retry_after);
	free(x->r_content_type);
	free(x);
}

static void classify(struct pw_fetch *x, CURLcode rc, struct pw_fetch_result *r, char *reason, size_t rlen)
{
	const char *detail = x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
	switch (rc) {
	case CURLE_OK:
		r->error = PW_FETCH_OK;
		reason[0] = '\0';
		return;
	case CURLE_OPERATION_TIMEDOUT:
		r->error = PW_FETCH_TIMEOUT;
		snprintf(reason, rlen, "timeout: %s", detail);
		return;
	case CURLE_FILESIZE_EXCEEDED:
		r->error = PW_FETCH_TOO_LARGE;
		snprintf(reason, rlen, "body larger than the %zu-byte limit (Content-Length)", x->max_body);
		return;
	case CURLE_TOO_MANY_REDIRECTS:
		r->error = PW_FETCH_REDIRECTS;
		snprintf(reason, rlen, "too many redirects: %s", detail);
		return;
	case CURLE_UNSUPPORTED_PROTOCOL:
		if (r->redirects > 0 || x->status >= 300) {
			r->error = PW_FETCH_REDIRECTS;
			snprintf(reason, rlen, "redirect to a refused protocol: %s", detail);
			return;
		}
		break;
	case CURLE_WRITE_ERROR:
		if (x->too_large) {
			r->error = PW_FETCH_TOO_LARGE;
			snprintf(reason, rlen, "body larger than the %zu-byte limit", x->max_body);
			return;
		}
		if (x->aborted) {
			r->error = PW_FETCH_ABORTED;
			snprintf(reason, rlen, "body refused by the consumer");
			return;
		}
		break;
	default:
		break;
	}
	r->error = PW_FETCH_TRANSPORT;
	snprintf(reason, rlen, "%s", detail);
}

/* Unlinks a finished (or cancelled) request, reports it and frees it. */
static void finish(struct pw_fetch *x, CURLcode rc, int cancelled)
{
	struct pw_fetcher *f = x->f;
	struct pw_fetch_result r;
	char reason[CURL_ERROR_SIZE + 96];

	fill_result(x, &r);
	if (x->running) {
		long redirs = 0;
		curl_off_t us = 0;
		curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &redirs);
		curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &us);
		r.redirects = (int)redirs;
		r.seconds = (double)us / 1e6;
		if (x->status >= 300 && x->status < 400 && x->status != 304 && rc == CURLE_OK && r.redirects > 0) {
			/* final response is itself a redirect curl did not follow (no Location) */
			if (x->status != 301 && x->status != 308)
				x->nonpermanent = 1;
		}
		r.permanent = r.redirects > 0 && !x->nonpermanent;
	}
	if (cancelled) {
		r.error = PW_FETCH_CANCELLED;
		snprintf(reason, sizeof reason, "cancelled");
	} else {
		classify(x, rc, &r, reason, sizeof reason);
	}
	r.reason = reason;

	if (x->running) {
		TAILQ_REMOVE(&f->running, x, link);
		f->nrunning--;
		host_release(f, x->host);
		curl_multi_remove_handle(f->multi, x->easy);
	} else {
		unqueue(f, x);
	}
	x->on_done(x->arg, &r);  /* r's strings point into x / its easy handle: free after */
	x->running = 0;
	fetch_free(x);
}

static void check_done(struct pw_fetcher *f)
{
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(f->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		struct pw_fetch *x = NULL;
		CURLcode rc = msg->data.result;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		if (x)
			finish(x, rc, 0);
	}
	start_queued(f);
}

static int setup_easy(struct pw_fetcher *f, struct pw_fetch *x)
{
	const struct pw_fetch_opts *o = &f->opts;
	CURL *e = curl_easy_init();
	if (!e)
		return -1;
	x->easy = e;
	if (x->etag) {
		char *h = xasprintf("If-None-Match: %s", x->etag);
		x->headers = curl_slist_append(x->headers, h);
		free(h);
	}
	if (x->last_modified) {
		char *h = xasprintf("If-Modified-Since: %s", x->last_modified);
		x->headers = curl_slist_append(x->headers, h);
		free(h);
	}
	if (x->accept) {
		char *h = xasprintf("Accept: %s", x->accept);
		x->headers = curl_slist_append(x->headers, h);
		free(h);
	}
	int bad = 0;
#define SET(opt, val) bad |= curl_easy_setopt(e, opt, val) != CURLE_OK
	SET(CURLOPT_URL, x->url);
	SET(CURLOPT_PRIVATE, (void *)x);
	SET(CURLOPT_ERRORBUFFER, x->errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, (void *)x);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, (void *)x);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 1L);
	SET(CURLOPT_MAXREDIRS, (long)o->max_redirects);
	SET(CURLOPT_ACCEPT_ENCODING, "");  /* every encoding curl can decode */
	SET(CURLOPT_USERAGENT, o->user_agent);
	SET(CURLOPT_CONNECTTIMEOUT, (long)o->connect_timeout_s);
	SET(CURLOPT_TIMEOUT, (long)o->timeout_s);
	SET(CURLOPT_LOW_SPEED_LIMIT, o->low_speed_limit);
	SET(CURLOPT_LOW_SPEED_TIME, (long)o->low_speed_time_s);
	SET(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
	SET(CURLOPT_SSL_VERIFYPEER, x->tls_verify ? 1L : 0L);
	SET(CURLOPT_SSL_VERIFYHOST, x->tls_verify ? 2L : 0L);
	if (x->max_body)
		SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max_body);
	if (x->headers)
		SET(CURLOPT_HTTPHEADER, x->headers);
#undef SET
	return bad ? -1 : 0;
}

static void on_kick(evutil_socket_t fd, short what, void *arg)
{
	struct pw_fetcher *f = arg;
	struct pw_fetch *x, *next;
	for (x = TAILQ_FIRST(&f->running); x; x = next) {
		next = TAILQ_NEXT(x, link);
		if (x->setup_failed) {
			finish(x, CURLE_FAILED_INIT, 0);
			next = TAILQ_FIRST(&f->running);  /* on_done may have changed the list */
		}
	}
	start_queued(f);
}

static void start_queued(struct pw_fetcher *f)
{
	struct pw_fetch *x;
	while (f->nrunning < (size_t)f->opts.concurrency && (x = next_startable(f))) {
		unqueue(f, x);
		TAILQ_INSERT_TAIL(&f->running, x, link);
		f->nrunning++;
		host_get(f, x->host)->active++;
		x->running = 1;
		if (setup_easy(f, x) < 0 || curl_multi_add_handle(f->multi, x->easy) != CURLM_OK) {
			snprintf(x->errbuf, sizeof x->errbuf, "cannot set up the transfer");
			/* report from the loop, never from inside the caller's pw_fetch_start */
			x->setup_failed = 1;
			event_active(f->kick, EV_TIMEOUT, 0);
		}
	}
}

struct pw_fetch *pw_fetch_start(struct pw_fetcher *f, const struct pw_fetch_req *req, char *err, size_t errlen)
{
	char *host = url_host_key(req->url, err, errlen);
	if (!host)
		return NULL;
	struct pw_fetch *x = xcalloc(1, sizeof *x);
	x->f = f;
	x->url = xstrdup(req->url);
	x->host = host;
	/* validators come from earlier responses; refuse anything that could split a header */
	if (req->etag && *req->etag && !strpbrk(req->etag, "\r\n"))
		x->etag = xstrdup(req->etag);
	if (req->last_modified && *req->last_modified && !strpbrk(req->last_modified, "\r\n"))
		x->last_modified = xstrdup(req->last_modified);
	if (req->accept)
		x->accept = xstrdup(req->accept);
	x->max_body = req->max_body;
	x->tls_verify = req->tls_verify;
	x->on_data = req->on_data;
	x->on_done = req->on_done;
	x->arg = req->arg;
	x->seq = f->seq++;
	TAILQ_INSERT_TAIL(&f->queue, x, link);
	f->nqueued++;
	start_queued(f);
	return x;
}

size_t pw_fetcher_active(const struct pw_fetcher *f) { return f->nrunning; }
size_t pw_fetcher_queued(const struct pw_fetcher *f) { return f->nqueued; }

/* Any queued request (parked ones first: they are the older), or NULL. */
static struct pw_fetch *first_queued(struct pw_fetcher *f)
{
	struct host_slot *h = TAILQ_FIRST(&f->parked_hosts);
	return h ? TAILQ_FIRST(&h->parked) : TAILQ_FIRST(&f->queue);
}

void pw_fetcher_cancel_all(struct pw_fetcher *f)
{
	struct pw_fetch *x;
	while ((x = TAILQ_FIRST(&f->running)) || (x = first_queued(f)))
		finish(x, CURLE_OK, 1);
}

void pw_fetcher_cancel_queued(struct pw_fetcher *f)
{
	struct pw_fetch *x;
	while ((x = first_queued(f)))
		finish(x, CURLE_OK, 1);
}

static void copy_opts(struct pw_fetch_opts *dst, const struct pw_fetch_opts *src)
{
	char *old = (char *)dst->user_agent;
	*dst = *src;
	dst->user_agent = xstrdup(src->user_agent ? src->user_agent : "presswatch");
	if (dst->concurrency < 1)
		dst->concurrency = 1;
	if (dst->per_host < 1)
		dst->per_host = 1;
	free(old);
}

void pw_fetcher_set_opts(struct pw_fetcher *f, const struct pw_fetch_opts *opts)
{
	copy_opts(&f->opts, opts);
	start_queued(f);  /* a raised limit may free slots */
}

struct pw_fetcher *pw_fetcher_new(struct event_base *base, const struct pw_fetch_opts *opts)
{
	struct pw_fetcher *f = xcalloc(1, sizeof *f);
	f->base = base;
	TAILQ_INIT(&f->queue);
	TAILQ_INIT(&f->running);
	TAILQ_INIT(&f->parked_hosts);
	copy_opts(&f->opts, opts);
	f->multi = curl_multi_init();
	TAILQ_INIT(&f->watches);
	f->timer = evtimer_new(base, on_timeout, f);
	f->kick = evtimer_new(base, on_kick, f);
	if (!f->multi || !f->timer || !f->kick) {
		pw_err("fetch: cannot initialise libcurl multi / libevent timer");
		if (f->multi)
			curl_multi_cleanup(f->multi);
		if (f->timer)
			event_free(f->timer);
		if (f->kick)
			event_free(f->kick);
		free((char *)f->opts.user_agent);
		free(f);
		return NULL;
	}
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	return f;
}

void pw_fetcher_free(struct pw_fetcher *f)
{
	if (!f)
		return;
	pw_fetcher_cancel_all(f);
	curl_multi_cleanup(f->multi);  /* closes cached connections */
	struct sock_watch *w;
	while ((w = TAILQ_FIRST(&f->watches))) {
		TAILQ_REMOVE(&f->watches, w, link);
		event_free(w->ev);
		free(w);
	}
	event_free(f->timer);
	event_free(f->kick);
	pw_strmap_free(&f->hosts);  /* empty: every slot went with its last request */
	free((char *)f->opts.user_agent);
	free(f);
}
