/* opml.c -- OPML outlines -> feeds.conf sections; see opml.h. */

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <utf8proc.h>

#include "buf.h"
#include "opml.h"
#include "xmalloc.h"

#define MAX_DEPTH 32      /* folder nesting kept as tags; deeper outlines are still read */

char *opml_slug(const char *s)
{
	struct pw_buf b = PW_BUF_INIT;
	int dash = 0;
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		if (isalnum(*p) && *p < 0x80) {
			if (dash && b.len)
				pw_buf_putc(&b, '-');
			dash = 0;
			pw_buf_putc(&b, (char)tolower(*p));
		} else {
			dash = 1;
		}
		if (b.len >= 40)
			break;
	}
	return pw_buf_detach(&b);
}

/* A tag from a folder or category name, in what config.c's good_tag() accepts: lowercase
 * letters (any script) and digits, "_.:" kept, runs of anything else as one '-'. */
static char *tag_of(const char *s)
{
	struct pw_buf b = PW_BUF_INIT;
	int dash = 0;
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
						      (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0) { /* invalid byte: a separator */
			dash = 1;
			i++;
			continue;
		}
		i += (size_t)n;
		utf8proc_category_t cat = utf8proc_category(cp);
		int letter = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
		int keep = cp < 0x80 ? isalnum(cp) || strchr("_.:", cp) != NULL
				     : letter || cat == UTF8PROC_CATEGORY_ND || cat == UTF8PROC_CATEGORY_MN;
		if (!keep) {
			dash = 1;
			continue;
		}
		if (dash && b.len)
			pw_buf_putc(&b, '-');
		dash = 0;
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_tolower(cp), enc);
		pw_buf_append(&b, enc, (size_t)m);
	}
	return pw_buf_detach(&b);
}

/* Copy with control characters as spaces and surrounding blanks trimmed; NULL when empty. */
static char *clean(const xmlChar *x)
{
	if (x == NULL)
		return NULL;
	const char *s = (const char *)x;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	char *c = xstrdup(s);
	size_t n = strlen(c);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f)
			c[i] = ' ';
	while (n && c[n - 1] == ' ')
		c[--n] = '\0';
	if (n == 0) {
		free(c);
		return NULL;
	}
	return c;
}

/* Attribute by name, case-insensitively (exporters write xmlUrl, xmlurl, XMLURL ...). */
static char *attr(xmlNode *n, const char *name)
{
	for (xmlAttr *a = n->properties; a; a = a->next) {
		if (a->name && xmlStrcasecmp(a->name, (const xmlChar *)name) == 0) {
			xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
			char *c = clean(v);
			xmlFree(v);
			return c;
		}
	}
	return NULL;
}

static int in_list(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static void add_tag(struct opml_feed *f, char *tag)
{
	if (tag[0] == '\0' || in_list(f->tags, f->ntags, tag)) {
		free(tag);
		return;
	}
	f->tags = xreallocarray(f->tags, f->ntags + 1, sizeof *f->tags);
	f->tags[f->ntags++] = tag;
}

struct walk {
	struct opml_list *out;
	char *const *taken_ids, *const *taken_urls;
	size_t ntaken_ids, ntaken_urls;
	const char *folders[MAX_DEPTH];
	int depth;
};

static void skip(struct walk *w, const char *title, const char *why)
{
	struct opml_list *l = w->out;
	l->skipped = xreallocarray(l->skipped, l->nskipped + 1, sizeof *l->skipped);
	l->skipped[l->nskipped++] = xasprintf("outline '%s': %s", title ? title : "(untitled)", why);
}

static int id_taken(struct walk *w, const char *id)
{
	if (in_list(w->taken_ids, w->ntaken_ids, id))
		return 1;
	for (size_t i = 0; i < w->out->n; i++)
		if (strcmp(w->out->feeds[i].id, id) == 0)
			return 1;
	return 0;
}

/* The host of an http(s) URL as a slug ("www.oc-media.org" -> "oc-media-org"). */
static char *host_slug(const char *url)
{
	const char *h = strstr(url, "://");
	h = h ? h + 3 : url;
	if (strncmp(h, "www.", 4) == 0)
		h += 4;
	size_t n = strcspn(h, "/?#:");
	char *host = xstrndup(h, n);
	char *slug = opml_slug(host);
	free(host);
	return slug;
}

static int plausible_lang(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 12)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalpha((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	return 1;
}

static void feed_outline(struct walk *w, xmlNode *n, char *url)
{
	char *title = attr(n, "title");
	char *text = attr(n, "text");
	const char *name = title ? title : text;

	if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0) {
		skip(w, name ? name : url, "xmlUrl is not an http(s) URL");
		goto out;
	}
	if (strchr(url, ' ') || strchr(url, '"')) {
		skip(w, name ? name : url, "xmlUrl contains a space or a quote");
		goto out;
	}
	for (size_t i = 0; i < w->ntaken_urls; i++)
		if (strcmp(w->taken_urls[i], url) == 0) {
			skip(w, name ? name : url, "already configured");
			goto out;
		}
	for (size_t i = 0; i < w->out->n; i++)
		if (strcmp(w->out->feeds[i].url, url) == 0) {
			skip(w, name ? name : url, "listed twice in the OPML file");
			goto out;
		}

	struct opml_feed f = { 0 };
	char *base = name ? opml_slug(name) : NULL;
	if (base == NULL || base[0] == '\0') {
		free(base);
		base = host_slug(url);
	}
	if (base[0] == '\0') {
		free(base);
		base = xstrdup("feed");
	}
	f.id = xstrdup(base);
	for (int k = 2; id_taken(w, f.id); k++) {
		free(f.id);
		f.id = xasprintf("%s-%d", base, k);
	}
	free(base);
	f.name = name ? xstrdup(name) : NULL;
	f.url = url;
	url = NULL;
	char *lang = attr(n, "language");
	if (lang && plausible_lang(lang))
		f.lang = lang;
	else
		free(lang);
	for (int d = 0; d < w->depth && d < MAX_DEPTH; d++)
		add_tag(&f, tag_of(w->folders[d]));
	char *cat = attr(n, "category");
	if (cat) {
		/* OPML 2.0: comma-separated, each a slash-delimited path */
		for (char *save = NULL, *part = strtok_r(cat, ",/", &save); part;
		     part = strtok_r(NULL, ",/", &save))
			add_tag(&f, tag_of(part));
		free(cat);
	}
	struct opml_list *l = w->out;
	l->feeds = xreallocarray(l->feeds, l->n + 1, sizeof *l->feeds);
	l->feeds[l->n++] = f;
out:
	free(url);
	free(title);
	free(text);
}

static void walk_outlines(struct walk *w, xmlNode *parent)
{
	for (xmlNode *n = parent->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || xmlStrcasecmp(n->name, (const xmlChar *)"outline"))
			continue;
		char *url = attr(n, "xmlUrl");
		if (url) {
			feed_outline(w, n, url);
			continue;
		}
		/* A folder: its title tags the feeds inside. */
		char *folder = attr(n, "title");
		if (folder == NULL)
			folder = attr(n, "text");
		int pushed = folder && w->depth < MAX_DEPTH;
		if (pushed)
			w->folders[w->depth++] = folder;
		walk_outlines(w, n);
		if (pushed)
			w->depth--;
		free(folder);
	}
}

int opml_parse(const char *data, size_t len, const char *filename, char *const *taken_ids,
	       size_t ntaken_ids, char *const *taken_urls, size_t ntaken_urls,
	       struct opml_list *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (len > (size_t)INT32_MAX) {
		snprintf(err, errlen, "%s: too large", filename);
		return -1;
	}
	/* NONET: never fetch anything; no NOENT/DTDLOAD/HUGE: entities stay unexpanded. */
	xmlDoc *doc = xmlReadMemory(data, (int)len, filename, NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL) {
		const xmlError *e = xmlGetLastError();
		if (e && e->message) {
			char msg[256];
			snprintf(msg, sizeof msg, "%s", e->message);
			msg[strcspn(msg, "\n")] = '\0';
			snprintf(err, errlen, "%s:%d: not well-formed XML: %s", filename, e->line, msg);
		} else {
			snprintf(err, errlen, "%s: not well-formed XML", filename);
		}
		xmlResetLastError();
		return -1;
	}
	xmlNode *root = xmlDocGetRootElement(doc);
	xmlNode *body = NULL;
	if (root && xmlStrcasecmp(root->name, (const xmlChar *)"opml") == 0)
		for (xmlNode *n = root->children; n; n = n->next)
			if (n->type == XML_ELEMENT_NODE && xmlStrcasecmp(n->name, (const xmlChar *)"body") == 0)
				body = n;
	if (body == NULL) {
		snprintf(err, errlen, "%s: not an OPML document (no <opml><body>)", filename);
		xmlFreeDoc(doc);
		return -1;
	}
	struct walk w = { .out = out, .taken_ids = taken_ids, .ntaken_ids = ntaken_ids,
			  .taken_urls = taken_urls, .ntaken_urls = ntaken_urls };
	walk_outlines(&w, body);
	xmlFreeDoc(doc);
	return 0;
}

void opml_list_free(struct opml_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct opml_feed *f = &l->feeds[i];
		free(f->id);
		free(f->name);
		free(f->url);
		free(f->lang);
		for (size_t t = 0; t < f->ntags; t++)
			free(f->tags[t]);
		free(f->tags);
	}
	free(l->feeds);
	for (size_t i = 0; i < l->nskipped; i++)
		free(l->skipped[i]);
	free(l->skipped);
	memset(l, 0, sizeof *l);
}

/* Writes `key = value`, quoting the value when the INI reader would otherwise cut it at a
 * comment or trim it. */
static void kv(struct pw_buf *b, const char *key, const char *v)
{
	int quote = strchr(v, '#') || strchr(v, '"') || v[0] == ' ' || v[strlen(v) - 1] == ' ';
	pw_buf_printf(b, "%s = ", key);
	if (!quote) {
		pw_buf_puts(b, v);
	} else {
		pw_buf_putc(b, '"');
		for (; *v; v++) {
			if (*v == '"' || *v == '\\')
				pw_buf_putc(b, '\\');
			pw_buf_putc(b, *v);
		}
		pw_buf_putc(b, '"');
	}
	pw_buf_putc(b, '\n');
}

void opml_write_conf(struct pw_buf *b, const struct opml_list *l, const char *source)
{
	pw_buf_printf(b, "# Imported by presswatch import-opml from %s.\n"
			 "# Section names are the feeds' stable ids: rename them now if you like, not later.\n",
		      source);
	for (size_t i = 0; i < l->nskipped; i++)
		pw_buf_printf(b, "# skipped %s\n", l->skipped[i]);
	for (size_t i = 0; i < l->n; i++) {
		const struct opml_feed *f = &l->feeds[i];
		pw_buf_printf(b, "\n[%s]\n", f->id);
		kv(b, "url", f->url);
		if (f->name)
			kv(b, "name", f->name);
		if (f->lang)
			kv(b, "lang", f->lang);
		if (f->ntags) {
			pw_buf_puts(b, "tags = ");
			for (size_t t = 0; t < f->ntags; t++)
				pw_buf_printf(b, "%s%s", t ? ", " : "", f->tags[t]);
			pw_buf_putc(b, '\n');
		}
	}
}
