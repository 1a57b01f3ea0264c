/*
 * feed_text.c -- HTML fragments inside feeds: to plain text, and with absolute links.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "buf.h"
#include "common.h"
#include "feed_text.h"
#include "url.h"
#include "xmalloc.h"

size_t pw_utf8_put(char *o, unsigned cp)
{
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Windows-1252 meanings of the C1 range, used for numeric references &#128;..&#159;. */
static const unsigned short cp1252_c1[32] = {
	0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
	0x2039, 0x0152, 0x8d, 0x017d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013,
	0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178
};

/* Decodes the entity at s ('&'); appends to out and returns bytes consumed, 0 if none. */
static size_t decode_entity(const char *s, struct pw_buf *out)
{
	char tmp[4];
	if (s[1] == '#') {
		const char *p = s + 2;
		unsigned long v = 0;
		int hex = *p == 'x' || *p == 'X', n = 0;
		if (hex)
			p++;
		while (hex ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p)) {
			if (v < 0x110000)
				v = v * (hex ? 16 : 10) + (unsigned long)(isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10));
			p++;
			n++;
		}
		if (!n)
			return 0;
		if (*p == ';')
			p++;
		if (v >= 0x80 && v < 0xa0)
			v = cp1252_c1[v - 0x80];
		pw_buf_append(out, tmp, pw_utf8_put(tmp, (unsigned)(v > 0x10ffff ? 0xfffd : v)));
		return (size_t)(p - s);
	}
	char name[32];
	size_t n = 0;
	const char *p = s + 1;
	while (isalnum((unsigned char)*p) && n < sizeof name - 1)
		name[n++] = *p++;
	name[n] = '\0';
	if (!n || *p != ';')
		return 0;
	const htmlEntityDesc *e = htmlEntityLookup((const xmlChar *)name);
	if (!e) {
		if (strcmp(name, "apos") == 0)
			pw_buf_putc(out, '\'');
		else
			return 0;
	} else {
		pw_buf_append(out, tmp, pw_utf8_put(tmp, e->value));
	}
	return (size_t)(p + 1 - s);
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Appends s, collapsing whitespace; *pending_space carries a space between calls. */
static void put_squeezed(struct pw_buf *out, const char *s, size_t n, int *pending)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_space(c)) {
			*pending = 1;
			continue;
		}
		/* U+00A0 stays: it is content, not layout */
		if (*pending && out->len)
			pw_buf_putc(out, ' ');
		*pending = 0;
		pw_buf_putc(out, (char)c);
	}
}

char *pw_text_squeeze(const char *s)
{
	struct pw_buf out = PW_BUF_INIT;
	int pending = 0;
	put_squeezed(&out, s, strlen(s), &pending);
	return pw_buf_detach(&out);
}

static int tag_is(const char *name, size_t n, const char *want)
{
	return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

char *pw_html_to_text(const char *html)
{
	struct pw_buf out = PW_BUF_INIT, ent = PW_BUF_INIT;
	int pending = 0;
	const char *p = html;
	while (*p) {
		if (*p == '<' && (isalpha((unsigned char)p[1]) || p[1] == '/' || p[1] == '!' || p[1] == '?')) {
			if (strncmp(p, "<!--", 4) == 0) {
				const char *e = strstr(p + 4, "-->");
				p = e ? e + 3 : p + strlen(p);
				continue;
			}
			if (strncmp(p, "<![CDATA[", 9) == 0) {
				const char *e = strstr(p + 9, "]]>");
				size_t n = e ? (size_t)(e - p - 9) : strlen(p + 9);
				put_squeezed(&out, p + 9, n, &pending);
				p = e ? e + 3 : p + 9 + n;
				continue;
			}
			const char *nm = p + 1 + (p[1] == '/');
			size_t nl = 0;
			while (isalnum((unsigned char)nm[nl]))
				nl++;
			/* skip to the end of the tag, honouring quoted attribute values */
			const char *e = nm + nl;
			char q = 0;
			int after_eq = 0; /* quotes open a value only right after '=' */
			while (*e && (q || *e != '>')) {
				if (q) {
					if (*e == q)
						q = 0;
				} else if (after_eq && (*e == '"' || *e == '\'')) {
					q = *e;
					after_eq = 0;
				} else if (*e == '=') {
					after_eq = 1;
				} else if (!is_space((unsigned char)*e)) {
					after_eq = 0;
				}
				e++;
			}
			if (!*e) {
				/* an unterminated "<x" is text, not a tag */
				put_squeezed(&out, p, 1, &pending);
				p++;
				continue;
			}
			int closing = p[1] == '/';
			if (!closing && (tag_is(nm, nl, "script") || tag_is(nm, nl, "style"))) {
				const char *end = e + 1;
				for (;;) {
					end = strchr(end, '<');
					if (!end || (end[1] == '/' && strncasecmp(end + 2, nm, nl) == 0))
						break;
					end++;
				}
				e = end ? strchr(end, '>') : NULL;
				p = e ? e + 1 : p + strlen(p);
				continue;
			}
			static const char *const blocks[] = { "br", "p", "div", "li", "ul", "ol", "tr", "td",
				"th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr", "table", "dd", "dt" };
			for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
				if (tag_is(nm, nl, blocks[i]))
					pending = 1;
			p = e + 1;
			continue;
		}
		if (*p == '&') {
			pw_buf_reset(&ent);
			size_t used = decode_entity(p, &ent);
			if (used) {
				/* a decoded NBSP or other text is content; decoded whitespace is layout */
				put_squeezed(&out, ent.data, ent.len, &pending);
				p += used;
				continue;
			}
		}
		put_squeezed(&out, p, 1, &pending);
		p++;
	}
	pw_buf_free(&ent);
	return pw_buf_detach(&out);
}

static int url_attr(const char *name, size_t n)
{
	static const char *const names[] = { "href", "src", "cite", "action", "background",
		"longdesc", "poster", "usemap", "data", "codebase", "profile" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (tag_is(name, n, names[i]))
			return 1;
	return 0;
}

/* Decodes the entities of an attribute value (only &amp; &quot; &lt; &gt; &#..; matter for URLs). */
static char *attr_decode(const char *s, size_t n)
{
	struct pw_buf b = PW_BUF_INIT;
	char *tmp = xstrndup(s, n);
	for (const char *p = tmp; *p;) {
		size_t used = *p == '&' ? decode_entity(p, &b) : 0;
		if (used) {
			p += used;
		} else {
			pw_buf_putc(&b, *p++);
		}
	}
	free(tmp);
	return pw_buf_detach(&b);
}

static void attr_encode(struct pw_buf *b, const char *s, char quote)
{
	for (; *s; s++) {
		if (*s == '&')
			pw_buf_puts(b, "&amp;");
		else if (*s == quote)
			pw_buf_puts(b, quote == '"' ? "&quot;" : "&#39;");
		else if (*s == '<')
			pw_buf_puts(b, "&lt;");
		else
			pw_buf_putc(b, *s);
	}
}

/* Elements dropped together with their content, and elements dropped as tags only. */
static const char *const drop_with_content[] = { "script", "style", "applet", "object", "iframe",
	"frameset", "noembed", "template" };
static const char *const drop_tag[] = { "embed", "frame", "base", "meta", "link", "param" };

static int in_list(const char *name, size_t n, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (tag_is(name, n, list[i]))
			return 1;
	return 0;
}

/* A URL that would run code when followed or loaded. */
static int dangerous_url(const char *u)
{
	char scheme[16];
	size_t n = 0;
	for (const char *c = u; *c && n < sizeof scheme - 1; c++) {
		if (*c == ':')
			break;
		if ((unsigned char)*c <= ' ')
			continue; /* "java\tscript:" tricks */
		scheme[n++] = (char)tolower((unsigned char)*c);
	}
	scheme[n] = '\0';
	if (!strchr(u, ':'))
		return 0;
	return strcmp(scheme, "javascript") == 0 || strcmp(scheme, "vbscript") == 0 ||
	       (strcmp(scheme, "data") == 0 && strncasecmp(strchr(u, ':') + 1, "image/", 6) != 0);
}

/* Skips a tag starting at p ('<'), honouring quoted attribute values; returns the char after '>'. */
static const char *skip_tag(const char *p)
{
	char q = 0;
	int after_eq = 0;
	for (p++; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '>') {
			return p + 1;
		} else if (after_eq && (*p == '"' || *p == '\'')) {
			q = *p;
			after_eq = 0;
		} else if (*p == '=') {
			after_eq = 1;
		} else if (!is_space((unsigned char)*p)) {
			after_eq = 0;
		}
	}
	return p;
}

char *pw_html_clean(const char *html, const char *base)
{
	if (!strchr(html, '<'))
		return xstrdup(html);
	struct pw_buf out = PW_BUF_INIT;
	const char *p = html;
	while (*p) {
		const char *lt = strchr(p, '<');
		if (!lt) {
			pw_buf_puts(&out, p);
			break;
		}
		pw_buf_append(&out, p, (size_t)(lt - p));
		p = lt;
		if (strncmp(p, "<!--", 4) == 0) {
			const char *e = strstr(p + 4, "-->");
			p = e ? e + 3 : p + strlen(p);
			continue;
		}
		int closing = p[1] == '/';
		const char *nm = p + 1 + closing;
		if (!isalpha((unsigned char)*nm)) {
			pw_buf_putc(&out, *p++);
			continue;
		}
		size_t nl = 0;
		while (isalnum((unsigned char)nm[nl]))
			nl++;
		if (in_list(nm, nl, drop_with_content, PW_ARRAY_SIZE(drop_with_content))) {
			if (closing) {
				p = skip_tag(p);
				continue;
			}
			/* skip to the matching end tag (or the end of the fragment) */
			const char *e = skip_tag(p);
			for (;;) {
				e = strchr(e, '<');
				if (!e || (e[1] == '/' && strncasecmp(e + 2, nm, nl) == 0 && !isalnum((unsigned char)e[2 + nl])))
					break;
				e++;
			}
			p = e ? skip_tag(e) : p + strlen(p);
			continue;
		}
		if (in_list(nm, nl, drop_tag, PW_ARRAY_SIZE(drop_tag))) {
			p = skip_tag(p);
			continue;
		}
		if (closing) {
			const char *e = skip_tag(p);
			pw_buf_append(&out, p, (size_t)(e - p));
			p = e;
			continue;
		}
		/* a start tag we keep: copy the name, then walk the attributes */
		pw_buf_append(&out, p, (size_t)(nm + nl - p));
		p = nm + nl;
		int pending_ws = 0; /* written before the next kept attribute, so a dropped one leaves no gap */
		while (*p && *p != '>') {
			if (is_space((unsigned char)*p)) {
				pending_ws = 1;
				p++;
				continue;
			}
			if (*p == '/') {
				if (pending_ws)
					pw_buf_putc(&out, ' ');
				pending_ws = 0;
				pw_buf_putc(&out, *p++);
				continue;
			}
			const char *an = p;
			while (*p && !is_space((unsigned char)*p) && *p != '=' && *p != '>' && *p != '/')
				p++;
			size_t anl = (size_t)(p - an);
			if (anl == 0) {
				pw_buf_putc(&out, *p++);
				pending_ws = 0;
				continue;
			}
			const char *ws = p;
			while (is_space((unsigned char)*p))
				p++;
			const char *vs = NULL, *ve = NULL;
			char quote = 0;
			if (*p == '=') {
				p++;
				while (is_space((unsigned char)*p))
					p++;
				quote = (*p == '"' || *p == '\'') ? *p : 0;
				vs = quote ? p + 1 : p;
				ve = vs;
				if (quote) {
					while (*ve && *ve != quote)
						ve++;
				} else {
					while (*ve && !is_space((unsigned char)*ve) && *ve != '>')
						ve++;
				}
				p = (quote && *ve) ? ve + 1 : ve;
			}
			/* event handlers never survive */
			if (anl > 2 && strncasecmp(an, "on", 2) == 0)
				continue;
			char *raw = vs ? attr_decode(vs, (size_t)(ve - vs)) : NULL;
			if (raw && url_attr(an, anl) && dangerous_url(raw)) {
				free(raw);
				continue;
			}
			if (pending_ws)
				pw_buf_putc(&out, ' ');
			pending_ws = 0;
			pw_buf_append(&out, an, anl);
			if (!vs) {
				free(raw);
				p = ws;
				continue;
			}
			char qc = quote ? quote : '"';
			pw_buf_putc(&out, '=');
			pw_buf_putc(&out, qc);
			if (url_attr(an, anl) && base) {
				char *abs = pw_url_resolve(base, raw);
				attr_encode(&out, abs, qc);
				free(abs);
			} else if (quote) {
				pw_buf_append(&out, vs, (size_t)(ve - vs));
			} else {
				for (const char *c = vs; c < ve; c++)
					if (*c == '"')
						pw_buf_puts(&out, "&quot;");
					else
						pw_buf_putc(&out, *c);
			}
			pw_buf_putc(&out, qc);
			free(raw);
		}
		if (*p == '>')
			pw_buf_putc(&out, *p++);
	}
	return pw_buf_detach(&out);
}

size_t pw_utf8_cut(const char *s, size_t len)
{
	size_t i = len, cont = 0;
	while (i > 0 && cont < 3 && ((unsigned char)s[i - 1] & 0xc0) == 0x80) {
		i--;
		cont++;
	}
	if (i == 0)
		return len;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
	return need > cont + 1 ? i - 1 : len;
}

/* Index just past the first pat in s[from..n), or 0 when the end comes first. */
static size_t find_end(const char *s, size_t from, size_t n, const char *pat)
{
	size_t m = strlen(pat);
	for (size_t i = from; i + m <= n; i++)
		if (s[i] == pat[0] && memcmp(s + i, pat, m) == 0)
			return i + m;
	return 0;
}

/* Index just past the '>' of the tag at s[i] (skip_tag's rules), or 0 when n comes first. */
static size_t tag_end(const char *s, size_t i, size_t n)
{
	char q = 0;
	int after_eq = 0;
	for (i++; i < n; i++) {
		char c = s[i];
		if (q) {
			if (c == q)
				q = 0;
		} else if (c == '>') {
			return i + 1;
		} else if (after_eq && (c == '"' || c == '\'')) {
			q = c;
			after_eq = 0;
		} else if (c == '=') {
			after_eq = 1;
		} else if (!is_space((unsigned char)c)) {
			after_eq = 0;
		}
	}
	return 0;
}

static int has_prefix(const char *s, size_t n, const char *want)
{
	size_t m = strlen(want);
	return n >= m && memcmp(s, want, m) == 0;
}

/*
 * The markup at s[i] == '<' within s[0..n): the index just past it; i + 1 when this '<' is
 * text (pw_html_clean copies "< " and "<3" as they are); 0 when the end of s cuts it off.
 */
static size_t markup_end(const char *s, size_t i, size_t n)
{
	if (i + 1 >= n)
		return 0;
	char c = s[i + 1];
	if (c == '!') {
		if (has_prefix(s + i, n - i, "<!--"))
			return find_end(s, i + 4, n, "-->");
		if (has_prefix(s + i, n - i, "<![CDATA["))
			return find_end(s, i + 9, n, "]]>");
		return find_end(s, i + 2, n, ">");
	}
	if (c == '?')
		return find_end(s, i + 2, n, ">");
	if (c == '/') {
		if (i + 2 >= n)
			return 0;
		return isalpha((unsigned char)s[i + 2]) ? tag_end(s, i, n) : i + 1;
	}
	if (!isalpha((unsigned char)c))
		return i + 1;
	size_t e = tag_end(s, i, n);
	if (!e)
		return 0;
	const char *nm = s + i + 1;
	size_t nl = 0;
	while (isalnum((unsigned char)nm[nl]))
		nl++;
	if (!tag_is(nm, nl, "script") && !tag_is(nm, nl, "style"))
		return e;
	/* raw text: a '<' inside is no tag; the element ends with its whole end tag or is cut */
	for (size_t k = e; k + 2 + nl <= n; k++)
		if (s[k] == '<' && s[k + 1] == '/' && strncasecmp(s + k + 2, nm, nl) == 0 &&
		    (k + 2 + nl == n || !isalnum((unsigned char)s[k + 2 + nl])))
			return tag_end(s, k, n);
	return 0;
}

/* longest named reference is &CounterClockwiseContourIntegral; (31), numeric ones are shorter */
#define MAX_REF 32

size_t pw_html_cut(const char *html, size_t len)
{
	size_t n = pw_utf8_cut(html, len);
	size_t i = 0;
	while (i < n) {
		if (html[i] == '&') {
			size_t j = i + 1;
			if (j < n && html[j] == '#')
				j++;
			while (j < n && j - i <= MAX_REF && isalnum((unsigned char)html[j]))
				j++;
			if (j == n && j - i <= MAX_REF)
				return i; /* "&am", "&#10": the rest of the reference is past the cut */
			i = j;
		} else if (html[i] == '<') {
			size_t e = markup_end(html, i, n);
			if (!e)
				return i;
			i = e;
		} else {
			i++;
		}
	}
	return n;
}

char *pw_html_blocks_to_text(const char *html, const char *sep)
{
	static const char *const breaks[] = { "</p", "</li", "</h1", "</h2", "</h3", "</h4", "</h5",
					      "</h6", "<br", "</div", "</blockquote", "</tr" };
	struct pw_buf out = PW_BUF_INIT;
	const char *p = html;
	while (*p) {
		const char *cut = NULL;
		for (const char *q = strchr(p, '<'); q && !cut; q = strchr(q + 1, '<'))
			for (size_t i = 0; i < PW_ARRAY_SIZE(breaks); i++)
				if (strncasecmp(q, breaks[i], strlen(breaks[i])) == 0) {
					cut = q;
					break;
				}
		const char *end = cut ? strchr(cut, '>') : NULL;
		size_t len = end ? (size_t)(end + 1 - p) : strlen(p);
		char *part = xstrndup(p, len);
		char *text = pw_html_to_text(part);
		if (*text) {
			if (out.len)
				pw_buf_puts(&out, sep);
			pw_buf_puts(&out, text);
		}
		free(text);
		free(part);
		p += len;
	}
	return pw_buf_detach(&out);
}
