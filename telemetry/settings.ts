// Reads the standard OTEL_* environment variables into the few settings termsgate acts on.
// Pure: takes the environment as an argument, returns data and the warnings to log.

export type TraceExporterName = 'otlp' | 'console';

export interface TelemetrySettings {
  /** false when OTEL_SDK_DISABLED=true: every call becomes a no-op, /metrics serves nothing. */
  enabled: boolean;
  /** Span exporters to install; empty means tracing is off. */
  traceExporters: TraceExporterName[];
  /** Whether GET /metrics serves Prometheus text (OTEL_METRICS_EXPORTER=prometheus, the default). */
  prometheus: boolean;
  warnings: string[];
}

type Env = Record<string, string | undefined>;

export function readTelemetrySettings(env: Env): TelemetrySettings {
  const warnings: string[] = [];
  const enabled = (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() !== 'true';
  return {
    enabled,
    traceExporters: enabled ? traceExporters(env, warnings) : [],
    prometheus: enabled && metricsExporters(env, warnings),
    warnings,
  };
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v.length > 0);
}

// The specification's default is "otlp", but an unconfigured gateway (a fresh clone, the demo) has no
// collector to send to, so tracing stays off until an exporter or an OTLP endpoint is named.
function traceExporters(env: Env, warnings: string[]): TraceExporterName[] {
  const named = list(env.OTEL_TRACES_EXPORTER);
  if (named.length === 0) {
    return env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? ['otlp'] : [];
  }
  if (named.includes('none')) return [];
  const out: TraceExporterName[] = [];
  for (const name of named) {
    if (name === 'otlp' || name === 'console') {
      if (!out.includes(name)) out.push(name);
    } else {
      warnings.push(`OTEL_TRACES_EXPORTER: unsupported exporter "${name}" ignored (supported: otlp, console, none)`);
    }
  }
  return out;
}

function metricsExporters(env: Env, warnings: string[]): boolean {
  const named = list(env.OTEL_METRICS_EXPORTER);
  if (named.length === 0) return true;
  if (named.includes('none')) return false;
  for (const name of named) {
    if (name !== 'prometheus') {
      warnings.push(`OTEL_METRICS_EXPORTER: unsupported exporter "${name}" ignored (supported: prometheus, none)`);
    }
  }
  return named.includes('prometheus');
}
