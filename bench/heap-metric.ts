// V8 heap used of termsgate, read from its /metrics (the gauge process.runtime.nodejs.memory.heap.used of
// telemetry/metrics.ts). Metrics are on in the bench's termsgate: its environment sets no OTEL_SDK_DISABLED
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
