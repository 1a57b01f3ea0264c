/*
 * json.h -- minimal JSON writer into a pw_buf (output only; presswatch never parses JSON
 * except JSON-LD, which html_extract handles itself).
 *
 * Strings are written as valid JSON whatever the input: invalid UTF-8 becomes U+FFFD, control
 * characters are escaped.  The writer tracks commas; the caller nests begin/end correctly.
 */
#ifndef PW_JSON_H
#define PW_JSON_H

#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "common.h"

#define PW_JSON_MAXDEPTH 32

struct pw_json {
	struct pw_buf *out;
	int depth;
	int first[PW_JSON_MAXDEPTH]; /* 1 until the first member/element at that depth */
	int after_key;
};

void pw_json_init(struct pw_json *j, struct pw_buf *out);
void pw_json_obj_begin(struct pw_json *j);
void pw_json_obj_end(struct pw_json *j);
void pw_json_arr_begin(struct pw_json *j);
void pw_json_arr_end(struct pw_json *j);
void pw_json_key(struct pw_json *j, const char *key);
void pw_json_str(struct pw_json *j, const char *s);      /* NULL -> null */
void pw_json_strn(struct pw_json *j, const char *s, size_t len);
void pw_json_int(struct pw_json *j, int64_t v);
void pw_json_double(struct pw_json *j, double v);
void pw_json_bool(struct pw_json *j, int v);
void pw_json_null(struct pw_json *j);
/* Seconds since the epoch as ISO 8601 UTC ("2024-01-02T03:04:05Z"); PW_NOTIME -> null. */
void pw_json_time(struct pw_json *j, int64_t t);

/* Append s as a quoted JSON string to b (NULL -> null). */
void pw_json_quote(struct pw_buf *b, const char *s, size_t len);
/* Format t (UTC) as ISO 8601 into out (at least 21 bytes). */
void pw_format_iso8601(int64_t t, char out[32]);

#endif
