/*
 * tag.c -- topic rules -> tags; statement detection.  Contract and matching rules in tag.h.
 *
 * One pass splits title and text into words (with byte offsets into the original, so snippets
 * and speaker phrases come out as written) and sentences; every word is looked up in two hash
 * tables of first words (exact and prefix); a candidate term is then verified word by word.
 * The resulting hits feed topic evaluation and statement detection.  Cost is linear in the text
 * (times the number of code points of each word for the prefix lookups, which a filter skips for
 * most words), independent of how many items the store holds.  The daemon tags every item it
 * stores, so the per-word work avoids string compares, utf8proc calls for common letters and
 * allocations; results are pinned by tests/unit/test_tag_exact.c.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "buf.h"
#include "common.h"
#include "tag.h"
#include "xmalloc.h"

/* ---------------------------------------------------------------------------------------- */
/* Built-in attribution verbs and speaker roles (topics.conf adds named officials).          */

static const char *const verb_terms[] = {
	/* en */
	"said", "says", "saying", "stated", "told", "tells", "declared", "declares", "announced",
	"announces", "condemned", "condemns", "criticised", "criticized", "criticises",
	"criticizes", "warned", "warns", "noted", "notes", "added", "adding", "urged", "urges",
	"called on", "calls on", "called for", "calls for", "responded", "responds", "commented",
	"commenting", "emphasised", "emphasized", "stressed", "asserted", "reported", "insisted",
	"denounced", "denounces", "accused", "rejected", "according to",
	/* ru */
	"заявил*", "заявляет", "заявляют", "сообщил*", "отметил*", "подчеркнул*", "осудил*",
	"призвал*", "сказал*", "добавил*", "указал*", "обвинил*", "по словам",
	/* uk */
	"заявив", "повідомив", "повідомила", "повідомили", "наголосив", "наголосила", "зазначив",
	"зазначила", "сказав", "закликав", "закликала", "засудив", "засудила", "за словами",
	/* az */
	"bəyan etdi", "bəyan edib", "bəyanat verib", "bəyanat verdi", "bildirdi", "bildirib",
	"qeyd etdi", "qeyd edib", "açıqlama verib", "açıqlama verdi", "deyib", "dedi",
	"vurğulayıb", "vurğuladı", "pisləyib", "çağırıb",
	/* hy */
	"հայտարարել է", "հայտարարեց", "ասել է", "ասաց", "նշել է", "նշեց", "դատապարտել է",
};

static const char *const role_terms[] = {
	/* en */
	"ministry", "foreign ministry", "ministry of foreign affairs", "mfa", "spokesperson",
	"spokesman", "spokeswoman", "press secretary", "president", "presidential aide",
	"prime minister", "minister", "foreign minister", "deputy foreign minister", "aide",
	"ambassador", "envoy", "kremlin", "official representative", "presidential administration",
	/* ru */
	"мид", "официальный представитель", "официальная представительница", "президент*",
	"премьер*", "министр*", "помощник*", "посол", "посла", "послом", "кремл*",
	"пресс секретар*", "спикер*", "министерств*",
	/* uk */
	"мзс", "міністр*", "речник*", "речниця", "посол", "прем'єр*", "міністерств*", "помічник*",
	/* az */
	"xin", "xarici işlər nazirliyi*", "nazirliy*", "sözçü*", "prezident*", "nazir*",
	"mətbuat katibi", "səfir*", "köməkçi*", "baş nazir*",
	/* hy */
	"ագն", "նախարար*", "նախագահ*", "վարչապետ*", "խոսնակ*", "դեսպան*", "օգնական*",
};

/* Abbreviations whose '.' does not end a sentence (normalised). */
static const char *const abbrevs[] = {
	"mr", "mrs", "ms", "dr", "st", "gen", "col", "lt", "sgt", "capt", "prof", "gov", "sen",
	"rep", "jr", "sr", "inc", "ltd", "co", "no", "vs", "etc", "jan", "feb", "mar", "apr", "jun",
	"jul", "aug", "sep", "sept", "oct", "nov", "dec", "г", "гг", "им", "ул", "пр", "т", "д",
};

/* Words that open a new clause: a speaker before one of them is not the verb's subject
 * ("... as president of Nagorno-Karabakh, which Ukraine also denounced"). */
static const char *const clause_words[] = {
	"which", "who", "whom", "whose", "that", "while", "whereas", "where", "when",
	"который", "которая", "которое", "которые", "которого", "которой", "которых", "что", "когда",
	"який", "яка", "яке", "які", "якого", "якої", "що", "коли",
};

/* Words that may stand between a verb and the speaker after it ("said the spokesperson",
 * "was condemned by the ministry", "заявили в МИД"). */
static const char *const articles[] = { "the", "a", "an", "by", "в", "во", "у" };

/* Words that may follow a speaker named after the verb ("said the president on Monday",
 * "said Zakharova, adding"); any other word means the speaker was the subject of a new
 * clause ("said the president did not sound confident"). */
static const char *const after_speaker[] = {
	"on", "in", "at", "during", "after", "before", "today", "yesterday", "earlier", "later",
	"last", "this", "adding", "noting", "saying", "according", "citing", "told", "when", "while",
	"as", "of", "from", "in", "в", "во", "на", "по", "после", "ранее", "сегодня", "накануне", "у",
	"під", "після", "сьогодні", "напередодні",
};

/* ---------------------------------------------------------------------------------------- */
/* Word hash tables                                                                           */

/*
 * Every word of every text is looked up in the term tables (and, for prefix terms, every
 * prefix of it), and words near an attribution verb in the lists above: this is the tagger's
 * inner loop, so words are found by hash, not by comparing strings.  FNV-1a, because the hash
 * of a prefix is a step on the way to the hash of the word: find_hits() gets the hashes of all
 * the prefixes of a word in one pass over its bytes.
 */
#define FNV_INIT UINT64_C(14695981039346656037)

static uint64_t fnv_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * UINT64_C(1099511628211);
}

static uint64_t fnv(const char *w, size_t len)
{
	uint64_t h = FNV_INIT;
	for (size_t i = 0; i < len; i++)
		h = fnv_step(h, (unsigned char)w[i]);
	return h;
}

struct wentry {
	const char *w;        /* points at a word that outlives the table */
	size_t len;
	size_t a, n;          /* payload: term keys k[a .. a+n), or WC_* bits for word classes */
};

/*
 * Open addressing, linear probing, at most half full (the owner sizes it).  A slot is 8 bytes
 * -- the hash's high half and the entry's index + 1, 0 when empty -- so that a lookup, which
 * usually misses, touches one cache line: the tables are cold by the time the daemon tags the
 * next item.
 */
struct wtab {
	uint64_t *s;
	struct wentry *e;         /* nslots / 2 entries */
	size_t mask;              /* nslots - 1; nslots is a power of two */
	size_t n;
	size_t minlen, maxlen;    /* bytes, over the words in the table: most misses end here */
};

static void wtab_init(struct wtab *t, uint64_t *slots, struct wentry *entries, size_t nslots)
{
	t->s = slots;
	t->e = entries;
	t->mask = nslots - 1;
	t->n = 0;
	t->minlen = SIZE_MAX;
	t->maxlen = 0;
}

static const struct wentry *wtab_find(const struct wtab *t, const char *w, size_t len, uint64_t h)
{
	if (len < t->minlen || len > t->maxlen)
		return NULL;
	for (size_t i = (size_t)h & t->mask;; i = (i + 1) & t->mask) {
		uint64_t v = t->s[i];
		if (!v)
			return NULL;
		if (v >> 32 == h >> 32) {
			const struct wentry *e = &t->e[(v & UINT32_MAX) - 1];
			if (e->len == len && memcmp(e->w, w, len) == 0)
				return e;
		}
	}
}

/* The entry of word w[0..len), added (payload zeroed) when absent. */
static struct wentry *wtab_insert(struct wtab *t, const char *w, size_t len)
{
	uint64_t h = fnv(w, len);
	struct wentry *e = (struct wentry *)wtab_find(t, w, len, h);
	if (e)
		return e;
	size_t i = (size_t)h & t->mask;
	while (t->s[i])
		i = (i + 1) & t->mask;
	e = &t->e[t->n++];
	e->w = w;
	e->len = len;
	t->s[i] = (h >> 32 << 32) | t->n;
	if (len < t->minlen)
		t->minlen = len;
	if (len > t->maxlen)
		t->maxlen = len;
	return e;
}

/* Word classes: membership of the built-in lists above, one lookup for all of them. */
enum { WC_ABBREV = 1, WC_CLAUSE = 2, WC_ARTICLE = 4, WC_AFTER = 8 };

#define WORD_CLASS_SLOTS 256
_Static_assert(2 * (PW_ARRAY_SIZE(abbrevs) + PW_ARRAY_SIZE(clause_words) + PW_ARRAY_SIZE(articles) +
		    PW_ARRAY_SIZE(after_speaker)) <= WORD_CLASS_SLOTS, "word class table over half full");

static uint64_t word_class_slots[WORD_CLASS_SLOTS];
static struct wentry word_class_entries[WORD_CLASS_SLOTS / 2];
static struct wtab word_classes;    /* built once by tables_init(), read-only afterwards */

static void word_classes_add(const char *const *list, size_t n, size_t wc)
{
	for (size_t i = 0; i < n; i++)
		wtab_insert(&word_classes, list[i], strlen(list[i]))->a |= wc;
}

static void word_classes_init(void)
{
	wtab_init(&word_classes, word_class_slots, word_class_entries, WORD_CLASS_SLOTS);
	word_classes_add(abbrevs, PW_ARRAY_SIZE(abbrevs), WC_ABBREV);
	word_classes_add(clause_words, PW_ARRAY_SIZE(clause_words), WC_CLAUSE);
	word_classes_add(articles, PW_ARRAY_SIZE(articles), WC_ARTICLE);
	word_classes_add(after_speaker, PW_ARRAY_SIZE(after_speaker), WC_AFTER);
}

/* Is normalised word w[0..len) in the lists of class wc? */
static int word_is(const char *w, size_t len, size_t wc)
{
	const struct wentry *e = wtab_find(&word_classes, w, len, fnv(w, len));
	return e && (e->a & wc);
}

/* Statement window, in words: speaker before the verb / after it. */
#define SPEAKER_BEFORE 12
#define SPEAKER_AFTER 3
#define SPEAKER_AFTER_FWD 4
#define APPOSITIVE_MAX 8
#define MAX_GROUPS 32

/* ---------------------------------------------------------------------------------------- */
/* Normalisation and words                                                                    */

enum { SRC_TITLE = 0, SRC_TEXT = 1 };

struct tok {
	size_t s, e;      /* bytes [s, e) in src[src] */
	size_t norm;      /* offset of the NUL-terminated normalised word in doc.norm */
	size_t len;       /* its length in bytes */
	int sent;         /* sentence index (over title and text) */
	int src;
	int upper;        /* first letter is uppercase */
};

struct sentence {
	size_t first, last;  /* token indices, inclusive */
};

struct doc {
	const char *src[2];
	size_t srclen[2];
	struct tok *t;
	size_t n, cap;
	struct pw_buf norm;
	struct sentence *sent;
	size_t nsent, sentcap;
};

static int is_word_cat(utf8proc_category_t c)
{
	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO);
}

static int is_word_cp(utf8proc_int32_t cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
	return is_word_cat(utf8proc_category(cp));
}

/* Invisible inside a word: format characters (soft hyphen, ZWJ) and the Armenian emphasis,
 * exclamation and question marks, which are written over the stressed vowel. */
static int is_ignorable(utf8proc_int32_t cp)
{
	return utf8proc_category(cp) == UTF8PROC_CATEGORY_CF || (cp >= 0x055B && cp <= 0x055E);
}

static void put_folded(struct pw_buf *b, utf8proc_int32_t cp)
{
	if (cp < 0x80) {        /* ASCII: casefolding is tolower */
		pw_buf_putc(b, (char)(cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp));
		return;
	}
	utf8proc_int32_t out[32];
	int bc = 0;
	utf8proc_ssize_t n = utf8proc_decompose_char(cp, out, (utf8proc_ssize_t)PW_ARRAY_SIZE(out),
		UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK, &bc);
	if (n < 0 || n > (utf8proc_ssize_t)PW_ARRAY_SIZE(out)) {
		out[0] = cp;
		n = 1;
	}
	for (utf8proc_ssize_t i = 0; i < n; i++) {
		utf8proc_int32_t c = out[i];
		unsigned char enc[4];
		if (c == 0x0131)        /* ı dotless i (Azerbaijani, Turkish) */
			c = 'i';
		else if (c == 0x0259)   /* ə schwa (Azerbaijani; Latin transliterations write e) */
			c = 'e';
		utf8proc_ssize_t k = utf8proc_encode_char(c, enc);
		pw_buf_append(b, enc, (size_t)k);
	}
}

/*
 * What the functions above say about each code point of one or two UTF-8 bytes (Latin,
 * Greek, Cyrillic, Armenian, ...: nearly every letter of the texts we tag), computed once per
 * process: asking utf8proc per code point -- category, case, decomposition -- was most of the
 * cost of splitting a text into words.  Longer code points still ask utf8proc.
 */
#define CPINFO_MAX 0x800
enum { CP_WORD = 1, CP_IGNORABLE = 2, CP_UPPER = 4, CP_LOWER = 8, CP_FOLDED = 16 };

struct cpinfo {
	unsigned char flags;
	unsigned char len;    /* CP_FOLDED: put_folded() writes fold[0 .. len) */
	char fold[6];
};

static struct cpinfo cpinfo[CPINFO_MAX];    /* built once by tables_init(), read-only afterwards */

static void cpinfo_init(void)
{
	struct pw_buf b = PW_BUF_INIT;
	for (utf8proc_int32_t cp = 0; cp < CPINFO_MAX; cp++) {
		struct cpinfo *ci = &cpinfo[cp];
		utf8proc_category_t c = utf8proc_category(cp);
		ci->flags = (unsigned char)((is_word_cp(cp) ? CP_WORD : 0) | (is_ignorable(cp) ? CP_IGNORABLE : 0) |
			    (c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT ? CP_UPPER : 0) |
			    (utf8proc_islower(cp) ? CP_LOWER : 0));
		pw_buf_reset(&b);
		put_folded(&b, cp);
		if (b.len <= sizeof(ci->fold)) {    /* at most 5 bytes (U+00BC ¼ -> 1⁄4) */
			ci->flags |= CP_FOLDED;
			ci->len = (unsigned char)b.len;
			if (b.len)
				memcpy(ci->fold, b.data, b.len);
		}
	}
	pw_buf_free(&b);
}

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void tables_build(void)
{
	cpinfo_init();
	word_classes_init();
}

/* The process-wide tables; cheap after the first call, safe from any thread. */
static void tables_init(void)
{
	pthread_once(&tables_once, tables_build);
}

/* The code point at p[i] (i < len): its length in bytes, or < 0 on invalid UTF-8, exactly as
 * utf8proc_iterate(), which decodes all but the one- and two-byte sequences. */
static utf8proc_ssize_t next_cp(const utf8proc_uint8_t *p, size_t i, size_t len, utf8proc_int32_t *cp)
{
	utf8proc_uint8_t c = p[i];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF && i + 1 < len && (p[i + 1] & 0xC0) == 0x80) {
		*cp = ((utf8proc_int32_t)(c & 0x1F) << 6) | (p[i + 1] & 0x3F);
		return 2;
	}
	return utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), cp);
}

static int cp_is_word(utf8proc_int32_t cp)
{
	return cp < CPINFO_MAX ? cpinfo[cp].flags & CP_WORD : is_word_cp(cp);
}

/* Appends the folded form of word character cp < CPINFO_MAX. */
static void put_word_cp(struct pw_buf *b, utf8proc_int32_t cp)
{
	const struct cpinfo *ci = &cpinfo[cp];
	if (!(ci->flags & CP_FOLDED)) {
		put_folded(b, cp);
		return;
	}
	/* the whole fold array: a copy of constant size is a single move; only len bytes count */
	if (b->len + sizeof(ci->fold) + 1 > b->cap)
		pw_buf_reserve(b, sizeof(ci->fold));
	memcpy(b->data + b->len, ci->fold, sizeof(ci->fold));
	b->len += ci->len;
	b->data[b->len] = '\0';
}

static int is_abbrev(const char *w, size_t n)
{
	/* one letter: an initial ("V. Putin", "U.S.") */
	utf8proc_int32_t cp;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)w, (utf8proc_ssize_t)n, &cp);
	if (k > 0 && (size_t)k == n)
		return 1;
	return word_is(w, n, WC_ABBREV);
}

/* Does the gap text between two words end a sentence, given the words around it? */
static int gap_ends_sentence(const char *gap, size_t len, const char *prevnorm, size_t prevlen,
			     int next_lower)
{
	int term = 0, dot = 0, space = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)gap[i];
		if (c == '\n' || c == '\r')
			return 1;
		if (c == ' ' || c == '\t')
			space = 1;
		else if (c == '!' || c == '?' || c == ';')
			term = 1;
		else if (c == '.')
			dot = 1;
		else if (c == 0xE2 && i + 2 < len && (unsigned char)gap[i + 1] == 0x80 &&
			 (unsigned char)gap[i + 2] == 0xA6)   /* … */
			term = 1;
		else if (c == 0xD6 && i + 1 < len && (unsigned char)gap[i + 1] == 0x89)  /* ։ */
			term = 1;
		else if (c == 0xC2 && i + 1 < len && (unsigned char)gap[i + 1] == 0xA0)  /* NBSP */
			space = 1;
	}
	if (next_lower)
		return 0;
	if (term)
		return 1;
	if (dot && space && !is_abbrev(prevnorm, prevlen))
		return 1;
	return 0;
}

/*
 * The word starting at p[i] (its first code point is a word character): appends its folded
 * form to norm and returns where it ends.  Ignorable characters inside it vanish; anything
 * else that is not a word character, or invalid UTF-8, ends it.
 */
static size_t scan_word(const utf8proc_uint8_t *p, size_t i, size_t len, struct pw_buf *norm)
{
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = next_cp(p, i, len, &cp);
		if (k < 0)
			break;
		if (cp < CPINFO_MAX) {
			unsigned char f = cpinfo[cp].flags;
			if (f & CP_WORD)
				put_word_cp(norm, cp);
			else if (!(f & CP_IGNORABLE))
				break;
		} else if (is_word_cp(cp)) {
			put_folded(norm, cp);
		} else if (!is_ignorable(cp)) {
			break;
		}
		i += (size_t)k;
	}
	return i;
}

static void doc_add_source(struct doc *d, int src, const char *s)
{
	size_t len = s ? strlen(s) : 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t i = 0, prev_e = 0;
	int first = 1;

	tables_init();
	d->src[src] = s;
	d->srclen[src] = len;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = next_cp(p, i, len, &cp);
		if (k < 0) {            /* invalid UTF-8: a separator */
			i++;
			continue;
		}
		if (!cp_is_word(cp)) {
			i += (size_t)k;
			continue;
		}
		/* a word starts at i */
		struct tok tk;
		memset(&tk, 0, sizeof(tk));
		tk.s = i;
		tk.src = src;
		tk.norm = d->norm.len;
		int next_lower;
		if (cp < CPINFO_MAX) {
			tk.upper = (cpinfo[cp].flags & CP_UPPER) != 0;
			next_lower = (cpinfo[cp].flags & CP_LOWER) != 0;
		} else {
			tk.upper = utf8proc_category(cp) == UTF8PROC_CATEGORY_LU ||
				   utf8proc_category(cp) == UTF8PROC_CATEGORY_LT;
			next_lower = utf8proc_islower(cp);
		}
		i = scan_word(p, i, len, &d->norm);
		tk.e = i;
		tk.len = d->norm.len - tk.norm;
		pw_buf_putc(&d->norm, '\0');

		int newsent = first;
		if (!first) {
			const struct tok *prev = &d->t[d->n - 1];
			newsent = gap_ends_sentence(s + prev_e, tk.s - prev_e, d->norm.data + prev->norm,
						    prev->len, next_lower);
		}
		if (newsent) {
			if (d->nsent == d->sentcap) {
				d->sentcap = d->sentcap ? 2 * d->sentcap : 32;
				d->sent = xreallocarray(d->sent, d->sentcap, sizeof(*d->sent));
			}
			d->sent[d->nsent].first = d->n;
			d->sent[d->nsent].last = d->n;
			d->nsent++;
		}
		tk.sent = (int)d->nsent - 1;
		d->sent[d->nsent - 1].last = d->n;
		if (d->n == d->cap) {
			d->cap = d->cap ? 2 * d->cap : 256;
			d->t = xreallocarray(d->t, d->cap, sizeof(*d->t));
		}
		d->t[d->n++] = tk;
		prev_e = tk.e;
		first = 0;
	}
}

static const char *tok_word(const struct doc *d, size_t i)
{
	return d->norm.data + d->t[i].norm;
}

/*
 * An empty doc with room for a text of textlen bytes: one allocation each for the words and
 * their folded forms, instead of a string of reallocations for every item the daemon tags.  A
 * word and the space after it take about six bytes; folded words about as many bytes as
 * written.  Both still grow when a text needs more.
 */
static void doc_init(struct doc *d, size_t textlen)
{
	memset(d, 0, sizeof(*d));
	d->cap = textlen / 6 + 16;
	d->t = xreallocarray(NULL, d->cap, sizeof(*d->t));
	pw_buf_reserve(&d->norm, textlen + 16);
}

/* Is word i in the built-in lists of class wc (WC_*)? */
static int tok_is(const struct doc *d, size_t i, size_t wc)
{
	return word_is(tok_word(d, i), d->t[i].len, wc);
}

static void doc_free(struct doc *d)
{
	free(d->t);
	free(d->sent);
	pw_buf_free(&d->norm);
}

char *pw_tag_normalize(const char *s)
{
	struct doc d;
	struct pw_buf out = PW_BUF_INIT;
	memset(&d, 0, sizeof(d));
	doc_add_source(&d, SRC_TEXT, s ? s : "");
	for (size_t i = 0; i < d.n; i++) {
		if (i)
			pw_buf_putc(&out, ' ');
		pw_buf_puts(&out, tok_word(&d, i));
	}
	doc_free(&d);
	return pw_buf_detach(&out);
}

/* ---------------------------------------------------------------------------------------- */
/* Compiled rules                                                                             */

enum kind { K_TOPIC, K_NONE, K_VERB, K_ROLE, K_NAME };

struct term {
	char **w;             /* normalised words */
	size_t *wlen;         /* their lengths in bytes */
	unsigned char *pfx;   /* pfx[i]: w[i] is a prefix */
	size_t nw;
	enum kind kind;
	int topic, group;     /* K_TOPIC / K_NONE */
	int forward;          /* K_VERB: the speaker follows ("according to X") */
	char *display;        /* K_NAME without a '*': the name as configured, whitespace collapsed,
			       * reported for every match (owned); NULL: reported as first written */
};

struct key {
	const char *w;        /* points into a term */
	size_t term;
};

struct topic {
	char *name;
	int alert;
	size_t ngroups;
};

/* First words of terms: keys sorted by word then term, and a hash of the distinct words whose
 * entries give the run of keys with that word. */
struct keytab {
	struct key *k;
	size_t n;
	struct wtab words;
};

/*
 * Nearly every word is the first word of no term.  A one-hash Bloom filter over the key words
 * says so from 1 KB that stays in cache while a text is tagged; the hash tables are larger and
 * cold by the time the daemon tags its next item (a probe was a cache miss per word).
 */
#define FILTER_BITS 8192

struct filter {
	uint64_t bits[FILTER_BITS / 64];
};

/* The hash's top bits: independent of the low bits that pick a hash table slot. */
static size_t filter_bit(uint64_t h)
{
	return (size_t)(h >> 51);
}

static void filter_add(struct filter *f, uint64_t h)
{
	size_t b = filter_bit(h);
	f->bits[b / 64] |= (uint64_t)1 << (b % 64);
}

static int filter_has(const struct filter *f, uint64_t h)
{
	size_t b = filter_bit(h);
	return (f->bits[b / 64] >> (b % 64)) & 1;
}

/* A word has several prefixes to look up (one per code point boundary within the prefix keys'
 * lengths); the prefix filter holds the first PF_LEN_MAX bytes (fewer if a prefix key is
 * shorter) of every prefix key, so that one test rules them all out. */
#define PF_LEN_MAX 4

struct pw_tagger {
	struct term *terms;
	size_t nterms;
	struct keytab exact, prefix;
	struct filter exact_filter;   /* whole key words */
	struct filter prefix_filter;  /* the first pf_len bytes of prefix keys */
	size_t pf_len;                /* 0: no prefix filter (a prefix key is empty) */
	struct topic *topics;
	size_t ntopics;
};

/* s with leading and trailing whitespace dropped and inner runs as one space.  Caller frees. */
static char *collapse_space(const char *s)
{
	struct pw_buf out = PW_BUF_INIT;
	int space = 0;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = 1;
			continue;
		}
		if (space && out.len)
			pw_buf_putc(&out, ' ');
		space = 0;
		pw_buf_putc(&out, *s);
	}
	return pw_buf_detach(&out);
}

/* Compiles one term as written ("Qarabağ FK", "новых регион*"); 0, or -1 when it has no words. */
static int add_term(struct pw_tagger *t, const char *raw, enum kind kind, int topic, int group)
{
	struct term tm;
	const char *p = raw;

	memset(&tm, 0, sizeof(tm));
	tm.kind = kind;
	tm.topic = topic;
	tm.group = group;
	/* Split at whitespace; each piece may end in '*'; a piece may hold several words
	 * ("пресс-секретар*" = пресс + секретар*). */
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *q = p;
		while (*q && *q != ' ' && *q != '\t')
			q++;
		size_t plen = (size_t)(q - p);
		int star = plen > 0 && p[plen - 1] == '*';
		char *piece = xstrndup(p, star ? plen - 1 : plen);
		struct doc d;
		memset(&d, 0, sizeof(d));
		doc_add_source(&d, SRC_TEXT, piece);
		for (size_t i = 0; i < d.n; i++) {
			tm.w = xreallocarray(tm.w, tm.nw + 1, sizeof(*tm.w));
			tm.wlen = xreallocarray(tm.wlen, tm.nw + 1, sizeof(*tm.wlen));
			tm.pfx = xreallocarray(tm.pfx, tm.nw + 1, 1);
			tm.w[tm.nw] = xstrdup(tok_word(&d, i));
			tm.wlen[tm.nw] = d.t[i].len;
			tm.pfx[tm.nw] = star && i + 1 == d.n;
			tm.nw++;
		}
		doc_free(&d);
		free(piece);
		p = q;
	}
	if (tm.nw == 0) {
		free(tm.w);
		free(tm.wlen);
		free(tm.pfx);
		return -1;
	}
	if (kind == K_NAME && !memchr(tm.pfx, 1, tm.nw))
		tm.display = collapse_space(raw);
	t->terms = xreallocarray(t->terms, t->nterms + 1, sizeof(*t->terms));
	t->terms[t->nterms++] = tm;
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int c = strcmp(x->w, y->w);
	if (c)
		return c;
	return x->term < y->term ? -1 : x->term > y->term;
}

static void keytab_index(struct keytab *kt)
{
	size_t nslots = 16;
	while (nslots < 2 * kt->n)
		nslots *= 2;
	wtab_init(&kt->words, xcalloc(nslots, sizeof(uint64_t)), xcalloc(nslots / 2, sizeof(struct wentry)),
		  nslots);
	if (kt->n)
		qsort(kt->k, kt->n, sizeof(*kt->k), key_cmp);
	for (size_t i = 0; i < kt->n; i++) {
		struct wentry *e = wtab_insert(&kt->words, kt->k[i].w, strlen(kt->k[i].w));
		if (e->n == 0)
			e->a = i;
		e->n++;
	}
}

/* The keys whose word is w[0..len) (w need not be terminated there), given its hash h. */
static const struct key *keytab_find(const struct keytab *kt, const char *w, size_t len, uint64_t h,
				     size_t *count)
{
	const struct wentry *e = wtab_find(&kt->words, w, len, h);
	*count = e ? e->n : 0;
	return e ? &kt->k[e->a] : NULL;
}

static void filters_build(struct pw_tagger *t)
{
	size_t minlen = t->prefix.words.minlen;
	t->pf_len = minlen < PF_LEN_MAX ? minlen : PF_LEN_MAX;
	for (size_t i = 0; i < t->prefix.n; i++)
		filter_add(&t->prefix_filter, fnv(t->prefix.k[i].w, t->pf_len));
	for (size_t i = 0; i < t->exact.n; i++)
		filter_add(&t->exact_filter, fnv(t->exact.k[i].w, strlen(t->exact.k[i].w)));
}

void pw_tagger_free(struct pw_tagger *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nterms; i++) {
		for (size_t j = 0; j < t->terms[i].nw; j++)
			free(t->terms[i].w[j]);
		free(t->terms[i].w);
		free(t->terms[i].wlen);
		free(t->terms[i].pfx);
		free(t->terms[i].display);
	}
	free(t->terms);
	free(t->exact.k);
	free(t->exact.words.s);
	free(t->exact.words.e);
	free(t->prefix.k);
	free(t->prefix.words.s);
	free(t->prefix.words.e);
	for (size_t i = 0; i < t->ntopics; i++)
		free(t->topics[i].name);
	free(t->topics);
	free(t);
}

struct pw_tagger *pw_tagger_new(const struct pw_topic_conf *topics, size_t n,
				char *const *speakers, size_t nspeakers, char *err, size_t errlen)
{
	struct pw_tagger *t = xcalloc(1, sizeof(*t));

	if (errlen)
		err[0] = '\0';
	t->topics = xcalloc(n ? n : 1, sizeof(*t->topics));
	for (size_t i = 0; i < n; i++) {
		const struct pw_topic_conf *tc = &topics[i];
		const char *file = tc->file ? tc->file : "topics";
		struct topic *tp = &t->topics[t->ntopics++];
		tp->name = xstrdup(tc->name ? tc->name : "");
		tp->alert = tc->alert;
		tp->ngroups = tc->ngroups;
		if (tc->ngroups == 0) {
			snprintf(err, errlen, "%s:%d: topic %s: no `any` terms", file, tc->line, tp->name);
			goto fail;
		}
		if (tc->ngroups > MAX_GROUPS) {
			snprintf(err, errlen, "%s:%d: topic %s: more than %d groups", file, tc->line,
				 tp->name, MAX_GROUPS);
			goto fail;
		}
		for (size_t g = 0; g < tc->ngroups; g++) {
			if (tc->groups[g].nterms == 0) {
				snprintf(err, errlen, "%s:%d: topic %s: empty `any` line", file, tc->line,
					 tp->name);
				goto fail;
			}
			for (size_t k = 0; k < tc->groups[g].nterms; k++)
				if (add_term(t, tc->groups[g].terms[k], K_TOPIC, (int)i, (int)g) < 0) {
					snprintf(err, errlen, "%s:%d: topic %s: term \"%s\" has no letters or digits",
						 file, tc->line, tp->name, tc->groups[g].terms[k]);
					goto fail;
				}
		}
		for (size_t k = 0; k < tc->nnone; k++)
			if (add_term(t, tc->none[k], K_NONE, (int)i, -1) < 0) {
				snprintf(err, errlen, "%s:%d: topic %s: exclusion \"%s\" has no letters or digits",
					 file, tc->line, tp->name, tc->none[k]);
				goto fail;
			}
	}
	for (size_t i = 0; i < nspeakers; i++)
		if (add_term(t, speakers[i], K_NAME, -1, -1) < 0) {
			snprintf(err, errlen, "[statements] speakers: \"%s\" has no letters or digits",
				 speakers[i]);
			goto fail;
		}
	for (size_t i = 0; i < PW_ARRAY_SIZE(verb_terms); i++) {
		(void)add_term(t, verb_terms[i], K_VERB, -1, -1);
		const char *w0 = t->terms[t->nterms - 1].w[0];
		t->terms[t->nterms - 1].forward = !strcmp(w0, "according") || !strcmp(w0, "по") ||
						  !strcmp(w0, "за");
	}
	for (size_t i = 0; i < PW_ARRAY_SIZE(role_terms); i++)
		(void)add_term(t, role_terms[i], K_ROLE, -1, -1);

	for (size_t i = 0; i < t->nterms; i++) {
		struct key k = { t->terms[i].w[0], i };
		struct keytab *kt = t->terms[i].pfx[0] ? &t->prefix : &t->exact;
		kt->k = xreallocarray(kt->k, kt->n + 1, sizeof(*kt->k));
		kt->k[kt->n++] = k;
	}
	keytab_index(&t->exact);
	keytab_index(&t->prefix);
	filters_build(t);
	return t;
fail:
	pw_tagger_free(t);
	return NULL;
}

/* ---------------------------------------------------------------------------------------- */
/* Matching                                                                                   */

struct hit {
	size_t term;
	size_t a, b;          /* tokens [a, b) */
};

struct hits {
	struct hit *h;
	size_t n, cap;
};

/* Does token word w[0..len) match term word pat[0..plen) (a prefix when pfx)? */
static int word_matches(const char *pat, size_t plen, int pfx, const char *w, size_t len)
{
	if (pfx ? len < plen : len != plen)
		return 0;
	return memcmp(w, pat, plen) == 0;
}

/* Words of a phrase may be separated only by spaces, hyphens and apostrophes. */
static int gap_is_tight(const struct doc *d, size_t i)
{
	const struct tok *a = &d->t[i], *b = &d->t[i + 1];
	if (a->src != b->src || a->sent != b->sent)
		return 0;
	const char *s = d->src[a->src];
	for (size_t k = a->e; k < b->s; k++) {
		unsigned char c = (unsigned char)s[k];
		if (c == ' ' || c == '\t' || c == '-' || c == '\'' || c >= 0x80)
			continue;       /* NBSP, typographic hyphens and apostrophes are >= 0x80 */
		return 0;
	}
	/* Non-ASCII gaps are allowed only when short (a dash or a quote mark, not a sentence). */
	return b->s - a->e <= 4;
}

static void try_term(const struct pw_tagger *t, const struct doc *d, size_t i, size_t term,
		     struct hits *out)
{
	const struct term *tm = &t->terms[term];
	if (i + tm->nw > d->n)
		return;
	for (size_t k = 1; k < tm->nw; k++) {
		if (!gap_is_tight(d, i + k - 1))
			return;
		if (!word_matches(tm->w[k], tm->wlen[k], tm->pfx[k], tok_word(d, i + k), d->t[i + k].len))
			return;
	}
	if (out->n == out->cap) {
		out->cap = out->cap ? 2 * out->cap : 64;
		out->h = xreallocarray(out->h, out->cap, sizeof(*out->h));
	}
	out->h[out->n].term = term;
	out->h[out->n].a = i;
	out->h[out->n].b = i + tm->nw;
	out->n++;
}

static void try_keys(const struct pw_tagger *t, const struct doc *d, size_t i,
		     const struct keytab *kt, const char *w, size_t len, uint64_t h, struct hits *out)
{
	size_t cnt;
	const struct key *k = keytab_find(kt, w, len, h, &cnt);
	for (size_t j = 0; j < cnt; j++)
		try_term(t, d, i, k[j].term, out);
}

/*
 * Every term whose first word is word i (exact) or begins it (prefix), tried at i.  One pass
 * over the word's bytes hashes it; the hash so far at each code point boundary is the hash of
 * that prefix.  (An empty prefix term -- a word of nothing but marks, with a '*' -- matches
 * only empty words, as it always has.)
 */
static void find_hits(const struct pw_tagger *t, const struct doc *d, struct hits *out)
{
	size_t pmin = t->prefix.words.minlen, pmax = t->prefix.words.maxlen;
	for (size_t i = 0; i < d->n; i++) {
		const char *w = tok_word(d, i);
		size_t len = d->t[i].len;
		uint64_t h = FNV_INIT;
		int pfx = 1;
		if (len == 0 && pmin == 0)
			try_keys(t, d, i, &t->prefix, w, 0, h, out);
		for (size_t l = 1; l <= len; l++) {
			h = fnv_step(h, (unsigned char)w[l - 1]);
			if (l == t->pf_len && !filter_has(&t->prefix_filter, h))
				pfx = 0;
			if (pfx && l >= pmin && l <= pmax && (l == len || ((unsigned char)w[l] & 0xC0) != 0x80))
				try_keys(t, d, i, &t->prefix, w, l, h, out);
		}
		if (filter_has(&t->exact_filter, h))
			try_keys(t, d, i, &t->exact, w, len, h, out);
	}
}

/* ---------------------------------------------------------------------------------------- */
/* Topics                                                                                     */

static int hits_overlap(const struct hit *x, const struct hit *y)
{
	return x->a < y->b && y->a < x->b;
}

static void match_topics(const struct pw_tagger *t, const struct doc *d, const struct hits *h,
			 unsigned char *matched)
{
	unsigned char *suppressed = xcalloc(t->nterms ? t->nterms : 1, 1);
	uint32_t *mask = xcalloc(d->nsent ? d->nsent : 1, sizeof(*mask));

	for (size_t tp = 0; tp < t->ntopics; tp++) {
		int veto = 0;
		matched[tp] = 0;
		for (size_t i = 0; i < h->n; i++) {
			const struct term *nt = &t->terms[h->h[i].term];
			if (nt->kind != K_NONE || nt->topic != (int)tp)
				continue;
			int overlapped = 0;
			for (size_t j = 0; j < h->n; j++) {
				const struct term *pt = &t->terms[h->h[j].term];
				if (pt->kind == K_TOPIC && pt->topic == (int)tp &&
				    hits_overlap(&h->h[i], &h->h[j])) {
					suppressed[h->h[j].term] = 1;
					overlapped = 1;
				}
			}
			if (!overlapped)
				veto = 1;
		}
		if (veto)
			continue;
		memset(mask, 0, (d->nsent ? d->nsent : 1) * sizeof(*mask));
		for (size_t i = 0; i < h->n; i++) {
			const struct term *pt = &t->terms[h->h[i].term];
			if (pt->kind != K_TOPIC || pt->topic != (int)tp || suppressed[h->h[i].term])
				continue;
			mask[d->t[h->h[i].a].sent] |= (uint32_t)1 << pt->group;
		}
		size_t ng = t->topics[tp].ngroups;
		uint32_t full = ng >= 32 ? UINT32_MAX : (((uint32_t)1 << ng) - 1);
		for (size_t s = 0; s < d->nsent && !matched[tp]; s++) {
			uint32_t m = mask[s] | (s + 1 < d->nsent ? mask[s + 1] : 0);
			if (m == full)
				matched[tp] = 1;
		}
	}
	free(mask);
	free(suppressed);
}

/* ---------------------------------------------------------------------------------------- */
/* Statements                                                                                 */

enum { MARK_NONE = 0, MARK_ROLE = 1, MARK_NAME = 2 };

struct span {
	size_t a, b;          /* tokens [a, b) */
	int kind;             /* MARK_ROLE / MARK_NAME */
	size_t term;          /* MARK_NAME: the speaker term that matched it */
};

/* The most specific role term word that matched a token (see role_key()). */
struct role_word {
	const char *w;        /* normalised term word; NULL: no role term covers the token */
	size_t len;
	int pfx;              /* w is a prefix ("речник*") */
};

struct stmt {
	size_t sent;
	struct span who;
};

/* "the minister's visit": word k is a possessor, not the one speaking. */
static int is_possessive(const struct doc *d, size_t k)
{
	if (k + 1 >= d->n || d->t[k + 1].src != d->t[k].src || strcmp(tok_word(d, k + 1), "s") != 0)
		return 0;
	const char *s = d->src[d->t[k].src];
	size_t a = d->t[k].e, b = d->t[k + 1].s;
	return (b - a == 1 && s[a] == '\'') || (b - a == 3 && memcmp(s + a, "\xE2\x80\x99", 3) == 0);
}

/*
 * After a speaker named after the verb (ending before token j): more of the speaker (names,
 * roles, up to three capitalised words: "МИД России Мария Захарова"), then the end of the
 * sentence, punctuation or a word of after_speaker[] -- not a verb of a new clause.
 */
static int ends_clause(const struct doc *d, const unsigned char *mark, size_t j, size_t last)
{
	int caps = 0;
	while (j <= last && gap_is_tight(d, j - 1) &&
	       (mark[j] != MARK_NONE || (d->t[j].upper && caps < 3))) {
		caps += mark[j] == MARK_NONE;
		j++;
	}
	if (j > last || !gap_is_tight(d, j - 1))
		return 1;
	return tok_is(d, j, WC_AFTER);
}

/* Speaker span nearest to the verb [va, vb) on one side, or kind 0. */
static struct span nearest_speaker(const struct doc *d, const unsigned char *mark,
				   const size_t *name_end, const size_t *name_term, size_t va, size_t vb,
				   int forward)
{
	struct span none = { 0, 0, MARK_NONE, 0 };
	size_t sent = (size_t)d->t[va].sent;
	size_t first = d->sent[sent].first, last = d->sent[sent].last;

	/* before the verb */
	for (size_t i = va; !forward && i > first && va - i < SPEAKER_BEFORE + 1; i--) {
		size_t k = i - 1;
		if (mark[k] == MARK_NONE) {
			if (tok_is(d, k, WC_CLAUSE))
				break;
			continue;
		}
		if (is_possessive(d, k))
			continue;
		struct span sp = { k, k + 1, mark[k], name_term[k] };
		if (mark[k] == MARK_NAME) {
			while (sp.a > first && mark[sp.a - 1] == MARK_NAME && name_end[sp.a - 1] == name_end[k])
				sp.a--;
			return sp;
		}
		while (sp.a > first && mark[sp.a - 1] == MARK_ROLE && gap_is_tight(d, sp.a - 1))
			sp.a--;
		return sp;
	}
	/* right after it ("said Zakharova", "said the spokesperson", "заявили в МИД") */
	for (size_t k = vb; k <= last && k <= vb + (forward ? SPEAKER_AFTER_FWD : SPEAKER_AFTER); k++) {
		/* "says Stephen Calderwood, MD, president of ...": no punctuation on the way */
		if (k > vb && !gap_is_tight(d, k - 1))
			break;
		if (mark[k] == MARK_NONE) {
			/* skippable: articles, "by", a capitalised word ("said Russian Foreign Ministry
			 * spokesperson") and the "s" of a possessive ("said Azerbaijan's president") */
			if (!forward && !tok_is(d, k, WC_ARTICLE) &&
			    !d->t[k].upper && !(k > vb && is_possessive(d, k - 1)))
				break;
			continue;
		}
		struct span sp = { k, k + 1, mark[k], name_term[k] };
		if (mark[k] == MARK_NAME)
			sp.b = name_end[k];
		else
			while (sp.b <= last && mark[sp.b] == MARK_ROLE && gap_is_tight(d, sp.b - 1))
				sp.b++;
		return ends_clause(d, mark, sp.b, last) ? sp : none;
	}
	return none;
}

/* A named official standing in apposition to (or right after) role span r. */
static int attached_name(const struct doc *d, const unsigned char *mark, const size_t *name_end,
			 const size_t *name_term, struct span r, struct span *name)
{
	size_t sent = (size_t)d->t[r.a].sent;
	size_t first = d->sent[sent].first, last = d->sent[sent].last;

	/* "spokesperson Maria Zakharova", "МИД России Мария Захарова" */
	for (size_t k = r.b; k <= last && k <= r.b + 2; k++)
		if (mark[k] == MARK_NAME) {
			name->a = k;
			name->b = name_end[k];
			name->kind = MARK_NAME;
			name->term = name_term[k];
			return 1;
		}
	/* "Zakharova, the official representative of the Russian Ministry of Foreign Affairs," */
	for (size_t i = r.a; i > first && r.a - i < APPOSITIVE_MAX + 1; i--) {
		size_t k = i - 1;
		if (mark[k] != MARK_NAME)
			continue;
		const char *s = d->src[d->t[k].src];
		size_t gs = d->t[name_end[k] - 1].e, ge = d->t[name_end[k]].s;
		if (memchr(s + gs, ',', ge - gs) || name_end[k] == r.a) {
			size_t a = k;
			while (a > first && mark[a - 1] == MARK_NAME && name_end[a - 1] == name_end[k])
				a--;
			name->a = a;
			name->b = name_end[k];
			name->kind = MARK_NAME;
			name->term = name_term[k];
			return 1;
		}
		return 0;
	}
	return 0;
}

static char *span_text(const struct doc *d, struct span sp)
{
	const char *s = d->src[d->t[sp.a].src];
	size_t a = d->t[sp.a].s, b = d->t[sp.b - 1].e;
	struct pw_buf out = PW_BUF_INIT;
	int space = 0;
	for (size_t i = a; i < b; i++) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = 1;
			continue;
		}
		if (space && out.len)
			pw_buf_putc(&out, ' ');
		space = 0;
		pw_buf_putc(&out, c);
	}
	return pw_buf_detach(&out);
}

static int is_open_punct(utf8proc_int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_PS || c == UTF8PROC_CATEGORY_PI || c == UTF8PROC_CATEGORY_PF ||
	       cp == '"' || cp == '\'' || cp == 0xAB;
}

/* The sentence as written, whitespace collapsed, at most PW_TAG_SNIPPET_MAX code points. */
static char *sentence_text(const struct doc *d, size_t sent)
{
	const struct tok *f = &d->t[d->sent[sent].first], *l = &d->t[d->sent[sent].last];
	const char *s = d->src[f->src];
	size_t len = d->srclen[f->src];
	size_t a = f->s, b = l->e;

	/* take in an opening quote or bracket right before the first word */
	while (a > 0) {
		size_t k = a - 1;
		while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
		utf8proc_int32_t cp;
		if (utf8proc_iterate((const utf8proc_uint8_t *)s + k, (utf8proc_ssize_t)(a - k), &cp) < 0 ||
		    !is_open_punct(cp))
			break;
		a = k;
	}
	/* and closing punctuation up to the next space */
	while (b < len && s[b] != ' ' && s[b] != '\n' && s[b] != '\r' && s[b] != '\t')
		b++;

	struct pw_buf out = PW_BUF_INIT;
	size_t ncp = 0, last_space_len = 0;
	int space = 0, cut = 0;
	for (size_t i = a; i < b;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(b - i), &cp);
		if (k < 0) {
			i++;
			continue;
		}
		if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0) {
			space = 1;
			i += (size_t)k;
			continue;
		}
		if (space && out.len) {
			if (ncp + 1 >= PW_TAG_SNIPPET_MAX) {
				cut = 1;
				break;
			}
			last_space_len = out.len;
			pw_buf_putc(&out, ' ');
			ncp++;
		}
		space = 0;
		if (ncp + 1 >= PW_TAG_SNIPPET_MAX) {
			cut = 1;
			break;
		}
		pw_buf_append(&out, s + i, (size_t)k);
		ncp++;
		i += (size_t)k;
	}
	if (cut) {
		/* end at a word boundary when one is reasonably close */
		if (last_space_len > out.len / 2)
			pw_buf_truncate(&out, last_space_len);
		pw_buf_puts(&out, "…");
	}
	return pw_buf_detach(&out);
}

/* Is normalised phrase `in` (space-padded) inside `out`? */
static int phrase_within(const char *in, const char *out)
{
	return strstr(out, in) != NULL;
}

/*
 * Singular case endings of role nouns (normalised: й -> и), after a role term's prefix: with
 * one of these, the word is that role ("речника", "Кремля", "prezidenti", "խոսնակը" = "речник",
 * "Кремль", "prezident", "խոսնակ"); with anything else it is some other word that begins the
 * same way ("президентский", "кремлёвский", "министры" stay as they are).  Plural endings are
 * left out on purpose: "министры" are not "министр".
 */
static const char *const role_endings[] = {
	/* ru, uk */
	"а", "я", "у", "ю", "е", "і", "ь", "ом", "ем", "ою", "ею", "ові", "еві", "єві",
	/* az */
	"i", "in", "ni", "nin", "inin", "ini", "ine", "inde", "inden", "e", "a", "de", "da", "den",
	"dan", "le", "la", "ye", "ya", "u", "un", "nun", "nu", "su", "sunun", "suna", "si", "sinin",
	/* hy: the article and the case endings */
	"ը", "ն", "ի", "ին", "ից", "ով", "ում",
};

/* Inflected role words listed as terms of their own (a prefix "посол*" would take in
 * "посольство", the embassy): the form they stand for. */
static const char *const role_aliases[][2] = {
	{ "посла", "посол" }, { "послом", "посол" },
};

static int role_ending(const char *e, size_t len)
{
	if (len == 0)
		return 1;
	for (size_t i = 0; i < PW_ARRAY_SIZE(role_endings); i++)
		if (strlen(role_endings[i]) == len && memcmp(role_endings[i], e, len) == 0)
			return 1;
	return 0;
}

/*
 * The role span sp as one key, space-padded: each word reduced to the role it names -- the
 * term's prefix when the rest of the word is a case ending, the base form of an alias -- so
 * that "Речник МЗС" and "речника МЗС", "посол" and "посла" get the same key while "министр" and
 * "министерство" (other terms) or "министры" (a plural) do not.  Caller frees.
 */
static char *role_key(const struct doc *d, const struct role_word *rw, struct span sp)
{
	struct pw_buf b = PW_BUF_INIT;
	pw_buf_putc(&b, ' ');
	for (size_t k = sp.a; k < sp.b; k++) {
		const char *w = tok_word(d, k);
		size_t len = d->t[k].len;
		if (rw[k].w && rw[k].pfx && rw[k].len <= len && role_ending(w + rw[k].len, len - rw[k].len)) {
			len = rw[k].len;
		} else {
			for (size_t i = 0; i < PW_ARRAY_SIZE(role_aliases); i++)
				if (!strcmp(w, role_aliases[i][0])) {
					w = role_aliases[i][1];
					len = strlen(w);
					break;
				}
		}
		pw_buf_append(&b, w, len);
		pw_buf_putc(&b, ' ');
	}
	return pw_buf_detach(&b);
}

/* What add_speaker() compares, one per speaker of the result (kept in step with it). */
struct speaker_key {
	char *norm;           /* the speaker as reported, normalised and space-padded (owned) */
	char *role;           /* role_key() of a role speaker (owned); NULL for a name */
	size_t term;          /* a name: the speaker term that matched it; SIZE_MAX for a role */
};

/*
 * Is role key `a` the same role as key `b` or its first words ("речник" begins "речник мзс")?
 * Both space-padded.  The first words only in Cyrillic, where the head noun comes first;
 * Azerbaijani and Armenian put it last ("Prezidentin köməkçisi", the president's aide, is
 * not the president), and English is already covered by the phrase comparison.
 */
static int key_begins(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	size_t n = strlen(a);
	if (strncmp(b, a, n) != 0)
		return 0;
	unsigned char c = (unsigned char)a[1];     /* the first byte of the first word */
	return b[n] == '\0' || (c >= 0xD0 && c <= 0xD4);
}

/*
 * Adds a speaker unless it is already there.  One named official is one speaker whatever the
 * form: two matches of one speaker term are the same person ("Захарова", "Захаровой").  Roles:
 * "ministry" after "Foreign Ministry" is the same speaker (and "Foreign Ministry" after
 * "ministry" replaces it), and so is a role whose key (role_key()) begins the other's ("речника"
 * after "Речник МЗС").  name is owned by the result afterwards (or freed); role is the role key
 * (taken, NULL for a name); term the name's speaker term (SIZE_MAX for a role).  Each name is
 * normalised once however many statements a text has.
 */
static void add_speaker(struct pw_tag_result *r, struct speaker_key **keys, char *name, char *role,
			size_t term)
{
	char *raw = pw_tag_normalize(name);
	char *norm = xasprintf(" %s ", raw);
	free(raw);
	for (size_t i = 0; i < r->nspeakers; i++) {
		struct speaker_key *old = &(*keys)[i];
		int dup = (term != SIZE_MAX && old->term == term) || phrase_within(norm, old->norm) ||
			  key_begins(role, old->role);
		int wider = !dup && (phrase_within(old->norm, norm) || key_begins(old->role, role));
		if (dup) {
			free(name);
			free(norm);
			free(role);
			return;
		}
		if (wider) {
			free(r->speakers[i]);
			r->speakers[i] = name;
			free(old->norm);
			free(old->role);
			old->norm = norm;
			old->role = role;
			old->term = term;
			return;
		}
	}
	r->speakers = xreallocarray(r->speakers, r->nspeakers + 1, sizeof(*r->speakers));
	*keys = xreallocarray(*keys, r->nspeakers + 1, sizeof(**keys));
	(*keys)[r->nspeakers].norm = norm;
	(*keys)[r->nspeakers].role = role;
	(*keys)[r->nspeakers].term = term;
	r->speakers[r->nspeakers++] = name;
}

static int has_verb(const struct pw_tagger *t, const struct hits *h)
{
	for (size_t i = 0; i < h->n; i++)
		if (t->terms[h->h[i].term].kind == K_VERB)
			return 1;
	return 0;
}

static void find_statements(const struct pw_tagger *t, const struct doc *d, const struct hits *h,
			    const unsigned char *matched, struct pw_tag_result *r)
{
	if (!has_verb(t, h))    /* most texts: nothing below can find a statement */
		return;
	unsigned char *mark = xcalloc(d->n + 1, 1);
	size_t *name_end = xcalloc(d->n + 1, sizeof(*name_end));
	size_t *name_term = xcalloc(d->n + 1, sizeof(*name_term));
	struct role_word *role_w = xcalloc(d->n + 1, sizeof(*role_w));
	unsigned char *topic_sent = xcalloc(d->nsent + 1, 1);   /* 2 alerting topic, 1 other */
	struct speaker_key *keys = NULL;                         /* see add_speaker() */
	size_t best_sent = SIZE_MAX;
	int best_score = -1;

	for (size_t i = 0; i < h->n; i++) {
		const struct term *tm = &t->terms[h->h[i].term];
		if (tm->kind == K_ROLE) {
			for (size_t k = h->h[i].a; k < h->h[i].b; k++) {
				size_t j = k - h->h[i].a;
				if (mark[k] == MARK_NONE)
					mark[k] = MARK_ROLE;
				/* the longest term word is the most specific: nazirliy* over nazir* */
				if (!role_w[k].w || tm->wlen[j] > role_w[k].len) {
					role_w[k].w = tm->w[j];
					role_w[k].len = tm->wlen[j];
					role_w[k].pfx = tm->pfx[j];
				}
			}
		} else if (tm->kind == K_NAME) {
			for (size_t k = h->h[i].a; k < h->h[i].b; k++) {
				/* "Maria Zakharova" over "Zakharova" when both are listed */
				if (mark[k] != MARK_NAME || tm->nw > t->terms[name_term[k]].nw)
					name_term[k] = h->h[i].term;
				mark[k] = MARK_NAME;
				name_end[k] = h->h[i].b;
			}
		} else if (tm->kind == K_TOPIC && matched[tm->topic]) {
			unsigned char v = t->topics[tm->topic].alert ? 2 : 1;
			size_t s = (size_t)d->t[h->h[i].a].sent;
			if (topic_sent[s] < v)
				topic_sent[s] = v;
		}
	}
	for (size_t i = 0; i < h->n; i++) {
		const struct term *tm = &t->terms[h->h[i].term];
		if (tm->kind != K_VERB)
			continue;
		struct span who = nearest_speaker(d, mark, name_end, name_term, h->h[i].a, h->h[i].b,
						  tm->forward);
		if (who.kind == MARK_NONE)
			continue;
		if (who.kind == MARK_ROLE) {
			struct span name;
			if (attached_name(d, mark, name_end, name_term, who, &name))
				who = name;
		}
		r->statement = 1;
		if (who.kind == MARK_NAME) {
			/* a configured full name is reported as configured; a stem ("Захаров*") as
			 * first written among the statements */
			const struct term *nt = &t->terms[who.term];
			const char *shown = nt->nw == who.b - who.a ? nt->display : NULL;
			add_speaker(r, &keys, shown ? xstrdup(shown) : span_text(d, who), NULL, who.term);
		} else {
			add_speaker(r, &keys, span_text(d, who), role_key(d, role_w, who), SIZE_MAX);
		}
		size_t s = (size_t)d->t[h->h[i].a].sent;
		int score = topic_sent[s] * 2 + (d->t[h->h[i].a].src == SRC_TEXT);
		if (score > best_score || (score == best_score && s < best_sent)) {
			best_score = score;
			best_sent = s;
		}
	}
	if (r->statement)
		r->snippet = sentence_text(d, best_sent);
	for (size_t i = 0; i < r->nspeakers; i++) {
		free(keys[i].norm);
		free(keys[i].role);
	}
	free(keys);
	free(role_w);
	free(name_term);
	free(topic_sent);
	free(name_end);
	free(mark);
}

/* ---------------------------------------------------------------------------------------- */

static int hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b > y->b ? -1 : 1;   /* longer first */
	return x->term < y->term ? -1 : x->term > y->term;
}

int pw_tag_item(const struct pw_tagger *t, const char *title, const char *text,
		struct pw_tag_result *out)
{
	struct doc d;
	struct hits h = { NULL, 0, 0 };
	struct pw_tag_result zero = PW_TAG_RESULT_INIT;

	*out = zero;
	if (!title && !text)
		return -1;
	doc_init(&d, (title ? strlen(title) : 0) + (text ? strlen(text) : 0));
	doc_add_source(&d, SRC_TITLE, title);
	doc_add_source(&d, SRC_TEXT, text);
	find_hits(t, &d, &h);
	if (h.n)
		qsort(h.h, h.n, sizeof(*h.h), hit_cmp);

	unsigned char *matched = xcalloc(t->ntopics ? t->ntopics : 1, 1);
	if (h.n)                /* no hits, no topics */
		match_topics(t, &d, &h, matched);
	for (size_t i = 0; i < t->ntopics; i++) {
		if (!matched[i])
			continue;
		out->topics = xreallocarray(out->topics, out->ntopics + 1, sizeof(*out->topics));
		out->topic_alert = xreallocarray(out->topic_alert, out->ntopics + 1, sizeof(*out->topic_alert));
		out->topics[out->ntopics] = xstrdup(t->topics[i].name);
		out->topic_alert[out->ntopics] = t->topics[i].alert;
		if (t->topics[i].alert)
			out->alert_topic = 1;
		out->ntopics++;
	}
	if (d.n)
		find_statements(t, &d, &h, matched, out);
	free(matched);
	free(h.h);
	doc_free(&d);
	return (int)out->ntopics;
}

void pw_tag_result_clear(struct pw_tag_result *r)
{
	struct pw_tag_result zero = PW_TAG_RESULT_INIT;
	if (!r)
		return;
	for (size_t i = 0; i < r->ntopics; i++)
		free(r->topics[i]);
	free(r->topics);
	free(r->topic_alert);
	for (size_t i = 0; i < r->nspeakers; i++)
		free(r->speakers[i]);
	free(r->speakers);
	free(r->snippet);
	*r = zero;
}
