/*
 * daemonize.c -- double fork, new session, pid file; see daemonize.h for the contract.
 *
 * The intermediate processes end with _exit(): they are copies of the caller made only to
 * detach, and must not run its atexit handlers or flush its stdio buffers a second time.
 */
#include "daemonize.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The daemon's pid file, removed at exit by the process that wrote it (and only by it). */
static char pidfile_path[PATH_MAX];
static pid_t pidfile_owner;
/* In a daemon that has not called pw_daemonize_ready() yet: the pipe to the starting process. */
static int ready_fd = -1;

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* The pid a pid file holds: > 0, 0 when the file does not exist or holds no valid pid,
 * -1 (errno set) when it cannot be read. */
static long read_pidfile(const char *path)
{
	char buf[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	int saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		return -1;
	}
	buf[n] = '\0';
	char *end;
	errno = 0;
	long pid = strtol(buf, &end, 10);
	if (errno || end == buf || (*end != '\n' && *end != '\0') || pid <= 0 || pid > INT_MAX)
		return 0;
	return pid;
}

/* kill(pid, 0) succeeds, or fails only for lack of permission: someone runs as that pid. */
static int process_alive(long pid)
{
	return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

/* 0 when no live process other than ourselves is named by path; -1 with err set otherwise. */
static int check_pidfile(const char *path, char *err, size_t errlen)
{
	long pid = read_pidfile(path);
	if (pid < 0) {
		set_err(err, errlen, "cannot read pid file %s: %s", path, strerror(errno));
		return -1;
	}
	if (pid > 0 && pid != (long)getpid() && process_alive(pid)) {
		set_err(err, errlen, "pid file %s names running process %ld; is presswatchd already running?",
			path, pid);
		return -1;
	}
	return 0;
}

static void remove_pidfile(void)
{
	if (pidfile_path[0] == '\0' || getpid() != pidfile_owner)
		return;
	if (read_pidfile(pidfile_path) == (long)pidfile_owner)
		unlink(pidfile_path);
	pidfile_path[0] = '\0';
}

/* Write "PID\n" to path atomically.  link() refuses to replace a file, so two daemons started at
 * the same moment cannot both win; an existing file is replaced only after it proved stale. */
static int write_pidfile(const char *path, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 32], line[32];
	pid_t self = getpid();
	if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)self) >= (int)sizeof tmp) {
		set_err(err, errlen, "pid file name too long: %s", path);
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		set_err(err, errlen, "cannot create pid file %s: %s", path, strerror(errno));
		return -1;
	}
	int len = snprintf(line, sizeof line, "%ld\n", (long)self);
	if (write(fd, line, (size_t)len) != len || fsync(fd) < 0) {
		set_err(err, errlen, "cannot write pid file %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) < 0) {
		set_err(err, errlen, "cannot write pid file %s: %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (link(tmp, path) == 0) {
		unlink(tmp);
		return 0;
	}
	/* EEXIST: a stale file (or a rival that won the race); other errors: a file system
	 * without hard links -- rename() is still atomic there. */
	if (check_pidfile(path, err, errlen) < 0) {
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		set_err(err, errlen, "cannot write pid file %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* In a forked child: send the outcome to the original process.  "0" = running, else a message. */
static void report(int fd, const char *msg)
{
	size_t len = strlen(msg), off = 0;
	while (off < len) {
		ssize_t n = write(fd, msg + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
}

static void fail_child(int fd, const char *what)
{
	char msg[512];
	snprintf(msg, sizeof msg, "%s: %s", what, strerror(errno));
	report(fd, msg);
	_exit(1);
}

static int redirect_stdio(void)
{
	int fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return -1;
	for (int i = 0; i < 3; i++)
		if (fd != i && dup2(fd, i) < 0) {
			close(fd);
			return -1;
		}
	if (fd > 2)
		close(fd);
	return 0;
}

/* The original process: wait for the daemon's report and reap the intermediate child. */
static int wait_for_daemon(pid_t child, int fd, char *err, size_t errlen)
{
	char msg[512];
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fd, msg + len, sizeof msg - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof msg - 1)
			break;
	}
	msg[len] = '\0';
	close(fd);
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	if (strcmp(msg, "0") == 0)
		return 1;
	if (len > 0)
		set_err(err, errlen, "%s", msg);
	else
		set_err(err, errlen, "the daemon exited during start-up");
	return -1;
}

/* path made absolute (after chdir("/") a relative name would mean something else). */
static int absolute_path(const char *path, char *out, size_t outlen, char *err, size_t errlen)
{
	char cwd[PATH_MAX];
	int n;
	if (path[0] == '/') {
		n = snprintf(out, outlen, "%s", path);
	} else {
		if (!getcwd(cwd, sizeof cwd)) {
			set_err(err, errlen, "cannot resolve pid file %s: %s", path, strerror(errno));
			return -1;
		}
		n = snprintf(out, outlen, "%s/%s", cwd, path);
	}
	if (n < 0 || (size_t)n >= outlen) {
		set_err(err, errlen, "pid file name too long: %s", path);
		return -1;
	}
	return 0;
}

/* Writes the pid file of this process and arranges its removal at exit. */
static int create_pidfile(const char *abs_path, char *err, size_t errlen)
{
	if (pidfile_path[0]) {
		set_err(err, errlen, "a pid file was already created: %s", pidfile_path);
		return -1;
	}
	if (write_pidfile(abs_path, err, errlen) < 0)
		return -1;
	memcpy(pidfile_path, abs_path, sizeof pidfile_path);
	pidfile_owner = getpid();
	if (atexit(remove_pidfile) != 0) {
		remove_pidfile();
		set_err(err, errlen, "cannot arrange the removal of pid file %s", abs_path);
		return -1;
	}
	return 0;
}

int pw_pidfile_create(const char *path, char *err, size_t errlen)
{
	char abs_path[PATH_MAX];
	set_err(err, errlen, "%s", "");
	if (absolute_path(path, abs_path, sizeof abs_path, err, errlen) < 0)
		return -1;
	return create_pidfile(abs_path, err, errlen);
}

int pw_daemonize(const char *pidfile, char *err, size_t errlen)
{
	char path[PATH_MAX] = "";
	int pfd[2];

	set_err(err, errlen, "%s", "");
	if (pidfile) {
		if (absolute_path(pidfile, path, sizeof path, err, errlen) < 0)
			return -1;
		/* Fail early, with the terminal still attached, when a daemon already runs. */
		if (check_pidfile(path, err, errlen) < 0)
			return -1;
	}
	if (pipe(pfd) < 0) {
		set_err(err, errlen, "cannot daemonize: pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid_t child = fork();
	if (child < 0) {
		set_err(err, errlen, "cannot daemonize: fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (child > 0) {
		close(pfd[1]);
		return wait_for_daemon(child, pfd[0], err, errlen);
	}

	/* First child: leave the caller's session and terminal, then let go of the session. */
	close(pfd[0]);
	if (fcntl(pfd[1], F_SETFD, FD_CLOEXEC) < 0)
		fail_child(pfd[1], "cannot daemonize: fcntl");
	if (setsid() < 0)
		fail_child(pfd[1], "cannot daemonize: setsid");
	pid_t daemon_pid = fork();
	if (daemon_pid < 0)
		fail_child(pfd[1], "cannot daemonize: fork");
	if (daemon_pid > 0)
		_exit(0);

	/* The daemon.  stdio stays attached until pw_daemonize_ready(): start-up errors still
	 * reach the terminal of whoever started it. */
	if (chdir("/") < 0)
		fail_child(pfd[1], "cannot daemonize: chdir /");
	if (path[0]) {
		char msg[512] = "";
		if (create_pidfile(path, msg, sizeof msg) < 0) {
			report(pfd[1], msg);
			_exit(1);
		}
	}
	ready_fd = pfd[1];
	return 0;
}

int pw_daemonize_ready(void)
{
	if (ready_fd < 0)
		return 0;
	int rc = redirect_stdio();
	report(ready_fd, rc == 0 ? "0" : "cannot daemonize: cannot open /dev/null");
	close(ready_fd);
	ready_fd = -1;
	return rc;
}
