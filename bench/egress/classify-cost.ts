// Cost of classifying one request body, in µs of CPU per KB at the median, for prompts of 1 KB, 64 KB
// and 1 MB of prose (the mock provider's corpus, gateway/mock-upstream/corpus/sotu.json) and of code (this
// repository's own TypeScript under gateway/, tests and the detector tables left out: they plant secrets).
// The task is the one the classifier runs inline or in a pool thread (inspect), every detector applied.
// Usage: npx tsx bench/egress/classify-cost.ts [--quick]   — prints a table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { speeches } from '../../gateway/mock-upstream/corpus.js';
import { inspect } from '../../gateway/classify/inspect.js';
import { packageRoot } from '../../gateway/core/package-root.js';
import { sourceFiles } from './source-files.js';

const quick = process.argv.includes('--quick');
const PLANTED = /(\.test\.ts|fixtures|classify\/(detectors|checks)\.ts)$/;


const prose = speeches().map((s) => s.text).join('\n');
const code = sourceFiles(join(packageRoot, 'gateway'), /\.ts$/, PLANTED).map((f) => readFileSync(f, 'utf8')).join('\n');

/** `size` characters of `text` starting at the n-th of several offsets (so repeated runs read different text). */
function slice(text: string, size: number, n: number): string {
  let whole = text;
  while (whole.length < size * 2) whole += '\n' + text;
  const start = ((n * 7919 * 131) % (whole.length - size)) | 0;
  return whole.slice(start, start + size);
}

async function cpuOnce(content: string): Promise<number> {
  const body = { model: 'm', messages: [{ role: 'user', content }] };
  const t0 = process.cpuUsage();
  await inspect({ op: 'classify', body, headers: {}, decodedBytes: 8 << 20 });
  const t = process.cpuUsage(t0);
  return t.user + t.system;
}

const sizes: Array<[string, number, number]> = [
  ['1 KB', 1024, quick ? 50 : 300],
  ['64 KB', 64 * 1024, quick ? 5 : 30],
  ['1 MB', 1024 * 1024, quick ? 2 : 7],
];

const rows: string[] = [];
for (const [kindName, text] of [['prose', prose], ['code', code]] as const) {
  for (const [label, size, runs] of sizes) {
    // Warm-up: compile the patterns and let the JIT settle before measuring, on as much text whatever the
    // size (4 MB: five calls of 1 KB left the optimising compiler's work inside the measured 1 KB and 64 KB
    // calls, which a gateway that runs for days pays once).
    for (let i = 0; i < Math.max(5, Math.ceil((4 << 20) / size)); i++) await cpuOnce(slice(text, size, 1000 + i));
    const us: number[] = [];
    for (let i = 0; i < runs; i++) us.push((await cpuOnce(slice(text, size, i))) / (size / 1024));
    // The mean too: the CPU of every measured call (the collector's and compiler's helper threads included,
    // which the median leaves to the calls they happen to fall in) over every KB.
    const mean = us.reduce((a, b) => a + b, 0) / us.length;
    us.sort((a, b) => a - b);
    const p = (q: number) => us[Math.min(us.length - 1, Math.floor(q * us.length))];
    rows.push(`| ${kindName.padEnd(5)} | ${label.padStart(5)} | ${p(0.5).toFixed(1).padStart(8)} | ${p(0.9).toFixed(1).padStart(8)} | ${mean.toFixed(1).padStart(8)} | ${String(runs).padStart(4)} |`);
  }
}
console.log('| text  |  size | p50 µs/KB | p90 µs/KB | mean µs/KB | runs |');
console.log('|-------|------:|---------:|---------:|----------:|-----:|');
for (const r of rows) console.log(r);
