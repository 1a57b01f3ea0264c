/*
 * dedup_corpus.h -- loader for the labelled dedup/story set (tests/fixtures/dedup), shared by
 * test_shingle, test_story and bench_dedup.  Format: see tests/fixtures/dedup/labels.txt.
 */
#ifndef PW_DEDUP_CORPUS_H
#define PW_DEDUP_CORPUS_H

#include <stddef.h>
#include <stdint.h>

struct dc_article {
	char *name, *title, *outlet, *body; /* body: everything after the header */
	int64_t published;                  /* from Date:, PW_NOTIME when absent */
	int story;                          /* index into dc_corpus.stories */
	int dupgroup;                       /* articles joined by dup lines share it */
};

struct dc_pair {
	int a, b;
	int dup;      /* 1: near-duplicate ("dup" line), 2: near-duplicate beyond what Jaccard >= 0.8
		       * can see ("dup-hard" line: counted in recall, not asserted alone), 0: "pair" */
	char *kind;
};

struct dc_corpus {
	struct dc_article *a;
	size_t n;
	char **stories;
	size_t nstories;
	struct dc_pair *pairs;
	size_t npairs;
};

/* Reads DIR/labels.txt and DIR/articles/NAME.txt.  Returns -1 (and prints why) on any error. */
int dc_load(const char *dir, struct dc_corpus *c);
void dc_free(struct dc_corpus *c);
/* 1 when a and b are near-duplicates (dup lines, closed transitively: two copies of one
 * original are near-duplicates of each other too). */
int dc_is_dup(const struct dc_corpus *c, int a, int b);
/* The whole file, NUL-terminated; NULL when unreadable.  Caller frees. */
char *dc_slurp(const char *path, size_t *len);
/* "$top_srcdir/tests/fixtures/dedup" (or the relative path when top_srcdir is unset). Caller frees. */
char *dc_default_dir(void);

/* Article a comes before b in time (published, then position in the corpus). */
int dc_before(const struct dc_corpus *c, size_t a, size_t b);
/* order[0..c->n) = the article indices in time order (dc_before). */
void dc_time_order(const struct dc_corpus *c, size_t *order);
/* 1 when the document's terms (sorted by id) contain id: the test's document frequencies. */
struct pw_doc_terms;
int dc_has_term(const struct pw_doc_terms *d, uint64_t id);

/* Inserts an item (title, body, time) into feed and assigns its duplicate and story
 * (pw_dedup_assign with conf, NULL = defaults) in a transaction of its own; the item id, or -1
 * (rolled back).  r gets the decision. */
struct pw_store;
struct pw_dedup_conf;
struct pw_dedup_result;
int64_t dc_add_item(struct pw_store *s, int64_t feed, const char *guid, const char *title, const char *body,
		    int64_t when, const struct pw_dedup_conf *conf, struct pw_dedup_result *r);

/* The numbered seed articles (NNN_*.txt) of $PW_SHARED/seeds (default ../shared/seeds), sorted
 * by name: *dir and names[0..*n) are malloc'd (caller frees).  -1 when the folder is absent
 * (nothing allocated; the caller skips, saying so). */
#define DC_MAX_SEEDS 16
int dc_seed_files(char **dir, char *names[DC_MAX_SEEDS], size_t *n);
/* Next permutation of p[0..n) in lexicographic order; 0 after the last. */
int dc_next_perm(size_t *p, size_t n);

#endif
