/*
 * text.c -- normalisation and tokens (see text.h for the rules).
 *
 * Speed matters here (every item, 10 KB articles, thousands per second in bench/), so the
 * common case avoids libutf8proc's allocating utf8proc_map(): ASCII is folded inline, and the
 * NFKC + casefold image of every single code point below U+3000 (Latin, Greek, Cyrillic,
 * Armenian, Georgian, general punctuation, letterlike symbols...) is computed once with
 * libutf8proc into a table.  Only a character followed by combining marks, or a character above
 * U+3000, goes through utf8proc_decompose() + utf8proc_normalize_utf32() on the spot; both
 * work on caller buffers, so there is no allocation per character either.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text.h"
#include "xmalloc.h"

#define MAP_OPTS (UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE)
#define TABLE_MAX 0x3000
#define MAXMAP 4          /* code points kept per table entry */
#define CLUSTER_MAX 48    /* code points of one character + its marks we normalise together */
#define QUOTE_MAX_TOKENS 300

struct cpmap {
	uint8_t n;      /* mapped code points; 0 = ignorable; 255 = too long, use the slow path */
	uint8_t upper;  /* the original is Lu or Lt */
	uint8_t word;   /* every mapped code point (after post_fold) is a letter or digit, none
			 * dropped, none a mark: u8 can be appended to a word as it is */
	uint8_t nletters; /* ... of which letters (not digits): counted for PW_TOK_ALLCAPS */
	uint8_t nb;     /* bytes in u8 */
	char u8[MAXMAP * 4];
	int32_t cp[MAXMAP];
};
static struct cpmap table[TABLE_MAX];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* Folds libutf8proc does not do; applied to every mapped code point. 0 = drop. */
static int32_t post_fold(int32_t c)
{
	switch (c) {
	case 0x0131: return 'i';    /* dotless ı: Azerbaijani/Turkish, folded with I and i */
	case 0x0307: return 0;      /* combining dot above left over from casefold(İ) = i + U+0307 */
	case 0x0451: return 0x0435; /* ё -> е, as Russian text mostly writes it */
	default: return c;
	}
}

static bool is_word_cp(int32_t c);
static bool is_mark(int32_t c);
static bool is_digit(int32_t c);
static int32_t post_fold(int32_t c);

/* NFKC + casefold of a short UTF-8 sequence (one character and its marks) into out. */
static int normalize_cluster(const uint8_t *s, size_t len, int32_t *out, int cap)
{
	utf8proc_ssize_t n = utf8proc_decompose(s, (utf8proc_ssize_t)len, out, cap, MAP_OPTS);
	if (n < 0 || n > cap)
		return -1;
	n = utf8proc_normalize_utf32(out, n, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	return n < 0 ? -1 : (int)n;
}

static void table_init(void)
{
	for (int32_t c = 0x80; c < TABLE_MAX; c++) {
		uint8_t u[4];
		int32_t out[CLUSTER_MAX];
		struct cpmap *m = &table[c];
		utf8proc_category_t cat = utf8proc_category(c);
		m->upper = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
		if (c >= 0xD800 && c <= 0xDFFF) {
			m->n = 1;
			m->cp[0] = ' ';
			continue;
		}
		utf8proc_ssize_t ul = utf8proc_encode_char(c, u);
		int n = normalize_cluster(u, (size_t)ul, out, CLUSTER_MAX);
		if (n < 0) {
			m->n = 1;
			m->cp[0] = ' ';
		} else if (n > MAXMAP) {
			m->n = 255;
		} else {
			m->n = (uint8_t)n;
			memcpy(m->cp, out, (size_t)n * sizeof out[0]);
			m->word = n > 0;
			for (int i = 0; i < n && m->word; i++) {
				int32_t f = post_fold(out[i]);
				if (f == 0 || !is_word_cp(f) || is_mark(f))
					m->word = 0;
				else
					m->nb = (uint8_t)(m->nb + utf8proc_encode_char(f, (uint8_t *)m->u8 + m->nb));
			}
			if (m->word) {
				for (int i = 0; i < n; i++)
					m->nletters = (uint8_t)(m->nletters + !is_digit(post_fold(out[i])));
			} else {
				m->nb = 0;
			}
		}
	}
}

static bool is_word_cp(int32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return true;
	default:
		return false;
	}
}

static bool is_mark(int32_t c)
{
	if (c < 0x300)
		return false;
	utf8proc_category_t cat = utf8proc_category(c);
	return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC || cat == UTF8PROC_CATEGORY_ME;
}

static bool is_digit(int32_t c) { return c >= '0' && c <= '9'; }

/* Tokeniser state for one pw_text_tokenize_append() call. */
struct tk {
	struct pw_tokens *t;
	const uint8_t *s;
	size_t len, pos;         /* pos: just after the character being processed */
	bool in_tok;
	struct pw_token cur;
	unsigned letters, uppers;
	bool sent;               /* next token starts a sentence */
	int32_t quote_close;     /* expected closing quote, 0 when not in a quotation */
	uint32_t quote_id, quote_tokens;
	int32_t prev_cp;         /* previous original code point (for ‘ as opening quote) */
	bool gap_punct;          /* punctuation since the last token */
};

static void text_reserve(struct pw_tokens *t, size_t more)
{
	if (t->text_len + more + 1 > t->text_cap) {
		size_t cap = t->text_cap ? t->text_cap : 256;
		while (cap < t->text_len + more + 1)
			cap *= 2;
		t->text = xrealloc(t->text, cap);
		t->text_cap = cap;
	}
}

static void end_token(struct tk *k)
{
	if (!k->in_tok)
		return;
	k->in_tok = false;
	struct pw_tokens *t = k->t;
	k->cur.len = (uint32_t)(t->text_len - k->cur.off);
	if (k->letters >= 2 && k->uppers == k->letters)
		k->cur.flags |= PW_TOK_ALLCAPS;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->v = xreallocarray(t->v, t->cap, sizeof t->v[0]);
	}
	t->v[t->n++] = k->cur;
	if (k->quote_close && ++k->quote_tokens > QUOTE_MAX_TOKENS)
		k->quote_close = 0;
}

static void put_utf8(struct pw_tokens *t, int32_t c)
{
	text_reserve(t, 4);
	t->text_len += (size_t)utf8proc_encode_char(c, (uint8_t *)t->text + t->text_len);
}

static void tok_start(struct tk *k, int32_t c, bool upper)
{
	struct pw_tokens *t = k->t;
	if (t->text_len > 0) {
		text_reserve(t, 1);
		t->text[t->text_len++] = ' ';
	}
	k->in_tok = true;
	memset(&k->cur, 0, sizeof k->cur);
	k->cur.off = (uint32_t)t->text_len;
	k->letters = k->uppers = 0;
	if (k->sent)
		k->cur.flags |= PW_TOK_SENT;
	if (k->gap_punct)
		k->cur.flags |= PW_TOK_PUNCT;
	k->sent = false;
	k->gap_punct = false;
	if (k->quote_close) {
		k->cur.flags |= PW_TOK_QUOTE;
		k->cur.quote = k->quote_id;
	}
	if (is_digit(c))
		k->cur.flags |= PW_TOK_NUM;
	else if (upper)
		k->cur.flags |= PW_TOK_UPPER;
}

/* Add one normalised word code point; upper: the original character was upper case. */
static void word_cp(struct tk *k, int32_t c, bool upper, bool letter)
{
	struct pw_tokens *t = k->t;
	if (!k->in_tok)
		tok_start(k, c, upper);
	if (letter) {
		k->letters++;
		k->uppers += upper;
	}
	if (k->cur.ncp < UINT16_MAX)
		k->cur.ncp++;
	if (c < 0x80) {
		text_reserve(t, 1);
		t->text[t->text_len++] = (char)c;
	} else {
		put_utf8(t, c);
	}
}

static void open_quote(struct tk *k, int32_t closer)
{
	end_token(k);
	k->quote_close = closer;
	k->quote_id++;
	k->quote_tokens = 0;
	k->sent = true;
}

static void close_quote(struct tk *k)
{
	end_token(k);
	k->quote_close = 0;
}

static bool next_is_letter(const struct tk *k)
{
	if (k->pos >= k->len)
		return false;
	int32_t c;
	utf8proc_ssize_t l = utf8proc_iterate(k->s + k->pos, (utf8proc_ssize_t)(k->len - k->pos), &c);
	return l > 0 && is_word_cp(c);
}

/* A non-word code point (after normalisation). */
static void punct(struct tk *k, int32_t c)
{
	/* digit groups: 1,000 3.5 21.10.2025 */
	if ((c == '.' || c == ',') && k->in_tok && (k->cur.flags & PW_TOK_NUM) && k->pos < k->len &&
	    is_digit(k->s[k->pos]) && is_digit((unsigned char)k->t->text[k->t->text_len - 1])) {
		text_reserve(k->t, 1);
		k->t->text[k->t->text_len++] = (char)c;
		if (k->cur.ncp < UINT16_MAX)
			k->cur.ncp++;
		return;
	}
	end_token(k);
	if (c < 0x80 ? c != ' ' && c != '\t' : utf8proc_category(c) != UTF8PROC_CATEGORY_ZS)
		k->gap_punct = true;
	switch (c) {
	case '.': case '!': case '?': case ';': case 0x2026: case '\n': case '\r':
	case 0x2028: case 0x2029: case 0x3002:
		k->sent = true;
		if ((c == '\n' || c == 0x2029) && k->quote_close)
			k->quote_close = 0; /* quotations do not run past a paragraph */
		break;
	case '"':
		if (k->quote_close == '"')
			close_quote(k);
		else if (!k->quote_close)
			open_quote(k, '"');
		break;
	case 0x201C: /* “ opens, or closes „…“ */
		if (k->quote_close == 0x201C)
			close_quote(k);
		else if (!k->quote_close)
			open_quote(k, 0x201D);
		break;
	case 0x201D: /* ” closes; some sites use it on both sides */
		if (k->quote_close == 0x201D)
			close_quote(k);
		else if (!k->quote_close)
			open_quote(k, 0x201D);
		break;
	case 0x201E: /* „ */
		if (!k->quote_close)
			open_quote(k, 0x201C);
		break;
	case 0x00AB: /* « */
		if (!k->quote_close)
			open_quote(k, 0x00BB);
		break;
	case 0x00BB:
		if (k->quote_close == 0x00BB)
			close_quote(k);
		break;
	case 0x2039:
		if (!k->quote_close)
			open_quote(k, 0x203A);
		break;
	case 0x203A:
		if (k->quote_close == 0x203A)
			close_quote(k);
		break;
	case 0x2018: /* ‘ opens a quotation only where a word cannot continue */
		if (!k->quote_close && !is_word_cp(k->prev_cp))
			open_quote(k, 0x2019);
		break;
	case 0x2019: /* ’ closes ‘…’ unless it is an apostrophe inside a word */
		if (k->quote_close == 0x2019 && !next_is_letter(k))
			close_quote(k);
		break;
	default:
		break;
	}
}

/* Feed one original code point whose normalised image is m[0..n). */
static void feed(struct tk *k, const int32_t *m, int n, bool upper)
{
	for (int i = 0; i < n; i++) {
		int32_t c = post_fold(m[i]);
		if (c == 0)
			continue;
		if (is_word_cp(c)) {
			bool mark = is_mark(c);
			if (mark && !k->in_tok)
				continue; /* a stray mark does not start a word */
			word_cp(k, c, upper && !mark, !mark && !is_digit(c));
		} else {
			punct(k, c);
		}
	}
}

static int named_entity(const char *name, size_t n)
{
	static const struct { const char *name; int32_t cp; } ents[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
		{ "nbsp", 0xA0 }, { "mdash", 0x2014 }, { "ndash", 0x2013 }, { "laquo", 0xAB },
		{ "raquo", 0xBB }, { "ldquo", 0x201C }, { "rdquo", 0x201D }, { "lsquo", 0x2018 },
		{ "rsquo", 0x2019 }, { "bdquo", 0x201E }, { "hellip", 0x2026 }, { "shy", 0xAD },
		{ "laquo", 0xAB }, { "copy", 0xA9 }, { "middot", 0xB7 }, { "thinsp", 0x2009 },
	};
	for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++)
		if (strlen(ents[i].name) == n && memcmp(ents[i].name, name, n) == 0)
			return ents[i].cp;
	return -1;
}

/* At s[pos] == '&': decode an entity; returns its length (0 if none) and sets *cp (-1: unknown
 * named entity, a separator). */
static size_t entity(const uint8_t *s, size_t len, size_t pos, int32_t *cp)
{
	size_t i = pos + 1, end = len < pos + 12 ? len : pos + 12;
	if (i < end && s[i] == '#') {
		int32_t v = 0;
		int hex = 0, digits = 0;
		i++;
		if (i < end && (s[i] == 'x' || s[i] == 'X')) {
			hex = 1;
			i++;
		}
		for (; i < end && s[i] != ';'; i++) {
			int d;
			if (s[i] >= '0' && s[i] <= '9') d = s[i] - '0';
			else if (hex && s[i] >= 'a' && s[i] <= 'f') d = s[i] - 'a' + 10;
			else if (hex && s[i] >= 'A' && s[i] <= 'F') d = s[i] - 'A' + 10;
			else return 0;
			if (v > 0x10FFFF)
				return 0;
			v = v * (hex ? 16 : 10) + d;
			digits++;
		}
		if (i >= end || digits == 0)
			return 0;
		*cp = utf8proc_codepoint_valid(v) ? v : ' ';
		return i + 1 - pos;
	}
	size_t start = i;
	while (i < end && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
		i++;
	if (i >= end || s[i] != ';' || i == start)
		return 0;
	*cp = named_entity((const char *)s + start, i - start);
	return i + 1 - pos;
}

/* At s[pos] == '<': length of a tag or comment to skip (0 if this '<' is just text);
 * *block set when the tag separates blocks (paragraphs, lines, headings). */
static size_t tag(const uint8_t *s, size_t len, size_t pos, bool *block)
{
	size_t i = pos + 1;
	*block = false;
	if (i >= len)
		return 0;
	if (len - pos >= 4 && memcmp(s + pos, "<!--", 4) == 0) {
		for (i = pos + 4; i + 2 < len; i++)
			if (s[i] == '-' && s[i + 1] == '-' && s[i + 2] == '>')
				return i + 3 - pos;
		return 0;
	}
	if (s[i] == '/')
		i++;
	if (i >= len || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '!' || s[i] == '?'))
		return 0;
	char name[12];
	size_t nl = 0;
	while (i < len && nl + 1 < sizeof name && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
		name[nl++] = (char)(s[i++] | 0x20);
	name[nl] = '\0';
	size_t end = len < pos + 4096 ? len : pos + 4096;
	for (; i < end; i++) {
		if (s[i] == '>') {
			static const char *const blocks[] = { "p", "br", "div", "li", "h1", "h2", "h3", "h4",
				"h5", "h6", "tr", "td", "th", "blockquote", "ul", "ol", "section", "article",
				"header", "footer", "title", "figcaption", "dt", "dd", "hr" };
			for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
				if (strcmp(name, blocks[b]) == 0)
					*block = true;
			return i + 1 - pos;
		}
		if (s[i] == '<')
			return 0;
	}
	return 0;
}

void pw_text_tokenize_append(struct pw_tokens *t, const char *str, size_t len)
{
	pthread_once(&table_once, table_init);
	struct tk k;
	memset(&k, 0, sizeof k);
	k.t = t;
	k.s = (const uint8_t *)str;
	k.len = len;
	k.sent = true;
	k.prev_cp = ' ';
	k.quote_id = t->quotes;
	text_reserve(t, len + len / 4 + 16);

	const uint8_t *s = k.s;
	size_t pos = 0;
	while (pos < len) {
		uint8_t b = s[pos];
		int32_t c, one[1];
		if (b < 0x80) {
			if (b == '<') {
				bool block;
				size_t n = tag(s, len, pos, &block);
				if (n) {
					end_token(&k);
					k.gap_punct = true;
					if (block) {
						k.sent = true;
						k.quote_close = 0;
					}
					pos += n;
					k.prev_cp = ' ';
					continue;
				}
			} else if (b == '&') {
				size_t n = entity(s, len, pos, &c);
				if (n) {
					pos += n;
					k.pos = pos;
					if (c < 0) {
						end_token(&k);
					} else {
						/* decoded characters take the general path, without clusters */
						int32_t out[CLUSTER_MAX];
						uint8_t u[4];
						int m = normalize_cluster(u, (size_t)utf8proc_encode_char(c, u), out, CLUSTER_MAX);
						utf8proc_category_t cat = utf8proc_category(c);
						if (m > 0)
							feed(&k, out, m, cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT);
					}
					k.prev_cp = c < 0 ? ' ' : c;
					continue;
				}
			}
			pos++;
			k.pos = pos;
			if (pos < len && s[pos] >= 0x80 && (b | 0x20) >= 'a' && (b | 0x20) <= 'z') {
				/* an ASCII letter may carry combining marks: take the slow path */
				int32_t nc;
				utf8proc_ssize_t l = utf8proc_iterate(s + pos, (utf8proc_ssize_t)(len - pos), &nc);
				if (l > 0 && is_mark(nc)) {
					pos--;
					goto slow;
				}
			}
			if (b >= 'a' && b <= 'z') {
				word_cp(&k, b, false, true);
			} else if (b >= 'A' && b <= 'Z') {
				word_cp(&k, b | 0x20, true, true);
			} else if (b >= '0' && b <= '9') {
				word_cp(&k, b, false, false);
			} else {
				punct(&k, b);
				k.prev_cp = b;
				continue;
			}
			/* the rest of an ASCII word in a tight loop (a following non-ASCII byte
			 * may be a combining mark: the general path decides) */
			while (pos + 1 < len && s[pos] < 0x80 && s[pos + 1] < 0x80) {
				uint8_t x = s[pos];
				if (x >= 'a' && x <= 'z') {
					k.letters++;
				} else if (x >= 'A' && x <= 'Z') {
					k.letters++;
					k.uppers++;
					x |= 0x20;
				} else if (!(x >= '0' && x <= '9')) {
					break;
				}
				text_reserve(t, 1);
				t->text[t->text_len++] = (char)x;
				if (k.cur.ncp < UINT16_MAX)
					k.cur.ncp++;
				pos++;
			}
			k.pos = pos;
			k.prev_cp = s[pos - 1];
			continue;
		}
	slow:;
		utf8proc_ssize_t l = utf8proc_iterate(s + pos, (utf8proc_ssize_t)(len - pos), &c);
		if (l <= 0) {
			/* invalid UTF-8: one byte becomes a separator */
			pos++;
			k.pos = pos;
			end_token(&k);
			k.prev_cp = ' ';
			continue;
		}
		size_t start = pos, end = pos + (size_t)l;
		int nmarks = 0;
		while (end < len && nmarks < CLUSTER_MAX / 4) {
			int32_t mc;
			utf8proc_ssize_t ml = utf8proc_iterate(s + end, (utf8proc_ssize_t)(len - end), &mc);
			if (ml <= 0 || !is_mark(mc))
				break;
			end += (size_t)ml;
			nmarks++;
		}
		pos = end;
		k.pos = pos;
		utf8proc_category_t cat = utf8proc_category(c);
		bool upper = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
		if (nmarks == 0 && c < TABLE_MAX && table[c].word) {
			/* the common case for Cyrillic, Armenian, accented Latin: precomputed bytes */
			const struct cpmap *m = &table[c];
			if (!k.in_tok)
				tok_start(&k, m->cp[0], upper);
			k.letters += m->nletters;
			k.uppers += upper ? m->nletters : 0;
			k.cur.ncp = (uint16_t)(k.cur.ncp + m->n < UINT16_MAX ? k.cur.ncp + m->n : UINT16_MAX);
			text_reserve(t, m->nb);
			memcpy(t->text + t->text_len, m->u8, m->nb);
			t->text_len += m->nb;
		} else if (nmarks == 0 && c < TABLE_MAX && table[c].n != 255) {
			feed(&k, table[c].cp, table[c].n, upper);
		} else {
			int32_t out[CLUSTER_MAX];
			int m = normalize_cluster(s + start, end - start, out, CLUSTER_MAX);
			if (m >= 0) {
				feed(&k, out, m, upper);
			} else {
				one[0] = ' ';
				feed(&k, one, 1, false);
			}
		}
		k.prev_cp = c;
	}
	end_token(&k);
	t->quotes = k.quote_id;
	text_reserve(t, 0);
	t->text[t->text_len] = '\0';
}

void pw_text_tokenize(struct pw_tokens *t, const char *s, size_t len)
{
	t->n = 0;
	t->text_len = 0;
	t->quotes = 0;
	pw_text_tokenize_append(t, s, len);
}

void pw_tokens_free(struct pw_tokens *t)
{
	free(t->text);
	free(t->v);
	memset(t, 0, sizeof *t);
}

char *pw_text_normalize(const char *s, size_t len)
{
	struct pw_tokens t = PW_TOKENS_INIT;
	pw_text_tokenize(&t, s, len);
	char *r = t.text ? t.text : xstrdup("");
	free(t.v);
	return r;
}

size_t pw_utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}
