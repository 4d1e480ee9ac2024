// Unit suffixes for Prometheus metric names, as the OpenTelemetry spec's Prometheus compatibility rules give
// them (`s` → `_seconds`, `By` → `_bytes`, `{token}` → nothing). Written here because the JavaScript
// Prometheus exporter adds `_total` but no unit suffix; the OTel names, and every other reader, are unchanged.
import { DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

// The spec's table of UCUM units with a Prometheus word.
const UNIT_WORDS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tebibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '%': 'percent',
};

// The units after "/" in a rate ("By/s" → "bytes_per_second").
const PER_UNIT_WORDS: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year' };

/**
 * The suffix a metric with this unit takes in Prometheus, without its underscore; empty for none.
 * Annotations in braces are dropped; `1` is `ratio` for gauges only; other units keep their letters and digits.
 */
export function prometheusUnitSuffix(unit: string, gauge: boolean): string {
  const bare = unit.replace(/\{[^}]*\}/g, '').trim();
  if (bare === '') return '';
  if (bare === '1') return gauge ? 'ratio' : '';
  const slash = bare.indexOf('/');
  if (slash < 0) return word(bare, UNIT_WORDS);
  const of = word(bare.slice(0, slash), UNIT_WORDS);
  const per = word(bare.slice(slash + 1), PER_UNIT_WORDS);
  if (per === '') return of;
  return of === '' ? `per_${per}` : `${of}_per_${per}`;
}

function word(unit: string, words: Record<string, string>): string {
  return Object.hasOwn(words, unit) ? words[unit]! : unit.replace(/[^A-Za-z0-9]/g, '');
}

/** The metric under its Prometheus name (unit suffix once, unless already there), its unit the same word. */
export function withUnitSuffix(metric: MetricData): MetricData {
  const suffix = prometheusUnitSuffix(metric.descriptor.unit, metric.dataPointType === DataPointType.GAUGE);
  const name = suffix === '' || endsWithWord(metric.descriptor.name, suffix) ? metric.descriptor.name : `${metric.descriptor.name}_${suffix}`;
  return { ...metric, descriptor: { ...metric.descriptor, name, unit: suffix } } as MetricData;
}

export function withUnitSuffixes(resourceMetrics: ResourceMetrics): ResourceMetrics {
  return {
    ...resourceMetrics,
    scopeMetrics: resourceMetrics.scopeMetrics.map((scope) => ({ ...scope, metrics: scope.metrics.map(withUnitSuffix) })),
  };
}

/** "duration_seconds" and "duration.seconds" already end with "seconds"; "fractionseconds" does not. */
function endsWithWord(name: string, suffix: string): boolean {
  return name === suffix || (name.endsWith(suffix) && /[._-]/.test(name[name.length - suffix.length - 1]!));
}
