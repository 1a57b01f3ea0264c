/*
 * opml.h -- OPML feed lists <-> presswatch feed configuration, for import-opml / export-opml.
 *
 * Import reads the outlines that carry an xmlUrl (any depth); the titles of enclosing folder
 * outlines and the OPML `category` attribute become tags.  Parsing is libxml2 with
 * XML_PARSE_NONET and no entity substitution or DTD loading, on a size-capped buffer.
 */
#ifndef PW_CLI_OPML_H
#define PW_CLI_OPML_H

#include <stddef.h>

struct pw_buf;

struct opml_feed {
	char *id;       /* section name: unique, derived from the title (or the URL's host) */
	char *name;     /* title as written (control characters replaced), or NULL */
	char *url;
	char *lang;     /* NULL unless the outline has a plausible language attribute */
	char **tags;
	size_t ntags;
};

struct opml_list {
	struct opml_feed *feeds;
	size_t n;
	char **skipped;   /* "outline 'X': reason" for outlines that could not become feeds */
	size_t nskipped;
};

/*
 * Parses an OPML document held in data[0..len).  taken_ids / taken_urls (may be NULL / 0)
 * are ids to avoid and URLs to leave out (already configured; they are listed in skipped).
 * Returns 0, or -1 with a one-line reason in err when the document is not OPML at all.
 */
int opml_parse(const char *data, size_t len, const char *filename, char *const *taken_ids,
	       size_t ntaken_ids, char *const *taken_urls, size_t ntaken_urls,
	       struct opml_list *out, char *err, size_t errlen);
void opml_list_free(struct opml_list *l);

/* Appends the feeds as feeds.conf sections (values quoted where the INI reader needs it). */
void opml_write_conf(struct pw_buf *b, const struct opml_list *l, const char *source);

/* Derives a section id from s: lowercase ASCII letters and digits, '-' between words; "" when
 * s has none.  Caller frees. */
char *opml_slug(const char *s);

#endif
