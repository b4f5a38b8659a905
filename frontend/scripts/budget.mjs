// Bundle budget, run at the end of `npm run build`: fails the build when the
// initial JS (index.html's script and modulepreloads) exceeds 180 kB gzipped,
// any lazy chunk 50 kB, or the CSS 30 kB. Prints every figure.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const dist = join(import.meta.dirname, "..", "dist");
const kB = 1000;
const budget = { initial: 180 * kB, chunk: 50 * kB, css: 30 * kB };

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const fmt = (n) => `${(n / kB).toFixed(1)} kB`;

const html = readFileSync(join(dist, "index.html"), "utf8");
const initial = new Set([...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]));
const assets = readdirSync(join(dist, "assets"));
const js = assets.filter((f) => f.endsWith(".js")).map((f) => `assets/${f}`);
const css = assets.filter((f) => f.endsWith(".css")).map((f) => `assets/${f}`);
if (initial.size === 0) {
  console.error("budget: no script found in dist/index.html");
  process.exit(1);
}

const failures = [];
const initialSize = [...initial].reduce((n, f) => n + gz(f), 0);
console.log(`budget: initial JS ${fmt(initialSize)} gzipped (limit ${fmt(budget.initial)}): ${[...initial].join(", ")}`);
if (initialSize > budget.initial) failures.push(`initial JS is ${fmt(initialSize)} gzipped, over the ${fmt(budget.initial)} budget`);

for (const f of js.filter((f) => !initial.has(f)).sort()) {
  const n = gz(f);
  console.log(`budget: lazy ${f} ${fmt(n)}`);
  if (n > budget.chunk) failures.push(`lazy chunk ${f} is ${fmt(n)} gzipped, over the ${fmt(budget.chunk)} budget`);
}
const cssSize = css.reduce((n, f) => n + gz(f), 0);
console.log(`budget: CSS ${fmt(cssSize)} gzipped (limit ${fmt(budget.css)})`);
if (cssSize > budget.css) failures.push(`CSS is ${fmt(cssSize)} gzipped, over the ${fmt(budget.css)} budget`);

if (failures.length) {
  console.error(`budget: FAILED\n  ${failures.join("\n  ")}\nSplit the code (a lazy route, a dynamic import) or drop a dependency; see frontend/README.md.`);
  process.exit(1);
}
console.log("budget: ok");
