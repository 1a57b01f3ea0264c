/*
 * test_date.c -- pw_date_parse() on the date forms feeds really use, and on garbage.
 */
#include <string.h>

#include "date.h"
#include "tap.h"

struct dcase {
	const char *in;
	const char *want; /* ISO 8601 UTC, or NULL for PW_NOTIME */
};

static const struct dcase cases[] = {
	/* RFC 822 / 2822 */
	{ "Tue, 03 Dec 2024 18:20:00 +0000", "2024-12-03T18:20:00Z" },
	{ "Tue, 03 Dec 2024 18:20:00 GMT", "2024-12-03T18:20:00Z" },
	{ "Tue, 3 Dec 2024 18:20:00 +0400", "2024-12-03T14:20:00Z" },
	{ "Tue, 03 Dec 2024 21:15:42 +0300", "2024-12-03T18:15:42Z" },
	{ "Tue, 03 Dec 2024 18:20:00 -0500", "2024-12-03T23:20:00Z" },
	{ "Tue, 03 Dec 2024 18:20:00 +05:30", "2024-12-03T12:50:00Z" },
	{ "3 Dec 2024 14:20:00 +0400", "2024-12-03T10:20:00Z" },          /* no weekday */
	{ "Mon, 2 Dec 2024 09:05 GMT", "2024-12-02T09:05:00Z" },          /* no seconds */
	{ "Mon, 02 Dec 2024 10:00:00 MSK", "2024-12-02T07:00:00Z" },
	{ "Tue, 03 Dec 2024 14:20:00 EST", "2024-12-03T19:20:00Z" },
	{ "Tue, 03 Dec 2024 14:20:00 EDT", "2024-12-03T18:20:00Z" },
	{ "Tue, 03 Dec 2024 14:20:00 PST", "2024-12-03T22:20:00Z" },
	{ "Tue, 03 Dec 2024 14:20:00 CET", "2024-12-03T13:20:00Z" },
	{ "Tue, 03 Dec 2024 14:20:00 UT", "2024-12-03T14:20:00Z" },
	{ "Tue, 03 Dec 2024 14:20:00 Z", "2024-12-03T14:20:00Z" },
	{ "Tue, 03 Dec 2024 14:20:00", "2024-12-03T14:20:00Z" },          /* no zone: UTC */
	{ "Tue, 03 Dec 24 14:20:00 GMT", "2024-12-03T14:20:00Z" },        /* 2-digit year */
	{ "Thu, 01 Jan 04 19:48:21 GMT", "2004-01-01T19:48:21Z" },
	{ "Fri, 31 Dec 99 23:59:59 GMT", "1999-12-31T23:59:59Z" },        /* 99 -> 1999 */
	{ "Sat, 01 Jan 50 00:00:00 GMT", "1950-01-01T00:00:00Z" },
	{ "Tuesday, 03 December 2024 18:20:00 GMT", "2024-12-03T18:20:00Z" },
	{ "Tue, 03 Sept 2024 18:20:00 GMT", "2024-09-03T18:20:00Z" },
	{ "  Tue, 03 Dec 2024 18:20:00 GMT  ", "2024-12-03T18:20:00Z" },
	{ "Tue,03 Dec 2024 18:20:00 GMT", "2024-12-03T18:20:00Z" },
	{ "Tue, 03 Dec 2024 18:20:00 GMT+3", "2024-12-03T15:20:00Z" },
	{ "03-Dec-2024 18:20:00 +0000", "2024-12-03T18:20:00Z" },
	{ "Dec 3, 2024 6:20 PM", "2024-12-03T18:20:00Z" },
	{ "Dec 3, 2024 12:05 AM", "2024-12-03T00:05:00Z" },
	{ "Tue Dec  3 18:20:00 2024", "2024-12-03T18:20:00Z" },          /* asctime */
	{ "Tue, 29 Feb 2028 08:00:00 GMT", "2028-02-29T08:00:00Z" },     /* leap day */
	/* RFC 3339 / ISO 8601 / W3CDTF */
	{ "2024-12-03T18:20:00Z", "2024-12-03T18:20:00Z" },
	{ "2024-12-03T18:20:00+04:00", "2024-12-03T14:20:00Z" },
	{ "2024-12-03T18:20:00-03:30", "2024-12-03T21:50:00Z" },
	{ "2024-12-03T18:20:00.250+04:00", "2024-12-03T14:20:00Z" },
	{ "2024-12-03T18:20:00,5Z", "2024-12-03T18:20:00Z" },
	{ "2024-12-03t18:20:00z", "2024-12-03T18:20:00Z" },
	{ "2024-12-03T18:20Z", "2024-12-03T18:20:00Z" },
	{ "2024-12-03T18:20:00+0400", "2024-12-03T14:20:00Z" },
	{ "2024-12-03T18:20:00+04", "2024-12-03T14:20:00Z" },
	{ "2024-12-03T18:20:00", "2024-12-03T18:20:00Z" },
	{ "2024-12-03 18:20:00", "2024-12-03T18:20:00Z" },              /* space instead of T */
	{ "2024-12-03 18:20:00 +0300", "2024-12-03T15:20:00Z" },
	{ "2024-12-03", "2024-12-03T00:00:00Z" },                        /* partial W3CDTF */
	{ "2024-12", "2024-12-01T00:00:00Z" },
	{ "2024", "2024-01-01T00:00:00Z" },
	{ "2024-12-03T24:00:00Z", "2024-12-04T00:00:00Z" },
	{ "1969-07-20T20:17:40Z", "1969-07-20T20:17:40Z" },
	{ "2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z" },              /* leap second */
	{ "Thu, 01 Jan 2004 19:48:21 -0800 (PST)", "2004-01-02T03:48:21Z" }, /* RFC 822 comment */
	{ "Sunday, 06-Nov-94 08:49:37 GMT", "1994-11-06T08:49:37Z" },     /* RFC 850 */
	{ "2004-07-08 23:56:58.0", "2004-07-08T23:56:58Z" },            /* SQL timestamp */
	{ "20241203T182000Z", "2024-12-03T18:20:00Z" },                 /* ISO basic format */
	{ "20241203T1820+0400", "2024-12-03T14:20:00Z" },
	/* other common forms */
	{ "2024/12/03 18:20:00", "2024-12-03T18:20:00Z" },
	{ "2024/12/03", "2024-12-03T00:00:00Z" },
	{ "3 декабря 2024, 14:20", "2024-12-03T14:20:00Z" },
	{ "03 Декабря 2024 г. 14:20 +0300", "2024-12-03T11:20:00Z" },
	{ "1 мая 2024", "2024-05-01T00:00:00Z" },
	{ "8 марта 2024 10:00", "2024-03-08T10:00:00Z" },
	/* garbage and impossible dates: never a wrong date */
	{ "", NULL },
	{ "   ", NULL },
	{ "yesterday", NULL },
	{ "вчера в обед", NULL },
	{ "N/A", NULL },
	{ "0000-00-00 00:00:00", NULL },
	{ "2024-13-01", NULL },
	{ "2024-02-30", NULL },
	{ "2023-02-29T10:00:00Z", NULL },
	{ "Mon, 31 Feb 2024 10:00:00 GMT", NULL },
	{ "2024-12-03T25:00:00Z", NULL },
	{ "2024-12-03T18:61:00Z", NULL },
	{ "2024-12-03T18:20:00+25:00", NULL },
	{ "Tue, 32 Dec 2024 10:00:00 GMT", NULL },
	{ "12/03/2024", NULL },                                          /* DD/MM or MM/DD? */
	{ "Tue, 03 Foo 2024 18:20:00 GMT", NULL },
	{ "Tue, 03 Dec 2024 18:20:00 +0400 trailing words", NULL },
	{ "2024-12-03T18:20:00Zjunk", NULL },
	{ "20241203", NULL },
	{ "Dec 2024", NULL },
	{ "13:00", NULL },
	{ "Tue, 03 Dec 2024 13:00 PM", NULL },
};

int main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t t = pw_date_parse(cases[i].in);
		char got[21];
		pw_date_format_utc(t, got);
		if (cases[i].want)
			is_str(got, cases[i].want, "\"%s\"", cases[i].in);
		else
			ok(t == PW_NOTIME, "\"%s\" is not a date (got \"%s\")", cases[i].in, got);
	}
	ok(pw_date_parse(NULL) == PW_NOTIME, "NULL is not a date");
	char big[300];
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ok(pw_date_parse(big) == PW_NOTIME, "a 300-digit string is not a date");

	is_int(pw_days_from_civil(1970, 1, 1), 0, "days_from_civil epoch");
	is_int(pw_days_from_civil(2000, 3, 1), 11017, "days_from_civil 2000-03-01");
	is_int(pw_days_from_civil(1969, 12, 31), -1, "days_from_civil before the epoch");
	char out[21];
	pw_date_format_utc(PW_NOTIME, out);
	is_str(out, "", "PW_NOTIME formats as empty");
	pw_date_format_utc(-1, out);
	is_str(out, "1969-12-31T23:59:59Z", "negative times format");
	return done_testing();
}
