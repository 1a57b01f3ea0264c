/*
 * datespec.h -- the --since / --until arguments of the presswatch command.
 *
 * Accepted forms (what people type, nothing clever):
 *   relative   N followed by a unit: 30m (minutes), 12h, 2d, 3w -- that long before `now`
 *   date       2025-09-13                  -- midnight at the start of that day
 *   date+time  2025-09-13T10:00, 2025-09-13 10:00, 2025-09-13T10:00:30
 *   with zone  any absolute form ending in Z (UTC) or +HH:MM / -HH:MM
 * Absolute forms without a zone are local time, or UTC when `utc` is set (the --utc switch).
 *
 * With end_of_day set (--until), a bare date means the end of that day: the result is the next
 * day's midnight, and callers compare with `<`.  Times and relative forms are unaffected.
 *
 * Pure: no I/O, no global state beyond the process's TZ; unit-tested in tests/unit/test_datespec.c.
 */
#ifndef PW_CLI_DATESPEC_H
#define PW_CLI_DATESPEC_H

#include <stdint.h>

/* 0 and *out = seconds since the epoch (UTC); -1 when s is not one of the forms above (or
 * names an impossible date such as 2025-02-30). */
int cli_parse_datespec(const char *s, int64_t now, int utc, int end_of_day, int64_t *out);

/* The accepted forms, for error messages. */
#define CLI_DATESPEC_HELP "2d, 12h, 30m, 2025-09-13, 2025-09-13T10:00 or 2025-09-13T10:00Z"

#endif
