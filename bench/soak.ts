// Soak: minutes of steady load on one system, sampling its RSS and open file descriptors every
// 5 s, to show neither grows.
import { runLoad } from './load.js';
import type { BenchOptions } from './options.js';
import { openFdCount, treeRssBytes } from './proc-stats.js';
import { chatBody } from './request-body.js';
import { growthPct } from './stats.js';
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

function series(values: number[]): Series {
  return { start: values[0], end: values[values.length - 1], max: Math.max(...values), growthPct: growthPct(values[0], values[values.length - 1]) };
}

export async function soak(ctx: BenchContext, opts: BenchOptions): Promise<SoakResult> {
  const spec = allSystems.find((s) => s.name.toLowerCase() === opts.soakSystem.toLowerCase());
  if (!spec) throw new Error(`no system named ${opts.soakSystem}`);
  const durationS = opts.soakS!;
  const system = await spec.start(ctx);
  try {
    const problem = await probe(system.target, false);
    if (problem) throw new Error(`${spec.name}: ${problem}`);
    const body = chatBody(false);
    await runLoad(system.target, { connections: CONNECTIONS, durationS: WARMUP_S, body });
    const samples: SoakSample[] = [];
    const t0 = Date.now();
    const take = () => samples.push({ atS: (Date.now() - t0) / 1000, rssBytes: treeRssBytes(system.pid), openFds: openFdCount(system.pid) });
    take();
    const timer = setInterval(() => {
      take();
      const s = samples[samples.length - 1];
      process.stderr.write(`bench: soak ${s.atS.toFixed(0)} s: RSS ${(s.rssBytes / 1048576).toFixed(1)} MB, ${s.openFds} fds\n`);
    }, SAMPLE_EVERY_MS);
    try {
      const run = await runLoad(system.target, { connections: CONNECTIONS, durationS, body });
      take();
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
    '| series | start | end | max | growth |',
    '|---|---:|---:|---:|---:|',
    `| RSS MB | ${mb(r.rss.start)} | ${mb(r.rss.end)} | ${mb(r.rss.max)} | ${r.rss.growthPct.toFixed(1)}% |`,
    `| open fds | ${r.openFds.start} | ${r.openFds.end} | ${r.openFds.max} | ${r.openFds.growthPct.toFixed(1)}% |`,
    '',
    `Aim (issue 8): no growth beyond 10% — ${r.rss.growthPct <= 10 && r.openFds.growthPct <= 10 ? 'met' : 'missed'}.`,
  ].join('\n');
}
