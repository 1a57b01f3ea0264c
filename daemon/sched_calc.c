/* sched_calc.c -- scheduling arithmetic (see sched_calc.h). */
#include "sched_calc.h"

#include "common.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

/* Start-up spread for due feeds is at most this long: long enough to avoid a thundering herd
 * against one host, short enough that a fresh install shows items at once. */
#define START_SPREAD_MAX_S 60

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

int64_t pw_sched_interval(const struct pw_sched_params *p, int64_t ttl_hint_s)
{
	int64_t iv = p->interval_s > 0 ? p->interval_s : p->default_interval_s;
	if (ttl_hint_s > 0) {
		/* the hint is obeyed within [min_interval, max_interval], and only to lengthen */
		int64_t hinted = max64(min64(ttl_hint_s, p->max_interval_s), p->min_interval_s);
		iv = max64(iv, hinted);
	}
	return max64(iv, 1);
}

int64_t pw_sched_jitter(int64_t delay, double jitter, uint32_t rnd)
{
	if (delay < 1)
		return 1;
	if (jitter <= 0)
		return delay;
	if (jitter > 1)
		jitter = 1;
	int64_t span = (int64_t)((double)delay * jitter);
	if (span <= 0)
		return delay;
	/* offset uniform in [-span, +span] */
	int64_t off = (int64_t)(rnd % (uint64_t)(2 * span + 1)) - span;
	return max64(delay + off, 1);
}

int64_t pw_sched_backoff(int64_t interval_s, int fail_count, int64_t max_backoff_s)
{
	int64_t iv = max64(interval_s, 1);
	int64_t cap = max64(max_backoff_s, iv);
	if (fail_count < 1)
		return iv;
	int64_t d = iv;
	for (int i = 0; i < fail_count; i++) {
		if (d >= cap / 2)
			return cap;
		d *= 2;
	}
	return min64(d, cap);
}

int pw_sched_parse_retry_after(const char *value, int64_t now, int64_t *delay_s)
{
	if (!value)
		return -1;
	while (isspace((unsigned char)*value))
		value++;
	if (!*value)
		return -1;
	if (isdigit((unsigned char)*value)) {
		char *end;
		errno = 0;
		long long v = strtoll(value, &end, 10);
		while (isspace((unsigned char)*end))
			end++;
		if (*end || errno == ERANGE || v < 0)
			return -1;
		*delay_s = (int64_t)v;
		return 0;
	}
	time_t t = curl_getdate(value, NULL);
	if (t == (time_t)-1)
		return -1;
	*delay_s = max64((int64_t)t - now, 0);
	return 0;
}

int64_t pw_sched_next_delay(const struct pw_sched_params *p, enum pw_poll_kind kind, int64_t ttl_hint_s,
			    int fail_count, int64_t retry_after_s, uint32_t rnd)
{
	int64_t iv = pw_sched_interval(p, ttl_hint_s);
	if (kind == PW_POLL_OK)
		return pw_sched_jitter(iv, p->jitter, rnd);

	int64_t cap = max64(p->max_backoff_s, iv);
	int64_t d = pw_sched_jitter(pw_sched_backoff(iv, fail_count, p->max_backoff_s), p->jitter, rnd);
	d = min64(d, cap);
	if (kind == PW_POLL_THROTTLED && retry_after_s >= 0)
		d = max64(d, min64(retry_after_s, cap));
	return max64(d, 1);
}

int64_t pw_sched_start_delay(const struct pw_sched_params *p, int64_t now, int64_t next_poll, uint32_t rnd)
{
	int64_t iv = pw_sched_interval(p, 0);
	if (next_poll != PW_NOTIME && next_poll > now) {
		/* a persisted schedule stands, within what any rule could have produced (guards
		 * against a clock that jumped back or a store edited by hand) */
		int64_t longest = max64(max64(p->max_backoff_s, p->max_interval_s), iv);
		return min64(next_poll - now, longest);
	}
	int64_t spread = min64((int64_t)((double)iv * (p->jitter > 0 ? p->jitter : 0)), START_SPREAD_MAX_S);
	if (spread <= 0)
		return 0;
	return (int64_t)(rnd % (uint64_t)(spread + 1));
}
