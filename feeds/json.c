/* json.c -- see json.h. */

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "json.h"

void pw_json_init(struct pw_json *j, struct pw_buf *out)
{
	memset(j, 0, sizeof *j);
	j->out = out;
	j->first[0] = 1;
}

/* Emit the separator a new value needs at the current depth. */
static void sep(struct pw_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (!j->first[j->depth])
		pw_buf_putc(j->out, ',');
	j->first[j->depth] = 0;
}

static void open_(struct pw_json *j, char c)
{
	sep(j);
	pw_buf_putc(j->out, c);
	if (j->depth + 1 < PW_JSON_MAXDEPTH)
		j->depth++;
	j->first[j->depth] = 1;
}

static void close_(struct pw_json *j, char c)
{
	pw_buf_putc(j->out, c);
	if (j->depth > 0)
		j->depth--;
}

void pw_json_obj_begin(struct pw_json *j) { open_(j, '{'); }
void pw_json_obj_end(struct pw_json *j) { close_(j, '}'); }
void pw_json_arr_begin(struct pw_json *j) { open_(j, '['); }
void pw_json_arr_end(struct pw_json *j) { close_(j, ']'); }

void pw_json_key(struct pw_json *j, const char *key)
{
	sep(j);
	pw_json_quote(j->out, key, strlen(key));
	pw_buf_putc(j->out, ':');
	j->after_key = 1;
}

/* Length of a valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
	unsigned c = s[0];
	size_t n;
	unsigned min;
	if (c < 0x80) return 1;
	else if ((c & 0xE0) == 0xC0) { n = 2; min = 0x80; c &= 0x1F; }
	else if ((c & 0xF0) == 0xE0) { n = 3; min = 0x800; c &= 0x0F; }
	else if ((c & 0xF8) == 0xF0) { n = 4; min = 0x10000; c &= 0x07; }
	else return 0;
	if (n > avail) return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
	return n;
}

void pw_json_quote(struct pw_buf *b, const char *s, size_t len)
{
	if (s == NULL) {
		pw_buf_puts(b, "null");
		return;
	}
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	pw_buf_putc(b, '"');
	while (p < end) {
		unsigned c = *p;
		if (c >= 0x80) {
			size_t n = utf8_seq(p, (size_t)(end - p));
			if (n == 0) {
				pw_buf_puts(b, "\xEF\xBF\xBD");
				p++;
			} else {
				pw_buf_append(b, p, n);
				p += n;
			}
			continue;
		}
		switch (c) {
		case '"': pw_buf_puts(b, "\\\""); break;
		case '\\': pw_buf_puts(b, "\\\\"); break;
		case '\n': pw_buf_puts(b, "\\n"); break;
		case '\r': pw_buf_puts(b, "\\r"); break;
		case '\t': pw_buf_puts(b, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7F)
				pw_buf_printf(b, "\\u%04x", c);
			else
				pw_buf_putc(b, (char)c);
		}
		p++;
	}
	pw_buf_putc(b, '"');
}

void pw_json_strn(struct pw_json *j, const char *s, size_t len)
{
	sep(j);
	pw_json_quote(j->out, s, len);
}

void pw_json_str(struct pw_json *j, const char *s)
{
	pw_json_strn(j, s, s ? strlen(s) : 0);
}

void pw_json_int(struct pw_json *j, int64_t v)
{
	sep(j);
	pw_buf_printf(j->out, "%lld", (long long)v);
}

void pw_json_double(struct pw_json *j, double v)
{
	sep(j);
	if (isfinite(v))
		pw_buf_printf(j->out, "%.6g", v);
	else
		pw_buf_puts(j->out, "null");
}

void pw_json_bool(struct pw_json *j, int v)
{
	sep(j);
	pw_buf_puts(j->out, v ? "true" : "false");
}

void pw_json_null(struct pw_json *j)
{
	sep(j);
	pw_buf_puts(j->out, "null");
}

void pw_format_iso8601(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}

void pw_json_time(struct pw_json *j, int64_t t)
{
	if (t == PW_NOTIME) {
		pw_json_null(j);
		return;
	}
	char s[32];
	pw_format_iso8601(t, s);
	pw_json_str(j, s);
}
