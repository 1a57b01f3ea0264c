#!/usr/bin/env python3
"""A small HTTP server for presswatch's integration tests and demo (python3 stdlib only).

Serves files from --root with ETag / Last-Modified and answers conditional requests with 304;
so do the generated feeds (items=, bigtitle=): their ETag is a hash of the body, their
Last-Modified the newest pubDate (the second they were made, with fresh=1).
It misbehaves on request, per path, through URL query parameters or a JSON control file
(re-read on every request) mapping a path to the same parameters:

  status=N           answer N with a short body (retry_after=V adds Retry-After: V)
  redirect=3xx&to=U  redirect (301/302/303/307/308) to U (a path or an absolute URL);
                     loop=1 redirects to itself forever
  delay=S            wait S seconds before answering
  drip=S             send the body a few bytes at a time, S seconds apart
                     (drip_bytes=N: N bytes per step, default 16)
  truncate=N         announce the whole Content-Length, send N bytes, close
  size=N             answer N bytes of filler (with Content-Length)
  endless=1          chunked filler until the client hangs up (bounded: 2 GiB / 5 min)
  gzip=1             gzip the body (when the client accepts it)
  hang=1             read the request, never answer (bounded: 5 min)
  ctype=T            override Content-Type
  gzipbomb=N         a feed whose gzip-encoded body inflates to N bytes (sent whatever the
                     client accepts; a few hundred KiB on the wire for N = 1 GiB)
  items=N            a generated RSS 2.0 feed of N items (guids <path>-1 .. <path>-N)
  bigtitle=N         a generated RSS 2.0 feed of one item whose title is N bytes long
  fresh=1            (with items=N) new guids every second: N items numbered from time*N
  links=P            (with items=N) item links point to path P on this server (?n=<number>)
  statement=1        (with items=N) each item is a distinct official statement on Karabakh
                     (speaker Hajizadeh), so each makes its own story and alert
  times=N            (control file only) the rule applies to the next N requests of the path

Every request is appended to --log as one tab-separated line, written (and flushed) before the
first byte of the answer is sent -- so a client that has its answer, or has exited, is always
in the log already, and a test may count the log as soon as the client is done:
  unix-time  method  path?query  If-None-Match  If-Modified-Since  status  User-Agent
('-' for absent values).  The port (0 = ephemeral) is printed on stdout and written to
--port-file once the socket is listening.  Binds 127.0.0.1 only.
"""
import argparse
import email.utils
import gzip
import hashlib
import json
import os
import posixpath
import random
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_ENDLESS = 2 << 30
MAX_WAIT = 300

CTYPES = {
    ".xml": "application/rss+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".rdf": "application/rdf+xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}


class State:
    def __init__(self, args):
        self.root = os.path.realpath(args.root)
        self.log = open(args.log, "a", buffering=1) if args.log else None
        self.control = args.control
        self.hits = {}
        self.lock = threading.Lock()

    def rule_for(self, path, query):
        rule = {}
        if self.control and os.path.exists(self.control):
            try:
                with open(self.control) as f:
                    rules = json.load(f)
            except (OSError, ValueError):
                rules = {}
            r = rules.get(path)
            if r:
                # times=N counts the requests this very rule has seen (a new rule starts at 0)
                key = path + json.dumps(r, sort_keys=True)
                with self.lock:
                    n = self.hits.get(key, 0) + 1
                    self.hits[key] = n
                if "times" not in r or n <= int(r["times"]):
                    rule.update({k: str(v) for k, v in r.items()})
        for k, v in urllib.parse.parse_qsl(query):
            rule[k] = v
        return rule


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pw-testserver/1"

    def log_message(self, fmt, *args):  # quiet: the request log is the record
        pass

    def record(self, status):
        st = self.server.state
        if not st.log:
            return
        h = self.headers
        fields = [
            "%.3f" % time.time(), self.command, self.path,
            h.get("If-None-Match") or "-", h.get("If-Modified-Since") or "-",
            str(status), h.get("User-Agent") or "-",
        ]
        line = "\t".join(f.replace("\t", " ") for f in fields) + "\n"
        with st.lock:  # one whole line per request, whatever the threads do
            st.log.write(line)
            st.log.flush()

    def send_body(self, status, body, ctype="text/plain; charset=utf-8", extra=None):
        self.record(status)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        st = self.server.state
        u = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(u.path)
        rule = st.rule_for(path, u.query)

        if rule.get("hang"):
            self.record("hang")
            self.wait_for_close(MAX_WAIT)
            self.close_connection = True
            return
        if "delay" in rule:
            time.sleep(min(float(rule["delay"]), MAX_WAIT))

        if "redirect" in rule:
            code = int(rule["redirect"])
            target = self.path if rule.get("loop") else rule.get("to", "/")
            self.send_body(code, b"moved\n", extra={"Location": target})
            return
        if "status" in rule:
            code = int(rule["status"])
            extra = {"Retry-After": rule["retry_after"]} if "retry_after" in rule else {}
            self.send_body(code, ("%d\n" % code).encode(), extra=extra)
            return
        if "size" in rule:
            n = int(rule["size"])
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Type", rule.get("ctype", "application/rss+xml"))
            self.send_header("Content-Length", str(n))
            self.end_headers()
            self.write_filler(n)
            return
        if rule.get("endless"):
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Type", rule.get("ctype", "application/rss+xml"))
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.write_filler(MAX_ENDLESS, chunked=True)
            self.close_connection = True
            return

        if "gzipbomb" in rule:
            body = gzip_bomb(int(rule["gzipbomb"]))
            self.send_body(200, body, rule.get("ctype", "application/rss+xml"),
                           {"Content-Encoding": "gzip"})
            return
        if "items" in rule or "bigtitle" in rule:
            body, mtime = generated_feed(path, int(rule.get("items", 1)), int(rule.get("bigtitle", 0)),
                                         bool(rule.get("fresh")), bool(rule.get("statement")),
                                         rule.get("links"), self.headers.get("Host"))
            etag = '"gen-%s"' % hashlib.sha1(body).hexdigest()[:20]
            if self.answer_not_modified(etag, mtime):
                return
            self.send_body(200, body, rule.get("ctype", "application/rss+xml; charset=utf-8"),
                           {"ETag": etag, "Last-Modified": email.utils.formatdate(mtime, usegmt=True)})
            return

        fs = self.resolve(path)
        if fs is None:
            self.send_body(404, b"not found\n")
            return
        stt = os.stat(fs)
        etag = '"%x-%x"' % (stt.st_size, stt.st_mtime_ns)
        lastmod = email.utils.formatdate(stt.st_mtime, usegmt=True)
        if self.answer_not_modified(etag, stt.st_mtime):
            return

        with open(fs, "rb") as f:
            body = f.read()
        ctype = rule.get("ctype") or CTYPES.get(os.path.splitext(fs)[1].lower(), "application/octet-stream")
        headers = {"ETag": etag, "Last-Modified": lastmod}
        if rule.get("gzip") and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        if "truncate" in rule:
            cut = int(rule["truncate"])
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.close_connection = True
            return
        if "drip" in rule:
            pause = float(rule["drip"])
            step = max(1, int(rule.get("drip_bytes", 16)))
            self.record(200)
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            try:
                for i in range(0, len(body), step):
                    self.wfile.write(body[i:i + step])
                    self.wfile.flush()
                    time.sleep(pause)
            except OSError:
                self.close_connection = True
            return
        self.send_body(200, body, ctype, headers)

    def answer_not_modified(self, etag, mtime):
        """Answers 304 (and returns True) when the request's If-None-Match names etag, or,
        without If-None-Match, its If-Modified-Since is not older than mtime."""
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        not_modified = False
        if inm is not None:
            not_modified = etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
        elif ims is not None:
            try:
                not_modified = int(mtime) <= email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                pass
        if not not_modified:
            return False
        self.record(304)
        self.send_response(304)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", email.utils.formatdate(mtime, usegmt=True))
        self.end_headers()
        return True

    def resolve(self, path):
        st = self.server.state
        rel = posixpath.normpath(path).lstrip("/")
        fs = os.path.realpath(os.path.join(st.root, rel))
        if fs != st.root and not fs.startswith(st.root + os.sep):
            return None
        if os.path.isdir(fs):
            fs = os.path.join(fs, "index.html")
        return fs if os.path.isfile(fs) else None

    def write_filler(self, n, chunked=False):
        line = b"<!-- presswatch test filler: this body is far larger than any feed should be -->\n"
        block = line * 800
        sent = 0
        deadline = time.time() + MAX_WAIT
        try:
            while sent < n and time.time() < deadline:
                piece = block[: min(len(block), n - sent)]
                if chunked:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                else:
                    self.wfile.write(piece)
                sent += len(piece)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except OSError:
            self.close_connection = True

    def wait_for_close(self, limit):
        self.connection.settimeout(1.0)
        deadline = time.time() + limit
        while time.time() < deadline:
            try:
                if not self.connection.recv(4096):
                    return
            except TimeoutError:
                continue
            except OSError:
                return


_BOMBS = {}
_BOMB_LOCK = threading.Lock()


def gzip_bomb(n):
    """gzip of an RSS prefix followed by n bytes of blanks (cached: compressing takes seconds,
    so a test may ask once ahead of time to warm the cache)."""
    with _BOMB_LOCK:
        return _gzip_bomb(n)


def _gzip_bomb(n):
    if n not in _BOMBS:
        z = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: gzip container
        parts = [z.compress(b'<?xml version="1.0"?><rss version="2.0"><channel><title>bomb</title>')]
        block = b" " * (1 << 20)
        left = n
        while left > 0:
            parts.append(z.compress(block[: min(left, len(block))]))
            left -= len(block)
        parts.append(z.compress(b"</channel></rss>"))
        parts.append(z.flush())
        _BOMBS[n] = b"".join(parts)
    return _BOMBS[n]


def generated_feed(path, n, title_len, fresh=False, statement=False, links=None, host=None):
    """An RSS 2.0 feed of n items; with title_len, the (single) title is that many bytes.
    Returns (body, mtime): mtime is the newest pubDate, or the second it was made when fresh."""
    name = path.strip("/").replace("/", "-") or "gen"
    first = int(time.time()) * n if fresh else 0
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
           "<title>Generated %s</title><link>http://127.0.0.1/%s</link>\n" % (name, name)]
    for i in range(first + 1, first + n + 1):
        title = ("Headline " * (title_len // 9 + 1))[:title_len] if title_len else "Report %d of %s" % (i, name)
        desc = "Item %d of the generated feed." % i
        # made-up words, so no two fresh items share enough text to join one story
        rnd = random.Random("%s-%d" % (name, i))
        word = lambda: "".join(rnd.choice("bcdfgklmnprstvz") + rnd.choice("aeiou") for _ in range(3))
        if fresh and not statement:
            title = "%s %s %s %s (%s %d)" % (word().title(), word(), word(), word(), name, i)
            desc = ". ".join(" ".join(word() for _ in range(12)) for _ in range(4)) + "."
        if statement:
            title = "%s %s %s on Karabakh %s %s" % (word().title(), word(), word(), word(), word())
            desc = ("%s, Hajizadeh stated that %s in Karabakh %s. "
                    % (" ".join(word() for _ in range(8)), " ".join(word() for _ in range(8)),
                       " ".join(word() for _ in range(4)))
                    + ". ".join(" ".join(word() for _ in range(12)) for _ in range(6)) + ".")
        link = ("http://%s%s?n=%d" % (host, links, i)) if links and host else "http://127.0.0.1/%s/%d" % (name, i)
        if links:
            desc = "Teaser %d: the full story is on the page." % i  # short: the page is fetched
        out.append("<item><title>%s</title><link>%s</link>"
                   "<guid isPermaLink=\"false\">%s-%d</guid>"
                   "<pubDate>%s</pubDate><description>%s</description></item>\n"
                   % (title, link, name, i,
                      email.utils.formatdate((time.time() - 600) if fresh else 1733250000 + i, usegmt=True), desc))
    out.append("</channel></rss>\n")
    made = int(time.time())
    return "".join(out).encode(), (made if fresh else 1733250000 + first + n)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--control")
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    srv.state = State(args)
    port = srv.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)
    print(port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
