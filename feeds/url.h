/*
 * url.h -- URL resolution and canonicalisation (RFC 3986).
 */
#ifndef PW_URL_H
#define PW_URL_H

/*
 * Resolves ref against base (RFC 3986 section 5.2, with dot-segment removal).  base may be
 * NULL or relative, in which case an absolute ref is returned as is and a relative one is
 * returned unchanged.  Surrounding whitespace of ref is trimmed.  Returns an owned string
 * (caller frees), NULL when ref is NULL.
 */
char *pw_url_resolve(const char *base, const char *ref);

/*
 * Canonical form used to recognise the same article under different URLs: lower-cased
 * scheme and host, default port removed, fragment removed, tracking parameters (utm_*,
 * fbclid, gclid, yclid, mc_cid, mc_eid, _ga, ref, ...) removed, empty path -> "/".
 * Returns an owned string (caller frees), NULL when url is not an absolute http(s) URL.
 */
char *pw_url_canonical(const char *url);

/* 1 when s begins with "scheme:" (RFC 3986 scheme syntax), else 0. */
int pw_url_is_absolute(const char *s);

#endif
