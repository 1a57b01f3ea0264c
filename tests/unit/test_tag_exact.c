/*
 * test_tag_exact.c -- the tagger's whole result, byte for byte, on texts in en/ru/uk/az/hy.
 *
 * test_tag.c checks what each rule means; this test pins everything pw_tag_item() returns
 * (topics and their alert flags in config order, statement, every speaker in order, the
 * snippet) on the texts in tests/fixtures/tags/exact/ against expected.tsv there, so that work on the
 * tagger's speed cannot change its results unnoticed.  It also pins pw_tag_normalize() on
 * the scripts and the Unicode corner cases the word folding has to get right.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "common.h"
#include "config.h"
#include "tag.h"
#include "tap.h"
#include "xmalloc.h"

/* The result in expected.tsv's format: FILE\tKEY\tVALUE lines.  Caller frees. */
static char *result_lines(const char *file, const struct pw_tag_result *r)
{
	struct pw_buf b = PW_BUF_INIT;
	pw_buf_printf(&b, "%s\ttopics\t", file);
	for (size_t i = 0; i < r->ntopics; i++)
		pw_buf_printf(&b, "%s%s%s", i ? "," : "", r->topics[i], r->topic_alert[i] ? "!" : "");
	pw_buf_printf(&b, "\n%s\tstatement\t%d\n", file, r->statement);
	for (size_t i = 0; i < r->nspeakers; i++)
		pw_buf_printf(&b, "%s\tspeaker\t%s\n", file, r->speakers[i]);
	pw_buf_printf(&b, "%s\tsnippet\t%s\n", file, r->snippet ? r->snippet : "");
	return pw_buf_detach(&b);
}

/* The expected lines of one file, in order.  Caller frees. */
static char *expected_lines(const char *tsv, const char *file)
{
	struct pw_buf b = PW_BUF_INIT;
	size_t flen = strlen(file);
	for (const char *p = tsv; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
		if (len > flen && !strncmp(p, file, flen) && p[flen] == '\t')
			pw_buf_append(&b, p, len);
		p += len;
	}
	return pw_buf_detach(&b);
}

/* Compares line by line so that a failure names the field that changed. */
static void compare_lines(const char *file, const char *got, const char *want)
{
	int line = 0;
	while (*got || *want) {
		size_t g = strcspn(got, "\n"), w = strcspn(want, "\n");
		char *gs = xstrndup(got, g), *ws = xstrndup(want, w);
		is_str(gs, ws, "%s: line %d", file, ++line);
		free(gs);
		free(ws);
		got += g + (got[g] == '\n');
		want += w + (want[w] == '\n');
	}
}

static const char *const files[] = {
	"en_border_commission.txt", "ru_moscow_baku.txt", "uk_rada_elections.txt",
	"az_delimitation.txt", "hy_foreign_ministry.txt", "mixed_edge_cases.txt",
};

static void test_exact(const struct pw_tagger *t, const char *dir)
{
	char *path = xasprintf("%s/expected.tsv", dir);
	char *tsv = pw_read_file(path, NULL);
	free(path);
	if (!ok(tsv != NULL, "exact/expected.tsv readable"))
		return;
	for (size_t i = 0; i < PW_ARRAY_SIZE(files); i++) {
		path = xasprintf("%s/%s", dir, files[i]);
		char *all = pw_read_file(path, NULL);
		free(path);
		if (!ok(all != NULL, "%s readable", files[i]))
			continue;
		char *nl = strchr(all, '\n');
		const char *text = nl ? nl + 1 : "";
		if (nl)
			*nl = '\0';
		char *want = expected_lines(tsv, files[i]);
		ok(*want != '\0', "%s: has expectations", files[i]);
		/* twice: nothing may carry over from one call to the next */
		for (int round = 0; round < 2; round++) {
			struct pw_tag_result r;
			pw_tag_item(t, all, text, &r);
			char *got = result_lines(files[i], &r);
			compare_lines(files[i], got, want);
			free(got);
			pw_tag_result_clear(&r);
		}
		free(want);
		free(all);
	}
	free(tsv);
}

static void test_normalize(void)
{
	static const struct {
		const char *in, *out, *what;
	} cases[] = {
		{ "Ukraine’s CENTRAL Election Commission", "ukraine s central election commission",
		  "en: ASCII folds, typographic apostrophe splits" },
		{ "ВЫБОРЫ в Верховную Раду; Ёлки-палки", "выборы в верховную раду елки палки",
		  "ru: Cyrillic casefold, ё -> е" },
		{ "ВИБОРИ до Верховної Ради, Їжак, Ґанок", "вибори до верховноі ради іжак ґанок",
		  "uk: ї loses its diaeresis, ґ is a letter of its own" },
		{ "XARİCİ İŞLƏR NAZİRLİYİ Şuşa Ağdam Gəncə", "xarici isler nazirliyi susa agdam gence",
		  "az: dotted İ, ı, ə, ş, ğ" },
		{ "ՀԱՅԱՍՏԱՆԻ ԱԳՆ Ղարա՛բաղ և Երևան", "հայաստանի ագն ղարաբաղ եւ երեւան",
		  "hy: capitals fold, emphasis mark vanishes, և decomposes" },
		{ "Qarabag\xcc\x86 Cafe\xcc\x81 Ω ΣΟΦΊΑ", "qarabag cafe ω σοφια",
		  "combining marks stripped; Greek folds" },
		{ "ﬁne ½ ² Ⅻ ＡＢＣ", "fine 1⁄2 2 xii abc",
		  "compatibility forms: ligature, fraction, superscript, numeral, fullwidth" },
		{ "Kara\xc2\xad" "bakh Ka\xe2\x80\x8d" "rabakh", "karabakh karabakh",
		  "soft hyphen and ZWJ are invisible inside words" },
		{ "a\xc0\xaf" "b \xed\xa0\x80" "x \xff\xfe y\xc3", "a b x y",
		  "overlong, surrogate and truncated UTF-8 separate words" },
		{ "٣ 中国 🙂 ok", "٣ 中国 ok", "other scripts are words, emoji are not" },
	};
	for (size_t i = 0; i < PW_ARRAY_SIZE(cases); i++) {
		char *s = pw_tag_normalize(cases[i].in);
		is_str(s, cases[i].out, "normalize: %s", cases[i].what);
		free(s);
	}
}

int main(void)
{
	char err[512];
	const char *top = getenv("top_srcdir");
	char *srcdir = xstrdup(top ? top : ".");

	test_normalize();

	char *path = xasprintf("%s/etc/presswatch.conf", srcdir);
	struct pw_errlist errs = { NULL, 0 };
	struct pw_config *cfg = pw_config_load(path, &errs);
	for (size_t i = 0; i < errs.n; i++)
		diag("%s", errs.msgs[i]);
	pw_errlist_free(&errs);
	struct pw_tagger *t = cfg ? pw_tagger_new(cfg->topics, cfg->ntopics, cfg->speakers,
						  cfg->nspeakers, err, sizeof(err)) : NULL;
	if (!ok(t != NULL, "shipped etc/presswatch.conf compiles"))
		diag("%s", cfg ? err : "config did not load");
	if (t) {
		char *dir = xasprintf("%s/tests/fixtures/tags/exact", srcdir);
		test_exact(t, dir);
		free(dir);
	}
	pw_tagger_free(t);
	pw_config_free(cfg);
	free(path);
	free(srcdir);
	return done_testing();
}
