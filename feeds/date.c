/*
 * date.c -- feed dates to UTC seconds.
 *
 * Two recognisers: a strict one for ISO 8601 / RFC 3339 / W3CDTF (tried first, since the
 * digit layout alone decides it) and a token-based one for RFC 822 and its many broken
 * relatives, where the order of day, month and year is inferred from which token is a month
 * name and which number has four digits.  Anything ambiguous or out of range gives
 * PW_NOTIME: a missing date is better than a wrong one.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "date.h"

int64_t pw_days_from_civil(int64_t y, int m, int d)
{
	/* Howard Hinnant's days_from_civil. */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void pw_date_format_utc(int64_t t, char out[21])
{
	if (t == PW_NOTIME) {
		out[0] = '\0';
		return;
	}
	int64_t days = t / 86400, secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	/* civil_from_days */
	days += 719468;
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	y += m <= 2;
	if (y < 0 || y > 9999) {
		out[0] = '\0';
		return;
	}
	snprintf(out, 21, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, m, d, (int)(secs / 3600),
	         (int)(secs / 60 % 60), (int)(secs % 60));
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Validates the broken-down time and converts; PW_NOTIME when out of range. */
static int64_t make_time(int y, int mo, int d, int h, int mi, int s, int off_min)
{
	if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return PW_NOTIME;
	if (h == 24 && mi == 0 && s == 0) {
		/* ISO 8601 allows 24:00 for the end of the day. */
	} else if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) {
		return PW_NOTIME;
	}
	if (s == 60)
		s = 59; /* leap second: keep it inside the minute */
	if (off_min < -18 * 60 || off_min > 18 * 60)
		return PW_NOTIME;
	return pw_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - (int64_t)off_min * 60;
}

/* Reads exactly n digits at *p; -1 when not there. */
static int digits(const char **p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return v;
}

static void skip_space(const char **p)
{
	while (**p && isspace((unsigned char)**p))
		(*p)++;
}

struct zone { const char *name; int off_min; };

static const struct zone zones[] = {
	{ "ut", 0 }, { "utc", 0 }, { "gmt", 0 }, { "z", 0 }, { "wet", 0 }, { "bst", 60 },
	{ "est", -300 }, { "edt", -240 }, { "cst", -360 }, { "cdt", -300 },
	{ "mst", -420 }, { "mdt", -360 }, { "pst", -480 }, { "pdt", -420 },
	{ "ast", -240 }, { "adt", -180 }, { "akst", -540 }, { "akdt", -480 }, { "hst", -600 },
	{ "cet", 60 }, { "cest", 120 }, { "met", 60 }, { "mest", 120 }, { "west", 60 },
	{ "eet", 120 }, { "eest", 180 }, { "msk", 180 }, { "msd", 240 },
	{ "azt", 240 }, { "amt", 240 }, { "get", 240 }, { "trt", 180 },
	{ "ist", 330 }, { "jst", 540 }, { "kst", 540 }, { "hkt", 480 },
	{ "aest", 600 }, { "aedt", 660 }, { "nzst", 720 }, { "nzdt", 780 },
};

/* Named zone (case-insensitive, whole word); sets *off; 1 when found. */
static int zone_name(const char *w, int *off)
{
	for (size_t i = 0; i < PW_ARRAY_SIZE(zones); i++) {
		if (strcmp(w, zones[i].name) == 0) {
			*off = zones[i].off_min;
			return 1;
		}
	}
	/* RFC 822 military zones: A-I, K-M east (+1..+12), N-Y west; widely misused, so
	 * only Z is trusted (above) and the rest are read as UTC, as most readers do. */
	if (w[0] && !w[1] && w[0] >= 'a' && w[0] <= 'y' && w[0] != 'j') {
		*off = 0;
		return 1;
	}
	return 0;
}

/* "+hh:mm", "+hhmm", "+hh", or "Z" at *p; sets *off; 1 when found (and advances). */
static int numeric_zone(const char **p, int *off)
{
	const char *q = *p;
	if (*q == 'Z' || *q == 'z') {
		*off = 0;
		*p = q + 1;
		return 1;
	}
	if (*q != '+' && *q != '-' && strncmp(q, "\xe2\x88\x92", 3) != 0)
		return 0;
	int sign = *q == '+' ? 1 : -1;
	q += *q == '+' || *q == '-' ? 1 : 3;
	int hh = digits(&q, 2), mm = 0;
	if (hh < 0 && isdigit((unsigned char)*q) && !isdigit((unsigned char)q[1]))
		hh = digits(&q, 1); /* "GMT+3" */
	if (hh < 0)
		return 0;
	if (*q == ':')
		q++;
	if (isdigit((unsigned char)*q)) {
		mm = digits(&q, 2);
		if (mm < 0)
			return 0;
	}
	if (hh > 18 || mm > 59)
		return 0;
	*off = sign * (hh * 60 + mm);
	*p = q;
	return 1;
}

/* ISO 8601 / RFC 3339 / W3CDTF, including partial dates and a space instead of 'T'. */
static int64_t parse_iso(const char *s)
{
	const char *p = s;
	int y = digits(&p, 4), mo = 1, d = 1, h = 0, mi = 0, sec = 0, off = 0;
	if (y < 0 || isdigit((unsigned char)*p))
		return PW_NOTIME;
	if (*p == '-') {
		p++;
		if ((mo = digits(&p, 2)) < 0)
			return PW_NOTIME;
		if (*p == '-') {
			p++;
			if ((d = digits(&p, 2)) < 0)
				return PW_NOTIME;
		}
	} else if (*p && *p != 'T' && *p != 't') {
		return PW_NOTIME;
	}
	if (*p == 'T' || *p == 't' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
		p++;
		if ((h = digits(&p, 2)) < 0 || *p++ != ':' || (mi = digits(&p, 2)) < 0)
			return PW_NOTIME;
		if (*p == ':') {
			p++;
			if ((sec = digits(&p, 2)) < 0)
				return PW_NOTIME;
			if (*p == '.' || *p == ',') {
				p++;
				if (!isdigit((unsigned char)*p))
					return PW_NOTIME;
				while (isdigit((unsigned char)*p))
					p++;
			}
		}
		skip_space(&p);
		if (*p && !numeric_zone(&p, &off)) {
			char w[8];
			size_t n = 0;
			while (isalpha((unsigned char)*p) && n < sizeof w - 1)
				w[n++] = (char)tolower((unsigned char)*p++);
			w[n] = '\0';
			if (!n || !zone_name(w, &off))
				return PW_NOTIME;
		}
	}
	skip_space(&p);
	if (*p)
		return PW_NOTIME;
	return make_time(y, mo, d, h, mi, sec, off);
}

static const char *const months_en[12] = {
	"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
};
/* Russian month stems (UTF-8, lower case), genitive and nominative share them. */
static const char *const months_ru[12] = {
	"\xd1\x8f\xd0\xbd\xd0\xb2", "\xd1\x84\xd0\xb5\xd0\xb2", "\xd0\xbc\xd0\xb0\xd1\x80",
	"\xd0\xb0\xd0\xbf\xd1\x80", "\xd0\xbc\xd0\xb0", "\xd0\xb8\xd1\x8e\xd0\xbd",
	"\xd0\xb8\xd1\x8e\xd0\xbb", "\xd0\xb0\xd0\xb2\xd0\xb3", "\xd1\x81\xd0\xb5\xd0\xbd",
	"\xd0\xbe\xd0\xba\xd1\x82", "\xd0\xbd\xd0\xbe\xd1\x8f", "\xd0\xb4\xd0\xb5\xd0\xba"
};
static const char *const weekdays[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

/* Lower-cases ASCII and the Cyrillic capitals А..Я in place (UTF-8). */
static void lower_word(char *w)
{
	for (unsigned char *u = (unsigned char *)w; *u; u++) {
		if (*u < 0x80) {
			*u = (unsigned char)tolower(*u);
		} else if (u[0] == 0xd0 && u[1] >= 0x90 && u[1] <= 0xaf) {
			/* А..П -> а..п stay in 0xd0; Р..Я -> р..я move to 0xd1 */
			if (u[1] <= 0x9f) {
				u[1] += 0x20;
			} else {
				u[0] = 0xd1;
				u[1] -= 0x20;
			}
			u++;
		}
	}
}

static int month_word(const char *w)
{
	size_t n = strlen(w);
	for (int i = 0; i < 12; i++) {
		if (n >= 3 && strncmp(w, months_en[i], 3) == 0) {
			static const char *const full[12] = { "january", "february", "march", "april",
				"may", "june", "july", "august", "september", "october", "november", "december" };
			/* "Sept" and full names; anything else starting with the stem is not a month */
			if (n == 3 || strncmp(w, full[i], n) == 0 || strcmp(w, "sept") == 0)
				return i + 1;
		}
		size_t rn = strlen(months_ru[i]);
		if (n >= rn && strncmp(w, months_ru[i], rn) == 0)
			return i + 1;
	}
	return 0;
}

static int weekday_word(const char *w)
{
	for (int i = 0; i < 7; i++)
		if (strncmp(w, weekdays[i], 3) == 0)
			return 1;
	return 0;
}

/* RFC 822 and friends: tokens in any sensible order. */
static int64_t parse_loose(const char *s)
{
	int y = -1, mo = -1, d = -1, h = -1, mi = 0, sec = 0, off = 0, pm = -1;
	int nums[3], nnum = 0, numlen[3];
	const char *p = s;

	while (*p) {
		unsigned char c = (unsigned char)*p;
		if (isspace(c) || c == ',' || c == '/' || c == '.') {
			p++;
		} else if (c == '(' && h >= 0) {
			/* RFC 822 comment after the zone: "-0800 (PST)" */
			const char *e = strchr(p, ')');
			if (!e)
				return PW_NOTIME;
			p = e + 1;
		} else if (isdigit(c)) {
			const char *q = p;
			long v = 0;
			int n = 0;
			while (isdigit((unsigned char)*q) && n < 9) {
				v = v * 10 + (*q++ - '0');
				n++;
			}
			if (isdigit((unsigned char)*q))
				return PW_NOTIME;
			if (*q == ':' && h < 0 && n <= 2) {
				h = (int)v;
				q++;
				if ((mi = digits(&q, 2)) < 0)
					return PW_NOTIME;
				if (*q == ':') {
					q++;
					if ((sec = digits(&q, 2)) < 0)
						return PW_NOTIME;
					if (*q == '.' || *q == ',') /* fractions */
						for (q++; isdigit((unsigned char)*q); q++)
							;
				}
			} else {
				if (nnum == 3)
					return PW_NOTIME;
				numlen[nnum] = n;
				nums[nnum++] = (int)v;
			}
			p = q;
		} else if ((c == '+' || c == '-') && h >= 0 && isdigit((unsigned char)p[1])) {
			if (!numeric_zone(&p, &off))
				return PW_NOTIME;
		} else if (c == '-') {
			p++; /* date separator: 28-Feb-2004 */
		} else if (isalpha(c) || c >= 0x80) {
			char w[32];
			size_t n = 0;
			while ((isalpha((unsigned char)*p) || (unsigned char)*p >= 0x80) && n < sizeof w - 1)
				w[n++] = *p++;
			w[n] = '\0';
			if (isalpha((unsigned char)*p) || (unsigned char)*p >= 0x80)
				return PW_NOTIME;
			lower_word(w);
			int m;
			if ((m = month_word(w)) != 0 && mo < 0) {
				mo = m;
			} else if (weekday_word(w) && mo < 0 && h < 0 && nnum == 0) {
				/* weekday: ignored (often wrong in real feeds) */
			} else if (h >= 0 && (strcmp(w, "am") == 0 || strcmp(w, "pm") == 0)) {
				pm = w[0] == 'p';
			} else if (h >= 0 && zone_name(w, &off)) {
				/* "GMT+3" style: a numeric offset may follow the name */
				if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1])) {
					int extra;
					if (!numeric_zone(&p, &extra))
						return PW_NOTIME;
					off += extra;
				}
			} else if (strcmp(w, "at") == 0 || strcmp(w, "\xd0\xb3") == 0 ||
			           strcmp(w, "\xd0\xb3\xd0\xbe\xd0\xb4\xd0\xb0") == 0) {
				/* "at", Russian "г." / "года" after the year */
			} else {
				return PW_NOTIME;
			}
		} else {
			return PW_NOTIME;
		}
	}

	if (mo < 0) {
		/* numeric only: accept YYYY/MM/DD (unambiguous); DD/MM vs MM/DD is not */
		if (nnum == 3 && numlen[0] == 4) {
			y = nums[0];
			mo = nums[1];
			d = nums[2];
		} else {
			return PW_NOTIME;
		}
	} else if (nnum == 2) {
		/* day and year around a month name: the year is the 4-digit one, or the last */
		if (numlen[0] == 4 || numlen[0] == 3) {
			y = nums[0];
			d = nums[1];
		} else {
			d = nums[0];
			y = nums[1];
			if (numlen[1] == 2)
				y += y < 50 ? 2000 : 1900;
			else if (numlen[1] == 1 || numlen[1] == 3)
				return PW_NOTIME;
		}
	} else {
		return PW_NOTIME;
	}
	if (h < 0)
		h = 0;
	if (pm >= 0) {
		if (h < 1 || h > 12)
			return PW_NOTIME;
		h = h % 12 + (pm ? 12 : 0);
	}
	return make_time(y, mo, d, h, mi, sec, off);
}

/* ISO 8601 basic format: 20241203T182000Z, 20241203T1820+0400. */
static int64_t parse_iso_basic(const char *s)
{
	const char *p = s;
	int y = digits(&p, 4), mo = digits(&p, 2), d = digits(&p, 2), h = 0, mi = 0, sec = 0, off = 0;
	if (y < 0 || mo < 0 || d < 0)
		return PW_NOTIME;
	if (*p != 'T' && *p != 't')
		return PW_NOTIME;
	p++;
	if ((h = digits(&p, 2)) < 0 || (mi = digits(&p, 2)) < 0)
		return PW_NOTIME;
	if (isdigit((unsigned char)*p) && (sec = digits(&p, 2)) < 0)
		return PW_NOTIME;
	if (*p && !numeric_zone(&p, &off))
		return PW_NOTIME;
	if (*p)
		return PW_NOTIME;
	return make_time(y, mo, d, h, mi, sec, off);
}

int64_t pw_date_parse(const char *s)
{
	if (!s)
		return PW_NOTIME;
	char tmp[128];
	skip_space(&s);
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || n >= sizeof tmp)
		return PW_NOTIME;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (isdigit((unsigned char)tmp[0]) && isdigit((unsigned char)tmp[1]) &&
	    isdigit((unsigned char)tmp[2]) && isdigit((unsigned char)tmp[3]) &&
	    (tmp[4] == '-' || tmp[4] == '\0' || tmp[4] == 'T')) {
		int64_t t = parse_iso(tmp);
		if (t != PW_NOTIME)
			return t;
	}
	if (n >= 13 && isdigit((unsigned char)tmp[7]) && (tmp[8] == 'T' || tmp[8] == 't')) {
		int64_t t = parse_iso_basic(tmp);
		if (t != PW_NOTIME)
			return t;
	}
	return parse_loose(tmp);
}
