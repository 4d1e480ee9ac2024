// V8 heap used and event-loop delay of termsgate, read from its /metrics (the gauges
// process.runtime.nodejs.memory.heap.used of telemetry/metrics.ts and nodejs.eventloop.delay.* of
// telemetry/event-loop-delay.ts, the latter over the time since the previous scrape). Metrics are on in the bench's termsgate: its environment sets no OTEL_SDK_DISABLED
// and no OTEL_METRICS_EXPORTER, so Prometheus text is served at /metrics (the default).
import { request } from 'undici';

const HEAP_LINE = /^process_runtime_nodejs_memory_heap_used(?:_bytes)?(?:\{[^}]*\})? ([0-9.eE+-]+)$/m;

/** Bytes of the heap gauge in a Prometheus text, or null when it is not there. */
export function heapUsedFromPrometheus(text: string): number | null {
  const m = HEAP_LINE.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

const loopDelayLine = (stat: string) => new RegExp(`^nodejs_eventloop_delay_${stat}(?:_seconds)?(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm');
const LOOP_P99 = loopDelayLine('p99');
const LOOP_MAX = loopDelayLine('max');

/** Event-loop delay p99 and max in ms in a Prometheus text (since the previous collection), or null when not there. */
export function loopDelayFromPrometheus(text: string): { p99Ms: number; maxMs: number } | null {
  const p99 = Number(LOOP_P99.exec(text)?.[1]);
  const max = Number(LOOP_MAX.exec(text)?.[1]);
  return Number.isFinite(p99) && Number.isFinite(max) && p99 >= 0 && max >= 0 ? { p99Ms: p99 * 1000, maxMs: max * 1000 } : null;
}

export interface GatewayGauges {
  heapUsedBytes: number | null;
  loopDelay: { p99Ms: number; maxMs: number } | null;
}

/** GET <origin>/metrics: the heap gauge and the event-loop delay since the previous scrape; nulls when metrics are off or the scrape fails. */
export async function scrapeGauges(origin: string): Promise<GatewayGauges> {
  try {
    const res = await request(`${origin}/metrics`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
    const text = await res.body.text();
    if (res.statusCode !== 200) return { heapUsedBytes: null, loopDelay: null };
    return { heapUsedBytes: heapUsedFromPrometheus(text), loopDelay: loopDelayFromPrometheus(text) };
  } catch {
    return { heapUsedBytes: null, loopDelay: null };
  }
}

/** GET <origin>/metrics and its heap gauge; null when metrics are off (404), the gauge is missing, or the scrape fails. */
export async function scrapeHeapUsed(origin: string): Promise<number | null> {
  try {
    const res = await request(`${origin}/metrics`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
    const text = await res.body.text();
    return res.statusCode === 200 ? heapUsedFromPrometheus(text) : null;
  } catch {
    return null;
  }
}
