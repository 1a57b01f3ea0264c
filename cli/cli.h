/*
 * cli.h -- shared pieces of the presswatch command.
 *
 * Exit codes: 0 success, 1 error (bad data, missing item, database problem), 2 usage.
 * Commands print results to stdout and one clear message per error to stderr via cli_error().
 */
#ifndef PW_CLI_H
#define PW_CLI_H

#define CLI_OK 0
#define CLI_ERR 1
#define CLI_USAGE 2

struct cli_globals {
	const char *config_path; /* -c FILE, or NULL for the default */
	const char *db_path;     /* -d FILE, or NULL: taken from the config */
	int utc;                 /* --utc: show dates in UTC instead of local time */
};
extern struct cli_globals cli_opts;

#define PW_CMD(ident, name, args, summary, help) int cmd_##ident(int argc, char **argv);
#include "commands.def"
#undef PW_CMD

/* "presswatch: CMD: message" on stderr; returns CLI_ERR so commands can `return cli_error(...)`. */
int cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the message and the command's usage line; returns CLI_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
