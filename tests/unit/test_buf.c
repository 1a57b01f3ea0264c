/* Unit tests: buf.c, json.c, xmalloc.c. */

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "common.h"
#include "json.h"
#include "tap.h"
#include "xmalloc.h"

static void test_buf(void)
{
	struct pw_buf b = PW_BUF_INIT;
	is_str(pw_buf_cstr(&b), "", "empty buffer reads as empty string");
	for (int i = 0; i < 1000; i++)
		pw_buf_putc(&b, 'a' + i % 26);
	is_int(b.len, 1000, "putc grows the buffer");
	ok(b.data[1000] == '\0', "buffer stays NUL-terminated");
	pw_buf_reset(&b);
	pw_buf_printf(&b, "%d-%s", 42, "x");
	is_str(pw_buf_cstr(&b), "42-x", "printf appends formatted text");
	pw_buf_truncate(&b, 2);
	is_str(pw_buf_cstr(&b), "42", "truncate shortens");
	char *s = pw_buf_detach(&b);
	is_str(s, "42", "detach hands over the string");
	ok(b.data == NULL && b.len == 0, "detach resets the buffer");
	free(s);
	s = pw_buf_detach(&b);
	is_str(s, "", "detach of an empty buffer gives an owned empty string");
	free(s);
}

static void test_json(void)
{
	struct pw_buf b = PW_BUF_INIT;
	struct pw_json j;
	pw_json_init(&j, &b);
	pw_json_obj_begin(&j);
	pw_json_key(&j, "a");
	pw_json_str(&j, "q\"\\\n\x01");
	pw_json_key(&j, "n");
	pw_json_int(&j, -5);
	pw_json_key(&j, "l");
	pw_json_arr_begin(&j);
	pw_json_str(&j, NULL);
	pw_json_bool(&j, 1);
	pw_json_time(&j, 0);
	pw_json_time(&j, PW_NOTIME);
	pw_json_arr_end(&j);
	pw_json_key(&j, "e");
	pw_json_obj_begin(&j);
	pw_json_obj_end(&j);
	pw_json_obj_end(&j);
	is_str(pw_buf_cstr(&b),
	       "{\"a\":\"q\\\"\\\\\\n\\u0001\",\"n\":-5,\"l\":[null,true,\"1970-01-01T00:00:00Z\",null],\"e\":{}}",
	       "nested JSON with escapes and commas");
	pw_buf_reset(&b);
	pw_json_quote(&b, "\xD0\x9A\xFF\xC3(", 5);
	is_str(pw_buf_cstr(&b), "\"\xD0\x9A\xEF\xBF\xBD\xEF\xBF\xBD(\"", "invalid UTF-8 becomes U+FFFD, valid kept");
	pw_buf_free(&b);
}

static void test_xmalloc(void)
{
	char *s = xasprintf("%s/%d", "feed", 7);
	is_str(s, "feed/7", "xasprintf formats");
	free(s);
	s = xstrndup("abcdef", 3);
	is_str(s, "abc", "xstrndup copies at most n bytes");
	free(s);
}

int main(void)
{
	test_buf();
	test_json();
	test_xmalloc();
	return done_testing();
}
