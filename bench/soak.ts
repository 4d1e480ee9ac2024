// Soak: minutes of steady load on one system, sampling its RSS and open file descriptors every
// 5 s, to show neither grows.
import { runLoad } from './load.js';
import type { BenchOptions } from './options.js';
import { openFdCount, treeRssBytes } from './proc-stats.js';
import { chatBody } from './request-body.js';
import { growthPct, median } from './stats.js';
import { allSystems, probe, type BenchContext } from './systems.js';

const SAMPLE_EVERY_MS = 5_000;
const WARMUP_S = 10;
const CONNECTIONS = 20;

export interface SoakSample {
  atS: number;
  rssBytes: number;
  openFds: number;
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
  openFds: Series;
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

export async function soak(ctx: BenchContext, opts: BenchOptions): Promise<SoakResult> {
  const spec = allSystems.find((s) => s.name.toLowerCase() === opts.soakSystem.toLowerCase());
  if (!spec) throw new Error(`no system named ${opts.soakSystem}`);
  const durationS = opts.soakS!;
  const system = await spec.start(ctx);
  try {
    const problem = await probe(system.target, false);
    if (problem) throw new Error(`${spec.name}: ${problem}`);
    const samples: SoakSample[] = [];
    const t0 = Date.now();
    // Samples are taken only while the load runs, after a warm-up: an idle process holds fewer sockets
    // and a freshly started one has not yet compiled its hot paths.
    const timer = setInterval(() => {
      const atS = (Date.now() - t0) / 1000 - WARMUP_S;
      if (atS < 0 || atS > durationS) return;
      const sample = { atS, rssBytes: treeRssBytes(system.pid), openFds: openFdCount(system.pid) };
      samples.push(sample);
      process.stderr.write(`bench: soak ${atS.toFixed(0)} s: RSS ${(sample.rssBytes / 1048576).toFixed(1)} MB, ${sample.openFds} fds\n`);
    }, SAMPLE_EVERY_MS);
    try {
      const run = await runLoad(system.target, { connections: CONNECTIONS, durationS: WARMUP_S + durationS, body: chatBody(false) });
      if (samples.length < 2) throw new Error('soak too short: fewer than two samples');
      return {
        system: spec.name,
        durationS,
        connections: CONNECTIONS,
        requests: run.requests,
        rps: run.rps,
        failed: run.errors + run.non2xx,
        rss: series(samples.map((s) => s.rssBytes)),
        openFds: series(samples.map((s) => s.openFds)),
        samples,
      };
    } finally {
      clearInterval(timer);
    }
  } finally {
    await system.stop();
  }
}

export function soakMarkdown(r: SoakResult): string {
  const mb = (b: number) => (b / 1048576).toFixed(1);
  return [
    `Soak of ${r.system}: ${r.durationS} s at ${r.connections} connections, ${r.rps.toFixed(0)} req/s, ${r.failed} failed.`,
    '',
    '| series | start (median of first quarter) | end (median of last quarter) | max | growth |',
    '|---|---:|---:|---:|---:|',
    `| RSS MB | ${mb(r.rss.start)} | ${mb(r.rss.end)} | ${mb(r.rss.max)} | ${r.rss.growthPct.toFixed(1)}% |`,
    `| open fds | ${r.openFds.start} | ${r.openFds.end} | ${r.openFds.max} | ${r.openFds.growthPct.toFixed(1)}% |`,
    '',
    `Aim (issue 8): no growth beyond 10% — ${r.rss.growthPct <= 10 && r.openFds.growthPct <= 10 ? 'met' : 'missed'}.`,
  ].join('\n');
}
