/*
 * xml_repair.c -- escape bare '&' and '<' in a streamed XML document (see xml_repair.h).
 */
#include <ctype.h>
#include <string.h>

#include "xml_repair.h"

enum { R_TEXT, R_CDATA, R_COMMENT, R_PI };

static int name_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c == ':' || c >= 0x80;
}

static int name_char(unsigned char c)
{
	return name_start(c) || isdigit(c) || c == '-' || c == '.';
}

/*
 * Classifies the '&' at s[0] (n bytes available): returns the length of a valid reference,
 * 0 when it is a bare ampersand, -1 when more input is needed to decide.
 */
static long ref_len(const unsigned char *s, size_t n)
{
	size_t i = 1;
	if (i >= n)
		return -1;
	if (s[i] == '#') {
		i++;
		if (i >= n)
			return -1;
		int hex = s[i] == 'x' || s[i] == 'X';
		if (hex)
			i++;
		size_t start = i;
		while (i < n && (hex ? isxdigit(s[i]) : isdigit(s[i])) && i - start < 10)
			i++;
		if (i >= n)
			return -1;
		return (i > start && s[i] == ';') ? (long)(i + 1) : 0;
	}
	if (!name_start(s[i]))
		return 0;
	while (i < n && name_char(s[i]) && i < 48)
		i++;
	if (i >= n)
		return -1;
	return s[i] == ';' ? (long)(i + 1) : 0;
}

void pw_xml_repair_run(struct pw_xml_repair *r, const char *in, size_t n, int final, struct pw_buf *out)
{
	struct pw_buf work = PW_BUF_INIT;
	const unsigned char *s = (const unsigned char *)in;
	if (r->carry.len) {
		pw_buf_append(&work, r->carry.data, r->carry.len);
		pw_buf_append(&work, in, n);
		pw_buf_reset(&r->carry);
		s = (const unsigned char *)work.data;
		n = work.len;
	}
	size_t i = 0, run = 0;
	while (i < n) {
		if (r->state != R_TEXT) {
			const char *end = r->state == R_CDATA ? "]]>" : r->state == R_COMMENT ? "-->" : "?>";
			size_t el = strlen(end);
			const unsigned char *hit = memmem(s + i, n - i, end, el);
			if (!hit) {
				size_t keep = final ? 0 : el - 1;
				if (n - i < keep)
					keep = n - i;
				i = n - keep;
				break;
			}
			i = (size_t)(hit - s) + el;
			r->state = R_TEXT;
			continue;
		}
		/* the next '&' or '<': memchr twice beats a byte loop (this runs over every byte of
		 * every feed before libxml2 sees it) */
		const unsigned char *lt = memchr(s + i, '<', n - i);
		size_t stop = lt ? (size_t)(lt - s) : n;
		const unsigned char *amp = memchr(s + i, '&', stop - i);
		i = amp ? (size_t)(amp - s) : stop;
		if (i >= n)
			break;
		unsigned char c = s[i];
		if (c == '&') {
			long l = ref_len(s + i, n - i);
			if (l < 0 && !final)
				break;
			if (l <= 0) {
				pw_buf_append(out, s + run, i - run);
				pw_buf_puts(out, "&amp;");
				r->fixes++;
				run = ++i;
				continue;
			}
			if (s[i + 1] == '#' && s[i + 2] == 'X') {
				pw_buf_append(out, s + run, i + 2 - run);
				pw_buf_putc(out, 'x');
				r->fixes++;
				run = i + 3;
			}
			i += (size_t)l;
			continue;
		}
		if (c == '<') {
			if (n - i < 9 && !final)
				break;
			size_t left = n - i;
			if (left >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) {
				r->state = R_CDATA;
				i += 9;
			} else if (left >= 4 && memcmp(s + i, "<!--", 4) == 0) {
				r->state = R_COMMENT;
				i += 4;
			} else if (left >= 2 && s[i + 1] == '?') {
				r->state = R_PI;
				i += 2;
			} else if (left >= 2 && (isspace(s[i + 1]) || isdigit(s[i + 1]) || s[i + 1] == '=')) {
				pw_buf_append(out, s + run, i - run);
				pw_buf_puts(out, "&lt;");
				r->fixes++;
				run = ++i;
			} else {
				i++;
			}
			continue;
		}
		i++;
	}
	pw_buf_append(out, s + run, i - run);
	if (i < n)
		pw_buf_append(&r->carry, s + i, n - i);
	pw_buf_free(&work);
}

void pw_xml_repair_free(struct pw_xml_repair *r)
{
	pw_buf_free(&r->carry);
}
