import t from 'tap';
import { readFileSync } from 'node:fs';
import { CHART_VALUES_SCHEMA, chartConfigSchema, chartValuesSchema } from './chart-schema.js';
import { configSchema } from './schema.js';

t.test('the chart values schema committed is the one generated from the configuration schema', async (t) => {
  const committed = readFileSync(CHART_VALUES_SCHEMA, 'utf8');
  t.equal(committed, chartValuesSchema(committed), 'stale: run npx tsx gateway/config/chart-schema.ts (or make chart-schema) and commit the result');
});

t.test('the chart accepts every configuration section but those it sets itself', async (t) => {
  const chart = chartConfigSchema().properties as Record<string, { properties?: Record<string, unknown> }>;
  const owned = ['server', 'dataDir', 'demo'];
  t.same(Object.keys(chart).sort(), Object.keys(configSchema.properties).filter((k) => !owned.includes(k)).sort());
  for (const section of ['oidc', 'detector', 'intake']) t.ok(chart[section], section);
  t.ok(chart.audit.properties?.witnesses, 'audit.witnesses');
  t.ok(chart.audit.properties?.witnessQuorum, 'audit.witnessQuorum');
  t.notOk(chart.audit.properties?.backend, 'audit.backend is the chart\'s');
  t.notOk(chart.policy.properties?.dir, 'policy.dir is the chart\'s');
});
