/* common.h -- small definitions shared by every presswatch module. */
#ifndef PW_COMMON_H
#define PW_COMMON_H

#include <stdint.h>
#include <time.h>

/* Times are int64_t seconds since the epoch, UTC.  PW_NOTIME means "unknown" (stored as NULL). */
#define PW_NOTIME INT64_MIN

#define PW_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The monotonic clock (for timeouts and durations, never dates): milliseconds, and seconds as a
 * double for measuring how long something took. */
static inline int64_t pw_monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline double pw_monotonic_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
