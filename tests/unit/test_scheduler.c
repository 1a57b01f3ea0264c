/* test_scheduler.c -- the scheduling arithmetic of presswatchd (daemon/sched_calc.c). */
#include <stdint.h>

#include "tap.h"
#include "../../daemon/sched_calc.h"

static const struct pw_sched_params defaults = {
	.interval_s = 0,
	.default_interval_s = 600,   /* 10m */
	.min_interval_s = 120,       /* 2m */
	.max_interval_s = 6 * 3600,  /* 6h */
	.max_backoff_s = 6 * 3600,
	.jitter = 0.1,
};

static void test_interval(void)
{
	struct pw_sched_params p = defaults;
	is_int(pw_sched_interval(&p, 0), 600, "no feed interval, no hint: the default");
	p.interval_s = 900;
	is_int(pw_sched_interval(&p, 0), 900, "per-feed interval wins over the default");
	is_int(pw_sched_interval(&p, 3600), 3600, "a longer ttl hint lengthens the interval");
	is_int(pw_sched_interval(&p, 60), 900, "a shorter ttl hint does not shorten it");
	is_int(pw_sched_interval(&p, 7 * 24 * 3600), 6 * 3600, "a huge hint stops at max_interval");
	p.interval_s = 12 * 3600;
	is_int(pw_sched_interval(&p, 24 * 3600), 12 * 3600, "a configured interval above max_interval stands");
	p.interval_s = 30;
	is_int(pw_sched_interval(&p, 0), 30, "a configured interval below min_interval stands (the bounds are for hints)");
	is_int(pw_sched_interval(&p, 45), 120, "a hint below min_interval counts as min_interval");
	is_int(pw_sched_interval(&p, 300), 300, "a hint above a short configured interval lengthens it");
	p.min_interval_s = 0;
	p.interval_s = 0;
	p.default_interval_s = 0;
	is_int(pw_sched_interval(&p, 0), 1, "never below one second");
}

static void test_jitter(void)
{
	is_int(pw_sched_jitter(600, 0.0, 12345), 600, "no jitter: unchanged");
	is_int(pw_sched_jitter(600, 0.1, 0), 540, "rnd 0: lowest end (-10%%)");
	is_int(pw_sched_jitter(600, 0.1, 120), 660, "rnd 2*span: highest end (+10%%)");
	is_int(pw_sched_jitter(600, 0.1, 60), 600, "rnd span: the middle");
	int inside = 1, lo = 0, hi = 0;
	for (uint32_t r = 0; r < 5000; r++) {
		int64_t d = pw_sched_jitter(600, 0.1, r * 2654435761u);
		if (d < 540 || d > 660)
			inside = 0;
		lo |= d < 580;
		hi |= d > 620;
	}
	ok(inside, "5000 draws all within +-10%%");
	ok(lo && hi, "draws spread over both halves of the window");
	is_int(pw_sched_jitter(5, 0.1, 7), 5, "a span below one second leaves short delays alone");
	is_int(pw_sched_jitter(0, 0.1, 7), 1, "never below one second");
	int64_t full = pw_sched_jitter(100, 5.0, 0);
	ok(full >= 1, "jitter above 1 is clamped (got %lld)", (long long)full);
}

static void test_backoff(void)
{
	is_int(pw_sched_backoff(600, 1, 21600), 1200, "first failure: twice the interval");
	is_int(pw_sched_backoff(600, 2, 21600), 2400, "second: four times");
	is_int(pw_sched_backoff(600, 4, 21600), 9600, "fourth: sixteen times");
	is_int(pw_sched_backoff(600, 5, 21600), 19200, "fifth: thirty-two times");
	is_int(pw_sched_backoff(600, 6, 21600), 21600, "sixth: capped at max_backoff");
	is_int(pw_sched_backoff(600, 1000, 21600), 21600, "absurd counts do not overflow");
	is_int(pw_sched_backoff(600, 0, 21600), 600, "no failure: the interval");
	is_int(pw_sched_backoff(7200, 3, 3600), 7200, "cap below the interval: the interval");
	is_int(pw_sched_backoff(1, 3, 10), 8, "short test intervals double too");
}

static void test_retry_after(void)
{
	int64_t d = -1;
	int64_t now = 1790000000;  /* 2026-09-21T... UTC */
	is_int(pw_sched_parse_retry_after("120", now, &d), 0, "delta-seconds parses");
	is_int(d, 120, "delta-seconds value");
	is_int(pw_sched_parse_retry_after("  7 ", now, &d), 0, "spaces around delta-seconds");
	is_int(d, 7, "spaces: value");
	/* 1790000000 = Mon, 21 Sep 2026 14:13:20 GMT */
	is_int(pw_sched_parse_retry_after("Mon, 21 Sep 2026 14:15:20 GMT", now, &d), 0, "IMF-fixdate parses");
	is_int(d, 120, "IMF-fixdate: two minutes ahead");
	is_int(pw_sched_parse_retry_after("Monday, 21-Sep-26 14:14:20 GMT", now, &d), 0, "RFC 850 date parses");
	is_int(d, 60, "RFC 850 date: one minute ahead");
	is_int(pw_sched_parse_retry_after("Mon Sep 21 14:13:50 2026", now, &d), 0, "asctime date parses");
	is_int(d, 30, "asctime date: thirty seconds ahead");
	is_int(pw_sched_parse_retry_after("Sun, 20 Sep 2026 14:13:20 GMT", now, &d), 0, "a past date parses");
	is_int(d, 0, "a past date means now");
	ok(pw_sched_parse_retry_after("soon", now, &d) < 0, "garbage is refused");
	ok(pw_sched_parse_retry_after("-5", now, &d) < 0, "negative seconds are refused");
	ok(pw_sched_parse_retry_after("12abc", now, &d) < 0, "trailing junk is refused");
	ok(pw_sched_parse_retry_after("", now, &d) < 0, "empty is refused");
	ok(pw_sched_parse_retry_after(NULL, now, &d) < 0, "absent is refused");
}

static void test_next_delay(void)
{
	struct pw_sched_params p = defaults;
	p.jitter = 0;
	is_int(pw_sched_next_delay(&p, PW_POLL_OK, 0, 0, -1, 99), 600, "ok: the interval");
	is_int(pw_sched_next_delay(&p, PW_POLL_OK, 1800, 0, -1, 99), 1800, "ok with a ttl hint");
	is_int(pw_sched_next_delay(&p, PW_POLL_ERROR, 0, 1, -1, 99), 1200, "error: backoff");
	is_int(pw_sched_next_delay(&p, PW_POLL_ERROR, 0, 9, -1, 99), 21600, "error: backoff capped");
	is_int(pw_sched_next_delay(&p, PW_POLL_THROTTLED, 0, 1, 3600, 99), 3600, "429: Retry-After above the backoff wins");
	is_int(pw_sched_next_delay(&p, PW_POLL_THROTTLED, 0, 1, 30, 99), 1200, "429: a short Retry-After never brings the poll forward");
	is_int(pw_sched_next_delay(&p, PW_POLL_THROTTLED, 0, 1, 99999999, 99), 21600, "429: a hostile Retry-After is cut to max_backoff");
	is_int(pw_sched_next_delay(&p, PW_POLL_THROTTLED, 0, 2, -1, 99), 2400, "503 without Retry-After: plain backoff");
	p.jitter = 0.1;
	int64_t d = pw_sched_next_delay(&p, PW_POLL_ERROR, 0, 9, -1, 0xffffffffu);
	ok(d <= 21600, "jittered backoff stays within the cap (%lld)", (long long)d);
	/* the short intervals the integration tests use */
	struct pw_sched_params t = { .interval_s = 1, .default_interval_s = 1, .min_interval_s = 1,
				     .max_interval_s = 60, .max_backoff_s = 30, .jitter = 0.1 };
	is_int(pw_sched_next_delay(&t, PW_POLL_THROTTLED, 0, 1, 4, 5), 4, "1s interval, Retry-After 4: four seconds");
}

static void test_start_delay(void)
{
	struct pw_sched_params p = defaults;
	int64_t now = 1790000000;
	is_int(pw_sched_start_delay(&p, now, now + 300, 7), 300, "a persisted next_poll is honoured");
	is_int(pw_sched_start_delay(&p, now, now + 30 * 86400, 7), 21600, "an absurd next_poll is bounded");
	int64_t never = pw_sched_start_delay(&p, now, INT64_MIN, 1234567);
	ok(never >= 0 && never <= 60, "never polled: within the 60 s start-up window (%lld)", (long long)never);
	int64_t due = pw_sched_start_delay(&p, now, now - 5000, 1234567);
	ok(due >= 0 && due <= 60, "overdue: spread, not fired all at once (%lld)", (long long)due);
	int spread = 0;
	for (uint32_t r = 0; r < 100; r++)
		if (pw_sched_start_delay(&p, now, INT64_MIN, r * 2654435761u) != pw_sched_start_delay(&p, now, INT64_MIN, 0))
			spread = 1;
	ok(spread, "different feeds get different start delays");
	p.jitter = 0;
	is_int(pw_sched_start_delay(&p, now, now - 1, 99), 0, "no jitter: due feeds start at once");
}

int main(void)
{
	test_interval();
	test_jitter();
	test_backoff();
	test_retry_after();
	test_next_delay();
	test_start_delay();
	return done_testing();
}
