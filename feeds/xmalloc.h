/*
 * xmalloc.h -- allocation wrappers that never return NULL.
 *
 * Running out of memory is not an input error presswatch can recover from sensibly; like tmux
 * and git, the wrappers log and abort() rather than make every caller handle NULL.  Input-size
 * caps (config max_body etc.) are what keep memory bounded, not these.
 */
#ifndef PW_XMALLOC_H
#define PW_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Caller frees the result. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
