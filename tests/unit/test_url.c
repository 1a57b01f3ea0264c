/*
 * test_url.c -- RFC 3986 resolution (the RFC's own examples) and canonical article URLs: every
 * normalisation pw_url_canonical() makes (or refuses to make) has a case here, and every case
 * also checks that the canonical form is its own canonical form.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tap.h"
#include "url.h"

/* s with controls and non-ASCII bytes as \xNN, so a test name stays on one TAP line */
static const char *shown(const char *s)
{
	static char out[512];
	size_t o = 0;
	for (; s && *s && o + 5 < sizeof out; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(out + o, sizeof out - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return s ? out : "NULL";
}

static void resolves(const char *base, const char *ref, const char *want)
{
	char *got = pw_url_resolve(base, ref);
	is_str(got, want, "resolve(%s, \"%s\")", base ? base : "NULL", shown(ref));
	free(got);
}

/* canonical(in) is want, and want (when not NULL) is its own canonical form */
static void canon(const char *in, const char *want)
{
	char *got = pw_url_canonical(in);
	is_str(got, want, "canonical(\"%s\")", shown(in));
	if (got) {
		char *again = pw_url_canonical(got);
		is_str(again, got, "  ... is a fixed point");
		free(again);
	}
	free(got);
}

int main(void)
{
	const char *b = "http://a/b/c/d;p?q";
	/* RFC 3986 section 5.4.1, normal examples */
	static const char *const normal[][2] = {
		{ "g:h", "g:h" }, { "g", "http://a/b/c/g" }, { "./g", "http://a/b/c/g" },
		{ "g/", "http://a/b/c/g/" }, { "/g", "http://a/g" }, { "//g", "http://g" },
		{ "?y", "http://a/b/c/d;p?y" }, { "g?y", "http://a/b/c/g?y" },
		{ "#s", "http://a/b/c/d;p?q#s" }, { "g#s", "http://a/b/c/g#s" },
		{ "g?y#s", "http://a/b/c/g?y#s" }, { ";x", "http://a/b/c/;x" },
		{ "g;x", "http://a/b/c/g;x" }, { "g;x?y#s", "http://a/b/c/g;x?y#s" },
		{ "", "http://a/b/c/d;p?q" }, { ".", "http://a/b/c/" }, { "./", "http://a/b/c/" },
		{ "..", "http://a/b/" }, { "../", "http://a/b/" }, { "../g", "http://a/b/g" },
		{ "../..", "http://a/" }, { "../../", "http://a/" }, { "../../g", "http://a/g" },
	};
	/* section 5.4.2, abnormal examples */
	static const char *const abnormal[][2] = {
		{ "../../../g", "http://a/g" }, { "../../../../g", "http://a/g" },
		{ "/./g", "http://a/g" }, { "/../g", "http://a/g" }, { "g.", "http://a/b/c/g." },
		{ ".g", "http://a/b/c/.g" }, { "g..", "http://a/b/c/g.." }, { "..g", "http://a/b/c/..g" },
		{ "./../g", "http://a/b/g" }, { "./g/.", "http://a/b/c/g/" },
		{ "g/./h", "http://a/b/c/g/h" }, { "g/../h", "http://a/b/c/h" },
		{ "g;x=1/./y", "http://a/b/c/g;x=1/y" }, { "g;x=1/../y", "http://a/b/c/y" },
		{ "g?y/./x", "http://a/b/c/g?y/./x" }, { "g?y/../x", "http://a/b/c/g?y/../x" },
		{ "g#s/./x", "http://a/b/c/g#s/./x" }, { "g#s/../x", "http://a/b/c/g#s/../x" },
	};
	for (size_t i = 0; i < sizeof normal / sizeof normal[0]; i++)
		resolves(b, normal[i][0], normal[i][1]);
	for (size_t i = 0; i < sizeof abnormal / sizeof abnormal[0]; i++)
		resolves(b, abnormal[i][0], abnormal[i][1]);

	/* feed-shaped cases */
	resolves("https://oc-media.example/feed/", "/tbilisi-protests/", "https://oc-media.example/tbilisi-protests/");
	resolves("https://oc-media.example/feed/", "  2024/12/rally.jpg \n", "https://oc-media.example/feed/2024/12/rally.jpg");
	resolves("https://jam-news.example", "news/1", "https://jam-news.example/news/1");
	resolves("https://a.example/x/", "https://b.example/./y/../z", "https://b.example/z");
	resolves(NULL, "/relative/only", "/relative/only");
	resolves("not a url", "page.html", "page.html");
	resolves("https://a.example/x", "mailto:desk@a.example", "mailto:desk@a.example");
	ok(pw_url_resolve(b, NULL) == NULL, "NULL ref gives NULL");
	ok(pw_url_is_absolute("https://x"), "https: is absolute");
	ok(!pw_url_is_absolute("/x"), "/x is not absolute");
	ok(!pw_url_is_absolute("1http://x"), "a scheme starts with a letter");

	/* resolution keeps what it is given: hosts as written (no IDN mapping, no case change),
	 * escapes as they are; only dot segments go.  Canonicalisation is a separate step. */
	resolves("https://Пример.Example/новости/", "2024/../статья?id=1",
	         "https://Пример.Example/новости/статья?id=1");
	resolves("HTTPS://News.Example/a/b", "%2E%2E/c", "HTTPS://News.Example/a/%2E%2E/c");
	resolves("https://news.example/a/b#top", "", "https://news.example/a/b");
	resolves("https://news.example/a/b?x=1#top", "#more", "https://news.example/a/b?x=1#more");
	resolves("https://news.example/a/b", "//cdn.example//img//1.jpg", "https://cdn.example//img//1.jpg");
	resolves("https://news.example/a/b", "c//d/./e", "https://news.example/a/c//d/e");
	/* "http:g" is absolute (RFC 3986 5.4.2, strict parser): no authority, so no canonical form */
	resolves("http://a/b/c/d;p?q", "http:g", "http:g");
	resolves("https://news.example/a/b", "c\\d", "https://news.example/a/c\\d");
	resolves("https://[2001:DB8::1]:8443/feed/", "../x", "https://[2001:DB8::1]:8443/x");

	/* scheme and host case, tracking parameters, default port, fragment, userinfo */
	canon("https://Meduza.Example/news/2024/12/03/a?utm_source=rss&utm_medium=feed",
	      "https://meduza.example/news/2024/12/03/a");
	canon("https://oc-media.example/a/?p=231744&utm_campaign=x#comments", "https://oc-media.example/a/?p=231744");
	canon("HTTP://report.example:80/x/../y?fbclid=abc&id=7", "http://report.example/y?id=7");
	canon("hTtPs://NEWS.Example/Path/Keeps/Case", "https://news.example/Path/Keeps/Case");
	canon("https://user:pw@civil-ge.example./archives/1?gclid=1&yclid=2", "https://civil-ge.example/archives/1");
	canon("https://a.example/search?q=Karabakh&page=2", "https://a.example/search?q=Karabakh&page=2");
	canon("https://a.example/x?&&utm_term=y", "https://a.example/x");
	canon("https://a.example/x?", "https://a.example/x");
	canon("https://a.example/x#", "https://a.example/x");
	canon("https://a.example/x#!/story/12", "https://a.example/x");
	/* http and https stay two URLs: which one serves the article is not ours to guess */
	canon("http://a.example/x", "http://a.example/x");

	/* tracking parameters: utm_* and the listed click ids go, judged by the normalised key,
	 * case-insensitively; what is left keeps its order, duplicates and values */
	canon("https://a.example/p?b=2&utm_source=x&a=1&fbclid=3&c=3&a=0",
	      "https://a.example/p?b=2&a=1&c=3&a=0");
	canon("https://a.example/p?UTM_Medium=social&id=9&utm%5Fcampaign=z&Utm_Term",
	      "https://a.example/p?id=9");
	canon("https://a.example/p?q=utm_source&utm_=1&utmx=2", "https://a.example/p?q=utm_source&utm_=1&utmx=2");
	canon("https://a.example/p?ref=rss&refresh=1&from=feed&id=4", "https://a.example/p?refresh=1&id=4");

	/* ports: the scheme's default goes (leading zeros do not count), an empty port goes,
	 * any other number stays, anything else is refused */
	canon("https://jam-news.example:443", "https://jam-news.example/");
	canon("https://jam-news.example:8443/a", "https://jam-news.example:8443/a");
	canon("http://a.example:443/x", "http://a.example:443/x");
	canon("https://a.example:80/x", "https://a.example:80/x");
	canon("http://a.example:0080/x", "http://a.example/x");
	canon("https://a.example:08443/x", "https://a.example:8443/x");
	canon("https://a.example:/x", "https://a.example/x");
	canon("https://a.example:8x/x", NULL);
	canon("https://a.example:65536/x", NULL);
	canon("https://a.example:99999999999999999999/x", NULL);
	canon("https://a.example:443:443/x", NULL);

	/* empty path is "/", the query stays after it */
	canon("https://a.example", "https://a.example/");
	canon("https://a.example?id=3", "https://a.example/?id=3");
	canon("https://a.example#top", "https://a.example/");

	/* dot segments go, after escapes are decoded ("%2E%2E" is ".."); repeated slashes stay
	 * (they are significant: "//x" is no "/x" to a server), as does a trailing slash */
	canon("https://a.example/a/b/../c/./d", "https://a.example/a/c/d");
	canon("https://a.example/a/b/%2E%2E/c/%2e/d", "https://a.example/a/c/d");
	canon("https://a.example/a/.%2e/../../x", "https://a.example/x");
	canon("https://a.example//2024//12/story//", "https://a.example//2024//12/story//");
	canon("https://a.example/a/..//b", "https://a.example//b");
	canon("https://a.example/story/", "https://a.example/story/");
	canon("https://a.example/a?b/../c", "https://a.example/a?b/../c");

	/* percent-encoding: escapes of unreserved characters decoded, others upper-cased and
	 * never decoded ("%2F" is not "/"), raw bytes that need it escaped (spaces, '"', '<',
	 * '|', '{', '\\', UTF-8), a lone '%' becomes "%25"; '+' and "%20" stay different */
	canon("https://a.example/a%2fb/%7euser/%41%62c%2D%5F%2E%7E", "https://a.example/a%2Fb/~user/Abc-_.~");
	canon("https://a.example/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8", "https://a.example/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8");
	canon("https://a.example/%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8", "https://a.example/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8");
	canon("https://a.example/новости", "https://a.example/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8");
	canon("https://a.example/a b/\"q\"<x>|{y}\\z^`", "https://a.example/a%20b/%22q%22%3Cx%3E%7C%7By%7D%5Cz%5E%60");
	canon("https://a.example/100%/x%zz/%4", "https://a.example/100%25/x%25zz/%254");
	canon("https://a.example/s?q=a+b&r=a%20b&s=a b", "https://a.example/s?q=a+b&r=a%20b&s=a%20b");
	canon("https://a.example/s?q=%3d%26%3F&path=/x/y?z", "https://a.example/s?q=%3D%26%3F&path=/x/y?z");
	canon("https://a.example/s?q=%D0%9A%d0%b0", "https://a.example/s?q=%D0%9A%D0%B0");
	canon("https://a.example/p:1@x;y=2,3!$'()*+", "https://a.example/p:1@x;y=2,3!$'()*+");

	/* tabs and line breaks inside are dropped (a feed wrapping a long link), other
	 * whitespace inside is escaped, whitespace around is trimmed */
	canon("https://a.example/2024/12/a-very-\n\tlong-slug?id=1\r\n", "https://a.example/2024/12/a-very-long-slug?id=1");
	canon("  https://a.example/a b  ", "https://a.example/a%20b");
	canon("ht\ntps://a.ex\tample/", "https://a.example/");

	/* userinfo is dropped; userinfo ends at the last '@' */
	canon("https://u@x@News.Example/a?utm_source=1", "https://news.example/a");
	canon("https://user:p%40ss@a.example/", "https://a.example/");
	canon("https://@a.example/", "https://a.example/");

	/* hosts: one trailing root dot dropped; empty labels, stray characters and names too long
	 * for DNS refused; escapes in the host decoded */
	canon("https://a.example./x", "https://a.example/x");
	canon("https://%41.Example/x", "https://a.example/x");
	canon("https://news_desk.a-b.example/", "https://news_desk.a-b.example/");
	canon("https://192.0.2.7:8080/x", "https://192.0.2.7:8080/x");
	canon("HTTP://report../dxample:60/x/7", NULL);
	canon("https://.a.example/", NULL);
	canon("https://a..example/", NULL);
	canon("https://a.exa mple/", NULL);
	canon("https://a.exa%20mple/", NULL);
	canon("https://a.example%2F.evil.example/", NULL);
	canon("https://a.exa%00mple/", NULL);
	canon("https://a.ex!ample/", NULL);
	canon("https://a\\b.example/", NULL);
	canon("https://" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example/",
	      "https://" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example/");
	canon("https://" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example/", NULL);
	canon("https://a123456789.b123456789.c123456789.d123456789.e123456789.f123456789.g123456789."
	      "h123456789.i123456789.j123456789.k123456789.l123456789.m123456789.n123456789."
	      "o123456789.p123456789.q123456789.r123456789.s123456789.t123456789.u123456789."
	      "v123456789.w123456789.xyz/", NULL);

	/* IDN: the ASCII form (A-labels, "xn--" + punycode), as browsers send it in DNS and Host;
	 * UTF-8 labels are mapped as UTS 46 does (NFKC + case folding, 'ß' kept as IDNA2008 does,
	 * ideographic full stops are dots), A-labels lower-cased and otherwise kept */
	canon("http://пример.испытание/", "http://xn--e1afmkfd.xn--80akhbyknj4f/");
	canon("http://ПРИМЕР.испытание/", "http://xn--e1afmkfd.xn--80akhbyknj4f/");
	canon("http://XN--E1AFMKFD.xn--80akhbyknj4f/", "http://xn--e1afmkfd.xn--80akhbyknj4f/");
	canon("http://%D0%BF%D1%80%D0%B8%D0%BC%D0%B5%D1%80.xn--80akhbyknj4f/", "http://xn--e1afmkfd.xn--80akhbyknj4f/");
	canon("https://Bücher.example/", "https://xn--bcher-kva.example/");
	canon("https://bu\xcc\x88" "cher.example/", "https://xn--bcher-kva.example/"); /* u + combining diaeresis */
	canon("https://faß.de/", "https://xn--fa-hia.de/");
	canon("http://例え。テスト/", "http://xn--r8jz45g.xn--zckzah/");
	canon("https://ＮＥＷＳ．ｅｘａｍｐｌｅ/", "https://news.example/");
	canon("https://soft\xc2\xadhyphen.example/", "https://softhyphen.example/");
	canon("https://bad\xff.example/", NULL);
	canon("https://\xd0.example/", NULL);
	canon("https://a\xe2\x80\x83" "b.example/", NULL); /* EM SPACE */
	canon("https://a\xef\xbf\xbd" "b.example/", NULL); /* U+FFFD */
	canon("https://a\xee\x80\x80" "b.example/", NULL); /* private use */
	canon("https://a\xef\xbc\x8f" "b.example/", NULL); /* FULLWIDTH SOLIDUS maps to '/' */

	/* IPv6 literals: checked and written in RFC 5952 form; zones and IPvFuture refused */
	canon("http://[::1]:80/a", "http://[::1]/a");
	canon("https://[2001:DB8:0:0:0:0:0:1]:443/x", "https://[2001:db8::1]/x");
	canon("https://[2001:db8::1]:8443", "https://[2001:db8::1]:8443/");
	canon("https://[::FFFF:192.0.2.1]/", "https://[::ffff:192.0.2.1]/");
	canon("https://[::1]x/", NULL);
	canon("https://[::g]/", NULL);
	canon("https://[fe80::1%25eth0]/", NULL);
	canon("https://[v1.fe]/", NULL);
	canon("https://[::1/", NULL);

	/* not article URLs */
	ok(pw_url_canonical("ftp://a.example/file") == NULL, "ftp URLs have no canonical form");
	ok(pw_url_canonical("/relative") == NULL, "relative URLs have no canonical form");
	ok(pw_url_canonical("//a.example/x") == NULL, "scheme-relative URLs have no canonical form");
	ok(pw_url_canonical("http:g") == NULL, "http URLs without an authority have no canonical form");
	ok(pw_url_canonical("https:///x") == NULL, "an empty authority has no canonical form");
	ok(pw_url_canonical(NULL) == NULL, "NULL gives NULL");

	/* earlier fuzz_url findings (issue 10), still fixed */
	ok(pw_url_canonical("HTTP://./po/./ee") == NULL, "a host of only \".\" has no canonical form");
	ok(pw_url_canonical("http://user@/x") == NULL, "an empty host has no canonical form");
	canon("https://a.example/h\r?utm_medium=x", "https://a.example/h");
	ok(pw_url_canonical("https://[::/a") == NULL, "an unclosed IPv6 literal has no canonical form");
	ok(pw_url_canonical("https://../") == NULL, "a host of dots has no canonical form");

	/* fuzz_url findings with the strict check on (PW_FUZZ_URL_STRICT): each canonical form
	 * changed again on a second pass */
	/* several ':' in the authority: the last one was taken for the port separator and the
	 * empty port dropped, one ':' per pass; now the port starts at the first ':' */
	canon("https://S::/a", NULL);
	canon("https://:::", NULL);
	canon("https://\xa8::/a%2Fb/y", NULL);
	/* a host that only looked non-empty before its (empty) port: "https://:\x8atps:/x" gave
	 * "https://:\x8atps/x", whose host is empty */
	canon("https://:\x8atps:/x", NULL);
	/* whitespace trimmed at the very end left a '?' or '&' behind it ("?cmpid " -> "?"), or
	 * exposed a "/." segment ("/.\v?" -> "/."): whitespace inside is now escaped instead */
	canon("https://news.example/ge1?&  #U", "https://news.example/ge1?%20%20");
	canon("https://news.example/a?cmpid \v", "https://news.example/a");
	canon("https://news.example/tb?1&Yi  =1&   d2& \v", "https://news.example/tb?1&Yi%20%20=1&%20%20%20d2");
	canon("https://news.example/a/.\v?", "https://news.example/a/.%0B");
	canon("https://news.example/h\xf4tH\v\v/[./[/.\v\v?", "https://news.example/h%F4tH%0B%0B/%5B./%5B/.%0B%0B");
	/* non-ASCII bytes and controls in path and query were kept raw */
	canon("https://news.example/Y\xff\xff?\x1dq=\xf3", "https://news.example/Y%FF%FF?%1Dq=%F3");
	return done_testing();
}
