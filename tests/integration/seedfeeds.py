#!/usr/bin/env python3
"""Builds the web site of the seed scenario for presswatch's integration tests (stdlib only).

  seedfeeds.py feeds MANIFEST PAGES WWW BASE [--only FEED,...] [--skip FEED,...]
      Copies the pages named in MANIFEST (FEED<TAB>PAGE<TAB>TITLE<TAB>TEASER lines) from PAGES
      to WWW/pages/ and writes WWW/feeds/FEED.xml (RSS 2.0) for each feed: entries newest first,
      published within the last hours (so that they are "new" for [alerts] max_age), linking to
      BASE/pages/PAGE, with the teaser as description.
  seedfeeds.py wrap-seeds SEEDS OUT
      Wraps the seed articles (../shared/seeds/NNN_*.txt: text as copied from the outlets' pages,
      chrome included) into HTML pages OUT/seedNNN.html, putting the chrome back where it was
      on the page (menu "close" button, photo credits as captions, breadcrumbs, "See Also" and
      "Latest news" blocks), and writes OUT/feeds.txt, a MANIFEST for `feeds`.
"""
import email.utils
import glob
import html
import os
import re
import shutil
import sys
import time

E = html.escape


def read_manifest(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            feed, page, title, teaser = line.split("\t")
            rows.append((feed, page, title, teaser))
    return rows


def cmd_feeds(args):
    manifest, pages, www, base = args[:4]
    only = skip = None
    rest = args[4:]
    while rest:
        opt, val = rest[0], rest[1]
        rest = rest[2:]
        if opt == "--only":
            only = set(val.split(","))
        elif opt == "--skip":
            skip = set(val.split(","))
    os.makedirs(os.path.join(www, "pages"), exist_ok=True)
    os.makedirs(os.path.join(www, "feeds"), exist_ok=True)
    feeds = {}
    for feed, page, title, teaser in read_manifest(manifest):
        if (only and feed not in only) or (skip and feed in skip):
            continue
        shutil.copy(os.path.join(pages, page), os.path.join(www, "pages", page))
        feeds.setdefault(feed, []).append((page, title, teaser))
    now = time.time()
    for feed, entries in feeds.items():
        out = ['<?xml version="1.0" encoding="utf-8"?>', '<rss version="2.0"><channel>',
               f"<title>{E(feed)}</title><link>{E(base)}/</link><language>en</language>"]
        # manifest order is oldest first; feeds list newest first
        for i, (page, title, teaser) in reversed(list(enumerate(entries))):
            date = email.utils.formatdate(now - 3600 * (len(entries) - i), usegmt=True)
            out.append(f"<item><guid isPermaLink=\"false\">{E(feed)}/{E(page)}</guid>"
                       f"<link>{E(base)}/pages/{E(page)}</link><title>{E(title)}</title>"
                       f"<pubDate>{date}</pubDate><description>{E('<p>' + E(teaser) + '</p>')}</description></item>")
        out.append("</channel></rss>")
        with open(os.path.join(www, "feeds", feed + ".xml"), "w", encoding="utf-8") as f:
            f.write("\n".join(out) + "\n")
    return 0


# --- the real seeds ---------------------------------------------------------------------------
# 000 starts with its lead (its page title was not copied): give it one in the outlet's words.
SEED_TITLES = {"000": "Russia criticises Azerbaijan for condemning ‘sham elections’ in occupied Ukraine"}
SEED_FEEDS = {"000": "ocmedia", "001": "regional", "002": "caucasus", "003": "jamnews", "004": "azeri"}


def is_credit(line):
    return bool(re.search(r"\b[Pp]hoto:\s", line))


def wrap_seed(num, text):
    lines = [l.strip() for l in text.split("\n")]
    lines = [l for l in lines if l]
    top, body, aside, aside_title, bottom = [], [], [], None, []
    title = SEED_TITLES.get(num)
    if lines and lines[0] == "close":
        top.append('<div class="mobile-menu"><span class="menu-close">close</span>'
                   '<ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></div>')
        lines = lines[1:]
    if title is None:
        title, lines = lines[0], lines[1:]
    i = 0
    while i < len(lines):
        l = lines[i]
        if l in ("See Also", "Latest news"):
            aside_title = l
            for item in lines[i + 1:]:
                if item.startswith("Latest news") and item != "Latest news":
                    item = item[len("Latest news"):]
                if re.fullmatch(r"\d{1,2}\.\w{3}\.\d{4}", item):
                    aside.append(f'<span class="date">{E(item)}</span>')
                elif re.fullmatch(r"\d{1,2} \w{3} \d{4}", item):
                    bottom.append(f'<div class="post-date">{E(item)}</div>')
                else:
                    aside.append(f'<a href="/news/{len(aside)}">{E(item)}</a>')
            break
        if is_credit(l):
            body.append(f'<figure><img src="/img/{i}.jpg" alt=""><figcaption>{E(l)}</figcaption></figure>')
        elif l.startswith("Главная") or l.startswith("Home"):
            bottom.append(f'<div class="breadcrumbs"><a href="/">Главная</a><a href="/news">News</a>'
                          f'<span>{E(l[len("ГлавнаяNews"):] if l.startswith("ГлавнаяNews") else l)}</span></div>')
        elif len(l) < 60 and l[0] in "“\"«" and l[-1] in "”\"»":
            body.append(f"<h2>{E(l)}</h2>")
        else:
            body.append(f"<p>{E(l)}</p>")
        i += 1
    aside_html = ""
    if aside_title:
        aside_html = (f'<aside class="sidebar"><h3>{E(aside_title)}</h3><ul>'
                      + "".join(f"<li>{a}</li>" for a in aside) + "</ul></aside>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{E(title)}</title>
<meta property="og:title" content="{E(title)}"></head>
<body>
<header class="site-header"><a class="logo" href="/">Outlet</a>
<nav class="menu"><a href="/news">News</a> <a href="/politics">Politics</a> <a href="/region">Region</a></nav></header>
{"".join(top)}
<main><article><h1>{E(title)}</h1>
<div class="entry-content">
{chr(10).join(body)}
<div class="share">Share: <a href="#">Facebook</a> <a href="#">Telegram</a></div>
</div></article>
{aside_html}
{"".join(bottom)}
</main>
<footer class="site-footer">All rights reserved.</footer>
</body></html>
"""
    first = re.sub(r"<[^>]+>", "", next(b for b in body if b.startswith("<p>")))
    teaser = html.unescape(first).split(". ")[0].rstrip(".") + "."
    return title, page, teaser


def cmd_wrap_seeds(args):
    seeds, out = args[:2]
    os.makedirs(out, exist_ok=True)
    rows = []
    for path in sorted(glob.glob(os.path.join(seeds, "[0-9][0-9][0-9]_*.txt"))):
        num = os.path.basename(path)[:3]
        with open(path, encoding="utf-8") as f:
            title, page, teaser = wrap_seed(num, f.read())
        name = f"seed{num}.html"
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(page)
        rows.append((SEED_FEEDS.get(num, "seeds" + num), name, title, teaser))
    # the later copy: 000 republished by a fourth outlet
    if os.path.exists(os.path.join(out, "seed000.html")):
        with open(os.path.join(out, "seed000.html"), encoding="utf-8") as f:
            page = f.read().replace('<a class="logo" href="/">Outlet</a>', '<a class="logo" href="/">Mirror</a>')
        with open(os.path.join(out, "seed000-copy.html"), "w", encoding="utf-8") as f:
            f.write(page)
        rows.append(("mirror", "seed000-copy.html", rows[0][2], "Republished."))
    with open(os.path.join(out, "feeds.txt"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write("\t".join(x.replace("\t", " ") for x in r) + "\n")
    return 0


def main():
    if len(sys.argv) >= 6 and sys.argv[1] == "feeds":
        return cmd_feeds(sys.argv[2:])
    if len(sys.argv) == 4 and sys.argv[1] == "wrap-seeds":
        return cmd_wrap_seeds(sys.argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
