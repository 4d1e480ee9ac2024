// The attack soak's pure part: events and samples (seconds since the run began) grouped into the
// windows before, during and after the attacks, with the figures of each window.
import { median, percentile, sortedCopy } from './stats.js';

export type WindowName = 'before' | 'during' | 'after';
export const WINDOWS: WindowName[] = ['before', 'during', 'after'];

/** Each window is [from, to) in seconds since the run began; they do not overlap. */
export type Bounds = Record<WindowName, { fromS: number; toS: number }>;

/** A timed event: a normal call or a /healthz probe, placed by when it was sent; ms null when it failed. */
export interface Timed {
  atS: number;
  ms: number | null;
}

export interface ProcSample {
  atS: number;
  rssBytes: number;
  openFds: number;
  heapUsedBytes: number | null;
  /** The gateway's event-loop delay since the previous scrape of its /metrics, at loopSinceS; null when not exported or no scrape before. */
  loopDelayP99Ms: number | null;
  loopDelayMaxMs: number | null;
  loopSinceS: number | null;
}

export interface WindowFigures {
  window: WindowName;
  fromS: number;
  toS: number;
  samples: number;
  rssMedianBytes: number;
  rssMaxBytes: number;
  fdsMedian: number;
  fdsMax: number;
  /** null when no sample of the window had the heap gauge (metrics off). */
  heapMedianBytes: number | null;
  heapMaxBytes: number | null;
  /** The worst 5 s event-loop delay p99 of the samples whose interval lies in the window (a p99 per window cannot be pooled from them), and the max; null without the gauges. */
  loopDelayP99Ms: number | null;
  loopDelayMaxMs: number | null;
  probes: number;
  healthzP99Ms: number;
  healthzMaxMs: number;
  healthzFailures: number;
  calls: number;
  callP50Ms: number;
  callP99Ms: number;
  callFailures: number;
}

export function windowOf(atS: number, bounds: Bounds): WindowName | null {
  for (const w of WINDOWS) if (atS >= bounds[w].fromS && atS < bounds[w].toS) return w;
  return null;
}

function latencies(events: Timed[]) {
  const ok = sortedCopy(events.filter((e) => e.ms !== null).map((e) => e.ms!));
  return { ok, failures: events.length - ok.length };
}

const maxOr = (values: number[], none: number) => (values.length > 0 ? Math.max(...values) : none);

export function windowFigures(bounds: Bounds, samples: ProcSample[], calls: Timed[], probes: Timed[]): WindowFigures[] {
  return WINDOWS.map((w) => {
    const inW = <T extends { atS: number }>(xs: T[]) => xs.filter((x) => windowOf(x.atS, bounds) === w);
    const s = inW(samples);
    const heaps = s.map((x) => x.heapUsedBytes).filter((h): h is number => h !== null);
    // Only intervals wholly inside the window: the first scrape of a window would speak for the one before.
    const whole = s.filter((x) => x.loopSinceS !== null && windowOf(x.loopSinceS, bounds) === w);
    const loopP99 = whole.map((x) => x.loopDelayP99Ms).filter((v): v is number => v !== null);
    const loopMax = whole.map((x) => x.loopDelayMaxMs).filter((v): v is number => v !== null);
    const c = latencies(inW(calls));
    const p = latencies(inW(probes));
    return {
      window: w,
      fromS: bounds[w].fromS,
      toS: bounds[w].toS,
      samples: s.length,
      rssMedianBytes: median(s.map((x) => x.rssBytes)),
      rssMaxBytes: maxOr(s.map((x) => x.rssBytes), NaN),
      fdsMedian: median(s.map((x) => x.openFds)),
      fdsMax: maxOr(s.map((x) => x.openFds), NaN),
      heapMedianBytes: heaps.length > 0 ? median(heaps) : null,
      heapMaxBytes: heaps.length > 0 ? Math.max(...heaps) : null,
      loopDelayP99Ms: loopP99.length > 0 ? Math.max(...loopP99) : null,
      loopDelayMaxMs: loopMax.length > 0 ? Math.max(...loopMax) : null,
      probes: p.ok.length + p.failures,
      healthzP99Ms: percentile(p.ok, 99),
      healthzMaxMs: maxOr([...p.ok], NaN),
      healthzFailures: p.failures,
      calls: c.ok.length + c.failures,
      callP50Ms: percentile(c.ok, 50),
      callP99Ms: percentile(c.ok, 99),
      callFailures: c.failures,
    };
  });
}

const mb = (b: number | null) => (b === null || Number.isNaN(b) ? '–' : (b / 1048576).toFixed(1));
const ms = (n: number | null) => (n === null || Number.isNaN(n) ? '–' : n.toFixed(1));
const int = (n: number) => (Number.isNaN(n) ? '–' : String(n));

export function windowsMarkdown(rows: WindowFigures[]): string {
  return [
    '| window | seconds | RSS MB median / max | open fds median / max | V8 heap used MB median / max | event-loop delay p99 (worst 5 s) / max ms | /healthz p99 / max ms | normal calls | normal p50 / p99 ms | normal failures |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.window} | ${r.fromS.toFixed(0)}–${r.toS.toFixed(0)} | ${mb(r.rssMedianBytes)} / ${mb(r.rssMaxBytes)} | ${int(r.fdsMedian)} / ${int(r.fdsMax)} | ${mb(r.heapMedianBytes)} / ${mb(r.heapMaxBytes)} | ${ms(r.loopDelayP99Ms)} / ${ms(r.loopDelayMaxMs)} | ${ms(r.healthzP99Ms)} / ${ms(r.healthzMaxMs)}${r.healthzFailures ? ` (${r.healthzFailures} failed)` : ''} | ${r.calls} | ${ms(r.callP50Ms)} / ${ms(r.callP99Ms)} | ${r.callFailures} |`,
    ),
  ].join('\n');
}
