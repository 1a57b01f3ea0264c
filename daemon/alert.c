/*
 * alert.c -- tags stored items, records and emits alerts (contract: alert.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "buf.h"
#include "common.h"
#include "feed_text.h"
#include "json.h"
#include "log.h"
#include "store_alerts.h"
#include "xmalloc.h"

/* How much of the log's end pw_alert_recover() reads to find lines already written. */
#define RECOVER_TAIL (1024 * 1024)
/* At shutdown, how long running alert commands get before SIGKILL. */
#define SHUTDOWN_GRACE_MS 2000

struct child {
	pid_t pid;
	int64_t deadline;     /* monotonic seconds */
	int64_t alert_id;
};

struct pw_alerter {
	struct pw_tagger *tagger;
	char *log_path;       /* NULL: no alert log */
	int fd;               /* -1 when closed / not openable */
	int facility;
	int64_t max_age_s;
	char **argv;          /* alert command, NULL-terminated; NULL when none */
	int64_t cmd_timeout_s;
	int64_t log_error_at;  /* when "cannot open" was last logged (monotonic s), to not repeat it */
	struct child *children;
	size_t nchildren;
	pw_alert_syslog_fn syslog_fn;
	void *syslog_arg;
};


static void free_argv(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* "cmd --flag x" -> argv; split on blanks only: no shell, no quoting, nothing expanded. */
static char **split_command(const char *cmd)
{
	char **argv = NULL;
	size_t n = 0;
	const char *p = cmd;
	while (p && *p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *q = p;
		while (*q && *q != ' ' && *q != '\t')
			q++;
		argv = xreallocarray(argv, n + 2, sizeof(*argv));
		argv[n++] = xstrndup(p, (size_t)(q - p));
		argv[n] = NULL;
		p = q;
	}
	return argv;
}

static void open_log(struct pw_alerter *a, int quiet)
{
	if (a->fd >= 0) {
		close(a->fd);
		a->fd = -1;
	}
	if (!a->log_path)
		return;
	a->fd = open(a->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	if (a->fd >= 0) {
		a->log_error_at = 0;
		return;
	}
	int64_t now = pw_monotonic_ms() / 1000;
	/* every flush with pending alerts retries; say so once in 10 minutes, not each time */
	if (quiet && a->log_error_at && now - a->log_error_at < 600)
		return;
	a->log_error_at = now > 0 ? now : 1;
	pw_err("alert log %s: cannot open: %s (alerts are kept in the store until it can be written)",
	       a->log_path, strerror(errno));
}

int pw_alert_reopen(struct pw_alerter *a)
{
	open_log(a, 0);
	return a->log_path && a->fd < 0 ? -1 : 0;
}

static int apply_config(struct pw_alerter *a, const struct pw_config *cfg, char *err, size_t errlen)
{
	struct pw_tagger *t = pw_tagger_new(cfg->topics, cfg->ntopics, cfg->speakers, cfg->nspeakers,
					    err, errlen);
	if (!t)
		return -1;
	pw_tagger_free(a->tagger);
	a->tagger = t;
	free(a->log_path);
	a->log_path = cfg->alert_log && *cfg->alert_log ? xstrdup(cfg->alert_log) : NULL;
	a->facility = cfg->syslog_facility;
	a->max_age_s = cfg->alert_max_age_s;
	free_argv(a->argv);
	a->argv = cfg->alert_command && *cfg->alert_command ? split_command(cfg->alert_command) : NULL;
	a->cmd_timeout_s = cfg->alert_command_timeout_s > 0 ? cfg->alert_command_timeout_s : 10;
	open_log(a, 0);
	return 0;
}

struct pw_alerter *pw_alerter_new(const struct pw_config *cfg, char *err, size_t errlen)
{
	struct pw_alerter *a = xcalloc(1, sizeof(*a));
	a->fd = -1;
	if (apply_config(a, cfg, err, errlen) < 0) {
		free(a);
		return NULL;
	}
	return a;
}

int pw_alerter_reload(struct pw_alerter *a, const struct pw_config *cfg, char *err, size_t errlen)
{
	return apply_config(a, cfg, err, errlen);
}

const struct pw_tagger *pw_alerter_tagger(const struct pw_alerter *a)
{
	return a->tagger;
}

void pw_alert_set_syslog_hook(struct pw_alerter *a, pw_alert_syslog_fn fn, void *arg)
{
	a->syslog_fn = fn;
	a->syslog_arg = arg;
}

/* --- children (alert_command) ------------------------------------------------------------ */

static void reap(struct pw_alerter *a, int64_t now, int kill_all)
{
	for (size_t i = 0; i < a->nchildren;) {
		struct child *c = &a->children[i];
		int status;
		pid_t r = waitpid(c->pid, &status, WNOHANG);
		if (r == 0 && (kill_all || now >= c->deadline)) {
			pw_warn("alert command for alert %lld: %s; killing pid %ld", (long long)c->alert_id,
				kill_all ? "still running at shutdown" : "timed out", (long)c->pid);
			kill(c->pid, SIGKILL);
			r = waitpid(c->pid, &status, 0);
		}
		if (r == 0) {
			i++;
			continue;
		}
		if (r > 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0)
			pw_warn("alert command for alert %lld exited with status %d", (long long)c->alert_id,
				WEXITSTATUS(status));
		else if (r > 0 && WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
			pw_warn("alert command for alert %lld killed by signal %d", (long long)c->alert_id,
				WTERMSIG(status));
		a->children[i] = a->children[--a->nchildren];
	}
}

void pw_alert_reap(struct pw_alerter *a)
{
	reap(a, pw_monotonic_ms() / 1000, 0);
}

static void run_command(struct pw_alerter *a, int64_t alert_id, const char *json, size_t len)
{
	int sv[2];
	/* a socket rather than a pipe: send(MSG_NOSIGNAL) cannot SIGPIPE the daemon when the
	 * command exits without reading */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		pw_err("alert command: socketpair: %s", strerror(errno));
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		pw_err("alert command: fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return;
	}
	if (pid == 0) {
		/* child: stdin = the JSON, nothing else of the daemon's */
		if (dup2(sv[1], STDIN_FILENO) < 0)
			_exit(127);
		shutdown(STDIN_FILENO, SHUT_WR);
		long maxfd = sysconf(_SC_OPEN_MAX);
		if (maxfd < 0 || maxfd > 65536)
			maxfd = 65536;
		for (int fd = 3; fd < maxfd; fd++)
			close(fd);
		signal(SIGPIPE, SIG_DFL);
		execvp(a->argv[0], a->argv);
		_exit(127);
	}
	close(sv[1]);
	int fl = fcntl(sv[0], F_GETFL);
	if (fl >= 0)
		fcntl(sv[0], F_SETFL, fl | O_NONBLOCK);
	size_t off = 0;
	while (off < len) {
		ssize_t w = send(sv[0], json + off, len - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (errno != EPIPE && errno != ECONNRESET)
				pw_warn("alert command for alert %lld: could not pass the whole JSON: %s",
					(long long)alert_id, strerror(errno));
			break;
		}
		off += (size_t)w;
	}
	close(sv[0]);
	a->children = xreallocarray(a->children, a->nchildren + 1, sizeof(*a->children));
	a->children[a->nchildren].pid = pid;
	a->children[a->nchildren].deadline = pw_monotonic_ms() / 1000 + a->cmd_timeout_s;
	a->children[a->nchildren].alert_id = alert_id;
	a->nchildren++;
}

void pw_alerter_free(struct pw_alerter *a)
{
	if (!a)
		return;
	for (int waited = 0; a->nchildren && waited < SHUTDOWN_GRACE_MS; waited += 20) {
		reap(a, pw_monotonic_ms() / 1000, 0);
		if (a->nchildren) {
			struct timespec ts = { 0, 20 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
	reap(a, pw_monotonic_ms() / 1000, 1);
	free(a->children);
	if (a->fd >= 0)
		close(a->fd);
	free(a->log_path);
	free_argv(a->argv);
	pw_tagger_free(a->tagger);
	free(a);
}

/* --- tagging and recording ------------------------------------------------------------- */

int pw_alert_maybe(struct pw_alerter *a, struct pw_store *s, const struct pw_item *it,
		   const struct pw_tag_result *r, int64_t now)
{
	if (!r->statement || !r->alert_topic)
		return 0;
	if (it->story_id == 0) {
		/* one alert per story: wait until dedup has put the item in one */
		pw_debug("item %lld: statement on an alerting topic, no story yet", (long long)it->id);
		return 0;
	}
	int64_t seen = it->fetched != PW_NOTIME && it->fetched > 0 ? it->fetched : now;
	if (it->published != PW_NOTIME && a->max_age_s > 0 && seen - it->published > a->max_age_s) {
		pw_debug("item %lld: statement on an alerting topic, but published %llds before it was "
			 "first seen (max_age %llds): no alert", (long long)it->id,
			 (long long)(seen - it->published), (long long)a->max_age_s);
		return 0;
	}
	struct pw_buf topics = PW_BUF_INIT;
	for (size_t i = 0; i < r->ntopics; i++) {
		if (!r->topic_alert[i])
			continue;
		if (topics.len)
			pw_buf_putc(&topics, ',');
		pw_buf_puts(&topics, r->topics[i]);
	}
	int64_t id = 0;
	int rc = pw_store_alert_record(s, it->id, it->story_id, pw_buf_cstr(&topics), r->snippet, now, &id);
	if (rc == 1)
		pw_info("item %lld: alert %lld recorded for story %lld (%s)", (long long)it->id,
			(long long)id, (long long)it->story_id, pw_buf_cstr(&topics));
	pw_buf_free(&topics);
	return rc;
}

int pw_alert_item(struct pw_alerter *a, struct pw_store *s, const struct pw_item *it,
		  const char *feed_name, int64_t now)
{
	struct pw_tag_result r;
	/* Before the article stage (article_status NULL) body holds the feed's content, which is
	 * HTML like the summary always is; the article stage's body is plain text. */
	char *html_text = NULL;
	const char *text;
	if (it->body && *it->body && it->article_status)
		text = it->body;
	else
		text = html_text = pw_html_blocks_to_text(it->body && *it->body ? it->body : it->summary ? it->summary : "", "\n");
	pw_tag_item(a->tagger, it->title ? it->title : "", text, &r);
	free(html_text);
	int rc = pw_store_item_tags_save(s, it->id, &r, feed_name, it->lang);
	if (rc == 0)
		rc = pw_alert_maybe(a, s, it, &r, now);
	pw_tag_result_clear(&r);
	return rc;
}

/* --- emitting -------------------------------------------------------------------------- */

static void alert_json(const struct pw_alert *al, struct pw_buf *b)
{
	struct pw_json j;
	pw_json_init(&j, b);
	pw_json_obj_begin(&j);
	pw_json_key(&j, "alert_id");
	pw_json_int(&j, al->id);
	pw_json_key(&j, "time");
	pw_json_time(&j, al->created);
	/* topics: the first under "topic" (DESIGN.md), all of them under "topics" */
	char *list = xstrdup(al->topics ? al->topics : "");
	char *comma = strchr(list, ',');
	pw_json_key(&j, "topic");
	pw_json_strn(&j, list, comma ? (size_t)(comma - list) : strlen(list));
	pw_json_key(&j, "topics");
	pw_json_arr_begin(&j);
	char *save = NULL;
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
		pw_json_str(&j, t);
	pw_json_arr_end(&j);
	free(list);
	pw_json_key(&j, "story_id");
	if (al->story_id)
		pw_json_int(&j, al->story_id);
	else
		pw_json_null(&j);
	pw_json_key(&j, "item_id");
	pw_json_int(&j, al->item_id);
	pw_json_key(&j, "feed");
	pw_json_str(&j, al->feed);
	pw_json_key(&j, "outlet");
	pw_json_str(&j, al->outlet);
	pw_json_key(&j, "title");
	pw_json_str(&j, al->title);
	pw_json_key(&j, "url");
	pw_json_str(&j, al->url);
	pw_json_key(&j, "published");
	pw_json_time(&j, al->published);
	pw_json_key(&j, "speakers");
	pw_json_arr_begin(&j);
	for (size_t i = 0; i < al->nspeakers; i++)
		pw_json_str(&j, al->speakers[i]);
	pw_json_arr_end(&j);
	pw_json_key(&j, "snippet");
	pw_json_str(&j, al->snippet);
	pw_json_obj_end(&j);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Syslog text: printable, one line. */
static void syslog_line(struct pw_alerter *a, const struct pw_alert *al)
{
	struct pw_buf b = PW_BUF_INIT;
	pw_buf_printf(&b, "alert %lld [%s] %s: %s", (long long)al->id, al->topics ? al->topics : "",
		      al->outlet ? al->outlet : al->feed ? al->feed : "?", al->title ? al->title : "(untitled)");
	if (al->nspeakers) {
		pw_buf_puts(&b, " -- ");
		for (size_t i = 0; i < al->nspeakers; i++)
			pw_buf_printf(&b, "%s%s", i ? ", " : "", al->speakers[i]);
	}
	if (al->url)
		pw_buf_printf(&b, " <%s>", al->url);
	pw_buf_printf(&b, " (story %lld, item %lld)", (long long)al->story_id, (long long)al->item_id);
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f)
			b.data[i] = ' ';
	int prio = LOG_NOTICE | (a->facility >= 0 ? a->facility : LOG_DAEMON);
	if (a->syslog_fn)
		a->syslog_fn(prio, pw_buf_cstr(&b), a->syslog_arg);
	else
		syslog(prio, "%s", pw_buf_cstr(&b));
	pw_buf_free(&b);
}

/* The log's last bytes (caller frees), or NULL. */
static char *log_tail(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return NULL;
	}
	off_t start = st.st_size > RECOVER_TAIL ? st.st_size - RECOVER_TAIL : 0;
	size_t len = (size_t)(st.st_size - start);
	char *buf = xmalloc(len + 1);
	ssize_t got = pread(fd, buf, len, start);
	close(fd);
	buf[got > 0 ? (size_t)got : 0] = '\0';
	return buf;
}

static int emit(struct pw_alerter *a, struct pw_store *s, int check_tail)
{
	struct pw_alert *al = NULL;
	size_t n = 0;
	int emitted = 0;

	pw_alert_reap(a);
	if (pw_store_alerts_list(s, 0, PW_NOTIME, 0, 1, &al, &n) < 0)
		return -1;
	if (n == 0)
		return 0;
	if (a->log_path && a->fd < 0)
		open_log(a, 1);
	char *tail = check_tail && a->log_path ? log_tail(a->log_path) : NULL;
	for (size_t i = 0; i < n; i++) {
		struct pw_buf line = PW_BUF_INIT;
		alert_json(&al[i], &line);
		if (tail) {
			char key[48];
			snprintf(key, sizeof(key), "{\"alert_id\":%lld,", (long long)al[i].id);
			if (strstr(tail, key)) {
				pw_notice("alert %lld was written before a restart; marking it", (long long)al[i].id);
				pw_buf_free(&line);
				if (pw_store_alert_mark_emitted(s, al[i].id) < 0)
					break;
				continue;
			}
		}
		pw_buf_putc(&line, '\n');
		if (a->log_path) {
			if (a->fd < 0 || write_all(a->fd, line.data, line.len) < 0 || fsync(a->fd) < 0) {
				if (a->fd >= 0)
					pw_err("alert log %s: write failed: %s (alert %lld kept for the next try)",
					       a->log_path, strerror(errno), (long long)al[i].id);
				pw_buf_free(&line);
				emitted = -1;
				break;
			}
		}
		syslog_line(a, &al[i]);
		if (a->argv)
			run_command(a, al[i].id, line.data, line.len);
		pw_buf_free(&line);
		if (pw_store_alert_mark_emitted(s, al[i].id) < 0) {
			emitted = -1;
			break;
		}
		emitted++;
	}
	free(tail);
	pw_store_alerts_free(al, n);
	return emitted;
}

int pw_alert_flush(struct pw_alerter *a, struct pw_store *s)
{
	return emit(a, s, 0);
}

int pw_alert_recover(struct pw_alerter *a, struct pw_store *s)
{
	return emit(a, s, 1);
}
