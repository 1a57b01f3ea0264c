/* Unit tests: cli/output.c (table, JSON lines and CSV writers). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "common.h"
#include "output.h"
#include "tap.h"

static const struct out_col cols[] = {
	{ "id", "ID", OUT_INT, 0, 0 },
	{ "published", "PUBLISHED", OUT_TIME, 0, 0 },
	{ "feed", "FEED", OUT_TEXT, 8, 0 },
	{ "title", "TITLE", OUT_TEXT, 24, OUT_FLEX },
	{ "url", "URL", OUT_TEXT, 0, OUT_JSON_ONLY },
};

/* Writes the same three rows in fmt; returns the output (caller frees). */
static char *render(enum out_format fmt, int utc, int width)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct out *o = out_new(fmt, f, cols, PW_ARRAY_SIZE(cols));
	out_set_utc(o, utc);
	out_set_width(o, width);
	out_int(o, 7);
	out_time(o, 1757757600);
	out_text(o, "oc-media");
	out_text(o, "Baku says \"talks\", then waits");
	out_text(o, "https://oc-media.org/a?x=1,2");
	out_end_row(o);
	out_int(o, 12);
	out_time(o, PW_NOTIME);
	out_text(o, "tass-ru-long-name");
	out_text(o, "Захарова: демарш Еревана\nнеприемлем");
	out_null(o);
	out_end_row(o);
	out_int(o, 1234);
	out_time(o, 1757721600);
	out_text(o, NULL);
	out_text(o, "日本語のニュース");
	out_end_row(o); /* url missing: filled as unknown */
	ok(out_rows(o) == 3, "three rows counted");
	ok(out_finish(o) == 0, "finish reports success");
	fclose(f);
	return text;
}

static void test_table(void)
{
	char *t = render(OUT_TABLE, 1, 0);
	is_str(t,
	       "  ID  PUBLISHED         FEED      TITLE\n"
	       "   7  2025-09-13 10:00  oc-media  Baku says \"talks\", then…\n"
	       "  12  -                 tass-ru…  Захарова: демарш Ереван…\n"
	       "1234  2025-09-13 00:00  -         日本語のニュース\n",
	       "table: widths from data, numbers right, long cells cut with …, newline shown as space");
	free(t);

	t = render(OUT_TABLE, 1, 48);
	is_str(t,
	       "  ID  PUBLISHED         FEED      TITLE\n"
	       "   7  2025-09-13 10:00  oc-media  Baku says \"ta…\n"
	       "  12  -                 tass-ru…  Захарова: дем…\n"
	       "1234  2025-09-13 00:00  -         日本語のニュ…\n",
	       "a 48-column terminal shrinks the flex column; wide characters count double");
	free(t);

	setenv("TZ", "Asia/Baku", 1);
	tzset();
	t = render(OUT_TABLE, 0, 0);
	ok(strstr(t, "2025-09-13 14:00") != NULL, "local time by default (Baku, UTC+4)");
	free(t);
}

static void test_json(void)
{
	char *t = render(OUT_JSON, 0, 0);
	is_str(t,
	       "{\"id\":7,\"published\":\"2025-09-13T10:00:00Z\",\"feed\":\"oc-media\","
	       "\"title\":\"Baku says \\\"talks\\\", then waits\",\"url\":\"https://oc-media.org/a?x=1,2\"}\n"
	       "{\"id\":12,\"published\":null,\"feed\":\"tass-ru-long-name\","
	       "\"title\":\"Захарова: демарш Еревана\\nнеприемлем\",\"url\":null}\n"
	       "{\"id\":1234,\"published\":\"2025-09-13T00:00:00Z\",\"feed\":null,"
	       "\"title\":\"日本語のニュース\",\"url\":null}\n",
	       "JSON: one object per line, store names, UTC ISO 8601, nulls, nothing cut");
	free(t);

	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct out *o = out_new(OUT_JSON, f, cols, 1);
	out_int(o, 3);
	struct pw_json *j = out_json(o);
	pw_json_key(j, "tags");
	pw_json_arr_begin(j);
	pw_json_str(j, "topic:karabakh");
	pw_json_arr_end(j);
	out_end_row(o);
	out_finish(o);
	fclose(f);
	is_str(text, "{\"id\":3,\"tags\":[\"topic:karabakh\"]}\n", "out_json adds nested values");
	free(text);
}

static void test_csv(void)
{
	char *t = render(OUT_CSV, 0, 0);
	is_str(t,
	       "id,published,feed,title,url\r\n"
	       "7,2025-09-13T10:00:00Z,oc-media,\"Baku says \"\"talks\"\", then waits\",\"https://oc-media.org/a?x=1,2\"\r\n"
	       "12,,tass-ru-long-name,\"Захарова: демарш Еревана\nнеприемлем\",\r\n"
	       "1234,2025-09-13T00:00:00Z,,日本語のニュース,\r\n",
	       "CSV: RFC 4180 quoting, CRLF, empty for unknown, every column");
	free(t);
}

static void test_fit(void)
{
	struct pw_buf b = PW_BUF_INIT;
	is_int(out_display_width("abc"), 3, "ASCII width");
	is_int(out_display_width("Ереван"), 6, "Cyrillic is one column per letter");
	is_int(out_display_width("日本"), 4, "CJK is two columns per character");
	is_int(out_display_width("e\xCC\x81"), 1, "a combining accent adds no column");
	is_int(out_display_width("a\xFF" "b"), 3, "an invalid byte counts one column");
	out_fit(&b, "a\xFF" "b", 5, 1);
	is_str(pw_buf_cstr(&b), "a\xEF\xBF\xBD" "b  ", "invalid byte shown as U+FFFD, padded");
	pw_buf_reset(&b);
	out_fit(&b, "日本語", 4, 1);
	is_str(pw_buf_cstr(&b), "日… ", "a wide character that does not fit is not split");
	pw_buf_reset(&b);
	out_fit(&b, "tab\there", 20, 0);
	is_str(pw_buf_cstr(&b), "tab here", "control characters become spaces");
	pw_buf_reset(&b);
	is_int(out_display_width("a\033[1mbc\033[22md"), 4, "terminal bold sequences take no column");
	out_fit(&b, "a\033[1mbc\033[22mdef", 4, 0);
	is_str(pw_buf_cstr(&b), "a\033[1mbc\033[22m\033[0m…", "a cut styled cell resets the style");
	pw_buf_free(&b);

	char s[32];
	out_format_time(PW_NOTIME, 1, s);
	is_str(s, "-", "unknown time shows as -");
	out_format_time(0, 1, s);
	is_str(s, "1970-01-01 00:00", "UTC formatting");
}

int main(void)
{
	test_table();
	test_json();
	test_csv();
	test_fit();
	return done_testing();
}
