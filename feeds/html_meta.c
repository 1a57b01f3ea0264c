/*
 * html_meta.c -- page metadata: <meta>/<link> tags, JSON-LD, microdata and the DOM
 * (<title>, h1, <time>, byline elements), each field from the most reliable source present.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "date.h"
#include "html_extract_int.h"
#include "text.h"
#include "url.h"
#include "xmalloc.h"

/* ---- a small tolerant JSON reader for JSON-LD (values we need only) ---- */

enum jtype { J_NULL, J_STR, J_NUM, J_OBJ, J_ARR };

struct jv {
	enum jtype t;
	char *key;        /* member name when inside an object */
	char *s;          /* J_STR / J_NUM text */
	struct jv *kids;  /* J_OBJ / J_ARR members */
	struct jv *next;
};

struct jp {
	const char *p, *end;
	int depth;
	int nodes;
};

#define JSON_MAXDEPTH 48
#define JSON_MAXNODES 20000

static void jv_free(struct jv *v)
{
	while (v) {
		struct jv *n = v->next;
		jv_free(v->kids);
		free(v->key);
		free(v->s);
		free(v);
		v = n;
	}
}

static void jskip(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static void put_utf8(struct pw_buf *b, unsigned cp)
{
	char o[4];
	if (cp < 0x80) {
		pw_buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		pw_buf_append(b, o, 2);
	} else if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		pw_buf_append(b, o, 3);
	} else {
		o[0] = (char)(0xF0 | (cp >> 18));
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[3] = (char)(0x80 | (cp & 0x3F));
		pw_buf_append(b, o, 4);
	}
}

static int hex4(const char *p, const char *end, unsigned *out)
{
	unsigned v = 0;
	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *jstring(struct jp *j)
{
	struct pw_buf b = PW_BUF_INIT;
	j->p++; /* opening quote */
	while (j->p < j->end && *j->p != '"') {
		char c = *j->p++;
		if (c != '\\') {
			pw_buf_putc(&b, c);
			continue;
		}
		if (j->p >= j->end)
			break;
		c = *j->p++;
		switch (c) {
		case 'n': pw_buf_putc(&b, '\n'); break;
		case 't': pw_buf_putc(&b, '\t'); break;
		case 'r': pw_buf_putc(&b, '\r'); break;
		case 'b': case 'f': pw_buf_putc(&b, ' '); break;
		case 'u': {
			unsigned cp, lo;
			if (hex4(j->p, j->end, &cp) < 0)
				break;
			j->p += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF && j->end - j->p >= 6 && j->p[0] == '\\' &&
			    j->p[1] == 'u' && hex4(j->p + 2, j->end, &lo) == 0 && lo >= 0xDC00 &&
			    lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				j->p += 6;
			} else if (cp >= 0xD800 && cp <= 0xDFFF) {
				cp = 0xFFFD;
			}
			put_utf8(&b, cp ? cp : 0xFFFD);
			break;
		}
		default: pw_buf_putc(&b, c); break;
		}
	}
	if (j->p < j->end)
		j->p++;
	return pw_buf_detach(&b);
}

static struct jv *jvalue(struct jp *j);

static struct jv *jnew(struct jp *j, enum jtype t)
{
	j->nodes++;
	struct jv *v = xcalloc(1, sizeof *v);
	v->t = t;
	return v;
}

static struct jv *jcontainer(struct jp *j, int obj)
{
	struct jv *v = jnew(j, obj ? J_OBJ : J_ARR), **tail = &v->kids;
	char close = obj ? '}' : ']';
	j->p++;
	j->depth++;
	for (;;) {
		jskip(j);
		if (j->p >= j->end || *j->p == close)
			break;
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		char *key = NULL;
		if (obj) {
			if (*j->p != '"')
				break; /* malformed: keep what we have */
			key = jstring(j);
			jskip(j);
			if (j->p < j->end && *j->p == ':')
				j->p++;
			jskip(j);
		}
		const char *before = j->p;
		struct jv *kid = jvalue(j);
		if (!kid) {
			free(key);
			if (j->p == before)
				break;
			continue;
		}
		kid->key = key;
		*tail = kid;
		tail = &kid->next;
	}
	if (j->p < j->end)
		j->p++;
	j->depth--;
	return v;
}

static struct jv *jvalue(struct jp *j)
{
	jskip(j);
	if (j->p >= j->end || j->depth > JSON_MAXDEPTH || j->nodes > JSON_MAXNODES)
		return NULL;
	char c = *j->p;
	if (c == '{' || c == '[')
		return jcontainer(j, c == '{');
	if (c == '"') {
		struct jv *v = jnew(j, J_STR);
		v->s = jstring(j);
		return v;
	}
	const char *s = j->p;
	while (j->p < j->end && *j->p != ',' && *j->p != '}' && *j->p != ']' && *j->p != ' ' &&
	       *j->p != '\n' && *j->p != '\r' && *j->p != '\t')
		j->p++;
	if (j->p == s)
		return NULL;
	struct jv *v = jnew(j, J_NUM);
	v->s = xstrndup(s, (size_t)(j->p - s));
	if (strcmp(v->s, "null") == 0)
		v->t = J_NULL;
	return v;
}

static const struct jv *jget(const struct jv *o, const char *key)
{
	if (!o || o->t != J_OBJ)
		return NULL;
	for (const struct jv *k = o->kids; k; k = k->next)
		if (k->key && strcmp(k->key, key) == 0)
			return k;
	return NULL;
}

static const char *jstr(const struct jv *v)
{
	return v && v->t == J_STR && v->s[0] ? v->s : NULL;
}

/* Text of a "name-ish" value: "x", {"name": "x"}, or the first of an array. */
static const char *jname(const struct jv *v)
{
	if (!v)
		return NULL;
	if (v->t == J_STR)
		return jstr(v);
	if (v->t == J_OBJ)
		return jstr(jget(v, "name"));
	if (v->t == J_ARR && v->kids)
		return jname(v->kids);
	return NULL;
}

static int article_type(const char *t)
{
	size_t l = strlen(t);
	return (l >= 7 && strcmp(t + l - 7, "Article") == 0) ||
	       (l >= 7 && strcmp(t + l - 7, "Posting") == 0) || strcmp(t, "Report") == 0;
}

static int has_type(const struct jv *o, int (*pred)(const char *))
{
	const struct jv *t = jget(o, "@type");
	if (!t)
		return 0;
	if (t->t == J_STR)
		return pred(t->s);
	if (t->t == J_ARR)
		for (const struct jv *k = t->kids; k; k = k->next)
			if (k->t == J_STR && pred(k->s))
				return 1;
	return 0;
}

static int website_type(const char *t)
{
	return strcmp(t, "WebSite") == 0 || strcmp(t, "Organization") == 0 ||
	       strcmp(t, "NewsMediaOrganization") == 0;
}

/* First object in v (depth-first, through arrays and @graph) satisfying pred. */
static const struct jv *jfind(const struct jv *v, int (*pred)(const char *), int depth)
{
	if (!v || depth > 6)
		return NULL;
	if (v->t == J_OBJ) {
		if (has_type(v, pred))
			return v;
		const struct jv *g = jget(v, "@graph");
		return g ? jfind(g, pred, depth + 1) : NULL;
	}
	if (v->t == J_ARR)
		for (const struct jv *k = v->kids; k; k = k->next) {
			const struct jv *hit = jfind(k, pred, depth + 1);
			if (hit)
				return hit;
		}
	return NULL;
}

/* ---- collected metadata ---- */

enum slot {
	S_OG_TITLE, S_TW_TITLE, S_DC_TITLE, S_META_TITLE, S_PARSELY_TITLE,
	S_AUTHOR, S_ARTICLE_AUTHOR, S_DC_CREATOR, S_PARSELY_AUTHOR, S_SAILTHRU_AUTHOR,
	S_PUBLISHED, S_PARSELY_DATE, S_META_DATE, S_ITEMPROP_DATE, S_TIME_PUB, S_TIME_ANY,
	S_OG_URL, S_CANONICAL, S_SITE_NAME, S_APP_NAME, S_OG_IMAGE, S_TW_IMAGE, S_LANG,
	S_CONTENT_LANG, S_OG_LOCALE, S_TITLE, S_H1, S_REL_AUTHOR, S_ITEMPROP_AUTHOR, S_BASE,
	S_NSLOTS
};

struct meta {
	const char *v[S_NSLOTS]; /* borrowed from the tree, or owned in own[] */
	char *own[S_NSLOTS];
	int n_h1;
	struct pw_buf jsonld[8];
	int n_jsonld;
};

static void set_slot(struct meta *m, enum slot s, const char *v)
{
	if (!m->v[s] && v && *v)
		m->v[s] = v;
}

static void set_own(struct meta *m, enum slot s, char *v)
{
	if (!m->v[s] && v && *v) {
		m->own[s] = v;
		m->v[s] = v;
	} else {
		free(v);
	}
}

static const struct { const char *key; enum slot slot; } meta_keys[] = {
	{ "og:title", S_OG_TITLE }, { "twitter:title", S_TW_TITLE }, { "dc.title", S_DC_TITLE },
	{ "dc:title", S_DC_TITLE }, { "dcterms.title", S_DC_TITLE }, { "title", S_META_TITLE },
	{ "parsely-title", S_PARSELY_TITLE }, { "author", S_AUTHOR },
	{ "article:author", S_ARTICLE_AUTHOR }, { "dc.creator", S_DC_CREATOR },
	{ "dc:creator", S_DC_CREATOR }, { "dcterms.creator", S_DC_CREATOR },
	{ "parsely-author", S_PARSELY_AUTHOR }, { "sailthru.author", S_SAILTHRU_AUTHOR },
	{ "article:published_time", S_PUBLISHED }, { "og:article:published_time", S_PUBLISHED },
	{ "article:published", S_PUBLISHED }, { "datepublished", S_ITEMPROP_DATE },
	{ "parsely-pub-date", S_PARSELY_DATE }, { "date", S_META_DATE }, { "pubdate", S_META_DATE },
	{ "publishdate", S_META_DATE }, { "publish-date", S_META_DATE }, { "dc.date", S_META_DATE },
	{ "dc.date.issued", S_META_DATE }, { "dcterms.issued", S_META_DATE },
	{ "dcterms.created", S_META_DATE }, { "sailthru.date", S_META_DATE },
	{ "og:url", S_OG_URL }, { "og:site_name", S_SITE_NAME },
	{ "application-name", S_APP_NAME }, { "og:image", S_OG_IMAGE },
	{ "og:image:url", S_OG_IMAGE }, { "og:image:secure_url", S_OG_IMAGE },
	{ "twitter:image", S_TW_IMAGE }, { "twitter:image:src", S_TW_IMAGE },
	{ "content-language", S_CONTENT_LANG }, { "dc.language", S_CONTENT_LANG },
	{ "og:locale", S_OG_LOCALE },
};

static void meta_tag(struct meta *m, const xmlNode *e)
{
	const char *content = pw_hx_attr(e, "content");
	if (!content)
		return;
	const char *keys[4] = { pw_hx_attr(e, "property"), pw_hx_attr(e, "name"),
				pw_hx_attr(e, "itemprop"), pw_hx_attr(e, "http-equiv") };
	for (int k = 0; k < 4; k++) {
		if (!keys[k])
			continue;
		/* property may hold several space-separated names ("og:title twitter:title"). */
		const char *p = keys[k];
		while (*p) {
			while (*p == ' ')
				p++;
			size_t l = strcspn(p, " ");
			if (!l)
				break;
			for (size_t i = 0; i < PW_ARRAY_SIZE(meta_keys); i++)
				if (strlen(meta_keys[i].key) == l &&
				    strncasecmp(meta_keys[i].key, p, l) == 0)
					set_slot(m, meta_keys[i].slot, content);
			p += l;
		}
	}
}

static int class_has(const xmlNode *e, const char *word)
{
	const char *c = pw_hx_attr(e, "class"), *id = pw_hx_attr(e, "id");
	return (c && strcasestr(c, word)) || (id && strcasestr(id, word));
}

static int rel_has(const xmlNode *e, const char *word)
{
	const char *r = pw_hx_attr(e, "rel");
	if (!r)
		return 0;
	size_t wl = strlen(word);
	for (const char *p = r; *p;) {
		while (*p == ' ')
			p++;
		size_t l = strcspn(p, " ");
		if (l == wl && strncasecmp(p, word, l) == 0)
			return 1;
		p += l;
	}
	return 0;
}

static char *script_text(const xmlNode *e)
{
	struct pw_buf b = PW_BUF_INIT;
	for (const xmlNode *c = e->children; c; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			pw_buf_puts(&b, (const char *)c->content);
	return pw_buf_detach(&b);
}

static void walk(struct hx_doc *hd, struct meta *m)
{
	for (size_t i = 0; i < hd->nelems; i++) {
		xmlNode *e = hd->elems[i];
		struct hx_info *in = &hd->info[i];
		const char *a;
		switch (in->tag) {
		case HX_HTML:
			set_slot(m, S_LANG, pw_hx_attr(e, "lang"));
			set_slot(m, S_LANG, pw_hx_attr(e, "xml:lang"));
			break;
		case HX_TITLE:
			if (!m->v[S_TITLE] && (!e->parent || hx_tag_of(e->parent) == HX_HEAD ||
					       hx_tag_of(e->parent) == HX_HTML))
				set_own(m, S_TITLE, pw_hx_text(e));
			break;
		case HX_META:
			meta_tag(m, e);
			break;
		case HX_LINK:
			if (rel_has(e, "canonical"))
				set_slot(m, S_CANONICAL, pw_hx_attr(e, "href"));
			break;
		case HX_SCRIPT:
			a = pw_hx_attr(e, "type");
			if (a && strcasestr(a, "ld+json") && m->n_jsonld < 8) {
				char *t = script_text(e);
				pw_buf_puts(&m->jsonld[m->n_jsonld++], t);
				free(t);
			}
			break;
		case HX_H1:
			if (!(in->flags & HX_GONE)) {
				m->n_h1++;
				set_own(m, S_H1, pw_hx_text(e));
			}
			break;
		case HX_TIME:
			if ((a = pw_hx_attr(e, "datetime")) != NULL) {
				const char *ip = pw_hx_attr(e, "itemprop");
				if (pw_hx_attr(e, "pubdate") || (ip && strcasestr(ip, "datePublished")) ||
				    class_has(e, "publish"))
					set_slot(m, S_TIME_PUB, a);
				set_slot(m, S_TIME_ANY, a);
			}
			break;
		default:
			if (e->name && strcmp((const char *)e->name, "base") == 0)
				set_slot(m, S_BASE, pw_hx_attr(e, "href"));
			break;
		}
		if ((a = pw_hx_attr(e, "itemprop")) != NULL && in->tag != HX_META) {
			if (strcasecmp(a, "datePublished") == 0) {
				const char *d = pw_hx_attr(e, "content");
				if (!d)
					d = pw_hx_attr(e, "datetime");
				if (d)
					set_slot(m, S_ITEMPROP_DATE, d);
				else
					set_own(m, S_ITEMPROP_DATE, pw_hx_text(e));
			}
		}
		if (in->tag == HX_A && rel_has(e, "author") && !m->v[S_REL_AUTHOR]) {
			char *t = pw_hx_text(e);
			if (pw_utf8_chars(t) < 100)
				set_own(m, S_REL_AUTHOR, t);
			else
				free(t);
		}
	}
}

/* ---- cleanup of values ---- */

char *pw_hx_clean_author(const char *s)
{
	if (!s)
		return NULL;
	char *t = pw_hx_squash(xstrdup(s));
	char *p = t;
	static const char *const prefixes[] = { "by ", "By ", "BY ", "Автор: ", "Author: ",
						"Автор ", "Written by ", "written by ", "Par ",
						"par ", "Von ", "von ", "Por ", "por " };
	for (size_t i = 0; i < PW_ARRAY_SIZE(prefixes); i++)
		if (strncmp(p, prefixes[i], strlen(prefixes[i])) == 0) {
			p += strlen(prefixes[i]);
			break;
		}
	/* Profile URLs are not names. */
	if (strncmp(p, "http://", 7) == 0 || strncmp(p, "https://", 8) == 0 || !*p) {
		free(t);
		return NULL;
	}
	memmove(t, p, strlen(p) + 1);
	return t;
}

static size_t count_words(const char *s, size_t len)
{
	size_t n = 0;
	int in = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == ' ') {
			in = 0;
		} else if (!in) {
			in = 1;
			n++;
		}
	}
	return n;
}

/* Same name once letters are lower-cased and anything else is dropped ("OC Media" = "oc-media"). */
static int same_name(const char *a, size_t al, const char *b)
{
	char x[256], y[256];
	size_t i = 0, j = 0;
	for (size_t k = 0; k < al && i + 1 < sizeof x; k++)
		if (isalnum((unsigned char)a[k]) || (unsigned char)a[k] >= 0x80)
			x[i++] = (char)tolower((unsigned char)a[k]);
	for (const char *p = b; *p && j + 1 < sizeof y; p++)
		if (isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80)
			y[j++] = (char)tolower((unsigned char)*p);
	x[i] = y[j] = '\0';
	return i && strcmp(x, y) == 0;
}

/*
 * After " - " only a name is stripped: every word capitalised or a digit ("JAMnews",
 * "BBC News", "LWN.net"), not "an async task framework".
 */
static int brand_like(const char *s)
{
	int start = 1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == ' ') {
			start = 1;
			continue;
		}
		if (start && *p < 0x80 && !isupper(*p) && !isdigit(*p))
			return 0;
		start = 0;
	}
	return 1;
}

/*
 * Strip a site-name suffix or prefix: "Headline | OC Media", "Headline - JAMnews",
 * "Site » Headline".  A side goes when it names the site, or when it is short (<= 4 words)
 * and the other side is clearly the headline (>= 3 words and longer).
 */
static int names_site(const char *s, size_t l, const char *site, const char *host)
{
	return (site && same_name(s, l, site)) || (host && same_name(s, l, host));
}

/*
 * The site's name as its host spells it: "https://www.oc-media.org/x" -> "oc-media",
 * "jam-news.net" -> "jam-news".  Into out; "" when url has no host.
 */
static void host_label(const char *url, char *out, size_t outlen)
{
	out[0] = '\0';
	const char *h = url ? strstr(url, "://") : NULL;
	if (!h)
		return;
	h += 3;
	size_t hl = strcspn(h, "/?#:");
	if (hl > 4 && strncasecmp(h, "www.", 4) == 0) {
		h += 4;
		hl -= 4;
	}
	const char *dot = NULL;
	for (size_t i = 0; i < hl; i++)
		if (h[i] == '.')
			dot = h + i;
	if (!dot)
		return;
	/* the label before the top-level domain (a second-level "co.uk" is left alone) */
	const char *start = dot;
	while (start > h && start[-1] != '.')
		start--;
	size_t l = (size_t)(dot - start);
	if (l >= 3 && l < outlen) {
		memcpy(out, start, l);
		out[l] = '\0';
	}
}

static char *strip_site(char *t, const char *site, const char *host)
{
	static const char *const seps[] = { " | ", " - ", " – ", " — ", " :: ", " » ", " « ",
					    " / ", " · ", " • ", " || " };
	const char *best = NULL;
	size_t seplen = 0;
	for (size_t i = 0; i < PW_ARRAY_SIZE(seps); i++) {
		const char *p = t, *hit = NULL;
		while ((p = strstr(p, seps[i])) != NULL) {
			hit = p;
			p += 1;
		}
		if (hit && hit > best) {
			best = hit;
			seplen = strlen(seps[i]);
		}
	}
	if (!best)
		return t;
	size_t head_len = (size_t)(best - t);
	const char *tail = best + seplen;
	size_t hw = count_words(t, head_len), tw = count_words(tail, strlen(tail));
	int hyphen = seplen == 3 && best[1] == '-';
	if (names_site(tail, strlen(tail), site, host) ||
	    (tw <= 4 && hw >= 3 && hw > tw && (!hyphen || brand_like(tail)))) {
		t[head_len] = '\0';
		return t;
	}
	/* Leading site name: first separator. */
	for (size_t i = 0; i < PW_ARRAY_SIZE(seps); i++) {
		const char *p = strstr(t, seps[i]);
		if (!p)
			continue;
		size_t l = (size_t)(p - t);
		if (names_site(t, l, site, host)) {
			const char *rest = p + strlen(seps[i]);
			memmove(t, rest, strlen(rest) + 1);
			return t;
		}
	}
	return t;
}

/* Locale "ru_RU" -> "ru-RU"; drops anything after a comma ("en, ru"). */
static char *clean_lang(const char *s)
{
	char *t = pw_hx_squash(xstrdup(s));
	t[strcspn(t, ", ;")] = '\0';
	for (char *p = t; *p; p++)
		if (*p == '_')
			*p = '-';
	if (!*t) {
		free(t);
		return NULL;
	}
	return t;
}

static char *dup_squashed(const char *s)
{
	if (!s)
		return NULL;
	char *t = pw_hx_squash(xstrdup(s));
	if (!*t) {
		free(t);
		return NULL;
	}
	return t;
}

static char *jsonld_authors(const struct jv *v)
{
	if (!v)
		return NULL;
	if (v->t != J_ARR)
		return dup_squashed(jname(v));
	struct pw_buf b = PW_BUF_INIT;
	for (const struct jv *k = v->kids; k; k = k->next) {
		const char *n = jname(k);
		if (!n)
			continue;
		if (b.len)
			pw_buf_puts(&b, ", ");
		pw_buf_puts(&b, n);
	}
	char *r = pw_buf_detach(&b);
	return *r ? r : (free(r), (char *)NULL);
}

static const char *jsonld_image(const struct jv *v)
{
	if (!v)
		return NULL;
	if (v->t == J_STR)
		return jstr(v);
	if (v->t == J_OBJ)
		return jstr(jget(v, "url"));
	if (v->t == J_ARR && v->kids)
		return jsonld_image(v->kids);
	return NULL;
}

static int64_t first_date(const char *const *cands, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!cands[i])
			continue;
		int64_t t = pw_date_parse(cands[i]);
		if (t != PW_NOTIME)
			return t;
	}
	return PW_NOTIME;
}

void pw_hx_meta(struct hx_doc *hd, const struct pw_extract_opts *opts, struct pw_article *a,
		struct hx_meta_extra *extra)
{
	struct meta m;
	memset(&m, 0, sizeof m);
	walk(hd, &m);

	/* JSON-LD: the first Article-typed object, and a WebSite/Organization for the name. */
	const struct jv *art = NULL, *site = NULL;
	struct jv *trees[8] = { NULL };
	for (int i = 0; i < m.n_jsonld; i++) {
		if (!m.jsonld[i].data)
			continue;
		/* Skip "<![CDATA[", "<!--" and the like before the value. */
		const char *start = m.jsonld[i].data + strcspn(m.jsonld[i].data, "{[");
		struct jp j = { start, m.jsonld[i].data + m.jsonld[i].len, 0, 0 };
		trees[i] = jvalue(&j);
		if (!art)
			art = jfind(trees[i], article_type, 0);
		if (!site)
			site = jfind(trees[i], website_type, 0);
	}
	/*
	 * JSON-LD "headline" is sometimes a description and "name" sometimes the site: take the
	 * one the page's <title> agrees with, or the headline when there is no <title>.
	 */
	const char *ld_headline = NULL;
	if (art) {
		const char *h = jstr(jget(art, "headline")), *n = jstr(jget(art, "name"));
		const char *pt = m.v[S_TITLE];
		if (h && (!pt || strstr(pt, h)))
			ld_headline = h;
		else if (n && pt && strstr(pt, n))
			ld_headline = n;
		else if (!m.v[S_OG_TITLE] && !m.v[S_TW_TITLE] && h)
			ld_headline = h;
	}
	const char *ld_date = art ? jstr(jget(art, "datePublished")) : NULL;
	const char *ld_publisher = art ? jname(jget(art, "publisher")) : NULL;
	if (!ld_publisher && site)
		ld_publisher = jstr(jget(site, "name"));
	const char *ld_image = art ? jsonld_image(jget(art, "image")) : NULL;
	const char *ld_lang = art ? jstr(jget(art, "inLanguage")) : NULL;
	const char *ld_body = art ? jstr(jget(art, "articleBody")) : NULL;
	if (ld_body)
		extra->jsonld_body = xstrdup(ld_body);

	/* site name first: the title's suffix is stripped against it. */
	const char *sn = m.v[S_SITE_NAME] ? m.v[S_SITE_NAME] : ld_publisher;
	if (!sn)
		sn = m.v[S_APP_NAME];
	a->site_name = dup_squashed(sn);

	/* the host's name helps to recognise a site suffix when og:site_name is missing */
	char host[64];
	const char *page_url = m.v[S_CANONICAL] ? m.v[S_CANONICAL] : m.v[S_OG_URL];
	host_label(page_url && strstr(page_url, "://") ? page_url : opts->url, host, sizeof host);

	/* title */
	const char *t = NULL;
	const char *order[] = { ld_headline, m.v[S_DC_TITLE], m.v[S_OG_TITLE], m.v[S_TW_TITLE],
				m.v[S_PARSELY_TITLE] };
	for (size_t i = 0; i < PW_ARRAY_SIZE(order) && !t; i++)
		t = order[i];
	/* og:title that is just the site's name (a template default): look further. */
	if (t && a->site_name && same_name(t, strlen(t), a->site_name))
		t = NULL;
	if (!t && m.v[S_H1] && m.n_h1 == 1 && m.v[S_TITLE] && strstr(m.v[S_TITLE], m.v[S_H1]))
		t = m.v[S_H1];
	if (!t)
		t = m.v[S_TITLE];
	if (!t)
		t = m.v[S_META_TITLE];
	if (!t)
		t = m.v[S_H1];
	if (t) {
		/* Twice: "Headline | Politics | OC Media" carries a section and a site name. */
		a->title = pw_hx_squash(xstrdup(t));
		for (int k = 0; k < 2; k++) {
			size_t before = strlen(a->title);
			strip_site(a->title, a->site_name, host[0] ? host : NULL);
			if (strlen(a->title) == before)
				break;
		}
		if (!*a->title) {
			free(a->title);
			a->title = NULL;
		}
	}

	/* author */
	char *au = art ? jsonld_authors(jget(art, "author")) : NULL;
	const char *aorder[] = { m.v[S_DC_CREATOR], m.v[S_AUTHOR], m.v[S_ARTICLE_AUTHOR],
				 m.v[S_PARSELY_AUTHOR], m.v[S_SAILTHRU_AUTHOR], m.v[S_REL_AUTHOR] };
	for (size_t i = 0; i < PW_ARRAY_SIZE(aorder) && !au; i++)
		au = pw_hx_clean_author(aorder[i]);
	if (au) {
		char *c = pw_hx_clean_author(au);
		free(au);
		au = c;
	}
	a->author = au;

	/* published */
	const char *dorder[] = { ld_date, m.v[S_PUBLISHED], m.v[S_ITEMPROP_DATE],
				 m.v[S_PARSELY_DATE], m.v[S_META_DATE], m.v[S_TIME_PUB],
				 m.v[S_TIME_ANY] };
	a->published = first_date(dorder, PW_ARRAY_SIZE(dorder));

	/* URLs resolve against <base href> (itself resolved against the page URL). */
	char *base = m.v[S_BASE] ? pw_url_resolve(opts->url, m.v[S_BASE]) : NULL;
	const char *b = base ? base : opts->url;
	const char *canon = m.v[S_CANONICAL] ? m.v[S_CANONICAL] : m.v[S_OG_URL];
	char *tmp = dup_squashed(canon);
	if (tmp)
		a->canonical_url = pw_url_resolve(b, tmp);
	free(tmp);
	const char *img = m.v[S_OG_IMAGE] ? m.v[S_OG_IMAGE] : m.v[S_TW_IMAGE];
	if (!img)
		img = ld_image;
	tmp = dup_squashed(img);
	if (tmp)
		a->image = pw_url_resolve(b, tmp);
	free(tmp);
	free(base);

	const char *lang = m.v[S_LANG] ? m.v[S_LANG] : m.v[S_CONTENT_LANG];
	if (!lang)
		lang = m.v[S_OG_LOCALE];
	if (!lang)
		lang = ld_lang;
	if (lang)
		a->lang = clean_lang(lang);

	for (int i = 0; i < 8; i++) {
		jv_free(trees[i]);
		pw_buf_free(&m.jsonld[i]);
	}
	for (int i = 0; i < S_NSLOTS; i++)
		free(m.own[i]);
}
