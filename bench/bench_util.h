/*
 * bench_util.h -- what every bench program needs: clocks and reading a file whole.
 */
#ifndef PW_BENCH_UTIL_H
#define PW_BENCH_UTIL_H

#include <time.h>

#include "buf.h"

/* Seconds on the given clock: CLOCK_MONOTONIC for wall time, CLOCK_PROCESS_CPUTIME_ID /
 * CLOCK_THREAD_CPUTIME_ID for CPU time (not inflated when other work shares the machine). */
double bench_clock(clockid_t clock);
/* Appends the file's bytes to b; -1 when it cannot be opened. */
int bench_load(const char *path, struct pw_buf *b);

#endif
