/*
 * tap.h -- a tiny TAP producer for unit tests (header-only).
 *
 * Why not check/cmocka: automake's TAP driver already counts and reports each assertion, and a
 * 60-line header keeps tests free of another build dependency and of forked runners that hide
 * sanitizer reports.  Each ok()/is_*() prints one TAP line; done_testing() prints the plan and
 * returns the exit status (failures make the test binary fail too).
 */
#ifndef PW_TAP_H
#define PW_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static inline int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!ok(g_ == w_, __VA_ARGS__)) printf("#   got %lld, want %lld\n", g_, w_); \
} while (0)
#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	int same_ = (g_ == NULL && w_ == NULL) || (g_ && w_ && strcmp(g_, w_) == 0); \
	if (!ok(same_, __VA_ARGS__)) printf("#   got \"%s\"\n#  want \"%s\"\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)
#define diag(...) do { printf("# "); printf(__VA_ARGS__); printf("\n"); } while (0)

/* A fixed-seed xorshift64 stream for tests that want many varied inputs, the same every run
 * (one stream per test program). */
static inline uint64_t tap_rand(void)
{
	static uint64_t x = 0x243f6a8885a308d3ull;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}
#define skip(why) do { printf("ok %d # SKIP %s\n", ++tap_n, why); } while (0)

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
