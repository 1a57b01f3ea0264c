#!/usr/bin/python3
"""feedparser_bench.py -- the parse-only peer: python3-feedparser (Debian) over feed files.

usage: /usr/bin/python3 feedparser_bench.py PASSES FILE...
Reads every file into memory, then parses all of them PASSES times; prints one JSON line with
the median pass time.
"""
import json
import sys
import time

import feedparser


def main():
    passes = int(sys.argv[1])
    data = []
    for path in sys.argv[2:]:
        with open(path, "rb") as fh:
            data.append(fh.read())
    nbytes = sum(len(d) for d in data)
    times, items = [], 0
    for _ in range(passes):
        items = 0
        t0 = time.perf_counter()
        for d in data:
            items += len(feedparser.parse(d).entries)
        times.append(time.perf_counter() - t0)
    times.sort()
    med = times[len(times) // 2] if len(times) % 2 else (times[len(times) // 2 - 1] + times[len(times) // 2]) / 2
    print(json.dumps(dict(mode="feedparser", version=feedparser.__version__, files=len(data), bytes=nbytes,
                          items=items, passes=passes, seconds=med, mb_per_s=nbytes / med / 1e6,
                          items_per_s=items / med)))


if __name__ == "__main__":
    main()
