/* Unit tests: text.c -- normalisation (NFKC + casefold + i folds), markup, tokens and flags. */
#include <stdlib.h>
#include <string.h>

#include "feed_text.h"
#include "tap.h"
#include "text.h"

static void norm_is(const char *in, const char *want, const char *what)
{
	char *got = pw_text_normalize(in, strlen(in));
	is_str(got, want, "%s", what);
	free(got);
}

static void test_normalize(void)
{
	/* dotted/dotless i: Azerbaijani/Turkish capitals fold with the English ones */
	norm_is("İlham ilham ILHAM Ilham ılham", "ilham ilham ilham ilham ilham", "İ, I, ı and i fold to i");
	norm_is("İSTANBUL Istanbul", "istanbul istanbul", "İ inside a capitalised word");
	norm_is("AZƏRBAYCAN Şəki ĞƏNCƏ Çinar Ölkə Üzüm", "azərbaycan şəki ğəncə çinar ölkə üzüm",
		"Azerbaijani letters keep their identity");
	norm_is("Azərbaycan Respublikasının XARİCİ İŞLƏR", "azərbaycan respublikasinin xarici işlər",
		"Azerbaijani ı and İ inside words");
	norm_is("МОСКВА Ёлка Зелёный", "москва елка зеленый", "Cyrillic casefold, ё -> е");
	norm_is("ՀԱՅԱՍՏԱՆ Հայաստան", "հայաստան հայաստան", "Armenian casefold");
	norm_is("Երևան Երեւան", "երեւան երեւան", "Armenian ligature և (NFKC) equals ե + ւ");
	norm_is("ﬁnance ＡＢＣ ２０２５", "finance abc 2025", "NFKC: ligatures and fullwidth forms");
	norm_is("e\xcc\x81t\xc3\xa9 \xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9 \xc3\xa9t\xc3\xa9", "decomposed and precomposed é are one");
	norm_is("Aze\xc2\xadrbaijan", "azerbaijan", "soft hyphen inside a word is ignored");
	norm_is("Straße", "strasse", "casefold ß");
	/* punctuation, markup and whitespace */
	norm_is("<p>Hello,&nbsp;<b>world</b>!</p>\n\n  Next\tline", "hello world next line", "markup removed, whitespace folded");
	norm_is("&#8220;quoted&#x201D; &amp; &bogus; words", "quoted words", "entities decoded");
	norm_is("a < b and c > d", "a b and c d", "a lone < is text, not a tag");
	norm_is("<!-- comment --> text", "text", "comments removed");
	norm_is("Russia’s ‘sham elections’ — in Donetsk/Luhansk (2023).", "russia s sham elections in donetsk luhansk 2023",
		"dashes, quotes, apostrophes, slashes separate words");
	norm_is("1,000 drams; 3.5%; 21.10.2025; end.", "1,000 drams 3.5 21.10.2025 end", "digit groups stay one token");
	norm_is("\xff\xfe bad \xc3 bytes \xe2\x82", "bad bytes", "invalid UTF-8 becomes separators");
	norm_is("", "", "empty input");
	norm_is("  ...  ", "", "punctuation only");
}

static int find(const struct pw_tokens *t, const char *w)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].len == strlen(w) && memcmp(t->text + t->v[i].off, w, t->v[i].len) == 0)
			return (int)i;
	return -1;
}

static void test_flags(void)
{
	struct pw_tokens t = PW_TOKENS_INIT;
	const char *s = "Russian MFA spokesperson Maria Zakharova said: “Baku should respect us.” "
			"Then 9 September came, the ‘sham’ vote.\nNew line";
	pw_text_tokenize(&t, s, strlen(s));
	int i;
	i = find(&t, "russian");
	ok(i == 0 && (t.v[i].flags & PW_TOK_SENT) && (t.v[i].flags & PW_TOK_UPPER), "first word: sentence start, upper");
	i = find(&t, "mfa");
	ok(i >= 0 && (t.v[i].flags & PW_TOK_ALLCAPS) && !(t.v[i].flags & PW_TOK_SENT), "acronym: all caps");
	i = find(&t, "spokesperson");
	ok(i >= 0 && t.v[i].flags == 0, "plain lower-case word has no flags");
	i = find(&t, "zakharova");
	ok(i >= 0 && (t.v[i].flags & PW_TOK_UPPER) && !(t.v[i].flags & PW_TOK_ALLCAPS), "capitalised name");
	i = find(&t, "baku");
	ok(i >= 0 && (t.v[i].flags & PW_TOK_QUOTE) && (t.v[i].flags & PW_TOK_SENT) && t.v[i].quote == 1,
	   "first word of a quotation: quoted, sentence start, quotation 1");
	i = find(&t, "respect");
	ok(i >= 0 && (t.v[i].flags & PW_TOK_QUOTE) && t.v[i].quote == 1, "inside the quotation");
	i = find(&t, "then");
	ok(i >= 0 && !(t.v[i].flags & PW_TOK_QUOTE) && (t.v[i].flags & PW_TOK_SENT), "after the closing quote");
	i = find(&t, "9");
	ok(i >= 0 && (t.v[i].flags & PW_TOK_NUM), "number");
	i = find(&t, "came");
	ok(i >= 0 && !(t.v[i].flags & PW_TOK_PUNCT), "no punctuation before 'came'");
	i = find(&t, "the");
	ok(i >= 0 && (t.v[i].flags & PW_TOK_PUNCT), "comma before 'the' is recorded");
	i = find(&t, "sham");
	ok(i >= 0 && (t.v[i].flags & PW_TOK_QUOTE) && t.v[i].quote == 2, "‘…’ is a quotation (2)");
	i = find(&t, "vote");
	ok(i >= 0 && !(t.v[i].flags & PW_TOK_QUOTE), "’ followed by space closes it");
	i = find(&t, "new");
	ok(i >= 0 && (t.v[i].flags & PW_TOK_SENT), "a new line starts a sentence");
	is_int(t.v[find(&t, "zakharova")].ncp, 9, "code point count");

	/* appending keeps quotation numbers going */
	pw_text_tokenize(&t, "«Один» и", strlen("«Один» и"));
	pw_text_tokenize_append(&t, "«два»", strlen("«два»"));
	ok(t.n == 3 && t.v[0].quote == 1 && t.v[2].quote == 2 && (t.v[2].flags & PW_TOK_SENT),
	   "append continues quotation numbers and starts a sentence");
	is_str(t.text, "один и два", "append joins with one space");

	/* an apostrophe inside a word does not close ‘…’ */
	pw_text_tokenize(&t, "‘Baku’s view’ said", strlen("‘Baku’s view’ said"));
	i = find(&t, "view");
	ok(i >= 0 && (t.v[i].flags & PW_TOK_QUOTE), "apostrophe inside ‘…’ does not close it");
	i = find(&t, "said");
	ok(i >= 0 && !(t.v[i].flags & PW_TOK_QUOTE), "the real closing ’ does");

	/* an unclosed quotation ends with its paragraph */
	pw_text_tokenize(&t, "He said “never\nNext paragraph", strlen("He said “never\nNext paragraph"));
	i = find(&t, "next");
	ok(i >= 0 && !(t.v[i].flags & PW_TOK_QUOTE), "an unclosed quotation stops at the paragraph end");

	/* big input: tokens point into text correctly */
	size_t big = 199998; /* whole "Ab c, " patterns */
	char *b = malloc(big + 1);
	for (size_t k = 0; k < big; k++)
		b[k] = "Ab c, "[k % 6];
	b[big] = '\0';
	pw_text_tokenize(&t, b, big);
	ok(t.n == big / 6 * 2 && t.v[t.n - 1].len == 1 && t.text[t.v[t.n - 1].off] == 'c', "a 200 KB input is tokenised");
	free(b);
	pw_tokens_free(&t);
}

/* pw_html_cut on the first cap bytes of html keeps exactly want */
static void cut_is(const char *html, size_t cap, const char *want, const char *what)
{
	size_t keep = pw_html_cut(html, cap);
	char *got = strndup(html, keep);
	is_str(got, want, "cut at %zu: %s", cap, what);
	free(got);
}

static void utf8_cut_is(const char *s, size_t cap, size_t want, const char *what)
{
	is_int(pw_utf8_cut(s, cap), want, "utf8 cut at %zu: %s", cap, what);
}

/* Where a field cut by [limits] max_field_size may end (feed_text.c). */
static void test_cut(void)
{
	static const char amp[] = "Tom &amp; Jerry";
	cut_is(amp, 7, "Tom ", "in &amp;: before the '&'");
	cut_is(amp, 5, "Tom ", "right after the '&'");
	cut_is(amp, 9, "Tom &amp;", "after the ';': the reference is whole");
	cut_is(amp, 10, "Tom &amp; ", "text after a whole reference stays");
	cut_is("Дефис&nbsp;и&#8212;тире", 19, "Дефис&nbsp;и", "in &#8212; after Cyrillic: before the '&'");
	cut_is("a &#x201C;quote&#x201D;", 6, "a ", "in &#x201C;: before the '&'");
	cut_is("Q&A session", 3, "Q", "\"Q&A\" cut after the A: it could be &Aacute;, so the '&' goes");
	cut_is("R&D: 1 & 2", 10, "R&D: 1 & 2", "a bare '&' before a space is text");
	cut_is("x &abcdefghijklmnopqrstuvwxyzabcdefghij", 40, "x &abcdefghijklmnopqrstuvwxyzabcdefghij",
	       "33 or more letters after '&' are no reference: kept");

	static const char a[] = "<p>One <a href=\"/x?a=1&amp;b=2\" title=\"a > b\">link</a> here</p>";
	cut_is(a, 20, "<p>One ", "in a quoted href: the whole tag goes");
	cut_is(a, 42, "<p>One ", "after a '>' inside quotes: still inside the tag");
	cut_is(a, 45, "<p>One ", "before the tag's own '>'");
	cut_is(a, 46, "<p>One <a href=\"/x?a=1&amp;b=2\" title=\"a > b\">", "after the '>': an unclosed element is a whole tag");
	cut_is(a, 53, "<p>One <a href=\"/x?a=1&amp;b=2\" title=\"a > b\">link", "in an end tag: before it");
	cut_is(a, 52, "<p>One <a href=\"/x?a=1&amp;b=2\" title=\"a > b\">link", "\"</\" at the end could be an end tag");
	cut_is(a, 51, "<p>One <a href=\"/x?a=1&amp;b=2\" title=\"a > b\">link", "a lone '<' at the end could be a tag");
	cut_is(a, 3, "<p>", "after the first tag");
	cut_is(a, 2, "", "in the first tag: nothing");
	cut_is("1 < 2 and 3 > 2", 15, "1 < 2 and 3 > 2", "\"< \" is text");
	cut_is("1 < 2", 3, "1 ", "a '<' at the very end goes");

	cut_is("<p>Rates</p><!-- ad slot: <a href=\"x\"> -->", 30, "<p>Rates</p>", "in a comment: the comment goes");
	cut_is("<!-- a > b --> kept", 19, "<!-- a > b --> kept", "a comment with '>' inside ends at -->");
	cut_is("<p>Rule: <![CDATA[a < b & c]]> ok", 22, "<p>Rule: ", "in a CDATA section: the section goes");
	cut_is("<p>Rule: <![CDATA[a < b & c]]> ok", 33, "<p>Rule: <![CDATA[a < b & c]]> ok",
	       "a whole CDATA section stays, its '<' and '&' are text");
	cut_is("<!DOCTYPE html><p>x", 10, "", "in a declaration");
	cut_is("<?xml-stylesheet href=\"a\"?><p>x", 20, "", "in a processing instruction");

	static const char js[] = "<p>x</p><script>if (a<b && c) go(\"</p>\")</script><p>y</p>";
	cut_is(js, 24, "<p>x</p>", "in a script, after a '<' that is not a tag: the script goes");
	cut_is(js, 45, "<p>x</p>", "in the script's end tag: the script goes");
	cut_is(js, 53, "<p>x</p><script>if (a<b && c) go(\"</p>\")</script><p>y", "after a whole script: kept");
	cut_is("<style>p > a { color: red }</style>ok", 14, "", "in a style element");

	utf8_cut_is("Ереван", 12, 12, "whole Cyrillic word");
	utf8_cut_is("Ереван", 11, 10, "in a 2-byte letter");
	utf8_cut_is("Երևան", 5, 4, "in a 2-byte Armenian letter");
	utf8_cut_is("a€", 2, 1, "after the first byte of a 3-byte character");
	utf8_cut_is("a€", 3, 1, "after the second byte of a 3-byte character");
	utf8_cut_is("a€", 4, 4, "a whole 3-byte character");
	utf8_cut_is("a🔴", 2, 1, "after 1 byte of a 4-byte character");
	utf8_cut_is("a🔴", 4, 1, "after 3 bytes of a 4-byte character");
	utf8_cut_is("a🔴", 5, 5, "a whole 4-byte character");
	utf8_cut_is("", 0, 0, "empty");
	cut_is("<p>თბილისი</p>", 8, "<p>თ", "pw_html_cut cuts on characters too (Georgian, 3 bytes)");
}

int main(void)
{
	test_normalize();
	test_flags();
	test_cut();
	return done_testing();
}
