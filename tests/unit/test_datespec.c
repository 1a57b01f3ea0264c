/* Unit tests: cli/datespec.c (--since / --until values). */

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "datespec.h"
#include "tap.h"

static const int64_t NOW = 1757757600; /* 2025-09-13T10:00:00Z */

static int64_t parse(const char *s, int utc, int eod)
{
	int64_t t = 0;
	return cli_parse_datespec(s, NOW, utc, eod, &t) == 0 ? t : -1;
}

int main(void)
{
	/* relative */
	is_int(parse("2d", 0, 0), NOW - 2 * 86400, "2d is two days before now");
	is_int(parse("12h", 0, 0), NOW - 12 * 3600, "12h is twelve hours before now");
	is_int(parse("30m", 0, 0), NOW - 30 * 60, "30m is minutes, not months");
	is_int(parse("1w", 0, 0), NOW - 7 * 86400, "1w is a week");
	is_int(parse("0h", 0, 0), NOW, "0h is now");
	is_int(parse("2d", 0, 1), NOW - 2 * 86400, "end_of_day does not touch relative values");

	/* absolute UTC */
	is_int(parse("2025-09-13", 1, 0), 1757721600, "date in UTC is its midnight");
	is_int(parse("2025-09-13T10:00", 1, 0), NOW, "date and time in UTC");
	is_int(parse("2025-09-13 10:00", 1, 0), NOW, "a space separates date and time too");
	is_int(parse("2025-09-13T10:00:30", 1, 0), NOW + 30, "seconds are accepted");
	is_int(parse("2025-09-13T10:00Z", 0, 0), NOW, "Z means UTC even without --utc");
	is_int(parse("2025-09-13T14:00+04:00", 0, 0), NOW, "+04:00 offset (Yerevan, Baku)");
	is_int(parse("2025-09-13T07:00-0300", 0, 0), NOW, "-0300 offset without colon");
	is_int(parse("2025-09-13", 1, 1), 1757721600 + 86400, "--until DATE ends at the next midnight");
	is_int(parse("2025-09-30", 1, 1), 1759190400 + 86400, "end of day rolls over the month end");
	is_int(parse("2024-12-31", 1, 1), 1735603200 + 86400, "and over the year end");
	is_int(parse("2025-09-13T10:00", 1, 1), NOW, "end_of_day leaves a time alone");
	is_int(parse("2024-02-29", 1, 0), 1709164800, "29 February of a leap year");
	is_int(parse("1970-01-01", 1, 0), 0, "the epoch");

	/* local time */
	setenv("TZ", "Asia/Yerevan", 1); /* UTC+4, no DST since 2012 */
	tzset();
	is_int(parse("2025-09-13T14:00", 0, 0), NOW, "local time: 14:00 in Yerevan is 10:00Z");
	is_int(parse("2025-09-13", 0, 0), 1757721600 - 4 * 3600, "local midnight");
	is_int(parse("2025-09-13", 0, 1), 1757721600 + 86400 - 4 * 3600, "local end of day");
	is_int(parse("2025-09-13T14:00", 1, 0), NOW + 4 * 3600, "--utc overrides TZ");
	setenv("TZ", "Europe/Kyiv", 1); /* DST ends 2025-10-26 */
	tzset();
	is_int(parse("2025-10-26", 0, 0), 1761426000, "local midnight in summer time (UTC+3)");
	is_int(parse("2025-10-26", 0, 1), 1761516000, "the day DST ends has 25 hours: ends at 22:00Z");

	/* rejected */
	const char *bad[] = { "", "2", "d", "2x", "2dd", "-2d", "2 d", "yesterday", "2025-9-13",
			      "2025-13-01", "2025-00-10", "2025-02-29", "2025-09-31", "2025-09-13T24:00",
			      "2025-09-13T10:60", "2025-09-13T10", "2025-09-13T10:00:61x", "2025-09-13X",
			      "2025/09/13", "1969-12-31", "2025-09-13T10:00+25:00", "99999999999999d",
			      "2025-09-13T10:00:5" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t t = 12345;
		ok(cli_parse_datespec(bad[i], NOW, 0, 0, &t) == -1 && t == 12345,
		   "rejects '%s' and leaves the output alone", bad[i]);
	}
	ok(cli_parse_datespec(NULL, NOW, 0, 0, &(int64_t){ 0 }) == -1, "rejects NULL");
	return done_testing();
}
