/*
 * text.h -- UTF-8 text normalisation and tokens for duplicate detection and story grouping.
 *
 * One pass over the input produces the normalised tokens and, per token, the few facts about
 * the original spelling that story term weighting needs (capitalised? all caps? a number?
 * first word of a sentence? inside a quotation?).
 *
 * Normalisation, per character:
 *  - Markup is removed: `<tag ...>` and `<!-- -->` are separators; `&amp;`, `&#8220;`,
 *    `&#x201C;` and the common named entities are decoded first.
 *  - Unicode NFKC + case folding (libutf8proc), plus three folds that Unicode's default
 *    folding does not make but Azerbaijani/Turkish and Russian text needs for matching:
 *    İ (U+0130), I, ı (U+0131) and i all become "i" (casefold(İ) is "i" + U+0307, and the
 *    combining dot above is dropped), and ё becomes е.  So "İlham", "ilham", "ILHAM" and
 *    "Ilham" are one token.  Latin, Cyrillic, Armenian and Azerbaijani letters (ə, ğ, ş, ç, ö,
 *    ü) otherwise keep their identity.
 *  - Letters, combining marks and digits form words; everything else (punctuation, symbols,
 *    dashes, apostrophes, quotes, spaces) separates words.  Digit groups joined by '.' or ','
 *    stay one token ("3.5", "1,000", "21.10.2025").
 *  - Invalid UTF-8 bytes are separators (never an error: input is whatever a site sent).
 * The normalised text is the tokens joined by single spaces.
 */
#ifndef PW_TEXT_H
#define PW_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Token flags: facts about the original spelling. */
#define PW_TOK_UPPER   0x01 /* first letter was upper/title case */
#define PW_TOK_ALLCAPS 0x02 /* two or more letters, all upper case ("MFA", "ICRC") */
#define PW_TOK_NUM     0x04 /* starts with a digit */
#define PW_TOK_SENT    0x08 /* first word of a sentence, line, heading or quotation */
#define PW_TOK_QUOTE   0x10 /* inside a quotation (“…”, «…», „…“, "…", ‘…’) */
#define PW_TOK_PUNCT   0x20 /* punctuation (not only spaces) separates it from the previous token */

struct pw_token {
	uint32_t off;   /* into pw_tokens.text */
	uint32_t len;   /* bytes, normalised */
	uint32_t quote; /* quotation number (1, 2, ...) when PW_TOK_QUOTE, else 0 */
	uint16_t flags;
	uint16_t ncp;   /* codepoints in the normalised token (saturates at 65535) */
};

/* The tokens of one text.  Zeroed (PW_TOKENS_INIT) is empty; reusable across calls. */
struct pw_tokens {
	char *text;           /* normalised text, tokens separated by one space, NUL-terminated */
	size_t text_len, text_cap;
	struct pw_token *v;
	size_t n, cap;
	uint32_t quotes;      /* quotations seen so far */
};
#define PW_TOKENS_INIT { NULL, 0, 0, NULL, 0, 0, 0 }

/* Tokenise len bytes of s into t (previous contents are replaced).  Never fails. */
void pw_text_tokenize(struct pw_tokens *t, const char *s, size_t len);
/* Same, appending to what t already holds (e.g. title, then body); quotation numbers and
 * sentence state continue.  The first appended token starts a sentence. */
void pw_text_tokenize_append(struct pw_tokens *t, const char *s, size_t len);
void pw_tokens_free(struct pw_tokens *t);

/* The normalised form of s: tokens joined by single spaces.  Caller frees. */
char *pw_text_normalize(const char *s, size_t len);

/* Characters (code points) in a NUL-terminated UTF-8 string: bytes that do not continue a
 * sequence. */
size_t pw_utf8_chars(const char *s);

#endif
