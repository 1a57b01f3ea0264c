/* bench_util.c -- see bench_util.h. */
#include <stdio.h>

#include "bench_util.h"

double bench_clock(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int bench_load(const char *path, struct pw_buf *b)
{
	return pw_buf_read_file(b, path);
}
