/*
 * cmd_similar.c -- `presswatch similar A B`: how near-duplicate detection and story grouping see
 * two texts.  A and B are item ids of the store, or files: plain text, or a
 * "Title:/Outlet:/Date:" header block, a blank line, then the text (the format of
 * tests/fixtures/dedup).  An argument that is all digits and not a file is an item id.
 *
 * IDF: with an item id, from the store's document frequencies (what the daemon used);
 * with --background DIR from the *.txt files in DIR; otherwise every term weighs by its kind
 * alone (there are no document frequencies for two files).
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cli.h"
#include "common.h"
#include "cli_store.h"
#include "json.h"
#include "store.h"
#include "store_dedup.h"
#include "store_query.h"
#include "shingle.h"
#include "story.h"
#include "text.h"
#include "xmalloc.h"

#define MAX_FILE (16 * 1024 * 1024)
#define STR_(x) #x
#define STR(x) STR_(x)

struct doc {
	const char *path;
	char *title, *text; /* title and text point into the file buffer */
	int64_t published;  /* Date: header, PW_NOTIME when absent */
	char *file;
	int64_t item_id;    /* 0: a file */
	int64_t stored_dup_of, stored_story;
	size_t ntokens;
	uint64_t *set;
	size_t nset;
	struct pw_minhash mh;
	struct pw_doc_terms terms;
	struct pw_story_vec vec;
};

static int read_file(const char *path, char **out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open: %m", path);
		return -1;
	}
	struct pw_buf b = PW_BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > MAX_FILE) {
			snprintf(err, errlen, "%s: larger than %d MB", path, MAX_FILE >> 20);
			fclose(f);
			pw_buf_free(&b);
			return -1;
		}
		pw_buf_append(&b, chunk, n);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		snprintf(err, errlen, "%s: read error", path);
		pw_buf_free(&b);
		return -1;
	}
	*out = pw_buf_detach(&b);
	return 0;
}

/* Splits an optional "Title: ..." header block off the file. */
static void split_header(struct doc *d)
{
	char *p = d->file;
	d->title = NULL;
	d->text = p;
	d->published = PW_NOTIME;
	if (strncmp(p, "Title: ", 7) != 0)
		return;
	for (;;) {
		char *nl = strchr(p, '\n');
		if (nl == NULL)
			return; /* header without a blank line: treat it all as text */
		if (nl == p) {
			d->text = nl + 1;
			return;
		}
		*nl = '\0';
		if (strncmp(p, "Title: ", 7) == 0) {
			d->title = p + 7;
		} else if (strncmp(p, "Date: ", 6) == 0) {
			struct tm tm;
			memset(&tm, 0, sizeof tm);
			if (sscanf(p + 6, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
				   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6) {
				tm.tm_year -= 1900;
				tm.tm_mon -= 1;
				d->published = (int64_t)timegm(&tm);
			}
		}
		p = nl + 1;
	}
}

struct background {
	struct pw_doc_terms *docs;
	size_t n;
};

static int bg_lookup(void *arg, const uint64_t *ids, size_t n, int64_t *df)
{
	const struct background *bg = arg;
	for (size_t i = 0; i < n; i++) {
		df[i] = 0;
		for (size_t d = 0; d < bg->n; d++) {
			const struct pw_doc_terms *x = &bg->docs[d];
			size_t lo = 0, hi = x->n;
			while (lo < hi) {
				size_t m = (lo + hi) / 2;
				if (x->v[m].id < ids[i])
					lo = m + 1;
				else
					hi = m;
			}
			df[i] += lo < x->n && x->v[lo].id == ids[i];
		}
	}
	return 0;
}

static int load_background(const char *dir, struct background *bg)
{
	DIR *dh = opendir(dir);
	if (dh == NULL)
		return cli_error("similar", "%s: cannot open background directory: %m", dir);
	struct dirent *de;
	while ((de = readdir(dh)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 4, ".txt") != 0)
			continue;
		char *path = xasprintf("%s/%s", dir, de->d_name), err[512];
		struct doc d;
		memset(&d, 0, sizeof d);
		if (read_file(path, &d.file, err, sizeof err) == 0) {
			split_header(&d);
			bg->docs = xreallocarray(bg->docs, bg->n + 1, sizeof *bg->docs);
			memset(&bg->docs[bg->n], 0, sizeof bg->docs[0]);
			pw_story_terms(d.title, d.text, &bg->docs[bg->n++]);
			free(d.file);
		} else {
			fprintf(stderr, "presswatch: similar: %s (skipped)\n", err);
		}
		free(path);
	}
	closedir(dh);
	return CLI_OK;
}

static int is_item_id(const char *arg)
{
	if (!*arg || strlen(arg) > 18)
		return 0;
	for (const char *p = arg; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	FILE *f = fopen(arg, "rb");
	if (f) {
		fclose(f);
		return 0; /* a file named like a number wins */
	}
	return 1;
}

static int item_cb(const struct pw_item_row *row, void *arg)
{
	struct doc *d = arg;
	/* title and text live in the file buffer: "title\0text\0" */
	const char *title = row->title ? row->title : "";
	const char *text = row->body && *row->body ? row->body : row->summary ? row->summary : "";
	size_t tl = strlen(title), xl = strlen(text);
	d->file = xmalloc(tl + xl + 2);
	memcpy(d->file, title, tl + 1);
	memcpy(d->file + tl + 1, text, xl + 1);
	d->title = *title ? d->file : NULL;
	d->text = d->file + tl + 1;
	d->published = row->published != PW_NOTIME ? row->published : row->fetched;
	d->stored_dup_of = row->dup_of;
	d->stored_story = row->story_id;
	return 0;
}

static int load_doc(struct doc *d, const char *path, struct pw_store *s, const struct pw_df_source *df)
{
	char err[512];
	d->path = path;
	if (s && is_item_id(path)) {
		d->item_id = strtoll(path, NULL, 10);
		int rc = pw_query_item(s, d->item_id, item_cb, d);
		if (rc < 0)
			return cli_store_failed("similar", s);
		if (rc == 0)
			return cli_error("similar", "no item with id %lld", (long long)d->item_id);
	} else {
		if (read_file(path, &d->file, err, sizeof err) < 0)
			return cli_error("similar", "%s", err);
		split_header(d);
	}
	struct pw_tokens t = PW_TOKENS_INIT;
	pw_text_tokenize(&t, d->text, strlen(d->text));
	d->ntokens = t.n;
	size_t n = pw_shingles(&t, PW_SHINGLE_K, &d->set);
	pw_minhash(d->set, n, &d->mh);
	d->nset = pw_shingle_set(d->set, n);
	pw_tokens_free(&t);
	pw_story_terms(d->title, d->text, &d->terms);
	if (pw_story_vector(&d->terms, df, &d->vec) < 0)
		return cli_error("similar", "%s: document frequencies unavailable", path);
	return CLI_OK;
}

static void free_doc(struct doc *d)
{
	free(d->file);
	free(d->set);
	pw_doc_terms_free(&d->terms);
	pw_story_vec_free(&d->vec);
}

static const char *term_text(const struct doc *d, uint64_t id)
{
	size_t lo = 0, hi = d->terms.n;
	while (lo < hi) {
		size_t m = (lo + hi) / 2;
		if (d->terms.v[m].id < id)
			lo = m + 1;
		else
			hi = m;
	}
	return lo < d->terms.n && d->terms.v[lo].id == id ? pw_doc_term_text(&d->terms, lo) : "?";
}

struct shared_term {
	uint64_t id;
	double w;
};

static int cmp_shared(const void *a, const void *b)
{
	double x = ((const struct shared_term *)a)->w, y = ((const struct shared_term *)b)->w;
	return x > y ? -1 : x < y;
}

int cmd_similar(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "background", required_argument, NULL, 'b' },
		{ "near-duplicate", required_argument, NULL, 'n' },
		{ "same-story", required_argument, NULL, 's' },
		{ "window", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0, ch;
	const char *bgdir = NULL;
	double near = 0.8, same = PW_STORY_SAME_DEFAULT, window_h = 72;
	char *end;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = 1; break;
		case 'b': bgdir = optarg; break;
		case 'n':
			near = strtod(optarg, &end);
			if (*end || end == optarg || near < 0 || near > 1)
				return cli_usage("similar", "--near-duplicate wants a number from 0 to 1, not '%s'", optarg);
			break;
		case 's':
			same = strtod(optarg, &end);
			if (*end || end == optarg || same < 0 || same > 1)
				return cli_usage("similar", "--same-story wants a number from 0 to 1, not '%s'", optarg);
			break;
		case 'w':
			window_h = strtod(optarg, &end);
			if (*end || end == optarg || window_h <= 0)
				return cli_usage("similar", "--window wants a positive number of hours, not '%s'", optarg);
			break;
		default: return cli_usage("similar", "unknown option");
		}
	}
	if (argc - optind != 2)
		return cli_usage("similar", "needs two files");

	struct background bg = { NULL, 0 };
	struct pw_df_source df = { 0, NULL, NULL };
	struct pw_store *store = NULL;
	int rc = CLI_OK;
	struct doc a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	if (is_item_id(argv[optind]) || is_item_id(argv[optind + 1])) {
		store = cli_store_open("similar");
		if (store == NULL)
			return CLI_ERR;
		if (!bgdir && pw_dedup_df_source(store, &df) < 0) {
			rc = cli_store_failed("similar", store);
			goto out;
		}
	}
	if (bgdir) {
		if (load_background(bgdir, &bg) != CLI_OK) {
			rc = CLI_ERR;
			goto out;
		}
		df.ndocs = (int64_t)bg.n;
		df.lookup = bg_lookup;
		df.arg = &bg;
	}
	if (load_doc(&a, argv[optind], store, &df) != CLI_OK || load_doc(&b, argv[optind + 1], store, &df) != CLI_OK) {
		rc = CLI_ERR;
		goto out;
	}

	double exact = pw_jaccard(a.set, a.nset, b.set, b.nset);
	double est = pw_minhash_similarity(&a.mh, &b.mh);
	int64_t ka[PW_LSH_BANDS], kb[PW_LSH_BANDS];
	pw_lsh_keys(&a.mh, ka);
	pw_lsh_keys(&b.mh, kb);
	int bands = 0;
	for (int i = 0; i < PW_LSH_BANDS; i++)
		bands += ka[i] == kb[i];
	int short_text = a.mh.nshingles < PW_SHINGLE_MIN || b.mh.nshingles < PW_SHINGLE_MIN;
	/* as the store decides: the estimate, or the exact Jaccard near the threshold */
	int dup = !short_text && bands > 0 && (pw_minhash_borderline(est, near) ? exact : est) >= near;
	double cos = pw_story_cosine(&a.vec, &b.vec);
	/* the story decision only looks at stories inside the window (by Date: headers) */
	int outside = a.published != PW_NOTIME && b.published != PW_NOTIME &&
		      llabs(a.published - b.published) > (int64_t)(window_h * 3600);
	int same_story = cos >= same && !outside;

	/* shared terms, heaviest first (product of the two weights) */
	struct shared_term *st = xcalloc(a.vec.n + 1, sizeof *st);
	size_t nst = 0;
	for (size_t i = 0, j = 0; i < a.vec.n && j < b.vec.n;) {
		if (a.vec.t[i].id == b.vec.t[j].id) {
			st[nst].id = a.vec.t[i].id;
			st[nst++].w = (double)a.vec.t[i].w * b.vec.t[j].w;
			i++;
			j++;
		} else if (a.vec.t[i].id < b.vec.t[j].id) {
			i++;
		} else {
			j++;
		}
	}
	qsort(st, nst, sizeof *st, cmp_shared);
	size_t show = nst < 12 ? nst : 12;

	if (json) {
		struct pw_buf out = PW_BUF_INIT;
		struct pw_json j;
		pw_json_init(&j, &out);
		pw_json_obj_begin(&j);
		const struct doc *docs[2] = { &a, &b };
		const char *keys[2] = { "a", "b" };
		for (int i = 0; i < 2; i++) {
			pw_json_key(&j, keys[i]);
			pw_json_obj_begin(&j);
			pw_json_key(&j, "path"); pw_json_str(&j, docs[i]->path);
			pw_json_key(&j, "title"); pw_json_str(&j, docs[i]->title);
			pw_json_key(&j, "tokens"); pw_json_int(&j, (int64_t)docs[i]->ntokens);
			pw_json_key(&j, "shingles"); pw_json_int(&j, (int64_t)docs[i]->nset);
			if (docs[i]->item_id) {
				pw_json_key(&j, "id"); pw_json_int(&j, docs[i]->item_id);
				pw_json_key(&j, "dup_of");
				if (docs[i]->stored_dup_of) pw_json_int(&j, docs[i]->stored_dup_of); else pw_json_null(&j);
				pw_json_key(&j, "story_id");
				if (docs[i]->stored_story) pw_json_int(&j, docs[i]->stored_story); else pw_json_null(&j);
			}
			pw_json_obj_end(&j);
		}
		pw_json_key(&j, "k"); pw_json_int(&j, PW_SHINGLE_K);
		pw_json_key(&j, "jaccard_exact"); pw_json_double(&j, exact);
		pw_json_key(&j, "jaccard_estimated"); pw_json_double(&j, est);
		pw_json_key(&j, "lsh_bands_shared"); pw_json_int(&j, bands);
		pw_json_key(&j, "near_duplicate_threshold"); pw_json_double(&j, near);
		pw_json_key(&j, "near_duplicate"); pw_json_bool(&j, dup);
		pw_json_key(&j, "too_short"); pw_json_bool(&j, short_text);
		pw_json_key(&j, "story_similarity"); pw_json_double(&j, cos);
		pw_json_key(&j, "same_story_threshold"); pw_json_double(&j, same);
		pw_json_key(&j, "outside_window"); pw_json_bool(&j, outside);
		pw_json_key(&j, "same_story"); pw_json_bool(&j, same_story);
		pw_json_key(&j, "idf_documents"); pw_json_int(&j, bgdir ? (int64_t)bg.n : df.ndocs);
		pw_json_key(&j, "shared_terms");
		pw_json_arr_begin(&j);
		for (size_t i = 0; i < show; i++)
			pw_json_str(&j, term_text(&a, st[i].id));
		pw_json_arr_end(&j);
		pw_json_obj_end(&j);
		printf("%s\n", pw_buf_cstr(&out));
		pw_buf_free(&out);
	} else {
		const struct doc *docs[2] = { &a, &b };
		for (int i = 0; i < 2; i++) {
			const struct doc *d = docs[i];
			if (d->item_id) {
				printf("%c: item %lld \"%s\" (%zu tokens, %zu shingles; stored in story %lld", 'A' + i,
				       (long long)d->item_id, d->title ? d->title : "", d->ntokens, d->nset,
				       (long long)d->stored_story);
				if (d->stored_dup_of)
					printf(", duplicate of item %lld)\n", (long long)d->stored_dup_of);
				else
					printf(", an original)\n");
			}
			else
				printf("%c: %s (%zu tokens, %zu shingles)\n", 'A' + i, d->path, d->ntokens, d->nset);
		}
		printf("Jaccard, exact (%d-token shingles):   %.3f\n", PW_SHINGLE_K, exact);
		printf("Jaccard, estimated (MinHash %d):     %.3f   LSH bands shared: %d of %d\n", PW_MINHASH_N, est, bands, PW_LSH_BANDS);
		printf("near-duplicate (>= %.2f):            %s\n", near,
		       dup ? "yes" : short_text ? "no (too short to tell: fewer than " STR(PW_SHINGLE_MIN) " shingles)" : "no");
		printf("story similarity (cosine):          %.3f   (IDF from %lld %s documents)\n", cos,
		       (long long)(bgdir ? (int64_t)bg.n : df.ndocs), bgdir || !store ? "background" : "stored");
		if (outside)
			printf("same story (>= %.2f):                no (published %.0f h apart: outside the %.0f h window)\n",
			       same, (double)llabs(a.published - b.published) / 3600.0, window_h);
		else
			printf("same story (>= %.2f):                %s\n", same, same_story ? "yes" : "no");
		printf("shared terms:");
		for (size_t i = 0; i < show; i++)
			printf(" %s", term_text(&a, st[i].id));
		printf("%s\n", show ? "" : " (none)");
	}
	free(st);
	if (fflush(stdout) != 0)
		rc = cli_error("similar", "writing output failed");
out:
	free_doc(&a);
	free_doc(&b);
	for (size_t i = 0; i < bg.n; i++)
		pw_doc_terms_free(&bg.docs[i]);
	free(bg.docs);
	if (store)
		cli_store_close(store);
	return rc;
}
