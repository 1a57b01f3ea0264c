/* workq.c -- worker threads for pure CPU work, results delivered on the event loop (workq.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <libxml/parser.h>

#include "log.h"
#include "workq.h"
#include "xmalloc.h"

struct job {
	pw_work_fn work;
	pw_work_done_fn done;
	void *arg;
	struct job *next;
};

/* A FIFO of jobs. */
struct jlist {
	struct job *head, *tail;
};

static void jpush(struct jlist *l, struct job *j)
{
	j->next = NULL;
	if (l->tail)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
}

static struct job *jpop(struct jlist *l)
{
	struct job *j = l->head;
	if (j) {
		l->head = j->next;
		if (!l->head)
			l->tail = NULL;
	}
	return j;
}

struct pw_workq {
	pthread_mutex_t mu;
	pthread_cond_t cv;      /* todo gained a job, or stopping */
	struct jlist todo;      /* submitted, not started */
	struct jlist ready;     /* worked, not delivered */
	int stopping;
	int wake[2];            /* workers write a byte to [1] when ready gains a job */
	int wake_pending;       /* a byte is in the pipe (under mu): one per burst, not per job */
	struct event *ev;
	pthread_t *threads;
	int nthreads;
	size_t pending;         /* submitted, not delivered (loop thread only) */
};

static void *worker(void *arg)
{
	struct pw_workq *q = arg;
	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->stopping && !q->todo.head)
			pthread_cond_wait(&q->cv, &q->mu);
		if (q->stopping)
			break;
		struct job *j = jpop(&q->todo);
		pthread_mutex_unlock(&q->mu);
		j->work(j->arg);
		pthread_mutex_lock(&q->mu);
		jpush(&q->ready, j);
		if (!q->wake_pending) {
			q->wake_pending = 1;
			/* the pipe holds at most one byte at a time: this write cannot block */
			ssize_t w;
			do
				w = write(q->wake[1], "", 1);
			while (w < 0 && errno == EINTR);
		}
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* Loop thread: delivers every job the workers finished. */
static void on_wake(evutil_socket_t fd, short what, void *arg)
{
	struct pw_workq *q = arg;
	(void)what;
	char buf[16];
	while (read(fd, buf, sizeof buf) > 0)
		;
	pthread_mutex_lock(&q->mu);
	struct jlist got = q->ready;
	q->ready.head = q->ready.tail = NULL;
	q->wake_pending = 0;
	pthread_mutex_unlock(&q->mu);
	struct job *j;
	while ((j = jpop(&got)) != NULL) {
		q->pending--;
		j->done(j->arg, 0);   /* may submit more */
		free(j);
	}
}

struct pw_workq *pw_workq_new(struct event_base *base, int nthreads, char *err, size_t errlen)
{
	struct pw_workq *q = xcalloc(1, sizeof *q);
	q->wake[0] = q->wake[1] = -1;
	if (nthreads < 1)
		nthreads = 1;
	xmlInitParser();   /* once, before any thread parses */
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	if (pipe(q->wake) < 0) {
		snprintf(err, errlen, "worker threads: pipe: %s", strerror(errno));
		pw_workq_free(q);
		return NULL;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(q->wake[i], F_SETFD, FD_CLOEXEC);
		fcntl(q->wake[i], F_SETFL, fcntl(q->wake[i], F_GETFL) | O_NONBLOCK);
	}
	q->ev = event_new(base, q->wake[0], EV_READ | EV_PERSIST, on_wake, q);
	if (!q->ev || event_add(q->ev, NULL) < 0) {
		snprintf(err, errlen, "worker threads: cannot watch the wake-up pipe");
		pw_workq_free(q);
		return NULL;
	}
	q->threads = xcalloc((size_t)nthreads, sizeof *q->threads);
	for (int i = 0; i < nthreads; i++) {
		int rc = pthread_create(&q->threads[i], NULL, worker, q);
		if (rc != 0) {
			snprintf(err, errlen, "worker threads: pthread_create: %s", strerror(rc));
			pw_workq_free(q);
			return NULL;
		}
		q->nthreads++;
	}
	return q;
}

void pw_workq_submit(struct pw_workq *q, pw_work_fn work, pw_work_done_fn done, void *arg)
{
	struct job *j = xcalloc(1, sizeof *j);
	j->work = work;
	j->done = done;
	j->arg = arg;
	q->pending++;
	pthread_mutex_lock(&q->mu);
	jpush(&q->todo, j);
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

size_t pw_workq_pending(const struct pw_workq *q)
{
	return q->pending;
}

void pw_workq_free(struct pw_workq *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	q->stopping = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	for (int i = 0; i < q->nthreads; i++)
		pthread_join(q->threads[i], NULL);
	/* no thread left: the lists are ours; results first (they ran), then the never started */
	struct job *j;
	while ((j = jpop(&q->ready)) != NULL || (j = jpop(&q->todo)) != NULL) {
		j->done(j->arg, 1);
		free(j);
	}
	if (q->ev)
		event_free(q->ev);
	for (int i = 0; i < 2; i++)
		if (q->wake[i] >= 0)
			close(q->wake[i]);
	free(q->threads);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q);
}

int pw_workq_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n <= 1)
		return 1;
	return n - 1 > 4 ? 4 : (int)(n - 1);
}
