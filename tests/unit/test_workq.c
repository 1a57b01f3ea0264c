/* Unit tests: daemon/workq.c -- jobs run off the loop thread and come back on it, all of them,
 * with done() free to submit more; freeing the queue cancels what was not delivered. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "tap.h"
#include "workq.h"
#include "xmalloc.h"

static pthread_t loop_thread;

struct job {
	int n;              /* input */
	long sum;           /* output: 1 + 2 + .. + n, computed on a worker */
	int on_worker;      /* work() ran off the loop thread */
	struct ctx *ctx;
};

struct ctx {
	struct event_base *base;
	struct pw_workq *q;
	int delivered, cancelled, wrong_thread, wrong_sum, resubmit;
};

static void work(void *arg)
{
	struct job *j = arg;
	j->on_worker = !pthread_equal(pthread_self(), loop_thread);
	long s = 0;
	for (int i = 1; i <= j->n; i++)
		s += i;
	j->sum = s;
}

static void done(void *arg, int cancelled)
{
	struct job *j = arg;
	struct ctx *c = j->ctx;
	if (cancelled) {
		c->cancelled++;
		free(j);
		return;
	}
	c->delivered++;
	c->wrong_thread += !j->on_worker || !pthread_equal(pthread_self(), loop_thread);
	c->wrong_sum += j->sum != (long)j->n * (j->n + 1) / 2;
	if (c->resubmit > 0) {   /* done() may queue more work */
		c->resubmit--;
		struct job *k = xcalloc(1, sizeof *k);
		k->n = j->n + 1;
		k->ctx = c;
		pw_workq_submit(c->q, work, done, k);
	}
	free(j);
	if (pw_workq_pending(c->q) == 0)
		event_base_loopbreak(c->base);
}

static void slow_work(void *arg)
{
	struct job *j = arg;
	volatile long s = 0;
	for (long i = 0; i < 2000000; i++)
		s += i;
	j->sum = s;
}

int main(void)
{
	loop_thread = pthread_self();
	struct ctx c;
	memset(&c, 0, sizeof c);
	c.base = event_base_new();
	char err[256] = "";
	c.q = pw_workq_new(c.base, 2, err, sizeof err);
	ok(c.q != NULL, "queue with 2 workers: %s", c.q ? "started" : err);
	if (!c.q)
		return done_testing();
	ok(pw_workq_default_threads() >= 1 && pw_workq_default_threads() <= 4, "default workers 1..4 (%d)",
	   pw_workq_default_threads());

	c.resubmit = 100;
	for (int i = 0; i < 1000; i++) {
		struct job *j = xcalloc(1, sizeof *j);
		j->n = i;
		j->ctx = &c;
		pw_workq_submit(c.q, work, done, j);
	}
	is_int(pw_workq_pending(c.q), 1000, "1,000 jobs pending");
	event_base_dispatch(c.base);
	is_int(c.delivered, 1100, "1,000 jobs and 100 submitted from done() delivered");
	is_int(c.wrong_thread, 0, "work ran on workers, done on the loop thread");
	is_int(c.wrong_sum, 0, "every result right");
	is_int(c.cancelled, 0, "none cancelled");
	is_int(pw_workq_pending(c.q), 0, "nothing pending");

	/* freed with work queued and in flight: each job's done() runs once, cancelled */
	c.delivered = 0;
	for (int i = 0; i < 50; i++) {
		struct job *j = xcalloc(1, sizeof *j);
		j->ctx = &c;
		pw_workq_submit(c.q, slow_work, done, j);
	}
	pw_workq_free(c.q);
	is_int(c.cancelled, 50, "freed with 50 jobs undelivered: 50 cancelled");
	is_int(c.delivered, 0, "and none delivered after the free");
	event_base_free(c.base);
	return done_testing();
}
