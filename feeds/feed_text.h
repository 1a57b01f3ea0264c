/*
 * feed_text.h -- text helpers of the feed parser: HTML fragments to plain text, entity
 * decoding, and cleaning HTML fragments (unsafe markup out, links absolute).
 */
#ifndef PW_FEED_TEXT_H
#define PW_FEED_TEXT_H

#include <stddef.h>

/* Appends the UTF-8 encoding of code point cp (invalid ones become U+FFFD); returns bytes. */
size_t pw_utf8_put(char *out, unsigned cp);

/*
 * HTML fragment -> plain text: tags removed (script/style with their content), block tags
 * and <br> become spaces, HTML and numeric entities decoded (unknown ones kept as written),
 * whitespace collapsed and trimmed.  Returns an owned string.
 */
char *pw_html_to_text(const char *html);

/*
 * HTML fragment -> plain text with the blocks kept apart: each block (paragraph, list item,
 * heading, div, blockquote, table row, <br>) becomes its own pw_html_to_text() run, joined by
 * sep ("\n" for one line per block, "\n\n" for the extractor's paragraph format).  The
 * tagger's sentences end at line ends, so a headline without a full stop must not run into the
 * next block.  Returns an owned string.
 */
char *pw_html_blocks_to_text(const char *html, const char *sep);

/* Collapses runs of whitespace to one space and trims; returns an owned string. */
char *pw_text_squeeze(const char *s);

/*
 * Returns an owned copy of the HTML fragment made safe to show and with absolute links:
 * script, style, applet, object, iframe, frameset, noembed and template elements are
 * removed with their content; embed, frame, base, meta, link and param tags are removed;
 * event-handler attributes (on*) and javascript:, vbscript: and non-image data: URLs are
 * removed; comments are removed.  URL attributes (href, src, cite, action, background,
 * longdesc, poster, usemap, data, codebase, profile) are resolved against base when base
 * is not NULL.  Everything else is kept as written.
 */
char *pw_html_clean(const char *html, const char *base);

/* Length of the longest prefix of s[0..len) that does not end inside a UTF-8 sequence. */
size_t pw_utf8_cut(const char *s, size_t len);

/*
 * Where a field of HTML that had to be shortened ([limits] max_field_size) may end: the
 * length of the longest prefix of html[0..len) that ends on a character boundary and outside
 * any markup and character reference.  A construct that the end cuts off is dropped whole,
 * because what it would have said is unknown: a tag ("<a href=\"ht", quoted attribute values
 * honoured, so a '>' inside quotes ends nothing), a comment, a CDATA section, a declaration
 * or processing instruction, an end tag, a lone '<' or "</" at the very end, a named or
 * numeric reference ("&am", "&#10", "&#x4"), and a script or style element whose end tag is
 * missing (its text is not markup, so a '<' in it must not count as a tag).  Unclosed
 * elements ("<p>text") are whole tags and stay.  Text after a complete construct is kept.
 */
size_t pw_html_cut(const char *html, size_t len);

#endif
