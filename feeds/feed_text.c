/*
 * feed_text.c -- HTML fragments inside feeds: to plain text, and with absolute links.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>

#include "buf.h"
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

char *pw_html_resolve_links(const char *html, const char *base)
{
	if (!base || !strchr(html, '<'))
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
		if (!isalpha((unsigned char)p[1])) {
			pw_buf_putc(&out, *p++);
			continue;
		}
		/* inside a start tag: copy the name, then walk the attributes */
		const char *q = p + 1;
		while (isalnum((unsigned char)*q))
			q++;
		pw_buf_append(&out, p, (size_t)(q - p));
		p = q;
		while (*p && *p != '>') {
			if (is_space((unsigned char)*p) || *p == '/') {
				pw_buf_putc(&out, *p++);
				continue;
			}
			const char *an = p;
			while (*p && !is_space((unsigned char)*p) && *p != '=' && *p != '>' && *p != '/')
				p++;
			size_t anl = (size_t)(p - an);
			if (anl == 0) {
				pw_buf_putc(&out, *p++);
				continue;
			}
			pw_buf_append(&out, an, anl);
			const char *ws = p;
			while (is_space((unsigned char)*p))
				p++;
			if (*p != '=') {
				pw_buf_append(&out, ws, (size_t)(p - ws));
				continue;
			}
			p++;
			while (is_space((unsigned char)*p))
				p++;
			char quote = (*p == '"' || *p == '\'') ? *p : 0;
			const char *vs = quote ? p + 1 : p;
			const char *ve = vs;
			if (quote) {
				while (*ve && *ve != quote)
					ve++;
			} else {
				while (*ve && !is_space((unsigned char)*ve) && *ve != '>')
					ve++;
			}
			char qc = quote ? quote : '"';
			pw_buf_putc(&out, '=');
			pw_buf_putc(&out, qc);
			if (url_attr(an, anl)) {
				char *raw = attr_decode(vs, (size_t)(ve - vs));
				char *abs = pw_url_resolve(base, raw);
				attr_encode(&out, abs, qc);
				free(abs);
				free(raw);
			} else {
				if (quote)
					pw_buf_append(&out, vs, (size_t)(ve - vs));
				else
					for (const char *c = vs; c < ve; c++)
						if (*c == '"')
							pw_buf_puts(&out, "&quot;");
						else
							pw_buf_putc(&out, *c);
			}
			pw_buf_putc(&out, qc);
			p = (quote && *ve) ? ve + 1 : ve;
		}
		if (*p == '>')
			pw_buf_putc(&out, *p++);
	}
	return pw_buf_detach(&out);
}
