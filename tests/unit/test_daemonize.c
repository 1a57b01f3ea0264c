/*
 * test_daemonize.c -- pw_daemonize(): the daemon really detaches (own session, not a session
 * leader, cwd "/", stdio attached during start-up and on /dev/null once ready), the pid file is
 * whole, names the daemon, blocks a second start while it lives, is replaced when stale, and is
 * gone after the daemon exits; failures (before or during start-up) reach the caller as a
 * message and leave no process behind.  pw_pidfile_create() for a process that stays in the
 * foreground.
 *
 * The daemons are copies of this test process.  The test makes itself a child subreaper
 * (Linux), so the orphaned daemons are re-parented to it and it can reap them and read their
 * exit status.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "daemonize.h"
#include "tap.h"

static char dir[PATH_MAX];

struct report {
	long pid, sid, pgid;
	char cwd[PATH_MAX];
	int devnull[3];
	int attached_before_ready;  /* stderr was still ours during start-up */
};

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int same_file(int fd, const struct stat *st)
{
	struct stat fst;
	return fstat(fd, &fst) == 0 && fst.st_dev == st->st_dev && fst.st_ino == st->st_ino;
}

/* What the daemon does: start up (or fail to, with fail_startup), report ready, describe itself
 * in `report_path` (atomically), then wait for SIGTERM and leave through exit(), as presswatchd
 * does; 3 if nobody stops it within 20 s. */
static void daemon_body(const char *report_path, int fail_startup) __attribute__((noreturn));
static void daemon_body(const char *report_path, int fail_startup)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	struct stat null_st;
	char cwd[PATH_MAX] = "?", tmp[PATH_MAX + 8];
	int have_null = stat("/dev/null", &null_st) == 0;
	int attached = have_null && !same_file(2, &null_st);
	if (fail_startup)
		exit(1);  /* e.g. the database cannot be opened */
	if (pw_daemonize_ready() < 0)
		exit(1);
	if (!getcwd(cwd, sizeof cwd))
		strcpy(cwd, "?");
	snprintf(tmp, sizeof tmp, "%s.tmp", report_path);
	FILE *f = fopen(tmp, "w");
	if (f) {
		fprintf(f, "%ld %ld %ld %d %d %d %d %s\n", (long)getpid(), (long)getsid(0), (long)getpgrp(),
			have_null && same_file(0, &null_st), have_null && same_file(1, &null_st),
			have_null && same_file(2, &null_st), attached, cwd);
		fclose(f);
		rename(tmp, report_path);
	}
	struct timespec limit = { 20, 0 };
	exit(sigtimedwait(&set, NULL, &limit) == SIGTERM ? 0 : 3);
}

/* Starts a daemon; in the original process returns pw_daemonize()'s result. */
static int start(const char *pidfile, const char *report_path, int fail_startup, char *err, size_t errlen)
{
	unlink(report_path);
	int r = pw_daemonize(pidfile, err, errlen);
	if (r == 0)
		daemon_body(report_path, fail_startup);
	return r;
}

static int read_report(const char *path, struct report *rep)
{
	for (int i = 0; i < 500; i++) {  /* up to 5 s */
		FILE *f = fopen(path, "r");
		if (f) {
			int n = fscanf(f, "%ld %ld %ld %d %d %d %d %4095s", &rep->pid, &rep->sid, &rep->pgid,
				       &rep->devnull[0], &rep->devnull[1], &rep->devnull[2],
				       &rep->attached_before_ready, rep->cwd);
			fclose(f);
			return n == 8 ? 0 : -1;
		}
		sleep_ms(10);
	}
	return -1;
}

static long pid_in(const char *path)
{
	FILE *f = fopen(path, "r");
	long pid = -1;
	char rest[8];
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = -1;
	if (fgets(rest, sizeof rest, f) && strcmp(rest, "\n") != 0)
		pid = -2;  /* anything after the newline-terminated number is wrong */
	fclose(f);
	return pid;
}

/* Reaps pid (a child of ours thanks to the subreaper); its exit status, or -1 after 5 s. */
static int reap(long pid)
{
	for (int i = 0; i < 500; i++) {
		int st;
		pid_t r = waitpid((pid_t)pid, &st, WNOHANG);
		if (r == (pid_t)pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (r < 0)
			return -1;
		sleep_ms(10);
	}
	return -1;
}

/* Reaps every child that exits within 1 s; then 1 if none is left. */
static int no_children_left(void)
{
	for (int i = 0; i < 100; i++) {
		pid_t r = waitpid(-1, NULL, WNOHANG);
		if (r < 0 && errno == ECHILD)
			return 1;
		if (r == 0)
			sleep_ms(10);
	}
	return 0;
}

static int only_files(const char *want1, const char *want2)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ok_ = 1;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if ((want1 && !strcmp(e->d_name, want1)) || (want2 && !strcmp(e->d_name, want2)))
			continue;
		diag("unexpected file %s", e->d_name);
		ok_ = 0;
	}
	closedir(d);
	return ok_;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

int main(void)
{
	char err[512], pidfile[PATH_MAX + 16], report_path[PATH_MAX + 16];
	struct report rep;

#ifdef __linux__
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		printf("1..0 # SKIP cannot become a child subreaper: %s\n", strerror(errno));
		return 0;
	}
#else
	printf("1..0 # SKIP needs Linux's PR_SET_CHILD_SUBREAPER to reap the daemons\n");
	return 0;
#endif
	snprintf(dir, sizeof dir, "%s/pw-daemonize-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(pidfile, sizeof pidfile, "%s/presswatchd.pid", dir);
	snprintf(report_path, sizeof report_path, "%s/report", dir);

	/* 1. A daemon with a pid file given relative to the current directory. */
	if (chdir(dir) < 0) {
		printf("Bail out! chdir: %s\n", strerror(errno));
		return 1;
	}
	int r = start("presswatchd.pid", report_path, 0, err, sizeof err);
	is_int(r, 1, "the caller gets 1 once the daemon runs");
	is_str(err, "", "no error message");
	long d1 = pid_in(pidfile);
	ok(d1 > 0 && d1 != (long)getpid(), "the pid file (relative name) names another process: %ld", d1);
	ok(read_report(report_path, &rep) == 0, "the daemon reports on itself");
	is_int(rep.pid, d1, "the pid file holds the daemon's pid");
	ok(rep.sid != (long)getsid(0), "the daemon left the caller's session");
	ok(rep.sid != rep.pid, "the daemon is not a session leader (cannot acquire a terminal)");
	is_str(rep.cwd, "/", "the daemon works in /");
	ok(rep.attached_before_ready, "stderr stays attached during start-up (errors reach the terminal)");
	ok(rep.devnull[0] && rep.devnull[1] && rep.devnull[2], "once ready, stdin, stdout and stderr are /dev/null");

	/* 2. A second start while the first daemon lives is refused, and changes nothing. */
	r = start(pidfile, report_path, 0, err, sizeof err);
	is_int(r, -1, "a second daemon with the same pid file is refused");
	char want[64];
	snprintf(want, sizeof want, "names running process %ld", d1);
	ok(strstr(err, pidfile) && strstr(err, want), "the message names the file and the process: %s", err);
	is_int(pid_in(pidfile), d1, "the pid file still names the first daemon");
	ok(no_children_left() == 0, "the first daemon still runs");

	/* 3. SIGTERM: the daemon exits 0 through exit() and removes its pid file. */
	ok(kill((pid_t)d1, SIGTERM) == 0, "SIGTERM sent to the daemon");
	is_int(reap(d1), 0, "the daemon exits with status 0");
	ok(access(pidfile, F_OK) < 0 && errno == ENOENT, "the pid file is gone");
	unlink(report_path);
	ok(only_files(NULL, NULL), "no temporary files are left");

	/* 4. A stale pid file (its process is dead) is replaced. */
	pid_t dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	snprintf(want, sizeof want, "%ld\n", (long)dead);
	write_file(pidfile, want);
	r = start(pidfile, report_path, 0, err, sizeof err);
	is_int(r, 1, "a stale pid file does not stop the daemon");
	long d2 = pid_in(pidfile);
	ok(read_report(report_path, &rep) == 0 && rep.pid == d2 && d2 != (long)dead,
	   "the stale pid file now names the new daemon (%ld, was %ld)", d2, (long)dead);
	kill((pid_t)d2, SIGTERM);
	is_int(reap(d2), 0, "the second daemon exits with status 0");
	ok(access(pidfile, F_OK) < 0, "its pid file is gone");

	/* 5. A pid file holding garbage is replaced too. */
	write_file(pidfile, "not a pid\n");
	r = start(pidfile, report_path, 0, err, sizeof err);
	is_int(r, 1, "a pid file holding garbage does not stop the daemon");
	long d3 = pid_in(pidfile);
	ok(read_report(report_path, &rep) == 0 && rep.pid == d3, "it now names the new daemon");

	/* 6. A pid file that is not ours to remove any more: the daemon leaves it alone. */
	write_file(pidfile, "1\n");
	kill((pid_t)d3, SIGTERM);
	is_int(reap(d3), 0, "the third daemon exits with status 0");
	is_int(pid_in(pidfile), 1, "a pid file rewritten by someone else is not removed");
	unlink(pidfile);
	unlink(report_path);

	/* 7. No pid file at all. */
	r = start(NULL, report_path, 0, err, sizeof err);
	is_int(r, 1, "a daemon without a pid file starts");
	ok(read_report(report_path, &rep) == 0 && rep.pid > 0, "and reports on itself");
	kill((pid_t)rep.pid, SIGTERM);
	is_int(reap(rep.pid), 0, "and exits with status 0");
	unlink(report_path);

	/* 8. A pid file that cannot be written: the caller learns why, no daemon is left. */
	char bad[PATH_MAX + 32];
	snprintf(bad, sizeof bad, "%s/no-such-dir/presswatchd.pid", dir);
	r = start(bad, report_path, 0, err, sizeof err);
	is_int(r, -1, "an unwritable pid file fails the start");
	ok(strstr(err, "no-such-dir") && strstr(err, "No such file"), "the message names the file and the reason: %s", err);
	ok(no_children_left(), "no daemon is left behind");
	ok(access(report_path, F_OK) < 0, "the daemon body never ran");

	/* 9. A daemon whose start-up fails (after the pid file was written): the caller learns it,
	 * the pid file is removed. */
	r = start(pidfile, report_path, 1, err, sizeof err);
	is_int(r, -1, "a daemon that fails during start-up fails the start");
	ok(strstr(err, "start-up") != NULL, "the caller is told: %s", err);
	ok(no_children_left(), "no daemon is left behind");
	ok(access(pidfile, F_OK) < 0 && errno == ENOENT, "its pid file is gone");

	/* 10. pw_pidfile_create(), for --pidfile in the foreground. */
	int go[2];
	if (pipe(go) < 0) {
		printf("Bail out! pipe: %s\n", strerror(errno));
		return 1;
	}
	fflush(stdout);
	pid_t fg = fork();
	if (fg == 0) {
		char e[512], c;
		close(go[1]);
		if (pw_pidfile_create("presswatchd.pid", e, sizeof e) < 0)  /* relative: cwd is dir */
			_exit(2);
		if (read(go[0], &c, 1) < 0)
			_exit(3);
		exit(0);
	}
	close(go[0]);
	long named = -1;
	for (int i = 0; i < 500 && named != (long)fg; i++) {
		named = pid_in(pidfile);
		if (named != (long)fg)
			sleep_ms(10);
	}
	is_int(named, fg, "pw_pidfile_create() writes the process's own pid");
	r = pw_pidfile_create(pidfile, err, sizeof err);
	is_int(r, -1, "a second pid file for the same path is refused while the first process lives");
	ok(strstr(err, "names running process") != NULL, "with the reason: %s", err);
	close(go[1]);
	int st = -1;
	waitpid(fg, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the foreground process exits 0");
	ok(access(pidfile, F_OK) < 0 && errno == ENOENT, "and its pid file is gone");

	ok(only_files(NULL, NULL), "the directory is clean again");
	rmdir(dir);
	return done_testing();
}
