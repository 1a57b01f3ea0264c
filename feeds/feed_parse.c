/*
 * feed_parse.c -- RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 through libxml2's SAX2 push parser.
 *
 * Bytes go: caller -> sniff buffer (first 4 KiB, to decide the encoding and reject JSON /
 * HTML / empty bodies early) -> charset converter (always UTF-8 out, invalid bytes replaced)
 * -> bare '&' / '<' repair (xml_repair.c) -> libxml2 push parser (XML_PARSE_IGNORE_ENC since
 * the input is already UTF-8, XML_PARSE_NONET, XML_PARSE_RECOVER; never NOENT, DTDLOAD or
 * HUGE) -> the element callbacks of feed_elements.c.
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
#include <stdio.h>
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
#include "feed_internal.h"
#include "feed_parse.h"
#include "feed_text.h"
#include "log.h"
#include "xmalloc.h"
#include "xml_repair.h"

#define SNIFF_BYTES 4096
#define MAX_ENTITY_DECLS 64
#define MAX_ENTITY_DECL_BYTES (64 * 1024)

void pw_feedp_set_error(struct pw_feed_parser *p, int status, const char *msg)
{
	if (p->status != PW_FEED_OK)
		return;
	p->status = status;
	free(p->error);
	p->error = xstrdup(msg);
	if (p->ctxt)
		xmlStopParser(p->ctxt);
}
void pw_feedp_note_xml_error(struct pw_feed_parser *p, const char *msg, long line)
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
			pw_feedp_set_error(p, PW_FEED_UNSAFE, "unsafe: entity expansion exceeds the body size cap");
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
	pw_feedp_note_xml_error(p, msg, p->ctxt ? xmlSAX2GetLineNumber(p->ctxt) : 0);
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
		pw_feedp_set_error(p, PW_FEED_UNSAFE, msg);
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
		pw_feedp_set_error(p, PW_FEED_UNSAFE, msg);
		return;
	}
	for (const xmlChar *c = content; c && *c; c++) {
		if ((*c == '&' || *c == '%') && (isalpha(c[1]) || c[1] == '_' || c[1] == ':')) {
			snprintf(msg, sizeof msg, "unsafe: entity '%.40s' refers to other entities (expansion bomb)",
			         (const char *)name);
			pw_feedp_set_error(p, PW_FEED_UNSAFE, msg);
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
	const char *msg = err->message ? err->message : "error";
	size_t n = strlen(msg);
	while (n && isspace((unsigned char)msg[n - 1]))
		n--; /* libxml2 messages end in a newline */
	char *m = xstrndup(msg, n);
	pw_feedp_note_xml_error(p, m, err->line);
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
			pw_feedp_set_error(p, PW_FEED_NOT_FEED, "not a feed: the body is JSON");
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
			pw_feedp_note_xml_error(p, "text before the XML document skipped", 1);
			len -= (size_t)(found - data);
			data = found;
		}
		if (data[0] != '<') {
			pw_feedp_set_error(p, PW_FEED_NOT_FEED, "not a feed: the body is not XML");
			return;
		}
		if ((len >= 14 && strncasecmp(data, "<!doctype html", 14) == 0) ||
		    (len >= 5 && strncasecmp(data, "<html", 5) == 0)) {
			pw_feedp_set_error(p, PW_FEED_NOT_FEED, "not a feed: the document is an HTML page");
			return;
		}
		p->ctxt = xmlCreatePushParserCtxt(&p->sax, p, NULL, 0, p->base_url ? p->base_url : "feed");
		if (!p->ctxt) {
			pw_feedp_set_error(p, PW_FEED_MALFORMED, "cannot create an XML parser");
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
		pw_feedp_note_xml_error(p, "bare '&' or '<' in text (escaped)", 0);
	feed_xml(p, p->repaired.data ? p->repaired.data : "", p->repaired.len, final);
}

static void start(struct pw_feed_parser *p, int final)
{
	size_t bom = 0;
	/* the decision is the first SNIFF_BYTES' (the first push may be the whole document) */
	const char *enc = pw_charset_detect(p->sniff.data ? p->sniff.data : "",
					    p->sniff.len < SNIFF_BYTES ? p->sniff.len : SNIFF_BYTES, p->http_charset, &bom);
	p->conv = pw_charset_conv_new(enc);
	char declbuf[48];
	const char *decl = pw_charset_xml_decl(p->sniff.data ? p->sniff.data + bom : "", p->sniff.len - bom, declbuf);
	const char *bad = p->http_charset && !pw_charset_canonical(p->http_charset) ? p->http_charset :
	                  decl && !pw_charset_canonical(decl) ? decl : NULL;
	if (bad) {
		char msg[120];
		snprintf(msg, sizeof msg, "unknown encoding '%.40s', read as %s", bad, pw_charset_conv_name(p->conv));
		pw_feedp_note_xml_error(p, msg, 0);
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
	pw_feedp_sax_elements(&p->sax);
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
		pw_feedp_set_error(p, PW_FEED_TOO_LARGE, msg);
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
	/* the document ended inside an item: keep what it had */
	pw_feedp_flush_open_item(p);
	if (!p->info.language && p->language)
		p->info.language = xstrdup(p->language);
	if (!p->info.ttl_s && p->sy_period)
		p->info.ttl_s = p->sy_period / (p->sy_freq > 0 ? p->sy_freq : 1);
	if (p->status != PW_FEED_OK)
		return p->status;
	if (!p->root_seen) {
		if (!p->ctxt)
			pw_feedp_set_error(p, PW_FEED_NOT_FEED, "not a feed: the body is empty");
		else
			pw_feedp_set_error(p, PW_FEED_MALFORMED, "no XML element could be read");
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
	pw_feedp_free_state(p);
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
	case PW_FEED_TRUNCATED: return "truncated";
	default: return "unknown";
	}
}
