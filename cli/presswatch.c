/*
 * presswatch.c -- entry point of the presswatch command: global options, then one subcommand
 * from the table in commands.def.
 */

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct cli_globals cli_opts;

struct cli_cmd {
	const char *name, *args, *summary, *help;
	int (*fn)(int, char **);
};

static const struct cli_cmd commands[] = {
#define PW_CMD(ident, name, args, summary, help) { name, args, summary, help, cmd_##ident },
#include "commands.def"
#undef PW_CMD
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const struct cli_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void print_cmd_help(FILE *f, const struct cli_cmd *c)
{
	fprintf(f, "usage: presswatch [GLOBAL OPTIONS] %s %s\n  %s\n", c->name, c->args, c->summary);
	if (c->help[0])
		fprintf(f, "\n%s\n", c->help);
}

static void print_usage(FILE *f)
{
	fprintf(f, "usage: presswatch [-c CONFIG] [-d DATABASE] [--utc] COMMAND [ARGS]\n\n"
		   "Global options:\n"
		   "  -c, --config FILE    presswatch.conf to read (default %s/presswatch/presswatch.conf)\n"
		   "  -d, --db FILE        database to open (default: [store] path from the config)\n"
		   "      --utc            show dates in UTC (default: local time)\n"
		   "  -h, --help           this help;  presswatch COMMAND --help for a command\n\n"
		   "Commands:\n", SYSCONFDIR);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
}

int cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "presswatch: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_ERR;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "presswatch: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	const struct cli_cmd *c = find_cmd(cmd);
	if (c)
		fprintf(stderr, "usage: presswatch %s %s\n", c->name, c->args);
	return CLI_USAGE;
}

int cmd_help(int argc, char **argv)
{
	if (argc > 1) {
		const struct cli_cmd *c = find_cmd(argv[1]);
		if (c == NULL)
			return cli_usage("help", "unknown command '%s'", argv[1]);
		print_cmd_help(stdout, c);
		return CLI_OK;
	}
	print_usage(stdout);
	return CLI_OK;
}

int cmd_version(int argc, char **argv)
{
	printf("presswatch %s\n", PACKAGE_VERSION);
	return CLI_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "utc", no_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	/* '+' stops at the first non-option: the subcommand parses its own options. */
	while ((ch = getopt_long(argc, argv, "+c:d:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': cli_opts.config_path = optarg; break;
		case 'd': cli_opts.db_path = optarg; break;
		case 'U': cli_opts.utc = 1; break;
		case 'h': print_usage(stdout); return CLI_OK;
		case 'V': return cmd_version(0, NULL);
		default: print_usage(stderr); return CLI_USAGE;
		}
	}
	if (optind >= argc) {
		print_usage(stderr);
		return CLI_USAGE;
	}
	const struct cli_cmd *c = find_cmd(argv[optind]);
	if (c == NULL) {
		fprintf(stderr, "presswatch: unknown command '%s' (try presswatch --help)\n", argv[optind]);
		return CLI_USAGE;
	}
	int sub_argc = argc - optind;
	char **sub_argv = argv + optind;
	for (int i = 1; i < sub_argc; i++) {
		if (strcmp(sub_argv[i], "--") == 0)
			break;
		if (strcmp(sub_argv[i], "--help") == 0 || strcmp(sub_argv[i], "-h") == 0) {
			print_cmd_help(stdout, c);
			return CLI_OK;
		}
	}
	optind = 0; /* reset getopt for the subcommand (glibc: 0 reinitialises) */
	return c->fn(sub_argc, sub_argv);
}
