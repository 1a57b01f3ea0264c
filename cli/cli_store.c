/* cli_store.c -- find and open the store read-only for a command; see cli_store.h. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_store.h"
#include "config.h"
#include "log.h"
#include "store.h"

#define DEFAULT_CONFIG SYSCONFDIR "/presswatch/presswatch.conf"

static struct pw_config *config;
static int config_tried;

const char *cli_config_path(void)
{
	return cli_opts.config_path ? cli_opts.config_path : DEFAULT_CONFIG;
}

const struct pw_config *cli_config(const char *cmd, int required)
{
	if (config_tried)
		return config;
	config_tried = 1;
	atexit(cli_config_release); /* commands return to main; the config lives until exit */
	const char *path = cli_config_path();
	struct stat st;
	if (!required && cli_opts.config_path == NULL && stat(path, &st) < 0 && errno == ENOENT)
		return NULL;
	struct pw_errlist errs = { NULL, 0 };
	config = pw_config_load(path, &errs);
	if (config == NULL) {
		for (size_t i = 0; i < errs.n; i++)
			cli_error(cmd, "%s", errs.msgs[i]);
		if (errs.n == 0)
			cli_error(cmd, "cannot load %s", path);
	}
	pw_errlist_free(&errs);
	return config;
}

void cli_config_release(void)
{
	pw_config_free(config);
	config = NULL;
	config_tried = 0;
}

struct pw_store *cli_store_open(const char *cmd)
{
	const char *path = cli_opts.db_path;
	const char *from = "-d";
	if (path == NULL) {
		const struct pw_config *c = cli_config(cmd, 1);
		if (c == NULL)
			return NULL; /* reported */
		if (c->store_path == NULL || c->store_path[0] == '\0') {
			cli_error(cmd, "%s sets no [store] path; use -d FILE", cli_config_path());
			return NULL;
		}
		path = c->store_path;
		from = cli_config_path();
	}

	/* The store's own messages cover these too, but saying where the path came from is what
	 * tells the user which file to fix. */
	struct stat st;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			cli_error(cmd, "database %s does not exist (from %s)%s", path, from,
				  from[0] == '-' ? "" : "; has presswatchd run yet?");
		else
			cli_error(cmd, "cannot open database %s: %s", path, strerror(errno));
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		cli_error(cmd, "database %s is a directory (from %s)", path, from);
		return NULL;
	}

	/* The store logs each failure and also hands it back; the command prints it once itself. */
	pw_log_set_level(LOG_CRIT);
	char err[512] = "";
	struct pw_store *s = pw_store_open(path, PW_STORE_RO, err, sizeof err);
	if (s == NULL) {
		if (err[0] == '\0')
			snprintf(err, sizeof err, "cannot open database %s", path);
		if (strstr(err, path) == NULL)
			cli_error(cmd, "database %s: %s", path, err);
		else
			cli_error(cmd, "%s", err);
	}
	return s;
}

void cli_store_close(struct pw_store *s)
{
	if (s)
		pw_store_close(s);
}

int cli_store_failed(const char *cmd, struct pw_store *s)
{
	const char *e = pw_store_error(s);
	return cli_error(cmd, "%s", e && *e ? e : "database query failed");
}
