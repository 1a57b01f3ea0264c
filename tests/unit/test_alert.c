/*
 * test_alert.c -- tags, speakers and alerts through a real store (feeds/store_alerts.c) and
 * the alert emitter (daemon/alert.c): one alert per story, "new means new", the JSON line,
 * syslog, the hook command, crash recovery without loss or doubles, logrotate.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "buf.h"
#include "common.h"
#include "config.h"
#include "log.h"
#include "store.h"
#include "store_alerts.h"
#include "store_int.h"
#include "tap.h"
#include "xmalloc.h"

static char *srcdir, *tmp;
static int nsyslog;
static char last_syslog[2048];
static int last_prio;
static struct pw_buf logged = PW_BUF_INIT;

static void on_syslog(int prio, const char *line, void *arg)
{
	(void)arg;
	nsyslog++;
	last_prio = prio;
	snprintf(last_syslog, sizeof(last_syslog), "%s", line);
}

static void on_log(int level, const char *msg, void *arg)
{
	(void)arg;
	(void)level;
	pw_buf_printf(&logged, "%s\n", msg);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static int lines(const char *path)
{
	char *s = pw_read_file(path, NULL);
	int n = count(s, "\n");
	free(s);
	return n;
}

static int64_t new_story(struct pw_store *s, int64_t item_id, int64_t now)
{
	sqlite3_stmt *st = pw_store_stmt(s, "INSERT INTO stories(first_item, first_seen, last_seen, item_count) "
					    "VALUES (?1, ?2, ?2, 1)");
	sqlite3_bind_int64(st, 1, item_id);
	sqlite3_bind_int64(st, 2, now);
	pw_store_step_done(s, st, "new story");
	return sqlite3_last_insert_rowid(pw_store_db(s));
}

/* One item through the daemon's sequence: insert, story, tag + alert, commit, flush.
 * story 0 = a new story.  Returns pw_alert_item()'s result. */
static int ingest(struct pw_alerter *a, struct pw_store *s, int64_t feed_id, const char *feed,
		  const char *fixture, int64_t published, int64_t story, int64_t *item_id, int64_t *story_id)
{
	char *path = xasprintf("%s/tests/fixtures/tags/%s", srcdir, fixture);
	char *all = pw_read_file(path, NULL);
	free(path);
	char *nl = strchr(all, '\n');
	*nl = '\0';
	int64_t now = (int64_t)time(NULL);
	char *guid = xasprintf("%s-%s", feed, fixture);
	char *url = xasprintf("https://%s.example/%s", feed, fixture);
	struct pw_item it = { 0 };
	it.feed_id = feed_id;
	it.guid = guid;
	it.url = url;
	it.title = all;
	it.body = nl + 1;
	it.lang = "en";
	it.published = published;
	it.fetched = now;
	pw_store_begin(s);
	pw_store_item_insert(s, &it);
	it.story_id = story ? story : new_story(s, it.id, now);
	pw_store_item_set_story(s, it.id, it.story_id, 0);
	int rc = pw_alert_item(a, s, &it, feed, now);
	pw_store_commit(s);
	pw_alert_flush(a, s);
	if (item_id)
		*item_id = it.id;
	if (story_id)
		*story_id = it.story_id;
	free(guid);
	free(url);
	free(all);
	return rc;
}

static int has_tag(struct pw_store *s, int64_t item, const char *tag)
{
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT 1 FROM tags WHERE item_id = ?1 AND tag = ?2");
	sqlite3_bind_int64(st, 1, item);
	sqlite3_bind_text(st, 2, tag, -1, SQLITE_STATIC);
	int r = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return r;
}

int main(void)
{
	char err[512];
	const char *top = getenv("top_srcdir");
	srcdir = xstrdup(top ? top : ".");
	umask(022);
	char tmpl[] = "/tmp/pw-alert-XXXXXX";
	tmp = mkdtemp(tmpl);
	if (!tmp) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	pw_log_set_hook(on_log, NULL);

	char *confpath = xasprintf("%s/etc/presswatch.conf", srcdir);
	struct pw_errlist errs = { NULL, 0 };
	struct pw_config *cfg = pw_config_load(confpath, &errs);
	pw_errlist_free(&errs);
	if (!ok(cfg != NULL, "shipped configuration loads")) {
		free(confpath);
		return done_testing();
	}
	char *logpath = xasprintf("%s/alerts.jsonl", tmp);
	char *hookout = xasprintf("%s/hook.json", tmp);
	free(cfg->alert_log);
	cfg->alert_log = xstrdup(logpath);
	free(cfg->alert_command);
	cfg->alert_command = xasprintf("dd of=%s status=none", hookout);
	cfg->alert_max_age_s = 48 * 3600;

	char *dbpath = xasprintf("%s/store.db", tmp);
	struct pw_store *s = pw_store_open(dbpath, PW_STORE_RW, err, sizeof(err));
	if (!ok(s != NULL, "store opens: %s", s ? "" : err))
		return done_testing();
	struct pw_alerter *a = pw_alerter_new(cfg, err, sizeof(err));
	ok(a != NULL, "alerter from the shipped topics");
	pw_alert_set_syslog_hook(a, on_syslog, NULL);

	pw_store_begin(s);
	int64_t oc = pw_store_feed_sync(s, "oc-media", "https://oc-media.example/feed", "OC Media", 0, 1);
	int64_t apa = pw_store_feed_sync(s, "apa", "https://apa.example/rss", "APA", 0, 1);
	pw_store_commit(s);
	int64_t now = (int64_t)time(NULL);
	int64_t a1, a2, b, c, d, e, storyA;

	/* story A: a statement on occupied-region "elections" -> one alert */
	is_int(ingest(a, s, oc, "oc-media", "en_occupied_elections_statement.txt", now - 3600, 0, &a1, &storyA),
	       1, "statement on an alerting topic: alert recorded");
	is_int(lines(logpath), 1, "one line in the alert log");
	/* a later copy of story A from another outlet joins silently */
	is_int(ingest(a, s, apa, "apa", "en_occupied_elections_statement.txt", now - 1800, storyA, &a2, NULL),
	       0, "later copy of the story: no second alert");
	is_int(lines(logpath), 1, "still one line");
	/* a Karabakh statement published three days ago: stored and tagged, not alerted */
	is_int(ingest(a, s, oc, "oc-media", "ru_karabakh_statement.txt", now - 3 * 86400, 0, &b, NULL),
	       0, "older than max_age at first sight: no alert");
	/* Karabakh travel piece: tagged, not a statement */
	is_int(ingest(a, s, oc, "oc-media", "en_karabakh_travel.txt", now - 600, 0, &c, NULL), 0,
	       "Karabakh piece without a statement: no alert");
	/* a statement on a topic without alert */
	is_int(ingest(a, s, apa, "apa", "en_other_topic_statement.txt", now - 600, 0, &d, NULL), 0,
	       "statement on a non-alerting topic: no alert");
	/* Azerbaijani Karabakh statement without a date: counts as new */
	is_int(ingest(a, s, apa, "apa", "az_karabakh_statement.txt", PW_NOTIME, 0, &e, NULL), 1,
	       "undated statement on Karabakh: alert");
	is_int(lines(logpath), 2, "two lines in the alert log");
	is_int(nsyslog, 2, "two syslog lines");
	is_int(last_prio, LOG_NOTICE | cfg->syslog_facility, "syslog priority: notice, configured facility");
	ok(strstr(last_syslog, "[karabakh] APA: XİN: Qarabağda") && strstr(last_syslog, "-- Hacızadə <https:") != NULL,
	   "syslog line: topic, outlet, title, speaker: %s", last_syslog);

	/* tags and speakers */
	ok(has_tag(s, a1, "topic:ua-elections") && has_tag(s, a1, "statement") &&
	   has_tag(s, a1, "feed:oc-media") && has_tag(s, a1, "lang:en"), "item A1 tags");
	ok(has_tag(s, a2, "topic:ua-elections") && has_tag(s, a2, "feed:apa"), "item A2 tags");
	ok(has_tag(s, b, "topic:karabakh") && has_tag(s, b, "statement"), "old item still tagged");
	ok(has_tag(s, c, "topic:karabakh") && !has_tag(s, c, "statement"), "travel piece: topic, no statement");
	ok(has_tag(s, d, "statement") && !has_tag(s, d, "topic:karabakh"), "other-topic statement tags");
	char **names;
	size_t nn;
	pw_store_item_speakers(s, a1, &names, &nn);
	ok(nn >= 1 && !strcmp(names[0], "Foreign Ministry"), "speakers stored (%s)", nn ? names[0] : "none");
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);

	/* the JSON line */
	char *log = pw_read_file(logpath, NULL);
	ok(log && !strncmp(log, "{\"alert_id\":1,\"time\":\"", 22), "line starts with alert_id and time");
	ok(strstr(log, "\"topic\":\"ua-elections\",\"topics\":[\"ua-elections\"]") != NULL, "topic and topics");
	ok(strstr(log, "\"feed\":\"oc-media\",\"outlet\":\"OC Media\"") != NULL, "feed and outlet");
	ok(strstr(log, "\"speakers\":[\"Foreign Ministry\"]") != NULL, "speakers");
	ok(strstr(log, "\"snippet\":\"Ukraine's Foreign Ministry condemned the so-called local elections") != NULL,
	   "snippet");
	ok(strstr(log, "\"url\":\"https://apa.example/az_karabakh_statement.txt\"") != NULL &&
	   strstr(log, "\"published\":null") != NULL, "second alert: url, unknown date as null");
	free(log);
	struct stat st;
	stat(logpath, &st);
	is_int(st.st_mode & 0777, 0640, "alert log mode 0640");

	/* the hook command got the JSON on stdin */
	char *hook = NULL;
	for (int i = 0; i < 200 && !(hook = pw_read_file(hookout, NULL)); i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		pw_alert_reap(a);
	}
	for (int i = 0; i < 200 && hook && !strchr(hook, '\n'); i++) {
		free(hook);
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		hook = pw_read_file(hookout, NULL);
	}
	ok(hook && !strncmp(hook, "{\"alert_id\":", 12) && count(hook, "\n") == 1, "alert command read one JSON line");
	free(hook);

	/* listing */
	struct pw_alert *al;
	size_t n;
	is_int(pw_store_alerts_list(s, 0, PW_NOTIME, 0, 0, &al, &n), 0, "list alerts");
	is_int(n, 2, "two alerts stored");
	ok(n == 2 && al[0].emitted && al[1].emitted && al[0].story_id == storyA, "both emitted; first is story A");
	pw_store_alerts_free(al, n);
	pw_store_alerts_list(s, 1, PW_NOTIME, 0, 0, &al, &n);
	is_int(n, 1, "list after id 1");
	pw_store_alerts_free(al, n);
	pw_store_alerts_list(s, 0, now + 3600, 0, 0, &al, &n);
	is_int(n, 0, "list since the future: none");
	pw_store_alerts_free(al, n);

	/* crash after commit, before the log line: recovered at start, exactly once */
	int64_t f;
	pw_store_begin(s);
	{
		struct pw_tag_result r;
		struct pw_item it = { 0 };
		it.feed_id = oc;
		it.guid = "crash-1";
		it.title = "Zakharova on Karabakh";
		it.body = "Maria Zakharova said the situation in Karabakh is calm.";
		it.published = now;
		it.fetched = now;
		pw_store_item_insert(s, &it);
		it.story_id = new_story(s, it.id, now);
		pw_store_item_set_story(s, it.id, it.story_id, 0);
		pw_tag_item(pw_alerter_tagger(a), it.title, it.body, &r);
		pw_store_item_tags_save(s, it.id, &r, "oc-media", NULL);
		is_int(pw_alert_maybe(a, s, &it, &r, now), 1, "alert recorded in the item's transaction");
		pw_tag_result_clear(&r);
		f = it.id;
	}
	pw_store_commit(s);
	/* "crash": the alerter goes away without flushing */
	pw_alerter_free(a);
	is_int(lines(logpath), 2, "not written before the restart");
	a = pw_alerter_new(cfg, err, sizeof(err));
	pw_alert_set_syslog_hook(a, on_syslog, NULL);
	is_int(pw_alert_recover(a, s), 1, "restart: the pending alert is emitted");
	is_int(lines(logpath), 3, "three lines");
	is_int(pw_alert_recover(a, s), 0, "a second recovery emits nothing");

	/* crash after the log line, before the mark: not doubled */
	sqlite3_stmt *stt = pw_store_stmt(s, "UPDATE alerts SET emitted = 0 WHERE item_id = ?1");
	sqlite3_bind_int64(stt, 1, f);
	pw_store_begin(s);
	pw_store_step_done(s, stt, "unmark");
	pw_store_commit(s);
	int before = nsyslog;
	is_int(pw_alert_recover(a, s), 0, "line already in the log: only marked");
	is_int(lines(logpath), 3, "still three lines");
	is_int(nsyslog, before, "no second syslog line");
	pw_store_alerts_list(s, 0, PW_NOTIME, 0, 1, &al, &n);
	is_int(n, 0, "nothing pending");
	pw_store_alerts_free(al, n);

	/* logrotate: rename, SIGHUP -> reopen, next alert in the new file */
	char *rotated = xasprintf("%s.1", logpath);
	rename(logpath, rotated);
	is_int(pw_alert_reopen(a), 0, "reopen");
	is_int(ingest(a, s, oc, "oc-media", "hy_karabakh_statement.txt", now, 0, NULL, NULL), 1,
	       "Armenian statement on Karabakh: alert");
	is_int(lines(logpath), 1, "new log file has the new line");
	is_int(lines(rotated), 3, "rotated file untouched");

	/* unwritable log: the alert waits in the store and is emitted once the log works */
	free(cfg->alert_log);
	cfg->alert_log = xasprintf("%s/no-such-dir/alerts.jsonl", tmp);
	free(cfg->alert_command);
	cfg->alert_command = NULL;
	ok(pw_alerter_reload(a, cfg, err, sizeof(err)) == 0, "reload with a bad log path");
	is_int(ingest(a, s, oc, "oc-media", "uk_ua_elections_statement.txt", now, 0, NULL, NULL), 1,
	       "alert recorded while the log is unwritable");
	pw_store_alerts_list(s, 0, PW_NOTIME, 0, 1, &al, &n);
	is_int(n, 1, "it is pending");
	pw_store_alerts_free(al, n);
	free(cfg->alert_log);
	cfg->alert_log = xstrdup(logpath);
	pw_alerter_reload(a, cfg, err, sizeof(err));
	is_int(pw_alert_flush(a, s), 1, "emitted once the log is back");
	is_int(lines(logpath), 2, "and written");

	/* alert command timeout: killed, logged */
	free(cfg->alert_command);
	cfg->alert_command = xstrdup("sleep 30");
	cfg->alert_command_timeout_s = 1;
	pw_alerter_reload(a, cfg, err, sizeof(err));
	pw_buf_reset(&logged);
	is_int(ingest(a, s, apa, "apa", "ru_ua_elections_statement.txt", now, 0, NULL, NULL), 1, "alert with a slow command");
	for (int i = 0; i < 300 && !strstr(pw_buf_cstr(&logged), "timed out"); i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		pw_alert_reap(a);
	}
	ok(strstr(pw_buf_cstr(&logged), "timed out; killing") != NULL, "slow command killed after its timeout");

	pw_alerter_free(a);
	pw_store_close(s);
	pw_config_free(cfg);
	pw_log_set_hook(NULL, NULL);
	pw_buf_free(&logged);
	char *cmd = xasprintf("rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		diag("could not remove %s", tmp);
	free(cmd);
	free(rotated);
	free(dbpath);
	free(logpath);
	free(hookout);
	free(confpath);
	free(srcdir);
	return done_testing();
}
