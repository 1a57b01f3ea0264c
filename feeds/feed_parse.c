/*
 * feed_parse.c -- RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 through libxml2's SAX2 push parser.
 *
 * Bytes go: caller -> sniff buffer (first 4 KiB, to decide the encoding and reject JSON /
 * HTML / empty bodies early) -> charset converter (always UTF-8 out, invalid bytes replaced)
 * -> libxml2 push parser (XML_PARSE_IGNORE_ENC since the input is already UTF-8,
 * XML_PARSE_NONET, XML_PARSE_RECOVER; never NOENT, DTDLOAD or HUGE) -> SAX callbacks below,
 * which keep a small element stack and capture the text of the fields we want.
 *
 * Entities: no entity is ever substituted by libxml2.  Declarations are inspected as they
 * are parsed; external general entities (XXE) and entities that refer to other entities
 * (the "billion laughs" shape), too many declarations or too much expansion stop parsing
 * with PW_FEED_UNSAFE.  Plain internal entities are expanded by libxml2 (which reports their
 * text through the SAX callbacks even without NOENT); their expansion is counted and capped.
 * HTML named entities (&nbsp; &eacute; ...) that feeds use without a DTD are resolved from
 * libxml2's HTML table instead of becoming errors.  External parameter entities are never
 * loaded.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>

#include "buf.h"
#include "charset.h"
#include "date.h"
#include "feed_parse.h"
#include "feed_text.h"
#include "log.h"
#include "sha1.h"
#include "url.h"
#include "xmalloc.h"
#include "xml_repair.h"

#define SNIFF_BYTES 4096
#define MAX_DEPTH 256
#define MAX_ENTITY_DECLS 64
#define MAX_ENTITY_DECL_BYTES (64 * 1024)

enum ns {
	NS_NONE, NS_RSS10, NS_RSS090, NS_ATOM10, NS_ATOM03, NS_DC, NS_DCTERMS, NS_CONTENT, NS_SY,
	NS_MEDIA, NS_RDF, NS_XHTML, NS_ITUNES, NS_XML, NS_OTHER
};

enum field {
	F_NONE, F_TITLE, F_LINK, F_GUID, F_SUMMARY, F_CONTENT, F_AUTHOR, F_PUBLISHED, F_UPDATED,
	F_CATEGORY, F_LANGUAGE, F_TTL, F_UPDATE_PERIOD, F_UPDATE_FREQ, F_NAME, F_EMAIL, F_MEDIA_TITLE,
	F_MEDIA_DESC
};

enum mode { M_TEXT, M_HTML, M_XHTML, M_BASE64, M_SKIP };

enum ctx { C_ROOT, C_FEED, C_ITEM, C_PERSON, C_SKIP };

struct frame {
	char *base; /* owned when own_base */
	char *lang; /* owned when own_lang */
	int own_base, own_lang;
	int is_group;   /* media:group: its children count as the item's own */
	enum ctx ctx;
};

struct strvec {
	char **v;
	size_t n;
};

struct item_acc {
	struct pw_feed_item *it;
	char *guid;
	int guid_permalink;
	char *alt_link;  /* best rel=alternate so far */
	int alt_score;
	char *date_pub, *date_upd;
	char *media_title, *media_desc, *about; /* fallbacks: media:title, media:description, rdf:about */
	char *person_name, *person_email;
	struct strvec cats, encs;
	int depth;       /* element depth of the item element */
};

struct pw_feed_parser {
	struct pw_feed_parse_opts opts;
	char *base_url, *http_charset, *language;
	pw_feed_item_cb cb;
	void *cb_arg;

	struct pw_buf sniff;
	int started;
	size_t total_in;
	struct pw_charset_conv *conv;
	struct pw_buf conv_out;
	struct pw_xml_repair repair;
	struct pw_buf repaired;
	xmlParserCtxtPtr ctxt;
	xmlSAXHandler sax;
	xmlDocPtr entdoc;       /* holds declared and HTML entities; never a document tree */
	size_t ent_decls, ent_decl_bytes, ent_expanded;

	int status;             /* a fatal status once set, else PW_FEED_OK */
	char *error;            /* owned */
	size_t xml_errors;
	char *first_xml_error;  /* owned */

	struct pw_feed_info info;
	int root_seen, feed_alt_score;
	int feed_depth;          /* depth of the channel / feed element */
	char *root_uri;          /* namespace of an Atom root in an unknown namespace */
	int sy_period, sy_freq;  /* sy:updatePeriod seconds, sy:updateFrequency */

	struct frame stack[MAX_DEPTH];
	int depth;               /* number of frames in use */
	int overflow;            /* elements deeper than MAX_DEPTH, counted not stacked */
	int skip_depth;          /* >0: inside a subtree we ignore, frame index of its root */

	/* the field being captured */
	int cap_active, cap_depth, cap_item;
	enum field cap_field;
	enum mode cap_mode;
	int cap_div_depth;       /* xhtml: depth of a wrapping <div> not to serialise, or 0 */
	int cap_strip_div;       /* Atom 1.0 type="xhtml": the wrapping div is not content */
	struct pw_buf cap;
	int cap_truncated;
	size_t cap_last_start;   /* cap.len right after the last serialised start tag */

	struct item_acc item;
	int in_item;
	size_t nitems;
	int person_for_item, in_person;
};

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

static void set_error(struct pw_feed_parser *p, int status, const char *msg)
{
	if (p->status != PW_FEED_OK)
		return;
	p->status = status;
	free(p->error);
	p->error = xstrdup(msg);
	if (p->ctxt)
		xmlStopParser(p->ctxt);
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
	if (p->nitems >= p->opts.max_items) {
		char msg[96];
		snprintf(msg, sizeof msg, "more than %zu items: the first %zu were kept", p->opts.max_items, p->opts.max_items);
		set_error(p, PW_FEED_TOO_LARGE, msg);
	}
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
	pw_buf_reset(&p->cap);
}

static void cap_append(struct pw_feed_parser *p, const char *s, size_t n)
{
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

/* base64 text -> UTF-8 string (invalid bytes replaced); owned. */
static char *base64_text(const char *s)
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
	char *decoded = NULL;
	if (p->cap_mode == M_BASE64) {
		decoded = base64_text(raw);
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
	case F_CONTENT: {
		char *t = trim_dup(raw);
		if (p->cap_mode == M_TEXT) {
			val = t;
		} else {
			const char *base = cur_base(p) ? cur_base(p) : p->info.link;
			val = pw_html_clean(t, base);
			free(t);
		}
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
		set_error(p, PW_FEED_NOT_FEED, msg);
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
		if (serializing(p))
			serialize_start(p, localname, prefix, ns, nattrs, attrs);
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
		cap_start(p, F_MEDIA_DESC, M_TEXT, 1);
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
	if (p->cap_mode == M_XHTML)
		cap_escaped(p, (const char *)ch, (size_t)len, 0);
	else
		cap_append(p, (const char *)ch, (size_t)len);
}

static void note_xml_error(struct pw_feed_parser *p, const char *msg, long line)
{
	p->xml_errors++;
	p->info.xml_errors = p->xml_errors;
	if (!p->first_xml_error)
		p->first_xml_error = line > 0 ? xasprintf("line %ld: %s", line, msg) : xstrdup(msg);
}

static xmlEntityPtr on_get_entity(void *ctx, const xmlChar *name)
{
	struct pw_feed_parser *p = ctx;
	xmlEntityPtr e = xmlGetPredefinedEntity(name);
	if (e)
		return e;
	e = xmlGetDocEntity(p->entdoc, name);
	if (e) {
		/* libxml2 expands internal entities itself (without XML_PARSE_NOENT it still
		 * reports their text through the SAX callbacks); we count what it expands */
		p->ent_expanded += e->content ? strlen((const char *)e->content) : 0;
		if (p->ent_expanded > p->opts.max_bytes) {
			set_error(p, PW_FEED_UNSAFE, "unsafe: entity expansion exceeds the body size cap");
			return NULL;
		}
		return e;
	}
	const htmlEntityDesc *h = htmlEntityLookup(name);
	if (h) {
		char utf8[8];
		utf8[pw_utf8_put(utf8, h->value)] = '\0';
		return xmlAddDocEntity(p->entdoc, name, XML_INTERNAL_GENERAL_ENTITY, NULL, NULL, (const xmlChar *)utf8);
	}
	/* An undefined entity is an error, but its text is kept as written rather than lost. */
	char msg[120];
	snprintf(msg, sizeof msg, "undefined entity &%.60s;", (const char *)name);
	note_xml_error(p, msg, p->ctxt ? xmlSAX2GetLineNumber(p->ctxt) : 0);
	char *literal = xasprintf("&amp;%s;", (const char *)name);
	e = xmlAddDocEntity(p->entdoc, name, XML_INTERNAL_GENERAL_ENTITY, NULL, NULL, (const xmlChar *)literal);
	free(literal);
	return e;
}

static xmlEntityPtr on_get_pentity(void *ctx, const xmlChar *name)
{
	(void)ctx;
	(void)name;
	return NULL; /* parameter entities are never expanded, so never loaded */
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *publicId,
                           const xmlChar *systemId, xmlChar *content)
{
	struct pw_feed_parser *p = ctx;
	char msg[200];
	if (p->status != PW_FEED_OK)
		return;
	if (type == XML_EXTERNAL_GENERAL_PARSED_ENTITY || type == XML_EXTERNAL_GENERAL_UNPARSED_ENTITY) {
		snprintf(msg, sizeof msg, "unsafe: external entity '%.40s' (%.80s) refused", (const char *)name,
		         systemId ? (const char *)systemId : publicId ? (const char *)publicId : "?");
		set_error(p, PW_FEED_UNSAFE, msg);
		return;
	}
	if (type != XML_INTERNAL_GENERAL_ENTITY)
		return; /* parameter entities: ignored, never loaded */
	size_t len = content ? strlen((const char *)content) : 0;
	p->ent_decls++;
	p->ent_decl_bytes += len;
	if (p->ent_decls > MAX_ENTITY_DECLS || p->ent_decl_bytes > MAX_ENTITY_DECL_BYTES) {
		snprintf(msg, sizeof msg, "unsafe: more than %d entity declarations or %d bytes of them",
		         MAX_ENTITY_DECLS, MAX_ENTITY_DECL_BYTES);
		set_error(p, PW_FEED_UNSAFE, msg);
		return;
	}
	for (const xmlChar *c = content; c && *c; c++) {
		if ((*c == '&' || *c == '%') && (isalpha(c[1]) || c[1] == '_' || c[1] == ':')) {
			snprintf(msg, sizeof msg, "unsafe: entity '%.40s' refers to other entities (expansion bomb)",
			         (const char *)name);
			set_error(p, PW_FEED_UNSAFE, msg);
			return;
		}
	}
	if (!xmlGetDocEntity(p->entdoc, name))
		xmlAddDocEntity(p->entdoc, name, type, publicId, systemId, content);
}

static void on_unparsed_decl(void *ctx, const xmlChar *name, const xmlChar *publicId,
                             const xmlChar *systemId, const xmlChar *notation)
{
	(void)ctx;
	(void)name;
	(void)publicId;
	(void)systemId;
	(void)notation;
}

static xmlParserInputPtr on_resolve(void *ctx, const xmlChar *publicId, const xmlChar *systemId)
{
	(void)ctx;
	(void)publicId;
	(void)systemId;
	return NULL; /* nothing is ever fetched */
}

static void on_error(void *ctx, xmlErrorPtr err)
{
	struct pw_feed_parser *p = ctx;
	if (!err || err->level < XML_ERR_ERROR)
		return;
	/* external parameter entities are deliberately never loaded: not the document's fault */
	if (err->message && strncmp(err->message, "PEReference:", 12) == 0)
		return;
	char *m = trim_dup(err->message ? err->message : "error");
	note_xml_error(p, m, err->line);
	free(m);
}

/* ---- driving the parser ---- */

static void feed_xml(struct pw_feed_parser *p, const char *data, size_t len, int final)
{
	if (p->status != PW_FEED_OK)
		return;
	if (!p->ctxt) {
		/* first non-blank bytes decide whether this can be a feed at all */
		size_t i = 0;
		while (i < len && isspace((unsigned char)data[i]))
			i++;
		if (i == len && !final)
			return;
		data += i;
		len -= i;
		if (len == 0)
			return;
		if (data[0] == '{' || data[0] == '[') {
			set_error(p, PW_FEED_NOT_FEED, "not a feed: the body is JSON");
			return;
		}
		/* PHP warnings or a stray byte before the document: skip to the XML declaration
		 * or the feed's root when one follows in this first chunk */
		static const char *const starts[] = { "<?xml", "<rss", "<feed", "<rdf:RDF", "<RDF" };
		const char *found = NULL;
		for (size_t k = 0; k < PW_ARRAY_SIZE(starts) && !found; k++) {
			const char *hit = memmem(data, len, starts[k], strlen(starts[k]));
			if (hit && (hit > data || k > 0))
				found = hit;
		}
		if (found && found > data && (data[0] != '<' || memmem(data, len, "<?xml", 5) == found)) {
			note_xml_error(p, "text before the XML document skipped", 1);
			len -= (size_t)(found - data);
			data = found;
		}
		if (data[0] != '<') {
			set_error(p, PW_FEED_NOT_FEED, "not a feed: the body is not XML");
			return;
		}
		if ((len >= 14 && strncasecmp(data, "<!doctype html", 14) == 0) ||
		    (len >= 5 && strncasecmp(data, "<html", 5) == 0)) {
			set_error(p, PW_FEED_NOT_FEED, "not a feed: the document is an HTML page");
			return;
		}
		p->ctxt = xmlCreatePushParserCtxt(&p->sax, p, NULL, 0, p->base_url ? p->base_url : "feed");
		if (!p->ctxt) {
			set_error(p, PW_FEED_MALFORMED, "cannot create an XML parser");
			return;
		}
		xmlCtxtUseOptions(p->ctxt, XML_PARSE_NONET | XML_PARSE_RECOVER | XML_PARSE_IGNORE_ENC |
		                  XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
		xmlSwitchEncoding(p->ctxt, XML_CHAR_ENCODING_UTF8);
	}
	/* libxml2 takes an int length */
	while (len > (1u << 30)) {
		xmlParseChunk(p->ctxt, data, 1 << 30, 0);
		data += 1u << 30;
		len -= 1u << 30;
	}
	xmlParseChunk(p->ctxt, data, (int)len, final);
}

static void convert_and_feed(struct pw_feed_parser *p, const char *data, size_t len, int final)
{
	pw_buf_reset(&p->conv_out);
	pw_buf_reset(&p->repaired);
	pw_charset_conv_run(p->conv, data, len, final, &p->conv_out);
	size_t fixes = p->repair.fixes;
	pw_xml_repair_run(&p->repair, p->conv_out.data ? p->conv_out.data : "", p->conv_out.len, final, &p->repaired);
	if (p->repair.fixes > fixes)
		note_xml_error(p, "bare '&' or '<' in text (escaped)", 0);
	feed_xml(p, p->repaired.data ? p->repaired.data : "", p->repaired.len, final);
}

static void start(struct pw_feed_parser *p, int final)
{
	size_t bom = 0;
	const char *enc = pw_charset_detect(p->sniff.data ? p->sniff.data : "", p->sniff.len, p->http_charset, &bom);
	p->conv = pw_charset_conv_new(enc);
	char declbuf[48];
	const char *decl = pw_charset_xml_decl(p->sniff.data ? p->sniff.data + bom : "", p->sniff.len - bom, declbuf);
	const char *bad = p->http_charset && !pw_charset_canonical(p->http_charset) ? p->http_charset :
	                  decl && !pw_charset_canonical(decl) ? decl : NULL;
	if (bad) {
		char msg[120];
		snprintf(msg, sizeof msg, "unknown encoding '%.40s', read as %s", bad, pw_charset_conv_name(p->conv));
		note_xml_error(p, msg, 0);
	}
	p->info.encoding = pw_charset_conv_name(p->conv);
	p->started = 1;
	convert_and_feed(p, p->sniff.data ? p->sniff.data + bom : "", p->sniff.len - bom, final);
	pw_buf_free(&p->sniff);
}

struct pw_feed_parser *pw_feed_parser_new(const struct pw_feed_parse_opts *opts, pw_feed_item_cb cb, void *arg)
{
	struct pw_feed_parser *p = xcalloc(1, sizeof *p);
	if (opts)
		p->opts = *opts;
	if (!p->opts.max_bytes)
		p->opts.max_bytes = PW_FEED_DEFAULT_MAX_BYTES;
	if (!p->opts.max_field)
		p->opts.max_field = PW_FEED_DEFAULT_MAX_FIELD;
	if (!p->opts.max_items)
		p->opts.max_items = PW_FEED_DEFAULT_MAX_ITEMS;
	p->base_url = opts && opts->base_url && *opts->base_url ? xstrdup(opts->base_url) : NULL;
	p->http_charset = opts && opts->charset && *opts->charset ? xstrdup(opts->charset) : NULL;
	p->language = opts && opts->language && *opts->language ? xstrdup(opts->language) : NULL;
	p->opts.base_url = p->base_url;
	p->opts.language = p->language;
	p->opts.charset = p->http_charset;
	p->cb = cb;
	p->cb_arg = arg;
	p->sax.initialized = XML_SAX2_MAGIC;
	p->sax.startElementNs = on_start;
	p->sax.endElementNs = on_end;
	p->sax.characters = on_text;
	p->sax.cdataBlock = on_text;
	p->sax.getEntity = on_get_entity;
	p->sax.getParameterEntity = on_get_pentity;
	p->sax.entityDecl = on_entity_decl;
	p->sax.unparsedEntityDecl = on_unparsed_decl;
	p->sax.resolveEntity = on_resolve;
	p->sax.serror = on_error;
	p->entdoc = xmlNewDoc((const xmlChar *)"1.0");
	xmlCreateIntSubset(p->entdoc, (const xmlChar *)"entities", NULL, NULL);
	return p;
}

int pw_feed_parser_push(struct pw_feed_parser *p, const char *data, size_t len)
{
	if (p->status != PW_FEED_OK)
		return -1;
	p->total_in += len;
	if (p->total_in > p->opts.max_bytes) {
		char msg[96];
		snprintf(msg, sizeof msg, "feed body larger than %zu bytes", p->opts.max_bytes);
		set_error(p, PW_FEED_TOO_LARGE, msg);
		return -1;
	}
	if (!p->started) {
		pw_buf_append(&p->sniff, data, len);
		if (p->sniff.len >= SNIFF_BYTES)
			start(p, 0);
	} else {
		convert_and_feed(p, data, len, 0);
	}
	return p->status == PW_FEED_OK ? 0 : -1;
}

int pw_feed_parser_finish(struct pw_feed_parser *p)
{
	if (p->status == PW_FEED_OK) {
		if (!p->started)
			start(p, 1);
		else
			convert_and_feed(p, NULL, 0, 1);
	}
	if (p->status == PW_FEED_OK && p->in_item) {
		/* the document ended inside an item: keep what it had */
		if (p->cap_active)
			cap_finish(p);
		item_end(p);
	}
	if (!p->info.language && p->language)
		p->info.language = xstrdup(p->language);
	if (!p->info.ttl_s && p->sy_period)
		p->info.ttl_s = p->sy_period / (p->sy_freq > 0 ? p->sy_freq : 1);
	if (p->status != PW_FEED_OK)
		return p->status;
	if (!p->root_seen) {
		if (!p->ctxt)
			set_error(p, PW_FEED_NOT_FEED, "not a feed: the body is empty");
		else
			set_error(p, PW_FEED_MALFORMED, "no XML element could be read");
		return p->status;
	}
	if (p->nitems == 0)
		return PW_FEED_EMPTY;
	return PW_FEED_OK;
}

const struct pw_feed_info *pw_feed_parser_info(const struct pw_feed_parser *p)
{
	return &p->info;
}

const char *pw_feed_parser_error(const struct pw_feed_parser *p)
{
	return p->error ? p->error : "";
}

const char *pw_feed_parser_xml_error(const struct pw_feed_parser *p)
{
	return p->first_xml_error;
}

void pw_feed_parser_free(struct pw_feed_parser *p)
{
	if (!p)
		return;
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
	}
	if (p->ctxt) {
		/* libxml2 makes a scratch document when it first expands an entity; we own it */
		if (p->ctxt->myDoc && p->ctxt->myDoc != p->entdoc)
			xmlFreeDoc(p->ctxt->myDoc);
		xmlFreeParserCtxt(p->ctxt);
	}
	if (p->entdoc)
		xmlFreeDoc(p->entdoc);
	pw_charset_conv_free(p->conv);
	pw_buf_free(&p->sniff);
	pw_buf_free(&p->conv_out);
	pw_buf_free(&p->repaired);
	pw_xml_repair_free(&p->repair);
	pw_buf_free(&p->cap);
	free(p->info.title);
	free(p->info.link);
	free(p->info.language);
	free(p->error);
	free(p->first_xml_error);
	free(p->root_uri);
	free(p->base_url);
	free(p->http_charset);
	free(p->language);
	free(p);
}

void pw_feed_item_free(struct pw_feed_item *it)
{
	if (!it)
		return;
	free(it->guid);
	free(it->link);
	free(it->title);
	free(it->summary);
	free(it->content);
	free(it->author);
	free(it->language);
	for (size_t i = 0; i < it->ncategories; i++)
		free(it->categories[i]);
	free(it->categories);
	for (size_t i = 0; i < it->nenclosures; i++)
		free(it->enclosures[i]);
	free(it->enclosures);
	free(it);
}

struct collect {
	struct pw_feed_item **v;
	size_t n;
};

static void collect_item(struct pw_feed_item *it, void *arg)
{
	struct collect *c = arg;
	c->v = xreallocarray(c->v, c->n + 1, sizeof *c->v);
	c->v[c->n++] = it;
}

int pw_feed_parse_buffer(const char *data, size_t len, const struct pw_feed_parse_opts *opts,
                         struct pw_feed_info *info_out, struct pw_feed_item ***items, size_t *nitems,
                         char **error_out)
{
	struct collect c = { NULL, 0 };
	struct pw_feed_parser *p = pw_feed_parser_new(opts, collect_item, &c);
	pw_feed_parser_push(p, data, len);
	int st = pw_feed_parser_finish(p);
	if (info_out) {
		*info_out = p->info;
		p->info.title = p->info.link = p->info.language = NULL;
	}
	if (error_out)
		*error_out = xstrdup(pw_feed_parser_error(p));
	pw_feed_parser_free(p);
	*items = c.v;
	*nitems = c.n;
	return st;
}

void pw_feed_info_clear(struct pw_feed_info *info)
{
	free(info->title);
	free(info->link);
	free(info->language);
	memset(info, 0, sizeof *info);
}

const char *pw_feed_status_name(int status)
{
	switch (status) {
	case PW_FEED_OK: return "ok";
	case PW_FEED_NOT_FEED: return "not-feed";
	case PW_FEED_TOO_LARGE: return "too-large";
	case PW_FEED_MALFORMED: return "malformed";
	case PW_FEED_UNSAFE: return "unsafe";
	case PW_FEED_EMPTY: return "empty";
	default: return "unknown";
	}
}
