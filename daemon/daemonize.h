/*
 * daemonize.h -- detach presswatchd from its terminal, for init systems other than systemd
 * (`presswatchd -d [--pidfile FILE]`).  Under systemd the daemon stays in the foreground.
 *
 * pw_daemonize() forks; the child starts a new session and forks again, so the daemon (the
 * grandchild) is not a session leader and can never acquire a controlling terminal.  The daemon
 * changes to "/", writes the pid file, points stdin, stdout and stderr at /dev/null, and only
 * then tells the original process, through a pipe, that it is running.  So the command that
 * started it exits 0 only once the daemon really runs, and 1 with the reason otherwise.
 *
 * Returns:
 *    0  in the daemon: carry on.  stderr is /dev/null from now on: log through syslog.
 *    1  in the original process, once the daemon runs: return 0 from main without touching
 *       the shared state (database, pid file) any further.
 *   -1  in the original process when no daemon could be started; err holds the reason
 *       (for instance "pid file /run/presswatch/presswatchd.pid names running process 812").
 *       No daemon is left behind.
 *
 * The pid file (skipped when pidfile is NULL; a relative path is taken from the current
 * directory) is written atomically -- a temporary file in the same directory, fsync'd, then
 * linked or renamed into place -- so readers see a whole file or none.  A pid file naming a
 * live process makes pw_daemonize() fail; one naming a dead process (left by a crash) or
 * holding garbage is replaced.  The daemon removes its pid file when it exits through exit()
 * or a return from main (atexit), provided the file still holds its pid; processes it forks
 * later never remove it.
 *
 * Call it early: after the configuration was checked (so errors still reach the terminal) but
 * before the database is opened, the event base is created, or any thread is started.  Pending
 * stdio output is flushed before forking so that it is not written twice.
 */
#ifndef PW_DAEMONIZE_H
#define PW_DAEMONIZE_H

#include <stddef.h>

int pw_daemonize(const char *pidfile, char *err, size_t errlen);

#endif
