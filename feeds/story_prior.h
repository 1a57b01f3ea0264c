/*
 * story_prior.h -- built-in document-frequency prior for story vectors on a young store.
 *
 * A store that has seen a handful of items has nearly flat document frequencies: the country
 * and capital names and the general vocabulary of political news that every item of a region
 * shares weigh as much as the people, dates and quotations of one event, so two different
 * stories about the same countries look alike and the grouping depends on arrival order.  A
 * grown store learns that those words are common; this list says so from the first item.
 *
 * Each entry is a general word (not taken from any test fixture) with p, the share of news
 * items it is expected to appear in.  pw_story_vector() smooths the store's counts with it:
 *     idf = ln((N + PW_STORY_PRIOR_N) / (df + PW_STORY_PRIOR_N * p))
 * with p = PW_STORY_PRIOR_P0 for terms not listed: PW_STORY_PRIOR_N pseudo-documents that
 * weigh less and less as the store grows.  Words are matched as story terms are (normalised,
 * first PW_STORY_STEM code points), so "Azerbaijani" and "Azerbaijan" are one entry.
 */
#ifndef PW_STORY_PRIOR_H
#define PW_STORY_PRIOR_H

#include <stddef.h>

#define PW_STORY_PRIOR_N  100.0  /* pseudo-documents of the prior */
#define PW_STORY_PRIOR_P0 0.03   /* share of a term not in the list */

struct pw_prior_word {
	const char *word;
	float p;
};

extern const struct pw_prior_word pw_story_prior_words[];
extern const size_t pw_story_prior_nwords;

#endif
