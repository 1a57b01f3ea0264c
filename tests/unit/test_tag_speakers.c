/*
 * test_tag_speakers.c -- one speaker per person or role per item (feeds/tag.c).
 *
 * The items in tests/fixtures/tags/speakers/cases.tsv quote one official or role several
 * times in different case forms (Захарова, Захаровой, Захарову; Речник МЗС, речника МЗС;
 * Zakharova, Zakharova's; Prezident, Prezidenti; Փաշինյանը, Փաշինյանի), or two that must stay
 * apart (министр and министерство, президент and помощник президента); each line names the
 * exact speaker list pw_tag_item() must report, in order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "common.h"
#include "config.h"
#include "tag.h"
#include "tap.h"
#include "xmalloc.h"

/* Named officials as presswatch.conf [statements] speakers would list them: full names
 * (reported as written here) and stems (reported as first written in the item). */
static char *speakers[] = {
	"Zakharova", "Maria  Zakharova", "Peskov", "Zelensky", "Hacızadə", "Захаров*", "Песков*",
	"Зеленск*", "Зеленськ*", "Փաշինյան*", "Paşinyan",
};

static char *speaker_list(const struct pw_tag_result *r)
{
	struct pw_buf b = PW_BUF_INIT;
	for (size_t i = 0; i < r->nspeakers; i++)
		pw_buf_printf(&b, "%s%s", i ? " | " : "", r->speakers[i]);
	return pw_buf_detach(&b);
}

/* One line of cases.tsv; returns the number of assertions made. */
static int check_case(const struct pw_tagger *t, char *line)
{
	char *f[4];
	size_t n = 0;
	for (char *p = line; n < 4; n++) {
		f[n] = p;
		p = strchr(p, '\t');
		if (!p) {
			n++;
			break;
		}
		*p++ = '\0';
	}
	if (!ok(n == 4, "cases.tsv: 4 fields in \"%s\"", f[0]))
		return 1;
	const char *title = strcmp(f[1], "-") ? f[1] : NULL;
	struct pw_tag_result r;
	pw_tag_item(t, title, f[2], &r);
	char *got = speaker_list(&r);
	ok(r.statement == 1, "%s: a statement", f[0]);
	is_str(got, f[3], "%s: speakers", f[0]);
	free(got);
	pw_tag_result_clear(&r);
	return 2;
}

int main(void)
{
	char err[512];
	const char *top = getenv("top_srcdir");
	char *path = xasprintf("%s/tests/fixtures/tags/speakers/cases.tsv", top ? top : ".");
	char *tsv = pw_read_file(path, NULL);
	free(path);

	struct pw_tagger *t = pw_tagger_new(NULL, 0, speakers, PW_ARRAY_SIZE(speakers), err, sizeof(err));
	if (!ok(t != NULL, "tagger with the test's speakers") || !ok(tsv != NULL, "cases.tsv readable")) {
		pw_tagger_free(t);
		free(tsv);
		return done_testing();
	}
	int checks = 0;
	for (char *p = tsv, *nl; *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (*p && *p != '#')
			checks += check_case(t, p);
	}
	ok(checks >= 50, "cases.tsv: %d checks", checks);

	/* a name reported as configured holds the configured whitespace collapsed */
	struct pw_tag_result r;
	pw_tag_item(t, NULL, "Maria Zakharova said the note was delivered.", &r);
	ok(r.nspeakers == 1 && !strcmp(r.speakers[0], "Maria Zakharova"), "configured name, spaces collapsed");
	pw_tag_result_clear(&r);

	pw_tagger_free(t);
	free(tsv);
	return done_testing();
}
