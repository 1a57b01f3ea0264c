/*
 * bench_parse.c -- parse-only throughput of feeds/ against libxml2's own floor.
 *
 * usage: bench_parse [-m pw|reader|html] [-p PASSES] [-c CHUNK] FILE...
 *   pw      pw_feed_parser (push, CHUNK bytes at a time, default 16384: what the daemon
 *           sees from curl) over every feed file; items counted from the callback.
 *   reader  the floor: a minimal xmlTextReader walk of the same files (XML_PARSE_NONET),
 *           counting <item>/<entry> elements -- the least any libxml2-based parser does.
 *   html    the floor for extraction: htmlReadMemory() of each page, tree freed at once.
 * All files are read into memory first; each pass goes over all of them.  Prints one JSON
 * line: the median pass time and the bytes/items/pages of one pass.  Exit 1 when nothing
 * could be read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include "bench_util.h"
#include "buf.h"
#include "feed_parse.h"
#include "log.h"

static void count_item(struct pw_feed_item *item, void *arg)
{
	(*(size_t *)arg)++;
	pw_feed_item_free(item);
}

/* Items parsed by feeds/; -1 when the parser reported an error for this file. */
static long pass_pw(const struct pw_buf *b, size_t chunk)
{
	size_t items = 0;
	struct pw_feed_parse_opts o = { .base_url = "http://127.0.0.1/f/feed.xml" };
	struct pw_feed_parser *p = pw_feed_parser_new(&o, count_item, &items);
	for (size_t off = 0; off < b->len; off += chunk) {
		size_t n = b->len - off < chunk ? b->len - off : chunk;
		if (pw_feed_parser_push(p, b->data + off, n) < 0)
			break;
	}
	int st = pw_feed_parser_finish(p);
	pw_feed_parser_free(p);
	return st == PW_FEED_OK ? (long)items : -1;
}

static long pass_reader(const struct pw_buf *b)
{
	xmlTextReaderPtr r = xmlReaderForMemory(b->data, (int)b->len, NULL, NULL, XML_PARSE_NONET);
	if (!r)
		return -1;
	long items = 0;
	int ret;
	while ((ret = xmlTextReaderRead(r)) == 1) {
		if (xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT) {
			const xmlChar *n = xmlTextReaderConstLocalName(r);
			if (n && (!strcmp((const char *)n, "item") || !strcmp((const char *)n, "entry")))
				items++;
		}
	}
	xmlFreeTextReader(r);
	return ret == 0 ? items : -1;
}

static long pass_html(const struct pw_buf *b)
{
	htmlDocPtr d = htmlReadMemory(b->data, (int)b->len, "http://127.0.0.1/a/page.html", NULL,
				      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				      HTML_PARSE_NONET | HTML_PARSE_COMPACT);
	if (!d)
		return -1;
	xmlFreeDoc(d);
	return 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_parse [-m pw|reader|html] [-p PASSES] [-c CHUNK] FILE...\n");
}

int main(int argc, char **argv)
{
	const char *mode = "pw";
	int passes = 5;
	size_t chunk = 16384;
	int ch;
	while ((ch = getopt(argc, argv, "m:p:c:")) != -1) {
		switch (ch) {
		case 'm': mode = optarg; break;
		case 'p': passes = atoi(optarg); break;
		case 'c': chunk = (size_t)atol(optarg); break;
		default: usage(); return 2;
		}
	}
	int m = !strcmp(mode, "pw") ? 0 : !strcmp(mode, "reader") ? 1 : !strcmp(mode, "html") ? 2 : -1;
	if (m < 0 || optind >= argc || passes < 1 || chunk == 0) {
		usage();
		return 2;
	}
	pw_log_use_stderr();
	pw_log_set_level(LOG_ERR);  /* recovered-error notices would be timed too */
	xmlInitParser();
	size_t nfiles = (size_t)(argc - optind);
	struct pw_buf *bufs = calloc(nfiles, sizeof *bufs);
	if (!bufs)
		return 1;
	size_t loaded = 0;
	double bytes = 0;
	for (size_t i = 0; i < nfiles; i++) {
		if (bench_load(argv[optind + (int)i], &bufs[loaded]) < 0 || bufs[loaded].len == 0) {
			fprintf(stderr, "bench_parse: cannot read %s\n", argv[optind + (int)i]);
			pw_buf_free(&bufs[loaded]);
			continue;
		}
		bytes += (double)bufs[loaded].len;
		loaded++;
	}
	if (!loaded)
		return 1;
	double *t = calloc((size_t)passes, sizeof *t);
	long items = 0, errors = 0;
	for (int k = 0; k < passes; k++) {
		items = errors = 0;
		double t0 = bench_clock(CLOCK_MONOTONIC);
		for (size_t i = 0; i < loaded; i++) {
			long n = m == 0 ? pass_pw(&bufs[i], chunk) : m == 1 ? pass_reader(&bufs[i]) : pass_html(&bufs[i]);
			if (n < 0)
				errors++;
			else
				items += n;
		}
		t[k] = bench_clock(CLOCK_MONOTONIC) - t0;
	}
	qsort(t, (size_t)passes, sizeof *t, cmp_double);
	double med = passes % 2 ? t[passes / 2] : (t[passes / 2 - 1] + t[passes / 2]) / 2;
	printf("{\"mode\": \"%s\", \"files\": %zu, \"errors\": %ld, \"bytes\": %.0f, \"items\": %ld, "
	       "\"passes\": %d, \"seconds\": %.6f, \"min_seconds\": %.6f, \"mb_per_s\": %.2f, "
	       "\"items_per_s\": %.1f, \"files_per_s\": %.1f}\n",
	       mode, loaded, errors, bytes, items, passes, med, t[0], bytes / med / 1e6, (double)items / med,
	       (double)loaded / med);
	for (size_t i = 0; i < loaded; i++)
		pw_buf_free(&bufs[i]);
	free(bufs);
	free(t);
	xmlCleanupParser();
	return 0;
}
