#!/usr/bin/env python3
"""Extraction quality on Mozilla Readability's test pages (TAP).

For every $PW_SHARED/corpora/readability/<case>/source.html: run `presswatch extract`, compute
the bag-of-words token F1 of our text against the visible text of expected.html, and compare
title / author / published with expected-metadata.json.  Per-page figures are TAP diagnostics;
the assertions are: no page crashes the extractor (one test per page), and the median F1 stays
above a floor set a little under what the extractor reaches today.  Skips (saying so) when the
corpus is absent.

Environment: top_builddir (the presswatch binary), PW_SHARED.  Optional: PW_QUALITY_VERBOSE=1
prints every page's tokens missing/extra (top 10) for tuning.
"""
import collections
import datetime
import html.parser
import json
import os
import re
import statistics
import subprocess
import sys

MEDIAN_F1_FLOOR = float(os.environ.get("PW_F1_FLOOR", "0.99"))
PAGE_URL = "http://fakehost/test/page.html"  # the URL Readability's own tests use

TOKEN = re.compile(r"\w+", re.UNICODE)


class Visible(html.parser.HTMLParser):
    """Visible text of an HTML fragment (script/style/template content skipped)."""

    SKIP = {"script", "style", "template", "noscript", "head", "title"}
    # Tags that break words when rendered; inline ones (<b>, <a>, <span>...) do not.
    BLOCK = {"address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl",
             "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
             "h5", "h6", "header", "hr", "img", "li", "main", "nav", "ol", "p", "pre", "section",
             "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "iframe", "video"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        if tag in self.BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        if tag in self.BLOCK:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(markup):
    p = Visible()
    p.feed(markup)
    p.close()
    return "".join(p.parts)


def tokens(text):
    return [t.lower() for t in TOKEN.findall(text or "")]


def f1(got, want):
    g, w = collections.Counter(got), collections.Counter(want)
    common = sum((g & w).values())
    if not g and not w:
        return 1.0
    if not common:
        return 0.0
    prec, rec = common / sum(g.values()), common / sum(w.values())
    return 2 * prec * rec / (prec + rec)


def norm(s):
    return " ".join((s or "").lower().split())


def parse_date(s):
    if not s:
        return None
    s = s.strip().replace(" ", "T", 1)
    s = re.sub(r"\.\d+", "", s)
    s = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", s)
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
                "%Y-%m-%d"):
        try:
            d = datetime.datetime.strptime(s, fmt)
        except ValueError:
            continue
        if d.tzinfo is None:
            d = d.replace(tzinfo=datetime.timezone.utc)
        return d
    return None


def main():
    shared = os.environ.get("PW_SHARED", "")
    corpus = os.path.join(shared, "corpora", "readability")
    if not shared or not os.path.isdir(corpus):
        print("1..0 # SKIP Readability corpus not found at %s" % (corpus or "$PW_SHARED"))
        return 0
    exe = os.path.join(os.environ.get("top_builddir", "."), "cli", "presswatch")
    cases = sorted(d for d in os.listdir(corpus)
                   if os.path.isfile(os.path.join(corpus, d, "source.html")))
    verbose = os.environ.get("PW_QUALITY_VERBOSE") == "1"
    n = 0
    failed = 0
    scores = []
    meta = {k: [0, 0] for k in ("title", "title-but-site-suffix", "author", "published")}  # [agree, expected]
    for case in cases:
        d = os.path.join(corpus, case)
        proc = subprocess.run([exe, "extract", "--url", PAGE_URL, os.path.join(d, "source.html")],
                              capture_output=True, timeout=60)
        n += 1
        # Exit 0 with JSON, or 1 with one message line: anything else is a crash.
        crashed = proc.returncode not in (0, 1) or (proc.returncode == 1 and not proc.stderr)
        out = {}
        if proc.returncode == 0:
            try:
                out = json.loads(proc.stdout.decode("utf-8"))
            except ValueError:
                crashed = True
        if crashed:
            failed += 1
            print("not ok %d - %s: extract crashed or printed bad JSON (exit %d)"
                  % (n, case, proc.returncode))
            continue
        with open(os.path.join(d, "expected.html"), encoding="utf-8") as f:
            want = tokens(visible_text(f.read()))
        got = tokens(out.get("text"))
        score = f1(got, want)
        scores.append(score)
        print("ok %d - %s: extracted (F1 %.3f, %d/%d tokens)" % (n, case, score, len(got), len(want)))
        if verbose and score < 0.95:
            g, w = collections.Counter(got), collections.Counter(want)
            print("#   missing: %s" % " ".join(k for k, _ in (w - g).most_common(12)))
            print("#   extra:   %s" % " ".join(k for k, _ in (g - w).most_common(12)))
        try:
            with open(os.path.join(d, "expected-metadata.json"), encoding="utf-8") as f:
                em = json.load(f)
        except (OSError, ValueError):
            em = {}
        marks = []
        if em.get("title"):
            meta["title"][1] += 1
            ok = norm(out.get("title")) == norm(em["title"])
            meta["title"][0] += ok
            # Readability keeps " | Site" / " - Site" suffixes that presswatch strips on purpose.
            got_t, want_t = norm(out.get("title")), norm(em["title"])
            meta["title-but-site-suffix"][1] += 1
            meta["title-but-site-suffix"][0] += ok or bool(
                got_t and want_t.startswith(got_t)
                and re.match(r"\s*[|\-–—·»:\[_(]", want_t[len(got_t):]))
            marks.append("title %s" % ("=" if ok else "!= %r" % out.get("title")))
        if em.get("byline"):
            meta["author"][1] += 1
            a, b = norm(out.get("author")), norm(em["byline"])
            ok = bool(a) and (a == b or a in b or b in a)
            meta["author"][0] += ok
            marks.append("author %s" % ("=" if ok else "%r vs %r" % (out.get("author"), em["byline"])))
        if em.get("publishedTime"):
            meta["published"][1] += 1
            want_d, got_d = parse_date(em["publishedTime"]), parse_date(out.get("published"))
            ok = want_d is not None and got_d is not None and want_d == got_d
            meta["published"][0] += ok
            marks.append("published %s" % ("=" if ok else "%s vs %s" % (out.get("published"), em["publishedTime"])))
        if marks:
            print("#   " + "; ".join(marks))

    med = statistics.median(scores) if scores else 0.0
    mean = statistics.mean(scores) if scores else 0.0
    print("# pages: %d, median F1 %.4f, mean F1 %.4f, pages with F1 >= 0.9: %d"
          % (len(scores), med, mean, sum(s >= 0.9 for s in scores)))
    for k, (agree, total) in meta.items():
        print("# %s agreement: %d/%d (%.1f%%)" % (k, agree, total, 100.0 * agree / total if total else 0))
    n += 1
    if med >= MEDIAN_F1_FLOOR:
        print("ok %d - median token F1 %.4f >= floor %.2f" % (n, med, MEDIAN_F1_FLOOR))
    else:
        failed += 1
        print("not ok %d - median token F1 %.4f below floor %.2f" % (n, med, MEDIAN_F1_FLOOR))
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
