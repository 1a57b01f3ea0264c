/*
 * fuzz_url.c -- libFuzzer target for the URL resolver and canonicaliser (feeds/url.c).
 *
 * Build: CC=clang ./configure --enable-fuzzing   (make fuzz-smoke runs it)
 * Run:   tests/fuzz/fuzz_url -max_len=1024 tests/fuzz/corpus/url
 * The input is "BASE\nREF" (no newline: the whole input is the ref, with a fixed base).  The
 * ref is resolved against the base and the result canonicalised, twice.  Any crash, leak or
 * sanitizer report is a bug; with PW_FUZZ_URL_STRICT=1 so is a canonical form that is not its
 * own canonical form.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int strict = -1;
	if (strict < 0)
		strict = getenv("PW_FUZZ_URL_STRICT") != NULL;
	char *in = malloc(size + 1);
	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	const char *base = "https://news.example/world/2024/12/index.html?page=2";
	char *ref = in;
	char *nl = memchr(in, '\n', size);
	if (nl) {
		*nl = '\0';
		base = in;
		ref = nl + 1;
	}
	(void)pw_url_is_absolute(ref);
	char *abs = pw_url_resolve(base, ref);
	if (!abs)
		abort(); /* only a NULL ref gives NULL */
	char *canon = pw_url_canonical(abs);
	if (canon) {
		/* Canonicalising again must not crash; that it gives the same string is the goal
		 * (the corpus's regress-* inputs were such findings, now fixed) but malformed hosts
		 * can still differ, so it is not asserted here (set PW_FUZZ_URL_STRICT=1 to). */
		char *again = pw_url_canonical(canon);
		if (strict && (!again || strcmp(again, canon) != 0))
			abort();
		free(again);
	}
	free(canon);
	free(abs);
	free(in);
	return 0;
}
