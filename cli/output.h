/*
 * output.h -- the one writer behind every listing command (items, search, feeds, stats,
 * stories, alerts): an aligned table for people, JSON lines or CSV for scripts.
 *
 * Usage: describe the columns once, then feed cells row by row in column order:
 *
 *	static const struct out_col cols[] = {
 *		{ "id", "ID", OUT_INT, 0, 0 },
 *		{ "published", "PUBLISHED", OUT_TIME, 0, 0 },
 *		{ "title", "TITLE", OUT_TEXT, 60, OUT_FLEX },
 *	};
 *	struct out *o = out_new(fmt, stdout, cols, PW_ARRAY_SIZE(cols));
 *	out_int(o, 42); out_time(o, t); out_text(o, "Title"); out_end_row(o);
 *	return out_finish(o);
 *
 * Formats:
 *  - OUT_TABLE: buffered until out_finish(), then printed with column widths computed from the
 *    data (UTF-8 display widths, so Cyrillic and CJK line up); cells wider than the column's
 *    max_width are cut with "…"; control characters show as spaces.  On a terminal the OUT_FLEX
 *    column shrinks (or grows up to max_width) to fit the terminal width.  Times are local
 *    time "YYYY-MM-DD HH:MM", or UTC with out_set_utc(); unknown values show as "-".
 *  - OUT_JSON: one object per row and line, keys = column names (the store's column names),
 *    times as ISO 8601 UTC strings, unknown values as null.  Written as each row ends.
 *  - OUT_CSV: RFC 4180 -- a header line of column names, fields quoted when they contain a
 *    comma, quote, CR or LF (quotes doubled), CRLF line ends; times ISO 8601 UTC; null = empty.
 *
 * Columns flagged OUT_JSON_ONLY appear in JSON and CSV output but not in the table.  A command
 * can add nested values to a JSON row through out_json() (NULL in other formats).
 *
 * Ownership: out_new() copies nothing from cols (it must outlive the struct out -- use static
 * arrays); cell strings are copied.  out_finish() frees everything and returns 0, or -1 when
 * writing failed (e.g. a closed pipe).
 */
#ifndef PW_CLI_OUTPUT_H
#define PW_CLI_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

enum out_format { OUT_TABLE = 0, OUT_JSON, OUT_CSV };
enum out_type { OUT_TEXT = 0, OUT_INT, OUT_TIME, OUT_REAL };

#define OUT_FLEX 1       /* this column absorbs the terminal width (at most one per table) */
#define OUT_JSON_ONLY 2  /* machine formats only */
#define OUT_RIGHT 4      /* right-align in the table (default for numbers) */

struct out_col {
	const char *name;    /* JSON key / CSV header: the store's column name */
	const char *header;  /* table header */
	enum out_type type;
	int max_width;       /* table: cut longer cells (display columns); 0 = no limit */
	int flags;
};

struct out;

struct out *out_new(enum out_format fmt, FILE *f, const struct out_col *cols, size_t ncols);
/* Show times in UTC in the table (JSON and CSV always use UTC). */
void out_set_utc(struct out *o, int utc);
/* Override the terminal width used for OUT_FLEX (tests; 0 = detect: a terminal's width, or no
 * fitting when f is not a terminal). */
void out_set_width(struct out *o, int width);

void out_text(struct out *o, const char *s);   /* NULL = unknown */
void out_int(struct out *o, int64_t v);
void out_int_or_null(struct out *o, int64_t v, int is_null);
void out_time(struct out *o, int64_t t);       /* PW_NOTIME = unknown */
void out_real(struct out *o, double v);
void out_null(struct out *o);
/* JSON rows only: the writer positioned after the row's cells, for extra keys; else NULL. */
struct pw_json *out_json(struct out *o);
void out_end_row(struct out *o);
size_t out_rows(const struct out *o);
int out_finish(struct out *o);

/* --- helpers shared with commands that print free-form text (show, stats) ----------------- */
/* Display width of a UTF-8 string (invalid bytes count 1, control characters 1). */
int out_display_width(const char *s);
/* Appends s to b cut to at most width display columns ("…" marks a cut; control characters
 * become spaces), padded with spaces to exactly width when pad is set. */
struct pw_buf;
void out_fit(struct pw_buf *b, const char *s, int width, int pad);
/* Formats t for people: local time (or UTC when utc) "YYYY-MM-DD HH:MM"; "-" for PW_NOTIME. */
void out_format_time(int64_t t, int utc, char out[32]);

#endif
