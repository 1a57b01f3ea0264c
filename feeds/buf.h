/*
 * buf.h -- a growable byte buffer, always NUL-terminated.
 *
 * A zeroed struct pw_buf (PW_BUF_INIT) is a valid empty buffer.  data is NULL until the first
 * append; pw_buf_cstr() never returns NULL.  The buffer owns data until pw_buf_detach().
 */
#ifndef PW_BUF_H
#define PW_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct pw_buf {
	char *data;
	size_t len;
	size_t cap;
};
#define PW_BUF_INIT { NULL, 0, 0 }

void pw_buf_append(struct pw_buf *b, const void *data, size_t len);
void pw_buf_puts(struct pw_buf *b, const char *s);
void pw_buf_putc(struct pw_buf *b, char c);
void pw_buf_printf(struct pw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pw_buf_vprintf(struct pw_buf *b, const char *fmt, va_list ap);
/* Make room for n more bytes; returns where they go (caller then adds n to len via pw_buf_commit). */
char *pw_buf_reserve(struct pw_buf *b, size_t n);
void pw_buf_commit(struct pw_buf *b, size_t n);
void pw_buf_truncate(struct pw_buf *b, size_t len);
void pw_buf_reset(struct pw_buf *b);            /* len = 0, keeps memory */
const char *pw_buf_cstr(const struct pw_buf *b); /* "" when empty */
char *pw_buf_detach(struct pw_buf *b);          /* caller owns the string ("" if empty); b is reset */
void pw_buf_free(struct pw_buf *b);

/* Appends the whole file at path to b: 0, or -1 with errno set (b keeps what was read). */
int pw_buf_read_file(struct pw_buf *b, const char *path);
/* The whole file at path as a NUL-terminated string the caller frees (*len, when len is not
 * NULL, gets its length: the file may hold NUL bytes); NULL with errno set. */
char *pw_read_file(const char *path, size_t *len);

#endif
