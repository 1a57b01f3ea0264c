/* Unit tests: ini.c and config.c -- value parsers, presswatch.conf, feed lists, topics. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "common.h"
#include "config.h"
#include "tap.h"
#include "xmalloc.h"

static const char *srcdir;
static char tmpdir[256];

static char *fixture(const char *name)
{
	return xasprintf("%s/tests/fixtures/config/%s", srcdir, name);
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(text, 1, len, f) != len) {
		perror(path);
		exit(99);
	}
	fclose(f);
}

/* A presswatch.conf in tmpdir that includes exactly the given (fixture) files. */
static char *main_conf_with(const char *feeds, const char *topics)
{
	char *path = xasprintf("%s/presswatch.conf", tmpdir);
	char *text = xasprintf("[store]\npath = test.db\n[include]\nfeeds = %s\ntopics = %s\n",
			       feeds ? feeds : "", topics ? topics : "");
	write_file(path, text, strlen(text));
	free(text);
	return path;
}

static int has_msg(const struct pw_errlist *e, const char *want)
{
	for (size_t i = 0; i < e->n; i++)
		if (strstr(e->msgs[i], want))
			return 1;
	return 0;
}

static void dump(const struct pw_errlist *e)
{
	for (size_t i = 0; i < e->n; i++)
		diag("  error: %s", e->msgs[i]);
}

/* Loads path, expects failure with exactly `count` messages, one containing `want`. */
static void expect_errors(const char *path, size_t count, const char *want, const char *what)
{
	struct pw_errlist errs = { 0 };
	struct pw_config *c = pw_config_load(path, &errs);
	ok(c == NULL, "%s: load fails", what);
	if (!ok(has_msg(&errs, want), "%s: reports \"%s\"", what, want) || errs.n != count)
		dump(&errs);
	is_int(errs.n, count, "%s: %zu message(s)", what, count);
	pw_config_free(c);
	pw_errlist_free(&errs);
}

static void expect_bad(const char *name, const char *want)
{
	char *path = fixture(name);
	expect_errors(path, 1, want, name);
	free(path);
}

static void test_parsers(void)
{
	int64_t d;
	size_t sz;
	int b;

	ok(pw_parse_duration("90", &d) == 0 && d == 90, "bare number is seconds");
	ok(pw_parse_duration("90s", &d) == 0 && d == 90, "90s");
	ok(pw_parse_duration("10m", &d) == 0 && d == 600, "10m");
	ok(pw_parse_duration("2h", &d) == 0 && d == 7200, "2h");
	ok(pw_parse_duration("1d", &d) == 0 && d == 86400, "1d");
	ok(pw_parse_duration("1h30m", &d) == 0 && d == 5400, "1h30m combines parts");
	ok(pw_parse_duration("0", &d) == 0 && d == 0, "0 is a duration");
	ok(pw_parse_duration("", &d) < 0, "empty duration rejected");
	ok(pw_parse_duration("10", &d) == 0 && pw_parse_duration("10x", &d) < 0, "unknown unit rejected");
	ok(pw_parse_duration("-5s", &d) < 0, "negative duration rejected");
	ok(pw_parse_duration("1h30", &d) < 0, "trailing number without unit after a unit rejected");
	ok(pw_parse_duration("10 m", &d) < 0, "space inside duration rejected");
	ok(pw_parse_duration("m", &d) < 0, "unit without number rejected");
	ok(pw_parse_duration("99999999999999999999s", &d) < 0, "overflowing duration rejected");
	ok(pw_parse_duration("9999999999999999w", &d) < 0, "overflow through the unit rejected");
	ok(pw_parse_duration("250ms", &d) < 0, "ms is no unit of a duration in seconds");

	ok(pw_parse_duration_ms("250ms", &d) == 0 && d == 250, "ms: 250ms");
	ok(pw_parse_duration_ms("0ms", &d) == 0 && d == 0, "ms: 0ms");
	ok(pw_parse_duration_ms("2", &d) == 0 && d == 2000, "ms: a bare number is seconds");
	ok(pw_parse_duration_ms("1s", &d) == 0 && d == 1000, "ms: 1s");
	ok(pw_parse_duration_ms("1s500ms", &d) == 0 && d == 1500, "ms: 1s500ms combines parts");
	ok(pw_parse_duration_ms("1m30s", &d) == 0 && d == 90000, "ms: m before a digit is minutes");
	ok(pw_parse_duration_ms("2h", &d) == 0 && d == 7200000, "ms: 2h");
	ok(pw_parse_duration_ms("1m5ms", &d) == 0 && d == 60005, "ms: minutes then milliseconds");
	ok(pw_parse_duration_ms("ms", &d) < 0, "ms: unit without number rejected");
	ok(pw_parse_duration_ms("250 ms", &d) < 0, "ms: space inside rejected");
	ok(pw_parse_duration_ms("250mss", &d) < 0, "ms: 250mss rejected");
	ok(pw_parse_duration_ms("250msec", &d) < 0, "ms: 250msec rejected");
	ok(pw_parse_duration_ms("0.5s", &d) < 0, "ms: fractions rejected (write 500ms)");
	ok(pw_parse_duration_ms("-1ms", &d) < 0, "ms: negative rejected");
	ok(pw_parse_duration_ms("", &d) < 0, "ms: empty rejected");
	ok(pw_parse_duration_ms("9999999999999999s", &d) < 0, "ms: overflow in milliseconds rejected");
	ok(pw_parse_duration_ms("9223372036854775807ms", &d) == 0 && d == INT64_MAX, "ms: the largest value");
	ok(pw_parse_duration_ms("9223372036854775", &d) == 0 && d == 9223372036854775000LL,
	   "ms: the largest bare number of seconds");
	ok(pw_parse_duration_ms("9223372036854776", &d) < 0, "ms: one more second overflows");

	ok(pw_parse_size("512", &sz) == 0 && sz == 512, "bare size is bytes");
	ok(pw_parse_size("512K", &sz) == 0 && sz == 512 * 1024, "512K");
	ok(pw_parse_size("8M", &sz) == 0 && sz == 8 * 1024 * 1024, "8M");
	ok(pw_parse_size("8MB", &sz) == 0 && sz == 8 * 1024 * 1024, "8MB");
	ok(pw_parse_size("8MiB", &sz) == 0 && sz == 8 * 1024 * 1024, "8MiB");
	ok(pw_parse_size("1g", &sz) == 0 && sz == 1024u * 1024 * 1024, "1g (lower case)");
	ok(pw_parse_size("8Q", &sz) < 0, "unknown size unit rejected");
	ok(pw_parse_size("M", &sz) < 0, "size without number rejected");
	ok(pw_parse_size("8 M", &sz) < 0, "space inside size rejected");
	ok(pw_parse_size("-1", &sz) < 0, "negative size rejected");
	ok(pw_parse_size("99999999999999999999G", &sz) < 0, "overflowing size rejected");
	ok(pw_parse_size("3B", &sz) < 0, "B suffix needs a multiplier");

	static const char *const yes[] = { "yes", "YES", "true", "On", "1" };
	static const char *const no[] = { "no", "False", "off", "0" };
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		ok(pw_parse_bool(yes[i], &b) == 0 && b == 1, "bool '%s' is true", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		ok(pw_parse_bool(no[i], &b) == 0 && b == 0, "bool '%s' is false", no[i]);
	ok(pw_parse_bool("maybe", &b) < 0 && pw_parse_bool("", &b) < 0 && pw_parse_bool("yess", &b) < 0,
	   "other words are not booleans");
}

static void test_ini(void)
{
	struct pw_errlist errs = { 0 };
	char *path = xasprintf("%s/crlf.ini", tmpdir);
	/* BOM, CRLF line ends, inline comments, a quoted value with '#', URL fragment kept. */
	static const char text[] = "\xEF\xBB\xBF# comment\r\n[a]\r\nk = v  # note\r\n"
				   "q = \"  x # y \\\"z\\\" \"  # tail\r\nu = http://h/p#frag\r\n"
				   "\r\n[b.c-d_e]\r\nempty =\r\n";
	write_file(path, text, sizeof text - 1);
	struct pw_ini *ini = pw_ini_load(path, &errs);
	ok(ini != NULL && errs.n == 0, "CRLF file with BOM reads cleanly");
	dump(&errs);
	if (ini && ini->nsections == 2 && ini->sections[0].nentries == 3) {
		const struct pw_ini_section *a = &ini->sections[0];
		is_str(a->name, "a", "first section name");
		is_int(a->line, 2, "section line number");
		is_str(a->entries[0].value, "v", "inline comment cut, blanks trimmed");
		is_str(a->entries[1].value, "  x # y \"z\" ", "quoted value keeps blanks, '#', escaped quotes");
		is_str(a->entries[2].value, "http://h/p#frag", "'#' not preceded by a blank stays in the value");
		is_int(a->entries[2].line, 5, "entry line number");
		is_str(ini->sections[1].name, "b.c-d_e", "section names with . - _");
		is_str(ini->sections[1].entries[0].value, "", "empty value allowed by the reader");
	} else {
		ok(0, "expected two sections with 3 entries in the first");
	}
	pw_ini_free(ini);
	free(path);

	path = xasprintf("%s/no-such-file.ini", tmpdir);
	ini = pw_ini_load(path, &errs);
	ok(ini == NULL, "missing file: NULL");
	is_int(errs.n, 1, "missing file: one message");
	ok(errs.n == 1 && strstr(errs.msgs[0], "no-such-file.ini: cannot open: No such file or directory"),
	   "missing file: message names the file and the reason");
	pw_errlist_free(&errs);
	free(path);

	ini = pw_ini_load(tmpdir, &errs);
	ok(ini == NULL && errs.n == 1 && strstr(errs.msgs[0], "is a directory"), "a directory is refused");
	pw_ini_free(ini);
	pw_errlist_free(&errs);

	/* A FIFO (or a terminal) named as a config file must not block the start. */
	path = xasprintf("%s/fifo.conf", tmpdir);
	ok(mkfifo(path, 0600) == 0, "made a FIFO");
	ini = pw_ini_load(path, &errs);
	ok(ini == NULL && errs.n == 1 && strstr(errs.msgs[0], "fifo.conf: cannot read: not a regular file"),
	   "a FIFO is refused without blocking");
	pw_ini_free(ini);
	pw_errlist_free(&errs);
	unlink(path);
	free(path);

	path = xasprintf("%s/nul.ini", tmpdir);
	write_file(path, "[a]\nk = v\0w\n", 12);
	ini = pw_ini_load(path, &errs);
	ok(errs.n == 1 && strstr(errs.msgs[0], "nul.ini:2: NUL byte"), "NUL byte reported with its line");
	pw_ini_free(ini);
	pw_errlist_free(&errs);
	free(path);
}

static void test_good(void)
{
	struct pw_errlist errs = { 0 };
	char *path = fixture("good/presswatch.conf");
	char *dir = fixture("good");
	struct pw_config *c = pw_config_load(path, &errs);
	if (!ok(c != NULL && errs.n == 0, "complete config loads without errors"))
		dump(&errs);
	if (!c) {
		free(path);
		free(dir);
		pw_errlist_free(&errs);
		return;
	}
	ok(c->path[0] == '/' && strstr(c->path, "tests/fixtures/config/good/presswatch.conf"), "path is absolute");
	char *want = xasprintf("%s/state/pw.db", dir);
	if (want[0] != '/') {
		char cwd[4096];
		free(want);
		want = xasprintf("%s/%s/state/pw.db", getcwd(cwd, sizeof cwd), dir);
	}
	is_str(c->store_path, want, "relative store path resolves against the file's directory");
	free(want);
	is_int(c->commit_interval_ms, 1500, "[store] commit_interval 1s500ms");
	is_int(c->commit_items, 500, "[store] commit_items");
	is_int(c->cache_size, 64 << 20, "[store] cache_size 64M");
	is_int(c->log_level, LOG_DEBUG, "[log] level");
	is_int(c->syslog_facility, LOG_LOCAL3, "[log] syslog_facility");
	is_int(c->concurrency, 16, "concurrency");
	is_int(c->per_host, 3, "per_host");
	is_int(c->connect_timeout_s, 5, "connect_timeout");
	is_int(c->timeout_s, 90, "timeout 1m30s");
	is_int(c->low_speed_time_s, 45, "low_speed_time");
	is_int(c->low_speed_limit, 2048, "low_speed_limit");
	is_int(c->max_body, 4 << 20, "max_body");
	is_int(c->max_article_body, 1536 << 10, "max_article_body");
	is_int(c->max_redirects, 7, "max_redirects");
	is_str(c->user_agent_contact, "https://newsroom.example.net/presswatch#contact", "quoted user_agent_contact");
	is_int(c->interval_s, 900, "interval");
	is_int(c->min_interval_s, 90, "min_interval");
	is_int(c->max_interval_s, 12 * 3600, "max_interval");
	is_int(c->max_backoff_s, 86400, "max_backoff");
	ok(c->jitter > 0.2499 && c->jitter < 0.2501, "jitter");
	is_int(c->fetch_articles, 0, "[articles] fetch");
	is_int(c->skip_if_content, 3000, "skip_if_content");
	is_int(c->article_retries, 5, "retries");
	is_int(c->max_items_per_poll, 200, "max_items_per_poll");
	is_int(c->max_queue, 5000, "max_queue");
	is_int(c->max_items_per_document, 800, "max_items_per_document");
	is_int(c->max_field_size, 256 << 10, "max_field_size 256K");
	ok(c->near_duplicate > 0.8499 && c->near_duplicate < 0.8501, "near_duplicate");
	ok(c->same_story > 0.3499 && c->same_story < 0.3501, "same_story");
	is_int(c->story_window_s, 96 * 3600, "story_window");
	is_str(c->alert_log, "/srv/presswatch/alerts.jsonl", "absolute alert log kept");
	is_int(c->alert_max_age_s, 86400, "alerts max_age");
	is_str(c->alert_command, "/usr/local/bin/notify-desk --channel caucasus", "alert command");
	is_int(c->alert_command_timeout_s, 20, "command_timeout");
	is_int(c->nspeakers, 4, "speakers from two lines");
	if (c->nspeakers == 4) {
		is_str(c->speakers[0], "Zakharova", "speaker 1");
		is_str(c->speakers[2], "Mirzoyan", "speaker 3 trimmed");
		is_str(c->speakers[3], "Peskov", "second speakers line appends");
	}

	is_int(c->nfeeds, 5, "3 feeds in feeds.conf + 2 in feeds.d/*.conf (README ignored)");
	if (c->nfeeds == 5) {
		const struct pw_feed_conf *f = &c->feeds[0];
		is_str(f->id, "oc-media", "feed id from section name");
		is_str(f->url, "https://oc-media.org/feed/", "feed url");
		is_str(f->name, "OC Media", "feed name");
		is_str(f->lang, "en", "feed lang");
		ok(f->ntags == 2 && strcmp(f->tags[0], "caucasus") == 0 && strcmp(f->tags[1], "georgia") == 0,
		   "feed tags split and trimmed");
		is_int(f->interval_s, 900, "feed interval");
		ok(f->enabled && f->tls_verify, "enabled and tls_verify default to yes");
		ok(strstr(f->file, "good/feeds.conf") != NULL && f->line == 2, "feed remembers file:line");
		f = &c->feeds[1];
		is_str(f->url, "https://www.civilnet.am/en/feed/#latest", "URL fragment kept");
		is_str(f->name, "CivilNet (English)", "quoted name");
		is_int(f->enabled, 0, "enabled = no");
		is_int(f->interval_s, 0, "no interval: 0 (use [poll] interval)");
		f = &c->feeds[2];
		is_str(f->name, "azatutyun", "name defaults to id");
		is_int(f->tls_verify, 0, "tls_verify = no");
		is_int(f->ntags, 0, "no tags");
		is_str(c->feeds[3].id, "meduza-ru", "feeds.d files load in sorted order (10- first)");
		is_str(c->feeds[3].name, "Медуза", "UTF-8 name");
		is_str(c->feeds[4].id, "pravda-en", "then 20-");
		is_str(c->feeds[4].lang, "uk-UA", "language with region");
		ok(pw_config_find_feed(c, "pravda-en") == &c->feeds[4], "find_feed by id");
		ok(pw_config_find_feed(c, "nope") == NULL, "find_feed: unknown id");
	}

	is_int(c->ntopics, 2, "two topics");
	if (c->ntopics == 2) {
		const struct pw_topic_conf *t = &c->topics[0];
		is_str(t->name, "karabakh", "topic name");
		is_int(t->alert, 1, "alert = yes");
		ok(t->ngroups == 1 && t->groups[0].nterms == 8, "one group of 8 terms");
		if (t->ngroups == 1 && t->groups[0].nterms == 8) {
			is_str(t->groups[0].terms[3], "Карабах*", "prefix term kept with its '*'");
			is_str(t->groups[0].terms[4], "Ղարաբաղ", "Armenian term");
		}
		ok(t->nnone == 2 && strcmp(t->none[1], "Qarabag FK") == 0, "none lines accumulate");
		t = &c->topics[1];
		is_int(t->alert, 0, "alert = no");
		ok(t->ngroups == 2 && t->groups[0].nterms == 5 && t->groups[1].nterms == 5,
		   "two `any` lines make two groups");
		is_int(t->nnone, 0, "no exclusions");
	}
	pw_config_free(c);
	pw_errlist_free(&errs);
	free(path);
	free(dir);
}

static void test_defaults(void)
{
	struct pw_errlist errs = { 0 };
	char *path = fixture("minimal/presswatch.conf");
	struct pw_config *c = pw_config_load(path, &errs);
	ok(c != NULL, "minimal config loads");
	dump(&errs);
	if (c) {
		ok(strstr(c->store_path, "/lib/presswatch/presswatch.db") != NULL, "default store path under localstatedir");
		ok(strstr(c->alert_log, "/log/presswatch/alerts.jsonl") != NULL, "default alert log");
		is_int(c->log_level, LOG_INFO, "default level");
		is_int(c->syslog_facility, LOG_DAEMON, "default facility");
		is_int(c->concurrency, 32, "default concurrency");
		is_int(c->per_host, 2, "default per_host");
		is_int(c->connect_timeout_s, 10, "default connect_timeout");
		is_int(c->timeout_s, 30, "default timeout");
		is_int(c->low_speed_time_s, 20, "default low_speed_time");
		is_int(c->low_speed_limit, 100, "default low_speed_limit");
		is_int(c->max_body, 8 << 20, "default max_body");
		is_int(c->max_article_body, 4 << 20, "default max_article_body");
		is_int(c->max_redirects, 5, "default max_redirects");
		ok(c->user_agent_contact == NULL, "no default contact");
		is_int(c->interval_s, 600, "default interval");
		is_int(c->min_interval_s, 120, "default min_interval");
		is_int(c->max_interval_s, 6 * 3600, "default max_interval");
		is_int(c->max_backoff_s, 6 * 3600, "default max_backoff");
		ok(c->jitter > 0.0999 && c->jitter < 0.1001, "default jitter");
		is_int(c->fetch_articles, 1, "default fetch articles");
		is_int(c->skip_if_content, 1500, "default skip_if_content");
		is_int(c->article_retries, 3, "default retries");
		is_int(c->max_items_per_poll, 500, "default max_items_per_poll");
		is_int(c->max_queue, 10000, "default max_queue");
		is_int(c->max_items_per_document, 5000, "default max_items_per_document");
		is_int(c->max_field_size, 1 << 20, "default max_field_size 1M");
		is_int(c->commit_interval_ms, 250, "default commit_interval 250ms");
		is_int(c->commit_items, 2000, "default commit_items");
		is_int(c->cache_size, 12 << 20, "default cache_size 12M");
		is_int(c->store_keep_s, 0, "default keep: forever");
		ok(c->near_duplicate > 0.7999 && c->near_duplicate < 0.8001, "default near_duplicate");
		ok(c->same_story > 0.3999 && c->same_story < 0.4001, "default same_story");
		is_int(c->story_window_s, 72 * 3600, "default story_window");
		is_int(c->alert_max_age_s, 48 * 3600, "default max_age");
		ok(c->alert_command == NULL, "no default alert command");
		is_int(c->alert_command_timeout_s, 10, "default command_timeout");
		ok(c->nspeakers == 0 && c->nfeeds == 0 && c->ntopics == 0, "empty includes: no feeds, no topics");
	}
	pw_config_free(c);
	pw_errlist_free(&errs);
	free(path);
}

static void test_bad_main(void)
{
	expect_bad("bad/ini-no-bracket.conf", "ini-no-bracket.conf:2: section header without ']'");
	expect_bad("bad/ini-no-equals.conf", "ini-no-equals.conf:2: expected 'key = value' or '[section]'");
	expect_bad("bad/ini-key-outside.conf", "ini-key-outside.conf:1: key 'path' outside of any [section]");
	expect_bad("bad/ini-dup-section.conf", "ini-dup-section.conf:4: duplicate section [fetch] (first at line 1)");
	expect_bad("bad/ini-dup-key.conf", "ini-dup-key.conf:3: duplicate key 'timeout' in [fetch] (first at line 2)");
	expect_bad("bad/ini-bad-utf8.conf", "ini-bad-utf8.conf:2: invalid UTF-8");
	expect_bad("bad/ini-unterminated-quote.conf",
		   "ini-unterminated-quote.conf:2: unterminated quoted value for key 'user_agent_contact'");
	expect_bad("bad/ini-bad-section-name.conf", "ini-bad-section-name.conf:1: bad section name [fetch options]");
	expect_bad("bad/unknown-section.conf", "unknown-section.conf:3: unknown section [storage]");
	expect_bad("bad/unknown-key.conf", "unknown-key.conf:2: unknown key 'concurency' in [fetch]");
	expect_bad("bad/misplaced-key.conf",
		   "misplaced-key.conf:3: unknown key 'syslog_facility' in [alerts] (it belongs in [log])");
	expect_bad("bad/bad-duration.conf", "bad-duration.conf:2: 'timeout': bad duration '30 seconds'");
	expect_bad("bad/bad-size.conf", "bad-size.conf:2: 'max_body': bad size '8Q'");
	expect_bad("bad/bad-bool.conf", "bad-bool.conf:2: 'fetch' must be yes or no, not 'maybe'");
	expect_bad("bad/bad-int.conf", "bad-int.conf:2: 'concurrency' must be a whole number from 1 to 4096, not '0'");
	expect_bad("bad/bad-real.conf", "bad-real.conf:2: 'near_duplicate' must be a number from 0.01 to 1, not '1.5'");
	expect_bad("bad/bad-level.conf", "bad-level.conf:2: unknown log level 'chatty'");
	expect_bad("bad/bad-facility.conf", "bad-facility.conf:2: unknown syslog facility 'kern'");
	expect_bad("bad/empty-value.conf", "empty-value.conf:2: empty value for 'interval'");
	expect_bad("bad/min-over-max.conf", "min-over-max.conf:3: [poll] min_interval (7200s) is larger than max_interval (3600s)");
	expect_bad("bad/missing-include.conf",
		   "missing-include.conf:2: cannot read feeds file ");
	expect_bad("bad/missing-include.conf", "no-such-feeds.conf: No such file or directory");

	char *path = fixture("bad/many-errors.conf");
	expect_errors(path, 5, "many-errors.conf:3: 'timeout': bad duration 'soon'", "many errors (1)");
	expect_errors(path, 5, "many-errors.conf:4: 'max_body': bad size 'lots'", "many errors (2)");
	expect_errors(path, 5, "many-errors.conf:5: unknown section [nonsense]", "many errors (3)");
	expect_errors(path, 5, "many-errors.conf:8: 'jitter' must be a number from 0 to 0.5, not '-1'", "many errors (4)");
	expect_errors(path, 5, "many-errors.conf:9: expected 'key = value' or '[section]'", "many errors (5)");
	struct pw_errlist errs = { 0 };
	pw_config_load(path, &errs);
	static const char *const order[] = { ":3: ", ":4: ", ":5: ", ":8: ", ":9: " };
	int in_order = errs.n == 5;
	for (size_t i = 0; in_order && i < 5; i++)
		in_order = strstr(errs.msgs[i], order[i]) != NULL;
	if (!ok(in_order, "messages come in line order (syntax and value errors mixed)"))
		dump(&errs);
	pw_errlist_free(&errs);
	free(path);

	path = xasprintf("%s/does-not-exist/presswatch.conf", tmpdir);
	expect_errors(path, 1, "does-not-exist/presswatch.conf: cannot open: No such file or directory",
		      "missing presswatch.conf");
	free(path);
}

/* A presswatch.conf in tmpdir of one section with one key (line 2), and no includes. */
static char *conf_with_key(const char *section, const char *key, const char *value)
{
	char *path = xasprintf("%s/one-key.conf", tmpdir);
	char *text = xasprintf("[%s]\n%s = %s\n[include]\nfeeds =\ntopics =\n", section, key, value);
	write_file(path, text, strlen(text));
	free(text);
	return path;
}

/* The caps and the group commit: in-range values load (the bounds included), and each bad
 * value is one error naming its line, key and value. */
static void test_limit_keys(void)
{
	static const struct {
		const char *section, *key, *value;
		long long want;   /* in the config's unit: ms, items, bytes */
	} good[] = {
		{ "store", "commit_interval", "1ms", 1 },
		{ "store", "commit_interval", "250ms", 250 },
		{ "store", "commit_interval", "2s", 2000 },
		{ "store", "commit_interval", "3", 3000 },
		{ "store", "commit_interval", "60s", 60000 },
		{ "store", "commit_interval", "1m", 60000 },
		{ "store", "commit_items", "1", 1 },
		{ "store", "commit_items", "100000", 100000 },
		{ "store", "cache_size", "1M", 1 << 20 },
		{ "store", "cache_size", "1048576", 1 << 20 },
		{ "store", "cache_size", "256M", 256 << 20 },
		{ "store", "cache_size", "2G", 2LL << 30 },
		{ "store", "keep", "forever", 0 },
		{ "store", "keep", "0", 0 },
		{ "store", "keep", "30d", 30LL * 86400 },
		{ "store", "keep", "1d", 86400 },
		{ "store", "keep", "36h", 36LL * 3600 },
		{ "store", "keep", "3650d", 3650LL * 86400 },
		{ "limits", "max_items_per_document", "1", 1 },
		{ "limits", "max_items_per_document", "1000000", 1000000 },
		{ "limits", "max_field_size", "1K", 1024 },
		{ "limits", "max_field_size", "1024", 1024 },
		{ "limits", "max_field_size", "64MiB", 64 << 20 },
		{ "limits", "max_field_size", "1G", 1 << 30 },
	};
	for (size_t i = 0; i < PW_ARRAY_SIZE(good); i++) {
		char *path = conf_with_key(good[i].section, good[i].key, good[i].value);
		struct pw_errlist errs = { 0 };
		struct pw_config *c = pw_config_load(path, &errs);
		if (!ok(c != NULL && errs.n == 0, "[%s] %s = %s loads", good[i].section, good[i].key, good[i].value))
			dump(&errs);
		if (c) {
			long long got = strcmp(good[i].key, "commit_interval") == 0 ? (long long)c->commit_interval_ms :
			                strcmp(good[i].key, "commit_items") == 0 ? c->commit_items :
			                strcmp(good[i].key, "cache_size") == 0 ? (long long)c->cache_size :
			                strcmp(good[i].key, "keep") == 0 ? (long long)c->store_keep_s :
			                strcmp(good[i].key, "max_items_per_document") == 0 ? c->max_items_per_document :
			                (long long)c->max_field_size;
			if (!ok(got == good[i].want, "[%s] %s = %s is %lld", good[i].section, good[i].key,
			        good[i].value, good[i].want))
				diag("got %lld", got);
		}
		pw_config_free(c);
		pw_errlist_free(&errs);
		free(path);
	}

	static const struct {
		const char *section, *key, *value, *want;
	} bad[] = {
		{ "store", "commit_interval", "0ms", ":2: 'commit_interval' must be from 1ms to 60s, not '0ms'" },
		{ "store", "commit_interval", "0", ":2: 'commit_interval' must be from 1ms to 60s, not '0'" },
		{ "store", "commit_interval", "60001ms", ":2: 'commit_interval' must be from 1ms to 60s, not '60001ms'" },
		{ "store", "commit_interval", "2m", ":2: 'commit_interval' must be from 1ms to 60s, not '2m'" },
		{ "store", "commit_interval", "250 ms",
		  ":2: 'commit_interval': bad duration '250 ms' (use e.g. 250ms, 1s, 1s500ms)" },
		{ "store", "commit_interval", "0.25s", ":2: 'commit_interval': bad duration '0.25s'" },
		{ "store", "commit_interval", "quick", ":2: 'commit_interval': bad duration 'quick'" },
		{ "store", "commit_items", "0", ":2: 'commit_items' must be a whole number from 1 to 100000, not '0'" },
		{ "store", "commit_items", "100001", ":2: 'commit_items' must be a whole number from 1 to 100000, not '100001'" },
		{ "store", "commit_items", "-5", ":2: 'commit_items' must be a whole number from 1 to 100000, not '-5'" },
		{ "store", "commit_items", "2K", ":2: 'commit_items' must be a whole number from 1 to 100000, not '2K'" },
		{ "store", "cache_size", "1023K",
		  ":2: 'cache_size' is out of range (1048576 to 2147483648 bytes): '1023K'" },
		{ "store", "cache_size", "0", ":2: 'cache_size' is out of range (1048576 to 2147483648 bytes): '0'" },
		{ "store", "cache_size", "3G", ":2: 'cache_size' is out of range (1048576 to 2147483648 bytes): '3G'" },
		{ "store", "cache_size", "-12M", ":2: 'cache_size': bad size '-12M' (use e.g. 512K, 8M, 1G)" },
		{ "store", "cache_size", "big", ":2: 'cache_size': bad size 'big' (use e.g. 512K, 8M, 1G)" },
		{ "store", "keep", "30", ":2: 'keep' must be 0 or forever (keep every item) or at least 1d, not '30'" },
		{ "store", "keep", "23h", ":2: 'keep' must be 0 or forever (keep every item) or at least 1d, not '23h'" },
		{ "store", "keep", "never", ":2: 'keep': bad duration 'never' (use e.g. 90s, 10m, 2h, 1d)" },
		{ "store", "keep", "-30d", ":2: 'keep': bad duration '-30d'" },
		{ "limits", "max_items_per_document", "0",
		  ":2: 'max_items_per_document' must be a whole number from 1 to 1000000, not '0'" },
		{ "limits", "max_items_per_document", "1000001",
		  ":2: 'max_items_per_document' must be a whole number from 1 to 1000000, not '1000001'" },
		{ "limits", "max_items_per_document", "lots",
		  ":2: 'max_items_per_document' must be a whole number from 1 to 1000000, not 'lots'" },
		{ "limits", "max_field_size", "1023",
		  ":2: 'max_field_size' is out of range (1024 to 1073741824 bytes): '1023'" },
		{ "limits", "max_field_size", "2G",
		  ":2: 'max_field_size' is out of range (1024 to 1073741824 bytes): '2G'" },
		{ "limits", "max_field_size", "1Q", ":2: 'max_field_size': bad size '1Q' (use e.g. 512K, 8M, 1G)" },
		/* a key counted in seconds takes no milliseconds */
		{ "fetch", "timeout", "1500ms", ":2: 'timeout': bad duration '1500ms'" },
		/* the new keys in the wrong section */
		{ "limits", "commit_items", "10", ":2: unknown key 'commit_items' in [limits] (it belongs in [store])" },
		{ "store", "max_field_size", "1M", ":2: unknown key 'max_field_size' in [store] (it belongs in [limits])" },
	};
	for (size_t i = 0; i < PW_ARRAY_SIZE(bad); i++) {
		char *path = conf_with_key(bad[i].section, bad[i].key, bad[i].value);
		char *what = xasprintf("[%s] %s = %s", bad[i].section, bad[i].key, bad[i].value);
		expect_errors(path, 1, bad[i].want, what);
		free(what);
		free(path);
	}
}

/* Loads a generated presswatch.conf including the given fixture files; expects one error. */
static void expect_bad_include(const char *feeds, const char *feeds2, const char *topics, const char *want)
{
	char *f1 = feeds ? fixture(feeds) : NULL, *f2 = feeds2 ? fixture(feeds2) : NULL;
	char *t = topics ? fixture(topics) : NULL;
	char *fl = xasprintf("%s %s", f1 ? f1 : "", f2 ? f2 : "");
	char *path = main_conf_with(fl, t);
	expect_errors(path, 1, want, feeds ? feeds : topics);
	free(path);
	free(fl);
	free(f1);
	free(f2);
	free(t);
}

static void test_bad_lists(void)
{
	expect_bad_include("bad/feeds-bad-scheme.conf", NULL, NULL,
			   "feeds-bad-scheme.conf:2: feed [apa]: bad url 'ftp://apa.az/rss': only http:// and https:// URLs are supported");
	expect_bad_include("bad/feeds-no-host.conf", NULL, NULL, "feeds-no-host.conf:2: feed [ria]: bad url");
	expect_bad_include("bad/feeds-no-url.conf", NULL, NULL, "feeds-no-url.conf:1: feed [trend-en] has no url");
	expect_bad_include("bad/feeds-dup-a.conf", "bad/feeds-dup-b.conf", NULL,
			   "feeds-dup-b.conf:2: duplicate feed id [report-az] (first defined at ");
	expect_bad_include("bad/feeds-dup-a.conf", "bad/feeds-dup-b.conf", NULL, "feeds-dup-a.conf:1)");
	expect_bad_include("bad/feeds-bad-lang.conf", NULL, NULL, "feeds-bad-lang.conf:3: feed [hetq]: bad language 'English'");
	expect_bad_include("bad/feeds-bad-interval.conf", NULL, NULL,
			   "feeds-bad-interval.conf:3: feed [eurasianet]: bad interval 'often'");
	expect_bad_include("bad/feeds-unknown-key.conf", NULL, NULL,
			   "feeds-unknown-key.conf:3: feed [jamnews]: unknown key 'langauge'");
	expect_bad_include("bad/feeds-bad-tags.conf", NULL, NULL, "feeds-bad-tags.conf:3: empty tag in list");
	expect_bad_include("bad/feeds-same-url.conf", NULL, NULL,
			   "feeds-same-url.conf:4: feed [kyivindependent-copy] has the same url as [kyiv-independent]");
	expect_bad_include("bad/feeds-bad-enabled.conf", NULL, NULL,
			   "feeds-bad-enabled.conf:3: feed [tass-en]: 'enabled' must be yes or no, not 'sometimes'");
	expect_bad_include(NULL, NULL, "bad/topics-no-any.conf", "topics-no-any.conf:1: topic [karabakh] has no 'any' line");
	expect_bad_include(NULL, NULL, "bad/topics-bad-star.conf",
			   "topics-bad-star.conf:2: topic [elections]: bad term 'elect*ion'");
	expect_bad_include(NULL, NULL, "bad/topics-unknown-key.conf",
			   "topics-unknown-key.conf:3: topic [elections]: unknown key 'all'");
	expect_bad_include(NULL, NULL, "bad/topics-empty-term.conf", "topics-empty-term.conf:2: empty term in list");
	expect_bad_include(NULL, NULL, "bad/topics-bad-alert.conf",
			   "topics-bad-alert.conf:2: topic [karabakh]: 'alert' must be yes or no, not 'loud'");

	/* The same topics file twice: the second copy's sections are duplicates. */
	char *t = fixture("good/topics.conf");
	char *both = xasprintf("%s %s", t, t);
	char *path = main_conf_with(NULL, both);
	expect_errors(path, 2, "topics.conf:1: duplicate topic [karabakh] (first defined at ", "topics twice");
	free(path);
	free(both);
	free(t);

	/* A wildcard that matches nothing is fine (empty feeds.d); a directory glob in a path with
	 * glob characters in it is taken literally. */
	char *d = xasprintf("%s/we[ir]d dir", tmpdir);
	mkdir(d, 0700);
	char *conf = xasprintf("%s/presswatch.conf", d);
	char *feeds = xasprintf("%s/feeds.conf", d);
	write_file(feeds, "[x]\nurl = https://x.example/feed\n", 32);
	write_file(conf, "[include]\nfeeds = ./feeds.conf feeds.d/*.conf\ntopics =\n", 55);
	struct pw_errlist errs = { 0 };
	struct pw_config *c = pw_config_load(conf, &errs);
	ok(c != NULL && c->nfeeds == 1, "unmatched wildcard is not an error; odd directory names work");
	dump(&errs);
	pw_config_free(c);
	pw_errlist_free(&errs);
	unlink(feeds);
	unlink(conf);
	rmdir(d);
	free(feeds);
	free(conf);
	free(d);
}

/* etc/presswatch.conf documents every key with its default: the values must be the built-in ones. */
static void compare_with_defaults(const struct pw_config *c)
{
	struct pw_errlist errs = { 0 };
	char *path = fixture("minimal/presswatch.conf");
	struct pw_config *d = pw_config_load(path, &errs);
	free(path);
	if (!ok(d != NULL, "defaults load")) {
		pw_errlist_free(&errs);
		return;
	}
	int same = c->log_level == d->log_level && c->syslog_facility == d->syslog_facility &&
		c->concurrency == d->concurrency && c->per_host == d->per_host &&
		c->connect_timeout_s == d->connect_timeout_s && c->timeout_s == d->timeout_s &&
		c->low_speed_time_s == d->low_speed_time_s && c->low_speed_limit == d->low_speed_limit &&
		c->max_body == d->max_body && c->max_article_body == d->max_article_body &&
		c->max_redirects == d->max_redirects && c->user_agent_contact == NULL &&
		c->interval_s == d->interval_s && c->min_interval_s == d->min_interval_s &&
		c->max_interval_s == d->max_interval_s && c->max_backoff_s == d->max_backoff_s &&
		c->jitter == d->jitter && c->fetch_articles == d->fetch_articles &&
		c->skip_if_content == d->skip_if_content && c->article_retries == d->article_retries &&
		c->max_items_per_poll == d->max_items_per_poll && c->max_queue == d->max_queue &&
		c->max_items_per_document == d->max_items_per_document &&
		c->max_field_size == d->max_field_size && c->commit_interval_ms == d->commit_interval_ms &&
		c->commit_items == d->commit_items && c->cache_size == d->cache_size &&
		c->near_duplicate == d->near_duplicate && c->same_story == d->same_story &&
		c->story_window_s == d->story_window_s && c->alert_max_age_s == d->alert_max_age_s &&
		c->alert_command == NULL && c->alert_command_timeout_s == d->alert_command_timeout_s;
	ok(same, "etc/presswatch.conf states exactly the built-in defaults");
	is_str(c->store_path, "/var/lib/presswatch/presswatch.db", "installed store path");
	is_str(c->alert_log, "/var/log/presswatch/alerts.jsonl", "installed alert log");
	pw_config_free(d);
	pw_errlist_free(&errs);
}

/* The configuration files shipped in etc/ must load cleanly. */
static void test_shipped(void)
{
	static const char *const confs[] = { "etc/presswatch.conf", "etc/demo/presswatch.conf" };
	for (size_t i = 0; i < sizeof confs / sizeof confs[0]; i++) {
		char *path = xasprintf("%s/%s", srcdir, confs[i]);
		struct pw_errlist errs = { 0 };
		struct pw_config *c = pw_config_load(path, &errs);
		if (!ok(c != NULL, "shipped %s loads without errors", confs[i]))
			dump(&errs);
		ok(c && c->nfeeds > 0 && c->ntopics > 0, "%s: has feeds and topics", confs[i]);
		if (c && i == 0) {
			compare_with_defaults(c);
			ok(c->nfeeds >= 50, "etc/feeds.conf lists the researched outlets (%zu feeds)", c->nfeeds);
		}
		if (c && i == 1) {
			int local = 1;
			for (size_t k = 0; k < c->nfeeds; k++)
				if (strncmp(c->feeds[k].url, "http://127.0.0.1:", 17) != 0)
					local = 0;
			ok(local, "demo feeds all point at 127.0.0.1");
			ok(strstr(c->store_path, "etc/demo/") != NULL, "demo store lives in the demo directory");
		}
		pw_config_free(c);
		pw_errlist_free(&errs);
		free(path);
	}
}

/*
 * A feed list of n feeds in the style of a regional monitoring desk; every section is 3 lines
 * (header, url, name), so feed i's header is on line 3 i + 1.  `dup_id` >= 0 repeats the id of
 * feed dup_id as the last section; `dup_url` >= 0 gives the last section feed dup_url's URL.
 * Returns the path (caller frees; the file is in tmpdir).
 */
static char *write_big_list(const char *name, size_t n, long dup_id, long dup_url)
{
	static const char *const desks[] = { "armenpress", "azertac", "interfax-ua", "ukrinform", "civil-ge", "jam-news" };
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(99);
	}
	for (size_t i = 0; i < n; i++) {
		const char *desk = desks[i % PW_ARRAY_SIZE(desks)];
		fprintf(f, "[%s-%05zu]\nurl = https://%s.example/rss/region-%05zu.xml\nname = %s regional %zu\n",
			desk, i, desk, i, desk, i);
	}
	if (dup_id >= 0) {
		const char *desk = desks[(size_t)dup_id % PW_ARRAY_SIZE(desks)];
		fprintf(f, "[%s-%05ld]\nurl = https://%s.example/rss/again.xml\n", desk, dup_id, desk);
	}
	if (dup_url >= 0) {
		const char *desk = desks[(size_t)dup_url % PW_ARRAY_SIZE(desks)];
		fprintf(f, "[mirror-of-%05ld]\nurl = https://%s.example/rss/region-%05ld.xml\n", dup_url, desk, dup_url);
	}
	fclose(f);
	return path;
}

/* 10,000 feeds: every one is found by id, and one duplicate still gets its file:line. */
static void test_many_feeds(void)
{
	enum { N = 10000 };
	char *list = write_big_list("big.conf", N, -1, -1);
	char *path = main_conf_with(list, NULL);
	struct pw_errlist errs = { 0 };
	struct pw_config *c = pw_config_load(path, &errs);
	if (!ok(c != NULL, "10,000 feeds: loads"))
		dump(&errs);
	if (c) {
		is_int(c->nfeeds, N, "10,000 feeds: all kept");
		size_t found = 0;
		for (size_t i = 0; i < c->nfeeds; i++)
			found += pw_config_find_feed(c, c->feeds[i].id) == &c->feeds[i];
		is_int(found, N, "10,000 feeds: find_feed returns each one");
		is_str(c->feeds[7777].id, "azertac-07777", "10,000 feeds: order of the file kept");
		ok(pw_config_find_feed(c, "azertac-10000") == NULL, "10,000 feeds: unknown id not found");
	}
	pw_config_free(c);
	pw_errlist_free(&errs);
	unlink(list);
	free(list);
	free(path);

	/* the same id twice in one file: the INI reader's duplicate-section check */
	list = write_big_list("big-dup-id.conf", N, 4321, -1);
	path = main_conf_with(list, NULL);
	char *want = xasprintf("big-dup-id.conf:%d: duplicate section [azertac-04321] (first at line %d)",
			       3 * N + 1, 3 * 4321 + 1);
	expect_errors(path, 1, want, "10,000 feeds, one id twice");
	unlink(list);
	free(list);
	free(path);
	free(want);

	/* the same id in a second file: the feed list's duplicate-id check */
	list = write_big_list("big-a.conf", N, -1, -1);
	char *second = xasprintf("%s/big-b.conf", tmpdir);
	const char *again = "[civil-ge-09994]\nurl = https://civil.example/ge/feed\n";
	write_file(second, again, strlen(again));
	char *both = xasprintf("%s %s", list, second);
	path = main_conf_with(both, NULL);
	want = xasprintf("big-b.conf:1: duplicate feed id [civil-ge-09994] (first defined at %s:%d)", list, 3 * 9994 + 1);
	expect_errors(path, 1, want, "10,000 feeds, an id again in another file");
	unlink(second);
	free(second);
	free(both);
	free(path);
	free(want);

	/* one URL twice */
	unlink(list);
	free(list);
	list = write_big_list("big-dup-url.conf", N, -1, 9001);
	path = main_conf_with(list, NULL);
	want = xasprintf("big-dup-url.conf:%d: feed [mirror-of-09001] has the same url as [azertac-09001] (%s:%d)",
			 3 * N + 1, list, 3 * 9001 + 1);
	expect_errors(path, 1, want, "10,000 feeds, one url twice");
	unlink(list);
	free(list);
	free(path);
	free(want);
}

int main(void)
{
	srcdir = getenv("top_srcdir");
	if (!srcdir)
		srcdir = ".";
	const char *t = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/pwcfg.XXXXXX", t ? t : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 99;
	}
	test_parsers();
	test_ini();
	test_good();
	test_defaults();
	test_bad_main();
	test_limit_keys();
	test_bad_lists();
	test_shipped();
	test_many_feeds();

	char *p = xasprintf("%s/presswatch.conf", tmpdir);
	unlink(p);
	free(p);
	p = xasprintf("%s/crlf.ini", tmpdir);
	unlink(p);
	free(p);
	p = xasprintf("%s/one-key.conf", tmpdir);
	unlink(p);
	free(p);
	rmdir(tmpdir);
	return done_testing();
}
