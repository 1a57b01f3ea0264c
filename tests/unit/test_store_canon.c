/* Unit tests: canonical URLs in the store -- items.canonical_url in pw_url_canonical() form
 * (insert, pw_store_item_set_article), pw_store_item_find_article(), the SQL function
 * pw_url_canonical() and migration 8, which rewrites older rows and adds items_canonical. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "common.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "tap.h"
#include "xmalloc.h"

static char tmpdir[256];

static void quiet(int level, const char *msg, void *arg)
{
	(void)level, (void)msg, (void)arg;
}

static struct pw_store *open_rw(const char *path)
{
	char err[1024];
	struct pw_store *s = pw_store_open(path, PW_STORE_RW, err, sizeof err);
	if (!s)
		diag("open %s: %s", path, err);
	return s;
}

/* The first column of the first row of sql, as text ("" for none or NULL). */
static const char *q_text(struct pw_store *s, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt *st = NULL;
	buf[0] = '\0';
	if (sqlite3_prepare_v2(pw_store_db(s), sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0))
		snprintf(buf, len, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

/* EXPLAIN QUERY PLAN of sql: the detail column of every row, joined with "; ". */
static const char *plan_of(struct pw_store *s, const char *sql, char *buf, size_t len)
{
	char *q = xasprintf("EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	buf[0] = '\0';
	if (sqlite3_prepare_v2(pw_store_db(s), q, -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "; " : "", sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	free(q);
	return buf;
}

/* canonical_url of item id, or "(null)". */
static const char *canon_of(struct pw_store *s, int64_t id, char *buf, size_t len)
{
	struct pw_item r;
	memset(&r, 0, sizeof r);
	if (pw_store_item_get(s, id, &r) != 1)
		snprintf(buf, len, "(no item)");
	else
		snprintf(buf, len, "%s", r.canonical_url ? r.canonical_url : "(null)");
	pw_store_item_clear(&r);
	return buf;
}

static int64_t add_feed(struct pw_store *s, const char *name, const char *url)
{
	pw_store_begin(s);
	int64_t id = pw_store_feed_sync(s, name, url, NULL, 0, 1);
	pw_store_commit(s);
	return id;
}

static int64_t add_item(struct pw_store *s, int64_t feed, const char *guid, const char *url, const char *canonical)
{
	struct pw_item it = { .feed_id = feed, .guid = guid, .url = url, .canonical_url = canonical,
			      .title = "Tbilisi metro fares rise in January", .published = PW_NOTIME,
			      .fetched = 1795000000 };
	pw_store_begin(s);
	int r = pw_store_item_insert(s, &it);
	pw_store_commit(s);
	return r == 1 ? it.id : -1;
}

static void set_article(struct pw_store *s, int64_t id, const char *status, const char *body, const char *canonical)
{
	pw_store_begin(s);
	if (pw_store_item_set_article(s, id, status, body, canonical, NULL, NULL, PW_NOTIME, 1, PW_NOTIME) < 0)
		diag("set_article %lld: %s", (long long)id, pw_store_error(s));
	pw_store_commit(s);
}

static const char TEXT[] =
	"The Tbilisi city hall said on Monday that a metro ride will cost one lari from January.\n\n"
	"The fare has not changed since 2017; the city says the new price pays for twelve new trains.";

static void test_written_canonical(struct pw_store *s, int64_t feed)
{
	char buf[512];
	int64_t a = add_item(s, feed, "canon-a",
			     "HTTPS://Civil.GE:443/archives/612345/?utm_source=rss&utm_medium=rss&amp=1#respond", NULL);
	is_str(canon_of(s, a, buf, sizeof buf), "https://civil.ge/archives/612345/?amp=1",
	       "insert: the link in canonical form (scheme, host case, default port, utm_*, fragment)");
	int64_t b = add_item(s, feed, "canon-b", "https://civil.ge/archives/612345/?utm_campaign=x",
			     "https://civil.ge/en/archives/612345/#top");
	is_str(canon_of(s, b, buf, sizeof buf), "https://civil.ge/en/archives/612345/",
	       "insert: a page canonical given is preferred to the link, in canonical form");
	int64_t c = add_item(s, feed, "canon-c", "https://civil.ge/archives/612346/", "not a url at all");
	is_str(canon_of(s, c, buf, sizeof buf), "https://civil.ge/archives/612346/",
	       "insert: a canonical without canonical form falls back to the link");
	int64_t d = add_item(s, feed, "canon-d", "urn:uuid:6b1e2c0a-2f4e-4f8e-9a51-0d3c1a7e9b10", NULL);
	is_str(canon_of(s, d, buf, sizeof buf), "(null)", "insert: no http(s) link, no canonical: NULL");

	set_article(s, a, "ok", TEXT, "http://CIVIL.ge/archives/612345/?fbclid=abc#comments");
	is_str(canon_of(s, a, buf, sizeof buf), "http://civil.ge/archives/612345/",
	       "set_article: the page's canonical link in canonical form");
	set_article(s, a, NULL, NULL, NULL);
	is_str(canon_of(s, a, buf, sizeof buf), "http://civil.ge/archives/612345/", "set_article: NULL keeps it");
	set_article(s, a, NULL, NULL, "javascript:void(0)");
	is_str(canon_of(s, a, buf, sizeof buf), "http://civil.ge/archives/612345/",
	       "set_article: a canonical link without canonical form keeps it");
	set_article(s, d, "skipped", "Short text.", NULL);
	is_str(canon_of(s, d, buf, sizeof buf), "(null)", "set_article: NULL on NULL stays NULL");
}

static void test_find(struct pw_store *s, int64_t feed, int64_t feed2)
{
	char buf[512];
	struct pw_item r;
	memset(&r, 0, sizeof r);
	const char *link1 = "https://netgazeti.ge/news/700100/?utm_source=main_feed&utm_medium=rss#comments";
	const char *link2 = "https://netgazeti.ge/news/700100/?utm_source=politics_feed";
	int64_t i1 = add_item(s, feed, "ng-1", link1, NULL);
	int64_t i2 = add_item(s, feed2, "ng-2", link2, NULL);
	is_str(canon_of(s, i1, buf, sizeof buf), "https://netgazeti.ge/news/700100/", "two links of one page: first");
	is_str(canon_of(s, i2, buf, sizeof buf), "https://netgazeti.ge/news/700100/", "two links of one page: same canonical");

	is_int(pw_store_item_find_article(s, link2, i2, &r), 0, "find: no article fetched yet");
	set_article(s, i1, "timeout", "teaser", NULL);
	is_int(pw_store_item_find_article(s, link2, i2, &r), 0, "find: a failed fetch is no article");
	set_article(s, i1, "ok", TEXT, "https://netgazeti.ge/news/700100/");
	is_int(pw_store_item_find_article(s, link2, i2, &r), 1, "find: the other link's article is found");
	is_int(r.id, i1, "find: it is the first item");
	is_str(r.body, TEXT, "find: with its text");
	is_str(r.article_status, "ok", "find: status ok");
	is_int(pw_store_item_find_article(s, link1, i1, &r), 0, "find: the item itself is excluded");
	is_int(pw_store_item_find_article(s, "https://NETGAZETI.ge:443/news/700100/#x", 0, &r), 1,
	       "find: any spelling of the URL with the same canonical form");
	is_int(pw_store_item_find_article(s, "https://netgazeti.ge/news/700101/", 0, &r), 0, "find: another page: 0");
	is_int(pw_store_item_find_article(s, "mailto:news@netgazeti.ge", 0, &r), 0, "find: no canonical form: 0");
	is_int(pw_store_item_find_article(s, NULL, 0, &r), 0, "find: NULL url: 0");

	/* a second copy with the text: the earliest stays the one found */
	set_article(s, i2, "ok", TEXT, NULL);
	is_int(pw_store_item_find_article(s, link1, 0, &r), 1, "find: two copies");
	is_int(r.id, i1, "find: the earliest of two copies");
	is_int(pw_store_item_find_article(s, link1, i1, &r), 1, "find: excluding the first");
	is_int(r.id, i2, "find: gives the second");

	/* inside a transaction the open writes count: a page extracted in this batch is found */
	int64_t i3 = add_item(s, feed, "ng-3", "https://netgazeti.ge/news/700200/?utm_term=x", NULL);
	pw_store_begin(s);
	pw_store_item_set_article(s, i3, "ok", TEXT, NULL, NULL, NULL, PW_NOTIME, 1, PW_NOTIME);
	is_int(pw_store_item_find_article(s, "https://netgazeti.ge/news/700200/", 0, &r), 1,
	       "find: sees the open transaction's article");
	is_int(r.id, i3, "find: that item");
	pw_store_rollback(s);
	is_int(pw_store_item_find_article(s, "https://netgazeti.ge/news/700200/", 0, &r), 0,
	       "find: rolled back, gone");
	pw_store_item_clear(&r);

	/* a site whose pages all name its front page as canonical: a link to the front page
	 * takes none of their texts */
	int64_t h1 = add_item(s, feed, "ng-h1", "https://netgazeti.ge/news/700300/", NULL);
	set_article(s, h1, "ok", TEXT, "https://netgazeti.ge/");
	is_str(canon_of(s, h1, buf, sizeof buf), "https://netgazeti.ge/", "front-page canonical stored as given");
	is_int(pw_store_item_find_article(s, "https://netgazeti.ge/?utm_source=rss", 0, &r), 0,
	       "find: a link to the front page reuses no article");
	is_int(pw_store_item_find_article(s, "https://netgazeti.ge", 0, &r), 0, "find: nor without the slash");
	pw_store_item_clear(&r);

	/* the lookup searches the partial index, not the table */
	plan_of(s, "SELECT id FROM items WHERE canonical_url = 'x' AND article_status = 'ok' "
		   "AND id <> 0 ORDER BY id LIMIT 1", buf, sizeof buf);
	ok(strstr(buf, "items_canonical") != NULL, "find: query plan uses items_canonical (%s)", buf);
}

static void test_sql_function(struct pw_store *s)
{
	char buf[512];
	is_str(q_text(s, "SELECT pw_url_canonical('http://Example.AM:80/a/./b?utm_source=x&id=2#c')", buf, sizeof buf),
	       "http://example.am/a/b?id=2", "SQL pw_url_canonical(): canonical form");
	is_str(q_text(s, "SELECT coalesce(pw_url_canonical('ftp://example.am/'), 'none')", buf, sizeof buf), "none",
	       "SQL pw_url_canonical(): NULL when there is no canonical form");
	is_str(q_text(s, "SELECT coalesce(pw_url_canonical(NULL), 'none')", buf, sizeof buf), "none",
	       "SQL pw_url_canonical(NULL): NULL");
}

/* A schema 7 store (raw canonical URLs, no index) is migrated: rows rewritten, index added. */
static void test_migration(void)
{
	char buf[512];
	char *path = xasprintf("%s/v7.db", tmpdir);
	struct pw_store *s = open_rw(path);
	if (!s) {
		ok(0, "schema 7 store created");
		free(path);
		return;
	}
	sqlite3 *db = pw_store_db(s);
	const char *sql =
		"DROP INDEX items_canonical;\n"
		"INSERT INTO feeds(id, name, url, conf_url) VALUES (1, 'f', 'http://127.0.0.1/f', 'http://127.0.0.1/f');\n"
		"INSERT INTO items(id, feed_id, guid, url, canonical_url, fetched, article_status) VALUES\n"
		"  (1, 1, 'g1', 'https://jam-news.net/ru/a/?utm_source=rss', 'https://JAM-NEWS.net/ru/a/#main', 1, 'ok'),\n"
		"  (2, 1, 'g2', 'https://jam-news.net/b/?utm_medium=feed#c', NULL, 1, NULL),\n"
		"  (3, 1, 'g3', 'http://y.example/c', 'nonsense', 1, 'ok'),\n"
		"  (4, 1, 'g4', 'tag:y.example,2026:4', NULL, 1, NULL),\n"
		"  (5, 1, 'g5', 'https://jam-news.net/d/', 'https://jam-news.net/d/', 1, 'ok');\n"
		"PRAGMA user_version = 7;";
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		diag("preparing a schema 7 store: %s", err);
	sqlite3_free(err);
	pw_store_close(s);

	s = open_rw(path);
	ok(s != NULL, "a schema 7 store opens");
	if (s) {
		char want[16];
		snprintf(want, sizeof want, "%d", pw_store_schema_version());
		is_str(q_text(s, "PRAGMA user_version", buf, sizeof buf), want, "and is migrated to the current version");
		is_str(canon_of(s, 1, buf, sizeof buf), "https://jam-news.net/ru/a/", "migration: page canonical rewritten");
		is_str(canon_of(s, 2, buf, sizeof buf), "https://jam-news.net/b/", "migration: none -> the link's");
		is_str(canon_of(s, 3, buf, sizeof buf), "http://y.example/c", "migration: junk -> the link's");
		is_str(canon_of(s, 4, buf, sizeof buf), "(null)", "migration: no http(s) link stays NULL");
		is_str(canon_of(s, 5, buf, sizeof buf), "https://jam-news.net/d/", "migration: canonical already");
		is_str(q_text(s, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'items_canonical'",
			      buf, sizeof buf), "1", "migration: index items_canonical created");
		struct pw_item r;
		memset(&r, 0, sizeof r);
		is_int(pw_store_item_find_article(s, "https://jam-news.net/ru/a/?utm_campaign=z", 0, &r), 1,
		       "migration: an old article is found by a new link");
		is_int(r.id, 1, "migration: that item");
		pw_store_item_clear(&r);
	}
	pw_store_close(s);
	char *p = xasprintf("rm -f '%s' '%s-wal' '%s-shm'", path, path, path);
	if (system(p) != 0)
		diag("could not remove %s", path);
	free(p);
	free(path);
}

int main(void)
{
	const char *t = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/pwcanon.XXXXXX", t ? t : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 99;
	}
	pw_log_set_hook(quiet, NULL);

	char *path = xasprintf("%s/main.db", tmpdir);
	struct pw_store *s = open_rw(path);
	ok(s != NULL, "store opened");
	if (s) {
		int64_t feed = add_feed(s, "civil", "https://civil.ge/feed/");
		int64_t feed2 = add_feed(s, "civil-politics", "https://civil.ge/category/politics/feed/");
		test_written_canonical(s, feed);
		test_find(s, feed, feed2);
		test_sql_function(s);
		pw_store_close(s);
	}
	free(path);
	test_migration();

	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpdir);
	free(cmd);
	return done_testing();
}
