/* log.c -- stderr or syslog sink for pw_log(); see log.h. */

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"

static int log_level = LOG_INFO;
static int log_syslog;
static pw_log_hook log_hook;
static void *log_hook_arg;

void pw_log_set_level(int level) { log_level = level; }
int pw_log_get_level(void) { return log_level; }

static const struct { const char *name; int value; } level_names[] = {
	{ "error", LOG_ERR }, { "err", LOG_ERR }, { "warning", LOG_WARNING }, { "warn", LOG_WARNING },
	{ "notice", LOG_NOTICE }, { "info", LOG_INFO }, { "debug", LOG_DEBUG },
};

int pw_log_level_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++)
		if (strcasecmp(name, level_names[i].name) == 0)
			return level_names[i].value;
	return -1;
}

static const struct { const char *name; int value; } facility_names[] = {
	{ "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

int pw_log_facility_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof facility_names / sizeof facility_names[0]; i++)
		if (strcasecmp(name, facility_names[i].name) == 0)
			return facility_names[i].value;
	return -1;
}

void pw_log_open_syslog(const char *ident, int facility)
{
	openlog(ident, LOG_PID | LOG_NDELAY, facility);
	log_syslog = 1;
}

void pw_log_use_stderr(void)
{
	if (log_syslog)
		closelog();
	log_syslog = 0;
}

void pw_log_set_hook(pw_log_hook hook, void *arg)
{
	log_hook = hook;
	log_hook_arg = arg;
}

static const char *level_tag(int level)
{
	switch (level) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE: return "notice";
	case LOG_INFO: return "info";
	default: return "debug";
	}
}

void pw_vlog(int level, const char *fmt, va_list ap)
{
	char msg[2048];

	if (level > log_level && log_hook == NULL)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	/* One message is one line: a newline from network data must not forge a log line. */
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (log_hook)
		log_hook(level, msg, log_hook_arg);
	if (level > log_level)
		return;
	if (log_syslog) {
		syslog(level, "%s", msg);
		return;
	}
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(stderr, "%s %s: %s\n", stamp, level_tag(level), msg);
}

void pw_log(int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pw_vlog(level, fmt, ap);
	va_end(ap);
}
