/*
 * html_extract_int.h -- private pieces shared by html_extract.c (entry, encodings, text),
 * html_content.c (Readability-style scoring) and html_meta.c (metadata, JSON-LD).
 * Not part of libpresswatch's contract: only html_extract.h is.
 */
#ifndef PW_HTML_EXTRACT_INT_H
#define PW_HTML_EXTRACT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "html_extract.h"

/* Tags the extractor cares about; everything else is HX_OTHER. */
enum hx_tag {
	HX_OTHER = 0, HX_A, HX_ADDRESS, HX_ARTICLE, HX_ASIDE, HX_BLOCKQUOTE, HX_BODY, HX_BR,
	HX_BUTTON, HX_CANVAS, HX_CAPTION, HX_CODE, HX_DD, HX_DETAILS, HX_DIALOG, HX_DIV, HX_DL,
	HX_DT, HX_EMBED, HX_FIELDSET, HX_FIGCAPTION, HX_FIGURE, HX_FOOTER, HX_FORM, HX_H1, HX_H2,
	HX_H3, HX_H4, HX_H5, HX_H6, HX_HEAD, HX_HEADER, HX_HR, HX_HTML, HX_IFRAME, HX_IMG,
	HX_INPUT, HX_LI, HX_LINK, HX_MAIN, HX_MENU, HX_META, HX_NAV, HX_NOSCRIPT, HX_OBJECT,
	HX_OL, HX_OPTION, HX_P, HX_PICTURE, HX_PRE, HX_SCRIPT, HX_SECTION, HX_SELECT, HX_STYLE,
	HX_SVG, HX_TABLE, HX_TD, HX_TEMPLATE, HX_TEXTAREA, HX_TH, HX_TIME, HX_TITLE, HX_TR,
	HX_UL, HX_VIDEO, HX_AUDIO, HX_SOURCE, HX_MATH, HX_TBODY, HX_THEAD, HX_TFOOT, HX_SPAN,
	HX_NTAGS
};

/* Per-element flags (struct hx_info.flags). */
#define HX_GONE_HARD 0x01u  /* never content: script, style, hidden, ... */
#define HX_GONE_SOFT 0x02u  /* removed by a heuristic of the current attempt */
#define HX_GONE (HX_GONE_HARD | HX_GONE_SOFT)
#define HX_PARA 0x04u       /* a div without block children: scored like a <p> */
#define HX_CANDIDATE 0x08u  /* has a content score */
#define HX_DATATABLE 0x10u
#define HX_SELECTED 0x20u   /* part of the extracted article */
#define HX_CW_DONE 0x40u    /* class_weight computed */

/*
 * What the extractor knows about one element, reached through node->_private.  The counts
 * cover the element's subtree minus removed (HX_GONE) elements and are kept current when an
 * element is removed (hx_remove subtracts them from every ancestor).
 */
struct hx_info {
	double score;
	int chars;         /* visible characters, whitespace runs counted once */
	double link_chars; /* characters inside <a> (in-page "#" links weigh 0.3) */
	int commas;
	int heading_chars; /* characters inside h1..h6 */
	int n_p, n_img, n_li, n_input, n_embed;
	int16_t class_weight;
	uint8_t tag;       /* enum hx_tag */
	uint8_t flags;
};

struct hx_doc {
	htmlDocPtr doc;
	xmlNode *body;          /* <body> or the root element */
	xmlNode **elems;        /* every element, document order */
	struct hx_info *info;   /* parallel to elems */
	size_t nelems;
	const char *title;      /* the article title (for dropping a duplicate heading) */
	char *dom_byline;       /* byline text found in the content (owned) */
	int n_article;          /* number of <article> elements */
};

static inline struct hx_info *hx_inf(const xmlNode *n)
{
	return (struct hx_info *)n->_private;
}
static inline int hx_is_elem(const xmlNode *n)
{
	return n && n->type == XML_ELEMENT_NODE && n->_private;
}
static inline int hx_tag_of(const xmlNode *n)
{
	return hx_is_elem(n) ? hx_inf(n)->tag : HX_OTHER;
}

/* Next node of a pre-order walk within root; descend = 0 skips n's children. */
xmlNode *pw_hx_walk_next(xmlNode *n, const xmlNode *root, int descend);
/* Attribute value ("" for a valueless attribute), NULL when absent. Case-insensitive name. */
const char *pw_hx_attr(const xmlNode *n, const char *name);
/* Inner text of n (removed elements skipped), whitespace collapsed and trimmed. Caller frees. */
char *pw_hx_text(const xmlNode *n);
/* Collapse whitespace (ASCII and U+00A0) of s in place and trim; returns s. */
char *pw_hx_squash(char *s);

/*
 * Main text: runs the scoring passes over hd and appends the article text to out
 * (paragraphs separated by "\n\n").  Returns the number of characters extracted.
 */
size_t pw_hx_content(struct hx_doc *hd, struct pw_buf *out);

/* Metadata of the page into a (title, author, ...; text untouched). */
struct hx_meta_extra {
	char *jsonld_body;      /* JSON-LD articleBody, owned, or NULL */
};
void pw_hx_meta(struct hx_doc *hd, const struct pw_extract_opts *opts, struct pw_article *a,
		struct hx_meta_extra *extra);

/* "By Nini Dolidze" -> "Nini Dolidze"; NULL for empty text or a profile URL.  Caller frees. */
char *pw_hx_clean_author(const char *s);

#endif
