/*
 * bench_extract.c -- throughput of pw_html_extract() on saved pages.
 *
 * usage: bench_extract [-t SECONDS] FILE...
 * Each page is extracted repeatedly (at least -t CPU seconds in total, default 2, split evenly)
 * and the tool prints pages/s, MB/s and the cost per 10 KB of page, overall and for the
 * slowest page.  `make bench` runs it on the fixture pages and, when present, on the
 * Readability corpus ($PW_SHARED/corpora/readability/\*\/source.html).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "bench_util.h"
#include "buf.h"
#include "html_extract.h"

/* CPU time of this process: the machine is shared (builds, other benchmarks), and wall time
 * would charge their load to the extractor.  Wall time is reported alongside. */

int main(int argc, char **argv)
{
	double budget = 2.0;
	int ch;
	while ((ch = getopt(argc, argv, "t:")) != -1) {
		if (ch == 't') {
			budget = atof(optarg);
		} else {
			fprintf(stderr, "usage: bench_extract [-t SECONDS] FILE...\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: bench_extract [-t SECONDS] FILE...\n");
		return 2;
	}
	xmlInitParser();
	int npages = argc - optind;
	double per_page = budget / npages;
	double total_time = 0, total_bytes = 0, total_runs = 0, worst = 0;
	const char *worst_name = NULL;
	size_t worst_len = 0;
	int loaded = 0, failed = 0;
	double wall0 = bench_clock(CLOCK_MONOTONIC), cpu0 = bench_clock(CLOCK_PROCESS_CPUTIME_ID);
	for (int i = optind; i < argc; i++) {
		struct pw_buf page = PW_BUF_INIT;
		if (bench_load(argv[i], &page) < 0 || page.len == 0) {
			fprintf(stderr, "bench_extract: cannot read %s\n", argv[i]);
			pw_buf_free(&page);
			continue;
		}
		loaded++;
		struct pw_extract_opts o = { NULL, "http://fakehost/test/page.html", 0 };
		int runs = 0;
		double t0 = bench_clock(CLOCK_PROCESS_CPUTIME_ID), t;
		do {
			struct pw_article a;
			char err[256];
			if (pw_html_extract(page.data, page.len, &o, &a, err, sizeof err) != PW_EXTRACT_OK &&
			    runs == 0)
				failed++;
			pw_article_free(&a);
			runs++;
			t = bench_clock(CLOCK_PROCESS_CPUTIME_ID) - t0;
		} while (t < per_page || runs < 3);
		double us_per_10k = t / runs * 1e6 / ((double)page.len / 10240.0);
		if (us_per_10k > worst) {
			worst = us_per_10k;
			worst_name = argv[i];
			worst_len = page.len;
		}
		total_time += t / runs;
		total_bytes += (double)page.len;
		total_runs += runs;
		pw_buf_free(&page);
	}
	if (!loaded)
		return 1;
	printf("pages: %d (%d not extracted), %.1f KB on average, %.0f extractions\n", loaded, failed,
	       total_bytes / loaded / 1024, total_runs);
	printf("throughput: %.0f pages/s, %.1f MB/s, %.1f us per 10 KB of page (each page once, in turn)\n",
	       loaded / total_time, total_bytes / total_time / 1e6,
	       total_time * 1e6 / (total_bytes / 10240.0));
	printf("(CPU time; wall clock %.2f s for %.2f s of CPU)\n", bench_clock(CLOCK_MONOTONIC) - wall0, bench_clock(CLOCK_PROCESS_CPUTIME_ID) - cpu0);
	printf("slowest per byte: %s (%.1f KB): %.1f us per 10 KB\n", worst_name,
	       (double)worst_len / 1024, worst);
	xmlCleanupParser();
	return 0;
}
