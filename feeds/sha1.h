/*
 * sha1.h -- SHA-1, only to derive stable item ids (not for security).
 */
#ifndef PW_SHA1_H
#define PW_SHA1_H

#include <stddef.h>

/* Writes the 40 lower-case hex digits of SHA-1(data) and a NUL into hex. */
void pw_sha1_hex(const void *data, size_t len, char hex[41]);

#endif
