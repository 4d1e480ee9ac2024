// Cost of one streamed call's telemetry (startCall, four stages, decision, first token, usage, end) with telemetry off,
// with metrics only, and with metrics and tracing. Run: npx tsx bench/telemetry/overhead.bench.ts [--json FILE]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ExportResultCode } from '@opentelemetry/core';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createTelemetry } from '../../telemetry/telemetry.js';
import type { CallRoute, Telemetry } from '../../telemetry/types.js';

const ROUTE: CallRoute = { name: 'gpt-4o-mini', providerId: 'openai', providerKind: 'openai', upstreamModel: 'gpt-4o-mini' };
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200_000);

function oneCall(telemetry: Telemetry): void {
  const call = telemetry.startCall({ route: '/v1/chat/completions', endpoint: 'chat.completions', stream: true });
  call.setRoute(ROUTE);
  const policy = call.stage('policy');
  policy.end();
  call.setDecision({ decision: 'allow', revision: 'rev-1' });
  const upstream = call.stage('upstream');
  call.firstToken();
  upstream.end();
  call.setUsage({ input_tokens: 12, output_tokens: 34 });
  const audit = call.stage('audit');
  audit.end();
  const feed = call.stage('feed');
  feed.end();
  call.end({ status: 200 });
}

/**
 * Wall-clock nanoseconds per call inside the loops, and CPU nanoseconds per call over the whole run
 * (so including the batch processor's work between slices). CPU time holds steady when other processes
 * share the cores; it is counted in scheduler ticks, so it means little for the no-op case.
 */
async function nsPerCall(telemetry: Telemetry): Promise<{ wall: number; cpu: number }> {
  for (let i = 0; i < ITERATIONS / 10; i++) oneCall(telemetry);
  let wall = 0n;
  const cpu0 = process.cpuUsage();
  // Slices of 1000 calls, yielding between them so the batch processor can hand its spans over,
  // as it does between requests in the gateway.
  for (let done = 0; done < ITERATIONS; done += 1000) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) oneCall(telemetry);
    wall += process.hrtime.bigint() - start;
    await new Promise((r) => setImmediate(r));
  }
  const used = process.cpuUsage(cpu0);
  return { wall: Number(wall) / ITERATIONS, cpu: ((used.user + used.system) * 1000) / ITERATIONS };
}

/** Stands in for the OTLP exporter without the network: the batch processor's work is all that remains. */
class DiscardingExporter implements SpanExporter {
  exported = 0;
  export(spans: unknown[], done: (r: { code: ExportResultCode }) => void): void {
    this.exported += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
}

const off = createTelemetry({ enabled: false });
const metricsOnly = createTelemetry({ env: {} });
const exporter = new DiscardingExporter();
const traced = createTelemetry({
  env: {},
  spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 65536, maxExportBatchSize: 4096, scheduledDelayMillis: 50 })],
});

const rows = [
  ['off (OTEL_SDK_DISABLED=true)', await nsPerCall(off)],
  ['metrics only (no trace exporter)', await nsPerCall(metricsOnly)],
  ['metrics + tracing (5 spans/call)', await nsPerCall(traced)],
] as const;
console.log(`telemetry overhead per call, ${ITERATIONS} calls each, node ${process.version}`);
console.log(`${'mode'.padEnd(36)} ${'wall ns/call'.padStart(13)} ${'cpu ns/call'.padStart(12)}`);
for (const [mode, ns] of rows) console.log(`${mode.padEnd(36)} ${ns.wall.toFixed(0).padStart(13)} ${ns.cpu.toFixed(0).padStart(12)}`);
await Promise.all([metricsOnly.shutdown(), traced.shutdown()]);
const { values } = parseArgs({ options: { json: { type: 'string' } } });
if (values.json) {
  const results = rows.map(([mode, ns]) => ({ mode, wall_ns_per_call: Math.round(ns.wall), cpu_ns_per_call: Math.round(ns.cpu) }));
  writeFileSync(values.json, JSON.stringify({ iterations: ITERATIONS, node: process.version, results }, null, 2) + '\n');
}
console.log(`spans exported: ${exporter.exported}`);
