/*
 * feed_internal.h -- state shared by the two halves of the feed parser: feed_parse.c (bytes,
 * charsets, entities, the public API) and feed_elements.c (what each RSS/Atom element means).
 * Not a public interface: nothing outside those two files includes it.
 */
#ifndef PW_FEED_INTERNAL_H
#define PW_FEED_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/parser.h>

#include "buf.h"
#include "charset.h"
#include "feed_parse.h"
#include "xml_repair.h"

#define MAX_DEPTH 256

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

	/* the field being captured */
	int cap_active, cap_depth, cap_item; /* cap_item: for the item (else the feed) */
	enum field cap_field;
	enum mode cap_mode;
	int cap_div_depth;       /* xhtml: depth of a wrapping <div> not to serialise, or 0 */
	int cap_strip_div;       /* Atom 1.0 type="xhtml": the wrapping div is not content */
	struct pw_buf cap;
	int cap_truncated;
	int cap_children;        /* an element inside the field was serialised (summary, content) */
	size_t cap_last_start;   /* cap.len right after the last serialised start tag */

	struct item_acc item;
	int in_item;
	size_t nitems;
	int in_person;           /* inside an item's Atom <author> */
};

/* feed_parse.c: record a fatal status (first one wins) and stop libxml2. */
void pw_feedp_set_error(struct pw_feed_parser *p, int status, const char *msg);
/* feed_parse.c: count a recovered well-formedness error, keep the first message. */
void pw_feedp_note_xml_error(struct pw_feed_parser *p, const char *msg, long line);

/* feed_elements.c: install the element and text callbacks into sax. */
void pw_feedp_sax_elements(xmlSAXHandler *sax);
/* feed_elements.c: the document ended inside an item: deliver what it has. */
void pw_feedp_flush_open_item(struct pw_feed_parser *p);
/* feed_elements.c: free the element stack and any item in progress. */
void pw_feedp_free_state(struct pw_feed_parser *p);

#endif
