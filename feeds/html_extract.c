/*
 * html_extract.c -- pw_html_extract(): refuse what is not HTML, pick the encoding, parse with
 * libxml2's HTML parser, index the elements, then hand over to html_meta.c (metadata) and
 * html_content.c (main text).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/encoding.h>
#include <libxml/xmlerror.h>
#include <libxml/globals.h>

#include "buf.h"
#include "charset.h"
#include "html_extract.h"
#include "html_extract_int.h"
#include "text.h"
#include "xmalloc.h"

/* Below this many characters of main text, a JSON-LD articleBody that is longer wins. */
#define JSONLD_PREFER_RATIO 0.6

static const struct { const char *name; enum hx_tag tag; } tag_names[] = {
	{ "a", HX_A }, { "address", HX_ADDRESS }, { "article", HX_ARTICLE }, { "aside", HX_ASIDE },
	{ "audio", HX_AUDIO }, { "blockquote", HX_BLOCKQUOTE }, { "body", HX_BODY }, { "br", HX_BR },
	{ "button", HX_BUTTON }, { "canvas", HX_CANVAS }, { "caption", HX_CAPTION },
	{ "code", HX_CODE }, { "dd", HX_DD }, { "details", HX_DETAILS }, { "dialog", HX_DIALOG },
	{ "div", HX_DIV }, { "dl", HX_DL }, { "dt", HX_DT }, { "embed", HX_EMBED },
	{ "fieldset", HX_FIELDSET }, { "figcaption", HX_FIGCAPTION }, { "figure", HX_FIGURE },
	{ "footer", HX_FOOTER }, { "form", HX_FORM }, { "h1", HX_H1 }, { "h2", HX_H2 },
	{ "h3", HX_H3 }, { "h4", HX_H4 }, { "h5", HX_H5 }, { "h6", HX_H6 }, { "head", HX_HEAD },
	{ "header", HX_HEADER }, { "hr", HX_HR }, { "html", HX_HTML }, { "iframe", HX_IFRAME },
	{ "img", HX_IMG }, { "input", HX_INPUT }, { "li", HX_LI }, { "link", HX_LINK },
	{ "main", HX_MAIN }, { "math", HX_MATH }, { "menu", HX_MENU }, { "meta", HX_META },
	{ "nav", HX_NAV }, { "noscript", HX_NOSCRIPT }, { "object", HX_OBJECT }, { "ol", HX_OL },
	{ "option", HX_OPTION }, { "p", HX_P }, { "picture", HX_PICTURE }, { "pre", HX_PRE },
	{ "script", HX_SCRIPT }, { "section", HX_SECTION }, { "select", HX_SELECT },
	{ "source", HX_SOURCE }, { "span", HX_SPAN }, { "style", HX_STYLE }, { "svg", HX_SVG },
	{ "table", HX_TABLE }, { "tbody", HX_TBODY }, { "td", HX_TD }, { "template", HX_TEMPLATE },
	{ "textarea", HX_TEXTAREA }, { "tfoot", HX_TFOOT }, { "th", HX_TH }, { "thead", HX_THEAD },
	{ "time", HX_TIME }, { "title", HX_TITLE }, { "tr", HX_TR }, { "ul", HX_UL },
	{ "video", HX_VIDEO },
};

static int tag_cmp(const void *k, const void *e)
{
	return strcmp((const char *)k, *(const char *const *)e);
}

static enum hx_tag tag_lookup(const xmlChar *name)
{
	if (!name)
		return HX_OTHER;
	const void *hit = bsearch(name, tag_names, PW_ARRAY_SIZE(tag_names), sizeof tag_names[0],
				  tag_cmp);
	return hit ? ((const __typeof__(tag_names[0]) *)hit)->tag : HX_OTHER;
}

xmlNode *pw_hx_walk_next(xmlNode *n, const xmlNode *root, int descend)
{
	if (descend && n->children && n->type == XML_ELEMENT_NODE)
		return n->children;
	while (n && n != root) {
		if (n->next)
			return n->next;
		n = n->parent;
	}
	return NULL;
}

const char *pw_hx_attr(const xmlNode *n, const char *name)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		if (a->name && strcasecmp((const char *)a->name, name) == 0) {
			if (a->children && a->children->content)
				return (const char *)a->children->content;
			return "";
		}
	}
	return NULL;
}

static int is_space_at(const unsigned char *s, size_t *adv)
{
	if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v') {
		*adv = 1;
		return 1;
	}
	if (s[0] == 0xC2 && s[1] == 0xA0) { /* NO-BREAK SPACE */
		*adv = 2;
		return 1;
	}
	if (s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0x8B || s[2] == 0xAF || s[2] == 0x89)) {
		*adv = 3; /* zero-width, narrow no-break and thin spaces */
		return 1;
	}
	return 0;
}

char *pw_hx_squash(char *s)
{
	unsigned char *r = (unsigned char *)s, *w = (unsigned char *)s;
	int pending = 0;
	while (*r) {
		size_t adv;
		if (is_space_at(r, &adv)) {
			pending = (w != (unsigned char *)s);
			r += adv;
			continue;
		}
		if (pending)
			*w++ = ' ';
		pending = 0;
		*w++ = *r++;
	}
	*w = '\0';
	return s;
}

static int block_boundary(int tag)
{
	switch (tag) {
	case HX_P: case HX_DIV: case HX_BR: case HX_LI: case HX_TR: case HX_TD: case HX_TH:
	case HX_H1: case HX_H2: case HX_H3: case HX_H4: case HX_H5: case HX_H6:
	case HX_SECTION: case HX_ARTICLE: case HX_BLOCKQUOTE: case HX_DD: case HX_DT:
	case HX_HEADER: case HX_FOOTER: case HX_PRE: case HX_TABLE: case HX_UL: case HX_OL:
		return 1;
	default:
		return 0;
	}
}

char *pw_hx_text(const xmlNode *root)
{
	struct pw_buf b = PW_BUF_INIT;
	if (root->type == XML_TEXT_NODE || root->type == XML_CDATA_SECTION_NODE) {
		if (root->content)
			pw_buf_puts(&b, (const char *)root->content);
		return pw_hx_squash(pw_buf_detach(&b));
	}
	for (xmlNode *n = root->children; n;) {
		int descend = 1;
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				pw_buf_puts(&b, (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE) {
			if (hx_is_elem(n) && (hx_inf(n)->flags & HX_GONE))
				descend = 0;
			else if (block_boundary(hx_tag_of(n)))
				pw_buf_putc(&b, ' ');
		} else {
			descend = 0;
		}
		n = pw_hx_walk_next(n, root, descend);
	}
	return pw_hx_squash(pw_buf_detach(&b));
}

/* ---- is it HTML at all? ---- */

static int ci_prefix(const char *s, size_t len, const char *p)
{
	size_t pl = strlen(p);
	return len >= pl && strncasecmp(s, p, pl) == 0;
}

/* Case-insensitive search for needle in s[0..len). */
static const char *ci_find(const char *s, size_t len, const char *needle)
{
	size_t nl = strlen(needle);
	if (nl == 0 || len < nl)
		return NULL;
	int c0 = tolower((unsigned char)needle[0]);
	for (size_t i = 0; i + nl <= len; i++)
		if (tolower((unsigned char)s[i]) == c0 && strncasecmp(s + i, needle, nl) == 0)
			return s + i;
	return NULL;
}

/* 0 when data looks like HTML; else -1 with the reason in why. */
static int sniff_not_html(const char *data, size_t len, char *why, size_t whylen)
{
	size_t i = 0;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n' ||
			   data[i] == '\f'))
		i++;
	if (i == len) {
		snprintf(why, whylen, "empty document");
		return -1;
	}
	const char *s = data + i;
	size_t n = len - i;
	const unsigned char *u = (const unsigned char *)s;
	if (n >= 4 && memcmp(s, "%PDF", 4) == 0) {
		snprintf(why, whylen, "looks like a PDF file");
		return -1;
	}
	if (n >= 2 && u[0] == 0x1F && u[1] == 0x8B) {
		snprintf(why, whylen, "gzip-compressed data");
		return -1;
	}
	size_t probe = n < 1024 ? n : 1024;
	if (memchr(s, '\0', probe)) {
		snprintf(why, whylen, "binary data (NUL bytes)");
		return -1;
	}
	size_t ctl = 0;
	for (size_t k = 0; k < probe; k++)
		if (u[k] < 0x20 && u[k] != '\t' && u[k] != '\n' && u[k] != '\r' && u[k] != '\f')
			ctl++;
	if (ctl * 20 > probe) {
		snprintf(why, whylen, "binary data (control characters)");
		return -1;
	}
	if (s[0] == '{' || s[0] == '[') {
		snprintf(why, whylen, "looks like JSON");
		return -1;
	}
	size_t head = n < 4096 ? n : 4096;
	if (ci_prefix(s, n, "<?xml") || ci_prefix(s, n, "<rss") || ci_prefix(s, n, "<feed") ||
	    ci_prefix(s, n, "<rdf:")) {
		if (ci_find(s, head, "<html"))
			return 0; /* XHTML */
		if (ci_find(s, head, "<rss") || ci_find(s, head, "<feed") || ci_find(s, head, "<rdf:RDF"))
			snprintf(why, whylen, "an XML feed (RSS/Atom), not an HTML page");
		else
			snprintf(why, whylen, "XML, not HTML");
		return -1;
	}
	if (ci_prefix(s, n, "<svg")) {
		snprintf(why, whylen, "an SVG image");
		return -1;
	}
	if (s[0] == '<')
		return 0;
	size_t scan = n < 65536 ? n : 65536;
	static const char *const markers[] = { "<html", "<body", "<p>", "<p ", "<div", "<head",
					       "<title", "<!doctype", "<br", "<article" };
	for (size_t k = 0; k < PW_ARRAY_SIZE(markers); k++)
		if (ci_find(s, scan, markers[k]))
			return 0;
	snprintf(why, whylen, "no HTML markup (plain text?)");
	return -1;
}

/* ---- encodings ---- */

/* 1 when s is valid UTF-8 (a sequence cut by the end of the buffer is allowed). */
static int valid_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
		} else {
			return 0;
		}
		if (i + n >= len)
			return 1; /* truncated at the end: a cut, not an error */
		for (size_t k = 1; k <= n; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
		i += n + 1;
	}
	return 1;
}

static int has_multibyte(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] >= 0xC2 && s[i] <= 0xF4)
			return 1;
	return 0;
}

/* Copy a charset label (letters, digits, - _ . :) into out; returns 0 if one was found. */
static int take_label(const char *p, const char *end, char *out, size_t outlen)
{
	while (p < end && (*p == ' ' || *p == '=' || *p == '"' || *p == '\'' || *p == '\t'))
		p++;
	size_t k = 0;
	while (p < end && k + 1 < outlen &&
	       (isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.' || *p == ':'))
		out[k++] = (char)tolower((unsigned char)*p++);
	out[k] = '\0';
	return k ? 0 : -1;
}

/* <meta charset=...> or http-equiv content="...; charset=..." in the first bytes. */
static int sniff_meta_charset(const char *s, size_t len, char *out, size_t outlen)
{
	size_t scan = len < 8192 ? len : 8192;
	const char *p = s, *end = s + scan;
	if (ci_prefix(s, scan, "<?xml")) {
		const char *q = memchr(s, '>', scan);
		const char *e = q ? ci_find(s, (size_t)(q - s), "encoding") : NULL;
		if (e && take_label(e + 8, q, out, outlen) == 0)
			return 0;
	}
	while ((p = ci_find(p, (size_t)(end - p), "<meta")) != NULL) {
		const char *gt = memchr(p, '>', (size_t)(end - p));
		if (!gt)
			break;
		const char *c = ci_find(p, (size_t)(gt - p), "charset");
		if (c && take_label(c + 7, gt, out, outlen) == 0)
			return 0;
		p = gt;
	}
	return -1;
}

/*
 * Undeclared (or wrongly declared) 8-bit text.  Cyrillic in windows-1251 or KOI8-R is almost
 * all bytes >= 0xC0, where Latin text in windows-1252 has an accented letter here and there;
 * and Russian is mostly lower case, which windows-1251 puts at 0xE0-0xFF and KOI8-R at
 * 0xC0-0xDF.
 */
static const char *guess_8bit(const unsigned char *s, size_t len)
{
	size_t ascii_letters = 0, hi_lower = 0, hi_upper = 0;
	size_t n = len < 65536 ? len : 65536;
	for (size_t i = 0; i < n; i++) {
		if (isalpha(s[i]))
			ascii_letters++;
		else if (s[i] >= 0xE0)
			hi_lower++;
		else if (s[i] >= 0xC0)
			hi_upper++;
	}
	/* markup is ASCII: compare with a fraction of the ASCII letters */
	if ((hi_lower + hi_upper) * 4 < ascii_letters)
		return "WINDOWS-1252";
	return hi_lower >= hi_upper ? "WINDOWS-1251" : "KOI8-R";
}

/* An encoding name iconv can use for this label (pw_charset_canonical's table first). */
static const char *encoding_for(const char *label, char *tmp, size_t tmplen)
{
	const char *c = pw_charset_canonical(label);
	if (c)
		return c;
	take_label(label, label + strlen(label), tmp, tmplen);
	if (!tmp[0])
		return NULL;
	xmlCharEncodingHandlerPtr h = xmlFindCharEncodingHandler(tmp);
	if (!h)
		return NULL;
	xmlCharEncCloseFunc(h); /* only probing: release it */
	return tmp;
}

/*
 * The page's encoding (an iconv name; "UTF-8" when nothing else applies), following HTML
 * rather than XML rules: HTTP charset > byte-order mark > <meta charset> / http-equiv >
 * UTF-8 if the bytes are valid UTF-8 > windows-1252.  Bytes that are valid UTF-8 with
 * multi-byte sequences are UTF-8 whatever the labels say: legacy-encoded text (windows-1251,
 * KOI8-R, GBK...) essentially never validates, while pages re-saved as UTF-8 with their old
 * <meta charset> are common.  *skip = length of a byte-order mark.
 */
static const char *pick_encoding(const char *data, size_t len, const char *http, char *tmp,
				 size_t tmplen, size_t *skip)
{
	const unsigned char *u = (const unsigned char *)data;
	const char *enc;
	char meta[64];
	*skip = 0;
	if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		*skip = 3;
		return "UTF-8";
	}
	if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE) {
		*skip = 2;
		return "UTF-16LE";
	}
	if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF) {
		*skip = 2;
		return "UTF-16BE";
	}
	int utf8 = valid_utf8(u, len);
	if (utf8 && has_multibyte(u, len))
		return "UTF-8";
	/* A label saying UTF-8 on bytes that are not is wrong; so is UTF-16 on a readable head. */
	if (http && *http && (enc = encoding_for(http, tmp, tmplen)) != NULL &&
	    strncmp(enc, "UTF-16", 6) != 0 && strncmp(enc, "UTF-32", 6) != 0 &&
	    (utf8 || strcmp(enc, "UTF-8") != 0))
		return enc;
	if (sniff_meta_charset(data, len, meta, sizeof meta) == 0 &&
	    (enc = encoding_for(meta, tmp, tmplen)) != NULL) {
		if (strncmp(enc, "UTF-16", 6) == 0 || strncmp(enc, "UTF-32", 6) == 0)
			return "UTF-8";
		if (utf8 || strcmp(enc, "UTF-8") != 0)
			return enc;
	}
	return utf8 ? "UTF-8" : guess_8bit(u, len);
}

/* ---- element index ---- */

static int hidden_style(const char *style)
{
	/* "display:none" / "visibility:hidden", spaces allowed around the colon. */
	char buf[256];
	size_t k = 0;
	for (const char *p = style; *p && k + 1 < sizeof buf; p++)
		if (!isspace((unsigned char)*p))
			buf[k++] = (char)tolower((unsigned char)*p);
	buf[k] = '\0';
	return strstr(buf, "display:none") || strstr(buf, "visibility:hidden");
}

static int never_content(int tag)
{
	switch (tag) {
	case HX_SCRIPT: case HX_STYLE: case HX_NOSCRIPT: case HX_TEMPLATE: case HX_SVG:
	case HX_CANVAS: case HX_IFRAME: case HX_OBJECT: case HX_EMBED: case HX_BUTTON:
	case HX_INPUT: case HX_SELECT: case HX_TEXTAREA: case HX_OPTION: case HX_LINK:
	case HX_META: case HX_HEAD: case HX_TITLE: case HX_VIDEO: case HX_AUDIO:
	case HX_DIALOG:
		return 1;
	default:
		return 0;
	}
}

static void index_elements(struct hx_doc *hd, xmlNode *root)
{
	size_t cap = 256, n = 0;
	xmlNode **v = xmalloc(cap * sizeof *v);
	for (xmlNode *c = root; c; c = pw_hx_walk_next(c, root, 1)) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (n == cap) {
			cap *= 2;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[n++] = c;
	}
	hd->elems = v;
	hd->nelems = n;
	hd->info = xcalloc(n ? n : 1, sizeof *hd->info);
	for (size_t i = 0; i < n; i++) {
		xmlNode *e = v[i];
		struct hx_info *in = &hd->info[i];
		e->_private = in;
		in->tag = (uint8_t)tag_lookup(e->name);
		if (in->tag == HX_BODY && !hd->body)
			hd->body = e;
		if (in->tag == HX_ARTICLE)
			hd->n_article++;
		const char *a;
		/* <html>/<body> hidden until scripts run ("anti-flicker") still hold the page. */
		int root_like = in->tag == HX_HTML || in->tag == HX_BODY;
		if (never_content(in->tag) ||
		    (!root_like && (pw_hx_attr(e, "hidden") ||
				    ((a = pw_hx_attr(e, "aria-hidden")) && strcmp(a, "true") == 0) ||
				    ((a = pw_hx_attr(e, "style")) && hidden_style(a)))))
			in->flags |= HX_GONE_HARD;
	}
	if (!hd->body)
		hd->body = root;
}

/* ---- entry points ---- */

static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void article_zero(struct pw_article *a)
{
	memset(a, 0, sizeof *a);
	a->published = PW_NOTIME;
}

void pw_article_free(struct pw_article *a)
{
	if (!a)
		return;
	free(a->title);
	free(a->author);
	free(a->canonical_url);
	free(a->lang);
	free(a->site_name);
	free(a->image);
	free(a->text);
	article_zero(a);
}

static int fail(int status, char *err, size_t errlen, const char *prefix, const char *arg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s%s", prefix, arg);
	return status;
}

/*
 * Some sites put markup in articleBody: tags go (<p>, <br>, <div>, <li> end a line), and the
 * common entities are decoded.  Returns a new string.
 */
static char *strip_markup(const char *s)
{
	static const struct { const char *ent, *txt; } ents[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
		{ "&#39;", "'" }, { "&apos;", "'" }, { "&nbsp;", " " }, { "&#8217;", "\xe2\x80\x99" },
		{ "&#8220;", "\xe2\x80\x9c" }, { "&#8221;", "\xe2\x80\x9d" },
	};
	struct pw_buf b = PW_BUF_INIT;
	for (const char *p = s; *p;) {
		if (*p == '<' && (isalpha((unsigned char)p[1]) || p[1] == '/' || p[1] == '!')) {
			const char *gt = strchr(p, '>');
			if (!gt)
				break;
			const char *name = p + 1 + (p[1] == '/');
			if (strncasecmp(name, "p", 1) == 0 || strncasecmp(name, "br", 2) == 0 ||
			    strncasecmp(name, "div", 3) == 0 || strncasecmp(name, "li", 2) == 0 ||
			    (name[0] == 'h' && isdigit((unsigned char)name[1])))
				pw_buf_putc(&b, '\n');
			p = gt + 1;
			continue;
		}
		if (*p == '&') {
			size_t k;
			for (k = 0; k < PW_ARRAY_SIZE(ents); k++) {
				size_t l = strlen(ents[k].ent);
				if (strncmp(p, ents[k].ent, l) == 0) {
					pw_buf_puts(&b, ents[k].txt);
					p += l;
					break;
				}
			}
			if (k < PW_ARRAY_SIZE(ents))
				continue;
		}
		pw_buf_putc(&b, *p++);
	}
	return pw_buf_detach(&b);
}

/* JSON-LD articleBody as paragraphs: lines become paragraphs, whitespace squashed. */
static char *body_paragraphs(const char *raw)
{
	struct pw_buf b = PW_BUF_INIT;
	char *s = strip_markup(raw);
	const char *p = s;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		char *line = pw_hx_squash(xstrndup(p, l));
		if (*line) {
			if (b.len)
				pw_buf_puts(&b, "\n\n");
			pw_buf_puts(&b, line);
		}
		free(line);
		p += l + (nl ? 1 : 0);
	}
	free(s);
	return pw_buf_detach(&b);
}

int pw_html_extract(const char *data, size_t len, const struct pw_extract_opts *opts,
		    struct pw_article *out, char *err, size_t errlen)
{
	static const struct pw_extract_opts defaults;
	char why[128];
	if (!opts)
		opts = &defaults;
	article_zero(out);
	if (err && errlen)
		err[0] = '\0';
	size_t max = opts->max_bytes ? opts->max_bytes : PW_EXTRACT_DEFAULT_MAX;
	if (len > max) {
		snprintf(why, sizeof why, "%zu bytes, limit %zu", len, max);
		return fail(PW_EXTRACT_TOO_LARGE, err, errlen, "page too large: ", why);
	}
	if (!data || len == 0)
		return fail(PW_EXTRACT_NOT_HTML, err, errlen, "not HTML: ", "empty document");
	if (len > INT32_MAX)
		return fail(PW_EXTRACT_TOO_LARGE, err, errlen, "page too large: ", "over 2 GB");

	char enc_tmp[64];
	size_t skip;
	const char *enc = pick_encoding(data, len, opts->charset, enc_tmp, sizeof enc_tmp, &skip);
	int utf16 = strncmp(enc, "UTF-16", 6) == 0;
	if (!utf16 && sniff_not_html(data + skip, len - skip, why, sizeof why) < 0)
		return fail(PW_EXTRACT_NOT_HTML, err, errlen, "not HTML: ", why);
	/*
	 * Everything but UTF-8 is converted here rather than by libxml2, which stops parsing at
	 * the first byte its decoder rejects; here a bad byte becomes U+FFFD and that is all.
	 */
	struct pw_buf utf8 = PW_BUF_INIT;
	const char *html = data + skip;
	size_t html_len = len - skip;
	if (strcmp(enc, "UTF-8") != 0) {
		struct pw_charset_conv *cv = pw_charset_conv_new(enc);
		pw_charset_conv_run(cv, html, html_len, 1, &utf8);
		pw_charset_conv_free(cv);
		html = pw_buf_cstr(&utf8);
		html_len = utf8.len;
		if (utf16 && sniff_not_html(html, html_len, why, sizeof why) < 0) {
			pw_buf_free(&utf8);
			return fail(PW_EXTRACT_NOT_HTML, err, errlen, "not HTML: ", why);
		}
		if (html_len > INT32_MAX) {
			pw_buf_free(&utf8);
			return fail(PW_EXTRACT_TOO_LARGE, err, errlen, "page too large: ", "over 2 GB");
		}
	}

	/* libxml2 reports encoding errors through the generic handler even with NOERROR. */
	xmlGenericErrorFunc saved_fn = xmlGenericError;
	void *saved_ctx = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, quiet);
	htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
	if (!ctxt) {
		xmlSetGenericErrorFunc(saved_ctx, saved_fn);
		pw_buf_free(&utf8);
		return fail(PW_EXTRACT_FAILED, err, errlen, "", "cannot create the HTML parser");
	}
	htmlDocPtr doc = htmlCtxtReadMemory(ctxt, html, (int)html_len, opts->url, "UTF-8",
					    HTML_PARSE_NONET | HTML_PARSE_NOERROR |
					    HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER |
					    HTML_PARSE_COMPACT);
	htmlFreeParserCtxt(ctxt);
	xmlSetGenericErrorFunc(saved_ctx, saved_fn);
	pw_buf_free(&utf8);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root) {
		if (doc)
			xmlFreeDoc(doc);
		return fail(PW_EXTRACT_FAILED, err, errlen, "", "the HTML parser found no document");
	}

	struct hx_doc hd = { .doc = doc };
	index_elements(&hd, root);

	struct hx_meta_extra extra = { NULL };
	pw_hx_meta(&hd, opts, out, &extra);
	hd.title = out->title;

	struct pw_buf text = PW_BUF_INIT;
	size_t chars = pw_hx_content(&hd, &text);
	if (extra.jsonld_body) {
		char *jb = body_paragraphs(extra.jsonld_body);
		if ((double)chars < JSONLD_PREFER_RATIO * (double)pw_utf8_chars(jb)) {
			pw_buf_reset(&text);
			pw_buf_puts(&text, jb);
			chars = pw_utf8_chars(jb);
		}
		free(jb);
	}
	if (!out->author && hd.dom_byline)
		out->author = pw_hx_clean_author(hd.dom_byline);
	free(hd.dom_byline);
	free(extra.jsonld_body);
	free(hd.elems);
	free(hd.info);
	xmlFreeDoc(doc);

	if (chars == 0) {
		pw_buf_free(&text);
		pw_article_free(out);
		return fail(PW_EXTRACT_FAILED, err, errlen, "", "no article text found");
	}
	out->text = pw_buf_detach(&text);
	return PW_EXTRACT_OK;
}
