/*
 * fuzz_url.c -- libFuzzer target for the URL resolver and canonicaliser (feeds/url.c).
 *
 * Build: CC=clang ./configure --enable-fuzzing   (make fuzz-smoke runs it)
 * Run:   tests/fuzz/fuzz_url -max_len=1024 tests/fuzz/corpus/url
 * The input is "BASE\nREF" (no newline: the whole input is the ref, with a fixed base).  The
 * ref is canonicalised as it is and once resolved against the base.  Any crash, leak or
 * sanitizer report is a bug, and so is a canonical form that is not its own canonical form
 * or that holds anything but printable ASCII without spaces (the contract in url.h); the
 * corpus's regress-* inputs were such findings, now fixed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless canonical(s) is NULL or a printable fixed point of pw_url_canonical(). */
static void check_canonical(const char *s)
{
	char *canon = pw_url_canonical(s);
	if (!canon)
		return;
	for (const char *p = canon; *p; p++)
		if (*p <= ' ' || *p > '~')
			abort();
	char *again = pw_url_canonical(canon);
	if (!again || strcmp(again, canon) != 0)
		abort();
	free(again);
	free(canon);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
	check_canonical(abs);
	check_canonical(ref);
	free(abs);
	free(in);
	return 0;
}
