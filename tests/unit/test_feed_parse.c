/*
 * test_feed_parse.c -- the feed parser on the fixtures in tests/fixtures/feeds/: every dialect,
 * charsets, recovery, caps, unsafe documents, non-feeds, and chunking (1-byte pushes must give
 * exactly what one push gives).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "charset.h"
#include "feed_parse.h"
#include "feed_text.h"
#include "tap.h"
#include "xmalloc.h"

static char *fixture_dir;

static char *load(const char *name, size_t *len)
{
	char *path = xasprintf("%s/%s", fixture_dir, name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("Bail out! cannot open %s\n", path);
		exit(1);
	}
	struct pw_buf b = PW_BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		pw_buf_append(&b, chunk, n);
	fclose(f);
	free(path);
	*len = b.len;
	return pw_buf_detach(&b);
}

struct result {
	int status;
	struct pw_feed_info info;
	char *error;
	struct pw_feed_item **items;
	size_t n;
	struct pw_buf dump; /* every field of the info and the items, for chunking comparisons */
};

static void collect(struct pw_feed_item *it, void *arg)
{
	struct result *r = arg;
	r->items = xreallocarray(r->items, r->n + 1, sizeof *r->items);
	r->items[r->n++] = it;
}

static void dump_item(struct pw_buf *b, const struct pw_feed_item *it)
{
	pw_buf_printf(b, "guid=%s|link=%s|title=%s|summary=%s|content=%s|author=%s|lang=%s|pub=%lld|upd=%lld|cats=",
	              it->guid, it->link ? it->link : "-", it->title ? it->title : "-",
	              it->summary ? it->summary : "-", it->content ? it->content : "-",
	              it->author ? it->author : "-", it->language ? it->language : "-",
	              (long long)it->published, (long long)it->updated);
	for (size_t i = 0; i < it->ncategories; i++)
		pw_buf_printf(b, "%s;", it->categories[i]);
	pw_buf_puts(b, "|encs=");
	for (size_t i = 0; i < it->nenclosures; i++)
		pw_buf_printf(b, "%s;", it->enclosures[i]);
	pw_buf_putc(b, '\n');
}

/* Parses data pushing `chunk` bytes at a time (0: all at once). */
static void parse(const char *data, size_t len, const struct pw_feed_parse_opts *o, size_t chunk, struct result *r)
{
	memset(r, 0, sizeof *r);
	struct pw_feed_parser *p = pw_feed_parser_new(o, collect, r);
	if (!chunk)
		chunk = len ? len : 1;
	for (size_t off = 0; off < len; off += chunk)
		if (pw_feed_parser_push(p, data + off, len - off < chunk ? len - off : chunk) < 0)
			break;
	r->status = pw_feed_parser_finish(p);
	const struct pw_feed_info *in = pw_feed_parser_info(p);
	r->info = *in;
	r->info.title = in->title ? xstrdup(in->title) : NULL;
	r->info.link = in->link ? xstrdup(in->link) : NULL;
	r->info.language = in->language ? xstrdup(in->language) : NULL;
	r->error = xstrdup(pw_feed_parser_error(p));
	pw_buf_printf(&r->dump, "status=%d title=%s link=%s lang=%s format=%s ttl=%d errors=%zu\n", r->status,
	              in->title ? in->title : "-", in->link ? in->link : "-", in->language ? in->language : "-",
	              in->format ? in->format : "-", in->ttl_s, in->xml_errors);
	for (size_t i = 0; i < r->n; i++)
		dump_item(&r->dump, r->items[i]);
	pw_feed_parser_free(p);
}

static void result_free(struct result *r)
{
	for (size_t i = 0; i < r->n; i++)
		pw_feed_item_free(r->items[i]);
	free(r->items);
	pw_feed_info_clear(&r->info);
	free(r->error);
	pw_buf_free(&r->dump);
}

static void parse_file(const char *name, const struct pw_feed_parse_opts *o, struct result *r)
{
	size_t len;
	char *data = load(name, &len);
	parse(data, len, o, 0, r);
	free(data);
}

static const char *const all_fixtures[] = {
	"rss20_ocmedia.xml", "rss20_meduza_ru.xml", "rss091_jamnews.xml", "rss092_reportaz.xml",
	"rss090_netscape.rdf", "rss10_armenian.rdf", "atom10_jamnews.xml", "atom03_legacy.xml",
	"rss20_ru_cp1251.xml", "rss20_ru_koi8r.xml", "rss20_ru_cp1251_undeclared.xml",
	"rss20_ru_http_charset.xml", "atom10_utf16le_bom.xml", "atom10_utf16be_nobom.xml",
	"rss20_invalid_utf8.xml", "rss20_broken_items.xml", "rss20_truncated.xml", "rss20_dates.xml",
	"rss20_internal_entity.xml", "rss20_php_warning_prefix.xml", "rss20_ru_mislabelled_utf8.xml", "atom10_text_constructs.xml", "not_feed_page.html", "not_feed.json", "empty.xml",
	"not_feed_xml.xml", "unsafe_entity_bomb.xml", "unsafe_xxe.xml",
};

static void test_chunking(void)
{
	for (size_t i = 0; i < sizeof all_fixtures / sizeof all_fixtures[0]; i++) {
		size_t len;
		char *data = load(all_fixtures[i], &len);
		struct pw_feed_parse_opts o = { NULL, "https://feeds.example/path/feed.xml", NULL, 0, 0, 0 };
		struct result whole, bytes, sevens;
		parse(data, len, &o, 0, &whole);
		parse(data, len, &o, 1, &bytes);
		parse(data, len, &o, 7, &sevens);
		ok(strcmp(pw_buf_cstr(&whole.dump), pw_buf_cstr(&bytes.dump)) == 0,
		   "%s: 1-byte pushes give the same result as one push", all_fixtures[i]);
		if (strcmp(pw_buf_cstr(&whole.dump), pw_buf_cstr(&bytes.dump)) != 0)
			diag("whole:\n%s\nbytes:\n%s", pw_buf_cstr(&whole.dump), pw_buf_cstr(&bytes.dump));
		ok(strcmp(pw_buf_cstr(&whole.dump), pw_buf_cstr(&sevens.dump)) == 0,
		   "%s: 7-byte pushes give the same result", all_fixtures[i]);
		for (size_t k = 0; k < whole.n; k++)
			if (!whole.items[k]->guid)
				ok(0, "%s: item %zu has no guid", all_fixtures[i], k);
		result_free(&whole);
		result_free(&bytes);
		result_free(&sevens);
		free(data);
	}
}

static void test_rss20(void)
{
	struct result r;
	struct pw_feed_parse_opts o = { NULL, "https://oc-media.example/feed/", NULL, 0, 0, 0 };
	parse_file("rss20_ocmedia.xml", &o, &r);
	is_int(r.status, PW_FEED_OK, "ocmedia: status ok");
	is_str(r.info.format, "rss2.0", "ocmedia: format");
	is_str(r.info.title, "OC Media \xe2\x80\x93 Caucasus news", "ocmedia: channel title, not the image title");
	is_str(r.info.link, "https://oc-media.example", "ocmedia: channel link, not atom:link self or image link");
	is_str(r.info.language, "en-GB", "ocmedia: language");
	is_int(r.info.ttl_s, 1200, "ocmedia: <ttl> 20 minutes wins over sy:updatePeriod");
	is_int(r.info.xml_errors, 0, "ocmedia: well-formed");
	is_int(r.n, 3, "ocmedia: three items");
	if (r.n == 3) {
		struct pw_feed_item *a = r.items[0], *b = r.items[1], *c = r.items[2];
		is_str(a->guid, "https://oc-media.example/?p=231744", "item 1: guid");
		is_str(a->link, "https://oc-media.example/tbilisi-protesters-sixth-night/", "item 1: link");
		is_str(a->author, "Mariam Nikuradze", "item 1: dc:creator from CDATA");
		is_int(a->published, 1733250000, "item 1: pubDate");
		is_int(a->updated, PW_NOTIME, "item 1: no updated");
		is_int(a->ncategories, 2, "item 1: two categories");
		if (a->ncategories == 2)
			is_str(a->categories[1], "Protests", "item 1: second category");
		is_str(a->summary, "<p>Thousands returned to Rustaveli Avenue on Tuesday evening &#8230;</p>",
		       "item 1: description keeps its HTML");
		ok(a->content && strstr(a->content, "<a href=\"https://oc-media.example/tag/rustaveli/\">"),
		   "item 1: content:encoded with relative links made absolute");
		ok(a->content && strstr(a->content, "src=\"https://oc-media.example/wp-content/uploads/2024/12/rally.jpg\""),
		   "item 1: relative img src made absolute");
		is_int(a->nenclosures, 1, "item 1: media:content is an enclosure");
		is_str(a->language, "en-GB", "item 1: language inherited from the channel");
		is_str(b->title, "Azerbaijan & Armenia resume border commission talks", "item 2: title entities decoded, markup stripped");
		is_str(b->link, "https://oc-media.example/azerbaijan-armenia-border-commission/", "item 2: relative link resolved against the feed URL");
		is_str(b->guid, b->link, "item 2: guid falls back to the link");
		is_int(b->published, 1733130300, "item 2: date without seconds");
		if (b->nenclosures == 1)
			is_str(b->enclosures[0], "https://oc-media.example/podcast/ep-112.mp3", "item 2: enclosure URL resolved");
		else
			ok(0, "item 2: one enclosure");
		is_str(c->link, NULL, "item 3: no link");
		ok(c->guid && strncmp(c->guid, "sha1:", 5) == 0 && strlen(c->guid) == 45, "item 3: guid is sha1: + 40 hex");
		is_int(c->published, 1733076000, "item 3: +0300 zone");
	}
	/* the hash is stable across runs */
	struct result again;
	parse_file("rss20_ocmedia.xml", &o, &again);
	if (r.n == 3 && again.n == 3)
		is_str(again.items[2]->guid, r.items[2]->guid, "hash guid is stable");
	result_free(&again);
	result_free(&r);

	parse_file("rss20_meduza_ru.xml", NULL, &r);
	is_int(r.n, 2, "meduza: two items");
	if (r.n == 2) {
		is_str(r.items[0]->title, "\xd0\x92 \xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb5 \xd0\xbf\xd1\x80\xd0\xbe\xd1\x88\xd0\xbb\xd0\xb8 \xd0\xbe\xd0\xb1\xd1\x8b\xd1\x81\xd0\xba\xd0\xb8 \xd1\x83 \xc2\xab\xd0\xb8\xd0\xbd\xd0\xbe\xd1\x81\xd1\x82\xd1\x80\xd0\xb0\xd0\xbd\xd0\xbd\xd1\x8b\xd1\x85 \xd0\xb0\xd0\xb3\xd0\xb5\xd0\xbd\xd1\x82\xd0\xbe\xd0\xb2\xc2\xbb",
		       "meduza: Russian title");
		is_str(r.items[0]->link, "https://meduza.example/news/2024/12/03/v-moskve-proshli-obyski?utm_source=rss&utm_medium=feed",
		       "meduza: link kept as published (canonicalisation is the store's job)");
		is_str(r.items[0]->author, "news@meduza.example (\xd0\xa0\xd0\xb5\xd0\xb4\xd0\xb0\xd0\xba\xd1\x86\xd0\xb8\xd1\x8f \xc2\xab\xd0\x9c\xd0\xb5\xd0\xb4\xd1\x83\xd0\xb7\xd1\x8b\xc2\xbb)",
		       "meduza: RSS author in 'email (Name)' form");
		is_int(r.items[0]->published, 1733249742, "meduza: +0300 date");
		is_int(r.items[1]->published, 1733122800, "meduza: MSK zone");
		if (r.items[1]->ncategories == 1)
			is_str(r.items[1]->categories[0], "\xd0\xad\xd0\xba\xd0\xbe\xd0\xbd\xd0\xbe\xd0\xbc\xd0\xb8\xd0\xba\xd0\xb0", "meduza: dc:subject as category");
		else
			ok(0, "meduza: dc:subject as category");
		is_str(r.items[1]->guid, "https://meduza.example/feature/2024/12/02/kurs-rublya", "meduza: guid from link");
	}
	result_free(&r);
}

static void test_old_rss_and_rdf(void)
{
	struct result r;
	parse_file("rss091_jamnews.xml", NULL, &r);
	is_int(r.status, PW_FEED_OK, "rss 0.91 with the Netscape DOCTYPE parses (DTD never loaded)");
	is_str(r.info.format, "rss0.91", "rss 0.91: format");
	is_int(r.n, 2, "rss 0.91: two items");
	if (r.n == 2) {
		is_str(r.items[0]->title, "Yerevan\xc2\xa0metro fares to rise \xe2\x80\x93 city hall", "rss 0.91: HTML entities &nbsp; &ndash; without a DTD");
		is_str(r.items[0]->summary, "Caf\xc3\xa9 owners near Republic Square \xc2\xa9 say \xc2\xabit will hurt\xc2\xbb.", "rss 0.91: &eacute; &copy; &laquo;");
	}
	result_free(&r);

	parse_file("rss092_reportaz.xml", NULL, &r);
	is_str(r.info.format, "rss0.92", "rss 0.92: format");
	is_str(r.info.language, "az", "rss 0.92: Azerbaijani");
	if (r.n == 2) {
		is_str(r.items[1]->title, "\xc5\x9eu\xc5\x9f" "ada m\xc9\x99" "d\xc9\x99niyy\xc9\x99t h\xc9\x99" "ft\xc9\x99si ba\xc5\x9flay\xc4\xb1r", "rss 0.92: Azerbaijani letters");
		is_int(r.items[0]->nenclosures, 1, "rss 0.92: enclosure");
	} else {
		ok(0, "rss 0.92: two items");
	}
	result_free(&r);

	parse_file("rss090_netscape.rdf", NULL, &r);
	is_str(r.info.format, "rss0.90", "rss 0.90 by its namespace");
	is_int(r.n, 2, "rss 0.90: items outside the channel");
	is_str(r.info.title, "Caucasus Wire (0.90 edition)", "rss 0.90: title");
	result_free(&r);

	parse_file("rss10_armenian.rdf", NULL, &r);
	is_str(r.info.format, "rss1.0", "rss 1.0: format");
	is_str(r.info.language, "hy", "rss 1.0: dc:language");
	is_int(r.info.ttl_s, 1800, "rss 1.0: sy:updatePeriod hourly / updateFrequency 2 = 30 min");
	is_int(r.n, 2, "rss 1.0: two items");
	if (r.n == 2) {
		is_str(r.items[0]->author, "\xd4\xb1\xd5\xb6\xd5\xab \xd5\x84\xd5\xa1\xd6\x80\xd5\xbf\xd5\xab\xd6\x80\xd5\xb8\xd5\xbd\xd5\xb5\xd5\xa1\xd5\xb6", "rss 1.0: dc:creator (Armenian)");
		is_int(r.items[0]->published, 1733220300, "rss 1.0: dc:date with offset");
		is_int(r.items[1]->published, 1733184000, "rss 1.0: date-only dc:date");
		is_str(r.items[0]->content, "<p>\xd5\x86\xd5\xa1\xd5\xad\xd5\xa1\xd5\xa3\xd5\xab\xd5\xae\xd5\xa8 <b>\xd5\xaf\xd5\xb6\xd5\xa5\xd6\x80\xd5\xaf\xd5\xa1\xd5\xb5\xd5\xa1\xd6\x81\xd5\xbe\xd5\xab</b> \xd4\xb1\xd5\xa6\xd5\xa3\xd5\xa1\xd5\xb5\xd5\xab\xd5\xb6 \xd5\xaa\xd5\xb8\xd5\xb2\xd5\xb8\xd5\xbe\xd6\x89</p>",
		       "rss 1.0: content:encoded");
		is_str(r.items[0]->guid, "https://azatutyun.example/a/33211.html", "rss 1.0: guid from link / rdf:about");
	}
	result_free(&r);
}

static void test_atom(void)
{
	struct result r;
	parse_file("atom10_jamnews.xml", NULL, &r);
	is_str(r.info.format, "atom1.0", "atom 1.0: format");
	is_str(r.info.title, "JAMnews \xe2\x80\x94 Atom", "atom 1.0: type=html title to plain text");
	is_str(r.info.link, "https://jam-news.example/", "atom 1.0: rel=alternate link via xml:base, not rel=self");
	is_str(r.info.language, "en", "atom 1.0: xml:lang of the feed");
	is_int(r.n, 2, "atom 1.0: two entries");
	if (r.n == 2) {
		struct pw_feed_item *a = r.items[0], *b = r.items[1];
		is_str(a->guid, "tag:jam-news.example,2024:88301", "entry 1: id");
		is_str(a->link, "https://jam-news.example/georgian-dream-new-cabinet/", "entry 1: alternate link resolved against xml:base");
		is_str(a->author, "Nino Kvaratskhelia (nino@jam-news.example)", "entry 1: author name and email, not the contributor");
		is_int(a->published, 1733233512, "entry 1: published with fractions and offset");
		is_int(a->updated, 1733234520, "entry 1: updated");
		is_int(a->ncategories, 2, "entry 1: categories by term");
		if (a->ncategories == 2)
			is_str(a->categories[0], "Georgia", "entry 1: term, not label");
		if (a->nenclosures == 1)
			is_str(a->enclosures[0], "https://jam-news.example/img/cabinet.jpg", "entry 1: rel=enclosure");
		else
			ok(0, "entry 1: one enclosure");
		is_str(a->summary, "<p>The prime minister named <a href=\"https://jam-news.example/people/kobakhidze\">three</a> new ministers.</p>",
		       "entry 1: html summary unescaped, links absolute");
		is_str(a->content, "<p>Three <b>new</b> ministers &amp; a deputy. <a href=\"https://jam-news.example/2024/12/photos/\">Photos</a></p><br />",
		       "entry 1: xhtml content without its wrapper div, nested xml:base applied");
		is_str(a->language, "en", "entry 1: inherits xml:lang");
		is_str(b->title, "\xd4\xb5\xd6\x80\xd6\x87\xd5\xa1\xd5\xb6 \xd5\xa1\xd5\xb5\xd5\xbd\xd6\x85\xd6\x80", "entry 2: xhtml title to text");
		is_str(b->language, "hy", "entry 2: own xml:lang");
		is_str(b->content, "Plain text with a literal &lt;tag&gt; in it.",
		       "entry 2: type=text content escaped into HTML (its '<' is a character)");
		is_int(b->published, PW_NOTIME, "entry 2: no published");
	}
	result_free(&r);

	parse_file("atom03_legacy.xml", NULL, &r);
	is_str(r.info.format, "atom0.3", "atom 0.3: format");
	if (r.n == 1) {
		struct pw_feed_item *a = r.items[0];
		is_str(a->title, "\xd0\x96\xd0\xb8\xd1\x82\xd0\xb5\xd0\xbb\xd0\xb8 \xd0\x9c\xd0\xb0\xd1\x85\xd0\xb0\xd1\x87\xd0\xba\xd0\xb0\xd0\xbb\xd1\x8b \xd0\xb6\xd0\xb0\xd0\xbb\xd1\x83\xd1\x8e\xd1\x82\xd1\x81\xd1\x8f \xd0\xbd\xd0\xb0 \xd0\xbe\xd1\x82\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87\xd0\xb5\xd0\xbd\xd0\xb8\xd1\x8f \xd0\xb3\xd0\xb0\xd0\xb7\xd0\xb0",
		       "atom 0.3: escaped html title to text");
		is_int(a->published, 1733207400, "atom 0.3: issued");
		is_int(a->updated, 1733208300, "atom 0.3: modified");
		is_str(a->content, "<p>\xd0\x9e\xd1\x82\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87\xd0\xb5\xd0\xbd\xd0\xb8\xd1\x8f <b>\xd0\xbf\xd1\x80\xd0\xbe\xd0\xb4\xd0\xbe\xd0\xbb\xd0\xb6\xd0\xb0\xd1\x8e\xd1\x82\xd1\x81\xd1\x8f</b>.</p>",
		       "atom 0.3: mode=base64 content decoded");
		is_str(a->language, "ru", "atom 0.3: xml:lang");
	} else {
		ok(0, "atom 0.3: one entry");
	}
	result_free(&r);
}

static const char ru_title[] = "\xd0\x94\xd0\xb5\xd0\xbf\xd1\x83\xd1\x82\xd0\xb0\xd1\x82\xd1\x8b \xd0\x93\xd0\xbe\xd1\x81\xd0\xb4\xd1\x83\xd0\xbc\xd1\x8b";
static const char ru_yo[] = "\xd0\x81\xd0\xbb\xd0\xba\xd1\x83 \xd0\xbd\xd0\xb0 \xd0\x94\xd0\xb2\xd0\xbe\xd1\x80\xd1\x86\xd0\xbe\xd0\xb2\xd0\xbe\xd0\xb9 \xd0\xbf\xd0\xbb\xd0\xbe\xd1\x89\xd0\xb0\xd0\xb4\xd0\xb8 \xd1\x83\xd1\x81\xd1\x82\xd0\xb0\xd0\xbd\xd0\xbe\xd0\xb2\xd1\x8f\xd1\x82 15 \xd0\xb4\xd0\xb5\xd0\xba\xd0\xb0\xd0\xb1\xd1\x80\xd1\x8f";

static void check_russian(const char *name, const struct pw_feed_parse_opts *o, const char *enc)
{
	struct result r;
	parse_file(name, o, &r);
	is_int(r.n, 2, "%s: two items", name);
	if (r.n == 2) {
		ok(r.items[0]->title && strncmp(r.items[0]->title, ru_title, strlen(ru_title)) == 0, "%s: Cyrillic title", name);
		is_str(r.items[1]->title, ru_yo, "%s: letter \xd0\x81 survives", name);
		ok(r.items[0]->summary && strstr(r.items[0]->summary, "\xd0\xbf\xd1\x80\xd0\xb5\xd1\x81\xd1\x81-\xd1\x81\xd0\xbb\xd1\x83\xd0\xb6\xd0\xb1\xd0\xb0"), "%s: description", name);
	}
	is_str(r.info.encoding, enc, "%s: read as %s", name, enc);
	is_int(r.info.xml_errors, 0, "%s: no errors", name);
	result_free(&r);
}

static void test_charsets(void)
{
	check_russian("rss20_ru_cp1251.xml", NULL, "WINDOWS-1251");
	check_russian("rss20_ru_koi8r.xml", NULL, "KOI8-R");
	check_russian("rss20_ru_cp1251_undeclared.xml", NULL, "WINDOWS-1251");
	struct pw_feed_parse_opts o = { "windows-1251", NULL, NULL, 0, 0, 0 };
	check_russian("rss20_ru_http_charset.xml", &o, "WINDOWS-1251");
	struct pw_feed_parse_opts q = { "\"CP1251\"", NULL, NULL, 0, 0, 0 };
	check_russian("rss20_ru_http_charset.xml", &q, "WINDOWS-1251");

	struct result r;
	parse_file("rss20_ru_http_charset.xml", NULL, &r);
	ok(r.n == 2 && r.items[0]->title && strncmp(r.items[0]->title, ru_title, strlen(ru_title)) != 0,
	   "without the HTTP charset the (wrong) declaration is followed");
	result_free(&r);

	const char *u16[] = { "atom10_utf16le_bom.xml", "atom10_utf16be_nobom.xml" };
	for (int i = 0; i < 2; i++) {
		parse_file(u16[i], NULL, &r);
		is_int(r.n, 1, "%s: one entry", u16[i]);
		if (r.n == 1)
			is_str(r.items[0]->title, "\xd0\x9f\xd0\xb0\xd1\x88\xd0\xb8\xd0\xbd\xd1\x8f\xd0\xbd \xd0\xb2\xd1\x81\xd1\x82\xd1\x80\xd0\xb5\xd1\x82\xd0\xb8\xd0\xbb\xd1\x81\xd1\x8f \xd1\x81 \xd0\x90\xd0\xbb\xd0\xb8\xd0\xb5\xd0\xb2\xd1\x8b\xd0\xbc \xd0\xb2 \xd0\x9f\xd1\x80\xd0\xb0\xd0\xb3\xd0\xb5",
			       "%s: UTF-16 to UTF-8", u16[i]);
		is_int(r.info.xml_errors, 0, "%s: no errors", u16[i]);
		result_free(&r);
	}

	parse_file("rss20_invalid_utf8.xml", NULL, &r);
	is_int(r.n, 2, "invalid UTF-8: both items kept");
	if (r.n == 2) {
		is_str(r.items[0]->title, "Kutaisi \xef\xbf\xbd court \xef\xbf\xbd rules on the mayor",
		       "invalid UTF-8: bad bytes become U+FFFD, the title is not truncated");
		is_str(r.items[0]->summary, "Body survives: ctrlchar.", "invalid UTF-8: control character dropped");
		is_str(r.items[1]->title, "Second item is intact", "invalid UTF-8: next item intact");
	}
	result_free(&r);

	/* C1 controls from a Latin-1 round trip are read as windows-1252 */
	static const char c1[] = "<rss version=\"2.0\"><channel><item><title>don\xc2\x92t \xc2\x93quote\xc2\x94</title></item></channel></rss>";
	parse(c1, sizeof c1 - 1, NULL, 0, &r);
	if (r.n == 1)
		is_str(r.items[0]->title, "don\xe2\x80\x99t \xe2\x80\x9cquote\xe2\x80\x9d", "C1 controls mapped to windows-1252 punctuation");
	else
		ok(0, "C1 feed has one item");
	result_free(&r);
}

static void test_recovery(void)
{
	struct result r;
	parse_file("rss20_broken_items.xml", NULL, &r);
	is_int(r.status, PW_FEED_OK, "broken items: status ok");
	ok(r.info.xml_errors > 0, "broken items: errors are reported");
	is_int(r.n, 3, "broken items: all three items recovered");
	if (r.n == 3) {
		is_str(r.items[0]->title, "Kazakhstan & Kyrgyzstan sign water deal", "bare & kept in a title");
		is_str(r.items[0]->link, "https://eurasianet.example/kazakhstan-kyrgyzstan-water?a=1&b=2", "bare & kept in a link");
		is_str(r.items[1]->title, "Tajik opposition figure detained", "mismatched tags inside a title");
		is_str(r.items[2]->link, "https://eurasianet.example/uzbekistan-visa-rules", "item after the broken one is intact");
	}
	result_free(&r);

	parse_file("rss20_truncated.xml", NULL, &r);
	is_int(r.n, 2, "truncated: the complete item and the cut one");
	if (r.n == 2)
		is_str(r.items[1]->summary, "The connection dropped while this descrip", "truncated: partial text kept");
	ok(r.info.xml_errors > 0, "truncated: reported as not well-formed");
	result_free(&r);

	parse_file("rss20_php_warning_prefix.xml", NULL, &r);
	is_int(r.status, PW_FEED_OK, "PHP warning before the XML: recovered");
	is_str(r.info.title, "Apsny Press (after a PHP warning)", "PHP warning before the XML: feed read");
	ok(r.n == 1 && strcmp(r.items[0]->link, "https://apsny.example/news/4410") == 0, "PHP warning before the XML: item read");
	ok(r.info.xml_errors > 0, "PHP warning before the XML: reported");
	result_free(&r);

	parse_file("rss20_ru_mislabelled_utf8.xml", NULL, &r);
	is_str(r.info.encoding, "WINDOWS-1251", "windows-1251 bytes declared as UTF-8: read as windows-1251");
	is_str(r.info.title, "\xd0\x9d\xd0\xbe\xd0\xb2\xd0\xbe\xd1\x81\xd1\x82\xd0\xb8 \xd0\xa1\xd0\xb5\xd0\xb2\xd0\xb5\xd1\x80\xd0\xbd\xd0\xbe\xd0\xb9 \xd0\x9e\xd1\x81\xd0\xb5\xd1\x82\xd0\xb8\xd0\xb8",
	       "windows-1251 bytes declared as UTF-8: title");
	result_free(&r);

	parse_file("rss20_internal_entity.xml", NULL, &r);
	is_int(r.status, PW_FEED_OK, "internal entity: accepted");
	is_str(r.info.title, "Civil.ge headlines", "internal entity expanded in the channel title");
	if (r.n == 1)
		is_str(r.items[0]->title, "Civil.ge joins press-freedom coalition", "internal entity expanded in an item");
	result_free(&r);

	static const char undef[] = "<rss><channel><title>A &bogus; B &amp; C</title></channel></rss>";
	parse(undef, sizeof undef - 1, NULL, 0, &r);
	is_str(r.info.title, "A &bogus; B & C", "undefined entity kept as written");
	ok(r.info.xml_errors > 0, "undefined entity counts as an error");
	is_int(r.status, PW_FEED_EMPTY, "channel without items: PW_FEED_EMPTY");
	result_free(&r);

	/* very deep nesting is bounded, not a crash */
	struct pw_buf deep = PW_BUF_INIT;
	pw_buf_puts(&deep, "<rss><channel><item><title>deep</title><description>");
	for (int i = 0; i < 2000; i++)
		pw_buf_puts(&deep, "<div>");
	pw_buf_puts(&deep, "x");
	for (int i = 0; i < 2000; i++)
		pw_buf_puts(&deep, "</div>");
	pw_buf_puts(&deep, "</description></item></channel></rss>");
	parse(deep.data, deep.len, NULL, 0, &r);
	ok(r.n == 1 && r.items[0]->title && strcmp(r.items[0]->title, "deep") == 0, "2000 nested elements: item still parsed");
	result_free(&r);
	pw_buf_free(&deep);
}

static void test_dates(void)
{
	struct result r;
	parse_file("rss20_dates.xml", NULL, &r);
	static const int64_t want[] = { 1733221200, 1733253600, 1733235600, 1733011200, 1733235600, PW_NOTIME, PW_NOTIME };
	is_int(r.n, 7, "dates: seven items");
	for (size_t i = 0; i < r.n && i < 7; i++)
		is_int(r.items[i]->published, want[i], "dates: %s", r.items[i]->title);
	result_free(&r);
}

static void test_unsafe_and_not_feeds(void)
{
	struct result r;
	parse_file("unsafe_entity_bomb.xml", NULL, &r);
	is_int(r.status, PW_FEED_UNSAFE, "entity bomb: PW_FEED_UNSAFE");
	ok(strstr(r.error, "entit") != NULL, "entity bomb: clear error (%s)", r.error);
	is_int(r.n, 0, "entity bomb: nothing delivered");
	result_free(&r);

	parse_file("unsafe_xxe.xml", NULL, &r);
	is_int(r.status, PW_FEED_UNSAFE, "XXE: PW_FEED_UNSAFE");
	ok(strstr(r.error, "external entity") != NULL, "XXE: clear error (%s)", r.error);
	ok(strstr(pw_buf_cstr(&r.dump), "root:") == NULL, "XXE: no file content leaked");
	result_free(&r);

	/* many small entities used many times: the expansion cap stops it */
	struct pw_buf amp = PW_BUF_INIT;
	pw_buf_puts(&amp, "<!DOCTYPE rss [<!ENTITY x \"");
	for (int i = 0; i < 4000; i++)
		pw_buf_putc(&amp, 'x');
	pw_buf_puts(&amp, "\">]><rss><channel><title>");
	for (int i = 0; i < 400; i++)
		pw_buf_puts(&amp, "&x;");
	pw_buf_puts(&amp, "</title></channel></rss>");
	struct pw_feed_parse_opts small = { NULL, NULL, NULL, 1024 * 1024, 0, 0 };
	parse(amp.data, amp.len, &small, 0, &r);
	is_int(r.status, PW_FEED_UNSAFE, "entity expansion beyond the body cap: PW_FEED_UNSAFE");
	result_free(&r);
	pw_buf_free(&amp);

	const char *nf[] = { "not_feed_page.html", "not_feed.json", "empty.xml", "not_feed_xml.xml" };
	const char *why[] = { "HTML", "JSON", "empty", "sitemapindex" };
	for (int i = 0; i < 4; i++) {
		parse_file(nf[i], NULL, &r);
		is_int(r.status, PW_FEED_NOT_FEED, "%s: PW_FEED_NOT_FEED", nf[i]);
		ok(strstr(r.error, why[i]) != NULL, "%s: error names the reason (%s)", nf[i], r.error);
		result_free(&r);
	}
	static const char text[] = "Service temporarily unavailable";
	parse(text, sizeof text - 1, NULL, 0, &r);
	is_int(r.status, PW_FEED_NOT_FEED, "plain text: not a feed");
	result_free(&r);
	static const char ws[] = "  \n\t  ";
	parse(ws, sizeof ws - 1, NULL, 0, &r);
	is_int(r.status, PW_FEED_NOT_FEED, "whitespace only: not a feed");
	result_free(&r);
	static const char garbage[] = "<<<>>>";
	parse(garbage, sizeof garbage - 1, NULL, 0, &r);
	ok(r.status == PW_FEED_MALFORMED || r.status == PW_FEED_NOT_FEED, "markup garbage: malformed or not a feed");
	result_free(&r);
}

static void test_caps(void)
{
	size_t len;
	char *data = load("rss20_ocmedia.xml", &len);
	struct result r;

	struct pw_feed_parse_opts o1 = { NULL, NULL, NULL, 0, 0, 1 };
	parse(data, len, &o1, 0, &r);
	is_int(r.status, PW_FEED_TRUNCATED, "max_items 1: PW_FEED_TRUNCATED (not TOO_LARGE)");
	is_str(pw_feed_status_name(r.status), "truncated", "max_items 1: status name 'truncated'");
	is_int(r.n, 1, "max_items 1: the first item delivered");
	result_free(&r);

	struct pw_feed_parse_opts o2 = { NULL, NULL, NULL, 600, 0, 0 };
	struct pw_feed_parser *p = pw_feed_parser_new(&o2, collect, &r);
	memset(&r, 0, sizeof r);
	int rc1 = pw_feed_parser_push(p, data, 500);
	int rc2 = pw_feed_parser_push(p, data + 500, 500);
	is_int(rc1, 0, "max_bytes: push under the cap is fine");
	is_int(rc2, -1, "max_bytes: push over the cap fails");
	is_int(pw_feed_parser_push(p, data, 1), -1, "max_bytes: later pushes keep failing");
	is_int(pw_feed_parser_finish(p), PW_FEED_TOO_LARGE, "max_bytes: PW_FEED_TOO_LARGE");
	ok(strstr(pw_feed_parser_error(p), "600") != NULL, "max_bytes: error names the cap");
	pw_feed_parser_free(p);
	for (size_t i = 0; i < r.n; i++)
		pw_feed_item_free(r.items[i]);
	free(r.items);

	struct pw_feed_parse_opts o3 = { NULL, NULL, NULL, 0, 16, 0 };
	parse(data, len, &o3, 0, &r);
	is_int(r.n, 3, "max_field: items still delivered");
	if (r.n == 3)
		ok(r.items[0]->title && strlen(r.items[0]->title) <= 16, "max_field: title cut to 16 bytes (%s)", r.items[0]->title);
	result_free(&r);
	free(data);

	/* a big generated feed streams through in small chunks */
	struct pw_buf big = PW_BUF_INIT;
	pw_buf_puts(&big, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title>");
	for (int i = 0; i < 3000; i++)
		pw_buf_printf(&big, "<item><title>Item %d &#8212; \xd0\xbd\xd0\xbe\xd0\xb2\xd0\xbe\xd1\x81\xd1\x82\xd1\x8c</title><link>https://big.example/%d</link>"
		              "<pubDate>Tue, 03 Dec 2024 %02d:%02d:00 GMT</pubDate></item>", i, i, i / 60 % 24, i % 60);
	pw_buf_puts(&big, "</channel></rss>");
	parse(big.data, big.len, NULL, 4096, &r);
	is_int(r.status, PW_FEED_OK, "3000 items in 4 KiB chunks: ok");
	is_int(r.n, 3000, "3000 items in 4 KiB chunks: all delivered");
	if (r.n == 3000) {
		is_str(r.items[2999]->link, "https://big.example/2999", "last item link");
		is_int(r.items[61]->published, 1733187660, "item 61 date");
	}
	result_free(&r);
	pw_buf_free(&big);
}

/* 1 when s is whole, valid UTF-8 */
static int valid_utf8(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; ) {
		size_t k = pw_utf8_seq((const unsigned char *)s + i, n - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

/*
 * The caps that presswatch.conf sets ([limits] max_items_per_document, max_field_size), on a
 * wire feed of 5 items whose first two titles are Cyrillic (2-byte characters) and emoji
 * (4-byte characters): whole pushes and 1-byte pushes (many text nodes per field) agree.
 */
static void test_config_caps(void)
{
	size_t len;
	char *data = load("rss20_caps.xml", &len);
	static const char *const guids[] = { "kw-20250311-0901", "kw-20250311-0845", "kw-20250311-0810",
	                                     "kw-20250311-0735", "kw-20250311-0700" };
	for (size_t chunk = 0; chunk <= 1; chunk++) {
		const char *how = chunk ? "1-byte pushes" : "one push";
		struct result r;

		struct pw_feed_parse_opts o3 = { .max_items = 3 };
		parse(data, len, &o3, chunk, &r);
		is_int(r.status, PW_FEED_TRUNCATED, "items cap 3 of 5 (%s): PW_FEED_TRUNCATED", how);
		is_str(r.error, "more than 3 items: the first 3 were kept", "items cap 3 (%s): the error names the cap", how);
		is_int(r.n, 3, "items cap 3 (%s): 3 items delivered", how);
		for (size_t i = 0; i < r.n && i < 3; i++)
			is_str(r.items[i]->guid, guids[i], "items cap 3 (%s): item %zu is the document's item %zu", how, i + 1, i + 1);
		is_str(r.info.title, "Kavkaz Wire — latest", "items cap 3 (%s): the feed's title is kept", how);
		result_free(&r);

		struct pw_feed_parse_opts o5 = { .max_items = 5 };
		parse(data, len, &o5, chunk, &r);
		is_int(r.status, PW_FEED_OK, "items cap 5 on 5 items (%s): ok, the document is whole", how);
		is_str(r.error, "", "items cap 5 (%s): no error", how);
		is_int(r.n, 5, "items cap 5 (%s): all 5 items", how);
		result_free(&r);

		struct pw_feed_parse_opts o4 = { .max_items = 4 };
		parse(data, len, &o4, chunk, &r);
		is_int(r.status, PW_FEED_TRUNCATED, "items cap 4 on 5 items (%s): truncated", how);
		is_int(r.n, 4, "items cap 4 (%s): 4 items", how);
		result_free(&r);

		struct pw_feed_parse_opts o0 = { .max_items = 0, .max_field = 0 };
		parse(data, len, &o0, chunk, &r);
		is_int(r.status, PW_FEED_OK, "caps 0 = defaults (%s): ok", how);
		is_int(r.n, 5, "caps 0 = defaults (%s): 5 items", how);
		if (r.n == 5) {
			is_str(r.items[0]->title, "Заявление МИД Армении по итогам переговоров в Брюсселе",
			       "defaults (%s): the Cyrillic title whole", how);
			is_str(r.items[1]->title, "🔴🔴🔴🔴🔴 Live: border commission meets in Gazakh",
			       "defaults (%s): the emoji title whole", how);
		}
		result_free(&r);

		/* 17 bytes: "Заявление" is 18 bytes, the 9th letter's second byte would be the 18th;
		 * 5 emoji are 20 bytes, the 5th starts at byte 17 */
		struct pw_feed_parse_opts of = { .max_field = 17 };
		parse(data, len, &of, chunk, &r);
		is_int(r.status, PW_FEED_OK, "field cap 17 (%s): ok (a cut field is no error)", how);
		is_int(r.n, 5, "field cap 17 (%s): every item delivered", how);
		if (r.n == 5) {
			is_str(r.items[0]->title, "Заявлени", "field cap 17 (%s): Cyrillic title cut before the "
			       "letter that does not fit (16 bytes)", how);
			is_str(r.items[1]->title, "🔴🔴🔴🔴", "field cap 17 (%s): emoji title cut before the 4-byte "
			       "character that does not fit (16 bytes)", how);
			is_str(r.items[2]->title, "Georgian parliame", "field cap 17 (%s): ASCII title cut at "
			       "17 bytes", how);
			is_str(r.items[0]->author, "Анна Григ", "field cap 17 (%s): author cut too", how);
			int good = 1;
			for (size_t i = 0; i < r.n; i++) {
				const struct pw_feed_item *it = r.items[i];
				const char *fields[] = { it->title, it->author, it->link, it->summary };
				for (size_t k = 0; k < 4; k++)
					if (fields[k] && !valid_utf8(fields[k]))
						good = 0;
			}
			ok(good, "field cap 17 (%s): every field is valid UTF-8", how);
			ok(strlen(r.items[3]->title) <= 17, "field cap 17 (%s): no title over 17 bytes", how);
		}
		result_free(&r);
	}
	free(data);

	/* A field that arrives as several text nodes (here: around an entity): once cut, nothing
	 * after the cut is added -- "Заявление" (18 bytes) is cut to 16 at a cap of 17, and the
	 * 1-byte "&" that follows would fit in the byte left over. */
	static const char split[] = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>"
		"<title>Kavkaz Wire</title><item><title>Заявление&amp;ответ МИД</title>"
		"<guid isPermaLink=\"false\">kw-split</guid></item></channel></rss>";
	for (size_t chunk = 0; chunk <= 1; chunk++) {
		struct result r;
		struct pw_feed_parse_opts of = { .max_field = 17 };
		parse(split, sizeof split - 1, &of, chunk, &r);
		is_int(r.n, 1, "cut field of several text nodes (%s): one item", chunk ? "1-byte pushes" : "one push");
		if (r.n == 1)
			is_str(r.items[0]->title, "Заявлени", "cut field of several text nodes (%s): nothing after "
			       "the cut", chunk ? "1-byte pushes" : "one push");
		result_free(&r);
	}
}

/* the item whose guid is guid, or NULL */
static const struct pw_feed_item *by_guid(const struct result *r, const char *guid)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->items[i]->guid, guid) == 0)
			return r->items[i];
	return NULL;
}

/*
 * [limits] max_field_size cuts summary, content and title before the HTML is cleaned: the
 * stored field ends before the entity, tag, comment or character that the cap cut through,
 * never in "&am", "&#82", "<a href=..." or half a letter.  The fixtures' fields are longer
 * than 120 bytes and each puts a different construct across byte 120.
 */
static void test_field_cut(void)
{
	static const struct { const char *guid, *summary, *what; } rss[] = {
		{ "cl-named", "<p>The foreign ministers of Armenia and Azerbaijan met in Washington on Tuesday "
		  "afternoon, where the two delegations", "cut in &amp; (CDATA): ends before the '&'" },
		{ "cl-numeric", "<p>Tbilisi, 14 March. Thousands gathered outside parliament for the fourth night "
		  "of protests against the draft bill", "cut in &#8212;: ends before the '&'" },
		{ "cl-hex", "<p>Yerevan, 2 April. The central bank kept its key rate at 6.75 per cent, and said that "
		  "annual inflation is easing", "cut in &#x2014;: ends before the '&'" },
		{ "cl-tag", "<p>The border commission met in Gazakh.", "cut in <a title=\"..>..\" href=\"..\": "
		  "the whole tag goes, a '>' inside quotes ends nothing" },
		{ "cl-cyr", "<p>Министр иностранных дел Армении, Арарат Мирзоян заявил, что сто",
		  "escaped HTML, Cyrillic: cut in a 2-byte letter, the letter goes" },
		{ "cl-cyr-entity", "<p>«Газпром Армения» сообщила, что поставки &laquo;голубого топлива",
		  "Cyrillic text cut in &raquo;: ends before it, the whole &laquo; stays" },
		{ "cl-geo", "<p>Tbilisi. თბილისის მერიამ განაცხადა, რომ რუსთაველ",
		  "Georgian: cut in a 3-byte letter, the letter goes" },
		{ "cl-emoji", "<p>Live updates from the border commission meeting in Gazakh, day two "
		  "🔴🔴🔴🔴🔴🔴🔴🔴🔴🔴🔴🔴", "cut in a 4-byte character: 12 whole ones stay" },
		{ "cl-title", "<p>A short guide to the draft.</p>", "a field under the cap is whole" },
	};
	size_t len;
	char *data = load("rss20_field_cut.xml", &len);
	struct pw_feed_parse_opts o = { .base_url = "https://ledger.example/feed", .max_field = 120 };
	struct result whole, bytes;
	parse(data, len, &o, 0, &whole);
	parse(data, len, &o, 1, &bytes);
	free(data);
	is_int(whole.status, PW_FEED_OK, "field cut: status ok");
	is_int(whole.n, PW_ARRAY_SIZE(rss), "field cut: every item delivered");
	for (size_t i = 0; i < PW_ARRAY_SIZE(rss); i++) {
		const struct pw_feed_item *it = by_guid(&whole, rss[i].guid);
		is_str(it ? it->summary : NULL, rss[i].summary, "field cut, %s: %s", rss[i].guid, rss[i].what);
	}
	const struct pw_feed_item *t = by_guid(&whole, "cl-title");
	is_str(t ? t->title : NULL, "Armenia & Azerbaijan: what the draft peace treaty says about the borders, "
	       "the corridors and the OSCE Minsk Group", "field cut, title (escaped HTML) cut in &amp;amp;: no \"&am\"");
	is_str(t ? t->content : NULL, "<p>The draft has seventeen articles.</p>",
	       "field cut, content:encoded cut inside a comment: the comment goes");
	/* what the entry-text stage makes of a cut field: text, no markup debris */
	const struct pw_feed_item *tag = by_guid(&whole, "cl-tag");
	char *text = pw_html_blocks_to_text(tag && tag->summary ? tag->summary : "", "\n\n");
	is_str(text, "The border commission met in Gazakh.", "field cut: the cut tag leaves no text behind");
	free(text);
	int good = 1;
	for (size_t i = 0; i < whole.n; i++)
		if (whole.items[i]->summary && strlen(whole.items[i]->summary) > 120)
			good = 0;
	ok(good, "field cut: no summary over the 120-byte cap");
	is_str(bytes.dump.data, whole.dump.data, "field cut: 1-byte pushes store the same fields");
	result_free(&whole);
	result_free(&bytes);

	/* XHTML content is serialised by the parser: a CDATA section's '<' and '&' become &lt; and
	 * &amp;, and the cap can cut those too; a tag it writes can be cut like any other */
	data = load("atom10_field_cut.xml", &len);
	parse(data, len, &o, 0, &whole);
	parse(data, len, &o, 1, &bytes);
	free(data);
	is_int(whole.n, 2, "field cut, xhtml: two entries");
	t = by_guid(&whole, "tag:ledger.example,2025:rates");
	is_str(t ? t->content : NULL, "<p>The board's statement of 2 April, read out after the vote, gives the rule in "
	       "one line: cut when inflation &lt; 4%", "field cut, xhtml: cut in the &amp; a CDATA '&' became: ends before it");
	t = by_guid(&whole, "tag:ledger.example,2025:map");
	is_str(t ? t->content : NULL, "<p>The commission published the agreed section as a map.",
	       "field cut, xhtml: cut in a serialised <a href class>: the tag goes");
	is_str(bytes.dump.data, whole.dump.data, "field cut, xhtml: 1-byte pushes store the same fields");
	result_free(&whole);
	result_free(&bytes);
}

/*
 * Summary and content are stored as HTML whatever the feed said: a plain-text construct
 * (Atom type="text" or no type, Media RSS description, iTunes summary) is escaped as it is
 * read, so that the entry-text stage, alert snippets and the CLI, which all read the field as
 * HTML, get back the characters the feed meant -- a literal "<b>", "a < b", "AT&amp;T" --
 * instead of markup to strip or an entity to decode twice.
 */
static void test_text_constructs(void)
{
	struct result r;
	parse_file("atom10_text_constructs.xml", NULL, &r);
	is_int(r.status, PW_FEED_OK, "text constructs: status ok");
	is_str(r.info.title, "Caspian Wire <beta>", "text constructs: type=text feed title is the text");
	const struct pw_feed_item *t = by_guid(&r, "tag:caspian-wire.example,2025:telecom");
	const struct pw_feed_item *h = by_guid(&r, "tag:caspian-wire.example,2025:telecom-html");
	const struct pw_feed_item *ru = by_guid(&r, "tag:caspian-wire.example,2025:gas");
	const struct pw_feed_item *mis = by_guid(&r, "tag:caspian-wire.example,2025:mislabelled");
	is_str(t ? t->title : NULL, "Regulator fines AT&amp;T unit over <b>roaming</b> fees",
	       "type=text title: plain text, '<b>' and '&amp;' are characters");
	is_str(h ? h->title : NULL, "Regulator fines AT&T unit over roaming fees",
	       "type=html title: markup stripped, entity decoded once (as before)");
	is_str(t ? t->summary : NULL, "The &lt;b&gt; tag in the operator's SMS was a typo, AT&amp;amp;T said: "
	       "where a &lt; b and c &gt; d, the fee is capped.", "type=text summary: '&' '<' '>' escaped");
	is_str(t ? t->content : NULL, "Baku, 14 May.  The regulator fined the AT&amp;T unit 40,000 manat.\n"
	       "    Officials said the rule is simple: if a &lt; b and c &gt; d, the lower fee applies.\n"
	       "<br>\n    The operator has 30 days to appeal &amp; said it would.",
	       "type=text content: escaped, line breaks kept, the blank line marked as a paragraph break");
	is_str(h ? h->summary : NULL, "The <b> tag in the operator's SMS was a typo, AT&amp;T said: "
	       "where a < b and c > d, the fee is capped.", "type=html summary: the HTML, as before");
	is_str(ru ? ru->summary : NULL, "\xd0\x9a\xd0\xbe\xd0\xbc\xd0\xbf\xd0\xb0\xd0\xbd\xd0\xb8\xd1\x8f "
	       "\xc2\xab\xd0\x90\xd0\xb7\xd0\xb5\xd1\x80\xd0\xb8\xd0\xb3\xd0\xb0\xd0\xb7\xc2\xbb &amp; "
	       "\xd1\x80\xd0\xb5\xd0\xb3\xd1\x83\xd0\xbb\xd1\x8f\xd1\x82\xd0\xbe\xd1\x80: "
	       "\xd1\x82\xd0\xb0\xd1\x80\xd0\xb8\xd1\x84 &lt; 13 "
	       "\xd0\xb3\xd1\x8f\xd0\xbf\xd0\xb8\xd0\xba\xd0\xbe\xd0\xb2 \xd0\xb7\xd0\xb0 "
	       "\xd0\xba\xd1\x83\xd0\xb1\xd0\xbe\xd0\xbc\xd0\xb5\xd1\x82\xd1\x80.\n"
	       "\xd0\xa0\xd0\xb5\xd1\x88\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5 \xd0\xb2\xd1\x81\xd1\x82\xd1\x83"
	       "\xd0\xbf\xd0\xb0\xd0\xb5\xd1\x82 \xd0\xb2 \xd1\x81\xd0\xb8\xd0\xbb\xd1\x83 1 "
	       "\xd0\xb8\xd1\x8e\xd0\xbd\xd1\x8f.", "no type (text): Cyrillic summary escaped, its line break kept");
	is_str(mis ? mis->summary : NULL, "Cargo through <b>Alat</b> rose 12% &lt;y/y&gt;.",
	       "type=text with child elements: they stay markup and are cleaned (script gone), text escaped");

	/* what the entry-text stage reads back (pw_entry_text: blocks, then pw_html_to_text) */
	static const struct { const char *guid, *field, *text; } want[] = {
		{ "tag:caspian-wire.example,2025:telecom", "summary", "The <b> tag in the operator's SMS was a typo, "
		  "AT&amp;T said: where a < b and c > d, the fee is capped." },
		{ "tag:caspian-wire.example,2025:telecom", "content", "Baku, 14 May. The regulator fined the AT&T unit "
		  "40,000 manat. Officials said the rule is simple: if a < b and c > d, the lower fee applies.\n\n"
		  "The operator has 30 days to appeal & said it would." },
		{ "tag:caspian-wire.example,2025:telecom-html", "content", "Baku, 14 May. The regulator fined the AT&T "
		  "unit 40,000 manat.\n\nIf a < b and c > d, the lower fee applies." },
		{ "tag:caspian-wire.example,2025:gas", "summary", "\xd0\x9a\xd0\xbe\xd0\xbc\xd0\xbf\xd0\xb0\xd0\xbd"
		  "\xd0\xb8\xd1\x8f \xc2\xab\xd0\x90\xd0\xb7\xd0\xb5\xd1\x80\xd0\xb8\xd0\xb3\xd0\xb0\xd0\xb7"
		  "\xc2\xbb & \xd1\x80\xd0\xb5\xd0\xb3\xd1\x83\xd0\xbb\xd1\x8f\xd1\x82\xd0\xbe\xd1\x80: "
		  "\xd1\x82\xd0\xb0\xd1\x80\xd0\xb8\xd1\x84 < 13 \xd0\xb3\xd1\x8f\xd0\xbf\xd0\xb8\xd0\xba"
		  "\xd0\xbe\xd0\xb2 \xd0\xb7\xd0\xb0 \xd0\xba\xd1\x83\xd0\xb1\xd0\xbe\xd0\xbc\xd0\xb5\xd1\x82"
		  "\xd1\x80. \xd0\xa0\xd0\xb5\xd1\x88\xd0\xb5\xd0\xbd\xd0\xb8\xd0\xb5 \xd0\xb2\xd1\x81\xd1\x82"
		  "\xd1\x83\xd0\xbf\xd0\xb0\xd0\xb5\xd1\x82 \xd0\xb2 \xd1\x81\xd0\xb8\xd0\xbb\xd1\x83 1 "
		  "\xd0\xb8\xd1\x8e\xd0\xbd\xd1\x8f." },
	};
	for (size_t i = 0; i < PW_ARRAY_SIZE(want); i++) {
		const struct pw_feed_item *it = by_guid(&r, want[i].guid);
		const char *html = !it ? NULL : strcmp(want[i].field, "summary") == 0 ? it->summary : it->content;
		char *text = pw_html_blocks_to_text(html ? html : "", "\n\n");
		is_str(text, want[i].text, "text constructs, %s %s: the entry text is the feed's text", want[i].guid,
		       want[i].field);
		free(text);
	}
	result_free(&r);

	/* RSS: Media RSS descriptions are plain text unless type="html"; iTunes summaries are text */
	static const char rss[] =
		"<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\" "
		"xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\"><channel><title>Radio Caspian</title>"
		"<link>https://radio-caspian.example/</link>"
		"<item><guid>m1</guid><title>Episode 12</title>"
		"<media:description>Q&amp;A: is 3 &lt; 5? &lt;b&gt; is not bold here</media:description></item>"
		"<item><guid>m2</guid><title>Episode 13</title>"
		"<media:description type=\"html\">&lt;p&gt;Q&amp;amp;A &lt;b&gt;live&lt;/b&gt;&lt;/p&gt;</media:description></item>"
		"<item><guid>m3</guid><title>Episode 14</title>"
		"<itunes:summary>Guests: Aliyev &amp; Petrosyan &lt;interview&gt;</itunes:summary></item>"
		"<item><guid>m4</guid><title>Episode 15</title>"
		"<description>&lt;p&gt;RSS description: HTML &amp;amp; as before&lt;/p&gt;</description></item>"
		"</channel></rss>";
	parse(rss, sizeof rss - 1, NULL, 0, &r);
	is_int(r.n, 4, "rss plain-text fields: four items");
	const struct pw_feed_item *m1 = by_guid(&r, "m1"), *m2 = by_guid(&r, "m2"), *m3 = by_guid(&r, "m3");
	const struct pw_feed_item *m4 = by_guid(&r, "m4");
	is_str(m1 ? m1->summary : NULL, "Q&amp;A: is 3 &lt; 5? &lt;b&gt; is not bold here",
	       "media:description (plain) as summary: escaped");
	is_str(m2 ? m2->summary : NULL, "<p>Q&amp;A <b>live</b></p>", "media:description type=html: HTML");
	is_str(m3 ? m3->summary : NULL, "Guests: Aliyev &amp; Petrosyan &lt;interview&gt;",
	       "itunes:summary as summary: escaped");
	is_str(m4 ? m4->summary : NULL, "<p>RSS description: HTML &amp; as before</p>", "rss description: HTML as before");
	result_free(&r);

	/* the field cap cuts what the escaping wrote: never inside an "&amp;" it made */
	static const char cut[] =
		"<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>c1</id><title>Cut</title>"
		"<summary>0123456789012345678901234 AT&amp;T</summary></entry></feed>";
	struct pw_feed_parse_opts o = { .max_field = 31 };
	parse(cut, sizeof cut - 1, &o, 0, &r);
	is_str(r.n ? r.items[0]->summary : NULL, "0123456789012345678901234 AT",
	       "field cut inside the &amp; that escaping wrote: ends before it");
	result_free(&r);
}

static void test_options(void)
{
	struct result r;
	static const char nolang[] = "<rss version=\"2.0\"><channel><title>t</title><item><title>x</title><link>a/b</link></item></channel></rss>";
	struct pw_feed_parse_opts o = { NULL, "https://news.example/feeds/main.xml", "ka", 0, 0, 0 };
	parse(nolang, sizeof nolang - 1, &o, 0, &r);
	is_str(r.info.language, "ka", "opts.language used when the feed has none");
	if (r.n == 1) {
		is_str(r.items[0]->language, "ka", "opts.language for items too");
		is_str(r.items[0]->link, "https://news.example/feeds/a/b", "relative link against opts.base_url");
	} else {
		ok(0, "one item");
	}
	result_free(&r);

	/* '&amp;' in attributes (Atom hrefs, enclosure URLs) is '&', not libxml2's "&#38;" */
	static const char amp[] = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>x</id>"
		"<link href=\"https://a.example/news?id=5&amp;lang=ka&amp;amp;x\"/>"
		"<link rel=\"enclosure\" href=\"https://a.example/v.mp4?a=1&amp;b=2\"/>"
		"<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><a href=\"https://a.example/?q=1&amp;r=2\">x</a></div></content>"
		"</entry></feed>";
	parse(amp, sizeof amp - 1, NULL, 0, &r);
	if (r.n == 1) {
		is_str(r.items[0]->link, "https://a.example/news?id=5&lang=ka&amp;x", "&amp; in an Atom href");
		ok(r.items[0]->nenclosures == 1 && strcmp(r.items[0]->enclosures[0], "https://a.example/v.mp4?a=1&b=2") == 0,
		   "&amp; in an enclosure href");
		is_str(r.items[0]->content, "<a href=\"https://a.example/?q=1&amp;r=2\">x</a>", "&amp; in xhtml attributes re-escaped once");
	} else {
		ok(0, "amp entry parsed");
	}
	result_free(&r);

	/* HTML in summaries is kept, but never anything that runs */
	static const char evil[] = "<rss version=\"2.0\"><channel><item><title>t</title>"
		"<description><![CDATA[<p onclick=\"steal()\" class=\"lead\">Hi <a href=\"javascript:alert(1)\">x</a>"
		"<a href=\"/ok\" title='a > b'>ok</a><script type=\"text/javascript\">document.cookie</script>"
		"<img src=\"data:text/html;base64,PHNjcmlwdD4=\" alt=\"d\"><img src=\"data:image/png;base64,iVBO\">"
		"<!-- tracking --><iframe src=\"https://ads.example/\">ad</iframe><STYLE>p{}</STYLE>end</p>]]></description>"
		"</item></channel></rss>";
	struct pw_feed_parse_opts eo = { NULL, "https://s.example/feed", NULL, 0, 0, 0 };
	parse(evil, sizeof evil - 1, &eo, 0, &r);
	if (r.n == 1)
		is_str(r.items[0]->summary,
		       "<p class=\"lead\">Hi <a>x</a><a href=\"https://s.example/ok\" title='a > b'>ok</a>"
		       "<img alt=\"d\"><img src=\"data:image/png;base64,iVBO\">end</p>",
		       "summary HTML cleaned: script/iframe/style/comments, on*, javascript: and data: URLs removed");
	else
		ok(0, "evil item parsed");
	result_free(&r);

	/* the buffer convenience API */
	size_t len;
	char *data = load("rss092_reportaz.xml", &len);
	struct pw_feed_info info;
	struct pw_feed_item **items;
	size_t n;
	char *err;
	int st = pw_feed_parse_buffer(data, len, NULL, &info, &items, &n, &err);
	is_int(st, PW_FEED_OK, "parse_buffer: ok");
	is_int(n, 2, "parse_buffer: two items");
	is_str(err, "", "parse_buffer: empty error");
	is_str(info.title, "Report.az \xe2\x80\x94 Son x\xc9\x99\x62\xc9\x99rl\xc9\x99r", "parse_buffer: info owned by the caller");
	for (size_t i = 0; i < n; i++)
		pw_feed_item_free(items[i]);
	free(items);
	free(err);
	pw_feed_info_clear(&info);
	free(data);
	is_str(pw_feed_status_name(PW_FEED_UNSAFE), "unsafe", "status names");
}

int main(void)
{
	const char *src = getenv("top_srcdir");
	fixture_dir = xasprintf("%s/tests/fixtures/feeds", src ? src : ".");
	test_rss20();
	test_old_rss_and_rdf();
	test_atom();
	test_charsets();
	test_recovery();
	test_dates();
	test_unsafe_and_not_feeds();
	test_caps();
	test_config_caps();
	test_field_cut();
	test_text_constructs();
	test_options();
	test_chunking();
	free(fixture_dir);
	return done_testing();
}
