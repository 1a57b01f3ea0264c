/*
 * cli_fixture.c -- builds the store the presswatch command tests query, through the real store
 * code (pw_store_open creates the real schema; feeds, items, articles, tags, speakers, story
 * links and the alert go through the store API).  Story rows are written with plain SQL on the
 * store's own connection: the story writer belongs to the dedup module.
 *
 *   cli_fixture create DB          fill a new store (fails if DB exists)
 *   cli_fixture hold DB SECONDS [RELEASE]
 *                                  open DB read-write, insert one item inside a transaction,
 *                                  print "ready", keep the transaction open, commit
 *   cli_fixture lock DB SECONDS [RELEASE]
 *                                  take an exclusive lock (locking_mode = EXCLUSIVE) that
 *                                  keeps readers out, print "ready", hold it
 *
 * hold and lock keep the transaction or lock until the file RELEASE exists (at most SECONDS);
 * without RELEASE, SECONDS exactly.  A test that asserts what happens *while* the lock is held
 * releases it itself, so a slow machine cannot end the lock before the assertions run.
 *
 * Times are fixed (September 2025) except one item fetched "now", for relative --since tests.
 * The texts are the project's own, written in the style of the outlets named.
 */

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "store.h"
#include "store_alerts.h"
#include "store_int.h"

#define T0 1757721600 /* 2025-09-13T00:00:00Z */
#define H 3600

struct feed {
	const char *name, *outlet, *url, *lang, *site;
	int enabled;
	int status, fails;
	const char *error;
	int64_t polled, next;
};

static const struct feed feeds[] = {
	{ "oc-media", "OC Media", "https://oc-media.org/feed/", "en", "https://oc-media.org", 1, 200, 0, NULL, T0 + 11 * H, T0 + 11 * H + 900 },
	{ "tass-ru", "ТАСС", "https://tass.ru/rss/v2.xml", "ru", "https://tass.ru", 1, 304, 0, NULL, T0 + 11 * H, T0 + 11 * H + 600 },
	{ "armenpress", "Armenpress", "https://armenpress.am/eng/rss/news/", "en", "https://armenpress.am/eng", 1, 200, 0, NULL, T0 + 11 * H, T0 + 11 * H + 600 },
	{ "news-am", "News.am", "https://news.am/eng/rss/", "en", "https://news.am/eng", 1, 200, 0, NULL, T0 + 10 * H, T0 + 12 * H },
	{ "apa-az", "APA", "https://apa.az/az/rss", "az", "https://apa.az/az", 1, 200, 0, NULL, T0 + 11 * H, T0 + 11 * H + 1200 },
	{ "ukrinform", "Ukrinform", "https://www.ukrinform.net/rss/block-lastnews", "en", "https://www.ukrinform.net", 1, 200, 0, NULL, T0 + 11 * H, T0 + 11 * H + 600 },
	{ "svoboda-ru", "Радио Свобода", "https://www.svoboda.org/api/zrqiteuuir", "ru", "https://www.svoboda.org", 1, 503, 4,
	  "HTTP 503 Service Unavailable", T0 + 10 * H, T0 + 12 * H },
	{ "old-feed", "Old Feed", "https://old.example.org/rss", "en", "https://old.example.org", 0, 0, 0, NULL, PW_NOTIME, PW_NOTIME },
};

struct item {
	int feed;                 /* index in feeds[] */
	const char *guid, *title, *summary, *body;
	int64_t published;        /* PW_NOTIME = unknown */
	int64_t fetched;          /* 0 = published + 5 minutes; -1 = now */
	const char *status;       /* article_status */
	int story;                /* 0 = none */
	int dup_of;               /* item number (1-based), 0 = none */
	const char *tags;         /* space-separated */
	const char *speakers;     /* '|'-separated */
};

static const struct item items[] = {
	/* 1 */ { 1, "tass-1", "Захарова: демарш Еревана в отношении российского посла неприемлем",
		  "Официальный представитель МИД России Мария Захарова прокомментировала вызов посла.",
		  "Официальный представитель МИД России Мария Захарова заявила, что демарш Еревана в "
		  "отношении российского посла неприемлем. По её словам, Москва ожидает от армянской "
		  "стороны разъяснений. Захарова также напомнила о договорённостях по Карабаху, "
		  "достигнутых при посредничестве России.\n\nПосол России в Армении был вызван в МИД "
		  "республики в пятницу.",
		  T0 - 14 * H - 1800, 0, "ok", 1, 0, "topic:karabakh statement", "Мария Захарова" },
	/* 2 */ { 0, "oc-1", "Russia summons Armenian ambassador over Yerevan's démarche",
		  "Moscow has summoned Armenia's ambassador after Yerevan protested remarks by Zakharova.",
		  "Russia's Foreign Ministry summoned Armenia's ambassador on Friday, a day after Yerevan "
		  "delivered a démarche to the Russian envoy. Foreign Ministry spokesperson Maria "
		  "Zakharova said the Armenian move was unacceptable and accused Yerevan of abandoning "
		  "the Karabakh arrangements brokered by Moscow.\n\nArmenian officials have not yet "
		  "commented on the summons.",
		  T0 - 13 * H, 0, "ok", 1, 0, "topic:karabakh statement", "Zakharova" },
	/* 3 */ { 2, "ap-1", "Armenian Foreign Ministry responds to Zakharova",
		  "Spokesperson Ani Badalyan said Armenia's position was communicated through diplomatic channels.",
		  "Armenian Foreign Ministry spokesperson Ani Badalyan stated that Armenia's position on "
		  "the matter had been communicated to the Russian side through diplomatic channels. "
		  "\"We consider public statements of this kind counterproductive,\" Badalyan said.",
		  T0 - 11 * H - 2700, 0, "ok", 1, 0, "topic:karabakh statement", "Ani Badalyan" },
	/* 4 */ { 3, "na-1", "Armenian Foreign Ministry responds to Zakharova",
		  "Spokesperson Ani Badalyan said Armenia's position was communicated through diplomatic channels.",
		  "Armenian Foreign Ministry spokesperson Ani Badalyan stated that Armenia's position on "
		  "the matter had been communicated to the Russian side through diplomatic channels. "
		  "\"We consider public statements of this kind counterproductive,\" Badalyan said.",
		  T0 - 11 * H - 1200, 0, "ok", 1, 3, "topic:karabakh statement", "Ani Badalyan" },
	/* 5 */ { 4, "apa-1", "Qarabağda bərpa işləri davam edir",
		  "Xankəndi və Şuşada yeni yaşayış binalarının tikintisi davam edir.",
		  "Qarabağ iqtisadi rayonunda bərpa və yenidənqurma işləri davam edir. Xankəndi və "
		  "Şuşada yeni yaşayış binalarının tikintisi sürətlənib, məktəblər və xəstəxanalar "
		  "istifadəyə verilir.",
		  T0 - 10 * H, 0, "ok", 3, 0, "topic:karabakh", NULL },
	/* 6 */ { 5, "ukr-1", "Zaporizhzhia region: occupation authorities announce sham \"elections\"",
		  "Regional head Ivan Fedorov said the vote in occupied areas has no legal force.",
		  "Zaporizhzhia Regional Military Administration head Ivan Fedorov said on Saturday that "
		  "the so-called elections organised by Russian occupation authorities in the region have "
		  "no legal force. Residents were pressed to vote at home under the supervision of armed "
		  "men, he said.",
		  T0 + 8 * H, 0, "ok", 2, 0, "topic:ua-elections statement", "Ivan Fedorov" },
	/* 7 */ { 1, "tass-2", "В Запорожской области завершилось голосование на выборах",
		  "Голосование на выборах в Запорожской области завершилось, сообщил избирком.",
		  "Голосование на выборах депутатов законодательного собрания Запорожской области "
		  "завершилось в воскресенье. Явка, по данным избиркома, превысила 60 процентов.",
		  T0 + 8 * H + 2700, 0, "ok", 2, 0, "topic:ua-elections", NULL },
	/* 8 */ { 0, "oc-2", "Georgian Dream proposes \"foreign agents\" law, again",
		  "The ruling party has tabled a bill on \"transparency of foreign influence\", critics say.",
		  NULL, T0 + 10 * H, 0, "http-error", 0, 0, "", NULL },
	/* 9 */ { 2, "ap-2", "Yerevan hosts regional trade forum",
		  "Delegations from 14 countries attend the forum in Yerevan.",
		  NULL, PW_NOTIME, T0 + 10 * H + 1800, NULL, 0, 0, "", NULL },
	/* 10 */ { 0, "oc-3", "Zakharova's comments on Armenia draw criticism in Yerevan",
		  "Opposition and ruling party MPs criticised the Russian spokesperson.",
		  "Members of parliament from both the ruling Civil Contract party and the opposition "
		  "criticised comments by Russian Foreign Ministry spokesperson Maria Zakharova.",
		  T0 - 41 * H, 0, "ok", 0, 0, "statement", "Maria Zakharova" },
	/* 11 */ { 4, "apa-2", "Live: Baku energy week opens",
		  "The annual energy week opened in Baku with ministers from the region.",
		  NULL, -2, -1, NULL, 0, 0, "", NULL },
};

static int die(const char *what, struct pw_store *s)
{
	fprintf(stderr, "cli_fixture: %s: %s\n", what, s ? pw_store_error(s) : "");
	return 1;
}

static int sql(struct pw_store *s, const char *q, const int64_t *args, int nargs)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(pw_store_db(s), q, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "cli_fixture: %s: %s\n", q, sqlite3_errmsg(pw_store_db(s)));
		return -1;
	}
	for (int i = 0; i < nargs; i++)
		sqlite3_bind_int64(st, i + 1, args[i]);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		fprintf(stderr, "cli_fixture: %s: %s\n", q, sqlite3_errmsg(pw_store_db(s)));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int add_speakers(struct pw_store *s, int64_t item_id, const char *list)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", list);
	for (char *save = NULL, *p = strtok_r(buf, "|", &save); p; p = strtok_r(NULL, "|", &save))
		if (pw_store_speaker_add(s, item_id, p) < 0)
			return -1;
	return 0;
}

static int create(const char *path)
{
	char err[512];
	if (access(path, F_OK) == 0) {
		fprintf(stderr, "cli_fixture: %s exists\n", path);
		return 1;
	}
	struct pw_store *s = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	if (s == NULL) {
		fprintf(stderr, "cli_fixture: %s\n", err);
		return 1;
	}
	int64_t now = (int64_t)time(NULL);
	int64_t feed_ids[PW_ARRAY_SIZE(feeds)], item_ids[PW_ARRAY_SIZE(items)];

	if (pw_store_begin(s) < 0)
		return die("begin", s);
	for (size_t i = 0; i < PW_ARRAY_SIZE(feeds); i++) {
		const struct feed *f = &feeds[i];
		feed_ids[i] = pw_store_feed_sync(s, f->name, f->url, f->outlet, 0, f->enabled);
		if (feed_ids[i] < 0)
			return die("feed sync", s);
		struct pw_feed_state st = { 0 };
		if (pw_store_feed_get(s, feed_ids[i], &st) != 1)
			return die("feed get", s);
		free(st.lang);
		st.lang = strdup(f->lang);
		st.last_status = f->status;
		st.fail_count = f->fails;
		free(st.last_error);
		st.last_error = f->error ? strdup(f->error) : NULL;
		st.last_polled = f->polled;
		st.next_poll = f->next;
		if (pw_store_feed_save(s, &st) < 0)
			return die("feed save", s);
		pw_feed_state_clear(&st);
	}
	/* Stories first (items reference them); first_item is set once the items exist. */
	static const int64_t story_rows[][3] = {
		{ 1, T0 - 14 * H - 1800, T0 - 11 * H - 1200 },
		{ 2, T0 + 8 * H, T0 + 8 * H + 2700 },
		{ 3, T0 - 10 * H, T0 - 10 * H },
	};
	for (size_t i = 0; i < PW_ARRAY_SIZE(story_rows); i++)
		if (sql(s, "INSERT INTO stories(id, first_seen, last_seen) VALUES (?, ?, ?)", story_rows[i], 3) < 0)
			return die("story", s);

	for (size_t i = 0; i < PW_ARRAY_SIZE(items); i++) {
		const struct item *x = &items[i];
		int64_t published = x->published == -2 ? now - 600 : x->published;
		struct pw_item it = {
			.feed_id = feed_ids[x->feed],
			.guid = x->guid,
			.url = NULL,
			.title = x->title,
			.summary = x->summary,
			.lang = feeds[x->feed].lang,
			.published = published,
			.fetched = x->fetched == -1 ? now : x->fetched ? x->fetched : published + 300,
		};
		char url[128];
		snprintf(url, sizeof url, "%s/news/%s", feeds[x->feed].site, x->guid);
		it.url = url;
		if (pw_store_item_insert(s, &it) != 1)
			return die("item insert", s);
		item_ids[i] = it.id;
		if (x->status && pw_store_item_set_article(s, it.id, x->status, x->body, NULL,
							    NULL, NULL, PW_NOTIME, 1, PW_NOTIME) < 0)
			return die("article", s);
		if ((x->story || x->dup_of) &&
		    pw_store_item_set_story(s, it.id, x->story, x->dup_of ? item_ids[x->dup_of - 1] : 0) < 0)
			return die("story link", s);
		char tags[256];
		snprintf(tags, sizeof tags, "feed:%s lang:%s %s", feeds[x->feed].name, feeds[x->feed].lang,
			 x->tags);
		for (char *save = NULL, *t = strtok_r(tags, " ", &save); t; t = strtok_r(NULL, " ", &save))
			if (pw_store_tag_add(s, it.id, t) < 0)
				return die("tag", s);
		if (x->speakers && add_speakers(s, it.id, x->speakers) < 0)
			return die("speakers", s);
	}
	static const int64_t first_items[][2] = { { 1, 1 }, { 6, 2 }, { 5, 3 } };
	for (size_t i = 0; i < PW_ARRAY_SIZE(first_items); i++) {
		int64_t a[2] = { item_ids[first_items[i][0] - 1], first_items[i][1] };
		if (sql(s, "UPDATE stories SET first_item = ?1, item_count ="
			   " (SELECT count(*) FROM items WHERE story_id = ?2),"
			   " title = (SELECT title FROM items WHERE id = ?1) WHERE id = ?2", a, 2) < 0)
			return die("story update", s);
	}
	int64_t alert_id;
	if (pw_store_alert_record(s, item_ids[0], 1, "karabakh",
				  "Захарова заявила, что демарш Еревана неприемлем", T0 - 14 * H - 1500,
				  &alert_id) != 1)
		return die("alert", s);
	/* Search covers every fixture item, also those left without a story (which the daemon
	 * would index once they get one): 'rebuild' indexes all rows, as after a manual repair. */
	if (sql(s, "INSERT INTO items_fts(items_fts) VALUES ('rebuild')", NULL, 0) < 0)
		return die("fts rebuild", s);
	if (pw_store_commit(s) < 0)
		return die("commit", s);
	pw_store_close(s);
	return 0;
}

/* Returns once RELEASE exists (checked every 0.1 s) or after SECONDS. */
static void wait_release(int seconds, const char *release)
{
	if (release == NULL) {
		sleep((unsigned)seconds);
		return;
	}
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	for (long i = 0; i < 10L * seconds && access(release, F_OK) != 0; i++)
		nanosleep(&tick, NULL);
}

static int hold(const char *path, int seconds, const char *release)
{
	char err[512];
	struct pw_store *s = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	if (s == NULL) {
		fprintf(stderr, "cli_fixture: %s\n", err);
		return 1;
	}
	struct pw_feed_state f = { 0 };
	if (pw_store_begin(s) < 0 || pw_store_feed_get_by_name(s, "oc-media", &f) != 1)
		return die("hold", s);
	struct pw_item it = { .feed_id = f.id, .guid = "uncommitted-1",
			      .title = "Uncommitted item from a writer's open transaction",
			      .published = T0 + 11 * H, .fetched = T0 + 11 * H };
	pw_feed_state_clear(&f);
	if (pw_store_item_insert(s, &it) != 1)
		return die("hold insert", s);
	printf("ready\n");
	fflush(stdout);
	wait_release(seconds, release);
	if (pw_store_commit(s) < 0)
		return die("hold commit", s);
	pw_store_close(s);
	return 0;
}

static int lock(const char *path, int seconds, const char *release)
{
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;"
			     " UPDATE feeds SET fail_count = fail_count WHERE id = 1;", NULL, NULL, NULL)
		    != SQLITE_OK) {
		fprintf(stderr, "cli_fixture: lock: %s\n", sqlite3_errmsg(db));
		sqlite3_close(db);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	wait_release(seconds, release);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "create") == 0)
		return create(argv[2]);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "hold") == 0)
		return hold(argv[2], atoi(argv[3]), argc == 5 ? argv[4] : NULL);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "lock") == 0)
		return lock(argv[2], atoi(argv[3]), argc == 5 ? argv[4] : NULL);
	fprintf(stderr, "usage: cli_fixture create DB | hold DB SECONDS [RELEASE] | lock DB SECONDS [RELEASE]\n");
	return 2;
}
