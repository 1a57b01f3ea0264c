/*
 * workq.h -- run pure CPU work on worker threads, get the result back on the event loop.
 *
 * Why: with articles, extracting the main text of a page (libxml2's HTML parser and
 * feeds/html_extract.c) is ~30% of the daemon's CPU, and it needs nothing but the page: on a
 * 2-core server it can run beside the event loop, which keeps the store, the fetches and the
 * rest of the pipeline.  Everything that touches the store, libcurl or libevent stays on the
 * loop thread.
 *
 * Contract:
 *  - work(arg) runs on a worker thread and may touch only what arg owns (the pure stages in
 *    feeds/ are safe to run from several threads: no global state beyond pthread_once
 *    tables; libxml2 is initialised by pw_workq_new()).
 *  - done(arg, cancelled) runs later on the loop thread, once per submitted job, in no
 *    particular order.  cancelled = 1 when the queue was freed before the job's result was
 *    delivered (its work may or may not have run); done must then release arg and write
 *    nothing.
 *  - pw_workq_pending() counts jobs submitted and not yet delivered.
 */
#ifndef PW_WORKQ_H
#define PW_WORKQ_H

#include <stddef.h>

struct event_base;
struct pw_workq;

typedef void (*pw_work_fn)(void *arg);
typedef void (*pw_work_done_fn)(void *arg, int cancelled);

/* nthreads workers (at least 1).  NULL with err filled when a thread or the wake-up pipe
 * cannot be created. */
struct pw_workq *pw_workq_new(struct event_base *base, int nthreads, char *err, size_t errlen);
/* Queues a job (never fails: the queue is unbounded; callers bound what they submit). */
void pw_workq_submit(struct pw_workq *q, pw_work_fn work, pw_work_done_fn done, void *arg);
size_t pw_workq_pending(const struct pw_workq *q);
/* Stops the workers (a running job finishes first), then calls done(arg, 1) for every job
 * not yet delivered, and frees the queue. */
void pw_workq_free(struct pw_workq *q);

/* Workers to use on this machine: the online CPUs less the loop's own, 1..4. */
int pw_workq_default_threads(void);

#endif
