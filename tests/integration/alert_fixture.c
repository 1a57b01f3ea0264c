/*
 * alert_fixture.c -- writes alerts into a store for tests/integration/test_alerts_cli.sh, through
 * the real store code (pw_store_open creates the schema; items, tags, speakers and alerts go
 * through store.h / store_alerts.h; story rows, which the dedup stage owns, with plain SQL).
 *
 *   alert_fixture add DB N    adds N items, each a new story with its alert, to DB (created
 *                             when missing); items are numbered after those already there
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "store.h"
#include "store_alerts.h"
#include "store_int.h"
#include "xmalloc.h"

static int die(const char *what, struct pw_store *s)
{
	fprintf(stderr, "alert_fixture: %s: %s\n", what, s ? pw_store_error(s) : "");
	return 1;
}

int main(int argc, char **argv)
{
	char err[512];
	if (argc != 4 || strcmp(argv[1], "add") != 0) {
		fprintf(stderr, "usage: alert_fixture add DB N\n");
		return 2;
	}
	int n = atoi(argv[3]);
	struct pw_store *s = pw_store_open(argv[2], PW_STORE_RW, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "alert_fixture: %s\n", err);
		return 1;
	}
	if (pw_store_begin(s) < 0)
		return die("begin", s);
	int64_t feed = pw_store_feed_sync(s, "oc-media", "https://oc-media.example/feed", "OC Media", 0, 1);
	if (feed < 0)
		return die("feed", s);
	int64_t base = pw_store_item_count(s);
	/* fixed times, so output is stable: 2025-09-13 10:00Z + k hours */
	const int64_t t0 = 1757757600;
	for (int i = 0; i < n; i++) {
		int64_t k = base + i + 1;
		char *guid = xasprintf("item-%lld", (long long)k);
		char *url = xasprintf("https://oc-media.example/news/%lld", (long long)k);
		char *title = xasprintf("Statement number %lld on Karabakh", (long long)k);
		struct pw_item it = { 0 };
		it.feed_id = feed;
		it.guid = guid;
		it.url = url;
		it.title = title;
		it.body = "Foreign Ministry spokesperson Aykhan Hajizadeh said the talks continue.";
		it.lang = "en";
		it.published = t0 + k * 3600 - 600;
		it.fetched = t0 + k * 3600;
		if (pw_store_item_insert(s, &it) != 1)
			return die("item", s);
		sqlite3_stmt *st = pw_store_stmt(s, "INSERT INTO stories(first_item, first_seen, last_seen, item_count, title) "
						    "VALUES (?1, ?2, ?2, 1, ?3)");
		sqlite3_bind_int64(st, 1, it.id);
		sqlite3_bind_int64(st, 2, it.fetched);
		sqlite3_bind_text(st, 3, title, -1, SQLITE_TRANSIENT);
		if (pw_store_step_done(s, st, "story") < 0)
			return die("story", s);
		int64_t story = sqlite3_last_insert_rowid(pw_store_db(s));
		if (pw_store_item_set_story(s, it.id, story, 0) < 0 ||
		    pw_store_tag_add(s, it.id, "topic:karabakh") < 0 ||
		    pw_store_speaker_add(s, it.id, "Hajizadeh") < 0 ||
		    pw_store_speaker_add(s, it.id, "Foreign Ministry spokesperson") < 0)
			return die("tags", s);
		int64_t id;
		if (pw_store_alert_record(s, it.id, story, k % 2 ? "karabakh" : "karabakh,ua-elections",
					  "Foreign Ministry spokesperson Aykhan Hajizadeh said the talks continue.",
					  it.fetched, &id) != 1)
			return die("alert", s);
		free(guid);
		free(url);
		free(title);
	}
	if (pw_store_commit(s) < 0)
		return die("commit", s);
	pw_store_close(s);
	return 0;
}
