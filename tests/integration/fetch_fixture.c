/*
 * fetch_fixture -- drives daemon/fetch.c alone, for fetchqueue.sh.
 *
 *   fetch_fixture CONCURRENCY PER_HOST CANCEL_MS URL...
 *
 * Starts one request per URL, in order, and prints one line per request as it ends, in the
 * order they end: "INDEX STATUS" (HTTP status) or "INDEX cancelled".  CANCEL_MS > 0 calls
 * pw_fetcher_cancel_queued() that many milliseconds after the start.  Exit 0 once every
 * request has ended (each exactly once), 1 on any other outcome.
 */
#include <stdio.h>
#include <stdlib.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "fetch.h"
#include "log.h"

static struct event_base *base;
static struct pw_fetcher *fetcher;
static int nleft, bad;
static int *ended;

static int on_data(void *arg, const struct pw_fetch_result *r, const char *data, size_t len)
{
	return 0;
}

static void on_done(void *arg, const struct pw_fetch_result *r)
{
	int i = (int)(intptr_t)arg;
	if (ended[i]++)
		bad = 1;
	if (r->error == PW_FETCH_CANCELLED)
		printf("%d cancelled\n", i);
	else if (r->error == PW_FETCH_OK)
		printf("%d %ld\n", i, r->status);
	else
		printf("%d error %s\n", i, r->reason);
	fflush(stdout);
	if (--nleft == 0)
		event_base_loopbreak(base);
}

static void on_cancel(evutil_socket_t fd, short what, void *arg)
{
	printf("cancel_queued: %zu queued, %zu running\n", pw_fetcher_queued(fetcher), pw_fetcher_active(fetcher));
	pw_fetcher_cancel_queued(fetcher);
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: fetch_fixture CONCURRENCY PER_HOST CANCEL_MS URL...\n");
		return 2;
	}
	pw_log_use_stderr();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	base = event_base_new();
	struct pw_fetch_opts o = {
		.concurrency = atoi(argv[1]), .per_host = atoi(argv[2]), .connect_timeout_s = 10,
		.timeout_s = 30, .low_speed_time_s = 20, .low_speed_limit = 1, .max_redirects = 0,
		.user_agent = "presswatch-fetch-fixture",
	};
	fetcher = pw_fetcher_new(base, &o);
	if (!base || !fetcher)
		return 1;
	int n = argc - 4;
	ended = calloc((size_t)n, sizeof *ended);
	nleft = n;
	for (int i = 0; i < n; i++) {
		struct pw_fetch_req req = {
			.url = argv[4 + i], .max_body = 1 << 20, .tls_verify = 1,
			.on_data = on_data, .on_done = on_done, .arg = (void *)(intptr_t)i,
		};
		char err[256];
		if (!pw_fetch_start(fetcher, &req, err, sizeof err)) {
			fprintf(stderr, "fetch_fixture: %s: %s\n", argv[4 + i], err);
			return 1;
		}
	}
	struct event *cancel = evtimer_new(base, on_cancel, NULL);
	long ms = atol(argv[3]);
	if (ms > 0) {
		struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
		evtimer_add(cancel, &tv);
	}
	event_base_dispatch(base);
	int rc = nleft == 0 && !bad && pw_fetcher_queued(fetcher) == 0 && pw_fetcher_active(fetcher) == 0 ? 0 : 1;
	event_free(cancel);
	pw_fetcher_free(fetcher);
	event_base_free(base);
	free(ended);
	curl_global_cleanup();
	return rc;
}
