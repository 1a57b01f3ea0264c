/* test_store_wait.c -- retry delays and lock bookkeeping for a locked store (daemon/store_wait.c). */
#include <stdint.h>

#include "tap.h"
#include "store_wait.h"

static void test_backoff(void)
{
	struct pw_store_wait w = { 0 };
	int d = -1;
	is_int(pw_store_wait_busy(&w, 1000, &d), 1, "first busy failure: the lock begins (log it)");
	is_int(d, PW_STORE_WAIT_FIRST_MS, "first retry after PW_STORE_WAIT_FIRST_MS");
	is_int(w.since_ms, 1000, "the lock is dated from the first failure");
	static const int want[] = { 100, 200, 400, 800, 1600, 3200, 3200, 3200 };
	int started = 0;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		started += pw_store_wait_busy(&w, 1000 + 100 * (int64_t)i, &d);
		is_int(d, want[i], "retry %zu: the delay doubles up to the cap", i + 2);
	}
	is_int(started, 0, "later failures do not begin the lock again (one log line)");
	is_int(w.since_ms, 1000, "later failures keep the lock's start");
	is_int(w.attempts, 9, "nine busy failures counted");
	ok(PW_STORE_WAIT_MAX_MS <= 5000, "the longest wait between attempts is a few seconds");
	ok(PW_STORE_LOOP_BUSY_MS <= 50, "SQLite's busy wait on the loop is tens of ms at most");
}

static void test_clear(void)
{
	struct pw_store_wait w = { 0 };
	int d;
	is_int(pw_store_wait_clear(&w, 5000), -1, "clear when not locked: -1 (no recovery line)");
	pw_store_wait_busy(&w, 10000, &d);
	pw_store_wait_busy(&w, 10050, &d);
	is_int(pw_store_wait_clear(&w, 17250), 7250, "clear after a lock: how long it lasted");
	is_int(w.locked, 0, "clear: not locked any more");
	is_int(pw_store_wait_clear(&w, 18000), -1, "a second clear reports nothing");
	is_int(pw_store_wait_busy(&w, 20000, &d), 1, "a new lock after a clear begins again");
	is_int(d, PW_STORE_WAIT_FIRST_MS, "and its delays start again from the first");
	is_int(pw_store_wait_clear(&w, 19000), 0, "a clock read before the start never gives a negative duration");
}

int main(void)
{
	test_backoff();
	test_clear();
	return done_testing();
}
