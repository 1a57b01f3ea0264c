/*
 * feed_parse.h -- streaming RSS / Atom / RDF parser.
 *
 * Bytes are pushed in any chunk size (libxml2 SAX2 push parser underneath); each finished
 * item is handed to the callback as soon as its closing tag is seen.  The parser never
 * loads external entities or DTDs, refuses entity-declaration bombs (PW_FEED_UNSAFE),
 * caps the body, every text field and the item count, and transcodes the document to
 * UTF-8 (BOM > HTTP charset per RFC 3023 > XML declaration > UTF-8; invalid UTF-8 bytes
 * become U+FFFD).  Broken documents yield what can be recovered.
 *
 * Field conventions: titles, authors and categories are plain text (entities decoded,
 * markup stripped, whitespace collapsed); summary and content are always HTML, cleaned of
 * what could run (scripts, iframes, objects, on* handlers, javascript: URLs; see
 * pw_html_clean) and with relative links made absolute.  A plain-text summary or content
 * (Atom type="text" or no type, Media RSS description without type="html", iTunes summary)
 * is stored escaped: '&' '<' '>' as &amp; &lt; &gt;, line breaks kept as written and a
 * blank line (a paragraph break) marked with <br>, so that every consumer reads the field as
 * HTML and gets back the characters the feed meant (pw_html_to_text of "a &lt; b" is
 * "a < b").  Elements inside such a text construct (which RFC 4287 forbids) stay markup.
 * RSS description and content:encoded are HTML.  Links
 * are absolute (resolved against xml:base, else opts.base_url, else the feed's own link).
 * Fields are read only from an item's own children (or a media:group): a <title> inside an
 * extension element is not the item's title.  When an element repeats, the first wins,
 * except dates, where the last wins.  Bare '&' and '<' in text are escaped before parsing,
 * so "Q&A" and "?a=1&b=2" survive (counted in xml_errors).
 */
#ifndef PW_FEED_PARSE_H
#define PW_FEED_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

struct pw_feed_item {           /* all strings UTF-8, owned by the item, NULL when absent */
	char *guid;                 /* never NULL after parsing: id/guid, else link, else "sha1:"/hash of title+date */
	char *link, *title, *summary, *content, *author, *language;
	int64_t published, updated; /* PW_NOTIME when absent or unparseable */
	char **categories; size_t ncategories;
	char **enclosures; size_t nenclosures;   /* URLs */
};

struct pw_feed_info {
	char *title, *link, *language; /* owned by the parser (or by the caller of pw_feed_parse_buffer) */
	/* "rss2.0" "rss0.91" "rss0.92" "rss0.90" "rss1.0" "atom1.0" "atom0.3"; also "rss0.93",
	 * "rss0.94", and "rss" for an <rss> without a known version; NULL when no root yet */
	const char *format;
	int ttl_s;          /* 0 = no hint; ttl or sy:updatePeriod/updateFrequency */
	const char *encoding; /* source encoding actually used (iconv name, static), NULL before parsing */
	size_t xml_errors;    /* well-formedness errors recovered from (0 for a well-formed document) */
};

struct pw_feed_parse_opts {
	const char *charset;  /* HTTP charset or NULL */
	const char *base_url; /* feed URL, for relative links */
	const char *language; /* language when the feed declares none (HTTP Content-Language, config), or NULL */
	size_t max_bytes;     /* 0 = default (PW_FEED_DEFAULT_MAX_BYTES) */
	size_t max_field;     /* 0 = default (PW_FEED_DEFAULT_MAX_FIELD) */
	size_t max_items;     /* 0 = default (PW_FEED_DEFAULT_MAX_ITEMS) */
};

#define PW_FEED_DEFAULT_MAX_BYTES (16u * 1024 * 1024)
#define PW_FEED_DEFAULT_MAX_FIELD (1024u * 1024)
#define PW_FEED_DEFAULT_MAX_ITEMS 5000u

enum pw_feed_status {
	PW_FEED_OK = 0,
	PW_FEED_NOT_FEED,  /* HTML, JSON, empty body, or an XML root that is no feed */
	PW_FEED_TOO_LARGE, /* max_bytes exceeded (items already delivered stay valid) */
	PW_FEED_MALFORMED, /* so broken that nothing could be recovered */
	PW_FEED_UNSAFE,    /* entity declarations / external entities: refused */
	PW_FEED_EMPTY,     /* a valid feed with no items */
	PW_FEED_TRUNCATED  /* more than max_items items: the first max_items were delivered and are
	                      valid, the rest of the document was not read */
};

/* callback takes ownership: free with pw_feed_item_free() */
typedef void (*pw_feed_item_cb)(struct pw_feed_item *item, void *arg);

/* opts may be NULL; its strings are copied. Never returns NULL. */
struct pw_feed_parser *pw_feed_parser_new(const struct pw_feed_parse_opts *opts, pw_feed_item_cb cb, void *arg);
/* 0, or -1 once parsing stopped (size or item cap, unsafe, ...): the rest of the body is not needed */
int pw_feed_parser_push(struct pw_feed_parser *p, const char *data, size_t len);
/* returns enum pw_feed_status */
int pw_feed_parser_finish(struct pw_feed_parser *p);
/* valid until pw_feed_parser_free(); filled progressively, complete after finish */
const struct pw_feed_info *pw_feed_parser_info(const struct pw_feed_parser *p);
/* human-readable reason, "" when OK */
const char *pw_feed_parser_error(const struct pw_feed_parser *p);
/* First recovered well-formedness error ("line N: message"), NULL when none. */
const char *pw_feed_parser_xml_error(const struct pw_feed_parser *p);
void pw_feed_parser_free(struct pw_feed_parser *p);
void pw_feed_item_free(struct pw_feed_item *item);

/*
 * Convenience for tests/CLI: whole buffer.  *items is an owned array of owned items (free
 * each with pw_feed_item_free, then free(*items)); info_out's strings become the caller's
 * (free with pw_feed_info_clear); *error_out (may be NULL) is an owned copy of the error
 * text, "" when OK.  Returns enum pw_feed_status.
 */
int pw_feed_parse_buffer(const char *data, size_t len, const struct pw_feed_parse_opts *opts,
                         struct pw_feed_info *info_out, struct pw_feed_item ***items, size_t *nitems,
                         char **error_out);
/* Frees the strings of an info filled by pw_feed_parse_buffer and zeroes it. */
void pw_feed_info_clear(struct pw_feed_info *info);
/* Short name of a status ("ok", "not-feed", ...). */
const char *pw_feed_status_name(int status);

#endif
