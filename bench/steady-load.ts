// Open-loop load at a steady rate: requests leave on a fixed schedule whether or not earlier ones
// have answered, so a slow answer shows as latency instead of lowering the rate. autocannon's
// overallRate cannot do this: each connection spends its per-second quota back to back at the start
// of every second, which turns "half the peak rate" into bursts at full concurrency.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { LoadResult, Target } from './load.js';
import { windowFigures } from './stats.js';

// Enough sockets that the pool never limits an open-loop rate this machine can serve.
const CONNECTIONS = 256;
const TICK_MS = 1;

export async function runSteady(target: Target, opts: { rate: number; durationS: number; body: string }): Promise<LoadResult> {
  const url = new URL(target.url);
  const pool = new Pool(url.origin, { connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 30_000 });
  const total = Math.max(1, Math.round(opts.rate * opts.durationS));
  const samples = new Float64Array(total);
  const headers = { 'content-type': 'application/json', ...target.headers };
  let sent = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  const pending = new Set<Promise<void>>();

  const fire = () => {
    const t0 = performance.now();
    const p = pool
      .request({ method: 'POST', path: url.pathname, headers, body: opts.body, headersTimeout: 30_000, bodyTimeout: 30_000 })
      .then(async (res) => {
        await res.body.arrayBuffer();
        if (res.statusCode >= 200 && res.statusCode < 300) samples[ok++] = performance.now() - t0;
        else non2xx++;
      })
      .catch(() => {
        errors++;
      });
    pending.add(p);
    void p.finally(() => pending.delete(p));
    sent++;
  };

  const start = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * opts.rate));
      while (sent < due) fire();
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  // Every request carries its own timeouts, so this wait is bounded.
  await Promise.all([...pending]);
  await pool.close();
  const sorted = samples.subarray(0, ok).sort();
  return {
    connections: CONNECTIONS,
    durationS: opts.durationS,
    overallRate: opts.rate,
    requests: sent,
    ok,
    ...windowFigures(sorted, ok, opts.durationS),
    errors,
    timeouts: 0,
    non2xx,
  };
}
