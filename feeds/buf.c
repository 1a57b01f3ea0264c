/* buf.c -- see buf.h. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

char *pw_buf_reserve(struct pw_buf *b, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	return b->data + b->len;
}

void pw_buf_commit(struct pw_buf *b, size_t n)
{
	b->len += n;
	b->data[b->len] = '\0';
}

void pw_buf_append(struct pw_buf *b, const void *data, size_t len)
{
	char *p = pw_buf_reserve(b, len);
	if (len)
		memcpy(p, data, len);
	pw_buf_commit(b, len);
}

void pw_buf_puts(struct pw_buf *b, const char *s)
{
	pw_buf_append(b, s, strlen(s));
}

void pw_buf_putc(struct pw_buf *b, char c)
{
	pw_buf_append(b, &c, 1);
}

void pw_buf_vprintf(struct pw_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	char *p = pw_buf_reserve(b, (size_t)n);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void pw_buf_printf(struct pw_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pw_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void pw_buf_truncate(struct pw_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

void pw_buf_reset(struct pw_buf *b)
{
	pw_buf_truncate(b, 0);
}

const char *pw_buf_cstr(const struct pw_buf *b)
{
	return b->data ? b->data : "";
}

char *pw_buf_detach(struct pw_buf *b)
{
	char *s = b->data ? b->data : xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void pw_buf_free(struct pw_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int pw_buf_read_file(struct pw_buf *b, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t n;
	do {
		char *p = pw_buf_reserve(b, 65536);
		n = fread(p, 1, 65536, f);
		pw_buf_commit(b, n);
	} while (n > 0);
	int err = ferror(f) ? EIO : 0;
	fclose(f);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

char *pw_read_file(const char *path, size_t *len)
{
	struct pw_buf b = PW_BUF_INIT;
	if (pw_buf_read_file(&b, path) < 0) {
		int e = errno;
		pw_buf_free(&b);
		errno = e;
		return NULL;
	}
	if (len)
		*len = b.len;
	return pw_buf_detach(&b);
}
