/* store_wait.c -- retry delays for a locked store (see store_wait.h). */
#include "store_wait.h"

int pw_store_wait_busy(struct pw_store_wait *w, int64_t now_ms, int *delay_ms)
{
	int started = !w->locked;
	if (started) {
		w->locked = 1;
		w->since_ms = now_ms;
		w->attempts = 0;
		w->delay_ms = PW_STORE_WAIT_FIRST_MS;
	} else if (w->delay_ms < PW_STORE_WAIT_MAX_MS) {
		w->delay_ms = w->delay_ms * 2 < PW_STORE_WAIT_MAX_MS ? w->delay_ms * 2 : PW_STORE_WAIT_MAX_MS;
	}
	w->attempts++;
	*delay_ms = w->delay_ms;
	return started;
}

int64_t pw_store_wait_clear(struct pw_store_wait *w, int64_t now_ms)
{
	int64_t held = w->locked ? (now_ms >= w->since_ms ? now_ms - w->since_ms : 0) : -1;
	w->locked = 0;
	w->since_ms = 0;
	w->delay_ms = 0;
	w->attempts = 0;
	return held;
}
