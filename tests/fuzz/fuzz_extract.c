/*
 * fuzz_extract.c -- libFuzzer target for pw_html_extract().
 *
 * Build: ./configure CC=clang --enable-fuzzing CFLAGS="-g -O1 -fsanitize=fuzzer-no-link,address,undefined"
 * Run:   tests/fuzz/fuzz_extract -max_len=65536 tests/fixtures/pages/
 * The first input byte picks the options (HTTP charset, page URL, size cap) so those paths are
 * fuzzed too; the rest is the page.  Any crash, leak, hang or sanitizer report is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <libxml/parser.h>

#include "html_extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const charsets[] = { NULL, "utf-8", "windows-1251", "koi8-r",
						"iso-8859-1", "utf-16", "bogus-charset" };
	struct pw_extract_opts o = { NULL, NULL, 0 };
	if (size > 0) {
		uint8_t sel = data[0];
		o.charset = charsets[sel % (sizeof charsets / sizeof charsets[0])];
		o.url = (sel & 0x10) ? "https://example.org/a/b/page.html?x=1" : NULL;
		o.max_bytes = (sel & 0x20) ? 4096 : 0;
		data++;
		size--;
	}
	struct pw_article a;
	char err[256];
	int st = pw_html_extract((const char *)data, size, &o, &a, err, sizeof err);
	if (st == PW_EXTRACT_OK) {
		/* Touch every string so sanitizers see bad lengths or missing terminators. */
		volatile size_t n = strlen(a.text);
		const char *s[] = { a.title, a.author, a.canonical_url, a.lang, a.site_name, a.image };
		for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
			if (s[i])
				n += strlen(s[i]);
		(void)n;
	}
	pw_article_free(&a);
	return 0;
}
