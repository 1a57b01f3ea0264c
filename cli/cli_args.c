/* cli_args.c -- option values shared by the query commands; see cli_args.h. */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "cli_args.h"
#include "common.h"
#include "datespec.h"

int cli_arg_format(const char *cmd, int opt, enum out_format *fmt)
{
	enum out_format want = opt == OPT_JSON ? OUT_JSON : OUT_CSV;
	if (*fmt != OUT_TABLE && *fmt != want) {
		cli_usage(cmd, "--json and --csv exclude each other");
		return -1;
	}
	*fmt = want;
	return 0;
}

static int parse_uint(const char *arg, uint64_t max, uint64_t *v)
{
	char *end;
	if (arg == NULL || *arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	unsigned long long x = strtoull(arg, &end, 10);
	if (errno || *end != '\0' || x > max)
		return -1;
	*v = x;
	return 0;
}

int cli_arg_limit(const char *cmd, const char *arg, size_t *limit)
{
	uint64_t v;
	if (parse_uint(arg, 100000000, &v) < 0) {
		cli_usage(cmd, "bad --limit '%s' (want a number, 0 for no limit)", arg);
		return -1;
	}
	*limit = (size_t)v;
	return 0;
}

int cli_arg_date(const char *cmd, const char *opt, const char *arg, int until, int64_t *t)
{
	if (cli_parse_datespec(arg, (int64_t)time(NULL), cli_opts.utc, until, t) < 0) {
		cli_usage(cmd, "bad date '%s' for %s (want " CLI_DATESPEC_HELP ")", arg, opt);
		return -1;
	}
	return 0;
}

int cli_arg_id(const char *cmd, const char *what, const char *arg, int64_t *id)
{
	uint64_t v;
	if (parse_uint(arg, INT64_MAX, &v) < 0 || v == 0) {
		cli_usage(cmd, "bad %s '%s' (want a positive number)", what, arg);
		return -1;
	}
	*id = (int64_t)v;
	return 0;
}

void cli_common_init(struct cli_common *c, size_t default_limit)
{
	c->fmt = OUT_TABLE;
	c->limit = default_limit;
	c->since = c->until = PW_NOTIME;
}

int cli_arg_common(const char *cmd, int ch, const char *arg, struct cli_common *c)
{
	switch (ch) {
	case OPT_JSON:
	case OPT_CSV: return cli_arg_format(cmd, ch, &c->fmt) < 0 ? -1 : 1;
	case OPT_LIMIT: return cli_arg_limit(cmd, arg, &c->limit) < 0 ? -1 : 1;
	case OPT_SINCE: return cli_arg_date(cmd, "--since", arg, 0, &c->since) < 0 ? -1 : 1;
	case OPT_UNTIL: return cli_arg_date(cmd, "--until", arg, 1, &c->until) < 0 ? -1 : 1;
	default: return 0;
	}
}

int cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts, const struct option *opts,
	       struct cli_common *c)
{
	opterr = 0;
	for (;;) {
		int ch = getopt_long(argc, argv, shortopts, opts, NULL);
		if (ch == -1)
			return -1;
		int r = cli_arg_common(cmd, ch, optarg, c);
		if (r < 0)
			return OPT_USAGE;
		if (r == 0)
			return ch;
	}
}

int cli_bad_option(const char *cmd, char **argv, int opt)
{
	/* getopt leaves the culprit in optopt for short options, in argv for long ones. */
	char shortopt[3] = { '-', (char)optopt, '\0' };
	const char *arg = optopt > ' ' && optopt < 0x7f ? shortopt : argv[optind - 1];
	if (opt == ':')
		return cli_usage(cmd, "option '%s' needs a value", arg);
	return cli_usage(cmd, "unknown option '%s'", arg);
}

struct out *cli_out(enum out_format fmt, const struct out_col *cols, size_t ncols)
{
	struct out *o = out_new(fmt, stdout, cols, ncols);
	out_set_utc(o, cli_opts.utc);
	return o;
}

int cli_out_finish(const char *cmd, struct out *o)
{
	if (out_finish(o) < 0)
		return cli_error(cmd, "cannot write the output");
	return CLI_OK;
}
