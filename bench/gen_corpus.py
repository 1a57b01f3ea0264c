#!/usr/bin/env python3
"""gen_corpus.py -- deterministic benchmark corpus for presswatch.

    gen_corpus.py --out DIR --base http://127.0.0.1:PORT [--feeds 200] [--items 50]
                  [--seed 20261126] [--no-articles]

Writes DIR/f/NNNNN.xml (one feed each: RSS 2.0, Atom 1.0 or RSS 1.0/RDF) and, unless
--no-articles, DIR/a/NNNNN/II.html (the article page each item links to, 5-15 KB with site
chrome: header navigation, breadcrumbs, related lists, newsletter box, footer, scripts),
plus DIR/urls.txt (feed URLs, one a line) and DIR/manifest.json (counts and bytes).

The output is a pure function of (seed, feeds, items, base): every feed and every article
comes from its own random stream seeded by (seed, feed, item), so feed 17 is the same file in
a 200-feed and a 10,000-feed corpus.  About 15% of the feeds are Russian (Cyrillic); a third
of those are served as windows-1251 (XML declaration / <meta charset>).  About 20% of the
articles are near-duplicates of another feed's article in the same language: a new
headline, a few words changed, a syndication paragraph added.
"""
import argparse
import json
import os
import random
import sys

EN_FIRST = ["Anna", "David", "Elena", "Giorgi", "Maria", "Oleksandr", "Nino", "Arman", "Leyla",
            "Thomas", "Sofia", "Rustam", "Irina", "Michael", "Tamar", "Ruben", "Aliyev", "Kateryna"]
EN_LAST = ["Petrosyan", "Mammadov", "Kovalenko", "Beridze", "Smith", "Ivanova", "Hughes",
           "Gasparyan", "Shevchenko", "Novak", "Huseynov", "Tsereteli", "Morgan", "Melnyk"]
EN_PLACES = ["Yerevan", "Baku", "Tbilisi", "Kyiv", "Kharkiv", "Odesa", "Brussels", "Geneva",
             "Ankara", "Vienna", "Lviv", "Gyumri", "Ganja", "Batumi", "Zaporizhzhia", "Dnipro",
             "Sukhumi", "Stepanakert", "Warsaw", "Chisinau"]
EN_ORGS = ["the foreign ministry", "the central bank", "the parliament", "the prime minister's office",
           "the interior ministry", "the election commission", "the European Commission",
           "the OSCE mission", "the energy regulator", "the constitutional court",
           "the defence ministry", "the state audit office", "the port authority", "city hall"]
EN_SUBJ = ["officials", "lawmakers", "analysts", "residents", "investors", "diplomats",
           "farmers", "the opposition", "local councils", "rescue teams", "exporters",
           "teachers' unions", "border guards", "regional governors"]
EN_VERB = ["announced", "rejected", "welcomed", "criticised", "approved", "postponed",
           "questioned", "expanded", "suspended", "defended", "reviewed", "signed", "proposed",
           "delayed", "confirmed", "disputed"]
EN_OBJ = ["a new customs agreement", "the draft budget for next year", "plans for a gas pipeline",
          "a reform of the pension system", "the results of the local vote",
          "talks on the border commission", "an emergency loan programme",
          "restrictions on grain exports", "a bill on media ownership",
          "the appointment of a new ambassador", "repairs to the main railway bridge",
          "a report on water shortages", "the tender for the new airport terminal",
          "sanctions against three companies", "a ceasefire monitoring mechanism"]
EN_TAIL = ["after weeks of negotiations", "despite objections from the opposition",
           "according to a statement published on Tuesday", "in a late-night session",
           "citing concerns about transparency", "ahead of the winter heating season",
           "following a request from international partners", "without giving a timetable",
           "as protests continued outside the building", "in a move that surprised observers",
           "to the dismay of business groups", "under pressure from donors"]
EN_QUOTE = ["We will not accept any decision taken without consultation",
            "This is a step in the right direction, but it is not enough",
            "The figures speak for themselves", "Nobody was informed in advance",
            "We expect our partners to honour their commitments",
            "The situation on the ground remains difficult",
            "There is no alternative to dialogue", "The process will take months, not weeks"]

RU_FIRST = ["Анна", "Дмитрий", "Елена", "Георгий", "Мария", "Александр", "Нина", "Арман",
            "Лейла", "Сергей", "Софья", "Рустам", "Ирина", "Михаил", "Тамара", "Рубен"]
RU_LAST = ["Петросян", "Мамедов", "Коваленко", "Беридзе", "Иванова", "Гаспарян", "Шевченко",
           "Новиков", "Гусейнов", "Церетели", "Мельник", "Захарова", "Соколов", "Орлова"]
RU_PLACES = ["Ереване", "Баку", "Тбилиси", "Киеве", "Харькове", "Одессе", "Брюсселе", "Женеве",
             "Анкаре", "Вене", "Москве", "Гюмри", "Гяндже", "Батуми", "Запорожье", "Днепре"]
RU_ORGS = ["министерство иностранных дел", "центральный банк", "парламент", "аппарат премьер-министра",
           "министерство внутренних дел", "избирательная комиссия", "Европейская комиссия",
           "миссия ОБСЕ", "энергетический регулятор", "конституционный суд", "министерство обороны"]
RU_SUBJ = ["чиновники", "депутаты", "аналитики", "жители", "инвесторы", "дипломаты", "фермеры",
           "оппозиция", "местные советы", "спасатели", "экспортёры", "пограничники", "губернаторы"]
RU_VERB = ["объявили", "отклонили", "одобрили", "раскритиковали", "утвердили", "отложили",
           "поставили под сомнение", "расширили", "приостановили", "защитили", "подписали",
           "предложили", "подтвердили", "оспорили"]
RU_OBJ = ["новое таможенное соглашение", "проект бюджета на следующий год", "планы строительства газопровода",
          "реформу пенсионной системы", "итоги местных выборов", "переговоры о пограничной комиссии",
          "программу экстренного кредитования", "ограничения на экспорт зерна",
          "законопроект о собственности СМИ", "назначение нового посла", "ремонт железнодорожного моста",
          "доклад о нехватке воды", "тендер на строительство терминала аэропорта",
          "санкции против трёх компаний"]
RU_TAIL = ["после нескольких недель переговоров", "несмотря на возражения оппозиции",
           "говорится в опубликованном во вторник заявлении", "на ночном заседании",
           "сославшись на вопросы прозрачности", "накануне отопительного сезона",
           "по просьбе международных партнёров", "не назвав сроков",
           "пока у здания продолжались протесты", "что стало неожиданностью для наблюдателей"]
RU_QUOTE = ["Мы не примем решений, принятых без консультаций", "Это шаг в правильном направлении, но его недостаточно",
            "Цифры говорят сами за себя", "Никто не был предупреждён заранее",
            "Мы ожидаем, что партнёры выполнят свои обязательства", "Ситуация на месте остаётся сложной",
            "Альтернативы диалогу нет", "Процесс займёт месяцы, а не недели"]

EN = dict(first=EN_FIRST, last=EN_LAST, places=EN_PLACES, orgs=EN_ORGS, subj=EN_SUBJ, verb=EN_VERB,
          obj=EN_OBJ, tail=EN_TAIL, quote=EN_QUOTE, said="said", in_="In", lang="en",
          nav=["World", "Politics", "Economy", "Region", "Opinion", "Culture", "Sport", "Video",
               "Podcasts", "Investigations", "Photo", "Archive"],
          related="Related stories", most="Most read", news="Subscribe to our newsletter",
          synd="This article was originally published by {src} and is republished here under a "
               "content-sharing agreement. Additional reporting by our staff.",
          rights="All rights reserved.", home="Home")
RU = dict(first=RU_FIRST, last=RU_LAST, places=RU_PLACES, orgs=RU_ORGS, subj=RU_SUBJ, verb=RU_VERB,
          obj=RU_OBJ, tail=RU_TAIL, quote=RU_QUOTE, said="заявил", in_="В", lang="ru",
          nav=["Мир", "Политика", "Экономика", "Регион", "Мнения", "Культура", "Спорт", "Видео",
               "Подкасты", "Расследования", "Фото", "Архив"],
          related="Читайте также", most="Самое читаемое", news="Подпишитесь на рассылку",
          synd="Материал впервые опубликован изданием {src} и перепечатан по соглашению об "
               "обмене контентом. При участии наших корреспондентов.",
          rights="Все права защищены.", home="Главная")

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
BASE_TIME = 1795478400  # 2026-11-24T00:00:00Z, fixed so the corpus never changes


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def feed_kind(f):
    """(format, language, encoding) of feed f; a pure function of f."""
    r = random.Random(f * 7919 + 13)
    fmt = r.choices(["rss", "atom", "rdf"], weights=[50, 30, 20])[0]
    ru = r.random() < 0.15
    enc = "windows-1251" if ru and r.random() < 0.34 else "utf-8"
    return fmt, ("ru" if ru else "en"), enc


def outlet(f):
    r = random.Random(f * 104729 + 7)
    a = r.choice(["Caucasus", "Black Sea", "Danube", "Steppe", "Harbour", "Valley", "Capital",
                  "Frontier", "Eastern", "Northern", "Metro", "Riverside"])
    b = r.choice(["Herald", "Wire", "Daily", "Observer", "Courier", "Times", "Post", "Monitor",
                  "Gazette", "Dispatch", "Review", "Ledger"])
    return "%s %s %d" % (a, b, f)


def sentence(r, L):
    kind = r.random()
    if kind < 0.45:
        s = "%s %s %s %s." % (r.choice(L["subj"]).capitalize(), r.choice(L["verb"]), r.choice(L["obj"]),
                              r.choice(L["tail"]))
    elif kind < 0.7:
        s = "%s %s, %s %s %s %s." % (L["in_"], r.choice(L["places"]), r.choice(L["orgs"]),
                                      r.choice(L["verb"]), r.choice(L["obj"]), r.choice(L["tail"]))
        s = s[0].upper() + s[1:]
    elif kind < 0.85:
        s = "\u201c%s,\u201d %s %s %s." % (r.choice(L["quote"]), L["said"], r.choice(L["first"]),
                                           r.choice(L["last"]))
    else:
        n = r.randint(2, 97)
        s = "%s %s %d %s, %s." % (r.choice(L["subj"]).capitalize(), r.choice(L["verb"]), n,
                                 r.choice(L["obj"]).split(" ", 1)[-1], r.choice(L["tail"]))
    return s


def body_paragraphs(f, i, L, seed):
    """The article text of (f, i): a list of paragraphs, from its own random stream."""
    r = random.Random((seed * 1000003 + f) * 1009 + i)
    target = r.randint(2200, 7500)   # chars of text; chrome brings the page to 5-15 KB
    paras, size = [], 0
    while size < target:
        p = " ".join(sentence(r, L) for _ in range(r.randint(2, 5)))
        paras.append(p)
        size += len(p)
    return paras


def headline(r, L):
    h = "%s %s %s" % (r.choice(L["subj"]).capitalize(), r.choice(L["verb"]), r.choice(L["obj"]))
    if r.random() < 0.5:
        h += " " + r.choice(L["tail"])
    return h


def mutate(paras, r, L):
    """A near-duplicate: a few words swapped and a syndication paragraph added."""
    out = list(paras)
    for _ in range(r.randint(2, 5)):
        k = r.randrange(len(out))
        words = out[k].split(" ")
        j = r.randrange(len(words))
        words[j] = r.choice([r.choice(L["places"]), r.choice(L["last"]), str(r.randint(3, 99))])
        out[k] = " ".join(words)
    return out


class Corpus:
    def __init__(self, a):
        self.a = a
        self.feeds = a.feeds
        self.kinds = [feed_kind(f) for f in range(a.feeds)]
        self.by_lang = {"en": [], "ru": []}
        for f, k in enumerate(self.kinds):
            self.by_lang[k[1]].append(f)

    def url_feed(self, f):
        return "%s/f/%05d.xml" % (self.a.base, f)

    def url_article(self, f, i):
        return "%s/a/%05d/%02d.html" % (self.a.base, f, i)

    def article(self, f, i):
        """(headline, paragraphs, dup_of or None, time, author) of item i of feed f."""
        fmt, lang, enc = self.kinds[f]
        L = RU if lang == "ru" else EN
        r = random.Random((self.a.seed * 7 + f) * 100003 + i * 31 + 1)
        t = BASE_TIME - f * 37 - i * 1800 - r.randint(0, 900)
        author = "%s %s" % (r.choice(L["first"]), r.choice(L["last"]))
        peers = self.by_lang[lang]
        if r.random() < 0.20 and len(peers) > 1:
            src = r.choice(peers)
            while src == f:
                src = r.choice(peers)
            si = r.randrange(self.a.items)
            paras = mutate(body_paragraphs(src, si, L, self.a.seed), r, L)
            paras.append(L["synd"].format(src=outlet(src)))
            return headline(r, L), paras, (src, si), t, author
        return headline(r, L), body_paragraphs(f, i, L, self.a.seed), None, t, author


def rfc822(t):
    import time
    tm = time.gmtime(t)
    return "%s, %02d %s %04d %02d:%02d:%02d +0000" % (DAYS[tm.tm_wday], tm.tm_mday, MONTHS[tm.tm_mon - 1],
                                                     tm.tm_year, tm.tm_hour, tm.tm_min, tm.tm_sec)


def iso(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def summary_html(paras):
    s = paras[0]
    if len(s) > 600:
        s = s[:600].rsplit(" ", 1)[0] + "\u2026"
    return "<p>%s</p>" % esc(s)


def page_html(c, f, i, art):
    fmt, lang, enc = c.kinds[f]
    L = RU if lang == "ru" else EN
    head, paras, dup, t, author = art
    r = random.Random(f * 65537 + i * 17 + 3)
    name = outlet(f)
    url = c.url_article(f, i)
    nav = "\n".join('<li class="menu-item"><a href="/section/%s">%s</a></li>' % (n.lower(), n)
                    for n in L["nav"])
    related = []
    for k in range(r.randint(6, 12)):
        rr = random.Random(f * 31 + i * 7 + k)
        ti = (i + k + 1) % c.a.items
        related.append('<li><a href="%s"><img src="/img/thumb-%d.jpg" alt="" width="120" height="80">'
                       '<span class="rel-title">%s</span></a></li>' % (c.url_article(f, ti), k,
                                                                       esc(headline(rr, L))))
    most = "\n".join('<li><a href="/story/%d">%s</a></li>' % (f * 100 + k, esc(headline(random.Random(k * 3 + f), L)))
                     for k in range(5))
    foot = "\n".join('<li><a href="/%s">%s</a></li>' % (n, n.title())
                     for n in ["about", "contacts", "advertising", "privacy", "terms", "careers", "rss",
                               "ethics", "corrections", "archive"])
    body = "\n".join("<p>%s</p>" % esc(p) for p in paras)
    if r.random() < 0.5:  # an inline ad / embed in the middle of the text
        k = len(paras) // 2
        ps = body.split("\n")
        ps.insert(k, '<div class="ad-slot" data-ad="inline"><script>window.ads&&ads.push("mid")</script></div>')
        body = "\n".join(ps)
    charset = "windows-1251" if enc == "windows-1251" else "utf-8"
    html = """<!DOCTYPE html>
<html lang="%(lang)s">
<head>
<meta charset="%(charset)s">
<title>%(title)s | %(name)s</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="%(desc)s">
<meta property="og:title" content="%(title)s">
<meta property="og:type" content="article">
<meta property="og:url" content="%(url)s">
<meta property="og:site_name" content="%(name)s">
<meta property="article:published_time" content="%(iso)s">
<meta name="author" content="%(author)s">
<link rel="canonical" href="%(url)s">
<link rel="stylesheet" href="/static/site.css?v=%(f)d">
<script async src="/static/analytics.js"></script>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"%(jtitle)s","datePublished":"%(iso)s"}</script>
</head>
<body class="article-page">
<div class="topbar"><span class="date">%(date)s</span><a href="/login">Log in</a> <a href="/subscribe">Subscribe</a></div>
<header class="site-header"><a class="logo" href="/">%(name)s</a>
<nav class="main-nav"><ul>
%(nav)s
</ul></nav>
<form class="search" action="/search"><input name="q" placeholder="Search"></form>
</header>
<div class="breadcrumbs"><a href="/">%(home)s</a> &rsaquo; <a href="/section/politics">%(nav0)s</a></div>
<main>
<article class="post">
<h1 class="entry-title">%(title)s</h1>
<div class="byline">By <a rel="author" href="/author/%(f)d">%(author)s</a> &middot; <time datetime="%(iso)s">%(date)s</time></div>
<figure class="lead"><img src="/img/lead-%(f)d-%(i)d.jpg" alt=""><figcaption>%(cap)s</figcaption></figure>
<div class="entry-content">
%(body)s
</div>
<div class="share"><a href="#">Facebook</a> <a href="#">Telegram</a> <a href="#">X</a> <a href="#">Email</a></div>
<div class="tags"><a href="/tag/politics">politics</a> <a href="/tag/region">region</a></div>
</article>
<aside class="related"><h2>%(related_h)s</h2><ul>
%(related)s
</ul></aside>
<aside class="most-read"><h2>%(most_h)s</h2><ol>
%(most)s
</ol></aside>
</main>
<section class="newsletter"><h3>%(news)s</h3><form action="/newsletter"><input type="email" name="email"><button>OK</button></form></section>
<footer class="site-footer"><ul>
%(foot)s
</ul><p>&copy; 2026 %(name)s. %(rights)s</p></footer>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());</script>
</body>
</html>
""" % dict(lang=lang, charset=charset, title=esc(head), name=esc(name), desc=esc(paras[0][:150]), url=url,
           iso=iso(t), author=esc(author), f=f, i=i, jtitle=head.replace('"', "'"), date=rfc822(t)[:16],
           nav=nav, home=L["home"], nav0=L["nav"][1], cap=esc(paras[-1][:90]), body=body,
           related_h=L["related"], related="\n".join(related), most_h=L["most"], most=most,
           news=L["news"], foot=foot, rights=L["rights"])
    return html


def feed_xml(c, f, arts):
    fmt, lang, enc = c.kinds[f]
    name = esc(outlet(f))
    site = "%s/site/%05d/" % (c.a.base, f)
    self_url = c.url_feed(f)
    out = []
    decl = '<?xml version="1.0" encoding="%s"?>\n' % enc
    if fmt == "rss":
        full = random.Random(f * 11 + 5).random() < 0.25  # some outlets publish full text
        out.append(decl + '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
                   'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                   'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
                   '<title>%s</title>\n<link>%s</link>\n<description>Latest news from %s</description>\n'
                   '<language>%s</language>\n<atom:link href="%s" rel="self" type="application/rss+xml"/>\n'
                   '<ttl>15</ttl>\n' % (name, site, name, lang, self_url))
        for i, (head, paras, dup, t, author) in enumerate(arts):
            link = c.url_article(f, i)
            content = ""
            if full:
                content = "<content:encoded><![CDATA[%s]]></content:encoded>\n" % "".join(
                    "<p>%s</p>" % esc(p) for p in paras[:3])
            out.append('<item>\n<title>%s</title>\n<link>%s</link>\n<guid isPermaLink="true">%s</guid>\n'
                       '<pubDate>%s</pubDate>\n<dc:creator>%s</dc:creator>\n<category>Politics</category>\n'
                       '<category>Region</category>\n<description>%s</description>\n%s</item>\n'
                       % (esc(head), link, link, rfc822(t), esc(author), esc(summary_html(paras)), content))
        out.append("</channel>\n</rss>\n")
    elif fmt == "atom":
        out.append(decl + '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="%s">\n<title>%s</title>\n'
                   '<link href="%s"/>\n<link rel="self" href="%s"/>\n<id>urn:presswatch-bench:%d</id>\n'
                   '<updated>%s</updated>\n' % (lang, name, site, self_url, f, iso(arts[0][3] if arts else BASE_TIME)))
        for i, (head, paras, dup, t, author) in enumerate(arts):
            link = c.url_article(f, i)
            out.append('<entry>\n<title>%s</title>\n<link rel="alternate" type="text/html" href="%s"/>\n'
                       '<id>urn:presswatch-bench:%d:%d</id>\n<published>%s</published>\n<updated>%s</updated>\n'
                       '<author><name>%s</name></author>\n<category term="politics"/>\n'
                       '<summary type="html">%s</summary>\n</entry>\n'
                       % (esc(head), link, f, i, iso(t), iso(t + 60), esc(author), esc(summary_html(paras))))
        out.append("</feed>\n")
    else:
        out.append(decl + '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                   'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
                   '<channel rdf:about="%s">\n<title>%s</title>\n<link>%s</link>\n'
                   '<description>Latest news from %s</description>\n<dc:language>%s</dc:language>\n'
                   '<items><rdf:Seq>\n%s</rdf:Seq></items>\n</channel>\n'
                   % (self_url, name, site, name, lang,
                      "".join('<rdf:li rdf:resource="%s"/>\n' % c.url_article(f, i) for i in range(len(arts)))))
        for i, (head, paras, dup, t, author) in enumerate(arts):
            link = c.url_article(f, i)
            out.append('<item rdf:about="%s">\n<title>%s</title>\n<link>%s</link>\n<dc:date>%s</dc:date>\n'
                       '<dc:creator>%s</dc:creator>\n<description>%s</description>\n</item>\n'
                       % (link, esc(head), link, iso(t), esc(author), esc(paras[0][:400])))
        out.append("</rdf:RDF>\n")
    return "".join(out)


def write(path, text, enc):
    data = text.encode("cp1251" if enc == "windows-1251" else "utf-8", errors="xmlcharrefreplace")
    with open(path, "wb") as fh:
        fh.write(data)
    return len(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--base", required=True, help="URL prefix the corpus is served under")
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--no-articles", action="store_true", help="feeds only (the idle/10k corpus)")
    a = ap.parse_args()
    a.base = a.base.rstrip("/")
    c = Corpus(a)
    os.makedirs(os.path.join(a.out, "f"), exist_ok=True)
    stats = dict(feeds=a.feeds, items=a.feeds * a.items, seed=a.seed, base=a.base, feed_bytes=0,
                 article_pages=0, article_bytes=0, near_duplicates=0, formats={}, languages={},
                 encodings={})
    for f in range(a.feeds):
        fmt, lang, enc = c.kinds[f]
        for key, val in (("formats", fmt), ("languages", lang), ("encodings", enc)):
            stats[key][val] = stats[key].get(val, 0) + 1
        arts = [c.article(f, i) for i in range(a.items)]
        stats["near_duplicates"] += sum(1 for x in arts if x[2] is not None)
        stats["feed_bytes"] += write(os.path.join(a.out, "f", "%05d.xml" % f), feed_xml(c, f, arts), enc)
        if not a.no_articles:
            d = os.path.join(a.out, "a", "%05d" % f)
            os.makedirs(d, exist_ok=True)
            for i, art in enumerate(arts):
                stats["article_bytes"] += write(os.path.join(d, "%02d.html" % i), page_html(c, f, i, art), enc)
                stats["article_pages"] += 1
    with open(os.path.join(a.out, "urls.txt"), "w") as fh:
        for f in range(a.feeds):
            fh.write(c.url_feed(f) + "\n")
    with open(os.path.join(a.out, "manifest.json"), "w") as fh:
        json.dump(stats, fh, indent=1, sort_keys=True)
        fh.write("\n")
    print("gen_corpus: %(feeds)d feeds, %(items)d items (%(near_duplicates)d near-duplicates), "
          "%(feed_bytes)d feed bytes, %(article_pages)d pages / %(article_bytes)d bytes" % stats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
