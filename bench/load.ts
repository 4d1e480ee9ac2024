// Drives one target with autocannon (programmatic API) and measures every 2xx response time at
// sub-millisecond resolution: autocannon's own histogram rounds to whole milliseconds, too coarse
// for an overhead aim of 1 ms.
import autocannon from 'autocannon';
import { windowFigures } from './stats.js';

export interface Target {
  /** Full URL of the chat completions endpoint. */
  url: string;
  headers: Record<string, string>;
}

export interface LoadOptions {
  connections: number;
  durationS: number;
  body: string;
  /** A body per request instead of `body` (each call a different prompt, so each answer differs). */
  nextBody?: () => string;
  /** Requests per second over all connections; unset for as fast as the target answers. */
  overallRate?: number;
  /** Counts 2xx answers as they arrive, for a caller that samples during the run (the soak). */
  progress?: { ok: number };
}

export interface LoadResult {
  connections: number;
  durationS: number;
  overallRate: number | null;
  requests: number;
  /** Calls answered 2xx. */
  ok: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** CPU seconds (user + system) of the system's process tree during this run, when sampled. */
  cpuSeconds?: number;
}

// Bounds the memory of the sample buffer; at the rates this machine reaches it is never full.
const MAX_SAMPLES = 2_000_000;

export function runLoad(target: Target, opts: LoadOptions): Promise<LoadResult> {
  const samples = new Float64Array(MAX_SAMPLES);
  let n = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        body: opts.body,
        ...(opts.nextBody ? { requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, body: opts.nextBody!() }) }] } : {}),
        connections: opts.connections,
        duration: opts.durationS,
        overallRate: opts.overallRate,
        timeout: 30,
        pipelining: 1,
      },
      (err, result) => {
        if (err) return reject(err);
        const sorted = samples.subarray(0, n).sort();
        const ok = sorted.length;
        resolve({
          connections: opts.connections,
          durationS: opts.durationS,
          overallRate: opts.overallRate ?? null,
          requests: result.requests.total,
          ok,
          ...windowFigures(sorted, ok, opts.durationS),
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode < 200 || statusCode >= 300) return;
      if (opts.progress) opts.progress.ok++;
      if (n < MAX_SAMPLES) samples[n++] = responseTime;
    });
  });
}
