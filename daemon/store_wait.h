/*
 * store_wait.h -- the daemon's bookkeeping of a store locked by another connection (someone's
 * `BEGIN IMMEDIATE` left open in the sqlite3 shell, a long DELETE, a CLI command that writes).
 *
 * The event loop never waits in SQLite's busy handler for more than a few tens of ms
 * (PW_STORE_LOOP_BUSY_MS); a write that finds the store locked is retried from a timer instead
 * (batch.h).  This file decides when: the first retry PW_STORE_WAIT_FIRST_MS after the failure,
 * each next one twice as late, at most PW_STORE_WAIT_MAX_MS apart -- a lock of a second costs a
 * few cheap attempts, one of an hour an attempt every few seconds.  It also says when the lock
 * began (one log line then) and how long it lasted (one log line when it is over), so the log
 * gets two lines per lock, not one per attempt.
 *
 * Pure: the caller passes the time (monotonic ms); no clock, no I/O.
 */
#ifndef PW_STORE_WAIT_H
#define PW_STORE_WAIT_H

#include <stdint.h>

/* SQLite's busy wait on the loop thread, per statement. */
#define PW_STORE_LOOP_BUSY_MS 20
#define PW_STORE_WAIT_FIRST_MS 50
#define PW_STORE_WAIT_MAX_MS 3200

struct pw_store_wait {
	int locked;          /* 1 from the first busy failure until a transaction commits */
	int64_t since_ms;    /* when the first busy failure was seen */
	int delay_ms;        /* the wait before the attempt now scheduled */
	unsigned attempts;   /* busy failures since since_ms */
};

/* A busy failure at now_ms.  Returns 1 when the store has just become locked (log that), 0 when
 * it already was; *delay_ms gets the wait before the next attempt (50, 100, 200, ... up to
 * PW_STORE_WAIT_MAX_MS). */
int pw_store_wait_busy(struct pw_store_wait *w, int64_t now_ms, int *delay_ms);
/* A transaction got through at now_ms.  Returns how long the store was locked, in ms (>= 0),
 * or -1 when it was not locked; the state is clear again either way. */
int64_t pw_store_wait_clear(struct pw_store_wait *w, int64_t now_ms);

#endif
