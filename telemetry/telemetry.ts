// Builds the gateway's Telemetry from the OTEL_* environment (or explicit exporters, for tests).
import { context, ROOT_CONTEXT, trace, type Context, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { MeterProvider, type MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { RecordedCall } from './call.js';
import { createGatewayMetrics, type GatewayMetrics } from './metrics.js';
import { observeEventLoopDelay } from './event-loop-delay.js';
import { withUnitSuffixes } from './prometheus-names.js';
import { noTraceFields, NOOP_TELEMETRY } from './noop.js';
import { readTelemetrySettings, type TelemetrySettings } from './settings.js';
import type { CallStart, CallTelemetry, LogTraceFields, Telemetry } from './types.js';

export type { CallTelemetry, Telemetry } from './types.js';

export interface TelemetryOptions {
  /** Overrides OTEL_SDK_DISABLED. */
  enabled?: boolean;
  /** Exports spans through a SimpleSpanProcessor, in addition to those OTEL_TRACES_EXPORTER names (tests). */
  traceExporter?: SpanExporter;
  /** Further span processors, e.g. a BatchSpanProcessor around a custom exporter. */
  spanProcessors?: SpanProcessor[];
  /** An extra metric reader (tests); GET /metrics keeps its own. */
  metricReader?: MetricReader;
  /** Defaults to process.env. */
  env?: Record<string, string | undefined>;
  serviceVersion?: string;
  /** Receives configuration warnings (unsupported exporters); defaults to stderr. */
  warn?: (message: string) => void;
}

export function createTelemetry(opts: TelemetryOptions = {}): Telemetry {
  const settings = readTelemetrySettings(opts.env ?? process.env);
  const warn = opts.warn ?? ((m: string) => process.stderr.write(`telemetry: ${m}\n`));
  for (const w of settings.warnings) warn(w);
  if (!(opts.enabled ?? settings.enabled)) return NOOP_TELEMETRY;
  return new SdkTelemetry(settings, opts);
}

const propagator = new W3CTraceContextPropagator();
let contextManagerInstalled = false;

class SdkTelemetry implements Telemetry {
  readonly enabled = true;
  readonly tracing: boolean;
  readonly #tracerProvider: BasicTracerProvider | undefined;
  readonly #tracer: Tracer | undefined;
  readonly #meterProvider: MeterProvider;
  readonly #metrics: GatewayMetrics;
  readonly #prometheus: PrometheusExporter | undefined;
  readonly #serializer = new PrometheusSerializer();
  readonly #stopLoopDelay: (() => void) | undefined;

  constructor(settings: TelemetrySettings, opts: TelemetryOptions) {
    const resource = gatewayResource(opts.serviceVersion);
    const processors = [...spanProcessors(settings, opts.traceExporter), ...(opts.spanProcessors ?? [])];
    this.tracing = processors.length > 0;
    if (this.tracing) {
      this.#tracerProvider = new BasicTracerProvider({ resource, spanProcessors: processors });
      this.#tracer = this.#tracerProvider.getTracer('termsgate', opts.serviceVersion);
      installContextManager();
    }
    // /metrics is served by the gateway's own fastify route, so the exporter never opens a port.
    this.#prometheus = settings.prometheus ? new PrometheusExporter({ preventServerStart: true }) : undefined;
    const readers: MetricReader[] = [];
    if (this.#prometheus) readers.push(this.#prometheus);
    if (opts.metricReader) readers.push(opts.metricReader);
    this.#meterProvider = new MeterProvider({ resource, readers });
    const meter = this.#meterProvider.getMeter('termsgate', opts.serviceVersion);
    this.#metrics = createGatewayMetrics(meter);
    // Sampled only when something reads metrics: with no reader its histogram would never be reset.
    if (readers.length > 0) this.#stopLoopDelay = observeEventLoopDelay(meter);
  }

  startCall(start: CallStart): CallTelemetry {
    return new RecordedCall(this.#metrics, this.#tracer, this.#tracer ? parentContext(start) : undefined, start);
  }

  recordPolicyEval(ms: number): void {
    this.#metrics.policyEval.record(ms / 1000);
  }

  recordAuditCommit(ms: number): void {
    this.#metrics.auditCommit.record(ms / 1000);
  }

  setFeedLag(records: number): void {
    this.#metrics.feedLag.record(records);
  }

  setDistillationScopes(counts: { kind: string; level: string; count: number }[]): void {
    for (const c of counts) this.#metrics.distillationScopes.record(c.count, { 'termsgate.scope.kind': c.kind, 'termsgate.risk.level': c.level });
  }

  logMixin(): LogTraceFields {
    if (!this.tracing) return noTraceFields();
    const span = trace.getSpan(context.active());
    if (!span) return noTraceFields();
    const sc = span.spanContext();
    return { trace_id: sc.traceId, span_id: sc.spanId };
  }

  async prometheusText(): Promise<string | null> {
    if (!this.#prometheus) return null;
    const { resourceMetrics } = await this.#prometheus.collect();
    return this.#serializer.serialize(withUnitSuffixes(resourceMetrics));
  }

  async shutdown(): Promise<void> {
    this.#stopLoopDelay?.();
    await Promise.all([this.#tracerProvider?.shutdown(), this.#meterProvider.shutdown()]);
  }
}

function gatewayResource(version: string | undefined): Resource {
  const own = resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'termsgate', ...(version ? { [ATTR_SERVICE_VERSION]: version } : {}) });
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the defaults.
  return defaultResource().merge(own).merge(detectResources({ detectors: [envDetector] }));
}

function spanProcessors(settings: TelemetrySettings, testExporter: SpanExporter | undefined): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  // The OTLP exporter and the batch processor read their own OTEL_EXPORTER_OTLP_* and OTEL_BSP_* variables.
  if (settings.traceExporters.includes('otlp')) processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  if (settings.traceExporters.includes('console')) processors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  if (testExporter) processors.push(new SimpleSpanProcessor(testExporter));
  return processors;
}

function parentContext(start: CallStart): Context | undefined {
  if (start.traceparent === undefined) return undefined;
  const carrier: Record<string, string> = { traceparent: start.traceparent };
  if (start.tracestate !== undefined) carrier.tracestate = start.tracestate;
  return propagator.extract(ROOT_CONTEXT, carrier, {
    get: (c, key) => c[key],
    keys: (c) => Object.keys(c),
  });
}

// AsyncLocalStorage carries the active span across awaits, so a pino mixin can find it.
function installContextManager(): void {
  if (contextManagerInstalled) return;
  contextManagerInstalled = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}
