/*
 * html_content.c -- find the main text of a page, in the manner of Mozilla Readability:
 *
 *  1. drop unlikely blocks (class/id/role says navigation, comments, sharing, ...);
 *  2. score every paragraph (1 + commas + length/100, at most 3) into its five nearest
 *     ancestors, weighted by tag and class/id hints, then scale by (1 - link density);
 *  3. take the best candidate (or the common ancestor of several close ones) and its siblings
 *     that score well or read like prose; itemprop=articleBody and a lone <article> weigh
 *     heavily, and when they win only prose siblings join them;
 *  4. clean that subtree: headers that repeat the title, share bars, and blocks whose link,
 *     image, list or input density says "not prose";
 *  5. serialise, dropping captions/credits, timestamps, UI labels, breadcrumb trails,
 *     link-only paragraphs and the link list after a "See also" / "Latest news" marker.
 * When the text comes out short, retry with fewer removals and keep the longest result.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "html_extract_int.h"
#include "text.h"
#include "xmalloc.h"

#define F_STRIP_UNLIKELY 0x1
#define F_WEIGHT_CLASSES 0x2
#define F_CLEAN_COND 0x4

#define N_TOP 5
#define CHAR_THRESHOLD 500
#define ANCESTOR_LEVELS 5
#define SHORT_CHROME 150 /* captions / credits are at most this many characters */

struct pat {
	const char *s;
	int word_start; /* must start the string or follow a non-letter */
};

static const struct pat unlikely_pats[] = {
	{ "-ad-", 0 }, { "ai2html", 0 }, { "banner", 0 }, { "crumb", 0 }, { "combx", 0 },
	{ "comment", 0 }, { "community", 0 }, { "cover-wrap", 0 }, { "disqus", 0 }, { "extra", 0 },
	{ "footer", 0 }, { "gdpr", 0 }, { "header", 0 }, { "legends", 0 }, { "menu", 0 },
	{ "related", 0 }, { "remark", 0 }, { "replies", 0 }, { "rss", 0 }, { "shoutbox", 0 },
	{ "sidebar", 0 }, { "skyscraper", 0 }, { "social", 0 }, { "sponsor", 0 },
	{ "supplemental", 0 }, { "ad-break", 0 }, { "agegate", 0 }, { "pagination", 0 },
	{ "pager", 0 }, { "popup", 0 }, { "yom-remote", 0 }, { "cookie", 0 }, { "consent", 0 },
	{ "subscribe", 0 }, { "newsletter", 0 }, { "see-also", 0 }, { "seealso", 0 },
	{ "latest", 0 }, { "most-read", 0 }, { "mostread", 0 }, { "popular", 0 }, { "modal", 0 },
	{ "nav", 1 }, { "trending", 0 }, { "read-also", 0 }, { "readalso", 0 },
	{ "also-read", 0 }, { "recommend", 0 }, { "more-news", 0 }, { "advert", 0 },
	{ "taboola", 0 }, { "outbrain", 0 },
};
static const struct pat maybe_pats[] = {
	{ "and", 0 }, { "article", 0 }, { "body", 0 }, { "column", 0 }, { "content", 0 },
	{ "main", 0 }, { "mathjax", 0 }, { "shadow", 0 },
};
static const struct pat negative_pats[] = {
	{ "-ad-", 0 }, { "hidden", 0 }, { "banner", 0 }, { "combx", 0 }, { "comment", 0 },
	{ "com-", 0 }, { "contact", 0 }, { "footer", 0 }, { "gdpr", 0 }, { "masthead", 0 },
	{ "media", 0 }, { "meta", 0 }, { "outbrain", 0 }, { "promo", 0 }, { "related", 0 },
	{ "scroll", 0 }, { "share", 0 }, { "shoutbox", 0 }, { "sidebar", 0 }, { "skyscraper", 0 },
	{ "sponsor", 0 }, { "shopping", 0 }, { "tags", 0 }, { "widget", 0 }, { "nav", 1 },
	{ "menu", 0 }, { "crumb", 0 }, { "caption", 0 }, { "credit", 0 }, { "cookie", 0 },
	{ "subscribe", 0 }, { "latest", 0 }, { "see-also", 0 }, { "byline", 0 }, { "bio", 1 },
	{ "author", 0 }, { "newsletter", 0 },
};
static const struct pat positive_pats[] = {
	{ "article", 0 }, { "body", 0 }, { "content", 0 }, { "entry", 0 }, { "hentry", 0 },
	{ "h-entry", 0 }, { "main", 0 }, { "page", 0 }, { "pagination", 0 }, { "post", 0 },
	{ "text", 0 }, { "blog", 0 }, { "story", 0 },
};

/* Phrases that end an article when they stand alone as a heading or short block. */
static const char *const end_markers[] = {
	"see also", "latest news", "latest", "related", "related news", "related articles",
	"related stories", "read also", "read more", "also read", "more stories", "more news",
	"more from", "recommended", "you may also like", "most read", "popular", "top stories",
	"читайте также", "смотрите также", "последние новости", "новости по теме", "по теме",
	"похожие новости", "другие новости", "ещё по теме", "еще по теме", "самое читаемое",
	"son xəbərlər", "digər xəbərlər", "oxşar xəbərlər", "həmçinin oxuyun", "ნახეთ ასევე",
	"დაკავშირებული", "ბოლო ამბები", "տես նաև", "տես նաեւ", "վերջին լուրեր", "читайте також",
	"останні новини",
};
/* Whole-paragraph UI labels. */
static const char *const ui_labels[] = {
	"close", "закрыть", "bağla", "share", "print", "tweet", "advertisement", "реклама",
	"menu", "search", "subscribe", "loading", "loading...", "загрузка", "x", "×", "✕",
	"share this article", "share on facebook", "share on twitter", "comments", "reply",
	"back to top", "skip to content", "поделиться", "печать", "paylaş", "photo", "фото",
	"video", "видео", "image",
};
/* A short block containing one of these is a caption or a credit. */
static const char *const caption_words[] = {
	"photo:", "photos:", "photo by", "photograph:", "photo credit", "фото:", "фото -",
	"фото –", "фото —", "foto:", "image:", "images:", "credit:", "credits:", "illustration:",
	"getty images", "shutterstock", "©", "(c) ", "source: screenshot", "şəkil:",
	/* promotion lines inside the body */
	"subscribe to our", "follow us on", "sign up for our", "join our telegram",
	"our telegram channel", "подписывайтесь на", "подпишитесь на", "наш телеграм",
	"наш telegram", "bizi izləyin", "abunə olun",
};

struct ctx {
	struct hx_doc *hd;
	int flags;
	xmlNode *top[N_TOP];
};

/* ---- small helpers ---- */

static int is_heading(int tag)
{
	return tag >= HX_H1 && tag <= HX_H6;
}

static int is_block(int tag)
{
	switch (tag) {
	case HX_ADDRESS: case HX_ARTICLE: case HX_ASIDE: case HX_BLOCKQUOTE: case HX_DD:
	case HX_DETAILS: case HX_DIV: case HX_DL: case HX_DT: case HX_FIELDSET: case HX_FIGCAPTION:
	case HX_FIGURE: case HX_FOOTER: case HX_FORM: case HX_H1: case HX_H2: case HX_H3:
	case HX_H4: case HX_H5: case HX_H6: case HX_HEADER: case HX_HR: case HX_LI: case HX_MAIN:
	case HX_NAV: case HX_OL: case HX_P: case HX_PRE: case HX_SECTION: case HX_TABLE:
	case HX_UL: case HX_IMG: case HX_MENU: case HX_TR: case HX_TD: case HX_TH:
	case HX_TBODY: case HX_THEAD: case HX_TFOOT:
		return 1;
	default:
		return 0;
	}
}

static int gone(const xmlNode *n)
{
	return hx_is_elem(n) && (hx_inf(n)->flags & HX_GONE);
}

/* Lower-cased ASCII copy of s into buf (truncated). */
static void lower_into(char *buf, size_t len, const char *s)
{
	size_t k = 0;
	for (; s && *s && k + 1 < len; s++)
		buf[k++] = (char)tolower((unsigned char)*s);
	buf[k] = '\0';
}

static int match_any(const char *lc, const struct pat *p, size_t n)
{
	if (!lc[0] || (lc[0] == ' ' && !lc[1]))
		return 0; /* neither class nor id */
	for (size_t i = 0; i < n; i++) {
		const char *h = lc;
		while ((h = strstr(h, p[i].s)) != NULL) {
			if (!p[i].word_start || h == lc || !isalpha((unsigned char)h[-1]))
				return 1;
			h++;
		}
	}
	return 0;
}

static int class_weight(const xmlNode *e)
{
	struct hx_info *in = hx_inf(e);
	if (in->flags & HX_CW_DONE)
		return in->class_weight;
	int w = 0;
	char lc[256];
	const char *vals[2] = { pw_hx_attr(e, "class"), pw_hx_attr(e, "id") };
	for (int i = 0; i < 2; i++) {
		if (!vals[i] || !vals[i][0])
			continue;
		lower_into(lc, sizeof lc, vals[i]);
		if (match_any(lc, negative_pats, PW_ARRAY_SIZE(negative_pats)))
			w -= 25;
		if (match_any(lc, positive_pats, PW_ARRAY_SIZE(positive_pats)))
			w += 25;
	}
	in->class_weight = (int16_t)w;
	in->flags |= HX_CW_DONE;
	return w;
}

static int has_ancestor(const xmlNode *e, int tag, int maxdepth)
{
	int d = 0;
	for (const xmlNode *p = e->parent; p && p->type == XML_ELEMENT_NODE; p = p->parent) {
		if (maxdepth > 0 && ++d > maxdepth)
			return 0;
		if (hx_tag_of(p) == tag)
			return 1;
	}
	return 0;
}

static double link_density(const xmlNode *e)
{
	const struct hx_info *in = hx_inf(e);
	return in->chars ? in->link_chars / in->chars : 0.0;
}

/* Remove e for this attempt and keep the ancestors' counts right. */
static void hx_remove(xmlNode *e)
{
	struct hx_info *in = hx_inf(e);
	if (in->flags & HX_GONE)
		return;
	in->flags |= HX_GONE_SOFT;
	for (xmlNode *p = e->parent; p && hx_is_elem(p); p = p->parent) {
		struct hx_info *pi = hx_inf(p);
		pi->chars -= in->chars;
		pi->link_chars -= in->link_chars;
		if (pi->link_chars < 0)
			pi->link_chars = 0;
		pi->commas -= in->commas;
		pi->heading_chars -= in->heading_chars;
		pi->n_p -= in->n_p;
		pi->n_img -= in->n_img;
		pi->n_li -= in->n_li;
		pi->n_input -= in->n_input;
		pi->n_embed -= in->n_embed;
	}
}

/* ---- counts ---- */

static void count_text(const char *s, int *chars, int *commas, int *started)
{
	int c = 0, k = 0, ws = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r' || *p == '\f') {
			ws = 1;
			continue;
		}
		if (*p == 0xC2 && p[1] == 0xA0) {
			ws = 1;
			p++;
			continue;
		}
		if ((*p & 0xC0) == 0x80)
			continue;
		if (ws && *started)
			c++;
		ws = 0;
		*started = 1;
		c++;
		if (*p == ',')
			k++;
		else if (*p == 0xD8 && p[1] == 0x8C) /* Arabic comma */
			k++;
		else if (*p == 0xEF && p[1] == 0xBC && p[2] == 0x8C) /* fullwidth comma */
			k++;
	}
	*chars += c;
	*commas += k;
}

/* Recompute every element's subtree counts (children come after parents in elems). */
static void compute_stats(struct hx_doc *hd)
{
	for (size_t i = hd->nelems; i-- > 0;) {
		xmlNode *e = hd->elems[i];
		struct hx_info *in = &hd->info[i];
		int tag = in->tag;
		in->chars = in->commas = in->heading_chars = 0;
		in->link_chars = 0;
		in->n_p = in->n_img = in->n_li = in->n_embed = 0;
		in->n_input = tag == HX_INPUT;
		in->flags &= (uint8_t)~HX_PARA;
		if (in->flags & HX_GONE)
			continue;
		int started = 0, block_kids = 0;
		for (xmlNode *c = e->children; c; c = c->next) {
			if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
				if (c->content)
					count_text((const char *)c->content, &in->chars, &in->commas,
						   &started);
			} else if (hx_is_elem(c)) {
				struct hx_info *ci = hx_inf(c);
				in->n_input += ci->n_input;
				if (ci->flags & HX_GONE)
					continue;
				if (ci->chars && started)
					in->chars++; /* the space between */
				if (ci->chars)
					started = 1;
				in->chars += ci->chars;
				in->commas += ci->commas;
				in->link_chars += ci->link_chars;
				in->heading_chars += ci->heading_chars;
				in->n_p += ci->n_p;
				in->n_img += ci->n_img;
				in->n_li += ci->n_li;
				in->n_embed += ci->n_embed;
				block_kids |= is_block(ci->tag);
			}
		}
		if (tag == HX_A) {
			const char *href = pw_hx_attr(e, "href");
			in->link_chars = in->chars * (href && href[0] == '#' ? 0.3 : 1.0);
		}
		if (is_heading(tag))
			in->heading_chars = in->chars;
		if (tag == HX_DIV && !block_kids)
			in->flags |= HX_PARA;
		in->n_p += tag == HX_P || (in->flags & HX_PARA);
		in->n_img += tag == HX_IMG || tag == HX_PICTURE;
		in->n_li += tag == HX_LI;
		in->n_embed += tag == HX_OBJECT || tag == HX_EMBED || tag == HX_IFRAME;
	}
}

/* ---- pass 1: unlikely candidates ---- */

static int unlikely_role(const char *r)
{
	static const char *const roles[] = { "menu", "menubar", "complementary", "navigation",
					     "alert", "alertdialog", "dialog" };
	for (size_t i = 0; r && i < PW_ARRAY_SIZE(roles); i++)
		if (strcasecmp(r, roles[i]) == 0)
			return 1;
	return 0;
}

/* Loosely the same text: equal, or one contains the other and they are of similar length. */
static int similar_title(const char *text, const char *title)
{
	if (!title || !*title || !*text)
		return 0;
	size_t a = strlen(text), b = strlen(title);
	if (strcasecmp(text, title) == 0)
		return 1;
	if (a > b ? (double)b / (double)a < 0.75 : (double)a / (double)b < 0.75)
		return 0;
	return strcasestr(text, title) || strcasestr(title, text);
}

static int rel_has(const xmlNode *e, const char *word)
{
	const char *r = pw_hx_attr(e, "rel");
	size_t wl = strlen(word);
	for (const char *p = r; p && *p;) {
		while (*p == ' ')
			p++;
		size_t l = strcspn(p, " ");
		if (l == wl && strncasecmp(p, word, l) == 0)
			return 1;
		p += l;
	}
	return 0;
}

/* A byline: rel=author, itemprop=author, or class/id byline|author|dateline|writtenby. */
static int byline_like(const xmlNode *e, const char *lc_class_id)
{
	const char *ip = pw_hx_attr(e, "itemprop");
	if (rel_has(e, "author") || (ip && strcasestr(ip, "author")))
		return 1;
	return strstr(lc_class_id, "byline") || strstr(lc_class_id, "author") ||
	       strstr(lc_class_id, "dateline") || strstr(lc_class_id, "writtenby") ||
	       strstr(lc_class_id, "p-author");
}

/* Short, and more than a date: "By Nini Dolidze", not "21.dez.2018 às 10h55". */
static char *byline_text(const xmlNode *e)
{
	char *t = pw_hx_text(e); /* counts are not computed yet at this stage */
	size_t n = pw_utf8_chars(t);
	if (n == 0 || n >= 100) {
		free(t);
		return NULL;
	}
	size_t letters = 0, digits = 0;
	for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
		if (isdigit(*p))
			digits++;
		else if (isalpha(*p) || *p >= 0xC0)
			letters++;
	}
	if (letters < 3 || digits * 2 > letters) {
		free(t);
		return NULL;
	}
	return t;
}

static int is_marked(const struct ctx *c, const xmlNode *e);

static void lower_class_id(const xmlNode *n, char *lc, size_t len)
{
	lower_into(lc, len / 2, pw_hx_attr(n, "class"));
	size_t l = strlen(lc);
	lc[l++] = ' ';
	lower_into(lc + l, len - l, pw_hx_attr(n, "id"));
}

/* A byline inside a block that is about to go (an <aside> holding "By X — date"). */
static void find_byline(struct ctx *c, xmlNode *root)
{
	for (xmlNode *n = root->children; n && !c->hd->dom_byline;) {
		int descend = 1;
		if (hx_is_elem(n)) {
			char lc[512];
			if (hx_inf(n)->flags & HX_GONE) {
				descend = 0;
			} else {
				lower_class_id(n, lc, sizeof lc);
				char *t = byline_like(n, lc) ? byline_text(n) : NULL;
				if (t) {
					c->hd->dom_byline = t;
					hx_inf(n)->flags |= HX_GONE_HARD;
					descend = 0;
				}
			}
		}
		n = pw_hx_walk_next(n, root, descend);
	}
}

static void strip_unlikely(struct ctx *c)
{
	xmlNode *root = c->hd->body;
	for (xmlNode *n = root; n;) {
		int descend = 1;
		if (hx_is_elem(n)) {
			struct hx_info *in = hx_inf(n);
			int tag = in->tag;
			if (in->flags & HX_GONE) {
				descend = 0;
			} else if (n != root && tag != HX_BODY && tag != HX_A) {
				char lc[512] = "";
				if (c->flags & F_STRIP_UNLIKELY)
					lower_class_id(n, lc, sizeof lc);
				int drop = 0;
				/* The byline is metadata, not text (Readability's _checkByline). */
				if ((c->flags & F_STRIP_UNLIKELY) && !c->hd->dom_byline &&
				    tag != HX_ARTICLE && tag != HX_MAIN && tag != HX_BODY &&
				    byline_like(n, lc)) {
					char *t = byline_text(n);
					if (t) {
						c->hd->dom_byline = t;
						in->flags |= HX_GONE_HARD;
						n = pw_hx_walk_next(n, root, 0);
						continue;
					}
				}
				if ((c->flags & F_STRIP_UNLIKELY) && !is_marked(c, n) &&
				    match_any(lc, unlikely_pats, PW_ARRAY_SIZE(unlikely_pats)) &&
				    !match_any(lc, maybe_pats, PW_ARRAY_SIZE(maybe_pats)) &&
				    !has_ancestor(n, HX_TABLE, 0) && !has_ancestor(n, HX_CODE, 0))
					drop = 1;
				if ((c->flags & F_STRIP_UNLIKELY) &&
				    (unlikely_role(pw_hx_attr(n, "role")) || tag == HX_NAV ||
				     tag == HX_ASIDE || tag == HX_FOOTER))
					drop = 1;
				if ((tag == HX_H1 || tag == HX_H2) && c->hd->title) {
					char *t = pw_hx_text(n);
					drop |= similar_title(t, c->hd->title);
					free(t);
				}
				if (drop) {
					if ((c->flags & F_STRIP_UNLIKELY) && !c->hd->dom_byline)
						find_byline(c, n);
					in->flags |= HX_GONE_SOFT;
					descend = 0;
				}
			}
		}
		n = pw_hx_walk_next(n, root, descend);
	}
}

/* ---- pass 2: scoring ---- */

static void init_candidate(struct ctx *c, xmlNode *e)
{
	struct hx_info *in = hx_inf(e);
	if (in->flags & HX_CANDIDATE)
		return;
	in->flags |= HX_CANDIDATE;
	double s = 0;
	switch (in->tag) {
	case HX_DIV: s = 5; break;
	case HX_PRE: case HX_TD: case HX_BLOCKQUOTE: s = 3; break;
	case HX_ADDRESS: case HX_OL: case HX_UL: case HX_DL: case HX_DD: case HX_DT: case HX_LI:
	case HX_FORM: s = -3; break;
	case HX_H1: case HX_H2: case HX_H3: case HX_H4: case HX_H5: case HX_H6: case HX_TH:
		s = -5; break;
	case HX_ARTICLE:
		if (c->hd->n_article == 1)
			s = 30; /* a lone <article> is very likely the article */
		break;
	default: break;
	}
	if (c->flags & F_WEIGHT_CLASSES)
		s += class_weight(e);
	const char *ip = pw_hx_attr(e, "itemprop");
	if (ip && strcasestr(ip, "articleBody"))
		s += 50; /* schema.org microdata names the article body: a strong signal */
	in->score = s;
}

static void add_score(struct ctx *c, xmlNode *parent, int chars, int commas)
{
	double score = 1 + commas + (chars / 100 < 3 ? chars / 100 : 3);
	int level = 0;
	for (xmlNode *a = parent; a && hx_is_elem(a) && level < ANCESTOR_LEVELS; a = a->parent) {
		if (hx_tag_of(a) == HX_HTML)
			break;
		init_candidate(c, a);
		double div = level == 0 ? 1 : level == 1 ? 2 : level * 3;
		hx_inf(a)->score += score / div;
		level++;
	}
}

static int scored_tag(const struct hx_info *in)
{
	switch (in->tag) {
	case HX_P: case HX_TD: case HX_PRE: case HX_SECTION:
	case HX_H2: case HX_H3: case HX_H4: case HX_H5: case HX_H6:
		return 1;
	default:
		return (in->flags & HX_PARA) != 0;
	}
}

/* Containers whose loose text (outside any block child) forms paragraphs of its own. */
static int run_container(int tag)
{
	switch (tag) {
	case HX_DIV: case HX_SECTION: case HX_ARTICLE: case HX_MAIN: case HX_BODY:
	case HX_BLOCKQUOTE: case HX_FORM: case HX_OTHER: case HX_TD: case HX_LI:
		return 1;
	default:
		return 0;
	}
}

static void score_runs(struct ctx *c, xmlNode *e)
{
	int chars = 0, commas = 0, started = 0;
	for (xmlNode *k = e->children;; k = k->next) {
		int flush = !k;
		if (k && (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE)) {
			if (k->content)
				count_text((const char *)k->content, &chars, &commas, &started);
		} else if (k && hx_is_elem(k) && !gone(k)) {
			struct hx_info *ki = hx_inf(k);
			if (is_block(ki->tag) || ki->tag == HX_BR) {
				/* <br><br> splits paragraphs in unstructured pages. */
				flush = ki->tag != HX_BR ||
					(k->next && hx_tag_of(k->next) == HX_BR);
			} else {
				chars += ki->chars;
				commas += ki->commas;
			}
		}
		if (flush) {
			if (chars >= 25)
				add_score(c, e, chars, commas);
			chars = commas = started = 0;
		}
		if (!k)
			break;
	}
}

static void score_paragraphs(struct ctx *c)
{
	xmlNode *root = c->hd->body;
	for (xmlNode *n = root; n;) {
		int descend = 1;
		if (hx_is_elem(n)) {
			struct hx_info *in = hx_inf(n);
			if (in->flags & HX_GONE) {
				descend = 0;
			} else if (scored_tag(in)) {
				if (in->chars >= 25 && n->parent && hx_is_elem(n->parent))
					add_score(c, n->parent, in->chars, in->commas);
				if (in->tag == HX_SECTION || in->tag == HX_TD)
					score_runs(c, n);
			} else if (run_container(in->tag)) {
				score_runs(c, n);
			}
		}
		n = pw_hx_walk_next(n, root, descend);
	}
}

/* ---- pass 3: pick the article ---- */

static int is_ancestor(const xmlNode *anc, const xmlNode *n)
{
	for (const xmlNode *p = n->parent; p; p = p->parent)
		if (p == anc)
			return 1;
	return 0;
}

static int element_children(const xmlNode *e)
{
	int k = 0;
	for (const xmlNode *c = e->children; c; c = c->next)
		if (hx_is_elem(c) && !gone(c))
			k++;
	return k;
}

static xmlNode *pick_top(struct ctx *c)
{
	struct hx_doc *hd = c->hd;
	memset(c->top, 0, sizeof c->top);
	for (size_t i = 0; i < hd->nelems; i++) {
		xmlNode *e = hd->elems[i];
		struct hx_info *in = &hd->info[i];
		if (!(in->flags & HX_CANDIDATE) || (in->flags & HX_GONE))
			continue;
		in->score *= 1 - link_density(e);
		for (int t = 0; t < N_TOP; t++) {
			if (!c->top[t] || in->score > hx_inf(c->top[t])->score) {
				memmove(&c->top[t + 1], &c->top[t], (N_TOP - 1 - t) * sizeof c->top[0]);
				c->top[t] = e;
				break;
			}
		}
	}
	xmlNode *top = c->top[0];
	if (!top || hx_tag_of(top) == HX_BODY)
		return NULL;
	double ts = hx_inf(top)->score;

	/* Several near-equal candidates under one ancestor: the ancestor is the article. */
	int alt = 0;
	for (int t = 1; t < N_TOP && c->top[t]; t++)
		if (ts > 0 && hx_inf(c->top[t])->score / ts >= 0.75)
			alt++;
	if (alt >= 3) {
		for (xmlNode *p = top->parent; p && hx_is_elem(p) && hx_tag_of(p) != HX_BODY;
		     p = p->parent) {
			int containing = 0;
			for (int t = 1; t < N_TOP && c->top[t]; t++)
				if (hx_inf(c->top[t])->score / ts >= 0.75 && is_ancestor(p, c->top[t]))
					containing++;
			if (containing >= 3) {
				top = p;
				init_candidate(c, top);
				break;
			}
		}
	}

	/* Climb while the parent scores better (its content is split among children). */
	double last = hx_inf(top)->score, threshold = last / 3;
	for (xmlNode *p = top->parent; p && hx_is_elem(p) && hx_tag_of(p) != HX_BODY;
	     p = p->parent) {
		struct hx_info *pi = hx_inf(p);
		if (!(pi->flags & HX_CANDIDATE))
			continue;
		if (pi->score < threshold)
			break;
		if (pi->score > last) {
			top = p;
			break;
		}
		last = pi->score;
	}
	/* An only child stands for its parent. */
	double best = hx_inf(top)->score;
	while (top->parent && hx_is_elem(top->parent) && hx_tag_of(top->parent) != HX_BODY &&
	       element_children(top->parent) == 1)
		top = top->parent;
	init_candidate(c, top);
	/* The wrapper inherits the score it stands for (else weak siblings pass the threshold). */
	if (hx_inf(top)->score < best)
		hx_inf(top)->score = best;
	return top;
}

static int ends_like_sentence(const xmlNode *e)
{
	char *t = pw_hx_text(e);
	const char *p = t;
	int yes = 0;
	while ((p = strchr(p, '.')) != NULL) {
		if (p[1] == ' ' || p[1] == '\0') {
			yes = 1;
			break;
		}
		p++;
	}
	free(t);
	return yes;
}

/* The page's own markup says "this is the article": itemprop=articleBody, a lone <article>. */
static int is_marked(const struct ctx *c, const xmlNode *e)
{
	const char *ip = pw_hx_attr(e, "itemprop");
	return (ip && strcasestr(ip, "articleBody")) ||
	       (hx_tag_of(e) == HX_ARTICLE && c->hd->n_article == 1);
}

static const xmlNode *only_child(const xmlNode *e)
{
	const xmlNode *only = NULL;
	for (const xmlNode *k = e->children; k; k = k->next) {
		if (!hx_is_elem(k) || gone(k))
			continue;
		if (only)
			return NULL;
		only = k;
	}
	return only;
}

/* e, or the element it wraps through a chain of only children, is marked as the article. */
static int marked_article(const struct ctx *c, const xmlNode *e)
{
	for (; e; e = only_child(e))
		if (is_marked(c, e))
			return 1;
	return 0;
}

/* Mark the top candidate and the siblings that belong with it; returns how many. */
static size_t select_siblings(struct ctx *c, xmlNode *top, xmlNode ***out)
{
	size_t n = 0, cap = 8;
	xmlNode **v = xmalloc(cap * sizeof *v);
	struct hx_info *ti = hx_inf(top);
	double threshold = ti->score * 0.2 > 10 ? ti->score * 0.2 : 10;
	const char *tclass = pw_hx_attr(top, "class");
	/* When the markup names the article, its siblings join only as prose paragraphs. */
	int marked = marked_article(c, top);
	xmlNode *parent = top->parent;
	for (xmlNode *s = parent->children; s; s = s->next) {
		if (!hx_is_elem(s) || gone(s))
			continue;
		struct hx_info *si = hx_inf(s);
		int append = 0;
		if (s == top) {
			append = 1;
		} else {
			double bonus = 0;
			const char *sc = pw_hx_attr(s, "class");
			if (tclass && *tclass && sc && strcmp(sc, tclass) == 0)
				bonus = ti->score * 0.2;
			if (!marked && (si->flags & HX_CANDIDATE) && si->score + bonus >= threshold) {
				append = 1;
			} else if (si->tag == HX_P || (si->flags & HX_PARA)) {
				double ld = link_density(s);
				if (si->chars > 80 && ld < 0.25)
					append = 1;
				else if (si->chars < 80 && si->chars > 0 && ld == 0 &&
					 ends_like_sentence(s))
					append = 1;
			}
		}
		if (append) {
			if (n == cap) {
				cap *= 2;
				v = xreallocarray(v, cap, sizeof *v);
			}
			v[n++] = s;
			si->flags |= HX_SELECTED;
		}
	}
	*out = v;
	return n;
}

/* ---- pass 4: clean the article ---- */

static int is_data_table(const xmlNode *t)
{
	const char *role = pw_hx_attr(t, "role");
	if (role && strcasecmp(role, "presentation") == 0)
		return 0;
	const char *dt = pw_hx_attr(t, "datatable");
	if (dt && strcmp(dt, "0") == 0)
		return 0;
	if (pw_hx_attr(t, "summary"))
		return 1;
	int rows = 0, cols = 0;
	for (const xmlNode *n = t->children; n; n = pw_hx_walk_next((xmlNode *)n, t, 1)) {
		int tag = hx_tag_of(n);
		if (tag == HX_CAPTION || tag == HX_TH || tag == HX_THEAD || tag == HX_TFOOT)
			return 1;
		if (tag == HX_TABLE)
			return 0; /* nested tables: layout */
		if (tag == HX_TR) {
			int k = 0;
			rows++;
			for (const xmlNode *d = n->children; d; d = d->next)
				k += hx_tag_of(d) == HX_TD;
			if (k > cols)
				cols = k;
		}
	}
	if (rows == 1 || cols == 1)
		return 0;
	return rows >= 10 || cols > 4;
}

/*
 * The whole text of e (at most 40 characters) is one of words (given lower case, as
 * pw_text_normalize writes them: case-folded, punctuation gone, one space between words).
 */
static int whole_text_is(const xmlNode *e, const char *const *words, size_t n)
{
	if (hx_inf(e)->chars == 0 || hx_inf(e)->chars > 40)
		return 0;
	char *t = pw_hx_text(e);
	char *norm = pw_text_normalize(t, strlen(t));
	free(t);
	int yes = 0;
	for (size_t i = 0; i < n && !yes; i++)
		yes = strcmp(norm, words[i]) == 0;
	free(norm);
	return yes;
}

static int ad_or_loading(const xmlNode *e)
{
	static const char *const w[] = { "ad", "advertising", "advertisement", "pub", "publicité",
					  "werbung", "реклама", "anuncio", "loading", "loading...",
					  "загрузка", "chargement", "cargando" };
	return whole_text_is(e, w, PW_ARRAY_SIZE(w));
}

/* Readability's _cleanConditionally: should e (a table, list, div, form, ...) go? */
static int clean_conditionally(struct ctx *c, xmlNode *e)
{
	struct hx_info *in = hx_inf(e);
	int tag = in->tag;
	if (tag == HX_TABLE && (in->flags & HX_DATATABLE))
		return 0;
	for (xmlNode *p = e->parent; p && hx_is_elem(p); p = p->parent)
		if (hx_tag_of(p) == HX_TABLE && (hx_inf(p)->flags & HX_DATATABLE))
			return 0;
	if (has_ancestor(e, HX_CODE, 0))
		return 0;
	int is_list = tag == HX_UL || tag == HX_OL;
	int weight = (c->flags & F_WEIGHT_CLASSES) ? class_weight(e) : 0;
	if (weight < 0)
		return 1;
	if (in->commas >= 10)
		return 0;
	if (ad_or_loading(e))
		return 1;
	int p = in->n_p - (tag == HX_P), img = in->n_img, li = in->n_li - 100, input = in->n_input;
	double heading_density = in->chars ? (double)in->heading_chars / in->chars : 0;
	double ld = link_density(e);
	int len = in->chars;
	int fig = has_ancestor(e, HX_FIGURE, 0);
	int embeds = in->n_embed;
	return (!fig && img > 1 && (double)p / img < 0.5) || (!is_list && li > p) ||
	       (input > p / 3) ||
	       (!is_list && !fig && heading_density < 0.9 && len < 25 && (img == 0 || img > 2) &&
		ld > 0) ||
	       (!is_list && weight < 25 && ld > 0.2) || (weight >= 25 && ld > 0.5) ||
	       (embeds == 1 && len < 75) || embeds > 1;
}

static int has_descendant(xmlNode *e, int tag)
{
	for (xmlNode *n = e->children; n; n = pw_hx_walk_next(n, e, 1))
		if (hx_tag_of(n) == tag)
			return 1;
	return 0;
}

static int caption_class(const xmlNode *e)
{
	char lc[512];
	lower_class_id(e, lc, sizeof lc);
	return strstr(lc, "caption") || strstr(lc, "credit") || strstr(lc, "photo-author") ||
	       strstr(lc, "img-desc") || strstr(lc, "image-desc");
}

/* Clean what was selected (HX_SELECTED roots and their subtrees). */
static void clean_article(struct ctx *c)
{
	/* Reverse document order: inner blocks are judged (and removed) before outer ones. */
	struct hx_doc *hd = c->hd;
	for (size_t i = hd->nelems; i-- > 0;) {
		xmlNode *e = hd->elems[i];
		struct hx_info *in = &hd->info[i];
		if (in->flags & HX_GONE)
			continue;
		int inside = 0;
		for (xmlNode *p = e; p && hx_is_elem(p); p = p->parent) {
			if (hx_inf(p)->flags & HX_GONE) {
				inside = 0;
				break;
			}
			if (hx_inf(p)->flags & HX_SELECTED) {
				inside = 1;
				break;
			}
		}
		if (!inside)
			continue;
		int tag = in->tag, is_root = (in->flags & HX_SELECTED) != 0;
		if (tag == HX_TABLE && is_data_table(e))
			in->flags |= HX_DATATABLE;
		int drop = 0;
		char lc[256];
		lower_into(lc, sizeof lc, pw_hx_attr(e, "class"));
		if (tag == HX_FOOTER || tag == HX_ASIDE || tag == HX_FIGCAPTION || tag == HX_NAV)
			drop = 1;
		/* Photos with their captions and credits: figures, "caption"/"credit" blocks. */
		else if (!is_root && in->chars < 300 &&
			 ((tag == HX_FIGURE && !has_descendant(e, HX_TABLE)) ||
			  caption_class(e)))
			drop = 1;
		else if (!is_root && in->chars < 500 &&
			 (strstr(lc, "share") || strstr(lc, "sharedaddy")))
			drop = 1;
		else if ((tag == HX_H1 || tag == HX_H2) && (c->flags & F_WEIGHT_CLASSES) &&
			 class_weight(e) < 0)
			drop = 1;
		else if (!is_root && (c->flags & F_CLEAN_COND) &&
			 (tag == HX_FORM || tag == HX_FIELDSET || tag == HX_TABLE || tag == HX_UL ||
			  tag == HX_OL || tag == HX_DIV || tag == HX_SECTION) &&
			 clean_conditionally(c, e))
			drop = 1;
		if (drop)
			hx_remove(e);
	}
}

/* ---- pass 5: text ---- */

struct ser {
	struct pw_buf *out;
	const char *title;
	struct pw_buf line, para;
	size_t chars;      /* characters emitted so far */
	int brs;           /* consecutive <br> */
	xmlNode *cut;      /* after an end marker: skip the rest of this element */
};

static int contains_any_ci(const char *lc, const char *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(lc, w[i]))
			return 1;
	return 0;
}

/* Lower-case ASCII and the Cyrillic capitals of one block of text, into a new string. */
static char *lower_utf8(const char *s)
{
	char *r = xstrdup(s);
	for (unsigned char *p = (unsigned char *)r; *p; p++) {
		if (*p < 0x80) {
			*p = (unsigned char)tolower(*p);
		} else if (*p == 0xD0 && p[1] >= 0x90 && p[1] <= 0xAF) { /* А..Я */
			if (p[1] <= 0x9F) {
				p[1] += 0x20;
			} else {
				p[0] = 0xD1;
				p[1] -= 0x20;
			}
			p++;
		} else if (*p == 0xD0 && p[1] >= 0x80 && p[1] <= 0x8F) { /* Ѐ..Џ */
			p[0] = 0xD1;
			p[1] += 0x10;
			p++;
		}
	}
	return r;
}

static int looks_like_date(const char *s)
{
	size_t n = strlen(s), digits = 0, letters = 0;
	if (n == 0 || n > 24)
		return 0;
	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (isalpha((unsigned char)*p))
			letters++;
		else if (!strchr(" .,/-:", *p))
			return 0;
	}
	return digits >= 4 && letters <= 9;
}

/* "Updated: 21.10.2025 14:05", "4 min read": timestamps and reading times, not prose. */
static int stamp_line(const char *lc, size_t n)
{
	static const char *const prefixes[] = { "updated", "last updated", "published", "posted",
						"обновлено", "опубликовано", "дата публикации",
						"最終更新", "yenilənib", "dərc olunub" };
	static const char *const reading[] = { "min read", "minute read", "minutes read",
					       "мин чтения", "минут чтения", "dəq oxu" };
	if (n > 60 || !strpbrk(lc, "0123456789"))
		return 0;
	for (size_t i = 0; i < PW_ARRAY_SIZE(prefixes); i++)
		if (strncmp(lc, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	for (size_t i = 0; i < PW_ARRAY_SIZE(reading); i++)
		if (n <= 30 && strstr(lc, reading[i]))
			return 1;
	return 0;
}

/* "Tags: Tbilisi, protests" and the like, at the start of a short block. */
static int label_line(const char *lc)
{
	static const char *const labels[] = { "tags:", "tags :", "теги:", "метки:", "теги :",
					      "etiketlər:", "keywords:", "ключевые слова:",
					      "share:", "поделиться:", "topics:", "темы:" };
	for (size_t i = 0; i < PW_ARRAY_SIZE(labels); i++)
		if (strncmp(lc, labels[i], strlen(labels[i])) == 0)
			return 1;
	return 0;
}

static int chrome_paragraph(const char *p, const char *title)
{
	size_t n = pw_utf8_chars(p);
	if (n > SHORT_CHROME)
		return 0;
	/* The headline again, or a breadcrumb trail ending with it: "HomeNewsHeadline". */
	size_t pl = strlen(p), tl = title ? strlen(title) : 0;
	if (tl >= 12 && pl >= tl && pl < tl * 3 / 2 + 20 && strcmp(p + pl - tl, title) == 0)
		return 1;
	char *lc = lower_utf8(p);
	int drop = contains_any_ci(lc, caption_words, PW_ARRAY_SIZE(caption_words)) ||
		   looks_like_date(lc) || stamp_line(lc, n) || label_line(lc);
	for (size_t i = 0; !drop && i < PW_ARRAY_SIZE(ui_labels); i++)
		drop = strcmp(lc, ui_labels[i]) == 0;
	free(lc);
	return drop;
}

static void flush_line(struct ser *s)
{
	char *l = pw_hx_squash(pw_buf_detach(&s->line));
	if (*l) {
		if (s->para.len)
			pw_buf_putc(&s->para, '\n');
		pw_buf_puts(&s->para, l);
	}
	free(l);
}

static void flush_para(struct ser *s)
{
	flush_line(s);
	s->brs = 0;
	if (!s->para.len)
		return;
	const char *p = pw_buf_cstr(&s->para);
	if (!chrome_paragraph(p, s->title)) {
		if (s->out->len)
			pw_buf_puts(s->out, "\n\n");
		pw_buf_puts(s->out, p);
		s->chars += pw_utf8_chars(p);
	}
	pw_buf_reset(&s->para);
}

static int paragraph_tag(int tag)
{
	switch (tag) {
	case HX_P: case HX_DIV: case HX_LI: case HX_TABLE: case HX_UL: case HX_OL: case HX_DL:
	case HX_DD: case HX_DT: case HX_H1: case HX_H2: case HX_H3: case HX_H4: case HX_H5:
	case HX_H6: case HX_SECTION: case HX_ARTICLE: case HX_BLOCKQUOTE: case HX_PRE:
	case HX_HEADER: case HX_FOOTER: case HX_FIGURE: case HX_MAIN: case HX_ADDRESS:
	case HX_FORM: case HX_FIELDSET: case HX_DETAILS: case HX_HR: case HX_CAPTION:
	case HX_ASIDE: case HX_NAV:
		return 1;
	default:
		return 0;
	}
}

/*
 * The element whose following siblings an end marker introduces: the marker itself, or the
 * wrapper it is alone in (<div class="title"><h3>See also</h3></div><ul>...).
 */
static xmlNode *marker_anchor(xmlNode *marker)
{
	xmlNode *m = marker;
	while (m->parent && hx_is_elem(m->parent) && !(hx_inf(m->parent)->flags & HX_SELECTED) &&
	       hx_inf(m->parent)->chars <= hx_inf(marker)->chars + 2)
		m = m->parent;
	return m;
}

/*
 * What follows an end marker is a list of links (headlines, maybe with dates): then it is a
 * "See also" / "Latest news" block.  A "See also" heading followed by prose or references
 * (an encyclopedia article) is not the end of the article.
 */
static int links_follow(const xmlNode *anchor)
{
	double chars = 0, links = 0;
	for (const xmlNode *s = anchor->next; s; s = s->next) {
		if (!hx_is_elem(s) || gone(s))
			continue;
		chars += hx_inf(s)->chars;
		links += hx_inf(s)->link_chars;
	}
	return chars == 0 || links / chars >= 0.5;
}

/* The text of e begins with an end marker followed by ':' ("Read also: ..."). */
static int starts_with_marker(const xmlNode *e)
{
	char *t = pw_hx_text(e);
	char *norm = pw_text_normalize(t, strlen(t));
	free(t);
	int yes = 0;
	for (size_t i = 0; i < PW_ARRAY_SIZE(end_markers) && !yes; i++) {
		size_t l = strlen(end_markers[i]);
		yes = strncmp(norm, end_markers[i], l) == 0 && (norm[l] == ' ' || norm[l] == '\0');
	}
	free(norm);
	return yes;
}

/* 0: skip e's subtree. */
static int ser_enter(struct ser *s, xmlNode *e)
{
	if (e->type == XML_TEXT_NODE || e->type == XML_CDATA_SECTION_NODE) {
		if (e->content) {
			const char *t = (const char *)e->content;
			if (s->brs && strspn(t, " \t\r\n") != strlen(t))
				s->brs = 0;
			pw_buf_puts(&s->line, t);
		}
		return 0;
	}
	if (!hx_is_elem(e) || gone(e))
		return 0;
	struct hx_info *in = hx_inf(e);
	int tag = in->tag;
	if (tag == HX_BR) {
		flush_line(s);
		if (++s->brs >= 2)
			flush_para(s);
		return 0;
	}
	if (paragraph_tag(tag)) {
		flush_para(s);
		/* "See also" / "Latest news" after the article text: the rest is not article. */
		if ((is_heading(tag) || in->chars <= 40) &&
		    whole_text_is(e, end_markers, PW_ARRAY_SIZE(end_markers))) {
			xmlNode *anchor = marker_anchor(e);
			if (s->chars >= 200 && anchor->parent && links_follow(anchor))
				s->cut = anchor->parent;
			return 0;
		}
		/* A paragraph that is nothing but a link, or "Read also: <headline>". */
		if ((tag == HX_P || (in->flags & HX_PARA)) && in->chars > 0 && in->chars < 250) {
			double ld = in->link_chars / in->chars;
			if (ld > 0.8 || (ld > 0.4 && starts_with_marker(e)))
				return 0;
		}
	} else if (tag == HX_TR) {
		flush_line(s);
	} else if (tag == HX_TD || tag == HX_TH) {
		pw_buf_putc(&s->line, ' ');
	} else if (tag == HX_IMG) {
		pw_buf_putc(&s->line, ' ');
	}
	return 1;
}

static void ser_leave(struct ser *s, xmlNode *e)
{
	if (!hx_is_elem(e) || gone(e))
		return;
	int tag = hx_tag_of(e);
	if (paragraph_tag(tag))
		flush_para(s);
	else if (tag == HX_TR)
		flush_line(s);
	else if (tag == HX_TD || tag == HX_TH)
		pw_buf_putc(&s->line, ' ');
}

static int in_cut(const struct ser *s, const xmlNode *e)
{
	return s->cut && (e->parent == s->cut || is_ancestor(s->cut, e));
}

static void serialise(struct ser *s, xmlNode *root)
{
	if (in_cut(s, root) || !ser_enter(s, root))
		return;
	xmlNode *n = root->children;
	while (n) {
		int entered = !in_cut(s, n) && ser_enter(s, n);
		if (entered && n->type == XML_ELEMENT_NODE && n->children) {
			n = n->children;
			continue;
		}
		if (entered)
			ser_leave(s, n);
		while (n != root && !n->next) {
			n = n->parent;
			if (n && n != root)
				ser_leave(s, n);
			if (!n)
				return;
		}
		if (n == root)
			break;
		n = n->next;
	}
	ser_leave(s, root);
}

/* ---- driver ---- */

static size_t attempt(struct ctx *c, struct pw_buf *out, int *marked)
{
	struct hx_doc *hd = c->hd;
	for (size_t i = 0; i < hd->nelems; i++) {
		hd->info[i].flags &= (uint8_t)~(HX_GONE_SOFT | HX_CANDIDATE | HX_SELECTED |
						HX_DATATABLE);
		hd->info[i].score = 0;
	}
	strip_unlikely(c);
	compute_stats(hd);
	score_paragraphs(c);
	xmlNode *top = pick_top(c);
	xmlNode **sel;
	size_t nsel;
	*marked = top && marked_article(c, top);
	if (top) {
		nsel = select_siblings(c, top, &sel);
	} else {
		/* No candidate: the whole body is the article. */
		sel = xmalloc(sizeof *sel);
		sel[0] = hd->body;
		nsel = 1;
		hx_inf(hd->body)->flags |= HX_SELECTED;
	}
	clean_article(c);
	struct ser s = { .out = out, .title = hd->title };
	for (size_t i = 0; i < nsel; i++)
		serialise(&s, sel[i]);
	flush_para(&s);
	pw_buf_free(&s.line);
	pw_buf_free(&s.para);
	free(sel);
	return s.chars;
}

size_t pw_hx_content(struct hx_doc *hd, struct pw_buf *out)
{
	static const int flag_sets[] = {
		F_STRIP_UNLIKELY | F_WEIGHT_CLASSES | F_CLEAN_COND,
		F_WEIGHT_CLASSES | F_CLEAN_COND,
		F_CLEAN_COND,
		0,
	};
	struct ctx c = { .hd = hd };
	struct pw_buf best = PW_BUF_INIT;
	size_t best_chars = 0;
	for (size_t i = 0; i < PW_ARRAY_SIZE(flag_sets); i++) {
		struct pw_buf b = PW_BUF_INIT;
		c.flags = flag_sets[i];
		int marked = 0;
		size_t n = attempt(&c, &b, &marked);
		if (n > best_chars || i == 0) {
			pw_buf_free(&best);
			best = b;
			best_chars = n;
		} else {
			pw_buf_free(&b);
		}
		/* Short is fine when the page's markup itself says this is the article. */
		if (best_chars >= CHAR_THRESHOLD || (i == 0 && marked && n > 0))
			break;
	}
	pw_buf_append(out, pw_buf_cstr(&best), best.len);
	pw_buf_free(&best);
	return best_chars;
}
