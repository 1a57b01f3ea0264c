/*
 * log.h -- the one logging function of presswatch.
 *
 * Library and daemon code log through pw_log(); nothing else prints.  Messages go to stderr
 * (the default, and in the foreground) or to syslog once pw_log_open_syslog() was called.
 * Levels are syslog's.  One call is one line: do not end fmt with '\n'.
 */
#ifndef PW_LOG_H
#define PW_LOG_H

#include <stdarg.h>
#include <syslog.h>

/* Messages above this level (e.g. LOG_DEBUG when set to LOG_INFO) are dropped. */
void pw_log_set_level(int level);
int pw_log_get_level(void);
/* Parse "error", "warning", "notice", "info", "debug"; -1 when unknown. */
int pw_log_level_from_name(const char *name);

/* Switch to syslog with this ident and facility (LOG_DAEMON, ...). */
void pw_log_open_syslog(const char *ident, int facility);
/* Back to stderr (closes syslog). */
void pw_log_use_stderr(void);
/* Parse "daemon", "user", "local0".."local7"; -1 when unknown. */
int pw_log_facility_from_name(const char *name);

/* Tests: every message also goes to this hook (NULL to remove). */
typedef void (*pw_log_hook)(int level, const char *msg, void *arg);
void pw_log_set_hook(pw_log_hook hook, void *arg);

void pw_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pw_vlog(int level, const char *fmt, va_list ap);

#define pw_err(...)    pw_log(LOG_ERR, __VA_ARGS__)
#define pw_warn(...)   pw_log(LOG_WARNING, __VA_ARGS__)
#define pw_notice(...) pw_log(LOG_NOTICE, __VA_ARGS__)
#define pw_info(...)   pw_log(LOG_INFO, __VA_ARGS__)
#define pw_debug(...)  pw_log(LOG_DEBUG, __VA_ARGS__)

#endif
