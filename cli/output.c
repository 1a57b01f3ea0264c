/* output.c -- table / JSON lines / CSV writer for listing commands; see output.h. */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

#include "buf.h"
#include "common.h"
#include "json.h"
#include "output.h"
#include "xmalloc.h"

struct out {
	enum out_format fmt;
	FILE *f;
	const struct out_col *cols;
	size_t ncols;
	int utc;
	int width;       /* terminal width for OUT_FLEX; 0 = detect, -1 = do not fit */
	size_t col;      /* next column of the current row */
	size_t nrows;
	int failed;

	/* OUT_JSON / OUT_CSV: the row being built */
	struct pw_buf row;
	struct pw_json json;

	/* OUT_TABLE: every cell, display-ready, row-major (ncols per row; NULL = "-") */
	char **cells;
	size_t ncells, capcells;
};

/* ---- UTF-8 display widths -------------------------------------------------------------- */

/* Decodes one code point at s (len bytes left); returns bytes used (>= 1) and the code point,
 * or -1 in *cp for an invalid byte. */
static size_t next_cp(const char *s, size_t len, utf8proc_int32_t *cp)
{
	utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, cp);
	if (n <= 0) {
		*cp = -1;
		return 1;
	}
	return (size_t)n;
}

static int cp_width(utf8proc_int32_t cp)
{
	if (cp < 0 || cp < 0x20 || cp == 0x7f)
		return 1; /* shown as U+FFFD or a space */
	int w = utf8proc_charwidth(cp);
	if (w < 0)
		w = 1;
	/* charwidth is 0 for combining marks and format characters: they add no column. */
	return w;
}

/* Length of a terminal control sequence (ESC [ ... final) at s, 0 when there is none: such
 * sequences (bold search matches) take no column and are copied through. */
static size_t csi_len(const char *s, size_t len)
{
	if (len < 3 || s[0] != '\033' || s[1] != '[')
		return 0;
	for (size_t i = 2; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x40 && c <= 0x7e)
			return i + 1;
		if (c < 0x20 || c > 0x3f)
			return 0;
	}
	return 0;
}

int out_display_width(const char *s)
{
	int w = 0;
	size_t len = s ? strlen(s) : 0;
	for (size_t i = 0; i < len;) {
		size_t csi = csi_len(s + i, len - i);
		if (csi) {
			i += csi;
			continue;
		}
		utf8proc_int32_t cp;
		i += next_cp(s + i, len - i, &cp);
		w += cp_width(cp);
	}
	return w;
}

void out_fit(struct pw_buf *b, const char *s, int width, int pad)
{
	size_t len = s ? strlen(s) : 0;
	int total = out_display_width(s);
	int budget = total > width ? width - 1 : width; /* leave one column for the ellipsis */
	int used = 0, styled = 0;
	for (size_t i = 0; i < len;) {
		size_t csi = csi_len(s + i, len - i);
		if (csi) {
			pw_buf_append(b, s + i, csi);
			styled = 1;
			i += csi;
			continue;
		}
		utf8proc_int32_t cp;
		size_t n = next_cp(s + i, len - i, &cp);
		int w = cp_width(cp);
		if (used + w > budget)
			break;
		if (cp < 0)
			pw_buf_puts(b, "\xEF\xBF\xBD");
		else if (cp < 0x20 || cp == 0x7f)
			pw_buf_putc(b, ' ');
		else
			pw_buf_append(b, s + i, n);
		used += w;
		i += n;
	}
	if (total > width && width > 0) {
		if (styled)
			pw_buf_puts(b, "\033[0m"); /* a cut may have dropped the closing sequence */
		pw_buf_puts(b, "\xE2\x80\xA6"); /* … */
		used++;
	}
	if (pad)
		for (; used < width; used++)
			pw_buf_putc(b, ' ');
}

void out_format_time(int64_t t, int utc, char out[32])
{
	if (t == PW_NOTIME) {
		strcpy(out, "-");
		return;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	if ((utc ? gmtime_r(&tt, &tm) : localtime_r(&tt, &tm)) == NULL ||
	    strftime(out, 32, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, 32, "%" PRId64, t);
}

/* ---- construction ------------------------------------------------------------------------ */

static int visible(const struct out *o, size_t c)
{
	return o->fmt != OUT_TABLE || !(o->cols[c].flags & OUT_JSON_ONLY);
}

static void csv_field(struct pw_buf *b, const char *s)
{
	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\r\n") == NULL) {
		pw_buf_puts(b, s);
		return;
	}
	pw_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			pw_buf_putc(b, '"');
		pw_buf_putc(b, *s);
	}
	pw_buf_putc(b, '"');
}

static void flush_row(struct out *o)
{
	if (o->row.len && fwrite(o->row.data, 1, o->row.len, o->f) != o->row.len)
		o->failed = 1;
	pw_buf_reset(&o->row);
}

struct out *out_new(enum out_format fmt, FILE *f, const struct out_col *cols, size_t ncols)
{
	struct out *o = xcalloc(1, sizeof *o);
	o->fmt = fmt;
	o->f = f;
	o->cols = cols;
	o->ncols = ncols;
	if (fmt == OUT_CSV) {
		for (size_t c = 0; c < ncols; c++) {
			if (c)
				pw_buf_putc(&o->row, ',');
			csv_field(&o->row, cols[c].name);
		}
		pw_buf_puts(&o->row, "\r\n");
		flush_row(o);
	}
	return o;
}

void out_set_utc(struct out *o, int utc) { o->utc = utc; }
void out_set_width(struct out *o, int width) { o->width = width; }
size_t out_rows(const struct out *o) { return o->nrows; }

/* Starts the next cell: returns its column, or SIZE_MAX when the cell is not shown. */
static size_t begin_cell(struct out *o)
{
	size_t c = o->col++;
	if (c >= o->ncols)
		return SIZE_MAX; /* a caller bug: more cells than columns; ignore extras */
	if (o->fmt == OUT_JSON) {
		if (c == 0) {
			pw_json_init(&o->json, &o->row);
			pw_json_obj_begin(&o->json);
		}
		pw_json_key(&o->json, o->cols[c].name);
	} else if (o->fmt == OUT_CSV) {
		if (c)
			pw_buf_putc(&o->row, ',');
	} else if (!visible(o, c)) {
		return SIZE_MAX;
	}
	return c;
}

static void table_cell(struct out *o, char *owned)
{
	if (o->ncells == o->capcells) {
		o->capcells = o->capcells ? o->capcells * 2 : 64;
		o->cells = xreallocarray(o->cells, o->capcells, sizeof *o->cells);
	}
	o->cells[o->ncells++] = owned;
}

void out_text(struct out *o, const char *s)
{
	if (begin_cell(o) == SIZE_MAX)
		return;
	switch (o->fmt) {
	case OUT_JSON: pw_json_str(&o->json, s); break;
	case OUT_CSV: csv_field(&o->row, s); break;
	case OUT_TABLE: table_cell(o, s ? xstrdup(s) : NULL); break;
	}
}

void out_null(struct out *o)
{
	if (begin_cell(o) == SIZE_MAX)
		return;
	if (o->fmt == OUT_JSON)
		pw_json_null(&o->json);
	else if (o->fmt == OUT_TABLE)
		table_cell(o, NULL);
}

void out_int(struct out *o, int64_t v)
{
	if (begin_cell(o) == SIZE_MAX)
		return;
	switch (o->fmt) {
	case OUT_JSON: pw_json_int(&o->json, v); break;
	case OUT_CSV: pw_buf_printf(&o->row, "%" PRId64, v); break;
	case OUT_TABLE: table_cell(o, xasprintf("%" PRId64, v)); break;
	}
}

void out_int_or_null(struct out *o, int64_t v, int is_null)
{
	if (is_null)
		out_null(o);
	else
		out_int(o, v);
}

void out_real(struct out *o, double v)
{
	if (begin_cell(o) == SIZE_MAX)
		return;
	switch (o->fmt) {
	case OUT_JSON: pw_json_double(&o->json, v); break;
	case OUT_CSV: pw_buf_printf(&o->row, "%.6g", v); break;
	case OUT_TABLE: table_cell(o, xasprintf("%.2f", v)); break;
	}
}

void out_time(struct out *o, int64_t t)
{
	if (t == PW_NOTIME) {
		out_null(o);
		return;
	}
	if (begin_cell(o) == SIZE_MAX)
		return;
	char s[32];
	switch (o->fmt) {
	case OUT_JSON: pw_json_time(&o->json, t); break;
	case OUT_CSV: pw_format_iso8601(t, s); pw_buf_puts(&o->row, s); break;
	case OUT_TABLE: out_format_time(t, o->utc, s); table_cell(o, xstrdup(s)); break;
	}
}

struct pw_json *out_json(struct out *o)
{
	if (o->fmt != OUT_JSON)
		return NULL;
	if (o->col == 0) { /* a row made only of extras */
		pw_json_init(&o->json, &o->row);
		pw_json_obj_begin(&o->json);
		o->col = o->ncols;
	}
	return &o->json;
}

void out_end_row(struct out *o)
{
	/* Missing trailing cells become unknown, so every row has every column. */
	while (o->col < o->ncols)
		out_null(o);
	o->col = 0;
	o->nrows++;
	if (o->fmt == OUT_JSON) {
		pw_json_obj_end(&o->json);
		pw_buf_putc(&o->row, '\n');
		flush_row(o);
	} else if (o->fmt == OUT_CSV) {
		pw_buf_puts(&o->row, "\r\n");
		flush_row(o);
	}
}

/* ---- table rendering --------------------------------------------------------------------- */

static int terminal_width(struct out *o)
{
	if (o->width)
		return o->width;
	struct winsize ws;
	if (isatty(fileno(o->f)) && ioctl(fileno(o->f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return -1;
}

static void render_table(struct out *o)
{
	size_t nvis = 0, *vis = xcalloc(o->ncols, sizeof *vis);
	for (size_t c = 0; c < o->ncols; c++)
		if (visible(o, c))
			vis[nvis++] = c;
	if (nvis == 0 || o->nrows == 0) {
		free(vis);
		return;
	}
	int *w = xcalloc(nvis, sizeof *w);
	size_t flex = SIZE_MAX;
	for (size_t v = 0; v < nvis; v++) {
		const struct out_col *col = &o->cols[vis[v]];
		w[v] = out_display_width(col->header);
		for (size_t r = 0; r < o->nrows; r++) {
			const char *cell = o->cells[r * nvis + v];
			int cw = cell ? out_display_width(cell) : 1;
			if (cw > w[v])
				w[v] = cw;
		}
		if (col->max_width > 0 && w[v] > col->max_width)
			w[v] = col->max_width;
		if ((col->flags & OUT_FLEX) && flex == SIZE_MAX)
			flex = v;
	}
	int tw = terminal_width(o);
	if (flex != SIZE_MAX && tw > 0) {
		int total = 0;
		for (size_t v = 0; v < nvis; v++)
			total += w[v] + (v ? 2 : 0);
		if (total > tw) {
			int rest = total - w[flex];
			w[flex] = tw - rest > 12 ? tw - rest : 12;
		}
	}

	struct pw_buf line = PW_BUF_INIT;
	for (size_t r = 0; r <= o->nrows; r++) {
		pw_buf_reset(&line);
		for (size_t v = 0; v < nvis; v++) {
			const struct out_col *col = &o->cols[vis[v]];
			const char *cell = r == 0 ? col->header : o->cells[(r - 1) * nvis + v];
			if (cell == NULL)
				cell = "-";
			int right = col->type == OUT_INT || col->type == OUT_REAL ||
				    (col->flags & OUT_RIGHT);
			int last = v + 1 == nvis;
			if (v)
				pw_buf_puts(&line, "  ");
			if (right) {
				int cw = out_display_width(cell);
				for (int i = cw; i < w[v]; i++)
					pw_buf_putc(&line, ' ');
				out_fit(&line, cell, w[v], 0);
			} else {
				out_fit(&line, cell, w[v], !last);
			}
		}
		pw_buf_putc(&line, '\n');
		if (fwrite(line.data, 1, line.len, o->f) != line.len)
			o->failed = 1;
	}
	pw_buf_free(&line);
	free(w);
	free(vis);
}

int out_finish(struct out *o)
{
	if (o->col)
		out_end_row(o);
	if (o->fmt == OUT_TABLE)
		render_table(o);
	if (fflush(o->f) != 0 || ferror(o->f))
		o->failed = 1;
	int rc = o->failed ? -1 : 0;
	for (size_t i = 0; i < o->ncells; i++)
		free(o->cells[i]);
	free(o->cells);
	pw_buf_free(&o->row);
	free(o);
	return rc;
}
