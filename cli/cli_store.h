/*
 * cli_store.h -- how every presswatch command finds and opens the store.
 *
 * The database is `-d FILE`, or the [store] path of presswatch.conf (`-c FILE`, default
 * SYSCONFDIR/presswatch/presswatch.conf).  It is opened read-only: the command never creates,
 * migrates or locks it for writing, and works while presswatchd writes.
 *
 * On failure these print one clear message ("presswatch: CMD: ...") naming the file and the
 * problem -- missing, unreadable, locked, not a database / corrupt, schema newer than this
 * presswatch, config errors -- and return NULL; the command then exits CLI_ERR.
 */
#ifndef PW_CLI_STORE_H
#define PW_CLI_STORE_H

struct pw_store;
struct pw_config;

/* Opens the store for cmd. Close with cli_store_close(). */
struct pw_store *cli_store_open(const char *cmd);
void cli_store_close(struct pw_store *s);

/*
 * The loaded configuration (cached; freed at exit through atexit(cli_config_release)).  With required = 0
 * a missing default config is not an error (NULL is returned silently) -- for commands that
 * only enrich their output with it; an explicit -c that fails is always reported.
 */
const struct pw_config *cli_config(const char *cmd, int required);
void cli_config_release(void);
/* The config file in use: -c FILE or the default path. */
const char *cli_config_path(void);

/* Prints "presswatch: CMD: <store error>" for a failed query; returns CLI_ERR. */
int cli_store_failed(const char *cmd, struct pw_store *s);

#endif
