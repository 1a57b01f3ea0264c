/*
 * fetch.h -- HTTP(S) fetcher: libcurl's multi interface driven by a libevent base.
 *
 * curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION) and when to wake it
 * (CURLMOPT_TIMERFUNCTION); libevent watches them and calls curl_multi_socket_action().  No
 * threads, no polling loop: an idle fetcher has no events armed at all.
 *
 * Limits: at most `concurrency` transfers run at once and at most `per_host` against one
 * host:port; the rest wait in a FIFO queue (a request whose host is busy does not block
 * requests to other hosts).  Only http and https are allowed, for the first URL and for every
 * redirect.  Bodies are streamed to the caller's on_data and capped at max_body while
 * streaming (decoded size, so a gzip bomb is caught too).
 *
 * Callbacks: every request accepted by pw_fetch_start() gets exactly one on_done, always from
 * the event loop (never from inside pw_fetch_start), also when it is cancelled.  The result and
 * its strings are valid only during on_done.  on_done may start new requests.
 */
#ifndef PW_FETCH_H
#define PW_FETCH_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct pw_fetcher;
struct pw_fetch;

struct pw_fetch_opts {
	int concurrency;            /* transfers in flight, >= 1 */
	int per_host;               /* per host:port, >= 1 */
	int64_t connect_timeout_s;
	int64_t timeout_s;          /* whole transfer */
	int64_t low_speed_time_s;   /* abort when slower than low_speed_limit for this long */
	long low_speed_limit;       /* bytes/s */
	int max_redirects;
	const char *user_agent;     /* copied */
};

enum pw_fetch_error {
	PW_FETCH_OK = 0,      /* a complete HTTP response arrived (whatever its status) */
	PW_FETCH_TIMEOUT,     /* connect, total or low-speed timeout */
	PW_FETCH_TOO_LARGE,   /* body (or its Content-Length) above max_body */
	PW_FETCH_REDIRECTS,   /* too many redirects, or a redirect to a refused protocol */
	PW_FETCH_TRANSPORT,   /* DNS, connect, TLS, truncated body, protocol error, ... */
	PW_FETCH_ABORTED,     /* the consumer's on_data refused the body */
	PW_FETCH_CANCELLED,   /* pw_fetcher_cancel_all() (shutdown) */
};

struct pw_fetch_result {
	enum pw_fetch_error error;
	const char *reason;         /* one-line human reason, "" when error == PW_FETCH_OK */
	long status;                /* final HTTP status, 0 when none was received */
	const char *effective_url;  /* after redirects (never NULL) */
	int redirects;              /* number of redirects followed */
	int permanent;              /* redirects > 0 and every one was 301 or 308 */
	const char *etag, *last_modified, *retry_after, *content_type; /* of the final response, or NULL */
	size_t body_bytes;          /* decoded body bytes received */
	double seconds;             /* wall time from start of transfer (not queue) */
};

/*
 * Body chunk of a 2xx final response (bodies of redirects and error pages are not passed on).
 * r has status, effective_url and content_type set.  Return 0 to go on, -1 to abort the
 * transfer (it then ends with PW_FETCH_ABORTED).
 */
typedef int (*pw_fetch_data_cb)(void *arg, const struct pw_fetch_result *r, const char *data, size_t len);
typedef void (*pw_fetch_done_cb)(void *arg, const struct pw_fetch_result *r);

struct pw_fetch_req {
	const char *url;
	const char *etag;           /* sent as If-None-Match when non-NULL */
	const char *last_modified;  /* sent as If-Modified-Since when non-NULL */
	const char *accept;         /* Accept header, NULL = curl's default */
	size_t max_body;            /* 0 = unlimited (never use for network input) */
	int tls_verify;             /* 0 only when the feed opted out explicitly */
	pw_fetch_data_cb on_data;
	pw_fetch_done_cb on_done;
	void *arg;
};

/* NULL (logged) when curl or libevent refuse to set up. */
struct pw_fetcher *pw_fetcher_new(struct event_base *base, const struct pw_fetch_opts *opts);
/* Cancels everything still queued or running (on_done with PW_FETCH_CANCELLED), then frees. */
void pw_fetcher_free(struct pw_fetcher *f);
/* New limits/timeouts apply to requests started from now on. */
void pw_fetcher_set_opts(struct pw_fetcher *f, const struct pw_fetch_opts *opts);

/*
 * Queues a request; strings in req are copied.  Returns a handle valid until on_done, or NULL
 * with a reason in err (malformed URL, refused scheme) -- then no callback is made.
 */
struct pw_fetch *pw_fetch_start(struct pw_fetcher *f, const struct pw_fetch_req *req, char *err, size_t errlen);

/* Requests running / waiting for a slot. */
size_t pw_fetcher_active(const struct pw_fetcher *f);
size_t pw_fetcher_queued(const struct pw_fetcher *f);
/* Ends every request now, running or queued; each gets on_done with PW_FETCH_CANCELLED. */
void pw_fetcher_cancel_all(struct pw_fetcher *f);
/* Same for the requests still waiting for a slot only (shutdown: running ones get a grace). */
void pw_fetcher_cancel_queued(struct pw_fetcher *f);

const char *pw_fetch_error_name(enum pw_fetch_error e);

#endif
