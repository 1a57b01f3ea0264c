/*
 * cli_args.h -- option values shared by the query commands (--json/--csv, --limit, --since,
 * --until, ids).  Each parser prints a usage error naming the bad value and returns -1; the
 * command then returns CLI_USAGE.
 */
#ifndef PW_CLI_ARGS_H
#define PW_CLI_ARGS_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "output.h"

/* Long options every listing command accepts; values for getopt_long's `val`. */
enum { OPT_JSON = 0x100, OPT_CSV, OPT_LIMIT, OPT_SINCE, OPT_UNTIL, OPT_USAGE = 0x13f, OPT_CMD_BASE = 0x140 };
#define CLI_FORMAT_OPTIONS \
	{ "json", no_argument, NULL, OPT_JSON }, { "csv", no_argument, NULL, OPT_CSV }

/* The values of the options every listing command shares; a command sets its defaults
 * (limit, since, until) before parsing. */
struct cli_common {
	enum out_format fmt;   /* OUT_TABLE unless --json / --csv */
	size_t limit;          /* --limit */
	int64_t since, until;  /* --since / --until, PW_NOTIME when absent */
};
/* Initialises *c: table output, the given default limit, no time bounds. */
void cli_common_init(struct cli_common *c, size_t default_limit);
/*
 * Handles getopt_long's result ch when it is one of the shared options (OPT_JSON, OPT_CSV,
 * OPT_LIMIT, OPT_SINCE, OPT_UNTIL; a command accepts only those it lists in its option
 * table): 1 = taken into *c, 0 = not a shared option (the command's own switch decides),
 * -1 = bad value (usage printed; the command returns CLI_USAGE).
 */
int cli_arg_common(const char *cmd, int ch, const char *arg, struct cli_common *c);
/*
 * getopt_long (with opterr = 0) that takes the shared options into *c itself: returns the next
 * command-specific option (or '?'/':' for cli_bad_option), -1 at the end of the options, or
 * OPT_USAGE after printing a usage error for a bad shared value.
 */
int cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts, const struct option *opts,
	       struct cli_common *c);
/* --json / --csv: sets *fmt; -1 (usage printed) when both are given. */
int cli_arg_format(const char *cmd, int opt, enum out_format *fmt);
/* --limit N: N >= 0 (0 = no limit). */
int cli_arg_limit(const char *cmd, const char *arg, size_t *limit);
/* --since / --until values (see datespec.h); until = 1 makes a bare date include its day. */
int cli_arg_date(const char *cmd, const char *opt, const char *arg, int until, int64_t *t);
/* A positive id (item, story). */
int cli_arg_id(const char *cmd, const char *what, const char *arg, int64_t *id);
/* After getopt_long returned '?' or ':' (with opterr = 0): a usage error naming the option. */
int cli_bad_option(const char *cmd, char **argv, int opt);
/* Creates the output writer for fmt on stdout with --utc applied. */
struct out *cli_out(enum out_format fmt, const struct out_col *cols, size_t ncols);
/* out_finish() and report a write error (e.g. a full disk); returns CLI_OK or CLI_ERR. */
int cli_out_finish(const char *cmd, struct out *o);

#endif
