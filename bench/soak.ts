// Soak: minutes of steady load on one system, sampling its RSS and open file descriptors every
// 5 s, to show neither grows, and the size on disk of termsgate's audit and provenance folders, to
// show what each call leaves behind. termsgate's V8 heap used is read from its /metrics (the gauge
// process.runtime.nodejs.memory.heap.used) at each sample, when its metrics are on.
import { join } from 'node:path';
import { runLoad } from './load.js';
import type { BenchOptions } from './options.js';
import { scrapeHeapUsed } from './heap-metric.js';
import { dirBytes, openFdCount, treeAnonRssBytes, treeRssBytes } from './proc-stats.js';
import { chatBody } from './request-body.js';
import { growthPct, median } from './stats.js';
import { allSystems, probe, type BenchContext } from './systems.js';

const SAMPLE_EVERY_MS = 5_000;
const WARMUP_S = 10;
const CONNECTIONS = 20;

export interface SoakSample {
  atS: number;
  rssBytes: number;
  /** RSS less file-backed pages (memory-mapped files): what the processes themselves hold. */
  anonRssBytes: number;
  openFds: number;
  /** Calls answered 2xx since the load began (warm-up included). */
  ok: number;
  /** Bytes of the data directory's audit/ and provenance/ folders; null for a system without one. */
  auditBytes: number | null;
  provenanceBytes: number | null;
  /** V8 heap used of termsgate from its /metrics; null for other systems or when metrics are off. */
  heapUsedBytes: number | null;
}

/** A folder that only grows: its first and last sample, the change, and the bytes each call added. */
export interface DiskSeries {
  start: number;
  end: number;
  changePct: number;
  bytesPerCall: number | null;
}

export const HEAP_NOT_AVAILABLE =
  'V8 heap used: not measured — only termsgate exports it (gauge process.runtime.nodejs.memory.heap.used at /metrics), and only with metrics on; RSS and open fds stand in.';
export const HEAP_FROM_METRICS = 'V8 heap used: termsgate\'s gauge process.runtime.nodejs.memory.heap.used, scraped from its /metrics at each sample.';

/** The heap series of the samples that have one (all or none, in practice); null when none has. */
export function heapSeries(samples: Array<{ heapUsedBytes: number | null }>): Series | null {
  const values = samples.map((s) => s.heapUsedBytes).filter((v): v is number => v !== null);
  return values.length > 0 ? series(values) : null;
}

export interface Series {
  start: number;
  end: number;
  max: number;
  growthPct: number;
}

export interface SoakResult {
  system: string;
  durationS: number;
  connections: number;
  requests: number;
  rps: number;
  failed: number;
  rss: Series;
  anonRss: Series;
  openFds: Series;
  /** null for a system without a data directory (all but termsgate). */
  audit: DiskSeries | null;
  provenance: DiskSeries | null;
  heapUsed: Series | null;
  heapNote: string;
  samples: SoakSample[];
}

/**
 * Start and end are the medians of the first and last quarter of the samples: a garbage-collected
 * heap saws up and down, and a single sample at either end would report a sawtooth as growth.
 */
export function series(values: number[]): Series {
  const quarter = Math.max(1, Math.floor(values.length / 4));
  const start = median(values.slice(0, quarter));
  const end = median(values.slice(-quarter));
  return { start, end, max: Math.max(...values), growthPct: growthPct(start, end) };
}

/** The first and last sample of a folder's size (null values left out); null when none was taken. */
export function diskSeries(samples: SoakSample[], key: 'auditBytes' | 'provenanceBytes'): DiskSeries | null {
  const taken = samples.filter((s) => s[key] !== null);
  if (taken.length === 0) return null;
  const first = taken[0];
  const last = taken[taken.length - 1];
  const start = first[key]!;
  const end = last[key]!;
  const calls = last.ok - first.ok;
  return { start, end, changePct: growthPct(start, end), bytesPerCall: calls > 0 ? (end - start) / calls : null };
}

export async function soak(ctx: BenchContext, opts: BenchOptions): Promise<SoakResult> {
  const spec = allSystems.find((s) => s.name.toLowerCase() === opts.soakSystem.toLowerCase());
  if (!spec) throw new Error(`no system named ${opts.soakSystem}`);
  const durationS = opts.soakS!;
  const system = await spec.start(ctx);
  try {
    const problem = await probe(system.target, false);
    if (problem) throw new Error(`${spec.name}: ${problem}`);
    const samples: SoakSample[] = [];
    const progress = { ok: 0 };
    const dataDir = system.dataDir;
    const t0 = Date.now();
    // Samples are taken only while the load runs, after a warm-up: an idle process holds fewer sockets
    // and a freshly started one has not yet compiled its hot paths.
    const origin = new URL(system.target.url).origin;
    const takeSample = async () => {
      const atS = (Date.now() - t0) / 1000 - WARMUP_S;
      if (atS < 0 || atS > durationS) return;
      const heapUsedBytes = spec.name === 'termsgate' ? await scrapeHeapUsed(origin) : null;
      const sample: SoakSample = {
        atS,
        rssBytes: treeRssBytes(system.pid),
        anonRssBytes: treeAnonRssBytes(system.pid),
        openFds: openFdCount(system.pid),
        ok: progress.ok,
        auditBytes: dataDir ? dirBytes(join(dataDir, 'audit')) : null,
        provenanceBytes: dataDir ? dirBytes(join(dataDir, 'provenance')) : null,
        heapUsedBytes,
      };
      samples.push(sample);
      const disk = dataDir ? `, audit ${mb(sample.auditBytes!)} MB, provenance ${mb(sample.provenanceBytes!)} MB` : '';
      const heap = heapUsedBytes === null ? '' : `, heap used ${mb(heapUsedBytes)} MB`;
      process.stderr.write(`bench: soak ${atS.toFixed(0)} s: RSS ${mb(sample.rssBytes)} MB (anonymous ${mb(sample.anonRssBytes)} MB), ${sample.openFds} fds${heap}${disk}\n`);
    };
    const timer = setInterval(() => void takeSample(), SAMPLE_EVERY_MS);
    try {
      const run = await runLoad(system.target, { connections: CONNECTIONS, durationS: WARMUP_S + durationS, body: chatBody(false), progress });
      if (samples.length < 2) throw new Error('soak too short: fewer than two samples');
      return {
        system: spec.name,
        durationS,
        connections: CONNECTIONS,
        requests: run.requests,
        rps: run.rps,
        failed: run.errors + run.non2xx,
        rss: series(samples.map((s) => s.rssBytes)),
        anonRss: series(samples.map((s) => s.anonRssBytes)),
        openFds: series(samples.map((s) => s.openFds)),
        audit: diskSeries(samples, 'auditBytes'),
        provenance: diskSeries(samples, 'provenanceBytes'),
        heapUsed: heapSeries(samples),
        heapNote: heapSeries(samples) ? HEAP_FROM_METRICS : HEAP_NOT_AVAILABLE,
        samples,
      };
    } finally {
      clearInterval(timer);
    }
  } finally {
    await system.stop();
  }
}

const mb = (b: number) => (b / 1048576).toFixed(1);
const pct = (n: number) => (Number.isNaN(n) ? '–' : `${n >= 0 ? '+' : ''}${n.toFixed(1)}%`);

export function soakMarkdown(r: SoakResult): string {
  const disk = (label: string, d: DiskSeries | null) =>
    d ? [`| ${label} MB on disk (first / last sample) | ${mb(d.start)} | ${mb(d.end)} | ${mb(d.end)} | ${pct(d.changePct)} | ${d.bytesPerCall === null ? '–' : d.bytesPerCall.toFixed(0)} |`] : [];
  return [
    `Soak of ${r.system}: ${r.durationS} s at ${r.connections} connections after a ${WARMUP_S} s warm-up, ${r.rps.toFixed(0)} req/s, ${r.failed} failed.`,
    '',
    '| series | start (after warm-up) | end | max | change | bytes per call |',
    '|---|---:|---:|---:|---:|---:|',
    `| RSS MB of the process tree (median of first / last quarter) | ${mb(r.rss.start)} | ${mb(r.rss.end)} | ${mb(r.rss.max)} | ${pct(r.rss.growthPct)} | – |`,
    `| RSS MB less file-backed pages (RssAnon: heaps and native memory, not the mapped index) | ${mb(r.anonRss.start)} | ${mb(r.anonRss.end)} | ${mb(r.anonRss.max)} | ${pct(r.anonRss.growthPct)} | – |`,
    `| open fds of the process tree (median of first / last quarter) | ${r.openFds.start} | ${r.openFds.end} | ${r.openFds.max} | ${pct(r.openFds.growthPct)} | – |`,
    ...(r.heapUsed
      ? [`| V8 heap used MB (from /metrics; median of first / last quarter) | ${mb(r.heapUsed.start)} | ${mb(r.heapUsed.end)} | ${mb(r.heapUsed.max)} | ${pct(r.heapUsed.growthPct)} | – |`]
      : []),
    ...disk('audit/', r.audit),
    ...disk('provenance/', r.provenance),
    '',
    r.heapNote,
    '',
    `Aim (issue 8): RSS and open fds grow no more than 10% — ${r.rss.growthPct <= 10 && r.openFds.growthPct <= 10 ? 'met' : 'missed'}. The audit and provenance folders grow with every call by design; their bytes per call are the figure to watch.`,
  ].join('\n');
}
