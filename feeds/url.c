/*
 * url.c -- RFC 3986 reference resolution and a canonical form for article URLs.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

char *pw_url_canonical(const char *url)
{
	if (!url)
		return NULL;
	char *abs = pw_url_resolve(NULL, url); /* trims and removes dot segments */
	struct uri u;
	split(abs, strlen(abs), &u);
	if (!u.scheme || !u.auth || u.auth_len == 0 ||
	    !((u.scheme_len == 4 && strncasecmp(u.scheme, "http", 4) == 0) ||
	      (u.scheme_len == 5 && strncasecmp(u.scheme, "https", 5) == 0))) {
		free(abs);
		return NULL;
	}
	int https = u.scheme_len == 5;
	struct pw_buf out = PW_BUF_INIT;
	pw_buf_puts(&out, https ? "https://" : "http://");

	/* authority: drop userinfo, lower-case the host, drop a trailing dot and default port */
	const char *a = u.auth, *ae = u.auth + u.auth_len;
	/* userinfo ends at the last '@' ("http://a@b@host/" is host "host", as curl reads it) */
	const char *at = NULL;
	for (const char *q = a; q < ae; q++)
		if (*q == '@')
			at = q;
	if (at)
		a = at + 1;
	const char *colon = NULL;
	for (const char *q = a; q < ae; q++) {
		if (*q == ']')
			colon = NULL;
		else if (*q == ':')
			colon = q;
	}
	const char *he = colon ? colon : ae;
	while (he > a && he[-1] == '.') /* all trailing dots: "host.." must canonicalise in one pass */
		he--;
	if (he == a || *a == '.' || (*a == '[' && !memchr(a, ']', (size_t)(ae - a)))) {
		/* no host ("http://./x", "http://user@/x", "http://../"), or an unclosed IPv6 literal ("http://[::/"):
		 * not an article URL */
		pw_buf_free(&out);
		free(abs);
		return NULL;
	}
	for (const char *q = a; q < he; q++)
		pw_buf_putc(&out, (char)tolower((unsigned char)*q));
	if (colon && colon + 1 < ae) {
		size_t pl = (size_t)(ae - colon - 1);
		if (!((https && pl == 3 && memcmp(colon + 1, "443", 3) == 0) ||
		      (!https && pl == 2 && memcmp(colon + 1, "80", 2) == 0)))
			pw_buf_append(&out, colon, pl + 1);
	}
	if (u.path_len == 0)
		pw_buf_putc(&out, '/');
	else
		pw_buf_append(&out, u.path, u.path_len);

	if (u.query) {
		const char *q = u.query, *qe = u.query + u.query_len;
		int first = 1;
		while (q < qe) {
			const char *amp = memchr(q, '&', (size_t)(qe - q));
			const char *pe = amp ? amp : qe;
			const char *eq = memchr(q, '=', (size_t)(pe - q));
			size_t kl = (size_t)((eq ? eq : pe) - q);
			if (pe > q && !tracking_param(q, kl)) {
				pw_buf_putc(&out, first ? '?' : '&');
				pw_buf_append(&out, q, (size_t)(pe - q));
				first = 0;
			}
			q = amp ? amp + 1 : qe;
		}
	}
	/* dropping an empty or tracking-only query can expose whitespace at the end ("/a\r?"):
	 * trim it as pw_url_resolve() does, so the canonical form is its own canonical form */
	while (out.len > 0 && isspace((unsigned char)out.data[out.len - 1]))
		pw_buf_truncate(&out, out.len - 1);
	free(abs);
	return pw_buf_detach(&out);
}
