/* store_dedup.c -- near-duplicates and stories in the SQLite store (see store_dedup.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "shingle.h"
#include "store_dedup.h"
#include "store_dedup_cache.h"
#include "store_int.h"
#include "story.h"
#include "text.h"
#include "xmalloc.h"

#define MAX_DUP_CANDIDATES 64     /* items verified per new item */
#define POSTINGS_PER_TERM 200     /* latest story_terms rows read per signature term */
#define MAX_STORY_CANDIDATES 32   /* stories compared by cosine */

void pw_dedup_conf_default(struct pw_dedup_conf *c)
{
	c->near_duplicate = 0.8;
	c->same_story = PW_STORY_SAME_DEFAULT;
	c->window_s = 72 * 3600;
}

/* --- document frequencies --------------------------------------------------------------- */
/* Through the dedup cache (store_dedup_cache.h): the counts of this transaction's items are
 * there before they are written back at commit. */
static int df_lookup(void *arg, const uint64_t *ids, size_t n, int64_t *df)
{
	return pw_dcache_df(arg, ids, n, df);
}

int pw_dedup_df_source(struct pw_store *s, struct pw_df_source *out)
{
	if (pw_dcache_ndocs(s, &out->ndocs) < 0)
		return -1;
	out->lookup = df_lookup;
	out->arg = s;
	return 0;
}

/* Counts the document's terms into term_df and the document count; returns N after it. */
static int64_t df_add(struct pw_store *s, const struct pw_doc_terms *d)
{
	uint64_t *ids = xreallocarray(NULL, d->n ? d->n : 1, sizeof *ids);
	for (size_t i = 0; i < d->n; i++)
		ids[i] = d->v[i].id;
	int64_t n = pw_dcache_df_add(s, ids, d->n);
	free(ids);
	return n;
}

/* --- near-duplicates -------------------------------------------------------------------- */
struct cand_item {
	int64_t id, dup_of, story_id;
	double sim;
};

static int item_signature(struct pw_store *s, int64_t id, struct pw_minhash *mh, int64_t *dup_of, int64_t *story_id)
{
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT minhash, shingles, dup_of, story_id FROM items WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st), found = 0;
	if (rc == SQLITE_ROW) {
		const void *blob = sqlite3_column_blob(st, 0);
		int len = sqlite3_column_bytes(st, 0);
		int64_t nsh = sqlite3_column_int64(st, 1);
		*dup_of = pw_store_column_id(st, 2);
		*story_id = pw_store_column_id(st, 3);
		found = pw_minhash_unpack(blob, (size_t)len, nsh > 0 ? (uint32_t)nsh : 0, mh) == 0;
	} else if (rc != SQLITE_DONE) {
		sqlite3_reset(st);
		return pw_store_fail(s, "reading a stored signature");
	}
	sqlite3_reset(st);
	return found;
}

/* A pair within PW_EXACT_BAND of the threshold (shingle.h) is decided on its exact Jaccard:
 * the candidate's text is read back (body, else summary: what pw_dedup_assign was given) and
 * shingled.  The labelled set's "four paragraphs moved" pair is exact 0.806 but estimated
 * 0.789; the band is 2.8 standard errors wide and holds few pairs, so the cost stays small. */
/* Exact Jaccard of the text shingles of item id with the set (h, n); -1 when it has no text. */
static double exact_jaccard(struct pw_store *s, int64_t id, const uint64_t *h, size_t n)
{
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT CASE WHEN body IS NOT NULL AND body <> '' THEN body "
					    "ELSE summary END FROM items WHERE id = ?1");
	if (!st)
		return -2;
	sqlite3_bind_int64(st, 1, id);
	double j = -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		struct pw_tokens t = PW_TOKENS_INIT;
		pw_text_tokenize(&t, (const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
		uint64_t *oh = NULL;
		size_t on = pw_shingles(&t, PW_SHINGLE_K, &oh);
		on = pw_shingle_set(oh, on);
		j = pw_jaccard(h, n, oh, on);
		free(oh);
		pw_tokens_free(&t);
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_reset(st);
		pw_store_fail(s, "reading a candidate's text");
		return -2;
	}
	sqlite3_reset(st);
	return j;
}

/* Best stored near-duplicate of mh (by LSH candidates); 0 with best->id = 0 when none.  body:
 * the new item's text tokens, shingled only when a candidate needs the exact check. */
static int find_near_duplicate(struct pw_store *s, int64_t self, const struct pw_minhash *mh,
			       const struct pw_tokens *body, const int64_t keys[PW_LSH_BANDS], double threshold,
			       struct cand_item *best, int *ncand)
{
	uint64_t *h = NULL;
	size_t nh = 0;
	int have_set = 0, ret = -1;
	int64_t seen[MAX_DUP_CANDIDATES];
	int nseen = 0;
	memset(best, 0, sizeof *best);
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT item_id FROM lsh WHERE band = ?1 AND key = ?2 LIMIT ?3");
	if (!st)
		return -1;
	for (int b = 0; b < PW_LSH_BANDS && nseen < MAX_DUP_CANDIDATES; b++) {
		int maybe = pw_dcache_lsh_maybe(s, b, keys[b]);
		if (maybe < 0)
			return -1;
		if (!maybe)
			continue;
		sqlite3_bind_int(st, 1, b);
		sqlite3_bind_int64(st, 2, keys[b]);
		sqlite3_bind_int(st, 3, MAX_DUP_CANDIDATES);
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && nseen < MAX_DUP_CANDIDATES) {
			int64_t id = sqlite3_column_int64(st, 0);
			int dup = id == self;
			for (int i = 0; i < nseen && !dup; i++)
				dup = seen[i] == id;
			if (!dup)
				seen[nseen++] = id;
		}
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return pw_store_fail(s, "looking up LSH candidates");
	}
	*ncand = nseen;
	for (int i = 0; i < nseen; i++) {
		struct pw_minhash other;
		int64_t dup_of = 0, story_id = 0;
		int rc = item_signature(s, seen[i], &other, &dup_of, &story_id);
		if (rc < 0)
			goto out;
		if (rc == 0 || other.nshingles < PW_SHINGLE_MIN)
			continue;
		double sim = pw_minhash_similarity(mh, &other);
		if (pw_minhash_borderline(sim, threshold)) {
			if (!have_set) {
				nh = pw_shingles(body, PW_SHINGLE_K, &h);
				nh = pw_shingle_set(h, nh);
				have_set = 1;
			}
			double j = exact_jaccard(s, seen[i], h, nh);
			if (j < -1)
				goto out;
			if (j >= 0)
				sim = j;
		}
		/* the most similar; among equals the earliest (smallest id) */
		if (sim > best->sim || (sim == best->sim && best->id && seen[i] < best->id)) {
			best->id = seen[i];
			best->dup_of = dup_of;
			best->story_id = story_id;
			best->sim = sim;
		}
	}
	if (best->sim < threshold)
		best->id = 0;
	ret = 0;
out:
	free(h);
	return ret;
}

/* Key of a normalised title on a UTC day; 0 when the title has no words. */
static int64_t title_key(const char *title, int64_t when)
{
	if (title == NULL)
		return 0;
	char *norm = pw_text_normalize(title, strlen(title));
	int64_t k = 0;
	if (norm[0]) {
		int64_t day = when >= 0 ? when / 86400 : (when - 86399) / 86400;
		k = (int64_t)pw_hash64(norm, strlen(norm), (uint64_t)day * 0x9e3779b97f4a7c15ull + 0x7469746c65ull);
		if (k == 0)
			k = 1;
	}
	free(norm);
	return k;
}

static int find_by_title(struct pw_store *s, int64_t self, int64_t key, struct cand_item *best)
{
	memset(best, 0, sizeof *best);
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT id, dup_of, story_id FROM items "
					    "WHERE title_key = ?1 AND id <> ?2 ORDER BY id LIMIT 1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, key);
	sqlite3_bind_int64(st, 2, self);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		best->id = sqlite3_column_int64(st, 0);
		best->dup_of = pw_store_column_id(st, 1);
		best->story_id = pw_store_column_id(st, 2);
		best->sim = 1.0;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return pw_store_fail(s, "looking up an item by title");
	return 0;
}

/* --- stories ---------------------------------------------------------------------------- */
#define LINK_ITEMS 2 /* items of a candidate story compared one by one (those found by postings) */
#define LINK_STORIES 4 /* candidates, best centroid cosine first, whose items are compared */

struct story_hit {
	int64_t story_id;
	int hits;
	size_t last_term;  /* 1 + index of the signature term that last counted a hit */
	int nitems;
	int64_t items[LINK_ITEMS];
};

/* Open addressing on story_id; grows at half load.  slots[] holds index + 1 into v[]. */
struct hit_set {
	struct story_hit *v;
	size_t n, cap;
	uint32_t *slots;
	size_t nslots;
};

/* Story ids are small and dense: a multiplicative hash spreads them; pw_hash64 per posting was
 * ~4% of a cold ingestion. */
static size_t hit_slot(int64_t story_id, size_t nslots)
{
	return (size_t)(((uint64_t)story_id * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & (nslots - 1);
}

static struct story_hit *hit_get(struct hit_set *h, int64_t story_id)
{
	if ((h->n + 1) * 2 > h->nslots) {
		size_t ns = h->nslots ? h->nslots * 2 : 256;
		uint32_t *sl = xcalloc(ns, sizeof *sl);
		for (size_t i = 0; i < h->n; i++) {
			size_t j = hit_slot(h->v[i].story_id, ns);
			while (sl[j])
				j = (j + 1) & (ns - 1);
			sl[j] = (uint32_t)i + 1;
		}
		free(h->slots);
		h->slots = sl;
		h->nslots = ns;
	}
	size_t j = hit_slot(story_id, h->nslots);
	while (h->slots[j]) {
		struct story_hit *x = &h->v[h->slots[j] - 1];
		if (x->story_id == story_id)
			return x;
		j = (j + 1) & (h->nslots - 1);
	}
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->v = xreallocarray(h->v, h->cap, sizeof *h->v);
	}
	struct story_hit *x = &h->v[h->n];
	memset(x, 0, sizeof *x);
	x->story_id = story_id;
	h->slots[j] = (uint32_t)++h->n;
	return x;
}

static int cmp_hits(const void *a, const void *b)
{
	const struct story_hit *x = a, *y = b;
	if (x->hits != y->hits)
		return x->hits > y->hits ? -1 : 1;
	return x->story_id > y->story_id ? -1 : x->story_id < y->story_id; /* newer stories first */
}

/* Moves the k best hits (cmp_hits order) to the front of v, sorted; returns how many.  A
 * bounded insertion pass: candidates are often thousands (long postings of common terms) and
 * only the first k are used, so a full qsort was ~5% of a cold ingestion. */
static size_t top_hits(struct story_hit *v, size_t n, size_t k)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m == k && cmp_hits(&v[i], &v[k - 1]) >= 0)
			continue;
		struct story_hit x = v[i];
		size_t j = m < k ? m++ : k - 1;
		while (j > 0 && cmp_hits(&x, &v[j - 1]) < 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
	return m;
}

struct postings_arg {
	struct hit_set *h;
	size_t k;            /* 1 + index of the signature term */
	int64_t last;
	struct story_hit *x;
};

/* One posting of signature term k: a hit for its story (once per term), and its item among
 * the story's LINK_ITEMS first found. */
static void on_posting(void *arg, int64_t sid, int64_t item)
{
	struct postings_arg *pa = arg;
	struct story_hit *x = pa->x;
	if (sid != pa->last || x == NULL) { /* rows of one story are often adjacent */
		x = pa->x = hit_get(pa->h, sid);
		pa->last = sid;
		if (x->last_term != pa->k) { /* one hit per story and term */
			x->last_term = pa->k;
			x->hits++;
		}
	}
	int known = 0;
	for (int i = 0; i < x->nitems; i++)
		known |= x->items[i] == item;
	if (!known && x->nitems < LINK_ITEMS)
		x->items[x->nitems++] = item;
}

/*
 * Best candidate story for vector v: story_id 0 when none.  Candidates: stories with an item
 * whose signature shares a term with sig inside the window (story_terms); the
 * MAX_STORY_CANDIDATES sharing most terms are scored by pw_story_score -- cosine with the
 * centroid, and with up to LINK_ITEMS of the items that matched (their stored vectors).
 */
static int find_story(struct pw_store *s, const struct pw_story_vec *v, const uint64_t *sig, size_t nsig,
		      int64_t when, int64_t window, int64_t *story_id, double *sim, int *ncand)
{
	struct hit_set h = { 0 };
	int rc = -1;
	*story_id = 0;
	*sim = 0;
	*ncand = 0;
	for (size_t k = 0; k < nsig; k++) {
		struct postings_arg pa = { &h, k + 1, 0, NULL };
		if (pw_dcache_postings(s, sig[k], when - window, when + window, POSTINGS_PER_TERM, on_posting, &pa) < 0)
			goto out;
	}
	size_t n = top_hits(h.v, h.n, MAX_STORY_CANDIDATES);
	/* Pass 1: centroid cosine of every candidate.  Pass 2: the LINK_STORIES best of those are
	 * scored with their items' vectors too; reading item vectors for all 32 candidates was
	 * ~15% of a cold ingestion's CPU, and a story whose centroid ranks below the fourth is
	 * not the one an item joins (the seeds in all 120 orders and the labelled set decide the
	 * same with 2..32). */
	double cs[MAX_STORY_CANDIDATES];
	int have[MAX_STORY_CANDIDATES];
	struct pw_story_probe probe;
	pw_story_probe_init(&probe, v);
	for (size_t i = 0; i < n; i++) {
		const struct pw_story_vec *cent;
		int found = pw_dcache_centroid(s, h.v[i].story_id, &cent);
		if (found < 0)
			goto out;
		have[i] = found;
		if (found == 0)
			continue;
		cs[i] = pw_story_probe_cosine(&probe, cent);
		(*ncand)++;
	}
	for (int pick = 0; pick < LINK_STORIES; pick++) {
		size_t i = n;
		for (size_t j = 0; j < n; j++)
			if (have[j] == 1 && (i == n || cs[j] > cs[i]))
				i = j;
		if (i == n)
			break;
		have[i] = 2; /* scored */
		double link = -1;
		for (int k = 0; k < h.v[i].nitems; k++) {
			const struct pw_story_vec *iv;
			int found = pw_dcache_item_vec(s, h.v[i].items[k], &iv);
			if (found < 0)
				goto out;
			if (found) {
				double l = pw_story_probe_cosine(&probe, iv);
				if (l > link)
					link = l;
			}
		}
		double score = pw_story_score(cs[i], link);
		if (score > *sim) {
			*sim = score;
			*story_id = h.v[i].story_id;
		}
	}
	rc = 0;
out:
	free(h.v);
	free(h.slots);
	return rc;
}

/* The item's LSH rows (texts long enough for MinHash only), in one statement: 21 single-row
 * INSERTs cost about twice as much (a statement run each). */
#define LSH_INSERT_SQL \
	"INSERT OR IGNORE INTO lsh(band, key, item_id) VALUES " \
	"(0, ?1, ?22), (1, ?2, ?22), (2, ?3, ?22), (3, ?4, ?22), (4, ?5, ?22), " \
	"(5, ?6, ?22), (6, ?7, ?22), (7, ?8, ?22), (8, ?9, ?22), (9, ?10, ?22), " \
	"(10, ?11, ?22), (11, ?12, ?22), (12, ?13, ?22), (13, ?14, ?22), (14, ?15, ?22), " \
	"(15, ?16, ?22), (16, ?17, ?22), (17, ?18, ?22), (18, ?19, ?22), (19, ?20, ?22), " \
	"(20, ?21, ?22)"

static int save_lsh(struct pw_store *s, int64_t item_id, const struct pw_minhash *mh, const int64_t keys[PW_LSH_BANDS])
{
	if (mh->nshingles < PW_SHINGLE_MIN)
		return 0;
	_Static_assert(PW_LSH_BANDS == 21, "the statement below writes 21 bands");
	sqlite3_stmt *st = pw_store_stmt(s, LSH_INSERT_SQL);
	if (!st)
		return -1;
	for (int b = 0; b < PW_LSH_BANDS; b++)
		sqlite3_bind_int64(st, b + 1, keys[b]);
	sqlite3_bind_int64(st, PW_LSH_BANDS + 1, item_id);
	if (pw_store_step_done(s, st, "indexing LSH bands") < 0)
		return -1;
	for (int b = 0; b < PW_LSH_BANDS; b++)
		pw_dcache_lsh_added(s, b, keys[b]);
	return 0;
}

/* The decision and the signature in the items row, in one UPDATE: the row holds the article
 * body, and every UPDATE rewrites all of it (two UPDATEs cost ~70 us more per 10 KB item).
 * dup_of is set only when it changes: it references items(id), and with foreign keys on, an
 * UPDATE of a self-referencing column costs ~20 us against ~5 us without it (SQLite cannot
 * update the row in one pass).  row_dup_of: the row's dup_of before (0 for NULL). */
static int save_item(struct pw_store *s, int64_t item_id, const struct pw_minhash *mh, int64_t tkey,
		     int64_t story_id, int64_t dup_of, int64_t row_dup_of)
{
	uint8_t blob[PW_MINHASH_BYTES];
	sqlite3_stmt *st = dup_of != row_dup_of ?
		pw_store_stmt(s, "UPDATE items SET minhash = ?2, shingles = ?3, title_key = ?4, "
				 "story_id = ?5, dup_of = ?6 WHERE id = ?1") :
		pw_store_stmt(s, "UPDATE items SET minhash = ?2, shingles = ?3, title_key = ?4, "
				 "story_id = ?5 WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, item_id);
	if (mh->nshingles >= PW_SHINGLE_MIN) {
		pw_minhash_pack(mh, blob);
		sqlite3_bind_blob(st, 2, blob, sizeof blob, SQLITE_TRANSIENT);
	} else {
		sqlite3_bind_null(st, 2);
	}
	sqlite3_bind_int64(st, 3, mh->nshingles);
	pw_store_bind_id(st, 4, tkey);
	pw_store_bind_id(st, 5, story_id);
	if (dup_of != row_dup_of)
		pw_store_bind_id(st, 6, dup_of);
	if (pw_store_step_done(s, st, "saving an item's signature and story") < 0)
		return -1;
	if (sqlite3_changes(pw_store_db(s)) != 1)
		return pw_store_failf(s, "saving an item's story: no item with id %lld", (long long)item_id);
	return 0;
}

/* The text's tokens of p (after the title's): a view into p->t, nothing to free. */
static struct pw_tokens text_tokens(const struct pw_dedup_prep *p)
{
	struct pw_tokens body = p->t;
	body.v += p->ntitle;
	body.n -= p->ntitle;
	return body;
}

void pw_dedup_prepare(struct pw_dedup_prep *p, const char *title, const char *text, int with_terms)
{
	memset(p, 0, sizeof *p);
	/* tokenised once: title, then text (the story terms take both, MinHash the text only) */
	if (title) {
		pw_text_tokenize_append(&p->t, title, strlen(title));
		p->ntitle = p->t.n;
	}
	if (text)
		pw_text_tokenize_append(&p->t, text, strlen(text));
	struct pw_tokens body = text_tokens(p);
	pw_minhash_tokens(&body, &p->mh);
	pw_lsh_keys(&p->mh, p->keys);
	if (with_terms) {
		pw_story_terms_tokens(&p->t, p->ntitle, &p->terms);
		p->has_terms = 1;
	}
}

void pw_dedup_prep_free(struct pw_dedup_prep *p)
{
	pw_tokens_free(&p->t);
	pw_doc_terms_free(&p->terms);
	memset(p, 0, sizeof *p);
}

int pw_dedup_assign(struct pw_store *s, int64_t item_id, const char *title, const char *text,
		    int64_t when, const struct pw_dedup_conf *conf, struct pw_dedup_result *out)
{
	struct pw_dedup_prep p;
	pw_dedup_prepare(&p, title, text, 0);   /* terms only if it is no copy */
	int rc = pw_dedup_assign_prepared(s, item_id, title, &p, when, conf, out);
	pw_dedup_prep_free(&p);
	return rc;
}

int pw_dedup_assign_prepared(struct pw_store *s, int64_t item_id, const char *title, const struct pw_dedup_prep *p,
			     int64_t when, const struct pw_dedup_conf *conf, struct pw_dedup_result *out)
{
	struct pw_dedup_conf defaults;
	if (conf == NULL) {
		pw_dedup_conf_default(&defaults);
		conf = &defaults;
	}
	memset(out, 0, sizeof *out);
	if (pw_store_require_tx(s, "assigning duplicates and stories") < 0)
		return -1;
	if (when == PW_NOTIME)
		when = (int64_t)time(NULL);

	/* once per item: an item that has its story keeps it (a retried stage changes nothing) */
	sqlite3_stmt *st = pw_store_stmt(s, "SELECT story_id, dup_of FROM items WHERE id = ?1");
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, item_id);
	int found = sqlite3_step(st);
	if (found == SQLITE_ROW) {
		out->story_id = pw_store_column_id(st, 0);
		out->dup_of = pw_store_column_id(st, 1);
	}
	sqlite3_reset(st);
	if (found == SQLITE_DONE)
		return pw_store_failf(s, "assigning duplicates and stories: no item with id %lld", (long long)item_id);
	if (found != SQLITE_ROW)
		return pw_store_fail(s, "reading an item's story");
	if (out->story_id)
		return 0;
	int64_t row_dup_of = out->dup_of;
	out->dup_of = 0;

	int rc = -1;
	struct pw_story_vec vec = { NULL, 0, 0 };
	struct pw_doc_terms own_terms = { 0 };
	const struct pw_minhash *mh = &p->mh;
	struct cand_item dup;
	struct pw_tokens body = text_tokens(p);

	/* 1. near-duplicate: MinHash over the text; short texts by title + day */
	int64_t tkey = title_key(title, when);
	if (mh->nshingles >= PW_SHINGLE_MIN) {
		if (find_near_duplicate(s, item_id, mh, &body, p->keys, conf->near_duplicate, &dup, &out->dup_candidates) < 0)
			goto out;
	} else {
		memset(&dup, 0, sizeof dup);
		if (tkey && find_by_title(s, item_id, tkey, &dup) < 0)
			goto out;
		out->by_title = dup.id != 0;
	}
	if (save_lsh(s, item_id, mh, p->keys) < 0)
		goto out;
	out->dup_similarity = dup.sim;

	if (dup.id) {
		/* dup_of names the original of the text, never a copy */
		out->dup_of = dup.dup_of ? dup.dup_of : dup.id;
		if (dup.story_id) {
			out->story_id = dup.story_id;
			if (pw_dcache_story_join(s, dup.story_id, when, NULL) < 0)
				goto out;
		}
	}

	if (out->story_id == 0) {
		/* 2. story: IDF from the store, candidates from the inverted index */
		const struct pw_doc_terms *terms = &p->terms;
		if (!p->has_terms) {
			pw_story_terms_tokens(&p->t, p->ntitle, &own_terms);
			terms = &own_terms;
		}
		int64_t ndocs = out->dup_of ? 0 : df_add(s, terms);
		if (ndocs < 0)
			goto out;
		struct pw_df_source df = { ndocs, df_lookup, s };
		/* a copy whose original has no story: documents are counted once, by the
		 * original, so read N without adding */
		if (out->dup_of && pw_dcache_ndocs(s, &df.ndocs) < 0)
			goto out;
		if (pw_story_vector(terms, &df, &vec) < 0)
			goto out;
		_Static_assert(PW_STORY_SIG_TERMS <= PW_DCACHE_ADD_MAX, "one statement per item's postings");
		uint64_t sig[PW_STORY_SIG_TERMS];
		size_t nsig = pw_story_signature(&vec, sig);
		int64_t best = 0;
		double sim = 0;
		if (nsig && find_story(s, &vec, sig, nsig, when, conf->window_s, &best, &sim, &out->story_candidates) < 0)
			goto out;
		out->story_similarity = sim;
		if (best && sim >= conf->same_story) {
			out->story_id = best;
			if (pw_dcache_story_join(s, best, when, &vec) < 0)
				goto out;
		} else {
			if (pw_dcache_story_new(s, item_id, title, when, &vec, &out->story_id) < 0)
				goto out;
			out->new_story = 1;
		}
		if (pw_dcache_postings_add(s, sig, nsig, when, item_id, out->story_id) < 0 || pw_dcache_item_vec_save(s, item_id, &vec) < 0)
			goto out;
	}
	if (save_item(s, item_id, mh, tkey, out->story_id, out->dup_of, row_dup_of) < 0)
		goto out;
	rc = 0;
out:
	pw_doc_terms_free(&own_terms);
	pw_story_vec_free(&vec);
	return rc;
}
