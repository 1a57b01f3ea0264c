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
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		pw_buf_append(b, tmp, n);
	fclose(f);
	return 0;
}
