/*
 * test_tag.c -- topic matching and statement detection (feeds/tag.c) against the shipped
 * etc/topics.conf, on the fixtures in tests/fixtures/tags/ and, when present, the seed articles.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "common.h"
#include "config.h"
#include "tag.h"
#include "tap.h"
#include "xmalloc.h"

static char *srcdir;

/* Named officials as a deployment would list them in presswatch.conf [statements]. */
static char *speakers[] = {
	"Zakharova", "Захаров*", "Hajizadeh", "Hacızadə", "Medinsky", "Мединск*", "Aliyev",
	"Əliyev", "Алиев*", "Pashinyan", "Пашинян*", "Peskov", "Песков*", "Lavrov", "Лавров*",
	"Zelensky", "Zelenskyy", "Зеленск*", "Зеленськ*", "Bayramov", "Байрамов*", "Mirzoyan",
	"Мирзоян*",
};

/* ---- helpers ---- */

static char *topics_str(const struct pw_tag_result *r)
{
	struct pw_buf b = PW_BUF_INIT;
	for (size_t i = 0; i < r->ntopics; i++) {
		if (i)
			pw_buf_putc(&b, ',');
		pw_buf_puts(&b, r->topics[i]);
	}
	return pw_buf_detach(&b);
}

static int has_topic(const struct pw_tag_result *r, const char *name)
{
	for (size_t i = 0; i < r->ntopics; i++)
		if (!strcmp(r->topics[i], name))
			return 1;
	return 0;
}

static int has_speaker(const struct pw_tag_result *r, const char *name)
{
	for (size_t i = 0; i < r->nspeakers; i++)
		if (!strcmp(r->speakers[i], name))
			return 1;
	return 0;
}

/* Fixture: first line title, the rest text.  Returns 0 on success. */
static int tag_fixture(const struct pw_tagger *t, const char *name, struct pw_tag_result *r)
{
	char *path = xasprintf("%s/tests/fixtures/tags/%s", srcdir, name);
	char *all = pw_read_file(path, NULL);
	free(path);
	if (!all) {
		ok(0, "%s: readable", name);
		return -1;
	}
	char *nl = strchr(all, '\n');
	char *text = nl ? nl + 1 : "";
	if (nl)
		*nl = '\0';
	pw_tag_item(t, all, text, r);
	free(all);
	return 0;
}

struct expect {
	const char *file;
	const char *topics;      /* exact, comma-joined, config order */
	int statement;
	const char *speaker;     /* must be among the speakers (NULL: none expected) */
};

static const struct expect fixtures[] = {
	{ "ru_karabakh_statement.txt", "karabakh,russia-azerbaijan", 1, "Захарова" },
	{ "az_karabakh_statement.txt", "karabakh", 1, "Hacızadə" },
	{ "hy_karabakh_statement.txt", "karabakh", 1, "ԱԳՆ խոսնակ" },
	{ "en_karabakh_travel.txt", "karabakh", 0, NULL },
	{ "az_qarabag_fk.txt", "", 0, NULL },
	{ "en_karabakh_with_fk_sidebar.txt", "karabakh", 0, NULL },
	{ "en_moldova_elections.txt", "", 1, "President" },
	{ "ru_ua_elections_statement.txt", "ua-elections", 1, "Зеленский" },
	{ "uk_ua_elections_statement.txt", "ua-elections", 1, "Зеленський" },
	{ "en_occupied_elections_statement.txt", "ua-elections", 1, "Foreign Ministry" },
	{ "en_other_topic_statement.txt", "", 1, "Bayramov" },
};

static void test_fixtures(const struct pw_tagger *t)
{
	for (size_t i = 0; i < PW_ARRAY_SIZE(fixtures); i++) {
		const struct expect *e = &fixtures[i];
		struct pw_tag_result r;
		if (tag_fixture(t, e->file, &r) < 0)
			continue;
		char *got = topics_str(&r);
		is_str(got, e->topics, "%s: topics", e->file);
		free(got);
		is_int(r.statement, e->statement, "%s: statement", e->file);
		if (e->speaker) {
			if (!ok(has_speaker(&r, e->speaker), "%s: speaker %s", e->file, e->speaker))
				for (size_t k = 0; k < r.nspeakers; k++)
					diag("speaker: %s", r.speakers[k]);
		} else {
			is_int(r.nspeakers, 0, "%s: no speakers", e->file);
		}
		if (e->statement)
			ok(r.snippet && strlen(r.snippet) > 20, "%s: snippet: %s", e->file,
			   r.snippet ? r.snippet : "(null)");
		else
			ok(r.snippet == NULL, "%s: no snippet", e->file);
		pw_tag_result_clear(&r);
	}
}

static void test_normalize(void)
{
	char *s;
	s = pw_tag_normalize("Qarabağda XİN-in Xankəndi İlham Əliyev");
	is_str(s, "qarabagda xin in xankendi ilham eliyev", "Azerbaijani letters fold");
	free(s);
	s = pw_tag_normalize("Ёлка, ПРЕЗИДЕНТ; Ղարաբաղի Ա­Գ­Ն");
	is_str(s, "елка президент ղարաբաղի ագն", "Cyrillic/Armenian fold; soft hyphens vanish");
	free(s);
	s = pw_tag_normalize("Nagorno-Karabakh’s \xff\xfe ﬁne");
	is_str(s, "nagorno karabakh s fine", "hyphens and apostrophes split words; bad UTF-8 skipped");
	free(s);
}

static struct pw_tagger *small_tagger(const char *any1, const char *any2, const char *none)
{
	struct pw_topic_group g[2];
	struct pw_topic_conf tc;
	char *a1[] = { (char *)any1 }, *a2[] = { (char *)any2 }, *n1[] = { (char *)none };
	char err[256];
	memset(&tc, 0, sizeof(tc));
	g[0].terms = a1;
	g[0].nterms = 1;
	g[1].terms = a2;
	g[1].nterms = 1;
	tc.name = "t";
	tc.alert = 1;
	tc.groups = g;
	tc.ngroups = any2 ? 2 : 1;
	tc.none = n1;
	tc.nnone = none ? 1 : 0;
	return pw_tagger_new(&tc, 1, NULL, 0, err, sizeof(err));
}

static int tags(const struct pw_tagger *t, const char *title, const char *text)
{
	struct pw_tag_result r;
	int n = pw_tag_item(t, title, text, &r);
	pw_tag_result_clear(&r);
	return n;
}

static void test_rules(void)
{
	struct pw_tagger *t;

	t = small_tagger("Карабах*", NULL, NULL);
	is_int(tags(t, NULL, "Ситуация в Карабахе"), 1, "prefix: Карабахе");
	is_int(tags(t, NULL, "вокруг Карабаха."), 1, "prefix: Карабаха");
	is_int(tags(t, NULL, "КАРАБАХСКИЙ"), 1, "prefix: case folded");
	is_int(tags(t, NULL, "Карабас"), 0, "prefix: no partial match");
	pw_tagger_free(t);

	t = small_tagger("Qarabağ*", NULL, NULL);
	is_int(tags(t, NULL, "Qarabağda yeni məktəb"), 1, "prefix: Qarabağda");
	is_int(tags(t, NULL, "QARABAĞIN"), 1, "prefix: QARABAĞIN");
	is_int(tags(t, NULL, "Qarabagin"), 1, "prefix: transliterated");
	pw_tagger_free(t);

	t = small_tagger("Karabakh", NULL, NULL);
	is_int(tags(t, "Medinsky’s Karabakhstatement", NULL), 0, "word boundary: no match inside a word");
	is_int(tags(t, NULL, "Nagorno-Karabakh’s leaders"), 1, "word boundary: hyphen and apostrophe");
	is_int(tags(t, NULL, NULL), -1, "no title and no text: -1");
	pw_tagger_free(t);

	t = small_tagger("occupied territories", NULL, NULL);
	is_int(tags(t, NULL, "in the occupied  territories"), 1, "phrase: words adjacent");
	is_int(tags(t, NULL, "were occupied. Territories"), 0, "phrase: not across a sentence");
	is_int(tags(t, NULL, "occupied (territories)"), 0, "phrase: not across punctuation");
	pw_tagger_free(t);

	t = small_tagger("election*", "Ukrain*", NULL);
	is_int(tags(t, NULL, "Elections in Ukraine are postponed."), 1, "groups: same sentence");
	is_int(tags(t, "Ukraine debates timing", "Elections cannot be held now."), 1,
	       "groups: title and first sentence");
	is_int(tags(t, NULL, "Elections were held. Weather was fine. Cold. Ukraine is far."), 0,
	       "groups: too far apart");
	is_int(tags(t, NULL, "Ukraine is a big country."), 0, "groups: one group alone");
	pw_tagger_free(t);

	t = small_tagger("Qarabağ*", NULL, "Qarabağ FK");
	is_int(tags(t, NULL, "Qarabağ FK won. Qarabağ's fans celebrated."), 0,
	       "none over a term: that term does not count");
	pw_tagger_free(t);
	t = small_tagger("Karabakh", NULL, "football");
	is_int(tags(t, NULL, "Karabakh football"), 0, "none elsewhere: vetoes");
	is_int(tags(t, NULL, "Karabakh peace"), 1, "none absent: match");
	pw_tagger_free(t);

	/* bad rules */
	char err[256];
	struct pw_topic_conf tc;
	struct pw_topic_group g;
	char *bad[] = { "Karabakh", "--" };
	memset(&tc, 0, sizeof(tc));
	tc.name = "k";
	tc.file = "topics.conf";
	tc.line = 7;
	g.terms = bad;
	g.nterms = 2;
	tc.groups = &g;
	tc.ngroups = 1;
	t = pw_tagger_new(&tc, 1, NULL, 0, err, sizeof(err));
	ok(t == NULL, "a term without letters is refused");
	is_str(err, "topics.conf:7: topic k: term \"--\" has no letters or digits", "error names file:line");
	tc.ngroups = 0;
	t = pw_tagger_new(&tc, 1, NULL, 0, err, sizeof(err));
	ok(t == NULL && strstr(err, "no `any`"), "a topic without terms is refused");
}

/* Words of other languages that a too-short prefix would catch (marks are stripped). */
static void test_shipped_rules_no_collisions(const struct pw_tagger *t)
{
	struct pw_tag_result r;
	pw_tag_item(t, "Running shoes reviewed", "We were lacing up new trainers when Susan, a coach "
		    "from Baku-born Kurmanbek Bakiyev's home town, called. Кримінальна справа: вибори "
		    "у клубі перенесли. Kriminal işlər üzrə seçkilər keçirildi.", &r);
	char *got = topics_str(&r);
	is_str(got, "", "shipped rules: lacing, Susan, Bakiyev, кримінальна, kriminal match no topic");
	free(got);
	pw_tag_result_clear(&r);
}

static void test_statements(const struct pw_tagger *t)
{
	struct pw_tag_result r;

	pw_tag_item(t, NULL, "Maria Zakharova, the official representative of the Russian Ministry "
		    "of Foreign Affairs, said that Russia sent a demarche.", &r);
	ok(r.statement && r.nspeakers == 1 && has_speaker(&r, "Zakharova"), "appositive: named speaker");
	pw_tag_result_clear(&r);

	pw_tag_item(t, NULL, "“We will not accept this,” said the foreign ministry spokesperson.", &r);
	ok(r.statement && has_speaker(&r, "foreign ministry spokesperson"), "said + role after the verb");
	pw_tag_result_clear(&r);

	pw_tag_item(t, NULL, "According to Zakharova, such assessments are wrong.", &r);
	ok(r.statement && has_speaker(&r, "Zakharova"), "according to + name");
	pw_tag_result_clear(&r);

	pw_tag_item(t, NULL, "The weather was fine, he said. Zakharova was on holiday.", &r);
	ok(!r.statement, "a name in another sentence is not the speaker");
	pw_tag_result_clear(&r);

	pw_tag_item(t, NULL, "Voters elected Samvel Shahramanyan as president of the region, which "
		    "Ukraine also denounced.", &r);
	ok(!r.statement, "a role behind a relative clause is not the speaker");
	pw_tag_result_clear(&r);

	pw_tag_item(t, "Azerbaijan responds to Medinsky’s remarks", NULL, &r);
	ok(!r.statement, "\"responds to X\": X is not the speaker");
	pw_tag_result_clear(&r);

	pw_tag_item(t, NULL, "The minister’s visit to the village was short, a resident said.", &r);
	ok(!r.statement, "a possessor (the minister's visit) is not the speaker");
	pw_tag_result_clear(&r);

	pw_tag_item(t, NULL, "Medinsky's remarks were condemned by the Azerbaijani Foreign Ministry.", &r);
	ok(r.statement && r.nspeakers == 1 && has_speaker(&r, "Foreign Ministry"),
	   "passive: condemned by the ministry (not the possessor Medinsky)");
	pw_tag_result_clear(&r);

	pw_tag_item(t, NULL, "“Unacceptable,” said Azerbaijan’s foreign minister.", &r);
	ok(r.statement && has_speaker(&r, "foreign minister"), "said + possessive + role");
	pw_tag_result_clear(&r);

	pw_tag_item(t, NULL, "The BBC's editor Jon Sopel said the president did not sound very confident.", &r);
	ok(!r.statement, "said the president did ...: the president is not the speaker");
	pw_tag_result_clear(&r);

	pw_tag_item(t, NULL, "“It is scary,” says Stephen Calderwood, MD, president of the society.", &r);
	ok(!r.statement, "says X, MD, president of ...: the role is an apposition of someone unlisted");
	pw_tag_result_clear(&r);

	pw_tag_item(t, NULL, "“No,” said the foreign ministry spokesperson on Monday.", &r);
	ok(r.statement && has_speaker(&r, "foreign ministry spokesperson"), "said + role + on Monday");
	pw_tag_result_clear(&r);

	pw_tag_item(t, NULL, "Об этом заявили в МИД Азербайджана.", &r);
	ok(r.statement && has_speaker(&r, "МИД"), "ru: заявили в МИД");
	pw_tag_result_clear(&r);

	pw_tag_item(t, NULL, "Об этом заявил пресс-секретарь президента Дмитрий Песков.", &r);
	ok(r.statement && has_speaker(&r, "Песков"), "ru: verb before role + name");
	pw_tag_result_clear(&r);

	/* long sentence: snippet is cut at a word with an ellipsis */
	struct pw_buf b = PW_BUF_INIT;
	pw_buf_puts(&b, "Lavrov said that ");
	for (int i = 0; i < 80; i++)
		pw_buf_puts(&b, "word ");
	pw_buf_puts(&b, "end.");
	pw_tag_item(t, NULL, pw_buf_cstr(&b), &r);
	size_t cps = 0;
	for (const char *p = r.snippet; p && *p; p++)
		cps += ((unsigned char)*p & 0xC0) != 0x80;
	ok(r.snippet && cps <= PW_TAG_SNIPPET_MAX && strstr(r.snippet, "word…"),
	   "snippet capped at %d code points (%zu)", PW_TAG_SNIPPET_MAX, cps);
	pw_tag_result_clear(&r);
	pw_buf_free(&b);
}

/* The five seed articles: file, expected topics (each must be present), must-not topics. */
static void test_seeds(const struct pw_tagger *t)
{
	const char *shared = getenv("PW_SHARED");
	static const struct {
		const char *prefix;
		const char *want[3];
		const char *reject;
		const char *speaker;
	} seeds[] = {
		{ "000_", { "ua-elections", "karabakh", NULL }, NULL, "Zakharova" },
		{ "001_", { "ua-elections", NULL, NULL }, "karabakh", "Zakharova" },
		{ "002_", { "ua-elections", NULL, NULL }, "karabakh", "Zakharova" },
		{ "003_", { "karabakh", NULL, NULL }, "ua-elections", "Hajizadeh" },
		{ "004_", { "karabakh", NULL, NULL }, "ua-elections", "Ministry of Foreign Affairs" },
	};
	char *dir = shared ? xasprintf("%s/seeds", shared) : NULL;
	char *probe = dir ? xasprintf("%s/README.md", dir) : NULL;
	FILE *f = probe ? fopen(probe, "r") : NULL;
	free(probe);
	if (!f) {
		skip("seed articles absent ($PW_SHARED/seeds not found)");
		free(dir);
		return;
	}
	fclose(f);
	for (size_t i = 0; i < PW_ARRAY_SIZE(seeds); i++) {
		char *cmd = xasprintf("ls %s/%s*.txt 2>/dev/null", dir, seeds[i].prefix);
		FILE *p = popen(cmd, "r");
		char path[4096] = "";
		free(cmd);
		if (!p || !fgets(path, sizeof(path), p)) {
			if (p)
				pclose(p);
			skip("seed file missing");
			continue;
		}
		pclose(p);
		path[strcspn(path, "\n")] = '\0';
		char *text = pw_read_file(path, NULL);
		struct pw_tag_result r;
		pw_tag_item(t, NULL, text, &r);
		char *got = topics_str(&r);
		for (size_t k = 0; k < 3 && seeds[i].want[k]; k++)
			ok(has_topic(&r, seeds[i].want[k]), "seed %s: %s (got %s)", seeds[i].prefix,
			   seeds[i].want[k], got);
		if (seeds[i].reject)
			ok(!has_topic(&r, seeds[i].reject), "seed %s: not %s", seeds[i].prefix,
			   seeds[i].reject);
		ok(r.statement && r.alert_topic, "seed %s: an alerting statement", seeds[i].prefix);
		if (!ok(has_speaker(&r, seeds[i].speaker), "seed %s: speaker %s", seeds[i].prefix,
			seeds[i].speaker))
			for (size_t k = 0; k < r.nspeakers; k++)
				diag("speaker: %s", r.speakers[k]);
		diag("seed %s snippet: %s", seeds[i].prefix, r.snippet ? r.snippet : "(null)");
		for (size_t k = 0; k < r.nspeakers; k++)
			diag("seed %s speaker: %s", seeds[i].prefix, r.speakers[k]);
		free(got);
		free(text);
		pw_tag_result_clear(&r);
	}
	free(dir);
}

int main(void)
{
	char err[512];
	const char *top = getenv("top_srcdir");
	srcdir = xstrdup(top ? top : ".");

	test_normalize();
	test_rules();

	/* The shipped configuration: etc/presswatch.conf includes etc/topics.conf. */
	char *path = xasprintf("%s/etc/presswatch.conf", srcdir);
	struct pw_errlist errs = { NULL, 0 };
	struct pw_config *cfg = pw_config_load(path, &errs);
	for (size_t i = 0; i < errs.n; i++)
		diag("%s", errs.msgs[i]);
	pw_errlist_free(&errs);
	ok(cfg && cfg->ntopics == 4, "etc/topics.conf loads: %zu topics", cfg ? cfg->ntopics : 0);
	/* named officials: the shipped list plus other scripts' spellings */
	char **names = NULL;
	size_t nnames = 0;
	for (size_t i = 0; cfg && i < cfg->nspeakers; i++) {
		names = xreallocarray(names, nnames + 1, sizeof(*names));
		names[nnames++] = cfg->speakers[i];
	}
	for (size_t i = 0; i < PW_ARRAY_SIZE(speakers); i++) {
		names = xreallocarray(names, nnames + 1, sizeof(*names));
		names[nnames++] = speakers[i];
	}
	struct pw_tagger *t = cfg ? pw_tagger_new(cfg->topics, cfg->ntopics, names, nnames,
						  err, sizeof(err)) : NULL;
	if (!ok(t != NULL, "etc/topics.conf compiles"))
		diag("%s", err);
	if (t) {
		test_fixtures(t);
		test_shipped_rules_no_collisions(t);
		test_statements(t);
		test_seeds(t);
	}
	pw_tagger_free(t);
	free(names);
	pw_config_free(cfg);
	free(path);
	free(srcdir);
	return done_testing();
}
