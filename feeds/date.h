/*
 * date.h -- parse the dates found in feeds.
 *
 * Accepts RFC 822/1123/2822 (with 2- or 4-digit years, named or numeric zones, missing
 * weekday or seconds), RFC 3339 / ISO 8601 / W3CDTF (including partial forms: "2004",
 * "2004-02", "2004-02-28", "2004-02-28T18:14"), and common broken forms (ISO with a space,
 * asctime, "2004/02/28 18:14:55", day-month-year with month names).  A time without a zone
 * is taken as UTC.
 */
#ifndef PW_DATE_H
#define PW_DATE_H

#include <stdint.h>

#include "common.h"

/* UTC seconds since the epoch, or PW_NOTIME when s is NULL or unparseable. */
int64_t pw_date_parse(const char *s);

/* Days since 1970-01-01 for a proleptic Gregorian date (month 1..12); no range check. */
int64_t pw_days_from_civil(int64_t y, int m, int d);

/* Formats t as "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes); "" for PW_NOTIME. */
void pw_date_format_utc(int64_t t, char out[21]);

#endif
