/*
 * cmd_extract.c -- presswatch extract FILE|- [--url URL] [--charset CS] [--max-bytes N]:
 * run the article extractor on one saved page and print the result as one JSON object.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "html_extract.h"
#include "json.h"

/* Read all of f into b, refusing more than max bytes (+1 to detect the overflow). */
static int slurp(FILE *f, struct pw_buf *b, size_t max)
{
	for (;;) {
		char *p = pw_buf_reserve(b, 65536);
		size_t n = fread(p, 1, 65536, f);
		pw_buf_commit(b, n);
		if (b->len > max)
			return 0;
		if (n < 65536)
			return ferror(f) ? -1 : 0;
	}
}

int cmd_extract(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "charset", required_argument, NULL, 'C' },
		{ "max-bytes", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct pw_extract_opts eo = { NULL, NULL, 0 };
	int ch;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'u': eo.url = optarg; break;
		case 'C': eo.charset = optarg; break;
		case 'm': {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (errno || *end || v == 0)
				return cli_usage("extract", "--max-bytes wants a positive number, not '%s'", optarg);
			eo.max_bytes = (size_t)v;
			break;
		}
		default: return cli_usage("extract", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage("extract", "expected one FILE (or - for standard input)");
	const char *path = argv[optind];
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return cli_error("extract", "%s: %s", path, strerror(errno));
	struct pw_buf page = PW_BUF_INIT;
	size_t max = eo.max_bytes ? eo.max_bytes : PW_EXTRACT_DEFAULT_MAX;
	int rc = slurp(f, &page, max);
	int err_no = errno;
	if (f != stdin)
		fclose(f);
	if (rc < 0) {
		pw_buf_free(&page);
		return cli_error("extract", "%s: read error: %s", path, strerror(err_no));
	}

	struct pw_article a;
	char err[256];
	int st = pw_html_extract(page.data ? page.data : "", page.len, &eo, &a, err, sizeof err);
	pw_buf_free(&page);
	if (st != PW_EXTRACT_OK)
		return cli_error("extract", "%s: %s", strcmp(path, "-") == 0 ? "<stdin>" : path, err);

	struct pw_buf out = PW_BUF_INIT;
	struct pw_json j;
	pw_json_init(&j, &out);
	pw_json_obj_begin(&j);
	pw_json_key(&j, "title");
	pw_json_str(&j, a.title);
	pw_json_key(&j, "author");
	pw_json_str(&j, a.author);
	pw_json_key(&j, "published");
	pw_json_time(&j, a.published);
	pw_json_key(&j, "canonical_url");
	pw_json_str(&j, a.canonical_url);
	pw_json_key(&j, "lang");
	pw_json_str(&j, a.lang);
	pw_json_key(&j, "site_name");
	pw_json_str(&j, a.site_name);
	pw_json_key(&j, "image");
	pw_json_str(&j, a.image);
	pw_json_key(&j, "text");
	pw_json_str(&j, a.text);
	pw_json_obj_end(&j);
	pw_buf_putc(&out, '\n');
	fwrite(out.data, 1, out.len, stdout);
	pw_buf_free(&out);
	pw_article_free(&a);
	return fflush(stdout) == 0 ? CLI_OK : cli_error("extract", "writing the output failed");
}
