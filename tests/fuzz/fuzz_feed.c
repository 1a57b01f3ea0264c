/*
 * fuzz_feed.c -- libFuzzer target for the streaming feed parser.
 *
 * Build: ./configure CC=clang --enable-fuzzing CFLAGS="-g -O1 -fsanitize=fuzzer-no-link,address,undefined"
 * Run:   tests/fuzz/fuzz_feed -max_len=65536 tests/fixtures/feeds/
 * The first input byte picks the options (HTTP charset, base URL, caps) and the push size, so
 * chunk boundaries and the caps are fuzzed too; the rest is the body.  The seed corpus is
 * tests/fixtures/feeds/.  Any crash, leak, hang or sanitizer report is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libxml/parser.h>

#include "feed_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	return 0;
}

static void touch(struct pw_feed_item *it, void *arg)
{
	/* Read every string so sanitizers see bad lengths or missing terminators. */
	volatile size_t n = strlen(it->guid);
	const char *s[] = { it->link, it->title, it->summary, it->content, it->author, it->language };
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		if (s[i])
			n += strlen(s[i]);
	for (size_t i = 0; i < it->ncategories; i++)
		n += strlen(it->categories[i]);
	for (size_t i = 0; i < it->nenclosures; i++)
		n += strlen(it->enclosures[i]);
	(void)n;
	(*(size_t *)arg)++;
	pw_feed_item_free(it);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const charsets[] = { NULL, "utf-8", "windows-1251", "koi8-r",
						"iso-8859-1", "utf-16", "bogus-charset", "gb2312" };
	static const size_t chunks[] = { 0, 1, 3, 4096 };
	struct pw_feed_parse_opts o;
	memset(&o, 0, sizeof o);
	size_t chunk = 0;
	if (size > 0) {
		uint8_t sel = data[0];
		o.charset = charsets[sel & 7];
		o.base_url = (sel & 0x08) ? "https://feeds.example/a/b/feed.xml?x=1" : NULL;
		o.max_field = (sel & 0x10) ? 64 : 0;
		o.max_items = (sel & 0x20) ? 3 : 0;
		chunk = chunks[(sel >> 6) & 3];
		data++;
		size--;
	}
	size_t nitems = 0;
	struct pw_feed_parser *p = pw_feed_parser_new(&o, touch, &nitems);
	if (!chunk)
		chunk = size ? size : 1;
	for (size_t off = 0; off < size; off += chunk)
		if (pw_feed_parser_push(p, (const char *)data + off, size - off < chunk ? size - off : chunk) < 0)
			break;
	pw_feed_parser_finish(p);
	const struct pw_feed_info *info = pw_feed_parser_info(p);
	volatile size_t n = strlen(pw_feed_parser_error(p));
	if (info->title)
		n += strlen(info->title);
	if (info->link)
		n += strlen(info->link);
	(void)n;
	pw_feed_parser_free(p);
	return 0;
}
