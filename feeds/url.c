/*
 * url.c -- RFC 3986 reference resolution and a canonical form for article URLs.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "buf.h"
#include "common.h"
#include "url.h"
#include "xmalloc.h"

/* Pieces of a URI reference as (pointer, length) views into the original string. */
struct uri {
	const char *scheme; size_t scheme_len; /* without ':' */
	const char *auth; size_t auth_len;     /* without "//"; auth == NULL when absent */
	const char *path; size_t path_len;
	const char *query; size_t query_len;   /* without '?'; NULL when absent */
	const char *frag; size_t frag_len;     /* without '#'; NULL when absent */
};

static size_t scheme_len(const char *s)
{
	if (!isalpha((unsigned char)s[0]))
		return 0;
	size_t i = 1;
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')
		i++;
	return s[i] == ':' ? i : 0;
}

int pw_url_is_absolute(const char *s)
{
	return s && scheme_len(s) > 0;
}

static void split(const char *s, size_t len, struct uri *u)
{
	const char *end = s + len, *p = s;
	memset(u, 0, sizeof *u);
	size_t sl = scheme_len(s);
	if (sl && sl < len) {
		u->scheme = s;
		u->scheme_len = sl;
		p = s + sl + 1;
	}
	if (end - p >= 2 && p[0] == '/' && p[1] == '/') {
		p += 2;
		u->auth = p;
		while (p < end && *p != '/' && *p != '?' && *p != '#')
			p++;
		u->auth_len = (size_t)(p - u->auth);
	}
	u->path = p;
	while (p < end && *p != '?' && *p != '#')
		p++;
	u->path_len = (size_t)(p - u->path);
	if (p < end && *p == '?') {
		u->query = ++p;
		while (p < end && *p != '#')
			p++;
		u->query_len = (size_t)(p - u->query);
	}
	if (p < end && *p == '#') {
		u->frag = ++p;
		u->frag_len = (size_t)(end - p);
	}
}

/* RFC 3986 5.2.4 remove_dot_segments, appending the result to out. */
static void remove_dots(struct pw_buf *out, const char *in, size_t len)
{
	size_t start = out->len;
	const char *p = in, *end = in + len;
	while (p < end) {
		size_t rest = (size_t)(end - p);
		if (rest >= 3 && memcmp(p, "../", 3) == 0) {
			p += 3;
		} else if (rest >= 2 && memcmp(p, "./", 2) == 0) {
			p += 2;
		} else if (rest >= 3 && memcmp(p, "/./", 3) == 0) {
			p += 2;
		} else if (rest == 2 && memcmp(p, "/.", 2) == 0) {
			pw_buf_putc(out, '/');
			p = end;
		} else if ((rest >= 4 && memcmp(p, "/../", 4) == 0) || (rest == 3 && memcmp(p, "/..", 3) == 0)) {
			p += 3;
			/* drop the last segment of the output */
			size_t l = out->len;
			while (l > start && out->data[l - 1] != '/')
				l--;
			if (l > start)
				l--;
			pw_buf_truncate(out, l);
			if (p == end)
				pw_buf_putc(out, '/');
		} else if ((rest == 1 && *p == '.') || (rest == 2 && memcmp(p, "..", 2) == 0)) {
			p = end;
		} else {
			const char *q = p + 1;
			while (q < end && *q != '/')
				q++;
			pw_buf_append(out, p, (size_t)(q - p));
			p = q;
		}
	}
}

static void put_tail(struct pw_buf *b, const struct uri *r, int with_query)
{
	if (with_query && r->query) {
		pw_buf_putc(b, '?');
		pw_buf_append(b, r->query, r->query_len);
	}
	if (r->frag) {
		pw_buf_putc(b, '#');
		pw_buf_append(b, r->frag, r->frag_len);
	}
}

char *pw_url_resolve(const char *base, const char *ref)
{
	if (!ref)
		return NULL;
	while (isspace((unsigned char)*ref))
		ref++;
	size_t rlen = strlen(ref);
	while (rlen && isspace((unsigned char)ref[rlen - 1]))
		rlen--;

	struct uri r, b;
	struct pw_buf out = PW_BUF_INIT;
	split(ref, rlen, &r);
	if (!base || !pw_url_is_absolute(base) || r.scheme) {
		if (!r.scheme || r.auth == NULL) /* relative without base, or "mailto:" style */
			return xstrndup(ref, rlen);
		pw_buf_append(&out, r.scheme, r.scheme_len + 1);
		pw_buf_puts(&out, "//");
		pw_buf_append(&out, r.auth, r.auth_len);
		remove_dots(&out, r.path, r.path_len);
		put_tail(&out, &r, 1);
		return pw_buf_detach(&out);
	}
	split(base, strlen(base), &b);
	pw_buf_append(&out, b.scheme, b.scheme_len + 1);
	if (r.auth) {
		pw_buf_puts(&out, "//");
		pw_buf_append(&out, r.auth, r.auth_len);
		remove_dots(&out, r.path, r.path_len);
		put_tail(&out, &r, 1);
		return pw_buf_detach(&out);
	}
	if (b.auth) {
		pw_buf_puts(&out, "//");
		pw_buf_append(&out, b.auth, b.auth_len);
	}
	if (r.path_len == 0) {
		pw_buf_append(&out, b.path, b.path_len);
		if (r.query) {
			put_tail(&out, &r, 1);
		} else {
			if (b.query) {
				pw_buf_putc(&out, '?');
				pw_buf_append(&out, b.query, b.query_len);
			}
			put_tail(&out, &r, 0);
		}
		return pw_buf_detach(&out);
	}
	if (r.path[0] == '/') {
		remove_dots(&out, r.path, r.path_len);
	} else {
		/* merge: base path up to its last '/', then the reference path */
		struct pw_buf merged = PW_BUF_INIT;
		if (b.auth && b.path_len == 0) {
			pw_buf_putc(&merged, '/');
		} else {
			size_t l = b.path_len;
			while (l && b.path[l - 1] != '/')
				l--;
			pw_buf_append(&merged, b.path, l);
		}
		pw_buf_append(&merged, r.path, r.path_len);
		remove_dots(&out, merged.data, merged.len);
		pw_buf_free(&merged);
	}
	put_tail(&out, &r, 1);
	return pw_buf_detach(&out);
}

/*
 * pw_url_canonical() builds the URL from its parts, each normalised on its own, so that every
 * part of the output re-parses to itself: the host is [a-z0-9-_.] or a checked IPv6 literal,
 * the port digits, the path and query printable ASCII whose every '%' starts an upper-case
 * escape that pw_url_canonical() keeps as it is.  Whatever cannot be brought to such a form
 * (a host that is no DNS name, a port that is no number, invalid UTF-8 in the host) makes it
 * return NULL rather than a string that would change again on a second pass.
 */

#define HOST_MAX 253  /* RFC 1035: a DNS name as text, without the root dot */
#define LABEL_MAX 63

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int unreserved(int c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Bytes a path (pchar or '/') or a query (also '?') may hold unescaped (RFC 3986 3.3, 3.4). */
static int raw_ok(int c, int query)
{
	if (unreserved(c))
		return 1;
	switch (c) {
	case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',':
	case ';': case '=': case ':': case '@': case '/':
		return 1;
	case '?':
		return query;
	default:
		return 0;
	}
}

static void put_escape(struct pw_buf *b, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[3] = { '%', hex[c >> 4], hex[c & 15] };
	pw_buf_append(b, e, 3);
}

/*
 * Appends s[0..n) with percent-encoding normalised (RFC 3986 6.2.2.1-2): an escape of an
 * unreserved character is decoded ("%7E" -> "~"), every other escape upper-cased ("%2f" ->
 * "%2F", never decoded: "/" and "%2F" differ), a '%' that starts no escape becomes "%25", and
 * bytes not allowed raw (space, controls, '"', '<', '|', non-ASCII UTF-8, ...) are escaped.
 */
static void put_normalised(struct pw_buf *b, const char *s, size_t n, int query)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			unsigned char v = (unsigned char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
			if (unreserved(v))
				pw_buf_putc(b, (char)v);
			else
				put_escape(b, v);
			i += 2;
		} else if (c != '%' && raw_ok(c, query)) {
			pw_buf_putc(b, (char)c);
		} else {
			put_escape(b, c);
		}
	}
}

/* RFC 3492 punycode of one label's code points (n <= LABEL_MAX, so no overflow is possible). */
static uint32_t puny_adapt(uint64_t delta, size_t points, int first)
{
	delta = first ? delta / 700 : delta / 2;
	delta += delta / points;
	uint32_t k = 0;
	while (delta > (36 - 1) * 26 / 2) {
		delta /= 36 - 1;
		k += 36;
	}
	return (uint32_t)(k + (36 - 1 + 1) * delta / (delta + 38));
}

static void puny_digit(struct pw_buf *b, uint64_t d)
{
	pw_buf_putc(b, (char)(d < 26 ? 'a' + d : '0' + (d - 26)));
}

static void punycode(struct pw_buf *b, const uint32_t *cp, size_t n)
{
	size_t basic = 0;
	for (size_t i = 0; i < n; i++)
		if (cp[i] < 0x80) {
			pw_buf_putc(b, (char)cp[i]);
			basic++;
		}
	if (basic)
		pw_buf_putc(b, '-');
	uint32_t next = 0x80, bias = 72;
	uint64_t delta = 0;
	for (size_t h = basic; h < n;) {
		uint32_t m = UINT32_MAX;
		for (size_t i = 0; i < n; i++)
			if (cp[i] >= next && cp[i] < m)
				m = cp[i];
		delta += (uint64_t)(m - next) * (h + 1);
		next = m;
		for (size_t i = 0; i < n; i++) {
			if (cp[i] < next) {
				delta++;
			} else if (cp[i] == next) {
				uint64_t q = delta;
				for (uint32_t k = 36;; k += 36) {
					uint32_t t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
					if (q < t)
						break;
					puny_digit(b, t + (q - t) % (36 - t));
					q = (q - t) / (36 - t);
				}
				puny_digit(b, q);
				bias = puny_adapt(delta, h + 1, h == basic);
				delta = 0;
				h++;
			}
		}
		delta++;
		next++;
	}
}

/*
 * IDNA2008 keeps 'ß' and final 'ς' (UTS 46 non-transitional processing, as browsers do), where
 * Unicode case folding would make them "ss" and 'σ': they are parked on private-use code points
 * while utf8proc folds, and put back after.  A host that already holds private-use code points
 * is refused.
 */
#define PARK_SHARP_S 0xF8F0
#define PARK_FINAL_SIGMA 0xF8F1

static utf8proc_int32_t park(utf8proc_int32_t c, void *data)
{
	if (c == 0xDF)
		return PARK_SHARP_S;
	if (c == 0x3C2)
		return PARK_FINAL_SIGMA;
	if (utf8proc_category(c) == UTF8PROC_CATEGORY_CO)
		*(int *)data = 1;
	return c;
}

/* A code point that may stand in a label (after mapping), ASCII or not. */
static int label_char(utf8proc_int32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CF: case UTF8PROC_CATEGORY_CS:
	case UTF8PROC_CATEGORY_CO: case UTF8PROC_CATEGORY_CN: case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
		return 0;
	default:
		return c != 0xFFFD;
	}
}

/*
 * Appends the labels of the mapped host m[0..n) (UTF-8, lower case, already validated as
 * UTF-8 by utf8proc or pure ASCII): ASCII labels as they are, others as A-labels.  Returns -1,
 * with nothing appended, on an empty label, a character that belongs in no label, or a label
 * or name too long for DNS.  One trailing root dot is dropped.
 */
static int put_labels(struct pw_buf *out, const utf8proc_uint8_t *m, utf8proc_ssize_t n)
{
	size_t start = out->len, ln = 0, labels = 0;
	uint32_t label[LABEL_MAX];
	int ascii = 1;
	for (utf8proc_ssize_t i = 0; i <= n;) {
		utf8proc_int32_t c = '.'; /* the end of the name closes the last label */
		if (i == n) {
			if (ln == 0 && labels > 0)
				break; /* the root dot of "example.org." */
			i++;
		} else {
			utf8proc_ssize_t l = utf8proc_iterate(m + i, n - i, &c);
			if (l <= 0)
				goto bad;
			i += l;
			if (c == PARK_SHARP_S)
				c = 0xDF;
			else if (c == PARK_FINAL_SIGMA)
				c = 0x3C2;
			else if (c == 0x3002) /* IDEOGRAPHIC FULL STOP separates labels (UTS 46) */
				c = '.';
		}
		if (c != '.') {
			if (!label_char(c) || ln == LABEL_MAX)
				goto bad;
			ascii &= c < 0x80;
			label[ln++] = (uint32_t)c;
			continue;
		}
		if (ln == 0)
			goto bad;
		if (labels++)
			pw_buf_putc(out, '.');
		if (ascii) {
			for (size_t k = 0; k < ln; k++)
				pw_buf_putc(out, (char)label[k]);
		} else {
			size_t at = out->len;
			pw_buf_puts(out, "xn--");
			punycode(out, label, ln);
			if (out->len - at > LABEL_MAX)
				goto bad;
		}
		ln = 0;
		ascii = 1;
	}
	if (out->len - start <= HOST_MAX)
		return 0;
bad:
	pw_buf_truncate(out, start);
	return -1;
}

/*
 * Appends the canonical form of a reg-name or IPv4 host h[0..n): percent-escapes decoded,
 * ASCII lower-cased; a host with non-ASCII characters is mapped as UTS 46 does (NFKC, case
 * folding, default-ignorables dropped, ideographic full stops are dots) and each non-ASCII label
 * is written as its A-label ("xn--" + punycode).  Returns -1 (nothing appended) for a host that
 * is no DNS name: see put_labels(), and invalid UTF-8 or unassigned code points.
 */
static int put_host(struct pw_buf *out, const char *h, size_t n)
{
	struct pw_buf raw = PW_BUF_INIT;
	int non_ascii = 0, rc = -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];
		if (c == '%' && i + 2 < n && hexval(h[i + 1]) >= 0 && hexval(h[i + 2]) >= 0) {
			c = (unsigned char)(hexval(h[i + 1]) << 4 | hexval(h[i + 2]));
			i += 2;
		}
		if (c == '\0') {
			pw_buf_free(&raw);
			return -1;
		}
		non_ascii |= c >= 0x80;
		pw_buf_putc(&raw, (char)(c < 0x80 ? tolower(c) : c));
	}
	if (!non_ascii) {
		rc = put_labels(out, (const utf8proc_uint8_t *)raw.data, (utf8proc_ssize_t)raw.len);
	} else {
		utf8proc_uint8_t *mapped = NULL;
		int parked_clash = 0;
		utf8proc_ssize_t ml = utf8proc_map_custom(
			(const utf8proc_uint8_t *)raw.data, (utf8proc_ssize_t)raw.len, &mapped,
			UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
				UTF8PROC_IGNORE | UTF8PROC_REJECTNA,
			park, &parked_clash);
		if (ml >= 0 && !parked_clash)
			rc = put_labels(out, mapped, ml);
		free(mapped);
	}
	pw_buf_free(&raw);
	return rc;
}

/* Appends "[addr]" in RFC 5952 form (inet_ntop) for the inside of an IPv6 literal; -1 if it is
 * not one (IPvFuture and zone identifiers included). */
static int put_ipv6(struct pw_buf *out, const char *h, size_t n)
{
	char in[INET6_ADDRSTRLEN + 1], text[INET6_ADDRSTRLEN];
	unsigned char addr[16];
	if (n >= sizeof in)
		return -1;
	memcpy(in, h, n);
	in[n] = '\0';
	if (inet_pton(AF_INET6, in, addr) != 1 || !inet_ntop(AF_INET6, addr, text, sizeof text))
		return -1;
	pw_buf_putc(out, '[');
	pw_buf_puts(out, text);
	pw_buf_putc(out, ']');
	return 0;
}

/* Appends ":port" unless p[0..n) is empty or the scheme's default (leading zeros do not count:
 * ":0080" is ":80"); -1 when it is not a number in 0..65535. */
static int put_port(struct pw_buf *out, const char *p, size_t n, int https)
{
	unsigned long v = 0;
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(p[i] - '0');
		if (v > 65535)
			return -1;
	}
	if (v != (https ? 443u : 80u))
		pw_buf_printf(out, ":%lu", v);
	return 0;
}

/* Appends the canonical host[:port] of an authority (userinfo dropped); -1 if it has none. */
static int put_authority(struct pw_buf *out, const char *a, size_t n, int https)
{
	const char *end = a + n;
	/* userinfo ends at the last '@' ("http://a@b@host/" is host "host", as curl reads it) */
	for (const char *q = end; q > a; q--)
		if (q[-1] == '@') {
			a = q;
			break;
		}
	const char *port;
	size_t start = out->len;
	if (a < end && *a == '[') {
		const char *close = memchr(a, ']', (size_t)(end - a));
		if (!close || put_ipv6(out, a + 1, (size_t)(close - a - 1)) < 0)
			return -1;
		port = close + 1;
		if (port < end && *port != ':')
			goto bad;
	} else {
		/* ':' is never part of a reg-name: the port starts at the first one */
		port = memchr(a, ':', (size_t)(end - a));
		if (!port)
			port = end;
		if (put_host(out, a, (size_t)(port - a)) < 0)
			return -1;
	}
	if (port < end)
		port++;
	if (put_port(out, port, (size_t)(end - port), https) == 0)
		return 0;
bad:
	pw_buf_truncate(out, start);
	return -1;
}

/* Query parameters that only track the click, never select content. */
static int tracking_param(const char *k, size_t n)
{
	static const char *const names[] = {
		"fbclid", "gclid", "dclid", "yclid", "msclkid", "mc_cid", "mc_eid", "_ga", "_gl",
		"igshid", "ref", "ref_src", "rss", "from", "cmpid", "ocid", "_hsenc", "_hsmi",
	};
	if (n > 4 && strncasecmp(k, "utm_", 4) == 0)
		return 1;
	for (size_t i = 0; i < PW_ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == n && strncasecmp(k, names[i], n) == 0)
			return 1;
	return 0;
}

/*
 * Appends the query q[0..n) with empty and tracking parameters dropped, the others in their
 * order, each with its percent-encoding normalised; nothing at all when none is left.  A
 * parameter is judged by its normalised key, so "utm%5Fsource" goes as "utm_source" does.
 */
static void put_query(struct pw_buf *out, const char *q, size_t n)
{
	struct pw_buf param = PW_BUF_INIT;
	const char *qe = q + n;
	int first = 1;
	while (q < qe) {
		const char *amp = memchr(q, '&', (size_t)(qe - q));
		const char *pe = amp ? amp : qe;
		pw_buf_reset(&param);
		put_normalised(&param, q, (size_t)(pe - q), 1);
		const char *eq = param.len ? memchr(param.data, '=', param.len) : NULL;
		size_t kl = eq ? (size_t)(eq - param.data) : param.len;
		if (param.len > 0 && !tracking_param(param.data, kl)) {
			pw_buf_putc(out, first ? '?' : '&');
			pw_buf_append(out, param.data, param.len);
			first = 0;
		}
		q = amp ? amp + 1 : qe;
	}
	pw_buf_free(&param);
}

char *pw_url_canonical(const char *url)
{
	if (!url)
		return NULL;
	/* tabs and line breaks inside a URL are dropped, as browsers do (a feed wraps a long link) */
	char *flat = xstrdup(url);
	size_t fl = 0;
	for (const char *p = url; *p; p++)
		if (*p != '\t' && *p != '\n' && *p != '\r')
			flat[fl++] = *p;
	flat[fl] = '\0';
	char *abs = pw_url_resolve(NULL, flat); /* trims the ends */
	free(flat);

	struct uri u;
	split(abs, strlen(abs), &u);
	int http = u.scheme_len == 4 && strncasecmp(u.scheme, "http", 4) == 0;
	int https = u.scheme_len == 5 && strncasecmp(u.scheme, "https", 5) == 0;
	struct pw_buf out = PW_BUF_INIT;
	pw_buf_puts(&out, https ? "https://" : "http://");
	if (!u.scheme || !u.auth || !(http || https) ||
	    put_authority(&out, u.auth, u.auth_len, https) < 0) {
		pw_buf_free(&out);
		free(abs);
		return NULL;
	}

	/* escapes first, dot segments after: "%2E%2E" is ".." (RFC 3986 6.2.2.3) */
	struct pw_buf path = PW_BUF_INIT;
	put_normalised(&path, u.path, u.path_len, 0);
	if (path.len == 0)
		pw_buf_putc(&out, '/');
	else
		remove_dots(&out, path.data, path.len);
	pw_buf_free(&path);
	if (u.query)
		put_query(&out, u.query, u.query_len);
	free(abs);
	return pw_buf_detach(&out);
}
