/*
 * url.h -- URL resolution and canonicalisation (RFC 3986).
 */
#ifndef PW_URL_H
#define PW_URL_H

/*
 * Resolves ref against base (RFC 3986 section 5.2, with dot-segment removal).  base may be
 * NULL or relative, in which case an absolute ref is returned as is and a relative one is
 * returned unchanged.  Surrounding whitespace of ref is trimmed.  Nothing else is normalised
 * (host case, IDN, escapes and ports stay as written; that is pw_url_canonical()'s job), and a
 * backslash is an ordinary character, not a '/' as browsers read it.  Returns an owned string
 * (caller frees), NULL when ref is NULL.
 */
char *pw_url_resolve(const char *base, const char *ref);

/*
 * Canonical form used to recognise the same article under different URLs.  Returns an owned
 * string (caller frees), or NULL when url is not an absolute http(s) URL with a host that can
 * be canonicalised (see below): callers treat NULL as "no canonical form", never as an error.
 *
 * The result is printable ASCII without spaces and is a fixed point:
 * pw_url_canonical(pw_url_canonical(x)) equals pw_url_canonical(x) for every x (fuzz_url
 * asserts it).  Normalisations, each with a case in tests/unit/test_url.c:
 * - tabs and line breaks anywhere are dropped (as browsers do), whitespace around is trimmed;
 * - scheme lower-cased; http and https stay different URLs;
 * - userinfo dropped (it ends at the last '@');
 * - host: percent-escapes decoded, lower-cased, one trailing root dot dropped.  IDN hosts take
 *   their ASCII form (A-labels, "xn--" + punycode, what goes into DNS and the Host header):
 *   UTF-8 labels are mapped as UTS 46 does (NFKC + case folding, default-ignorables dropped,
 *   'ß' and final 'ς' kept as IDNA2008 does, ideographic full stops are dots), A-labels are
 *   lower-cased but not decoded.  IPv6 literals are checked and written in RFC 5952 form.
 *   NULL for a host that is no DNS name: empty labels ("a..b", ".a"), ASCII other than
 *   [A-Za-z0-9-_.], spaces, controls, format, private-use or unassigned code points, U+FFFD,
 *   invalid UTF-8, a label over 63 or a name over 253 bytes (as written out), an IPv6
 *   literal inet_pton() rejects (zones and IPvFuture included);
 * - port: the scheme's default (80, 443) and an empty port removed, leading zeros dropped;
 *   NULL when it is not a number in 0..65535;
 * - path: empty -> "/"; percent-encoding normalised (escapes of unreserved characters
 *   decoded, others upper-cased and kept: "%2F" is not "/"; bytes not allowed raw, UTF-8
 *   included, escaped; a lone '%' -> "%25"), then dot segments removed; repeated and trailing
 *   slashes and the case of the path are kept (they are significant);
 * - query: split at '&'; empty parameters and tracking ones (utm_*, fbclid, gclid, yclid,
 *   mc_cid, mc_eid, _ga, ref, from, ...; judged by the normalised key, case-insensitively)
 *   removed, the others keep their order and values, percent-encoding normalised as in the
 *   path ('+' and "%20" stay different); no '?' when nothing is left;
 * - fragment removed.
 */
char *pw_url_canonical(const char *url);

/* 1 when s begins with "scheme:" (RFC 3986 scheme syntax), else 0. */
int pw_url_is_absolute(const char *s);

#endif
