/*
 * test_entry_text.c -- what the daemon makes of a parsed feed entry: pw_entry_text() (the
 * entry's text for the article stage, items finished at the poll and the tagger) and the alert
 * snippet (pw_alert_item), from Atom text constructs whose '<', '>' and '&' are characters.
 * The parser stores summary and content as HTML (a plain-text construct escaped), and these
 * read them as HTML: the literal characters must come back once, not as markup to strip or as
 * an entity to decode a second time.
 */
#include <errno.h>
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
#include "feed_parse.h"
#include "item_finish.h"
#include "store.h"
#include "store_int.h"
#include "tap.h"
#include "xmalloc.h"

static char *srcdir;

struct parsed {
	struct pw_feed_info info;
	struct pw_feed_item **items;
	size_t n;
};

static int parse_fixture(const char *name, struct parsed *out)
{
	char *path = xasprintf("%s/tests/fixtures/feeds/%s", srcdir, name);
	size_t len = 0;
	char *data = pw_read_file(path, &len);
	free(path);
	memset(out, 0, sizeof *out);
	if (!data)
		return -1;
	int rc = pw_feed_parse_buffer(data, len, NULL, &out->info, &out->items, &out->n, NULL);
	free(data);
	return rc;
}

static void parsed_free(struct parsed *p)
{
	for (size_t i = 0; i < p->n; i++)
		pw_feed_item_free(p->items[i]);
	free(p->items);
	pw_feed_info_clear(&p->info);
}

/* As daemon/pipeline.c maps an entry onto the store's item before the article stage. */
static void item_from_entry(const struct pw_feed_item *e, struct pw_item *it)
{
	memset(it, 0, sizeof *it);
	it->guid = e->guid;
	it->url = e->link;
	it->title = e->title;
	it->author = e->author;
	it->summary = e->summary;
	it->body = e->content;
	it->lang = e->language;
	it->article_status = NULL;
	it->published = e->published != PW_NOTIME ? e->published : e->updated;
}

static const struct pw_feed_item *by_guid(const struct parsed *p, const char *guid)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->items[i]->guid, guid) == 0)
			return p->items[i];
	return NULL;
}

static void test_entry_text(void)
{
	struct parsed p;
	is_int(parse_fixture("atom10_text_constructs.xml", &p), PW_FEED_OK, "text constructs fixture parses");
	static const struct { const char *guid, *text; size_t chars; const char *what; } want[] = {
		{ "tag:caspian-wire.example,2025:telecom",
		  "Baku, 14 May. The regulator fined the AT&T unit 40,000 manat. Officials said the rule is simple: "
		  "if a < b and c > d, the lower fee applies.\n\nThe operator has 30 days to appeal & said it would.", 0,
		  "type=text content: '<' '>' '&' as written, the blank line a paragraph break" },
		{ "tag:caspian-wire.example,2025:telecom-html",
		  "Baku, 14 May. The regulator fined the AT&T unit 40,000 manat.\n\nIf a < b and c > d, the lower fee "
		  "applies.", 0, "type=html content: the same characters from the markup" },
		{ "tag:caspian-wire.example,2025:gas",
		  "\xd0\x9a\xd0\xbe\xd0\xbc\xd0\xbf\xd0\xb0\xd0\xbd\xd0\xb8\xd1\x8f \xc2\xab\xd0\x90\xd0\xb7\xd0\xb5\xd1\x80"
		  "\xd0\xb8\xd0\xb3\xd0\xb0\xd0\xb7\xc2\xbb & \xd1\x80\xd0\xb5\xd0\xb3\xd1\x83\xd0\xbb\xd1\x8f\xd1\x82\xd0\xbe"
		  "\xd1\x80: \xd1\x82\xd0\xb0\xd1\x80\xd0\xb8\xd1\x84 < 13 \xd0\xb3\xd1\x8f\xd0\xbf\xd0\xb8\xd0\xba\xd0\xbe"
		  "\xd0\xb2 \xd0\xb7\xd0\xb0 \xd0\xba\xd1\x83\xd0\xb1\xd0\xbe\xd0\xbc\xd0\xb5\xd1\x82\xd1\x80. \xd0\xa0\xd0\xb5"
		  "\xd1\x88\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5 \xd0\xb2\xd1\x81\xd1\x82\xd1\x83\xd0\xbf\xd0\xb0\xd0\xb5\xd1\x82 "
		  "\xd0\xb2 \xd1\x81\xd0\xb8\xd0\xbb\xd1\x83 1 \xd0\xb8\xd1\x8e\xd0\xbd\xd1\x8f.", 96,
		  "Cyrillic summary without a type: text, '&' and '<' as written" },
		{ "tag:caspian-wire.example,2025:mislabelled", "Cargo through Alat rose 12% <y/y>.", 0,
		  "type=text holding elements: their text, the script gone, the escaped brackets kept" },
	};
	for (size_t i = 0; i < PW_ARRAY_SIZE(want); i++) {
		const struct pw_feed_item *e = by_guid(&p, want[i].guid);
		if (!ok(e != NULL, "entry %s parsed", want[i].guid))
			continue;
		struct pw_item it;
		item_from_entry(e, &it);
		size_t chars = 0;
		char *text = pw_entry_text(&it, &chars);
		is_str(text, want[i].text, "pw_entry_text, %s", want[i].what);
		if (want[i].chars)
			is_int((long long)chars, (long long)want[i].chars, "pw_entry_text counts characters, not bytes");
		free(text);
	}
	/* the first entry's summary is shorter than its content: the content wins, and the
	 * summary alone (no content) reads back as written too */
	const struct pw_feed_item *e = by_guid(&p, "tag:caspian-wire.example,2025:telecom");
	if (e) {
		struct pw_item it;
		item_from_entry(e, &it);
		it.body = NULL;
		size_t chars = 0;
		char *text = pw_entry_text(&it, &chars);
		is_str(text, "The <b> tag in the operator's SMS was a typo, AT&amp;T said: where a < b and c > d, "
		       "the fee is capped.", "pw_entry_text, type=text summary: '&amp;' decoded once, '<b>' kept");
		free(text);
		/* an item finished at the poll ([articles] fetch = no) stores this same text */
		struct pw_config cfg;
		memset(&cfg, 0, sizeof cfg);
		const char *why = NULL;
		text = pw_entry_final(&cfg, &it, &why);
		is_str(text, "The <b> tag in the operator's SMS was a typo, AT&amp;T said: where a < b and c > d, "
		       "the fee is capped.", "pw_entry_final, fetch = no: the same text");
		free(text);
	}
	parsed_free(&p);
}

static int nsyslog;

static void on_syslog(int prio, const char *line, void *arg)
{
	(void)prio;
	(void)line;
	(void)arg;
	nsyslog++;
}

/* The item starts its own story, as in the daemon's grouping stage. */
static int64_t new_story(struct pw_store *s, int64_t item_id, int64_t now)
{
	sqlite3_stmt *st = pw_store_stmt(s, "INSERT INTO stories(first_item, first_seen, last_seen, item_count) "
					    "VALUES (?1, ?2, ?2, 1)");
	sqlite3_bind_int64(st, 1, item_id);
	sqlite3_bind_int64(st, 2, now);
	pw_store_step_done(s, st, "new story");
	return sqlite3_last_insert_rowid(pw_store_db(s));
}

static void test_alert_snippet(void)
{
	char err[512];
	char tmpl[] = "/tmp/pw-entry-text-XXXXXX";
	char *tmp = mkdtemp(tmpl);
	if (!ok(tmp != NULL, "temporary directory: %s", tmp ? "" : strerror(errno)))
		return;
	char *confpath = xasprintf("%s/etc/presswatch.conf", srcdir);
	struct pw_errlist errs = { NULL, 0 };
	struct pw_config *cfg = pw_config_load(confpath, &errs);
	pw_errlist_free(&errs);
	free(confpath);
	if (!ok(cfg != NULL, "shipped configuration loads"))
		return;
	char *logpath = xasprintf("%s/alerts.jsonl", tmp);
	free(cfg->alert_log);
	cfg->alert_log = xstrdup(logpath);
	free(cfg->alert_command);
	cfg->alert_command = NULL;
	cfg->alert_max_age_s = 0; /* the fixture's date is in the past: no age limit here */
	char *dbpath = xasprintf("%s/store.db", tmp);
	struct pw_store *s = pw_store_open(dbpath, PW_STORE_RW, err, sizeof err);
	struct pw_alerter *a = s ? pw_alerter_new(cfg, err, sizeof err) : NULL;
	if (ok(s && a, "store and alerter: %s", s && a ? "" : err)) {
		pw_alert_set_syslog_hook(a, on_syslog, NULL);
		struct parsed p;
		is_int(parse_fixture("atom10_text_alert.xml", &p), PW_FEED_OK, "alert fixture parses");
		int64_t now = (int64_t)time(NULL);
		pw_store_begin(s);
		int64_t feed = pw_store_feed_sync(s, "caspian-wire", "https://caspian-wire.example/atom", "Caspian Wire", 0, 1);
		pw_store_commit(s);
		if (p.n == 1) {
			struct pw_item it;
			item_from_entry(p.items[0], &it);
			it.feed_id = feed;
			it.fetched = now;
			pw_store_begin(s);
			pw_store_item_insert(s, &it);
			it.story_id = new_story(s, it.id, now);
			pw_store_item_set_story(s, it.id, it.story_id, 0);
			int rc = pw_alert_item(a, s, &it, "caspian-wire", now);
			pw_store_commit(s);
			pw_alert_flush(a, s);
			is_int(rc, 1, "statement in a type=text summary on an alerting topic: alert");
			char *log = pw_read_file(logpath, NULL);
			ok(log && strstr(log, "\"snippet\":\"Azerbaijan's Foreign Ministry said that contracts for Karabakh "
			                      "went to firms such as AT&T <Azerbaijan> because bids of < 5% over cost won.") != NULL,
			   "alert snippet quotes '<', '>' and '&' as the feed wrote them: %s", log ? log : "(no log)");
			free(log);
		}
		parsed_free(&p);
	}
	if (a)
		pw_alerter_free(a);
	if (s)
		pw_store_close(s);
	pw_config_free(cfg);
	unlink(logpath);
	char *wal = xasprintf("%s-wal", dbpath), *shm = xasprintf("%s-shm", dbpath);
	unlink(dbpath);
	unlink(wal);
	unlink(shm);
	rmdir(tmp);
	free(wal);
	free(shm);
	free(logpath);
	free(dbpath);
}

int main(void)
{
	const char *top = getenv("top_srcdir");
	srcdir = xstrdup(top ? top : ".");
	test_entry_text();
	test_alert_snippet();
	free(srcdir);
	return done_testing();
}
