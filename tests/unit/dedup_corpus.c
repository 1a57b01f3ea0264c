/* dedup_corpus.c -- see dedup_corpus.h. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "dedup_corpus.h"
#include "store.h"
#include "store_dedup.h"
#include "story.h"
#include "xmalloc.h"

char *dc_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 4096, n = 0;
	char *b = xmalloc(cap);
	size_t r;
	while ((r = fread(b + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (cap - n < 2) {
			cap *= 2;
			b = xrealloc(b, cap);
		}
	}
	fclose(f);
	b[n] = '\0';
	if (len)
		*len = n;
	return b;
}

char *dc_default_dir(void)
{
	const char *top = getenv("top_srcdir");
	return xasprintf("%s/tests/fixtures/dedup", top && *top ? top : ".");
}

static int64_t parse_date(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec) != 6)
		return PW_NOTIME;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

static int find(const struct dc_corpus *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->a[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int load_article(const char *dir, const char *name, struct dc_article *a)
{
	char *path = xasprintf("%s/articles/%s.txt", dir, name);
	char *s = dc_slurp(path, NULL);
	if (s == NULL) {
		fprintf(stderr, "dedup corpus: cannot read %s\n", path);
		free(path);
		return -1;
	}
	free(path);
	memset(a, 0, sizeof *a);
	a->name = xstrdup(name);
	a->published = PW_NOTIME;
	char *p = s;
	for (;;) {
		char *nl = strchr(p, '\n');
		if (nl == NULL || nl == p) {
			p = nl ? nl + 1 : p + strlen(p);
			break;
		}
		*nl = '\0';
		if (strncmp(p, "Title: ", 7) == 0)
			a->title = xstrdup(p + 7);
		else if (strncmp(p, "Outlet: ", 8) == 0)
			a->outlet = xstrdup(p + 8);
		else if (strncmp(p, "Date: ", 6) == 0)
			a->published = parse_date(p + 6);
		p = nl + 1;
	}
	a->body = xstrdup(p);
	if (a->title == NULL)
		a->title = xstrdup("");
	if (a->outlet == NULL)
		a->outlet = xstrdup("");
	free(s);
	return 0;
}

int dc_load(const char *dir, struct dc_corpus *c)
{
	memset(c, 0, sizeof *c);
	char *path = xasprintf("%s/labels.txt", dir);
	char *s = dc_slurp(path, NULL);
	if (s == NULL) {
		fprintf(stderr, "dedup corpus: cannot read %s\n", path);
		free(path);
		return -1;
	}
	free(path);
	int rc = 0;
	char *save = NULL;
	for (char *line = strtok_r(s, "\n", &save); line && rc == 0; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char *words[64] = { NULL };
		int nw = 0;
		char *ws = NULL;
		for (char *w = strtok_r(line, " \t", &ws); w && nw < 64; w = strtok_r(NULL, " \t", &ws))
			words[nw++] = w;
		if (nw == 0)
			continue;
		if (strcmp(words[0], "story") == 0 && nw >= 3) {
			c->stories = xreallocarray(c->stories, c->nstories + 1, sizeof *c->stories);
			c->stories[c->nstories] = xstrdup(words[1]);
			for (int i = 2; i < nw && rc == 0; i++) {
				if (find(c, words[i]) >= 0) {
					fprintf(stderr, "dedup corpus: %s is in two stories\n", words[i]);
					rc = -1;
					break;
				}
				c->a = xreallocarray(c->a, c->n + 1, sizeof *c->a);
				if (load_article(dir, words[i], &c->a[c->n]) < 0) {
					rc = -1;
					break;
				}
				c->a[c->n].dupgroup = (int)c->n;
				c->a[c->n++].story = (int)c->nstories;
			}
			c->nstories++;
		} else if ((strcmp(words[0], "dup") == 0 || strcmp(words[0], "dup-hard") == 0 ||
			    strcmp(words[0], "pair") == 0) && nw == 4) {
			int a = find(c, words[1]), b = find(c, words[2]);
			if (a < 0 || b < 0) {
				fprintf(stderr, "dedup corpus: %s line names an article without a story: %s %s\n",
					words[0], words[1], words[2]);
				rc = -1;
				break;
			}
			c->pairs = xreallocarray(c->pairs, c->npairs + 1, sizeof *c->pairs);
			c->pairs[c->npairs].a = a;
			c->pairs[c->npairs].b = b;
			c->pairs[c->npairs].dup = words[0][0] != 'd' ? 0 : strchr(words[0], '-') ? 2 : 1;
			if (c->pairs[c->npairs].dup) {
				/* merge the two dup groups */
				int from = c->a[b].dupgroup, to = c->a[a].dupgroup;
				for (size_t i = 0; i < c->n; i++)
					if (c->a[i].dupgroup == from)
						c->a[i].dupgroup = to;
			}
			c->pairs[c->npairs].kind = xstrdup(words[3]);
			c->npairs++;
		} else {
			fprintf(stderr, "dedup corpus: bad label line starting '%s'\n", words[0]);
			rc = -1;
		}
	}
	free(s);
	if (rc < 0)
		dc_free(c);
	return rc;
}

void dc_free(struct dc_corpus *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->a[i].name);
		free(c->a[i].title);
		free(c->a[i].outlet);
		free(c->a[i].body);
	}
	free(c->a);
	for (size_t i = 0; i < c->nstories; i++)
		free(c->stories[i]);
	free(c->stories);
	for (size_t i = 0; i < c->npairs; i++)
		free(c->pairs[i].kind);
	free(c->pairs);
	memset(c, 0, sizeof *c);
}

int dc_is_dup(const struct dc_corpus *c, int a, int b)
{
	return a != b && c->a[a].dupgroup == c->a[b].dupgroup;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int dc_seed_files(char **dir, char *names[DC_MAX_SEEDS], size_t *n)
{
	const char *shared = getenv("PW_SHARED");
	*n = 0;
	*dir = xasprintf("%s/seeds", shared && *shared ? shared : "../shared");
	DIR *dh = opendir(*dir);
	if (dh == NULL) {
		free(*dir);
		*dir = NULL;
		return -1;
	}
	struct dirent *de;
	while ((de = readdir(dh)) != NULL && *n < DC_MAX_SEEDS) {
		size_t l = strlen(de->d_name);
		if (l > 4 && strcmp(de->d_name + l - 4, ".txt") == 0 && de->d_name[0] >= '0' && de->d_name[0] <= '9')
			names[(*n)++] = xstrdup(de->d_name);
	}
	closedir(dh);
	qsort(names, *n, sizeof *names, cmp_name);
	return 0;
}

int dc_next_perm(size_t *p, size_t n)
{
	size_t i = n - 1;
	while (i > 0 && p[i - 1] >= p[i])
		i--;
	if (i == 0)
		return 0;
	size_t j = n - 1;
	while (p[j] <= p[i - 1])
		j--;
	size_t tmp = p[i - 1];
	p[i - 1] = p[j];
	p[j] = tmp;
	for (size_t a = i, b = n - 1; a < b; a++, b--) {
		tmp = p[a];
		p[a] = p[b];
		p[b] = tmp;
	}
	return 1;
}

int64_t dc_add_item(struct pw_store *s, int64_t feed, const char *guid, const char *title, const char *body,
		    int64_t when, const struct pw_dedup_conf *conf, struct pw_dedup_result *r)
{
	struct pw_item it;
	memset(&it, 0, sizeof it);
	it.feed_id = feed;
	it.guid = guid;
	it.title = title;
	it.body = body;
	it.published = when;
	it.fetched = when;
	if (pw_store_begin(s) < 0)
		return -1;
	if (pw_store_item_insert(s, &it) != 1 || pw_dedup_assign(s, it.id, title, body, when, conf, r) < 0) {
		pw_store_rollback(s);
		return -1;
	}
	if (pw_store_commit(s) < 0)
		return -1;
	return it.id;
}

int dc_before(const struct dc_corpus *c, size_t a, size_t b)
{
	int64_t ta = c->a[a].published, tb = c->a[b].published;
	return ta != tb ? ta < tb : a < b;
}

void dc_time_order(const struct dc_corpus *c, size_t *order)
{
	/* insertion sort: a few dozen articles */
	for (size_t i = 0; i < c->n; i++) {
		size_t j = i;
		for (; j > 0 && dc_before(c, i, order[j - 1]); j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
}

int dc_has_term(const struct pw_doc_terms *d, uint64_t id)
{
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t m = (lo + hi) / 2;
		if (d->v[m].id < id)
			lo = m + 1;
		else
			hi = m;
	}
	return lo < d->n && d->v[lo].id == id;
}
