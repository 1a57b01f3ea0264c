/*
 * retention.h -- the daemon's pruning of old items ([store] keep, store_prune.h).
 *
 * A libevent timer runs a round PW_RETENTION_FIRST_S after start (not at start: a restart
 * does its catching up first) and then every PW_RETENTION_PERIOD_S.  A round deletes the items
 * first seen more than `keep` before the round began, PW_RETENTION_BATCH at a time, each batch
 * a transaction of its own on the daemon's connection, yielding to the event loop between
 * batches (a zero-delay timer), so polls and article fetches go on while a large backlog is
 * pruned.  Never inside the group-commit transaction (batch.h): an open one is committed
 * first (pw_batch_flush); when the store is locked by another connection -- units wait in the
 * batch, or the flush or BEGIN finds it busy -- the round stops there and the next one (an
 * hour later) goes on.  A failing batch is rolled back and ends the round (logged).  One info
 * line per round that deleted something, with the count and the time it took.
 *
 * keep = 0 (forever, the default) makes rounds do nothing; pw_retention_set_keep() (SIGHUP)
 * changes it, and a newly set keep runs its first round PW_RETENTION_FIRST_S later.
 *
 * For tests only: the environment variable PRESSWATCHD_RETENTION_FIRST_MS, when set, replaces
 * the first delay (an integration test cannot wait a minute per case).
 */
#ifndef PW_RETENTION_H
#define PW_RETENTION_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "store.h"

#define PW_RETENTION_FIRST_S 60
#define PW_RETENTION_PERIOD_S 3600
#define PW_RETENTION_BATCH 500

struct event_base;
struct pw_retention;

/* base, s and b are borrowed and must outlive it.  NULL if its timer cannot be created. */
struct pw_retention *pw_retention_new(struct event_base *base, struct pw_store *s, struct pw_batch *b,
				      int64_t keep_s);
void pw_retention_free(struct pw_retention *r);
/* [store] keep after a reload (0 = forever). */
void pw_retention_set_keep(struct pw_retention *r, int64_t keep_s);
/* Items deleted since start (for tests and status). */
uint64_t pw_retention_deleted(const struct pw_retention *r);

#endif
