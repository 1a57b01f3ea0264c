/*
 * fuzz_date.c -- libFuzzer target for the feed date parser (feeds/date.c).
 *
 * Build: CC=clang ./configure --enable-fuzzing   (make fuzz-smoke runs it)
 * Run:   tests/fuzz/fuzz_date -max_len=256 tests/fuzz/corpus/date
 * The input is one date string.  A parsed date must format back to a 20-character
 * "YYYY-MM-DDTHH:MM:SSZ" and parse again to the same instant; any crash, overflow (UBSan),
 * leak or broken round trip is a bug.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	int64_t t = pw_date_parse(s);
	free(s);
	if (t == PW_NOTIME)
		return 0;
	char out[21];
	pw_date_format_utc(t, out);
	/* years 0..9999 print in the fixed form; others (if the parser ever yields them) need not */
	if (t >= -62167219200LL && t <= 253402300799LL) {
		if (strlen(out) != 20 || out[19] != 'Z')
			abort();
		if (pw_date_parse(out) != t)
			abort();
	}
	return 0;
}
