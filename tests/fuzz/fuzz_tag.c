/*
 * fuzz_tag.c -- libFuzzer target for the topic matcher and statement detection (feeds/tag.c).
 *
 * Build: ./configure CC=clang --enable-fuzzing CFLAGS="-g -O1 -fsanitize=fuzzer-no-link,address,undefined"
 * Run:   tests/fuzz/fuzz_tag -max_len=16384 tests/fixtures/tags/
 * Input: up to the first newline, the title; the rest, the text.  The rules are a fixed set
 * with prefixes, phrases, two groups and exclusions in several scripts.  Any crash, leak, hang
 * or sanitizer report is a bug; the snippet must stay within PW_TAG_SNIPPET_MAX code points.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pw_tagger *tagger(void)
{
	static struct pw_tagger *t;
	static char *k[] = { "Karabakh", "Qarabağ*", "Карабах*", "Ղարաբաղ*", "Nagorno Karabakh" };
	static char *e[] = { "election*", "выборы", "seçki*", "ընտրություն*" };
	static char *u[] = { "Ukrain*", "Украин*", "occupied territories", "новых регион*" };
	static char *none[] = { "Qarabağ FK", "football" };
	static char *names[] = { "Zakharova", "Захаров*", "Hacızadə" };
	static struct pw_topic_group g1[] = { { k, 5 } };
	static struct pw_topic_group g2[] = { { e, 4 }, { u, 4 } };
	static struct pw_topic_conf topics[2];
	char err[256];
	if (t)
		return t;
	topics[0].name = "karabakh";
	topics[0].alert = 1;
	topics[0].groups = g1;
	topics[0].ngroups = 1;
	topics[0].none = none;
	topics[0].nnone = 2;
	topics[1].name = "ua-elections";
	topics[1].alert = 1;
	topics[1].groups = g2;
	topics[1].ngroups = 2;
	t = pw_tagger_new(topics, 2, names, 3, err, sizeof(err));
	if (!t)
		abort();
	return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *nl = memchr(buf, '\n', size);
	char *text = NULL;
	if (nl) {
		*nl = '\0';
		text = nl + 1;
	}
	struct pw_tag_result r;
	pw_tag_item(tagger(), buf, text, &r);
	if (r.snippet) {
		size_t cps = 0;
		for (const char *p = r.snippet; *p; p++)
			cps += ((unsigned char)*p & 0xC0) != 0x80;
		if (cps > PW_TAG_SNIPPET_MAX)
			abort();
	}
	pw_tag_result_clear(&r);
	free(buf);
	return 0;
}
