/*
 * charset.c -- encoding detection and streaming conversion to UTF-8 (glibc iconv).
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "common.h"
#include "xmalloc.h"

struct alias { const char *label; const char *name; };

/*
 * Labels as they appear in feeds and HTTP headers.  Latin-1 and ASCII labels are read as
 * windows-1252, its superset, as browsers do: "smart quotes" in 0x80-0x9f are common in
 * documents labelled iso-8859-1 or us-ascii.
 */
static const struct alias aliases[] = {
	{ "utf-8", "UTF-8" }, { "utf8", "UTF-8" }, { "unicode-1-1-utf-8", "UTF-8" },
	{ "us-ascii", "WINDOWS-1252" }, { "ascii", "WINDOWS-1252" }, { "iso-8859-1", "WINDOWS-1252" },
	{ "iso8859-1", "WINDOWS-1252" }, { "latin1", "WINDOWS-1252" }, { "latin-1", "WINDOWS-1252" },
	{ "l1", "WINDOWS-1252" }, { "iso_8859-1", "WINDOWS-1252" }, { "cp819", "WINDOWS-1252" },
	{ "windows-1252", "WINDOWS-1252" }, { "cp1252", "WINDOWS-1252" }, { "x-cp1252", "WINDOWS-1252" },
	{ "windows-1251", "WINDOWS-1251" }, { "cp1251", "WINDOWS-1251" }, { "x-cp1251", "WINDOWS-1251" },
	{ "win-1251", "WINDOWS-1251" },
	{ "windows-1250", "WINDOWS-1250" }, { "cp1250", "WINDOWS-1250" },
	{ "windows-1253", "WINDOWS-1253" }, { "windows-1254", "WINDOWS-1254" },
	{ "windows-1255", "WINDOWS-1255" }, { "windows-1256", "WINDOWS-1256" },
	{ "windows-1257", "WINDOWS-1257" }, { "windows-1258", "WINDOWS-1258" },
	{ "koi8-r", "KOI8-R" }, { "koi8r", "KOI8-R" }, { "koi8-u", "KOI8-U" }, { "koi8-ru", "KOI8-RU" },
	{ "cp866", "CP866" }, { "ibm866", "CP866" },
	{ "gb2312", "GB18030" }, { "gbk", "GB18030" }, { "gb18030", "GB18030" }, { "x-gbk", "GB18030" },
	{ "big5", "BIG5-HKSCS" }, { "big5-hkscs", "BIG5-HKSCS" },
	{ "euc-kr", "CP949" }, { "ks_c_5601-1987", "CP949" }, { "cp949", "CP949" },
	{ "euc-jp", "EUC-JP" }, { "shift_jis", "CP932" }, { "shift-jis", "CP932" }, { "sjis", "CP932" },
	{ "x-sjis", "CP932" }, { "windows-31j", "CP932" }, { "iso-2022-jp", "ISO-2022-JP" },
	{ "tis-620", "TIS-620" }, { "windows-874", "CP874" },
	{ "utf-16", "UTF-16" }, { "utf-16le", "UTF-16LE" }, { "utf-16be", "UTF-16BE" },
	{ "utf-32", "UTF-32" }, { "utf-32le", "UTF-32LE" }, { "utf-32be", "UTF-32BE" },
	{ "ucs-2", "UTF-16" }, { "iso-10646-ucs-2", "UTF-16" },
	{ "armscii-8", "ARMSCII-8" }, { "georgian-ps", "GEORGIAN-PS" },
};

const char *pw_charset_canonical(const char *label)
{
	if (!label)
		return NULL;
	char l[48];
	size_t n = 0;
	while (isspace((unsigned char)*label) || *label == '"' || *label == '\'')
		label++;
	while (*label && *label != '"' && *label != '\'' && !isspace((unsigned char)*label) &&
	       *label != ';' && n < sizeof l - 1)
		l[n++] = (char)tolower((unsigned char)*label++);
	l[n] = '\0';
	if (!n)
		return NULL;
	for (size_t i = 0; i < PW_ARRAY_SIZE(aliases); i++)
		if (strcmp(l, aliases[i].label) == 0)
			return aliases[i].name;
	/* iso-8859-N (2..16) and anything else iconv knows under its own name */
	static const char *const isos[] = { "ISO-8859-2", "ISO-8859-3", "ISO-8859-4", "ISO-8859-5",
		"ISO-8859-6", "ISO-8859-7", "ISO-8859-8", "ISO-8859-9", "ISO-8859-10", "ISO-8859-11",
		"ISO-8859-13", "ISO-8859-14", "ISO-8859-15", "ISO-8859-16" };
	for (size_t i = 0; i < PW_ARRAY_SIZE(isos); i++)
		if (strcasecmp(l, isos[i]) == 0 ||
		    (strncmp(l, "iso8859-", 8) == 0 && strcasecmp(l + 7, isos[i] + 8) == 0) ||
		    (strncmp(l, "iso_8859-", 9) == 0 && strcasecmp(l + 8, isos[i] + 8) == 0))
			return isos[i];
	return NULL;
}

size_t pw_utf8_seq(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned min;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	unsigned cp = c & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Counts valid multi-byte UTF-8 sequences and invalid bytes in s[0..n) (a sequence cut by the
 * end of the head is neither). */
static void utf8_stats(const unsigned char *s, size_t n, size_t *valid_mb, size_t *invalid)
{
	*valid_mb = *invalid = 0;
	size_t i = 0;
	while (i < n) {
		size_t l = pw_utf8_seq(s + i, n - i);
		if (l == 0) {
			if (n - i < 4 && s[i] >= 0xc2)
				break;
			(*invalid)++;
			i++;
			continue;
		}
		if (l > 1)
			(*valid_mb)++;
		i += l;
	}
}

const char *pw_charset_xml_decl(const char *head, size_t len, char out[48])
{
	if (len < 6 || memcmp(head, "<?xml", 5) != 0)
		return NULL;
	const char *end = memchr(head, '>', len);
	if (!end)
		end = head + len;
	for (const char *p = head + 5; p + 8 < end; p++) {
		if (memcmp(p, "encoding", 8) != 0)
			continue;
		p += 8;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p >= end || *p != '=')
			return NULL;
		p++;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p >= end || (*p != '"' && *p != '\''))
			return NULL;
		char q = *p++;
		size_t n = 0;
		while (p < end && *p != q && n < 47)
			out[n++] = *p++;
		out[n] = '\0';
		return out;
	}
	return NULL;
}

/*
 * Undeclared bytes that are not UTF-8: Cyrillic text in windows-1251 or KOI8-R (the
 * regional outlets' legacy encodings), else windows-1252.  Russian text is mostly
 * lower-case: in windows-1251 lower case is 0xE0-0xFF, in KOI8-R 0xC0-0xDF.
 */
static const char *guess_legacy(const unsigned char *s, size_t n)
{
	size_t hi = 0, lo_c0 = 0, lo_e0 = 0, letters = 0;
	for (size_t i = 0; i < n; i++) {
		if (isalpha(s[i]))
			letters++;
		else if (s[i] >= 0xc0) {
			hi++;
			if (s[i] >= 0xe0)
				lo_e0++;
			else
				lo_c0++;
		}
	}
	if (hi >= 8 && hi * 2 >= letters / 4) {
		return lo_e0 >= lo_c0 ? "WINDOWS-1251" : "KOI8-R";
	}
	return "WINDOWS-1252";
}

const char *pw_charset_detect(const char *head, size_t len, const char *http_charset, size_t *bom_len)
{
	const unsigned char *u = (const unsigned char *)head;
	*bom_len = 0;
	if (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xfe && u[3] == 0xff) {
		*bom_len = 4;
		return "UTF-32BE";
	}
	if (len >= 4 && u[0] == 0xff && u[1] == 0xfe && u[2] == 0 && u[3] == 0) {
		*bom_len = 4;
		return "UTF-32LE";
	}
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		*bom_len = 3;
		return "UTF-8";
	}
	if (len >= 2 && u[0] == 0xfe && u[1] == 0xff) {
		*bom_len = 2;
		return "UTF-16BE";
	}
	if (len >= 2 && u[0] == 0xff && u[1] == 0xfe) {
		*bom_len = 2;
		return "UTF-16LE";
	}
	/* 16/32-bit patterns of "<" or "<?" without a BOM (XML 1.0 appendix F) */
	if (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0 && u[3] == '<')
		return "UTF-32BE";
	if (len >= 4 && u[0] == '<' && u[1] == 0 && u[2] == 0 && u[3] == 0)
		return "UTF-32LE";
	if (len >= 4 && u[0] == 0 && u[1] == '<' && u[2] == 0 && u[3] != 0)
		return "UTF-16BE";
	if (len >= 4 && u[0] == '<' && u[1] == 0 && u[2] != 0 && u[3] == 0)
		return "UTF-16LE";

	char declbuf[48];
	const char *decl = pw_charset_canonical(pw_charset_xml_decl(head, len, declbuf));
	/* a 16/32-bit label on bytes that are plainly 8-bit (checked above) is wrong */
	if (decl && (strncmp(decl, "UTF-16", 6) == 0 || strncmp(decl, "UTF-32", 6) == 0))
		decl = NULL;
	const char *http = pw_charset_canonical(http_charset);
	if (http && (strncmp(http, "UTF-16", 6) == 0 || strncmp(http, "UTF-32", 6) == 0))
		http = NULL;
	size_t valid_mb, invalid;
	utf8_stats(u, len, &valid_mb, &invalid);
	int utf8 = invalid == 0, nonascii = valid_mb > 0;
	/* labelled (or defaulting to) UTF-8 but many invalid bytes and not a single valid
	 * multi-byte sequence: a legacy encoding mislabelled, common with Cyrillic CMSes (a few
	 * stray bytes in a UTF-8 document only get replaced) */
	int not_utf8_at_all = invalid >= 8 && valid_mb == 0;
	if (http) {
		if (decl && strcmp(http, decl) != 0) {
			if (strcmp(http, "UTF-8") == 0 && !utf8)
				return decl;
			if (strcmp(http, "WINDOWS-1252") == 0 && strcmp(decl, "UTF-8") != 0 && !utf8)
				return decl;
			if (strcmp(http, "WINDOWS-1252") == 0 && utf8 && nonascii)
				return "UTF-8";
		}
		if (strcmp(http, "UTF-8") == 0 && not_utf8_at_all)
			return decl && strcmp(decl, "UTF-8") != 0 ? decl : guess_legacy(u, len);
		if (!decl && strcmp(http, "WINDOWS-1252") == 0 && utf8 && nonascii)
			return "UTF-8";
		return http;
	}
	if (decl && strcmp(decl, "UTF-8") == 0 && not_utf8_at_all)
		return guess_legacy(u, len);
	if (decl)
		return decl;
	return utf8 ? "UTF-8" : guess_legacy(u, len);
}

struct pw_charset_conv {
	const char *name;
	iconv_t cd;            /* (iconv_t)-1 for UTF-8 input */
	unsigned char carry[8]; /* incomplete input sequence from the last call */
	size_t ncarry;
	size_t errors;
	int unit;              /* bytes to skip on an invalid sequence */
};

struct pw_charset_conv *pw_charset_conv_new(const char *from)
{
	struct pw_charset_conv *c = xcalloc(1, sizeof *c);
	c->cd = (iconv_t)-1;
	c->name = "UTF-8";
	c->unit = 1;
	if (from && strcmp(from, "UTF-8") != 0) {
		c->cd = iconv_open("UTF-8", from);
		if (c->cd != (iconv_t)-1) {
			c->name = from;
			c->unit = strncmp(from, "UTF-16", 6) == 0 ? 2 : strncmp(from, "UTF-32", 6) == 0 ? 4 : 1;
		}
	}
	return c;
}

const char *pw_charset_conv_name(const struct pw_charset_conv *c)
{
	return c->name;
}

size_t pw_charset_conv_errors(const struct pw_charset_conv *c)
{
	return c->errors;
}

/* Windows-1252 meanings of 0x80..0x9f (unassigned positions map to themselves). */
static const unsigned short cp1252_c1[32] = {
	0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
	0x2039, 0x0152, 0x8d, 0x017d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013,
	0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178
};

static const char replacement[3] = { '\xef', '\xbf', '\xbd' };

/* Length of the invalid sequence at s that one U+FFFD replaces: the lead byte and the
 * continuation bytes that could still have completed it (Unicode's "maximal subpart"). */
static size_t maximal_subpart(const unsigned char *s, size_t n)
{
	unsigned b = s[0];
	size_t need = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 1;
	size_t i = 1;
	while (i < need && i < n) {
		unsigned lo = 0x80, hi = 0xbf;
		if (i == 1) {
			if (b == 0xe0)
				lo = 0xa0;
			else if (b == 0xed)
				hi = 0x9f;
			else if (b == 0xf0)
				lo = 0x90;
			else if (b == 0xf4)
				hi = 0x8f;
		}
		if (s[i] < lo || s[i] > hi)
			break;
		i++;
	}
	return i;
}

/* Appends valid UTF-8 from s to out, replacing invalid bytes and dropping XML-forbidden
 * characters; returns how many trailing bytes form an incomplete sequence (when !final). */
static size_t filter_utf8(struct pw_charset_conv *c, const unsigned char *s, size_t n, int final,
                          struct pw_buf *out)
{
	size_t i = 0, run = 0; /* run: start of the pending span of good bytes */
	while (i < n) {
		while (i + 8 <= n) {  /* 8 printable ASCII bytes at a time */
			uint64_t w;
			memcpy(&w, s + i, 8);
			if ((w & 0x8080808080808080ull) || ((w - 0x2020202020202020ull) & ~w & 0x8080808080808080ull))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		unsigned char b = s[i];
		if (b >= 0x20 && b < 0x80) {
			i++;
			continue;
		}
		/* well-formed 2-byte sequences (Cyrillic, Armenian, most Latin accents) inline; C1
		 * controls (c2 80..9f) take the path below, which maps them */
		if (b >= 0xc2 && b <= 0xdf && i + 1 < n && (s[i + 1] & 0xc0) == 0x80 && (b > 0xc2 || s[i + 1] >= 0xa0)) {
			i += 2;
			continue;
		}
		if (b < 0x20) {
			if (b == '\t' || b == '\n' || b == '\r') {
				i++;
				continue;
			}
			pw_buf_append(out, s + run, i - run);
			c->errors++;
			run = ++i;
			continue;
		}
		size_t l = pw_utf8_seq(s + i, n - i);
		if (l == 0) {
			/* maybe just cut by the chunk boundary */
			if (!final && n - i < 4) {
				size_t need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
				int prefix_ok = b >= 0xc2 && b <= 0xf4 && n - i < need;
				for (size_t k = i + 1; prefix_ok && k < n; k++)
					if ((s[k] & 0xc0) != 0x80)
						prefix_ok = 0;
				if (prefix_ok) {
					pw_buf_append(out, s + run, i - run);
					return n - i;
				}
			}
			pw_buf_append(out, s + run, i - run);
			pw_buf_append(out, replacement, 3);
			c->errors++;
			i += maximal_subpart(s + i, n - i);
			run = i;
			continue;
		}
		if (l == 3 && b == 0xef && s[i + 1] == 0xbf && (s[i + 2] == 0xbe || s[i + 2] == 0xbf)) {
			pw_buf_append(out, s + run, i - run); /* U+FFFE / U+FFFF are not XML characters */
			c->errors++;
			run = i + 3;
		}
		if (l == 2 && b == 0xc2 && s[i + 1] < 0xa0) {
			/* C1 controls are never text: they are windows-1252 punctuation that was
			 * transcoded as Latin-1 somewhere upstream ("don\xc2\x92t"); restore it */
			pw_buf_append(out, s + run, i - run);
			unsigned cp = cp1252_c1[s[i + 1] - 0x80];
			char enc[3];
			if (cp < 0x100) { /* the few unassigned positions stay as they are */
				pw_buf_append(out, s + i, 2);
			} else if (cp < 0x800) {
				enc[0] = (char)(0xc0 | (cp >> 6));
				enc[1] = (char)(0x80 | (cp & 0x3f));
				pw_buf_append(out, enc, 2);
			} else {
				enc[0] = (char)(0xe0 | (cp >> 12));
				enc[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
				enc[2] = (char)(0x80 | (cp & 0x3f));
				pw_buf_append(out, enc, 3);
			}
			i += 2;
			run = i;
			continue;
		}
		i += l;
	}
	pw_buf_append(out, s + run, n - run);
	return 0;
}

void pw_charset_conv_run(struct pw_charset_conv *c, const char *in, size_t len, int final, struct pw_buf *out)
{
	/* join the carried bytes with the new input */
	unsigned char *tmp = NULL;
	if (!in)
		in = "";
	const unsigned char *s = (const unsigned char *)in;
	size_t n = len;
	if (c->ncarry) {
		tmp = xmalloc(c->ncarry + len + 1);
		memcpy(tmp, c->carry, c->ncarry);
		if (len)
			memcpy(tmp + c->ncarry, in, len);
		s = tmp;
		n = c->ncarry + len;
		c->ncarry = 0;
	}
	if (c->cd == (iconv_t)-1) {
		size_t left = filter_utf8(c, s, n, final, out);
		if (left)
			memcpy(c->carry, s + n - left, left);
		c->ncarry = left;
		free(tmp);
		return;
	}
	struct pw_buf mid = PW_BUF_INIT;
	char *ip = (char *)s;
	size_t il = n;
	while (il > 0) {
		char *op = pw_buf_reserve(&mid, il * 4 + 16);
		char *op0 = op;
		size_t ol = il * 4 + 16;
		size_t r = iconv(c->cd, &ip, &il, &op, &ol);
		pw_buf_commit(&mid, (size_t)(op - op0));
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL && !final && il < sizeof c->carry) {
			memcpy(c->carry, ip, il);
			c->ncarry = il;
			break;
		}
		/* EILSEQ, or an incomplete sequence at the very end */
		size_t skip = (size_t)c->unit < il ? (size_t)c->unit : il;
		pw_buf_append(&mid, replacement, 3);
		c->errors++;
		ip += skip;
		il -= skip;
		iconv(c->cd, NULL, NULL, NULL, NULL);
	}
	if (final) {
		char *op = pw_buf_reserve(&mid, 16);
		char *op0 = op;
		size_t ol = 16;
		iconv(c->cd, NULL, NULL, &op, &ol);
		pw_buf_commit(&mid, (size_t)(op - op0));
	}
	if (mid.len)
		filter_utf8(c, (const unsigned char *)mid.data, mid.len, 1, out);
	pw_buf_free(&mid);
	free(tmp);
}

void pw_charset_conv_free(struct pw_charset_conv *c)
{
	if (!c)
		return;
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	free(c);
}
