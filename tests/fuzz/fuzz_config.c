/*
 * fuzz_config.c -- libFuzzer target for the INI reader and the config checkers (feeds/ini.c,
 * feeds/config.c).
 *
 * Build: ./configure CC=clang --enable-fuzzing CFLAGS="-g -O1 -fsanitize=fuzzer-no-link,address,undefined"
 * Run:   tests/fuzz/fuzz_config -max_len=4096 tests/fixtures/config/good tests/fixtures/config/bad
 * The input is written as presswatch.conf, feeds.conf and topics.conf of one directory, so
 * the same bytes go through the main-file, feed-list and topic checkers (the default
 * [include] loads the other two).  Every message must be one "FILE:LINE: reason" line; any
 * crash, leak or sanitizer report is a bug.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void put(const char *name, const uint8_t *data, size_t size)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/fuzz_config.%ld", (long)getpid());
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			abort();
	}
	put("presswatch.conf", data, size);
	put("feeds.conf", data, size);
	put("topics.conf", data, size);
	char path[128];
	snprintf(path, sizeof path, "%s/presswatch.conf", dir);
	struct pw_errlist errs = { 0 };
	struct pw_config *c = pw_config_load(path, &errs);
	for (size_t i = 0; i < errs.n; i++)
		if (strchr(errs.msgs[i], '\n') || !strstr(errs.msgs[i], ": "))
			abort();
	if ((c == NULL) != (errs.n > 0))
		abort();
	pw_config_free(c);
	pw_errlist_free(&errs);
	return 0;
}
