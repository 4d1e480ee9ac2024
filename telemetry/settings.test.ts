import t from 'tap';
import { readTelemetrySettings } from './settings.js';

t.test('defaults: metrics on (Prometheus), tracing off until an exporter or endpoint is named', async (t) => {
  t.same(readTelemetrySettings({}), { enabled: true, traceExporters: [], prometheus: true, warnings: [] });
  t.same(readTelemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).traceExporters, ['otlp']);
  t.same(readTelemetrySettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }).traceExporters, ['otlp']);
});

t.test('OTEL_SDK_DISABLED switches everything off', async (t) => {
  const s = readTelemetrySettings({ OTEL_SDK_DISABLED: ' TRUE ', OTEL_TRACES_EXPORTER: 'otlp' });
  t.same(s, { enabled: false, traceExporters: [], prometheus: false, warnings: [] });
  t.equal(readTelemetrySettings({ OTEL_SDK_DISABLED: 'false' }).enabled, true);
});

t.test('OTEL_TRACES_EXPORTER: lists, none, and unsupported names', async (t) => {
  t.same(readTelemetrySettings({ OTEL_TRACES_EXPORTER: 'otlp, console,otlp' }).traceExporters, ['otlp', 'console']);
  t.same(readTelemetrySettings({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).traceExporters, []);
  const s = readTelemetrySettings({ OTEL_TRACES_EXPORTER: 'zipkin,console' });
  t.same(s.traceExporters, ['console']);
  t.match(s.warnings, [/unsupported exporter "zipkin"/]);
});

t.test('OTEL_METRICS_EXPORTER: prometheus or none', async (t) => {
  t.equal(readTelemetrySettings({ OTEL_METRICS_EXPORTER: 'none' }).prometheus, false);
  t.equal(readTelemetrySettings({ OTEL_METRICS_EXPORTER: 'prometheus' }).prometheus, true);
  const s = readTelemetrySettings({ OTEL_METRICS_EXPORTER: 'otlp' });
  t.equal(s.prometheus, false);
  t.match(s.warnings, [/unsupported exporter "otlp"/]);
});
