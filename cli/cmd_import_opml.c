/* cmd_import_opml.c -- `presswatch import-opml FILE [-o FILE]`: an OPML feed list (what every
 * feed reader exports) -> a feeds.d/NAME.conf file, written or printed; never hidden state. */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "cli_args.h"
#include "cli_store.h"
#include "config.h"
#include "opml.h"
#include "xmalloc.h"

#define CMD "import-opml"
#define MAX_OPML (16u << 20)

/* Reads all of path ("-" = stdin) up to MAX_OPML bytes into b; -1 with the error printed. */
static int slurp(const char *path, struct pw_buf *b)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_error(CMD, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		char *p = pw_buf_reserve(b, 65536);
		ssize_t n = read(fd, p, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cli_error(CMD, "cannot read %s: %s", path, strerror(errno));
			break;
		}
		if (n == 0) {
			if (fd != STDIN_FILENO)
				close(fd);
			return 0;
		}
		pw_buf_commit(b, (size_t)n);
		if (b->len > MAX_OPML) {
			cli_error(CMD, "%s: larger than %u MiB, not an OPML feed list", path, MAX_OPML >> 20);
			break;
		}
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return -1;
}

/* Creates out (never overwriting) with the text; 0 or -1 with the error printed. */
static int write_new(const char *out, const struct pw_buf *text)
{
	int fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			cli_error(CMD, "%s already exists; not overwriting it", out);
		else
			cli_error(CMD, "cannot create %s: %s", out, strerror(errno));
		return -1;
	}
	size_t done = 0;
	while (done < text->len) {
		ssize_t n = write(fd, text->data + done, text->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			cli_error(CMD, "cannot write %s: %s", out, n < 0 ? strerror(errno) : "short write");
			close(fd);
			unlink(out);
			return -1;
		}
		done += (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		cli_error(CMD, "cannot write %s: %s", out, strerror(errno));
		unlink(out);
		return -1;
	}
	return 0;
}

int cmd_import_opml(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		default: return cli_bad_option(CMD, argv, ch);
		}
	}
	if (optind >= argc)
		return cli_usage(CMD, "no OPML file given");
	if (optind + 1 < argc)
		return cli_usage(CMD, "unexpected argument '%s'", argv[optind + 1]);
	const char *in = argv[optind];

	/* Feeds already configured keep their ids and are not imported twice (when a config is
	 * there to ask; import works without one). */
	const struct pw_config *cfg = cli_config(CMD, 0);
	if (cfg == NULL && cli_opts.config_path)
		return CLI_ERR; /* an explicit -c that failed was reported */
	size_t nf = cfg ? cfg->nfeeds : 0;
	char **ids = xcalloc(nf + 1, sizeof *ids), **urls = xcalloc(nf + 1, sizeof *urls);
	for (size_t i = 0; i < nf; i++) {
		ids[i] = cfg->feeds[i].id;
		urls[i] = cfg->feeds[i].url;
	}

	struct pw_buf data = PW_BUF_INIT, text = PW_BUF_INIT;
	struct opml_list l;
	char err[512];
	int rc = CLI_ERR;
	if (slurp(in, &data) < 0)
		goto done;
	if (opml_parse(data.data ? data.data : "", data.len, in, ids, nf, urls, nf, &l, err,
		       sizeof err) < 0) {
		cli_error(CMD, "%s", err);
		goto done;
	}
	for (size_t i = 0; i < l.nskipped; i++)
		fprintf(stderr, "presswatch: %s: %s: skipped %s\n", CMD, in, l.skipped[i]);
	if (l.n == 0) {
		cli_error(CMD, "%s: no feeds to import (no outline with an http(s) xmlUrl that is not "
			       "configured already)", in);
		opml_list_free(&l);
		goto done;
	}
	opml_write_conf(&text, &l, strcmp(in, "-") == 0 ? "standard input" : in);
	if (out == NULL) {
		fputs(pw_buf_cstr(&text), stdout);
		rc = fflush(stdout) == 0 && !ferror(stdout) ? CLI_OK : cli_error(CMD, "cannot write the output");
	} else if (write_new(out, &text) == 0) {
		fprintf(stderr, "presswatch: %s: wrote %zu feed%s to %s\n", CMD, l.n, l.n == 1 ? "" : "s", out);
		rc = CLI_OK;
	}
	opml_list_free(&l);
done:
	pw_buf_free(&data);
	pw_buf_free(&text);
	free(ids);
	free(urls);
	return rc;
}
