/*
 * bench_tag.c -- throughput of topic matching + statement detection (feeds/tag.c) with the
 * shipped rules.  `make bench-tag`; never part of make check.
 *
 *   bench_tag [-n ROUNDS] CONFIG FILE...    each FILE: first line title, the rest text
 *
 * Prints per-file and total items/s, MB/s and the time per item.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "buf.h"
#include "config.h"
#include "tag.h"
#include "xmalloc.h"

int main(int argc, char **argv)
{
	int rounds = 200, c;
	while ((c = getopt(argc, argv, "n:")) != -1) {
		if (c == 'n')
			rounds = atoi(optarg) > 0 ? atoi(optarg) : 1;
		else
			return 2;
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: bench_tag [-n ROUNDS] CONFIG FILE...\n");
		return 2;
	}
	struct pw_errlist errs = { NULL, 0 };
	struct pw_config *cfg = pw_config_load(argv[optind], &errs);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msgs[i]);
	pw_errlist_free(&errs);
	if (!cfg)
		return 1;
	char err[512];
	double t0 = bench_clock(CLOCK_MONOTONIC);
	struct pw_tagger *t = pw_tagger_new(cfg->topics, cfg->ntopics, cfg->speakers, cfg->nspeakers,
					    err, sizeof(err));
	if (!t) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("compile: %zu topics, %zu speakers in %.2f ms\n", cfg->ntopics, cfg->nspeakers,
	       (bench_clock(CLOCK_MONOTONIC) - t0) * 1e3);
	size_t total_bytes = 0, total_items = 0;
	double total_s = 0;
	for (int i = optind + 1; i < argc; i++) {
		char *all = pw_read_file(argv[i], NULL);
		if (!all) {
			fprintf(stderr, "%s: cannot read\n", argv[i]);
			continue;
		}
		char *nl = strchr(all, '\n');
		const char *text = nl ? nl + 1 : "";
		if (nl)
			*nl = '\0';
		size_t bytes = strlen(all) + strlen(text);
		struct pw_tag_result r;
		int ntopics = pw_tag_item(t, all, text, &r);
		int statement = r.statement;
		pw_tag_result_clear(&r);
		double s0 = bench_clock(CLOCK_MONOTONIC);
		for (int k = 0; k < rounds; k++) {
			pw_tag_item(t, all, text, &r);
			pw_tag_result_clear(&r);
		}
		double s = bench_clock(CLOCK_MONOTONIC) - s0;
		const char *base = strrchr(argv[i], '/');
		printf("%-44s %7zu B  %8.1f us/item  %6.1f MB/s  topics %d%s\n", base ? base + 1 : argv[i],
		       bytes, s / rounds * 1e6, (double)bytes * rounds / s / 1e6, ntopics,
		       statement ? ", statement" : "");
		total_bytes += bytes * (size_t)rounds;
		total_items += (size_t)rounds;
		total_s += s;
		free(all);
	}
	if (total_items)
		printf("total: %zu items, %.0f items/s, %.1f MB/s\n", total_items, total_items / total_s,
		       total_bytes / total_s / 1e6);
	pw_tagger_free(t);
	pw_config_free(cfg);
	return 0;
}
