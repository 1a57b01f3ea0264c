/*
 * feed_elements.c -- what each RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 element means.
 *
 * The SAX2 element and text callbacks keep a small stack (xml:base, xml:lang, and whether we
 * are in the channel, an item, an Atom person, or a subtree we ignore), capture the text of
 * the fields we want, and hand each finished item to the caller.  Fields are read only from
 * the item's (or channel's) own children, or a media:group, so extension elements that reuse
 * names like <title> cannot overwrite them.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>

#include <libxml/parser.h>

#include "buf.h"
#include "charset.h"
#include "date.h"
#include "feed_internal.h"
#include "feed_text.h"
#include "log.h"
#include "sha1.h"
#include "url.h"
#include "xmalloc.h"

/* ---- small helpers ---- */

static void strvec_push(struct strvec *v, char *s)
{
	for (size_t i = 0; i < v->n; i++) {
		if (strcmp(v->v[i], s) == 0) {
			free(s);
			return;
		}
	}
	v->v = xreallocarray(v->v, v->n + 1, sizeof *v->v);
	v->v[v->n++] = s;
}

static void strvec_free(struct strvec *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

static char *trim_dup(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

static int streq(const xmlChar *a, const char *b)
{
	return a && strcmp((const char *)a, b) == 0;
}

static int strieq(const char *a, const char *b)
{
	return a && strcasecmp(a, b) == 0;
}

/* Namespace URIs, matched leniently (case, trailing '/' or '#') as feed readers must. */
static enum ns classify_uri(const char *uri)
{
	static const struct { const char *uri; enum ns ns; } known[] = {
		{ "http://purl.org/rss/1.0", NS_RSS10 },
		{ "http://my.netscape.com/rdf/simple/0.9", NS_RSS090 },
		{ "http://www.w3.org/2005/atom", NS_ATOM10 },
		{ "http://purl.org/atom/ns", NS_ATOM03 },
		{ "http://purl.org/dc/elements/1.1", NS_DC },
		{ "http://purl.org/dc/elements/1.0", NS_DC },
		{ "http://purl.org/dc/terms", NS_DCTERMS },
		{ "http://purl.org/rss/1.0/modules/content", NS_CONTENT },
		{ "http://purl.org/rss/1.0/modules/syndication", NS_SY },
		{ "http://search.yahoo.com/mrss", NS_MEDIA },
		{ "http://www.w3.org/1999/02/22-rdf-syntax-ns", NS_RDF },
		{ "http://www.w3.org/1999/xhtml", NS_XHTML },
		{ "http://www.itunes.com/dtds/podcast-1.0.dtd", NS_ITUNES },
		{ "http://www.w3.org/xml/1998/namespace", NS_XML },
		{ "http://backend.userland.com/rss2", NS_NONE },
		{ "http://blogs.law.harvard.edu/tech/rss", NS_NONE },
	};
	if (!uri || !*uri)
		return NS_NONE;
	size_t n = strlen(uri);
	while (n && (uri[n - 1] == '/' || uri[n - 1] == '#'))
		n--;
	for (size_t i = 0; i < PW_ARRAY_SIZE(known); i++)
		if (strlen(known[i].uri) == n && strncasecmp(uri, known[i].uri, n) == 0)
			return known[i].ns;
	return NS_OTHER;
}

/* Undeclared prefixes (a common mistake): guess from the conventional prefix. */
static enum ns classify_prefix(const char *prefix)
{
	static const struct { const char *prefix; enum ns ns; } known[] = {
		{ "dc", NS_DC }, { "dcterms", NS_DCTERMS }, { "content", NS_CONTENT }, { "sy", NS_SY },
		{ "media", NS_MEDIA }, { "rdf", NS_RDF }, { "atom", NS_ATOM10 }, { "xhtml", NS_XHTML },
		{ "itunes", NS_ITUNES },
	};
	for (size_t i = 0; i < PW_ARRAY_SIZE(known); i++)
		if (strcmp(prefix, known[i].prefix) == 0)
			return known[i].ns;
	return NS_OTHER;
}

static enum ns element_ns(const xmlChar *prefix, const xmlChar *uri)
{
	if (uri)
		return classify_uri((const char *)uri);
	if (prefix)
		return classify_prefix((const char *)prefix);
	return NS_NONE;
}

static int is_rss_ns(enum ns ns)
{
	return ns == NS_NONE || ns == NS_RSS10 || ns == NS_RSS090;
}

static int is_atom_ns(enum ns ns)
{
	return ns == NS_ATOM10 || ns == NS_ATOM03;
}

static int is_atom_feed(const struct pw_feed_parser *p)
{
	return p->info.format && strncmp(p->info.format, "atom", 4) == 0;
}

/*
 * An attribute value as SAX2 reports it without XML_PARSE_NOENT: libxml2 keeps '&' (from
 * "&amp;" or "&#38;") as the reference "&#38;" so that a tree could be re-serialised; we
 * want the text.  Returns an owned string.
 */
static char *attr_value(const xmlChar *v, const xmlChar *end)
{
	struct pw_buf b = PW_BUF_INIT;
	const char *s = (const char *)v, *e = (const char *)end;
	while (s < e) {
		if (e - s >= 5 && memcmp(s, "&#38;", 5) == 0) {
			pw_buf_putc(&b, '&');
			s += 5;
		} else {
			pw_buf_putc(&b, *s++);
		}
	}
	return pw_buf_detach(&b);
}

/* Value of attribute `name` (no namespace, or namespace `ns` when ns != NS_NONE). Owned. */
static char *attr_get(const xmlChar **attrs, int nattrs, const char *name, enum ns ns)
{
	for (int i = 0; i < nattrs; i++) {
		const xmlChar **a = attrs + 5 * i;
		if (!streq(a[0], name))
			continue;
		enum ns ans = a[2] ? classify_uri((const char *)a[2]) : a[1] ? classify_prefix((const char *)a[1]) : NS_NONE;
		if (ns != NS_NONE ? ans == ns : (ans == NS_NONE || ans == NS_OTHER || !a[2]))
			return attr_value(a[3], a[4]);
	}
	return NULL;
}

static int attr_get_present(const xmlChar **attrs, int nattrs, const char *name)
{
	for (int i = 0; i < nattrs; i++)
		if (streq(attrs[5 * i], name))
			return 1;
	return 0;
}

static const char *cur_base(const struct pw_feed_parser *p)
{
	return p->depth ? p->stack[p->depth - 1].base : p->base_url;
}

static const char *cur_lang(const struct pw_feed_parser *p)
{
	return p->depth ? p->stack[p->depth - 1].lang : NULL;
}

/* Absolute form of a link found in the document (owned); NULL for empty. */
static char *make_link(const struct pw_feed_parser *p, const char *raw)
{
	char *t = trim_dup(raw);
	if (!*t) {
		free(t);
		return NULL;
	}
	const char *base = cur_base(p);
	if (!base)
		base = p->info.link;
	char *r = pw_url_resolve(base, t);
	free(t);
	return r;
}

/* ---- items ---- */

static void item_begin(struct pw_feed_parser *p)
{
	memset(&p->item, 0, sizeof p->item);
	p->item.it = xcalloc(1, sizeof *p->item.it);
	p->item.it->published = PW_NOTIME;
	p->item.it->updated = PW_NOTIME;
	p->item.guid_permalink = 1;
	p->item.depth = p->depth;
	p->in_item = 1;
	const char *lang = cur_lang(p);
	if (lang)
		p->item.it->language = xstrdup(lang);
}

static int64_t parse_date_logged(const char *raw, const char *feed_name)
{
	if (!raw)
		return PW_NOTIME;
	int64_t t = pw_date_parse(raw);
	if (t == PW_NOTIME)
		pw_debug("feed %s: unparseable date \"%.80s\" left empty", feed_name, raw);
	return t;
}

static void item_end(struct pw_feed_parser *p)
{
	struct item_acc *a = &p->item;
	struct pw_feed_item *it = a->it;
	p->in_item = 0;
	if (!it->link && a->alt_link) {
		it->link = a->alt_link;
		a->alt_link = NULL;
	}
	if (!it->link && a->guid && a->guid_permalink &&
	    (strncasecmp(a->guid, "http://", 7) == 0 || strncasecmp(a->guid, "https://", 8) == 0))
		it->link = xstrdup(a->guid);
	else if (!it->link && a->guid && a->guid_permalink && a->guid[0] == '/' && a->guid[1] != '/' && p->base_url)
		it->link = pw_url_resolve(p->base_url, a->guid); /* a site-relative permalink */
	if (!it->title && a->media_title) {
		it->title = a->media_title;
		a->media_title = NULL;
	}
	if (!it->summary && a->media_desc) {
		it->summary = a->media_desc;
		a->media_desc = NULL;
	}
	if ((!a->guid || !*a->guid) && a->about) {
		free(a->guid);
		a->guid = a->about;
		a->about = NULL;
	}
	const char *name = p->base_url ? p->base_url : p->info.link ? p->info.link : "(unnamed)";
	it->published = parse_date_logged(a->date_pub, name);
	it->updated = parse_date_logged(a->date_upd, name);
	if (a->guid && *a->guid) {
		it->guid = a->guid;
		a->guid = NULL;
	} else if (it->link) {
		it->guid = xstrdup(it->link);
	} else {
		struct pw_buf h = PW_BUF_INIT;
		char hex[41];
		pw_buf_puts(&h, it->title ? it->title : "");
		pw_buf_putc(&h, '\n');
		pw_buf_puts(&h, a->date_pub ? a->date_pub : a->date_upd ? a->date_upd : "");
		if (!it->title && !a->date_pub && !a->date_upd) {
			pw_buf_putc(&h, '\n');
			pw_buf_puts(&h, it->summary ? it->summary : it->content ? it->content : "");
		}
		pw_sha1_hex(h.data ? h.data : "", h.len, hex);
		pw_buf_free(&h);
		it->guid = xasprintf("sha1:%s", hex);
	}
	if (!it->author && a->person_name)
		it->author = a->person_email ? xasprintf("%s (%s)", a->person_name, a->person_email) : xstrdup(a->person_name);
	else if (!it->author && a->person_email)
		it->author = xstrdup(a->person_email);
	if (!it->language && p->info.language)
		it->language = xstrdup(p->info.language);
	if (!it->language && p->opts.language)
		it->language = xstrdup(p->opts.language);
	it->categories = a->cats.v;
	it->ncategories = a->cats.n;
	it->enclosures = a->encs.v;
	it->nenclosures = a->encs.n;
	a->cats.v = a->encs.v = NULL;
	a->cats.n = a->encs.n = 0;
	free(a->guid);
	free(a->alt_link);
	free(a->date_pub);
	free(a->date_upd);
	free(a->person_name);
	free(a->person_email);
	free(a->media_title);
	free(a->media_desc);
	free(a->about);
	a->it = NULL;

	p->nitems++;
	if (p->cb)
		p->cb(it, p->cb_arg);
	else
		pw_feed_item_free(it);
}

/* ---- capture ---- */

static void cap_start(struct pw_feed_parser *p, enum field f, enum mode m, int for_item)
{
	p->cap_active = 1;
	p->cap_depth = p->depth;
	p->cap_field = f;
	p->cap_mode = m;
	p->cap_item = for_item;
	p->cap_div_depth = 0;
	p->cap_strip_div = 0;
	p->cap_truncated = 0;
	p->cap_children = 0;
	pw_buf_reset(&p->cap);
}

static void cap_append(struct pw_feed_parser *p, const char *s, size_t n)
{
	/* once cut, the field is whole: a later text node (after an entity, a comment, a chunk
	 * boundary) would otherwise fill the room left by the cut with text from further on */
	if (p->cap_truncated)
		return;
	if (p->cap.len + n > p->opts.max_field) {
		size_t room = p->opts.max_field > p->cap.len ? p->opts.max_field - p->cap.len : 0;
		while (room && ((unsigned char)s[room] & 0xc0) == 0x80)
			room--; /* cut on a character boundary */
		n = room;
		if (!p->cap_truncated)
			pw_debug("feed %s: a field exceeds %zu bytes and was truncated",
			         p->base_url ? p->base_url : "(unnamed)", p->opts.max_field);
		p->cap_truncated = 1;
	}
	pw_buf_append(&p->cap, s, n);
}

static void cap_escaped(struct pw_feed_parser *p, const char *s, size_t n, int attr)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;" :
		                  (attr && s[i] == '"') ? "&quot;" : NULL;
		if (rep) {
			cap_append(p, s + run, i - run);
			cap_append(p, rep, strlen(rep));
			run = i + 1;
		}
	}
	cap_append(p, s + run, n - run);
}

/* The fields stored as HTML (see feed_parse.h): a plain-text one is escaped into HTML as it is
 * captured, so that every consumer reads one representation. */
static int html_field(enum field f)
{
	return f == F_SUMMARY || f == F_CONTENT || f == F_MEDIA_DESC;
}

/*
 * Plain text escaped into HTML keeps its line breaks as written, which HTML reads as spaces
 * (RFC 4287 3.1.1.1 lets a reader fold them: a line break in text can be mere wrapping).  A
 * blank line is unambiguous, though: a paragraph break.  Returns an owned copy of html with a
 * <br> put on each blank line, so that the entry text keeps the paragraphs apart.
 */
static char *text_paragraphs(const char *html)
{
	struct pw_buf out = PW_BUF_INIT;
	const char *s = html;
	while (*s) {
		pw_buf_putc(&out, *s);
		if (*s++ != '\n')
			continue;
		const char *q = s;
		while (*q == ' ' || *q == '\t' || *q == '\r')
			q++;
		if (*q == '\n') {
			pw_buf_append(&out, s, (size_t)(q - s));
			pw_buf_puts(&out, "<br>");
			while (*q == '\n' || *q == ' ' || *q == '\t' || *q == '\r')
				pw_buf_putc(&out, *q++);
			s = q;
		}
	}
	return pw_buf_detach(&out);
}

/* Mode of an Atom text construct from its type (and Atom 0.3 mode) attributes. */
static enum mode atom_mode(const xmlChar **attrs, int nattrs, int atom03, int *strip_div)
{
	if (strip_div)
		*strip_div = 0;
	char *type = attr_get(attrs, nattrs, "type", NS_NONE);
	char *mode = attr_get(attrs, nattrs, "mode", NS_NONE);
	enum mode m = M_TEXT;
	if (type) {
		char *t = trim_dup(type);
		for (char *c = t; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!*t)
			m = M_TEXT;
		else if (strcmp(t, "html") == 0 || strcmp(t, "text/html") == 0)
			m = M_HTML;
		else if (strcmp(t, "xhtml") == 0 || strcmp(t, "application/xhtml+xml") == 0)
			m = M_XHTML;
		else if (strcmp(t, "text") == 0 || strncmp(t, "text/", 5) == 0 || strcmp(t, "plain") == 0)
			m = M_TEXT;
		else if (strstr(t, "xml"))
			m = M_XHTML;
		else
			m = atom03 ? M_TEXT : M_BASE64; /* Atom 1.0: other media types are base64 */
		if (strcmp(t, "xhtml") == 0 && !atom03 && strip_div)
			*strip_div = 1;
		free(t);
	} else if (atom03) {
		m = M_TEXT;
	}
	if (atom03 && mode) {
		if (strieq(mode, "xml") && m == M_TEXT)
			m = M_XHTML;
		else if (strieq(mode, "escaped") && m == M_XHTML)
			m = M_HTML;
		else if (strieq(mode, "base64"))
			m = M_BASE64;
	}
	free(type);
	free(mode);
	return m;
}

/* base64 text -> UTF-8 string (invalid bytes replaced); owned.  cut: the text was cut at
 * the field cap, so a character its end splits is dropped, not replaced. */
static char *base64_text(const char *s, int cut)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct pw_buf bin = PW_BUF_INIT, out = PW_BUF_INIT;
	unsigned acc = 0;
	int bits = 0;
	for (; *s; s++) {
		const char *c = strchr(tbl, *s);
		if (*s == '=' )
			break;
		if (!c || !*s)
			continue;
		acc = (acc << 6) | (unsigned)(c - tbl);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			pw_buf_putc(&bin, (char)((acc >> bits) & 0xff));
		}
	}
	if (cut)
		pw_buf_truncate(&bin, pw_utf8_cut(bin.data, bin.len));
	struct pw_charset_conv *conv = pw_charset_conv_new("UTF-8");
	pw_charset_conv_run(conv, bin.data ? bin.data : "", bin.len, 1, &out);
	pw_charset_conv_free(conv);
	pw_buf_free(&bin);
	return pw_buf_detach(&out);
}

static void set_last(char **dst, char *val)
{
	if (val && *val) {
		free(*dst);
		*dst = val;
	} else {
		free(val);
	}
}

static void set_once(char **dst, char *val)
{
	if (!*dst && val && *val)
		*dst = val;
	else
		free(val);
}

static void cap_finish(struct pw_feed_parser *p)
{
	p->cap_active = 0;
	const char *raw = pw_buf_cstr(&p->cap);
	char *val = NULL;
	enum field f = p->cap_field;
	struct pw_feed_item *it = p->cap_item && p->in_item ? p->item.it : NULL;
	if (p->cap_item && !it)
		return;
	if (p->cap_mode == M_SKIP)
		return;
	/* The cap cut the field where the byte count said: move the end back to where what the
	 * mode reads is whole -- a character for text, and for HTML also outside any tag,
	 * comment, CDATA section and entity -- so no "&am" or "<a href=\"ht" reaches the
	 * cleaning below.  The buffer only shrinks: the memory bound of the cap holds. */
	int as_html = p->cap_mode == M_HTML || p->cap_mode == M_XHTML || (p->cap_mode == M_TEXT && html_field(f));
	if (p->cap_truncated) {
		size_t keep = as_html ? pw_html_cut(p->cap.data, p->cap.len) :
		              p->cap_mode == M_BASE64 ? p->cap.len : pw_utf8_cut(p->cap.data, p->cap.len);
		pw_buf_truncate(&p->cap, keep);
		raw = pw_buf_cstr(&p->cap);
	}
	char *decoded = NULL;
	if (p->cap_mode == M_BASE64) {
		decoded = base64_text(raw, p->cap_truncated);
		if (p->cap_truncated)
			decoded[pw_html_cut(decoded, strlen(decoded))] = '\0';
		raw = decoded;
		p->cap_mode = M_HTML;
	}

	switch (f) {
	case F_TITLE:
	case F_CATEGORY:
	case F_AUTHOR:
	case F_NAME:
	case F_MEDIA_TITLE:
		val = p->cap_mode == M_TEXT && !(f == F_TITLE && !is_atom_feed(p)) ? pw_text_squeeze(raw) : pw_html_to_text(raw);
		break;
	case F_SUMMARY:
	case F_CONTENT:
	case F_MEDIA_DESC: {
		/* a plain-text field was escaped into HTML as it came in (on_text); what a text
		 * construct that breaks the rules holds as child elements was serialised as markup
		 * and is cleaned like any other */
		char *t = trim_dup(raw);
		if (p->cap_mode == M_TEXT && !p->cap_children) {
			char *para = text_paragraphs(t);
			free(t);
			t = para;
		}
		const char *base = cur_base(p) ? cur_base(p) : p->info.link;
		val = pw_html_clean(t, base);
		free(t);
		break;
	}
	case F_LINK:
		val = make_link(p, raw);
		break;
	default:
		val = trim_dup(raw);
		break;
	}
	free(decoded);
	if (!val)
		return;

	if (it) {
		switch (f) {
		case F_TITLE: set_once(&it->title, val); break;
		case F_LINK: set_once(&it->link, val); break;
		case F_GUID: set_once(&p->item.guid, val); break;
		case F_SUMMARY: set_once(&it->summary, val); break;
		case F_CONTENT: set_once(&it->content, val); break;
		case F_AUTHOR: set_once(&it->author, val); break;
		/* dates: the last one wins (Atom 0.3 issued then Atom 1.0 published, ...) */
		case F_PUBLISHED: set_last(&p->item.date_pub, val); break;
		case F_UPDATED: set_last(&p->item.date_upd, val); break;
		case F_LANGUAGE:
			if (*val) {
				free(it->language);
				it->language = val;
			} else {
				free(val);
			}
			break;
		case F_CATEGORY:
			if (*val)
				strvec_push(&p->item.cats, val);
			else
				free(val);
			break;
		case F_NAME: if (p->in_person) set_once(&p->item.person_name, val); else free(val); break;
		case F_EMAIL: if (p->in_person) set_once(&p->item.person_email, val); else free(val); break;
		case F_MEDIA_TITLE: set_once(&p->item.media_title, val); break;
		case F_MEDIA_DESC: set_once(&p->item.media_desc, val); break;
		default: free(val); break;
		}
		return;
	}
	switch (f) {
	case F_TITLE: set_once(&p->info.title, val); break;
	case F_LINK: set_once(&p->info.link, val); break;
	case F_LANGUAGE:
		if (*val) {
			free(p->info.language);
			p->info.language = val;
		} else {
			free(val);
		}
		break;
	case F_TTL: {
		char *end;
		long v = strtol(val, &end, 10);
		if (end != val && v > 0 && v < 1000000)
			p->info.ttl_s = (int)(v * 60);
		free(val);
		break;
	}
	case F_UPDATE_PERIOD: {
		static const struct { const char *name; int secs; } periods[] = {
			{ "hourly", 3600 }, { "daily", 86400 }, { "weekly", 7 * 86400 },
			{ "monthly", 30 * 86400 }, { "yearly", 365 * 86400 },
		};
		for (size_t i = 0; i < PW_ARRAY_SIZE(periods); i++)
			if (strieq(val, periods[i].name))
				p->sy_period = periods[i].secs;
		free(val);
		break;
	}
	case F_UPDATE_FREQ: {
		char *end;
		long v = strtol(val, &end, 10);
		if (end != val && v > 0 && v <= 1000000)
			p->sy_freq = (int)v;
		free(val);
		break;
	}
	default: free(val); break;
	}
}

/* ---- SAX callbacks ---- */

static void frame_pop(struct pw_feed_parser *p)
{
	struct frame *f = &p->stack[--p->depth];
	if (f->own_base)
		free(f->base);
	if (f->own_lang)
		free(f->lang);
	memset(f, 0, sizeof *f);
}

static int serializing(const struct pw_feed_parser *p)
{
	return p->cap_mode == M_XHTML || p->cap_field == F_SUMMARY || p->cap_field == F_CONTENT;
}

static void serialize_start(struct pw_feed_parser *p, const xmlChar *local, const xmlChar *prefix,
                            enum ns ns, int nattrs, const xmlChar **attrs)
{
	/* Atom 1.0 wraps xhtml content in a <div> that is not part of the content */
	if (p->cap_strip_div && p->depth == p->cap_depth + 1 && ns == NS_XHTML &&
	    streq(local, "div") && !p->cap_div_depth) {
		int blank = 1;
		for (size_t i = 0; i < p->cap.len; i++)
			if (!isspace((unsigned char)p->cap.data[i]))
				blank = 0;
		if (blank) {
			p->cap_div_depth = p->depth;
			return;
		}
	}
	(void)prefix;
	cap_append(p, "<", 1);
	cap_append(p, (const char *)local, strlen((const char *)local));
	for (int i = 0; i < nattrs; i++) {
		const xmlChar **a = attrs + 5 * i;
		cap_append(p, " ", 1);
		if (a[1] && streq(a[1], "xml")) {
			cap_append(p, "xml:", 4);
		}
		cap_append(p, (const char *)a[0], strlen((const char *)a[0]));
		cap_append(p, "=\"", 2);
		char *v = attr_value(a[3], a[4]);
		cap_escaped(p, v, strlen(v), 1);
		free(v);
		cap_append(p, "\"", 1);
	}
	cap_append(p, ">", 1);
	p->cap_last_start = p->cap.len;
}

static void root_element(struct pw_feed_parser *p, const char *local, enum ns ns,
                         const xmlChar **attrs, int nattrs, struct frame *f)
{
	p->root_seen = 1;
	if (strcmp(local, "rss") == 0 && ns != NS_ATOM10 && ns != NS_XHTML) {
		char *v = attr_get(attrs, nattrs, "version", NS_NONE);
		char *t = v ? trim_dup(v) : NULL;
		if (!t || !*t)
			p->info.format = "rss";
		else if (strncmp(t, "2.", 2) == 0 || strcmp(t, "2") == 0)
			p->info.format = "rss2.0";
		else if (strcmp(t, "0.91") == 0)
			p->info.format = "rss0.91";
		else if (strcmp(t, "0.92") == 0)
			p->info.format = "rss0.92";
		else if (strcmp(t, "0.93") == 0)
			p->info.format = "rss0.93";
		else if (strcmp(t, "0.94") == 0)
			p->info.format = "rss0.94";
		else if (strcmp(t, "0.90") == 0 || strcmp(t, "0.9") == 0)
			p->info.format = "rss0.90";
		else
			p->info.format = "rss";
		free(v);
		free(t);
		f->ctx = C_ROOT;
	} else if (strcmp(local, "RDF") == 0 && (ns == NS_RDF || ns == NS_NONE || ns == NS_OTHER)) {
		p->info.format = "rss1.0";
		f->ctx = C_ROOT;
	} else if (strcmp(local, "feed") == 0 && ns != NS_XHTML && ns != NS_RDF) {
		char *v = attr_get(attrs, nattrs, "version", NS_NONE);
		if (ns == NS_ATOM03 || (ns != NS_ATOM10 && v && strncmp(v, "0.", 2) == 0))
			p->info.format = "atom0.3";
		else
			p->info.format = "atom1.0";
		free(v);
		f->ctx = C_FEED;
		if (f->lang && !p->info.language)
			p->info.language = xstrdup(f->lang);
	} else if (strcmp(local, "channel") == 0 && (ns == NS_NONE || ns == NS_RSS10)) {
		p->info.format = "rss";
		f->ctx = C_FEED;
	} else {
		char msg[160];
		if (strcasecmp(local, "html") == 0)
			snprintf(msg, sizeof msg, "not a feed: the document is an HTML page");
		else
			snprintf(msg, sizeof msg, "not a feed: root element <%.60s> is not RSS, RDF or Atom", local);
		pw_feedp_set_error(p, PW_FEED_NOT_FEED, msg);
	}
}

static void atom_link(struct pw_feed_parser *p, const xmlChar **attrs, int nattrs)
{
	char *href = attr_get(attrs, nattrs, "href", NS_NONE);
	char *rel = attr_get(attrs, nattrs, "rel", NS_NONE);
	if (!href) {
		/* <link>URL</link> in an Atom feed: a common mistake, read like RSS */
		if (!rel || strieq(rel, "alternate"))
			cap_start(p, F_LINK, M_TEXT, p->in_item);
		free(rel);
		return;
	}
	char *type = attr_get(attrs, nattrs, "type", NS_NONE);
	char *url = make_link(p, href);
	free(href);
	const char *r = rel ? rel : "alternate";
	if (url && (strieq(r, "alternate") || strieq(r, "http://www.iana.org/assignments/relation/alternate"))) {
		int score = !type || strieq(type, "text/html") || strieq(type, "application/xhtml+xml") ? 2 : 1;
		if (p->in_item) {
			if (score > p->item.alt_score) {
				free(p->item.alt_link);
				p->item.alt_link = url;
				p->item.alt_score = score;
				url = NULL;
			}
		} else if (score > p->feed_alt_score && (is_atom_feed(p) || !p->info.link)) {
			free(p->info.link);
			p->info.link = url;
			p->feed_alt_score = score;
			url = NULL;
		}
	} else if (url && strieq(r, "enclosure") && p->in_item) {
		strvec_push(&p->item.encs, url);
		url = NULL;
	}
	free(url);
	free(rel);
	free(type);
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nns, const xmlChar **nss, int nattrs, int ndefaulted, const xmlChar **attrs)
{
	struct pw_feed_parser *p = ctx;
	(void)nns;
	(void)nss;
	(void)ndefaulted;
	if (p->status != PW_FEED_OK)
		return;
	if (p->depth >= MAX_DEPTH) {
		p->overflow++;
		return;
	}
	const char *local = (const char *)localname;
	enum ns ns = element_ns(prefix, uri);
	if (ns == NS_OTHER && p->root_uri && uri && strcmp((const char *)uri, p->root_uri) == 0)
		ns = strcmp(p->info.format, "atom0.3") == 0 ? NS_ATOM03 : NS_ATOM10;
	struct frame *parent = p->depth ? &p->stack[p->depth - 1] : NULL;
	struct frame *f = &p->stack[p->depth];
	memset(f, 0, sizeof *f);
	f->base = parent ? parent->base : p->base_url;
	f->lang = parent ? parent->lang : NULL;
	f->ctx = parent ? parent->ctx : C_ROOT;
	char *xb = attr_get(attrs, nattrs, "base", NS_XML);
	if (xb) {
		f->base = pw_url_resolve(f->base, xb);
		f->own_base = 1;
		free(xb);
	}
	char *xl = attr_get(attrs, nattrs, "lang", NS_XML);
	if (xl) {
		char *t = trim_dup(xl);
		free(xl);
		if (*t) {
			for (char *c = t; *c; c++)
				if (*c == '_')
					*c = '-';
			f->lang = t;
			f->own_lang = 1;
		} else {
			free(t);
			f->lang = NULL;
		}
	}
	p->depth++;

	if (!p->root_seen) {
		root_element(p, local, ns, attrs, nattrs, f);
		if (p->info.format && strcmp(p->info.format, "rss1.0") == 0)
			for (int i = 0; i < nns; i++)
				if (classify_uri((const char *)nss[2 * i + 1]) == NS_RSS090)
					p->info.format = "rss0.90";
		if (p->root_seen && !p->root_uri && is_atom_feed(p) && ns == NS_OTHER && uri)
			p->root_uri = xstrdup((const char *)uri);
		if (f->ctx == C_FEED)
			p->feed_depth = p->depth;
		return;
	}
	if (p->cap_active) {
		if (serializing(p)) {
			p->cap_children = 1;
			serialize_start(p, localname, prefix, ns, nattrs, attrs);
		}
		return;
	}
	if (f->ctx == C_SKIP)
		return;

	int atom = is_atom_ns(ns) || (is_atom_feed(p) && ns == NS_NONE);
	int rss = !atom && is_rss_ns(ns);
	int atom03 = ns == NS_ATOM03 || (atom && ns == NS_NONE && strcmp(p->info.format, "atom0.3") == 0);
	int in_item = p->in_item;

	if (f->ctx == C_PERSON) {
		if (atom && strcmp(local, "name") == 0)
			cap_start(p, F_NAME, M_TEXT, in_item);
		else if (atom && strcmp(local, "email") == 0)
			cap_start(p, F_EMAIL, M_TEXT, in_item);
		return;
	}
	/* structure */
	if (!in_item && ((rss && strcmp(local, "item") == 0) || (atom && strcmp(local, "entry") == 0))) {
		/* the cap bites when one more item begins: a document of exactly max_items is whole */
		if (p->nitems >= p->opts.max_items) {
			char msg[96];
			snprintf(msg, sizeof msg, "more than %zu items: the first %zu were kept", p->opts.max_items,
			         p->opts.max_items);
			pw_feedp_set_error(p, PW_FEED_TRUNCATED, msg);
			f->ctx = C_SKIP;
			return;
		}
		f->ctx = C_ITEM;
		item_begin(p);
		p->item.about = attr_get(attrs, nattrs, "about", NS_RDF);
		return;
	}
	if (!in_item && rss && strcmp(local, "channel") == 0) {
		f->ctx = C_FEED;
		p->feed_depth = p->depth;
		if (ns == NS_RSS090)
			p->info.format = "rss0.90";
		if (f->lang && !p->info.language)
			p->info.language = xstrdup(f->lang);
		return;
	}
	if ((rss && (strcmp(local, "image") == 0 || strcasecmp(local, "textinput") == 0)) ||
	    (atom && (strcmp(local, "source") == 0 || strcmp(local, "contributor") == 0)) ||
	    (ns == NS_ITUNES && strcmp(local, "owner") == 0)) {
		f->ctx = C_SKIP;
		return;
	}
	if (atom && strcmp(local, "author") == 0) {
		if (in_item) {
			f->ctx = C_PERSON;
			p->in_person = 1;
		} else {
			f->ctx = C_SKIP;
		}
		return;
	}
	if (!in_item && f->ctx != C_FEED)
		return;
	if (ns == NS_MEDIA && strcmp(local, "group") == 0) {
		f->is_group = 1;
		return;
	}
	/* Fields are the container's own children (or in a media:group): a <title> inside some
	 * unknown extension element is not the item's title. */
	int container = in_item ? p->item.depth : p->feed_depth;
	if (!(p->depth == container + 1 || (p->depth == container + 2 && parent && parent->is_group)))
		return;
	int strip = 0;

	/* fields */
	if (strcmp(local, "title") == 0 && (rss || atom || ns == NS_DC)) {
		cap_start(p, F_TITLE, atom ? atom_mode(attrs, nattrs, atom03, &strip) : M_HTML, in_item);
	} else if (strcmp(local, "link") == 0 && (atom || (rss && attr_get_present(attrs, nattrs, "href")))) {
		atom_link(p, attrs, nattrs);
	} else if (strcmp(local, "link") == 0 && rss) {
		cap_start(p, F_LINK, M_TEXT, in_item);
	} else if (!in_item && rss && strcmp(local, "language") == 0) {
		cap_start(p, F_LANGUAGE, M_TEXT, 0);
	} else if (ns == NS_DC && strcmp(local, "language") == 0) {
		cap_start(p, F_LANGUAGE, M_TEXT, in_item);
	} else if (!in_item) {
		if (rss && strcmp(local, "ttl") == 0)
			cap_start(p, F_TTL, M_TEXT, 0);
		else if (ns == NS_SY && strcmp(local, "updatePeriod") == 0)
			cap_start(p, F_UPDATE_PERIOD, M_TEXT, 0);
		else if (ns == NS_SY && strcmp(local, "updateFrequency") == 0)
			cap_start(p, F_UPDATE_FREQ, M_TEXT, 0);
	} else if (rss && strcmp(local, "guid") == 0) {
		char *pl = attr_get(attrs, nattrs, "isPermaLink", NS_NONE);
		if (pl && strieq(pl, "false"))
			p->item.guid_permalink = 0;
		free(pl);
		cap_start(p, F_GUID, M_TEXT, 1);
	} else if (atom && strcmp(local, "id") == 0) {
		cap_start(p, F_GUID, M_TEXT, 1);
	} else if ((rss || ns == NS_DC) && strcmp(local, "description") == 0) {
		cap_start(p, F_SUMMARY, M_HTML, 1);
	} else if (ns == NS_ITUNES && strcmp(local, "summary") == 0) {
		cap_start(p, F_MEDIA_DESC, M_TEXT, 1); /* a fallback, like media:description */
	} else if (atom && strcmp(local, "summary") == 0) {
		cap_start(p, F_SUMMARY, atom_mode(attrs, nattrs, atom03, &strip), 1);
	} else if (ns == NS_CONTENT && strcmp(local, "encoded") == 0) {
		cap_start(p, F_CONTENT, M_HTML, 1);
	} else if (atom && strcmp(local, "content") == 0) {
		cap_start(p, F_CONTENT, atom_mode(attrs, nattrs, atom03, &strip), 1);
	} else if (rss && strcmp(local, "fullitem") == 0) {
		cap_start(p, F_CONTENT, M_HTML, 1);
	} else if (ns == NS_MEDIA && strcmp(local, "title") == 0) {
		cap_start(p, F_MEDIA_TITLE, M_TEXT, 1);
	} else if (ns == NS_MEDIA && strcmp(local, "description") == 0) {
		char *type = attr_get(attrs, nattrs, "type", NS_NONE); /* Media RSS: "plain" (default) or "html" */
		cap_start(p, F_MEDIA_DESC, type && strieq(type, "html") ? M_HTML : M_TEXT, 1);
		free(type);
	} else if ((ns == NS_XHTML || rss) && strcmp(local, "body") == 0) {
		cap_start(p, F_CONTENT, M_XHTML, 1);
	} else if ((rss && strcmp(local, "author") == 0) || (ns == NS_DC && (strcmp(local, "creator") == 0 || strcmp(local, "author") == 0)) ||
	           (ns == NS_ITUNES && strcmp(local, "author") == 0)) {
		cap_start(p, F_AUTHOR, M_TEXT, 1);
	} else if ((rss && strcmp(local, "pubDate") == 0) || (ns == NS_DC && strcmp(local, "date") == 0) ||
	           (ns == NS_DCTERMS && (strcmp(local, "issued") == 0 || strcmp(local, "created") == 0)) ||
	           (atom && (strcmp(local, "published") == 0 || strcmp(local, "issued") == 0 || strcmp(local, "created") == 0))) {
		cap_start(p, F_PUBLISHED, M_TEXT, 1);
	} else if ((atom && (strcmp(local, "updated") == 0 || strcmp(local, "modified") == 0)) ||
	           (ns == NS_DCTERMS && strcmp(local, "modified") == 0)) {
		cap_start(p, F_UPDATED, M_TEXT, 1);
	} else if ((rss && strcmp(local, "category") == 0) || (ns == NS_DC && strcmp(local, "subject") == 0) ||
	           (ns == NS_MEDIA && strcmp(local, "category") == 0)) {
		cap_start(p, F_CATEGORY, M_TEXT, 1);
	} else if (atom && strcmp(local, "category") == 0) {
		char *term = attr_get(attrs, nattrs, "term", NS_NONE);
		if (!term || !*term) {
			free(term);
			term = attr_get(attrs, nattrs, "label", NS_NONE);
		}
		if (term) {
			char *t = pw_text_squeeze(term);
			free(term);
			if (*t)
				strvec_push(&p->item.cats, t);
			else
				free(t);
		}
	} else if ((rss && strcmp(local, "enclosure") == 0) || (ns == NS_MEDIA && strcmp(local, "content") == 0)) {
		char *u = attr_get(attrs, nattrs, "url", NS_NONE);
		if (!u && rss)
			u = attr_get(attrs, nattrs, "href", NS_NONE);
		char *abs = u ? make_link(p, u) : NULL;
		if (abs)
			strvec_push(&p->item.encs, abs);
		free(u);
	}
	if (p->cap_active && p->cap_depth == p->depth)
		/* type="html" wrapping a real XHTML <div> (TypePad): the div is a wrapper too */
		p->cap_strip_div = strip || (atom && p->cap_mode == M_HTML);
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
	struct pw_feed_parser *p = ctx;
	(void)prefix;
	(void)uri;
	if (p->overflow) {
		p->overflow--;
		return;
	}
	if (p->depth == 0)
		return;
	if (p->status != PW_FEED_OK) {
		frame_pop(p);
		return;
	}
	if (p->cap_active) {
		if (p->depth == p->cap_depth) {
			cap_finish(p);
		} else if (serializing(p)) {
			if (p->depth == p->cap_div_depth) {
				p->cap_div_depth = 0;
			} else if (p->cap_truncated) {
				/* nothing is added after a cut, and "<br>" must not lose its '>' to a " />" */
			} else if (p->cap_last_start == p->cap.len && p->cap.len) {
				/* empty element: <br></br> -> <br /> */
				pw_buf_truncate(&p->cap, p->cap.len - 1);
				cap_append(p, " />", 3);
			} else {
				cap_append(p, "</", 2);
				cap_append(p, (const char *)localname, strlen((const char *)localname));
				cap_append(p, ">", 1);
			}
		}
		frame_pop(p);
		return;
	}
	struct frame *f = &p->stack[p->depth - 1];
	if (p->in_item && p->depth == p->item.depth && f->ctx == C_ITEM)
		item_end(p);
	else if (f->ctx == C_PERSON && (p->depth == 1 || p->stack[p->depth - 2].ctx != C_PERSON))
		p->in_person = 0;
	frame_pop(p);
}

static void on_text(void *ctx, const xmlChar *ch, int len)
{
	struct pw_feed_parser *p = ctx;
	if (!p->cap_active || p->status != PW_FEED_OK || p->overflow)
		return;
	if (p->cap_mode == M_XHTML || (p->cap_mode == M_TEXT && html_field(p->cap_field)))
		cap_escaped(p, (const char *)ch, (size_t)len, 0);
	else
		cap_append(p, (const char *)ch, (size_t)len);
}

void pw_feedp_sax_elements(xmlSAXHandler *sax)
{
	sax->startElementNs = on_start;
	sax->endElementNs = on_end;
	sax->characters = on_text;
	sax->cdataBlock = on_text;
}

void pw_feedp_flush_open_item(struct pw_feed_parser *p)
{
	if (!p->in_item || p->status != PW_FEED_OK)
		return;
	if (p->cap_active)
		cap_finish(p);
	item_end(p);
}

void pw_feedp_free_state(struct pw_feed_parser *p)
{
	while (p->depth)
		frame_pop(p);
	if (p->item.it) {
		pw_feed_item_free(p->item.it);
		free(p->item.guid);
		free(p->item.alt_link);
		free(p->item.date_pub);
		free(p->item.date_upd);
		free(p->item.media_title);
		free(p->item.media_desc);
		free(p->item.about);
		free(p->item.person_name);
		free(p->item.person_email);
		strvec_free(&p->item.cats);
		strvec_free(&p->item.encs);
		p->item.it = NULL;
	}
}
