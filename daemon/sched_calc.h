/*
 * sched_calc.h -- the scheduling arithmetic of presswatchd, as pure functions.
 *
 * Kept apart from scheduler.c (timers, fetches, the store) so every rule can be unit-tested
 * without an event loop: tests/unit/test_scheduler.c.  Times are int64_t seconds (UTC);
 * randomness comes in as a parameter, so results are reproducible.
 */
#ifndef PW_SCHED_CALC_H
#define PW_SCHED_CALC_H

#include <stdint.h>

struct pw_sched_params {
	int64_t interval_s;      /* the feed's configured interval, 0 = default_interval_s */
	int64_t default_interval_s;
	int64_t min_interval_s;  /* bounds within which a feed's ttl hint is obeyed; a */
	int64_t max_interval_s;  /* configured interval outside them stands as configured */
	int64_t max_backoff_s;   /* ceiling for error backoff */
	double jitter;           /* fraction of the interval, e.g. 0.1 = +-10% */
};

/*
 * Interval between two successful polls.  The configured interval (or the default) is the
 * base.  A publisher's ttl / sy:updatePeriod hint, clamped to [min_interval, max_interval]
 * (presswatch.conf(5)), can only lengthen it: ttl is a cache lifetime, so polling more often
 * than it is wasted.  The result is at least 1 s.
 */
int64_t pw_sched_interval(const struct pw_sched_params *p, int64_t ttl_hint_s);

/*
 * Spreads `delay` by +-jitter*delay using rnd (any 32-bit random value), so feeds with the same
 * interval drift apart instead of polling in lockstep.  Never returns less than 1.
 */
int64_t pw_sched_jitter(int64_t delay, double jitter, uint32_t rnd);

/*
 * Delay after the fail_count-th consecutive failure (fail_count >= 1): the interval doubled
 * per failure, interval * 2^fail_count, capped at max(max_backoff, interval).
 */
int64_t pw_sched_backoff(int64_t interval_s, int fail_count, int64_t max_backoff_s);

/*
 * Parses an HTTP Retry-After value: delta-seconds ("120") or an HTTP-date
 * ("Wed, 21 Oct 2026 07:28:00 GMT", also the obsolete RFC 850 / asctime forms).
 * Sets *delay_s (>= 0; a date in the past gives 0) and returns 0, or returns -1 when the value
 * is absent or malformed.
 */
int pw_sched_parse_retry_after(const char *value, int64_t now, int64_t *delay_s);

/* What a poll came to, as the scheduler needs it. */
enum pw_poll_kind {
	PW_POLL_OK,        /* 200 with a feed, or 304 */
	PW_POLL_ERROR,     /* transport error, timeout, bad status, not a feed, ... */
	PW_POLL_THROTTLED, /* 429 or 503: Retry-After is honoured */
};

/*
 * Seconds from now to the next poll.
 *  ok:        pw_sched_interval() with jitter.
 *  error:     pw_sched_backoff(interval, fail_count) with jitter, within the cap.
 *  throttled: like error, but never sooner than retry_after_s (when >= 0); a Retry-After longer
 *             than max_backoff is cut to max_backoff so a hostile value cannot park a feed.
 * fail_count is the count after this poll (>= 1 for error/throttled).
 */
int64_t pw_sched_next_delay(const struct pw_sched_params *p, enum pw_poll_kind kind, int64_t ttl_hint_s,
			    int fail_count, int64_t retry_after_s, uint32_t rnd);

/*
 * Delay of a feed's first poll after the daemon starts (or after the feed appears).  A
 * next_poll persisted in the store is honoured, so a restart is not a burst; feeds that are due
 * or were never polled are spread over a short window (jitter * interval, at most 60 s) rather
 * than all fired at once.
 */
int64_t pw_sched_start_delay(const struct pw_sched_params *p, int64_t now, int64_t next_poll, uint32_t rnd);

#endif
