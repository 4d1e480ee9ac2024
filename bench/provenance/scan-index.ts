// Scan throughput against a large index, and the memory that index takes.
// Builds (once, with bulk-index.ts: the bytes the gateway's writer would hold) an index of N outputs
// under DIR/provenance, then measures, in a fresh process:
// open time, RSS after opening the index on disk, records/s and MB/s scanning 30% excerpts of indexed outputs and
// passages that were never served, and the rates at which each is traced.
// Run: npx tsx bench/provenance/scan-index.ts [--outputs 1000000] [--data-dir bench/tmp/provenance-1m]
//      (writes bench/results/provenance-scan.json)
//
// The outputs are State of the Union sentences recombined, with half of their words swapped for
// other corpus words, so that a million of them are as distinct as a million real answers would be
// (62,839 sentences alone would repeat each one ~160 times and every shingle would be boilerplate).
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createProvenance, indexPath } from '../../gateway/provenance/provenance.js';
import { bulkIndex } from './bulk-index.js';
import { stripInvisible } from '../../gateway/provenance/watermark-reader.js';
import { passages, rngFrom, sentences, speeches, type Rng } from './sotu-corpus.js';
import { excerpt } from './transforms.js';

const { values } = parseArgs({
  options: {
    outputs: { type: 'string', default: '1000000' },
    'data-dir': { type: 'string', default: 'bench/tmp/provenance-1m' },
    measure: { type: 'boolean', default: false },
  },
});
const N = Number(values.outputs);
const dataDir = values['data-dir'];
const keys = { keyId: '5ca1ab1e0ddba11a', macSecret: Buffer.alloc(32, 7) };

const all = speeches();
// The last 3 addresses are held out: their passages were never served.
const pool = all.slice(0, -3).flatMap((s) => sentences(s.text));
const vocabulary = [...new Set(pool.join(' ').split(/\s+/))];
const unserved = all.slice(-3).flatMap((s) => passages(s.text, rngFrom(3), 30, 130));

function output(i: number): string {
  const rng: Rng = rngFrom(i * 2654435761);
  const parts: string[] = [];
  const count = 4 + Math.floor(rng() * 10);
  for (let k = 0; k < count; k++) parts.push(pool[Math.floor(rng() * pool.length)]);
  return parts
    .join(' ')
    .split(' ')
    .map((w) => (rng() < 0.5 ? vocabulary[Math.floor(rng() * vocabulary.length)] : w))
    .join(' ');
}

const SERVED = '2026-12-01T00:00:00.000Z';
const idOf = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

const argsOf = (i: number) => ({ decisionId: idOf(i), text: output(i), licence: i % 2 ? 'openai-terms' : 'mit', trainable: i % 2 === 0, time: SERVED });

async function build(): Promise<void> {
  const t0 = performance.now();
  await bulkIndex(dataDir, N, argsOf, (done) => {
    if (done % 100_000 === 0) process.stderr.write(`built ${done}\n`);
  });
  process.stderr.write(`built ${N} outputs in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

/**
 * Records/s on `threads` detection threads (the pool `provenance scan --threads` uses), fed batches of 64
 * records, two batches per thread in flight, after a round that starts every thread.
 */
async function onThreads(threads: number, texts: string[]): Promise<number> {
  const p = await createProvenance({ dataDir, keys, readOnly: true, detection: { inlineChars: 0, threads, budgetMs: 600_000, queueMs: 600_000, queueMax: 2 * threads } });
  await Promise.all(Array.from({ length: 2 * threads }, (_, i) => p.detectAll([texts[i]])));
  const batches = Array.from({ length: Math.ceil(texts.length / 64) }, (_, i) => texts.slice(64 * i, 64 * (i + 1)));
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 2 * threads }, async () => {
      while (next < batches.length) await p.detectAll(batches[next++]);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await p.close();
  return texts.length / seconds;
}

function rssMb(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

async function measure(): Promise<void> {
  const rssBefore = rssMb();
  const t0 = performance.now();
  const p = await createProvenance({ dataDir, keys, readOnly: true });
  const loadSeconds = (performance.now() - t0) / 1000;
  globalThis.gc?.();
  const rssAfter = rssMb();
  const rng = rngFrom(11);
  const served = Array.from({ length: 2000 }, () => Math.floor(rng() * N));
  const queries = served.map((i) => stripInvisible(excerpt(output(i), 0.3, rng)));
  const strangers = unserved.slice(0, 5000);
  const bytes = [...queries, ...strangers].reduce((n, t) => n + Buffer.byteLength(t), 0);
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  let traced = 0;
  queries.forEach((q, k) => (traced += Number(p.detect(q).decision_id === idOf(served[k]))));
  let flagged = 0;
  for (const s of strangers) flagged += Number(p.detect(s).origin !== null);
  const scanSeconds = (performance.now() - t1) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // The CPU-time rate is the steadier figure on a shared machine.
  const scanCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const results = {
    outputs: p.size,
    index_file_mb: statSync(join(indexPath(dataDir), 'data.mdb')).size / 2 ** 20,
    load_seconds: loadSeconds,
    rss_mb_before_load: rssBefore,
    rss_mb_after_load: rssAfter,
    rss_mb_after_scan: rssMb(),
    scanned_records: queries.length + strangers.length,
    records_per_second: (queries.length + strangers.length) / scanSeconds,
    records_per_cpu_second: (queries.length + strangers.length) / scanCpuSeconds,
    mb_per_second: bytes / 2 ** 20 / scanSeconds,
    excerpts_traced_rate: traced / queries.length,
    unserved_flagged_rate: flagged / strangers.length,
    // The thread counts measured: one, and one per core where there are more.
    records_per_second_on_threads: {} as Record<string, number>,
  };
  for (const threads of [...new Set([1, availableParallelism()])]) results.records_per_second_on_threads[threads] = await onThreads(threads, [...queries, ...strangers]);
  process.stdout.write(JSON.stringify(results) + '\n');
}

if (values.measure) {
  await measure();
} else {
  mkdirSync(dataDir, { recursive: true });
  const existing = await createProvenance({ dataDir, keys, readOnly: true });
  const have = existing.size;
  await existing.close();
  if (have === 0) await build();
  else if (have !== N) throw new Error(`${dataDir} holds ${have} outputs, not ${N}: remove it to build again`);
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--measure', '--outputs', String(N), '--data-dir', dataDir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`measurement failed (${child.status})`);
  const results = JSON.parse(child.stdout.trim().split('\n').pop() as string);
  const f = (x: number, d = 1) => x.toFixed(d);
  process.stdout.write(
    [
      `Index: ${results.outputs} outputs, ${f(results.index_file_mb)} MB on disk, loaded in ${f(results.load_seconds)} s`,
      '',
      '| measure | value |',
      '|---|---:|',
      `| RSS before load / after load / after scan | ${f(results.rss_mb_before_load)} / ${f(results.rss_mb_after_load)} / ${f(results.rss_mb_after_scan)} MB |`,
      `| scan throughput (wall clock) | ${f(results.records_per_second, 0)} records/s, ${f(results.mb_per_second, 2)} MB/s |`,
      `| scan throughput (per CPU second) | ${f(results.records_per_cpu_second, 0)} records/s |`,
      ...Object.entries(results.records_per_second_on_threads as Record<string, number>).map(([n, r]) => `| scan throughput on ${n} detection thread${n === '1' ? '' : 's'} (wall clock) | ${f(r, 0)} records/s |`),
      `| records scanned | ${results.scanned_records} (excerpts and passages, 30–130 words) |`,
      `| 30% excerpts (stripped) of indexed outputs traced | ${f(results.excerpts_traced_rate * 100, 2)}% |`,
      `| never-served passages flagged | ${f(results.unserved_flagged_rate * 100, 3)}% |`,
    ].join('\n') + '\n',
  );
  mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('../results/provenance-scan.json', import.meta.url), JSON.stringify(results, null, 2) + '\n');
}
