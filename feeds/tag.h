/*
 * tag.h -- topic rules -> topic tags; statement detection (who said what).
 *
 * Matching works on normalised words: every run of letters, marks and digits in the text is a
 * word, folded with Unicode casefolding + compatibility decomposition with the marks stripped
 * (so "Qarabağ" = "qarabag", "XİN" = "xin", "Ёлка" = "елка"), plus the Azerbaijani letters
 * ı -> i and ə -> e so that transliterations meet ("Xankəndi" = "Xankendi").  A term is one or
 * more words; a word ending in `*` matches any word it is a prefix of ("Карабах*" matches
 * "Карабаха", "Карабахе"; "Qarabağ*" matches "Qarabağda").  Words of a phrase must be adjacent
 * and in the same sentence.  Matching never looks inside words: "Karabakh" does not match
 * "Karabakhstatement".
 *
 * A topic (struct pw_topic_conf) matches when
 *   - every group (`any = ...` line) has a term in the text, and, for topics with two or more
 *     groups, all groups have a term within one window of two consecutive sentences (so an
 *     article on elections in Moldova that mentions Ukraine three paragraphs later is not
 *     "Ukrainian elections"); the title is a sentence of its own;
 *   - exclusions (`none = ...`): a none phrase that overlaps a match of a topic term (e.g.
 *     "Qarabağ FK" over "Qarabağ*") means that term names something else in this text, so none
 *     of its matches count; a none term that overlaps no topic term vetoes the topic.
 *
 * A statement is an attribution verb ("said", "заявила", "bəyan etdi", "հայտարարել է", "according
 * to", ...) within a few words of a speaker in the same sentence: a role ("Foreign Ministry
 * spokesperson", "МИД", "XİN", "presidential aide", ...) or a named official from the
 * [statements] speakers list.  Speakers are reported by name when a named official is the
 * speaker, else by the role phrase as written in the text, and each person or role once per
 * item: every match of one speakers term is one speaker, reported as configured when the term
 * has no '*' ("Zakharova" for "ZAKHAROVA"), else as written in its first statement
 * ("Захаров*": "Захарова" then "по словам Захаровой" is one speaker, "Захарова"); a role
 * phrase is one speaker with its inflected forms (each word reduced to the role term it
 * matched when the rest is a singular case ending, so "Речник МЗС" = "речника МЗС", "посол" =
 * "посла", but "министр" != "министерство" and "министр" != "министры"), and a shorter role
 * made of the first words of an earlier one ("речника" after "Речник МЗС") or of any of its
 * words as written ("ministry" after "Foreign Ministry") is that same speaker.
 *
 * Thread-safety: a tagger is immutable after pw_tagger_new(); pw_tag_item() may be called from
 * several threads at once.
 */
#ifndef PW_TAG_H
#define PW_TAG_H

#include <stddef.h>

#include "config.h"

struct pw_tagger;

/* Longest snippet, in characters (code points), "…" included. */
#define PW_TAG_SNIPPET_MAX 300

struct pw_tag_result {
	char **topics;      /* matched topic names, in config order (owned) */
	int *topic_alert;   /* topic_alert[i]: the topic has alert = yes */
	size_t ntopics;
	int alert_topic;    /* 1 when any matched topic has alert = yes */
	int statement;      /* 1 when the text reports an official's statement */
	char **speakers;    /* distinct speakers, in order of first statement (owned) */
	size_t nspeakers;
	char *snippet;      /* the sentence holding the statement (owned; NULL when no statement) */
};
#define PW_TAG_RESULT_INIT { NULL, NULL, 0, 0, 0, NULL, 0, NULL }

/*
 * Compiles topic rules and the named speakers (terms as in topics.conf: may end in '*').
 * Returns NULL and writes "FILE:LINE: topic NAME: reason" to err on a rule that cannot work
 * (an empty term, a term with no letters or digits, more than 32 groups).  Nothing is kept
 * pointing into the arguments.
 */
struct pw_tagger *pw_tagger_new(const struct pw_topic_conf *topics, size_t n,
				char *const *speakers, size_t nspeakers, char *err, size_t errlen);
void pw_tagger_free(struct pw_tagger *t);

/*
 * Tags one item.  title and text may be NULL; invalid UTF-8 is skipped, never fatal.  out is
 * overwritten (call pw_tag_result_clear() on a previous result first).  Returns the number of
 * matched topics (>= 0); -1 only when both title and text are NULL.
 */
int pw_tag_item(const struct pw_tagger *t, const char *title, const char *text,
		struct pw_tag_result *out);
void pw_tag_result_clear(struct pw_tag_result *r);

/*
 * Normalises a string the way matching sees it (words joined by single spaces); for tests,
 * `presswatch` debugging output and other modules that must agree with the tagger.  Caller frees.
 */
char *pw_tag_normalize(const char *s);

#endif
