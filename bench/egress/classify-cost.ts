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
import { chatBody } from '../request-body.js';

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

async function cpuOf(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<number> {
  const t0 = process.cpuUsage();
  await inspect({ op: 'classify', body, headers, decodedBytes: 8 << 20 });
  const t = process.cpuUsage(t0);
  return t.user + t.system;
}

async function cpuOnce(content: string): Promise<number> {
  // The body as the gateway has it, parsed from the request's JSON: a slice of the corpus keeps the whole
  // corpus's two-byte representation (it holds a few characters outside Latin-1), where a parsed ASCII string
  // is one byte a character, and every pattern reads two-byte text about a fifth slower.
  const body = JSON.parse(JSON.stringify({ model: 'm', messages: [{ role: 'user', content }] }));
  return cpuOf(body);
}

const sizes: Array<[string, number, number]> = [
  ['1 KB', 1024, quick ? 50 : 1000],
  ['64 KB', 64 * 1024, quick ? 5 : 60],
  ['1 MB', 1024 * 1024, quick ? 2 : 12],
];
const kinds = [['prose', prose], ['code', code]] as const;

// Warm-up: compile the patterns and let the JIT settle before measuring, on 16 MB of text whatever the size.
// The optimising compiler goes on improving the later functions well past a few MB: on 1 KB of code the
// median call fell from 48 µs after 4,096 warm-up calls to 42–43 after 16,000 and no further after 32,000.
// A gateway that runs for days pays that once; the table is its steady state.
for (const [, text] of kinds) {
  for (const [, size] of sizes) for (let i = 0; i < Math.max(5, Math.ceil((16 << 20) / size)); i++) await cpuOnce(slice(text, size, 1000 + i));
}
// Measured in interleaved rounds, every row a share of each: a slow stretch of a shared host (other
// tenants' work moved a row's median by up to 1.5 × from one run to the next when each row was measured
// in one go) then falls on every row alike instead of on whichever row it met.
const ROUNDS = quick ? 2 : 10;
const samples = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const [kindName, text] of kinds) {
    for (const [label, size, runs] of sizes) {
      const row = samples.get(`${kindName} ${label}`) ?? [];
      samples.set(`${kindName} ${label}`, row);
      const share = Math.ceil(runs / ROUNDS);
      for (let i = 0; i < share; i++) row.push((await cpuOnce(slice(text, size, round * share + i))) / (size / 1024));
    }
  }
}

const rows: string[] = [];
for (const [kindName] of kinds) {
  for (const [label] of sizes) {
    const us = samples.get(`${kindName} ${label}`)!;
    // The mean too: the CPU of every measured call (the collector's and compiler's helper threads included,
    // which the median leaves to the calls they happen to fall in) over every KB.
    const mean = us.reduce((a, b) => a + b, 0) / us.length;
    us.sort((a, b) => a - b);
    const p = (q: number) => us[Math.min(us.length - 1, Math.floor(q * us.length))];
    rows.push(`| ${kindName.padEnd(5)} | ${label.padStart(5)} | ${p(0.5).toFixed(1).padStart(8)} | ${p(0.9).toFixed(1).padStart(8)} | ${mean.toFixed(1).padStart(8)} | ${String(us.length).padStart(4)} |`);
  }
}
console.log('| text  |  size | p50 µs/KB | p90 µs/KB | mean µs/KB | runs |');
console.log('|-------|------:|---------:|---------:|----------:|-----:|');
for (const r of rows) console.log(r);

// The request every system gets in `make bench` (bench/request-body.ts): what classification costs one call
// of the load benchmark, its model, roles, system prompt and header included. After the rows' warm-up.
const chat = chatBody(false);
const perCall: number[] = [];
for (let i = 0; i < (quick ? 500 : 5000); i++) perCall.push(await cpuOf(JSON.parse(chat) as Record<string, unknown>, { 'user-agent': 'autocannon' }));
perCall.sort((a, b) => a - b);
console.log(`\nmake bench's chat body (${chat.length} bytes): p50 ${perCall[perCall.length >> 1]} µs, mean ${(perCall.reduce((a, b) => a + b, 0) / perCall.length).toFixed(1)} µs a call`);
