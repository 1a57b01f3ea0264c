#!/usr/bin/env python3
"""Conformance of `presswatch parse-feed` against the Universal Feed Parser test corpus.

Runs every file of $PW_SHARED/corpora/feedparser through `presswatch parse-feed` (passing the
case's HTTP headers as the fetcher would: charset -> --charset, Content-Location -> --base,
Content-Language -> --language), maps the JSON to feedparser's key names and evaluates the
case's `Expect` expression.  Prints TAP:
  1. no file crashes, hangs or triggers a sanitizer report;
  2. the pass rate over checkable expectations of well-formed feeds stays above FLOOR.
The per-folder table (files / checkable / passed) and the reasons for non-checkable cases are
TAP diagnostics.

A case is *checkable* when every key its expression reads has a counterpart in presswatch's
output.  Mapped: bozo (exit status or "not well-formed (recovered)" on stderr), version,
feed title/link/language/ttl, entry id/guid/link/title/summary/description/content[i].value/
author/published_parsed/updated_parsed/tags[i].term/category/enclosures[i].href/language,
and title_detail/summary_detail 'value'.  Not mapped (so a case reading them is not
checkable): the source `encoding`, raw date strings (presswatch normalises dates), *_detail
type/base/language, links lists, author_detail, contributors, source, rights, generator,
image, cloud, namespaces, headers, and other keys presswatch does not keep.
Titles: presswatch stores titles as plain text where feedparser keeps HTML, so a title
expectation passes when presswatch's title equals the expected value or its text rendering.
Summary and content: presswatch stores them as HTML, a plain-text construct escaped, where
feedparser keeps a plain-text value as it is, so they pass when equal to the expected value
or to its escaped form.

Usage: feedparser.py [-v] [CORPUS_DIR]   (environment: top_builddir, PW_SHARED)
"""
import ast
import calendar
import concurrent.futures
import html
import json
import os
import re
import subprocess
import sys
import time

FLOOR = 0.95  # pass-rate floor over checkable well-formed expectations (96.4% measured, minus a margin)
TIMEOUT = 20

VERSIONS = {
    'rss2.0': 'rss20', 'rss0.92': 'rss092', 'rss0.93': 'rss093', 'rss0.94': 'rss094',
    'rss0.90': 'rss090', 'rss1.0': 'rss10', 'atom1.0': 'atom10', 'atom0.3': 'atom03', 'rss': 'rss',
}


class Unmapped(Exception):
    """The expression reads a key presswatch has no counterpart for."""


class Missing(Exception):
    pass


class M(dict):
    """A mapped dict: known-but-absent keys raise KeyError, unknown keys raise Unmapped."""

    def __init__(self, known, values, where):
        super().__init__({k: v for k, v in values.items() if v is not None})
        self._known = set(known)
        self._where = where

    def __missing__(self, key):
        if key in self._known:
            raise KeyError(key)
        raise Unmapped('%s[%r]' % (self._where, key))

    def __contains__(self, key):
        if key not in self._known:
            raise Unmapped('%s[%r]' % (self._where, key))
        return dict.__contains__(self, key)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def has_key(self, key):
        return key in self

    def __getattr__(self, name):
        # feedparser's FeedParserDict: d.key is d['key']
        if name.startswith('_'):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)


class AnyOf(str):
    """A value that compares equal to any of several spellings (e.g. rss091u / rss091n)."""

    def __new__(cls, first, *others):
        s = super().__new__(cls, first)
        s.others = (first,) + others
        return s

    def __eq__(self, other):
        return other in self.others

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__


def html_to_text(s):
    s = re.sub(r'<[^>]*>', ' ', s)
    s = html.unescape(s)
    return re.sub(r'[ \t\r\n]+', ' ', s).strip()


class Title(str):
    """presswatch's plain-text title: equal to the expected value or to its text rendering."""

    def __eq__(self, other):
        if not isinstance(other, str):
            return False
        return str.__eq__(self, other) or str.__eq__(self, html_to_text(other))

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__


class Html(str):
    """presswatch's summary / content, always HTML: a plain-text construct is stored escaped
    (feed_parse.h), where feedparser keeps the text itself.  Equal to the expected value, or
    to its escaped form: '<' '>' '&' as &lt; &gt; &amp;, nothing else changed."""

    def __eq__(self, other):
        if not isinstance(other, str):
            return False
        return str.__eq__(self, other) or str.__eq__(self, html.escape(other, quote=False))

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__


def html_field(value):
    return Html(value) if value is not None else None


def parse_time(iso):
    if iso is None:
        return None
    return time.gmtime(calendar.timegm(time.strptime(iso, '%Y-%m-%dT%H:%M:%SZ')))


def detail(value, where):
    return M(['value'], {'value': value}, where)


def map_output(doc, bozo):
    f = doc['feed']
    title = Title(f['title']) if f['title'] is not None else None
    feed = M(['title', 'title_detail', 'link', 'language', 'ttl'], {
        'title': title,
        'title_detail': detail(title, 'feed.title_detail') if title is not None else None,
        'link': f['link'],
        'language': f['language'],
        'ttl': str(f['ttl'] // 60) if f['ttl'] else None,
    }, 'feed')
    entries = []
    for it in doc['items']:
        t = Title(it['title']) if it['title'] is not None else None
        guid = it['guid'] if not it['guid'].startswith('sha1:') else None
        upd = it['updated'] or it['published']  # feedparser falls back the same way
        entries.append(M(['id', 'guid', 'link', 'title', 'title_detail', 'summary', 'description',
                          'summary_detail', 'content', 'author', 'published_parsed', 'updated_parsed',
                          'tags', 'category', 'enclosures', 'language'], {
            'id': guid, 'guid': guid, 'link': it['link'], 'title': t,
            'title_detail': detail(t, 'entry.title_detail') if t is not None else None,
            'summary': html_field(it['summary'] or it['content']),
            'description': html_field(it['summary'] or it['content']),
            'summary_detail': detail(html_field(it['summary'] or it['content']), 'entry.summary_detail')
            if (it['summary'] or it['content']) else None,
            'content': [detail(html_field(it['content']), 'entry.content[]')] if it['content'] is not None else None,
            'author': it['author'],
            'published_parsed': parse_time(it['published']),
            'updated_parsed': parse_time(upd),
            'tags': [M(['term'], {'term': c}, 'entry.tags[]') for c in it['categories']] or None,
            'category': it['categories'][0] if it['categories'] else None,
            'enclosures': [M(['href'], {'href': u}, 'entry.enclosures[]') for u in it['enclosures']],
            'language': it['language'],
        }, 'entry'))
    fmt = f['format']
    version = AnyOf('rss091u', 'rss091n') if fmt == 'rss0.91' else VERSIONS.get(fmt, fmt or '')
    return M(['bozo', 'feed', 'entries', 'version'],
             {'bozo': bozo, 'feed': feed, 'entries': entries, 'version': version}, 'result')


ALLOWED = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub,
           ast.Compare, ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot, ast.Lt, ast.Gt,
           ast.LtE, ast.GtE, ast.Subscript, ast.Index if hasattr(ast, 'Index') else ast.Constant,
           ast.Constant, ast.Name, ast.Load, ast.Tuple, ast.List, ast.Dict, ast.Call, ast.Slice,
           ast.Attribute)
METHODS = ('get', 'has_key')
SAFE_CALLS = {'len': len, 'str': str, 'int': int, 'tuple': tuple, 'list': list}


MAPPED = {
    'bozo', 'version', 'feed', 'entries',
    'feed.title', 'feed.title_detail', 'feed.title_detail.value', 'feed.link', 'feed.language', 'feed.ttl',
}
for _k in ('id', 'guid', 'link', 'title', 'title_detail', 'title_detail.value', 'summary', 'description',
           'summary_detail', 'summary_detail.value', 'content', 'content.#', 'content.#.value', 'author',
           'published_parsed', 'updated_parsed', 'tags', 'tags.#', 'tags.#.term', 'category',
           'enclosures', 'enclosures.#', 'enclosures.#.href', 'language'):
    MAPPED.add('entries.#.' + _k)
MAPPED.add('entries.#')


def path_of(node):
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute) and node.attr not in METHODS:
        base = path_of(node.value)
        return base + [node.attr] if base is not None else None
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in METHODS
            and node.args and isinstance(node.args[0], ast.Constant)):
        base = path_of(node.func.value)
        return base + [str(node.args[0].value)] if base is not None else None
    if isinstance(node, ast.Subscript):
        base = path_of(node.value)
        if base is None:
            return None
        sl = node.slice.value if hasattr(ast, 'Index') and isinstance(node.slice, ast.Index) else node.slice
        if isinstance(sl, ast.Constant) and isinstance(sl.value, str):
            return base + [sl.value]
        return base + ['#']
    return None


def check_paths(tree):
    """Raises Unmapped when the expression reads a key presswatch has no counterpart for,
    even where evaluation would stop earlier on an absent value."""
    def need(path):
        if path and path[0] in SAFE_CALLS:
            return
        if path and '.'.join(path) not in MAPPED:
            raise Unmapped('.'.join(path))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Subscript, ast.Name, ast.Attribute, ast.Call)):
            need(path_of(node))
        if isinstance(node, ast.Compare):
            sides = [node.left] + list(node.comparators)
            for i, op in enumerate(node.ops):
                a, b = sides[i], sides[i + 1]
                if isinstance(op, (ast.In, ast.NotIn)) and isinstance(a, ast.Constant) and isinstance(a.value, str):
                    pb = path_of(b)
                    if pb:
                        need(pb + [a.value])
                for x, y in ((a, b), (b, a)):
                    px = path_of(x)
                    if px and isinstance(y, ast.Dict):
                        for k in y.keys:
                            if isinstance(k, ast.Constant):
                                need(px + [str(k.value)])


def compile_expect(expr):
    """Parses an Expect expression, allowing only comparisons, subscripts and literals."""
    tree = ast.parse(expr.strip(), mode='eval')
    for node in ast.walk(tree):
        if not isinstance(node, ALLOWED):
            raise ValueError('disallowed syntax %s' % type(node).__name__)
        if isinstance(node, ast.Attribute) and node.attr.startswith('_'):
            raise ValueError('disallowed attribute')
        if isinstance(node, ast.Call) and not (
                (isinstance(node.func, ast.Name) and node.func.id in SAFE_CALLS) or
                (isinstance(node.func, ast.Attribute) and node.func.attr in METHODS)):
            raise ValueError('disallowed call')
    check_paths(tree)
    return compile(tree, '<expect>', 'eval')


class Env(dict):
    def __missing__(self, key):
        if key in SAFE_CALLS:
            return SAFE_CALLS[key]
        raise Unmapped(key)


def skip_unless_ok(cond):
    """SkipUnless holds Python; only the module/codec availability forms are understood."""
    m = re.fullmatch(r"\s*__import__\(['\"]([\w.]+)['\"]\)(?:\.lookup\(['\"]([\w.-]+)['\"]\))?\s*", cond)
    if not m:
        return False
    try:
        mod = __import__(m.group(1))
        if m.group(2):
            mod.lookup(m.group(2))
        return True
    except Exception:
        return False


def read_header(path):
    with open(path, 'rb') as fh:
        raw = fh.read()
    text = raw.decode('utf-8', 'replace')
    if '\x00' in text:
        for enc in ('utf-16', 'utf-32'):
            try:
                text = raw.decode(enc)
                break
            except Exception:
                pass
    m = re.search(r'<!--(.*?)-->', text, re.S)
    hdr = {'Header': [], 'Expect': None, 'SkipUnless': None, 'Description': ''}
    if m:
        for line in m.group(1).splitlines():
            mm = re.match(r'\s*(\w+):\s*(.*)$', line)
            if mm and mm.group(1) in hdr:
                if mm.group(1) == 'Header':
                    hdr['Header'].append(mm.group(2).strip())
                else:
                    hdr[mm.group(1)] = mm.group(2).strip()
    return hdr


def cli_args(headers):
    args = []
    for h in headers:
        name, _, value = h.partition(':')
        name = name.strip().lower()
        if name == 'content-type':
            m = re.search(r'charset\s*=\s*["\']?([^"\';\s]+)', value, re.I)
            if m:
                args += ['--charset', m.group(1)]
        elif name == 'content-location':
            args += ['--base', value.strip()]
        elif name == 'content-language':
            args += ['--language', value.strip().split(',')[0].strip()]
    return args


SANITIZER = re.compile(r'ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer|ERROR: UndefinedBehaviorSanitizer')


def run_case(binary, corpus, rel):
    path = os.path.join(corpus, rel)
    hdr = read_header(path)
    extra = cli_args(hdr['Header'])
    if os.path.basename(rel).startswith('http_') and '--base' not in extra:
        # feedparser's suite fetched these from its test server: that URL is the feed URL
        extra += ['--base', 'http://127.0.0.1:8097/tests/' + rel.replace(os.sep, '/')]
    args = [binary, 'parse-feed'] + extra + [path]
    res = {'rel': rel, 'folder': folder_of(rel), 'crash': None, 'state': None, 'why': None}
    try:
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        res['crash'] = 'timeout after %ds' % TIMEOUT
        return res
    err = p.stderr.decode('utf-8', 'replace')
    if p.returncode < 0 or p.returncode > 2 or SANITIZER.search(err):
        res['crash'] = 'exit %d: %s' % (p.returncode, err.strip().splitlines()[-1] if err.strip() else '')
        return res
    if p.returncode == 2:
        res['crash'] = 'usage error: ' + err.strip()
        return res
    if not hdr['Expect']:
        res['state'] = 'noexpect'
        return res
    if hdr['SkipUnless'] and not skip_unless_ok(hdr['SkipUnless']):
        res['state'] = 'unchecked'
        res['why'] = 'SkipUnless not met here'
        return res
    if p.returncode == 1:
        doc = {'feed': {'title': None, 'link': None, 'language': None, 'format': None, 'ttl': None}, 'items': []}
        bozo = True
    else:
        doc = json.loads(p.stdout.decode('utf-8'))
        bozo = 'not well-formed' in err
    env = Env(map_output(doc, bozo))
    try:
        code = compile_expect(hdr['Expect'])
    except (SyntaxError, ValueError) as e:
        res['state'] = 'unchecked'
        res['why'] = 'expression outside the safe subset (%s)' % e
        return res
    except Unmapped as e:
        res['state'] = 'unchecked'
        res['why'] = 'reads ' + str(e)
        return res
    try:
        ok = bool(eval(code, {'__builtins__': {}}, env))
    except Unmapped as e:
        res['state'] = 'unchecked'
        res['why'] = 'reads ' + re.sub(r"\[\d+\]", '[]', str(e))
        return res
    except (KeyError, IndexError, TypeError, AttributeError):
        ok = False
    res['state'] = 'pass' if ok else 'fail'
    return res


def folder_of(rel):
    parts = rel.split(os.sep)
    if parts[0] == 'wellformed' and len(parts) > 2:
        return 'wellformed/' + parts[1]
    if parts[0] == 'illformed':
        return 'illformed'
    return parts[0]


def main():
    verbose = '-v' in sys.argv
    argv = [a for a in sys.argv[1:] if a != '-v']
    shared = os.environ.get('PW_SHARED', os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared'))
    corpus = argv[0] if argv else os.path.join(shared, 'corpora', 'feedparser')
    builddir = os.environ.get('top_builddir', '.')
    binary = os.path.join(builddir, 'cli', 'presswatch')
    if not os.path.isdir(corpus):
        print('1..0 # SKIP feedparser corpus not found at %s' % corpus)
        return 0
    if not os.access(binary, os.X_OK):
        print('1..0 # SKIP %s not built' % binary)
        return 0
    files = []
    for root, _, names in os.walk(corpus):
        for n in names:
            if n.endswith('.xml'):
                files.append(os.path.relpath(os.path.join(root, n), corpus))
    files.sort()
    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as ex:
        results = list(ex.map(lambda r: run_case(binary, corpus, r), files))
    elapsed = time.time() - start

    print('1..2')
    crashes = [r for r in results if r['crash']]
    print('%s 1 - %d corpus files parsed without crash, hang or sanitizer report' %
          ('ok' if not crashes else 'not ok', len(files) - len(crashes)))
    for r in crashes:
        print('#   CRASH %s: %s' % (r['rel'], r['crash']))

    folders = sorted(set(r['folder'] for r in results))
    print('# %-28s %6s %9s %7s %7s' % ('folder', 'files', 'checkable', 'passed', 'rate'))
    tot = {'files': 0, 'check': 0, 'pass': 0}
    wf = {'check': 0, 'pass': 0}
    reasons = {}
    for fo in folders:
        rs = [r for r in results if r['folder'] == fo]
        check = [r for r in rs if r['state'] in ('pass', 'fail')]
        passed = [r for r in check if r['state'] == 'pass']
        rate = '%.1f%%' % (100.0 * len(passed) / len(check)) if check else '-'
        print('# %-28s %6d %9d %7d %7s' % (fo, len(rs), len(check), len(passed), rate))
        tot['files'] += len(rs)
        tot['check'] += len(check)
        tot['pass'] += len(passed)
        if fo.startswith('wellformed') or fo == 'entities':
            wf['check'] += len(check)
            wf['pass'] += len(passed)
        for r in rs:
            if r['state'] == 'unchecked':
                key = r['why']
                reasons[key] = reasons.get(key, 0) + 1
            if verbose and r['state'] == 'fail':
                print('#   FAIL %s' % r['rel'])
    print('# %-28s %6d %9d %7d %6.1f%%' % ('total', tot['files'], tot['check'], tot['pass'],
                                           100.0 * tot['pass'] / max(1, tot['check'])))
    print('# not checkable, by reason:')
    for why, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
        print('#   %4d  %s' % (n, why))
    rate = wf['pass'] / max(1, wf['check'])
    print('%s 2 - well-formed feeds: %d/%d checkable expectations pass (%.1f%%, floor %.0f%%)' %
          ('ok' if rate >= FLOOR else 'not ok', wf['pass'], wf['check'], 100 * rate, 100 * FLOOR))
    print('# %d files in %.1fs' % (len(files), elapsed))
    return 0


if __name__ == '__main__':
    sys.exit(main())
