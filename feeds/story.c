/* story.c -- story terms, TF-IDF vectors, cosine, centroids (see story.h). */

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "shingle.h"
#include "story.h"
#include "story_prior.h"
#include "xmalloc.h"

/*
 * Stopwords: function words and reporting boilerplate that carry no event identity.  Kept
 * short on purpose: IDF from the store discounts everything else that is common.  Written in
 * normalised form (lower case; Azerbaijani ı as i, Russian ё as е).
 */
static const char *const stopwords[] = {
	/* en */
	"a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
	"are", "as", "at", "be", "because", "been", "before", "being", "between", "both", "but",
	"by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for",
	"from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him",
	"his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more",
	"most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other",
	"our", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that",
	"the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to",
	"too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where",
	"which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "said",
	"says", "say", "told", "according", "added", "noted", "stated", "would", "may", "might",
	"must", "shall", "one", "two", "new", "however", "within", "without", "since", "upon",
	"per", "via", "yet", "still", "well", "even", "many", "much", "any", "another", "us",
	"mr", "ms", "mrs", "s", "t", "read", "see", "photo", "news", "latest", "close", "more",
	/* en: the vocabulary of every political news item -- on a young store, whose IDF comes
	 * from a handful of texts, these would still tie unrelated stories of one region */
	"minister", "ministry", "foreign", "affairs", "government", "president", "presidential",
	"official", "officials", "spokesperson", "spokesman", "statement", "statements", "country",
	"countries", "state", "national", "international", "region", "regions", "regional", "year",
	"years", "week", "day", "days", "today", "yesterday", "monday", "tuesday", "wednesday",
	"thursday", "friday", "saturday", "sunday", "people", "public", "issue", "issues",
	"situation", "part", "time", "first", "second", "third", "last", "next", "three", "four",
	"five", "reported", "report", "reports", "agency", "press", "called", "stressed",
	"emphasized", "expressed", "comments", "comment", "side", "sides",
	/* ru */
	"и", "в", "во", "не", "что", "он", "на", "я", "с", "со", "как", "а", "то", "все", "она",
	"так", "его", "но", "да", "ты", "к", "у", "же", "вы", "за", "бы", "по", "только", "ее",
	"мне", "было", "вот", "от", "меня", "еще", "нет", "о", "из", "ему", "теперь", "когда",
	"даже", "ну", "ли", "если", "уже", "или", "ни", "быть", "был", "него", "до", "вас",
	"нибудь", "опять", "уж", "вам", "ведь", "там", "потом", "себя", "ничего", "ей", "может",
	"они", "тут", "где", "есть", "надо", "ней", "для", "мы", "тебя", "их", "чем", "была",
	"сам", "чтоб", "без", "будто", "чего", "раз", "тоже", "себе", "под", "будет", "ж",
	"тогда", "кто", "этот", "того", "потому", "этого", "какой", "совсем", "ним", "здесь",
	"этом", "один", "почти", "мой", "тем", "чтобы", "нее", "были", "куда", "зачем", "всех",
	"никогда", "можно", "при", "наконец", "два", "об", "другой", "хоть", "после", "над",
	"больше", "тот", "через", "эти", "нас", "про", "всего", "них", "какая", "много", "разве",
	"три", "эту", "моя", "впрочем", "хорошо", "свою", "этой", "перед", "иногда", "лучше",
	"чуть", "том", "нельзя", "такой", "им", "более", "всегда", "конечно", "всю", "между",
	"это", "также", "заявил", "заявила", "сообщил", "сообщила", "отметил", "отметила",
	"сказал", "сказала", "сообщает", "которые", "который", "которая", "которое", "года",
	"году", "г", "т", "ее",
	"министр", "министерство", "министерства", "президент", "президента", "заявление",
	"страны", "страна", "время", "республики", "глава", "официальный", "представитель",
	"сообщили", "словам", "данным", "понедельник", "вторник", "среду", "четверг", "пятницу",
	"субботу", "воскресенье",
	/* az */
	"və", "ilə", "bu", "bir", "da", "də", "ki", "üçün", "olan", "olub", "olaraq", "edib",
	"edir", "isə", "amma", "lakin", "həm", "ya", "yaxud", "onun", "onlar", "biz", "siz",
	"mən", "sən", "o", "belə", "artiq", "daha", "çox", "hər", "heç", "kimi", "qədər", "sonra",
	"əvvəl", "görə", "barədə", "haqqinda", "tərəfindən", "deyib", "bildirib", "qeyd", "etdi",
	"etib", "il", "ildə", "ilin", "bunu", "buna", "bunun", "öz", "özü", "deyil", "var", "yox",
	/* hy */
	"և", "եւ", "ու", "է", "են", "էր", "էին", "որ", "այդ", "այս", "այն", "նա", "նրանք", "մենք",
	"դուք", "ես", "դու", "մեջ", "համար", "հետ", "վրա", "մասին", "կողմից", "իսկ", "բայց",
	"կամ", "թե", "եթե", "ոչ", "չէ", "նաև", "նույն", "ինչ", "ինչպես", "երբ", "որը", "որոնք",
	"ըստ", "հետո", "առաջ", "արդեն", "դեռ", "շատ", "բոլոր", "ամեն", "նշել", "ասել", "հայտնել",
	"հայտարարել", "ն", "ի", "ը",
};

struct month { const char *prefix; int month; };
/* Month names by prefix of the normalised word (inflected forms share the prefix). */
static const struct month months[] = {
	{ "january", 1 }, { "february", 2 }, { "march", 3 }, { "april", 4 }, { "may", 5 },
	{ "june", 6 }, { "july", 7 }, { "august", 8 }, { "september", 9 }, { "october", 10 },
	{ "november", 11 }, { "december", 12 }, { "jan", 1 }, { "feb", 2 }, { "mar", 3 },
	{ "apr", 4 }, { "jun", 6 }, { "jul", 7 }, { "aug", 8 }, { "sep", 9 }, { "oct", 10 },
	{ "nov", 11 }, { "dec", 12 },
	{ "январ", 1 }, { "феврал", 2 }, { "март", 3 }, { "апрел", 4 }, { "мая", 5 }, { "май", 5 },
	{ "июн", 6 }, { "июл", 7 }, { "август", 8 }, { "сентябр", 9 }, { "октябр", 10 },
	{ "ноябр", 11 }, { "декабр", 12 },
	{ "yanvar", 1 }, { "fevral", 2 }, { "mart", 3 }, { "aprel", 4 }, { "may", 5 }, { "iyun", 6 },
	{ "iyul", 7 }, { "avqust", 8 }, { "sentyabr", 9 }, { "oktyabr", 10 }, { "noyabr", 11 },
	{ "dekabr", 12 },
	{ "հունվար", 1 }, { "փետրվար", 2 }, { "մարտ", 3 }, { "ապրիլ", 4 }, { "մայիս", 5 },
	{ "հունիս", 6 }, { "հուլիս", 7 }, { "օգոստոս", 8 }, { "սեպտեմբեր", 9 }, { "հոկտեմբեր", 10 },
	{ "նոյեմբեր", 11 }, { "դեկտեմբեր", 12 },
};

#define STOP_SLOTS 2048 /* power of two, > 2 x the number of stopwords */
static uint64_t stop_set[STOP_SLOTS];
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;
static const uint64_t TERM_SEED = 0x9d3f0a1c5e7b2468ull;

static uint8_t month_lead[65536 / 8]; /* bitmap of the first two bytes of month prefixes */

/* The document-frequency prior (story_prior.h) by term id: open addressing, id 0 = empty. */
#define PRIOR_SLOTS 2048 /* power of two, > 2 x the prior words and their transliterations */
static struct { uint64_t id; float p; } prior_set[PRIOR_SLOTS];

static size_t prefix_bytes(const char *s, size_t len, unsigned cps);
static size_t translit_stem(const char *s, size_t len, char out[PW_STORY_STEM + 1]);

static void prior_add(const char *stem, size_t len, float p)
{
	uint64_t id = pw_hash64(stem, len, TERM_SEED);
	if (id == 0 || len == 0)
		return;
	size_t j = id & (PRIOR_SLOTS - 1);
	while (prior_set[j].id && prior_set[j].id != id)
		j = (j + 1) & (PRIOR_SLOTS - 1);
	prior_set[j].id = id;
	if (p > prior_set[j].p)
		prior_set[j].p = p; /* words of one stem: the commonest */
}

static void prior_init(void)
{
	for (size_t i = 0; i < pw_story_prior_nwords; i++) {
		char *norm = pw_text_normalize(pw_story_prior_words[i].word, strlen(pw_story_prior_words[i].word));
		size_t len = strlen(norm), stem = prefix_bytes(norm, len, PW_STORY_STEM);
		prior_add(norm, stem, pw_story_prior_words[i].p);
		/* a Cyrillic word is also a name ("Россия"), and names are transliterated */
		char lat[PW_STORY_STEM + 1];
		size_t n = translit_stem(norm, len, lat);
		if (n)
			prior_add(lat, n, pw_story_prior_words[i].p);
		free(norm);
	}
}

/* Expected share of news items containing term id. */
static double prior_p(uint64_t id)
{
	for (size_t j = id & (PRIOR_SLOTS - 1); prior_set[j].id; j = (j + 1) & (PRIOR_SLOTS - 1))
		if (prior_set[j].id == id)
			return prior_set[j].p;
	return PW_STORY_PRIOR_P0;
}

static void stop_init(void)
{
	prior_init();
	for (size_t i = 0; i < PW_ARRAY_SIZE(months); i++)
	{
		unsigned k = (unsigned)(unsigned char)months[i].prefix[0] << 8 | (unsigned char)months[i].prefix[1];
		month_lead[k >> 3] |= (uint8_t)(1u << (k & 7));
	}
	for (size_t i = 0; i < PW_ARRAY_SIZE(stopwords); i++) {
		char *norm = pw_text_normalize(stopwords[i], strlen(stopwords[i]));
		uint64_t h = pw_hash64(norm, strlen(norm), TERM_SEED) | 1; /* 0 marks empty slots */
		free(norm);
		size_t j = h & (STOP_SLOTS - 1);
		while (stop_set[j] && stop_set[j] != h)
			j = (j + 1) & (STOP_SLOTS - 1);
		stop_set[j] = h;
	}
}

static bool is_stopword(const char *s, size_t len)
{
	uint64_t h = pw_hash64(s, len, TERM_SEED) | 1;
	for (size_t j = h & (STOP_SLOTS - 1); stop_set[j]; j = (j + 1) & (STOP_SLOTS - 1))
		if (stop_set[j] == h)
			return true;
	return false;
}

static int month_of(const char *s, size_t len)
{
	if (len < 3)
		return 0;
	unsigned lead = (unsigned)(unsigned char)s[0] << 8 | (unsigned char)s[1];
	if (!(month_lead[lead >> 3] & (1u << (lead & 7))))
		return 0; /* most words: no month starts with these two bytes */
	for (size_t i = 0; i < PW_ARRAY_SIZE(months); i++) {
		const char *p = months[i].prefix;
		if (p[0] != s[0] || p[1] != s[1])
			continue; /* cheap reject: this runs for every word */
		size_t pl = strlen(p);
		/* short English abbreviations must be the whole word ("mar" is not "market"),
		 * "sept" aside */
		bool fits = pl <= 3 ? len == pl || (pl == 3 && len == 4 && months[i].month == 9 && s[3] == 't')
				    : len >= pl;
		if (fits && memcmp(s, p, pl) == 0)
			return months[i].month;
	}
	return 0;
}

/* Byte length of the first `cps` code points of s[0..len). */
static size_t prefix_bytes(const char *s, size_t len, unsigned cps)
{
	size_t i = 0;
	while (i < len && cps > 0) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		cps--;
	}
	return i;
}

/*
 * Names in Russian-language text are transliterated to Latin so that "Захарова" and
 * "Zakharova" (or "Пашинян" and "Pashinyan") are one term: most cross-language coverage of a
 * statement shares its people and places, and only dates and numbers would match otherwise.
 * BGN/PCGN romanisation, the one English-language outlets use for Russian names (х kh, ц ts,
 * ч ch, ш sh, щ shch, ж zh, ю yu, я ya, й y, ы y, ъ ь dropped; е is "ye" at the start of a
 * word and after a vowel, й, ъ or ь: "Ереван" yerevan, "Алиев" aliyev).  Input is normalised
 * (lower case, ё folded to е); only the first PW_STORY_STEM code points of the result are
 * kept, as for every word.
 */
static const char *const cyr_lat[32] = { /* а .. я */
	"a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
	"r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
};

static bool name_ends(const char *s, size_t len, const char *suffix)
{
	size_t l = strlen(suffix);
	return len >= l && memcmp(s + len - l, suffix, l) == 0;
}

/*
 * The length of a Russian name without its case ending, so that the forms of one name are one
 * term as in English ("Путина", "Пашиняна", "в Минске": putin, pashinyan, minsk): the endings
 * of nouns and adjectives, longest first, when 4 letters remain (3 before "ia").  Two endings are spelt as
 * English spells them (*append): "-ий"/"-ый" y (Dmitry, Medinsky), "-ия"/"-ии"/"-ию"/"-ией"
 * ia (Maria, Armenia).
 */
static size_t name_base(const char *s, size_t len, const char **append)
{
	static const struct { const char *ending, *append; } endings[] = {
		{ "ией", "ia" }, { "ого", "" }, { "ому", "" }, { "ыми", "" }, { "ими", "" },
		{ "ия", "ia" }, { "ии", "ia" }, { "ию", "ia" }, { "ий", "y" }, { "ый", "y" },
		{ "ой", "" }, { "ей", "" }, { "ом", "" }, { "ем", "" }, { "ым", "" }, { "им", "" },
		{ "ую", "" }, { "ых", "" }, { "их", "" }, { "ам", "" }, { "ям", "" }, { "ах", "" },
		{ "ях", "" }, { "а", "" }, { "я", "" }, { "у", "" }, { "ю", "" }, { "е", "" }, { "ы", "" },
		{ "и", "" },
	};
	size_t cps = 0;
	*append = "";
	for (size_t i = 0; i < len; i++)
		cps += ((unsigned char)s[i] & 0xC0) != 0x80;
	for (size_t k = 0; k < PW_ARRAY_SIZE(endings); k++) {
		size_t l = strlen(endings[k].ending);
		if (len < l || s[len - 1] != endings[k].ending[l - 1])
			continue; /* cheap reject on the last byte */
		size_t keep = *endings[k].append == 'i' ? 3 : 4; /* Мария: maria */
		if (name_ends(s, len, endings[k].ending) && cps - l / 2 >= keep) {
			*append = endings[k].append;
			return len - l;
		}
	}
	return len;
}

/* е after these letters is "ye": the vowels, й, ъ, ь */
static bool ye_follows(unsigned cp)
{
	switch (cp) {
	case 0x430: case 0x435: case 0x438: case 0x43E: case 0x443: case 0x44B: case 0x44D: case 0x44E:
	case 0x44F: case 0x439: case 0x44A: case 0x44C:
		return true;
	default:
		return false;
	}
}

/* A transliterated stem being written: at most PW_STORY_STEM code points into out. */
struct stem {
	char *out;
	size_t n, cps;   /* bytes, code points written */
};

/* Appends Latin letters while there is room. */
static void stem_puts(struct stem *st, const char *l)
{
	for (; *l && st->cps < PW_STORY_STEM; l++, st->cps++)
		st->out[st->n++] = *l;
}

/* Copies the code point at s as it is: its length in bytes, or 0 when it does not fit. */
static size_t stem_copy_cp(struct stem *st, const char *s, size_t len)
{
	size_t b = prefix_bytes(s, len, 1);
	if (st->n + b > PW_STORY_STEM)
		return 0;
	memcpy(st->out + st->n, s, b);
	st->n += b;
	st->cps++;
	return b;
}

/*
 * Armenian names likewise (BGN/PCGN for Eastern Armenian: "Փաշինյան" pashinyan, "Երևան"
 * yerevan, "Միրզոյան" mirzoyan): ու is u, ե and ո are ye and vo at the start of a word; և is
 * ե + ւ after NFKC.  No case endings are dropped (names are longer than the stem).
 */
static const char *const hy_lat[38] = { /* ա (U+0561) .. և (U+0586) */
	"a", "b", "g", "d", "e", "z", "e", "y", "t", "zh", "i", "l", "kh", "ts", "k", "h", "dz",
	"gh", "ch", "m", "y", "n", "sh", "o", "ch", "p", "j", "r", "s", "v", "t", "r", "ts", "v",
	"p", "k", "o", "f",
};

static size_t translit_hy_stem(const char *s, size_t len, char out[PW_STORY_STEM + 1])
{
	struct stem st = { out, 0, 0 };
	bool hy = false;
	for (size_t i = 0; i < len && st.cps < PW_STORY_STEM;) {
		unsigned char c = (unsigned char)s[i];
		unsigned cp = 0;
		if ((c == 0xD5 || c == 0xD6) && i + 1 < len)
			cp = ((unsigned)(c & 0x1F) << 6) | ((unsigned char)s[i + 1] & 0x3F);
		if (cp >= 0x561 && cp <= 0x586) {
			const char *l = hy_lat[cp - 0x561];
			bool next_v = i + 3 < len && (unsigned char)s[i + 2] == 0xD6 && (unsigned char)s[i + 3] == 0x82;
			hy = true;
			if (cp == 0x578 && next_v) {
				l = "u"; /* ու */
				i += 2;
			} else if (i == 0 && cp == 0x565) {
				l = "ye";
			} else if (i == 0 && cp == 0x578) {
				l = "vo";
			}
			stem_puts(&st, l);
			i += 2;
			continue;
		}
		size_t b = stem_copy_cp(&st, s + i, len - i);
		if (b == 0)
			break;
		i += b;
	}
	if (!hy)
		return 0;
	out[st.n] = '\0';
	return st.n;
}

/* The transliterated stem of a word with Cyrillic letters into out; 0 (nothing written) when
 * the word has none. */
static size_t translit_stem(const char *s, size_t len, char out[PW_STORY_STEM + 1])
{
	struct stem st = { out, 0, 0 };
	bool cyr = false, after_vowel = false;
	if (!memchr(s, 0xD0, len) && !memchr(s, 0xD1, len))
		/* no Cyrillic letter: most names, checked first (this runs for each) */
		return memchr(s, 0xD5, len) || memchr(s, 0xD6, len) ? translit_hy_stem(s, len, out) : 0;
	const char *append;
	len = name_base(s, len, &append);
	for (size_t i = 0; i <= len && st.cps < PW_STORY_STEM;) {
		if (i == len) {
			stem_puts(&st, append);
			break;
		}
		unsigned char c = (unsigned char)s[i];
		unsigned cp = 0;
		if ((c == 0xD0 || c == 0xD1) && i + 1 < len)
			cp = ((unsigned)(c & 0x1F) << 6) | ((unsigned char)s[i + 1] & 0x3F);
		if (cp == 0x451)
			cp = 0x435; /* ё as е */
		if (cp >= 0x430 && cp <= 0x44F) {
			const char *l = cyr_lat[cp - 0x430];
			cyr = true;
			if (cp == 0x435 && (i == 0 || after_vowel))
				l = "ye";
			stem_puts(&st, l);
			after_vowel = ye_follows(cp);
			i += 2;
			continue;
		}
		/* anything else is copied, one code point */
		size_t b = stem_copy_cp(&st, s + i, len - i);
		if (b == 0)
			break;
		i += b;
		after_vowel = false;
	}
	if (!cyr)
		return 0;
	out[st.n] = '\0';
	return st.n;
}

/* Small integer value of a token that is all digits (-1 otherwise). */
static long small_int(const char *s, size_t len)
{
	long v = 0;
	if (len == 0 || len > 6)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* d.m.y or d.m. (e.g. "21.10.2025") -> month*100+day, else 0 */
static int dotted_date(const char *s, size_t len)
{
	int d = 0, m = 0, part = 0, digits = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (digits == 0 || digits > 4)
				return 0;
			part++;
			digits = 0;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return 0;
		if (++digits > 4)
			return 0; /* a long digit run ("71826618360.") is no date and would overflow */
		if (part == 0) d = d * 10 + (s[i] - '0');
		else if (part == 1) m = m * 10 + (s[i] - '0');
	}
	if (part < 2 || d < 1 || d > 31 || m < 1 || m > 12)
		return 0;
	return m * 100 + d;
}

/* Accumulator: open addressing on term id -> index in d->v. */
struct acc {
	struct pw_doc_terms *d;
	uint32_t *slots; /* index + 1, 0 = empty */
	size_t nslots;
};

static void acc_grow(struct acc *a)
{
	size_t ns = a->nslots ? a->nslots * 2 : 1024;
	uint32_t *s = xcalloc(ns, sizeof *s);
	for (size_t i = 0; i < a->d->n; i++) {
		size_t j = a->d->v[i].id & (ns - 1);
		while (s[j])
			j = (j + 1) & (ns - 1);
		s[j] = (uint32_t)i + 1;
	}
	free(a->slots);
	a->slots = s;
	a->nslots = ns;
}

static bool acc_has(const struct acc *a, uint64_t id)
{
	if (a->nslots == 0)
		return false;
	for (size_t j = id & (a->nslots - 1); a->slots[j]; j = (j + 1) & (a->nslots - 1))
		if (a->d->v[a->slots[j] - 1].id == id)
			return true;
	return false;
}

static void add_term(struct acc *a, const char *text, size_t len, double kind)
{
	struct pw_doc_terms *d = a->d;
	uint64_t id = pw_hash64(text, len, TERM_SEED);
	if ((d->n + 1) * 2 > a->nslots)
		acc_grow(a);
	size_t j = id & (a->nslots - 1);
	while (a->slots[j]) {
		struct pw_doc_term *t = &d->v[a->slots[j] - 1];
		if (t->id == id) {
			t->count++;
			if (kind > t->kind)
				t->kind = (float)kind;
			return;
		}
		j = (j + 1) & (a->nslots - 1);
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 256;
		d->v = xreallocarray(d->v, d->cap, sizeof d->v[0]);
	}
	if (d->text_len + len + 1 > d->text_cap) {
		size_t cap = d->text_cap ? d->text_cap : 4096;
		while (cap < d->text_len + len + 1)
			cap *= 2;
		d->text = xrealloc(d->text, cap);
		d->text_cap = cap;
	}
	struct pw_doc_term *t = &d->v[d->n];
	t->id = id;
	t->kind = (float)kind;
	t->count = 1;
	t->text_off = (uint32_t)d->text_len;
	memcpy(d->text + d->text_len, text, len);
	d->text[d->text_len + len] = '\0';
	d->text_len += len + 1;
	a->slots[j] = (uint32_t)++d->n;
}

static void select_top(struct pw_story_term *v, size_t n, size_t k);

/* Keeps the PW_STORY_DOC_TERMS terms of highest kind x (1 + ln count) (ties: first seen). */
static void cap_terms(struct pw_doc_terms *d)
{
	if (d->n <= PW_STORY_DOC_TERMS)
		return;
	struct pw_story_term *w = xreallocarray(NULL, d->n, sizeof *w);
	for (size_t i = 0; i < d->n; i++) {
		w[i].id = i;
		w[i].w = (float)(d->v[i].kind * (1.0 + log((double)d->v[i].count)));
	}
	select_top(w, d->n, PW_STORY_DOC_TERMS);
	struct pw_doc_term *keep = xreallocarray(NULL, PW_STORY_DOC_TERMS, sizeof *keep);
	for (size_t i = 0; i < PW_STORY_DOC_TERMS; i++)
		keep[i] = d->v[w[i].id];
	memcpy(d->v, keep, PW_STORY_DOC_TERMS * sizeof *keep);
	d->n = PW_STORY_DOC_TERMS;
	free(keep);
	free(w);
}

/* Per-token analysis shared by the passes. */
enum tok_kind { TK_SKIP, TK_WORD, TK_NUM };

struct tokinfo {
	uint8_t kind;    /* enum tok_kind */
	uint8_t name;    /* treated as a name */
	uint8_t headline;/* in a Title Case line: capitalisation says nothing */
	uint32_t stem;   /* stem length in bytes */
	uint8_t alt_len; /* a name's transliterated stem (alt) is the term when > 0 */
	char alt[PW_STORY_STEM + 1];
};

static int cmp_id(const void *a, const void *b)
{
	uint64_t x = ((const struct pw_doc_term *)a)->id, y = ((const struct pw_doc_term *)b)->id;
	return x < y ? -1 : x > y;
}

void pw_story_terms_tokens(const struct pw_tokens *t, size_t ntitle, struct pw_doc_terms *out)
{
	pthread_once(&stop_once, stop_init);
	out->n = 0;
	out->text_len = 0;
	if (t->n == 0)
		return;
	struct tokinfo *ti = xcalloc(t->n, sizeof *ti);
	struct acc a = { out, NULL, 0 };

	/* pass 1: word classes; Title Case lines (headlines, "See Also" lists) */
	size_t sent_start = 0;
	unsigned caps = 0, words = 0;
	for (size_t i = 0; i <= t->n; i++) {
		if (i == t->n || (t->v[i].flags & PW_TOK_SENT) || i == ntitle) {
			/* close the sentence [sent_start, i) */
			bool headline = words >= 3 && caps * 100 >= words * 85;
			for (size_t j = sent_start; j < i; j++)
				ti[j].headline = headline || j < ntitle;
			sent_start = i;
			caps = words = 0;
			if (i == t->n)
				break;
		}
		const struct pw_token *k = &t->v[i];
		const char *s = t->text + k->off;
		if (k->flags & PW_TOK_NUM) {
			ti[i].kind = TK_NUM;
			continue;
		}
		/* every longer word counts for Title Case, stopwords too: "Said", "That" and
		 * "Statement" are capitalised in a headline and not in a sentence full of names */
		if (k->ncp >= 4) {
			words++;
			caps += (k->flags & PW_TOK_UPPER) != 0;
		}
		if (k->ncp < 2 || is_stopword(s, k->len))
			continue;
		ti[i].kind = TK_WORD;
		ti[i].stem = (uint32_t)prefix_bytes(s, k->len, PW_STORY_STEM);
	}

	/* names: capitalised where capitals mean something; a capitalised word at a sentence start
	 * or in a headline is a name when the same stem is a name elsewhere in the item */
	struct acc names = { &(struct pw_doc_terms){ 0 }, NULL, 0 };
	for (size_t i = 0; i < t->n; i++) {
		const struct pw_token *k = &t->v[i];
		if (ti[i].kind != TK_WORD)
			continue;
		bool capital = (k->flags & (PW_TOK_UPPER | PW_TOK_ALLCAPS)) != 0;
		if (capital && !(k->flags & PW_TOK_SENT) && !ti[i].headline) {
			ti[i].name = 1;
			add_term(&names, t->text + k->off, ti[i].stem, 1);
		} else if ((k->flags & PW_TOK_ALLCAPS) && !ti[i].headline) {
			ti[i].name = 1;
		}
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct pw_token *k = &t->v[i];
		if (ti[i].kind != TK_WORD || ti[i].name || !(k->flags & (PW_TOK_UPPER | PW_TOK_ALLCAPS)))
			continue;
		if (acc_has(&names, pw_hash64(t->text + k->off, ti[i].stem, TERM_SEED)))
			ti[i].name = 1;
	}
	for (size_t i = 0; i < t->n; i++)
		if (ti[i].name)
			ti[i].alt_len = (uint8_t)translit_stem(t->text + t->v[i].off, t->v[i].len, ti[i].alt);

	/* pass 2: terms */
	char buf[256];
	for (size_t i = 0; i < t->n; i++) {
		const struct pw_token *k = &t->v[i];
		const char *s = t->text + k->off;
		double title = i < ntitle ? PW_STORY_W_TITLE : 1.0;
		bool quoted = (k->flags & PW_TOK_QUOTE) != 0;
		if (ti[i].kind == TK_NUM) {
			int md = dotted_date(s, k->len);
			if (md) {
				int n = snprintf(buf, sizeof buf, "@%02d-%02d", md / 100, md % 100);
				add_term(&a, buf, (size_t)n, PW_STORY_W_DATE * title);
				continue;
			}
			if (k->len + 1 > sizeof buf)
				continue;
			long v = small_int(s, k->len);
			double w = (v >= 1900 && v <= 2100) || (v >= 0 && v < 10) ? PW_STORY_W_WORD : PW_STORY_W_NUMBER;
			buf[0] = '#';
			memcpy(buf + 1, s, k->len);
			add_term(&a, buf, k->len + 1, w * title);
			/* a day next to a month name */
			if (v >= 1 && v <= 31) {
				int m = 0;
				if (i + 1 < t->n && !(t->v[i + 1].flags & PW_TOK_SENT))
					m = month_of(t->text + t->v[i + 1].off, t->v[i + 1].len);
				if (!m && i > 0 && !(k->flags & PW_TOK_SENT))
					m = month_of(t->text + t->v[i - 1].off, t->v[i - 1].len);
				if (m) {
					int n = snprintf(buf, sizeof buf, "@%02d-%02ld", m, v);
					add_term(&a, buf, (size_t)n, PW_STORY_W_DATE * title);
				}
			}
			continue;
		}
		if (ti[i].kind != TK_WORD || month_of(s, k->len))
			continue; /* month names live on in date terms */
		double kind = ti[i].name ? PW_STORY_W_NAME : PW_STORY_W_WORD;
		if (quoted && kind < PW_STORY_W_QUOTE)
			kind = PW_STORY_W_QUOTE;
		const char *stem = ti[i].alt_len ? ti[i].alt : s;
		size_t stem_len = ti[i].alt_len ? ti[i].alt_len : ti[i].stem;
		add_term(&a, stem, stem_len, kind * title);
		/* pairs: adjacent names; adjacent content words inside one quotation */
		if (i + 1 < t->n && ti[i + 1].kind == TK_WORD && !(t->v[i + 1].flags & (PW_TOK_SENT | PW_TOK_PUNCT))) {
			const struct pw_token *k2 = &t->v[i + 1];
			const char *stem2 = ti[i + 1].alt_len ? ti[i + 1].alt : t->text + k2->off;
			size_t stem2_len = ti[i + 1].alt_len ? ti[i + 1].alt_len : ti[i + 1].stem;
			/* not across a listed common word ("президента России Дмитрий Песков",
			 * "Kremlin spokesman Dmitry"): such pairs repeat with every statement of one
			 * speaker or place and tell no event apart */
			bool names2 = ti[i].name && ti[i + 1].name &&
				      prior_p(pw_hash64(stem, stem_len, TERM_SEED)) <= PW_STORY_PRIOR_P0 &&
				      prior_p(pw_hash64(stem2, stem2_len, TERM_SEED)) <= PW_STORY_PRIOR_P0;
			bool quote2 = quoted && k2->quote == k->quote;
			if ((names2 || quote2) && stem_len + stem2_len + 3 < sizeof buf) {
				size_t n = 0;
				if (!names2)
					buf[n++] = '"';
				memcpy(buf + n, stem, stem_len);
				n += stem_len;
				buf[n++] = ' ';
				memcpy(buf + n, stem2, stem2_len);
				n += stem2_len;
				add_term(&a, buf, n, (names2 ? PW_STORY_W_NAME : PW_STORY_W_QUOTE) * title);
			}
		}
	}
	free(a.slots);
	free(names.slots);
	free(names.d->v);
	free(names.d->text);
	free(ti);
	cap_terms(out);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof out->v[0], cmp_id);
}

void pw_story_terms(const char *title, const char *text, struct pw_doc_terms *out)
{
	struct pw_tokens t = PW_TOKENS_INIT;
	size_t ntitle = 0;
	if (title) {
		pw_text_tokenize_append(&t, title, strlen(title));
		ntitle = t.n;
	}
	if (text)
		pw_text_tokenize_append(&t, text, strlen(text));
	pw_story_terms_tokens(&t, ntitle, out);
	pw_tokens_free(&t);
}

void pw_doc_terms_free(struct pw_doc_terms *d)
{
	free(d->v);
	free(d->text);
	memset(d, 0, sizeof *d);
}

static int cmp_w_desc(const void *a, const void *b)
{
	const struct pw_story_term *x = a, *y = b;
	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id; /* deterministic ties */
}

/* Moves the k heaviest terms (ties by id, so the result is deterministic) to v[0..k), 1 <= k
 * <= n: quickselect, linear on average, where a full sort of every term was the hot spot. */
static void select_top(struct pw_story_term *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1, target = k - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, store = lo;
		struct pw_story_term x = v[mid];
		v[mid] = v[hi];
		v[hi] = x;
		for (size_t i = lo; i < hi; i++)
			if (cmp_w_desc(&v[i], &v[hi]) < 0) {
				x = v[i];
				v[i] = v[store];
				v[store++] = x;
			}
		x = v[store];
		v[store] = v[hi];
		v[hi] = x;
		if (store == target)
			return;
		if (store < target)
			lo = store + 1;
		else
			hi = store - 1;
	}
}

static int cmp_term_id(const void *a, const void *b)
{
	uint64_t x = ((const struct pw_story_term *)a)->id, y = ((const struct pw_story_term *)b)->id;
	return x < y ? -1 : x > y;
}

int pw_story_vector(const struct pw_doc_terms *d, const struct pw_df_source *src, struct pw_story_vec *out)
{
	pthread_once(&stop_once, stop_init);
	out->t = NULL;
	out->n = 0;
	out->items = 1;
	if (d->n == 0)
		return 0;
	int64_t *df = xcalloc(d->n, sizeof *df);
	if (src && src->lookup) {
		uint64_t *ids = xreallocarray(NULL, d->n, sizeof *ids);
		for (size_t i = 0; i < d->n; i++)
			ids[i] = d->v[i].id;
		int rc = src->lookup(src->arg, ids, d->n, df);
		free(ids);
		if (rc < 0) {
			free(df);
			return -1;
		}
	}
	struct pw_story_term *v = xreallocarray(NULL, d->n, sizeof *v);
	double ndocs = src && src->lookup ? (double)(src->ndocs > 0 ? src->ndocs : 0) : 0;
	for (size_t i = 0; i < d->n; i++) {
		double idf = 1.0;
		if (src && src->lookup) {
			/* smoothed with the built-in prior so a young store weighs terms as a
			 * grown one would (story_prior.h) */
			double f = df[i] > 0 ? (double)df[i] : 0.0;
			idf = log((ndocs + PW_STORY_PRIOR_N) / (f + PW_STORY_PRIOR_N * prior_p(d->v[i].id)));
			if (idf < 1e-6)
				idf = 1e-6;
		}
		v[i].id = d->v[i].id;
		v[i].w = (float)(d->v[i].kind * (1.0 + log((double)d->v[i].count)) * idf);
	}
	free(df);
	size_t n = d->n;
	if (n > PW_STORY_VEC_TERMS) {
		select_top(v, n, PW_STORY_VEC_TERMS);
		n = PW_STORY_VEC_TERMS;
	}
	double norm = 0;
	for (size_t i = 0; i < n; i++)
		norm += (double)v[i].w * v[i].w;
	norm = sqrt(norm);
	for (size_t i = 0; i < n; i++)
		v[i].w = norm > 0 ? (float)(v[i].w / norm) : 0.0f;
	qsort(v, n, sizeof *v, cmp_term_id);
	out->t = xreallocarray(v, n ? n : 1, sizeof *v);
	out->n = n;
	return 0;
}

size_t pw_story_signature(const struct pw_story_vec *v, uint64_t sig[PW_STORY_SIG_TERMS])
{
	if (v->n == 0)
		return 0;
	struct pw_story_term *c = xreallocarray(NULL, v->n, sizeof *c);
	memcpy(c, v->t, v->n * sizeof *c);
	size_t n = v->n < PW_STORY_SIG_TERMS ? v->n : PW_STORY_SIG_TERMS;
	/* the order is cmp_w_desc's, a total order: selecting first gives the same as sorting all */
	select_top(c, v->n, n);
	qsort(c, n, sizeof *c, cmp_w_desc);
	for (size_t i = 0; i < n; i++)
		sig[i] = c[i].id;
	free(c);
	return n;
}

static double norm2(const struct pw_story_vec *v)
{
	double n = 0;
	for (size_t k = 0; k < v->n; k++)
		n += (double)v->t[k].w * v->t[k].w;
	return n;
}

double pw_story_cosine(const struct pw_story_vec *a, const struct pw_story_vec *b)
{
	double dot = 0, na = norm2(a), nb = norm2(b);
	size_t i = 0, j = 0;
	if (na <= 0 || nb <= 0)
		return 0.0;
	while (i < a->n && j < b->n) {
		if (a->t[i].id == b->t[j].id)
			dot += (double)a->t[i++].w * b->t[j++].w;
		else if (a->t[i].id < b->t[j].id)
			i++;
		else
			j++;
	}
	return dot / sqrt(na * nb);
}

static size_t probe_slot(uint64_t id)
{
	return (size_t)((id * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - PW_STORY_PROBE_BITS));
}

void pw_story_probe_init(struct pw_story_probe *p, const struct pw_story_vec *a)
{
	p->a = a;
	p->norm2 = norm2(a);
	p->hashed = a->n <= PW_STORY_PROBE_MAX;
	if (!p->hashed)
		return;
	memset(p->slot, 0, sizeof p->slot);
	for (size_t k = 0; k < a->n; k++) {
		size_t j = probe_slot(a->t[k].id);
		while (p->slot[j])
			j = (j + 1) & ((1u << PW_STORY_PROBE_BITS) - 1);
		p->slot[j] = (uint8_t)(k + 1);
	}
}

double pw_story_probe_cosine(const struct pw_story_probe *p, const struct pw_story_vec *b)
{
	if (!p->hashed)
		return pw_story_cosine(p->a, b);
	double dot = 0, nb = 0;
	/* b's terms in id order, as pw_story_cosine's merge meets them: the same sum, bit for bit */
	for (size_t k = 0; k < b->n; k++) {
		nb += (double)b->t[k].w * b->t[k].w;
		size_t j = probe_slot(b->t[k].id);
		while (p->slot[j]) {
			const struct pw_story_term *x = &p->a->t[p->slot[j] - 1];
			if (x->id == b->t[k].id) {
				dot += (double)x->w * b->t[k].w;
				break;
			}
			j = (j + 1) & ((1u << PW_STORY_PROBE_BITS) - 1);
		}
	}
	if (p->norm2 <= 0 || nb <= 0)
		return 0.0;
	return dot / sqrt(p->norm2 * nb);
}

double pw_story_score(double centroid, double max_link)
{
	return max_link < 0 ? centroid : (centroid + max_link) / 2;
}

void pw_story_centroid_add(struct pw_story_vec *c, const struct pw_story_vec *v)
{
	struct pw_story_term *m = xreallocarray(NULL, c->n + v->n + 1, sizeof *m);
	size_t i = 0, j = 0, n = 0;
	while (i < c->n || j < v->n) {
		if (j >= v->n || (i < c->n && c->t[i].id < v->t[j].id))
			m[n++] = c->t[i++];
		else if (i >= c->n || v->t[j].id < c->t[i].id)
			m[n++] = v->t[j++];
		else {
			m[n] = c->t[i++];
			m[n++].w += v->t[j++].w;
		}
	}
	if (n > PW_STORY_CENTROID_TERMS) {
		select_top(m, n, PW_STORY_CENTROID_TERMS);
		n = PW_STORY_CENTROID_TERMS;
		qsort(m, n, sizeof *m, cmp_term_id);
	}
	free(c->t);
	c->t = m;
	c->n = n;
	c->items += v->items ? v->items : 1;
}

void pw_story_vec_copy(struct pw_story_vec *dst, const struct pw_story_vec *src)
{
	dst->t = xreallocarray(NULL, src->n ? src->n : 1, sizeof *dst->t);
	if (src->n)
		memcpy(dst->t, src->t, src->n * sizeof *dst->t);
	dst->n = src->n;
	dst->items = src->items;
}

void pw_story_vec_free(struct pw_story_vec *v)
{
	free(v->t);
	v->t = NULL;
	v->n = 0;
	v->items = 0;
}

size_t pw_story_vec_pack(const struct pw_story_vec *v, uint8_t **out)
{
	uint8_t *p = xmalloc(v->n * 12 + 1);
	for (size_t i = 0; i < v->n; i++) {
		uint32_t wb;
		memcpy(&wb, &v->t[i].w, 4);
		for (int b = 0; b < 8; b++)
			p[i * 12 + b] = (uint8_t)(v->t[i].id >> (8 * b));
		for (int b = 0; b < 4; b++)
			p[i * 12 + 8 + b] = (uint8_t)(wb >> (8 * b));
	}
	*out = p;
	return v->n * 12;
}

int pw_story_vec_unpack(const void *blob, size_t len, uint32_t items, struct pw_story_vec *v)
{
	const uint8_t *p = blob;
	v->t = NULL;
	v->n = 0;
	v->items = items;
	if (len % 12 != 0 || (len && p == NULL))
		return -1;
	size_t n = len / 12;
	v->t = xreallocarray(NULL, n ? n : 1, sizeof *v->t);
	for (size_t i = 0; i < n; i++) {
		uint64_t id = 0;
		uint32_t wb = 0;
		for (int b = 0; b < 8; b++)
			id |= (uint64_t)p[i * 12 + b] << (8 * b);
		for (int b = 0; b < 4; b++)
			wb |= (uint32_t)p[i * 12 + 8 + b] << (8 * b);
		v->t[i].id = id;
		memcpy(&v->t[i].w, &wb, 4);
		if (i > 0 && v->t[i].id <= v->t[i - 1].id) {
			pw_story_vec_free(v);
			return -1;
		}
	}
	v->n = n;
	return 0;
}
