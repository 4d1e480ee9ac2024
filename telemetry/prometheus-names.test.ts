import t from 'tap';
import fc from 'fast-check';
import { AggregationTemporality, DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { prometheusUnitSuffix, withUnitSuffix } from './prometheus-names.js';

t.test("the spec's examples", async (t) => {
  t.equal(prometheusUnitSuffix('s', false), 'seconds');
  t.equal(prometheusUnitSuffix('By', true), 'bytes');
  t.equal(prometheusUnitSuffix('{token}', false), '', 'annotations are dropped');
  t.equal(prometheusUnitSuffix('{packet}/s', false), 'per_second');
  t.equal(prometheusUnitSuffix('By/s', false), 'bytes_per_second');
  t.equal(prometheusUnitSuffix('m/s', false), 'meters_per_second', 'm is meters before the slash, minutes after it');
  t.equal(prometheusUnitSuffix('1', true), 'ratio');
  t.equal(prometheusUnitSuffix('1', false), '', 'ratio for gauges only');
  t.equal(prometheusUnitSuffix('USD', false), 'USD', 'a unit outside the table is kept');
  t.equal(prometheusUnitSuffix('', false), '');
});

function metric(name: string, unit: string, dataPointType: DataPointType): MetricData {
  return {
    descriptor: { name, unit, description: '', valueType: 1 },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType,
    dataPoints: [],
    isMonotonic: true,
  } as unknown as MetricData;
}

t.test('names take the suffix once, and the unit line says the same word', async (t) => {
  t.same(withUnitSuffix(metric('gen_ai.server.request.duration', 's', DataPointType.HISTOGRAM)).descriptor, {
    name: 'gen_ai.server.request.duration_seconds', unit: 'seconds', description: '', valueType: 1,
  });
  t.equal(withUnitSuffix(metric('job.duration_seconds', 's', DataPointType.HISTOGRAM)).descriptor.name, 'job.duration_seconds');
  t.equal(withUnitSuffix(metric('job.fractionseconds', 's', DataPointType.HISTOGRAM)).descriptor.name, 'job.fractionseconds_seconds');
  t.same(withUnitSuffix(metric('gen_ai.client.token.usage', '{token}', DataPointType.HISTOGRAM)).descriptor.name, 'gen_ai.client.token.usage');
  t.equal(withUnitSuffix(metric('heap.used', 'By', DataPointType.GAUGE)).descriptor.name, 'heap.used_bytes');
});

const unit = fc.oneof(
  fc.constantFrom('s', 'ms', 'By', '1', '%', '{token}', '{call}/s', 'By/s', 'USD', 'm/s', ''),
  fc.string({ maxLength: 12 }),
);

t.test('properties: a Prometheus-safe suffix, no annotation survives, and suffixing is idempotent', async () => {
  fc.assert(
    fc.property(unit, fc.boolean(), (u, gauge) => {
      const suffix = prometheusUnitSuffix(u, gauge);
      if (!/^[A-Za-z0-9_]*$/.test(suffix)) throw new Error(`unsafe suffix ${JSON.stringify(suffix)} for ${JSON.stringify(u)}`);
      if (/^\{[^{}]*\}$/.test(u) && suffix !== '') throw new Error(`annotation ${u} gave ${suffix}`);
    }),
  );
  fc.assert(
    fc.property(fc.stringMatching(/^[a-z][a-z0-9_.]{0,20}$/), unit, fc.constantFrom(DataPointType.GAUGE, DataPointType.HISTOGRAM, DataPointType.SUM), (name, u, type) => {
      const once = withUnitSuffix(metric(name, u, type));
      const twice = withUnitSuffix({ ...once, descriptor: { ...once.descriptor, unit: u } } as MetricData);
      if (twice.descriptor.name !== once.descriptor.name) throw new Error(`${name} [${u}]: ${once.descriptor.name} then ${twice.descriptor.name}`);
    }),
  );
});
