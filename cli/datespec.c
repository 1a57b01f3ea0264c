/* datespec.c -- parse --since / --until values; see datespec.h. */

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "datespec.h"

/* Reads exactly n digits at *p into *v. */
static int digits(const char **p, int n, int *v)
{
	int x = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		x = x * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = x;
	return 0;
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int parse_relative(const char *s, int64_t now, int64_t *out)
{
	int64_t n = 0;
	const char *p = s;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		n = n * 10 + (*p - '0');
		if (n > 100000L * 24 * 3600) /* beyond any sensible look-back: reject, not overflow */
			return -1;
	}
	int64_t unit;
	switch (*p) {
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 7 * 86400; break;
	default: return -1;
	}
	if (p[1] != '\0')
		return -1;
	*out = now - n * unit;
	return 0;
}

int cli_parse_datespec(const char *s, int64_t now, int utc, int end_of_day, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, day_only = 1;
	const char *p = s;

	if (s == NULL || *s == '\0')
		return -1;
	if (parse_relative(s, now, out) == 0)
		return 0;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d))
		return -1;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		day_only = 0;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec))
				return -1;
		}
	}
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || sec > 59)
		return -1;

	int zoned = 0;
	int64_t offset = 0;
	if (*p == 'Z' || *p == 'z') {
		zoned = 1;
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om;
		if (digits(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om) || oh > 23 || om > 59)
			return -1;
		zoned = 1;
		offset = sign * (oh * 3600 + om * 60);
	}
	if (*p != '\0')
		return -1;

	/* --until 2025-09-13 includes that whole day: its end is the next day's midnight. */
	int extra_day = end_of_day && day_only;
	int64_t t;
	if (zoned || utc) {
		d += extra_day; /* days_from_civil counts past the month's end correctly */
		t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
	} else {
		struct tm tm;
		memset(&tm, 0, sizeof tm);
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d + extra_day; /* mktime normalises the 32nd */
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = sec;
		tm.tm_isdst = -1;
		time_t tt = mktime(&tm);
		if (tt == (time_t)-1)
			return -1;
		t = (int64_t)tt;
	}
	*out = t;
	return 0;
}
