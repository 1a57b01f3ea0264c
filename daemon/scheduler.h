/*
 * scheduler.h -- one libevent timer per enabled feed; each firing is one poll.
 *
 * A poll: conditional GET through the fetcher (ETag / Last-Modified from the feed's state),
 * body streamed into the pipeline, then the feed's new state (validators, status, error,
 * fail_count, next_poll) computed with sched_calc.h and written by pw_poll_store() in the same
 * transaction as the new items.  The timer is re-armed at next_poll.  Nothing else runs: an
 * idle scheduler is a set of pending timers.
 *
 * The config is borrowed: it must stay alive until the next pw_scheduler_apply_config() or
 * pw_scheduler_free().
 */
#ifndef PW_SCHEDULER_H
#define PW_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "fetch.h"
#include "pipeline.h"
#include "store.h"

struct event_base;
struct pw_scheduler;

struct pw_scheduler_ctx {
	struct event_base *base;
	struct pw_store *store;
	struct pw_fetcher *fetcher;
	struct pw_pipeline *pipeline;
	int once;                   /* --once: poll every enabled feed once, then go idle */
	/* Called from the loop when there is nothing left to wait for: after pw_scheduler_stop()
	 * once the last in-flight poll has ended, or in once-mode after the last poll. */
	void (*on_idle)(void *arg);
	/* Called after each finished poll (for sd_notify STATUS=; the daemon rate-limits it, as
	 * pw_scheduler_stats walks every feed); may be NULL. */
	void (*on_poll)(void *arg);
	void *arg;
};

struct pw_scheduler *pw_scheduler_new(const struct pw_scheduler_ctx *ctx);
/* Cancels timers and frees; in-flight fetches must have been cancelled or finished. */
void pw_scheduler_free(struct pw_scheduler *s);

/*
 * Makes the scheduled set match cfg: feeds are synced into the store (one transaction),
 * new feeds are scheduled (honouring a next_poll persisted by an earlier run), feeds gone from
 * the config are dropped (disabled in the store; an in-flight poll finishes first), unchanged
 * feeds keep their timers and state.  Returns 0, or -1 (store error, logged; the old set stays).
 * A store locked by another connection (pw_store_busy()) is logged at debug level only: the
 * daemon retries the reload once the lock is gone.
 */
int pw_scheduler_apply_config(struct pw_scheduler *s, const struct pw_config *cfg);

/* Stop starting polls (timers cancelled); in-flight ones finish normally.  on_idle follows. */
void pw_scheduler_stop(struct pw_scheduler *s);

struct pw_sched_stats {
	size_t feeds, enabled, failing, in_flight;
};
/* Counts by a walk of every feed: O(feeds), so not for a per-poll path. */
void pw_scheduler_stats(const struct pw_scheduler *s, struct pw_sched_stats *st);

#endif
