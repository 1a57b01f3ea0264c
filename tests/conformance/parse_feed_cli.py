#!/usr/bin/env python3
"""`presswatch parse-feed` on every fixture in tests/fixtures/feeds/: the JSON shape of
DESIGN.md ("Machine-readable output"), exit codes (0 feed, 1 non-feed / unsafe / missing
file, 2 usage), standard input, and the --charset / --base / --language options.  TAP output.
"""
import json
import os
import re
import subprocess
import sys

top_srcdir = os.environ.get('top_srcdir', '.')
top_builddir = os.environ.get('top_builddir', '.')
BIN = os.path.join(top_builddir, 'cli', 'presswatch')
FIX = os.path.join(top_srcdir, 'tests', 'fixtures', 'feeds')

FEED_KEYS = ['title', 'link', 'language', 'format', 'ttl']
ITEM_KEYS = ['guid', 'link', 'title', 'summary', 'content', 'author', 'published', 'updated',
             'categories', 'language', 'enclosures']
ISO = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')
NOT_FEEDS = {'not_feed_page.html', 'not_feed.json', 'empty.xml', 'not_feed_xml.xml',
             'unsafe_entity_bomb.xml', 'unsafe_xxe.xml'}

n = 0
failed = 0


def ok(cond, msg, detail=None):
    global n, failed
    n += 1
    print('%s %d - %s' % ('ok' if cond else 'not ok', n, msg))
    if not cond:
        failed += 1
        if detail:
            for line in str(detail).splitlines()[:20]:
                print('#   ' + line)


def run(args, stdin=None):
    p = subprocess.run([BIN, 'parse-feed'] + args, input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout.decode('utf-8'), p.stderr.decode('utf-8', 'replace')


def shape_errors(doc):
    errs = []
    if list(doc.keys()) != ['feed', 'items']:
        errs.append('top-level keys %s' % list(doc.keys()))
    if list(doc['feed'].keys()) != FEED_KEYS:
        errs.append('feed keys %s' % list(doc['feed'].keys()))
    f = doc['feed']
    for k in ('title', 'link', 'language', 'format'):
        if f[k] is not None and not isinstance(f[k], str):
            errs.append('feed.%s type' % k)
    if f['ttl'] is not None and not (isinstance(f['ttl'], int) and f['ttl'] > 0):
        errs.append('feed.ttl %r' % f['ttl'])
    for i, it in enumerate(doc['items']):
        if list(it.keys()) != ITEM_KEYS:
            errs.append('item %d keys %s' % (i, list(it.keys())))
            continue
        if not isinstance(it['guid'], str) or not it['guid']:
            errs.append('item %d guid %r' % (i, it['guid']))
        for k in ('link', 'title', 'summary', 'content', 'author', 'language'):
            if it[k] is not None and not isinstance(it[k], str):
                errs.append('item %d %s type' % (i, k))
        for k in ('published', 'updated'):
            if it[k] is not None and not ISO.match(it[k]):
                errs.append('item %d %s %r' % (i, k, it[k]))
        for k in ('categories', 'enclosures'):
            if not isinstance(it[k], list) or not all(isinstance(x, str) for x in it[k]):
                errs.append('item %d %s %r' % (i, k, it[k]))
    return errs


def main():
    if not os.access(BIN, os.X_OK):
        print('1..0 # SKIP %s not built' % BIN)
        return 0
    names = sorted(os.listdir(FIX))
    for name in names:
        path = os.path.join(FIX, name)
        rc, out, err = run([path])
        if name in NOT_FEEDS:
            lines = err.strip().splitlines()
            ok(rc == 1 and out == '' and len(lines) == 1 and lines[0].startswith('presswatch: parse-feed: '),
               '%s: exit 1 with one message' % name, 'rc=%d stderr=%s' % (rc, err))
            continue
        try:
            doc = json.loads(out)
            errs = shape_errors(doc)
        except ValueError as e:
            doc, errs = None, ['invalid JSON: %s' % e]
        ok(rc == 0 and not errs, '%s: exit 0, DESIGN.md JSON shape' % name, 'rc=%d %s %s' % (rc, errs, err))
        if doc is not None:
            ok(out.count('\n') == 1 and out.endswith('\n'), '%s: one JSON object on one line' % name)
            ok(len(doc['items']) > 0 and doc['feed']['format'], '%s: has items and a format' % name)

    # standard input gives the same output as the file
    path = os.path.join(FIX, 'rss20_ocmedia.xml')
    with open(path, 'rb') as fh:
        data = fh.read()
    rc1, out1, _ = run([path])
    rc2, out2, _ = run(['-'], stdin=data)
    ok(rc2 == 0 and out1 == out2, 'stdin (-) gives the same output as the file')

    # options
    rc, out, _ = run(['--base', 'https://oc-media.example/feed/', path])
    doc = json.loads(out)
    ok(doc['items'][1]['link'] == 'https://oc-media.example/azerbaijan-armenia-border-commission/',
       '--base resolves relative links', doc['items'][1]['link'])
    ok(doc['items'][0]['published'] == '2024-12-03T18:20:00Z', 'dates are ISO 8601 UTC')
    ok(doc['feed']['ttl'] == 1200, 'ttl is in seconds')
    rc, out, _ = run(['--charset', 'windows-1251', os.path.join(FIX, 'rss20_ru_http_charset.xml')])
    doc = json.loads(out)
    ok(rc == 0 and doc['feed']['title'].startswith('Региональные новости'), '--charset overrides the XML declaration',
       doc['feed']['title'])
    rc, out, _ = run(['--language', 'ka', os.path.join(FIX, 'rss090_netscape.rdf')])
    doc = json.loads(out)
    ok(doc['feed']['language'] == 'ka' and doc['items'][0]['language'] == 'ka', '--language fills in a missing language')
    rc, out, err = run([os.path.join(FIX, 'rss20_broken_items.xml')])
    ok(rc == 0 and 'not well-formed (recovered)' in err and len(json.loads(out)['items']) == 3,
       'a recovered feed prints its items and says so on stderr', err)
    ok(json.loads(run([os.path.join(FIX, 'rss091_jamnews.xml')])[1])['feed']['ttl'] is None, 'absent ttl is null')

    # errors and usage
    rc, out, err = run([os.path.join(FIX, 'does-not-exist.xml')])
    ok(rc == 1 and 'does-not-exist.xml' in err, 'missing file: exit 1 naming the file', err)
    rc, out, err = run([])
    ok(rc == 2, 'no FILE: usage error (exit 2)', err)
    rc, out, err = run([path, path])
    ok(rc == 2, 'two FILEs: usage error (exit 2)', err)
    rc, out, err = run(['--bogus', path])
    ok(rc == 2, 'unknown option: usage error (exit 2)', err)
    rc, out, err = run(['--unsafe-check'], stdin=b'')
    ok(rc == 2, 'unknown long option: usage error (exit 2)', err)
    rc, out, err = run(['-'], stdin=b'{"items": []}')
    ok(rc == 1 and 'JSON' in err, 'JSON on stdin: exit 1, says JSON', err)

    print('1..%d' % n)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
