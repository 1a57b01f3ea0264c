/*
 * daemonize.h -- detach presswatchd from its terminal, for init systems other than systemd
 * (`presswatchd -d [--pidfile FILE]`), and pid files.  Under systemd the daemon stays in the
 * foreground.
 *
 * pw_daemonize() forks; the child starts a new session and forks again, so the daemon (the
 * grandchild) is not a session leader and can never acquire a controlling terminal.  The daemon
 * changes to "/" and writes the pid file; its stdin, stdout and stderr stay attached, so that
 * the rest of its start-up (opening the database, ...) can still report errors on the terminal
 * of whoever started it.  Once it runs, the daemon calls pw_daemonize_ready(): stdio goes to
 * /dev/null and the starting process is told.  So the command that started it exits 0 only
 * once the daemon really runs, and 1 otherwise.
 *
 * pw_daemonize() returns:
 *    0  in the daemon: carry on with start-up, then call pw_daemonize_ready() and log through
 *       syslog from then on.  If start-up fails, just exit non-zero.
 *    1  in the starting process, once the daemon called pw_daemonize_ready(): return 0 from
 *       main without touching shared state (database, pid file) any further.
 *   -1  in the starting process when the daemon did not start; err holds the reason (for
 *       instance "pid file /run/presswatch/presswatchd.pid names running process 812; ...",
 *       or "the daemon exited during start-up" after the daemon printed its own errors).
 *       No daemon is left behind.
 *
 * Pid files (pidfile may be NULL; a relative path is taken from the current directory): written
 * atomically -- a temporary file in the same directory, fsync'd, then linked into place (link()
 * never replaces a file, so of two daemons started at once only one wins) -- so readers see a
 * whole file or none.  A pid file naming a live process is refused; one naming a dead process
 * (left by a crash) or holding garbage is replaced.  The file is removed when the process that
 * wrote it exits through exit() or a return from main (atexit), provided it still holds that
 * pid; processes forked later never remove it.
 *
 * Call pw_daemonize() early: after the configuration was checked, before the database is
 * opened, the event base is created, or any thread is started.  Pending stdio output is flushed
 * before forking so that it is not written twice.
 */
#ifndef PW_DAEMONIZE_H
#define PW_DAEMONIZE_H

#include <stddef.h>

int pw_daemonize(const char *pidfile, char *err, size_t errlen);

/* In a daemon from pw_daemonize(): stdio to /dev/null, then tell the starting process that the
 * daemon runs.  A no-op (0) in any other process or when called again.  -1 when /dev/null
 * cannot be opened (the starting process is told so; the daemon should exit). */
int pw_daemonize_ready(void);

/* --pidfile without -d: the pid file of this process, with the rules above (removed at exit).
 * 0, or -1 with the reason in err (another live process named, directory missing, ...). */
int pw_pidfile_create(const char *path, char *err, size_t errlen);

#endif
