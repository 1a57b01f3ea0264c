/*
 * html_extract.h -- article page -> main text + metadata (pure: bytes in, result out).
 *
 * The main text is found in the spirit of Mozilla Readability: candidate blocks are scored by
 * text density, paragraph and comma counts, link density and class/id hints; <article>,
 * schema.org itemprop=articleBody and JSON-LD articleBody are strong signals; well-scoring
 * siblings of the best candidate are kept.  Chrome (navigation, breadcrumbs, share bars,
 * "related"/"latest news" lists, captions and photo credits, cookie banners) is dropped.
 *
 * Encoding: a byte-order mark > bytes that are valid multi-byte UTF-8 (a stale legacy label
 * on a re-saved page is common; legacy text never validates) > opts->charset (from HTTP) >
 * <meta charset> / http-equiv / XML declaration in the first 8 KB (a UTF-8 label on bytes
 * that are not UTF-8 is ignored) > UTF-8 if valid > a guess between windows-1252,
 * windows-1251 and KOI8-R from the byte distribution.  Legacy encodings are converted with iconv, invalid bytes becoming U+FFFD.
 * All output strings are UTF-8.
 *
 * Limits: libxml2 stops at nesting depth 256 (presswatch never sets XML_PARSE_HUGE), so text
 * below that depth is lost; JSON-LD articleBody replaces the DOM text only when the DOM
 * yields less than 60% of its length (script-rendered pages).
 *
 * Thread-safe as long as libxml2 was initialised (xmlInitParser()) before threads start.
 */
#ifndef PW_HTML_EXTRACT_H
#define PW_HTML_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

/*
 * The extracted article.  Every string is UTF-8, owned by the struct (free with
 * pw_article_free()), and NULL when the page does not carry that piece of information.
 * text: paragraphs separated by one blank line ("\n\n"), lines within a paragraph (<br>)
 * by "\n"; no leading/trailing whitespace.  NULL only when extraction failed.
 */
struct pw_article {
	char *title;         /* og:title / twitter:title / h1 / <title>, site-name suffix stripped */
	char *author;        /* meta author, article:author, JSON-LD author, rel=author, byline */
	char *canonical_url; /* link rel=canonical / og:url, resolved against opts->url */
	char *lang;          /* <html lang>, meta content-language, og:locale (e.g. "en", "ru-RU") */
	char *site_name;     /* og:site_name, JSON-LD publisher name */
	char *image;         /* og:image / twitter:image, resolved against opts->url */
	char *text;          /* the main text (see above) */
	int64_t published;   /* UTC seconds; PW_NOTIME if unknown */
};

enum pw_extract_status {
	PW_EXTRACT_OK = 0,
	PW_EXTRACT_NOT_HTML,  /* empty, binary, JSON, an XML feed, ... */
	PW_EXTRACT_TOO_LARGE, /* len > opts->max_bytes */
	PW_EXTRACT_FAILED,    /* HTML, but no article text could be found or parsed */
};

struct pw_extract_opts {
	const char *charset; /* charset from the HTTP Content-Type, or NULL */
	const char *url;     /* the page's URL (to resolve canonical/image), or NULL */
	size_t max_bytes;    /* refuse larger input; 0 = PW_EXTRACT_DEFAULT_MAX */
};
#define PW_EXTRACT_DEFAULT_MAX ((size_t)8 << 20)

/*
 * Extract the article from the page in data[0..len).  opts may be NULL (defaults).
 * Returns an enum pw_extract_status.  On PW_EXTRACT_OK *out is filled (the caller owns it and
 * frees it with pw_article_free()); otherwise *out is zeroed (published = PW_NOTIME) and err
 * (if errlen > 0) holds a one-line reason such as "not HTML: looks like JSON".  Never logs:
 * the caller knows the URL/file and logs one line with the reason.
 */
int pw_html_extract(const char *data, size_t len, const struct pw_extract_opts *opts,
		    struct pw_article *out, char *err, size_t errlen);

/* Free the strings of *a and zero it (published = PW_NOTIME).  NULL-safe; idempotent. */
void pw_article_free(struct pw_article *a);

/* Static name of a status, as stored in items.article_status. */
static inline const char *pw_extract_status_name(int status)
{
	switch (status) {
	case PW_EXTRACT_OK: return "ok";
	case PW_EXTRACT_NOT_HTML: return "not-html";
	case PW_EXTRACT_TOO_LARGE: return "too-large";
	default: return "extract-failed";
	}
}

#endif
