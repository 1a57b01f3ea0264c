// readability_bench.js -- the extraction peer: Mozilla Readability on jsdom.
// usage: node readability_bench.js PASSES FILE...
// Every page is read into memory first (as a Buffer, so jsdom sniffs <meta charset> itself);
// each pass parses every page with jsdom and runs Readability.parse().  Prints one JSON line
// with the median pass time.
'use strict';
const fs = require('fs');
const { JSDOM, VirtualConsole } = require('jsdom');
const { Readability } = require('@mozilla/readability');

const passes = parseInt(process.argv[2], 10);
const files = process.argv.slice(3);
const pages = files.map((f) => fs.readFileSync(f));
const bytes = pages.reduce((n, b) => n + b.length, 0);
const quiet = new VirtualConsole();
const times = [];
let extracted = 0;
for (let p = 0; p < passes; p++) {
  extracted = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < pages.length; i++) {
    const dom = new JSDOM(pages[i], { url: 'http://127.0.0.1/a/page.html', virtualConsole: quiet });
    const art = new Readability(dom.window.document).parse();
    if (art && art.textContent && art.textContent.length > 0) extracted++;
    dom.window.close();
  }
  times.push(Number(process.hrtime.bigint() - t0) / 1e9);
}
times.sort((a, b) => a - b);
const med = times.length % 2 ? times[(times.length - 1) / 2]
  : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
console.log(JSON.stringify({ mode: 'readability', files: pages.length, extracted, bytes, passes,
  seconds: med, pages_per_s: pages.length / med, mb_per_s: bytes / med / 1e6 }));
