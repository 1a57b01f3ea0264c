/*
 * charset.h -- decide a document's character encoding and stream it into UTF-8.
 *
 * The feed parser hands libxml2 nothing but valid UTF-8: every other encoding is converted
 * here (iconv), bytes that are invalid in the source encoding become U+FFFD, and characters
 * XML 1.0 forbids (C0 controls other than TAB/LF/CR, U+FFFE/U+FFFF) are dropped, so one bad
 * byte never truncates an item.
 */
#ifndef PW_CHARSET_H
#define PW_CHARSET_H

#include <stddef.h>

#include "buf.h"

/*
 * Picks the encoding of a document from its first bytes (head, len), following RFC 3023 as
 * feed readers do: a byte-order mark wins, then the HTTP charset (http_charset, may be NULL),
 * then the XML declaration, then UTF-16/32 byte patterns, else UTF-8.  When the HTTP charset
 * is plainly wrong for the bytes (declared UTF-8 but head is not UTF-8; or a Latin-1 family
 * label on a document whose XML declaration names another encoding and whose bytes are valid
 * non-ASCII UTF-8), the document's own declaration is used instead.  Returns an iconv name
 * (static storage, upper case, e.g. "UTF-8", "WINDOWS-1251"); *bom_len gets the BOM size.
 */
const char *pw_charset_detect(const char *head, size_t len, const char *http_charset, size_t *bom_len);

/* Maps a label ("cp1251", "latin1", "x-sjis", ...) to an iconv name; NULL when unknown. */
const char *pw_charset_canonical(const char *label);

/* The encoding label of an XML declaration at the start of an ASCII-compatible head, copied
 * into out (NUL-terminated, truncated to 47 bytes); NULL when there is none. */
const char *pw_charset_xml_decl(const char *head, size_t len, char out[48]);

struct pw_charset_conv;

/* A converter from `from` (a pw_charset_detect result) to UTF-8. Never NULL: an encoding
 * iconv does not know is read as UTF-8 (with replacement). */
struct pw_charset_conv *pw_charset_conv_new(const char *from);
/* Converts in[0..len) and appends UTF-8 to out; bytes of an incomplete trailing sequence are
 * kept for the next call unless final is set (then they become U+FFFD). */
void pw_charset_conv_run(struct pw_charset_conv *c, const char *in, size_t len, int final, struct pw_buf *out);
/* Number of invalid sequences replaced or forbidden characters dropped so far. */
size_t pw_charset_conv_errors(const struct pw_charset_conv *c);
/* The encoding actually used (iconv name). */
const char *pw_charset_conv_name(const struct pw_charset_conv *c);
void pw_charset_conv_free(struct pw_charset_conv *c);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid/incomplete within n. */
size_t pw_utf8_seq(const unsigned char *s, size_t n);

#endif
