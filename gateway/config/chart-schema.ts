// The Helm chart's values.schema.json, `config` part: generated from the configuration's JSON Schema
// (schema.ts) so the chart accepts exactly what the gateway does. The rest of values.schema.json (the
// chart's own values) is written by hand; only `properties.config` is replaced.
//   npx tsx gateway/config/chart-schema.ts          # rewrites charts/termsgate/values.schema.json
//   npx tsx gateway/config/chart-schema.ts --check  # exit 1 if the committed file is stale
// chart-schema.test.ts fails when the committed file differs from what this produces.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../core/package-root.js';
import { configSchema } from './schema.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/**
 * Fields the chart sets itself in templates/configmap.yaml (listening address, data directory, policy
 * directory, audit backend and signer from postgres.* and auditSigner.*), and demo mode, which a chart
 * install never runs. The chart refuses them under `config`.
 */
const CHART_OWNED: Record<string, string[]> = {
  '': ['server', 'dataDir', 'demo'],
  policy: ['dir', 'bundleKey'],
  audit: ['backend', 'postgresUrl', 'signer'],
};

export const CHART_VALUES_SCHEMA = join(packageRoot, 'charts', 'termsgate', 'values.schema.json');

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function omit(schema: JsonObject, keys: string[]): void {
  const properties = schema.properties as JsonObject;
  for (const key of keys) delete properties[key];
  if (Array.isArray(schema.required)) schema.required = schema.required.filter((k) => !keys.includes(k as string));
}

/** The schema of the chart's `config` value. */
export function chartConfigSchema(): JsonObject {
  const schema = clone(configSchema) as unknown as JsonObject;
  delete schema.$id;
  for (const [path, keys] of Object.entries(CHART_OWNED)) omit(path === '' ? schema : ((schema.properties as JsonObject)[path] as JsonObject), keys);
  // values.yaml leaves the bundle URL empty (`bundleUrl: ""`); the configmap template drops it then.
  const policy = (schema.properties as JsonObject).policy as JsonObject;
  const bundleUrl = (policy.properties as JsonObject).bundleUrl as JsonObject;
  (policy.properties as JsonObject).bundleUrl = { anyOf: [bundleUrl, { const: '' }] };
  return {
    description:
      'The gateway configuration (generated from gateway/config/schema.ts by gateway/config/chart-schema.ts; do not edit). ' +
      'server, dataDir, policy.dir and the audit backend and signer are set by the chart.',
    ...schema,
  };
}

/** values.schema.json with its `config` part regenerated. */
export function chartValuesSchema(current: string): string {
  const values = JSON.parse(current) as JsonObject;
  (values.properties as JsonObject).config = chartConfigSchema();
  return format(values) + '\n';
}

/** JSON with objects and arrays on one line where they fit in 120 columns, as the hand-written part is. */
export function format(value: Json, indent = '', prefix = 0): string {
  const inline = oneLine(value);
  if (value === null || typeof value !== 'object' || indent.length + prefix + inline.length <= 120) return inline;
  const inner = indent + '  ';
  const items = Array.isArray(value)
    ? value.map((v) => inner + format(v, inner))
    : Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner, JSON.stringify(k).length + 2)}`);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return items.length === 0 ? open + close : `${open}\n${items.join(',\n')}\n${indent}${close}`;
}

function oneLine(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(oneLine).join(', ')}]`;
  const entries = Object.entries(value);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${oneLine(v)}`).join(', ')} }`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = process.argv.includes('--file') ? process.argv[process.argv.indexOf('--file') + 1] : CHART_VALUES_SCHEMA;
  const current = readFileSync(path, 'utf8');
  const next = chartValuesSchema(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      console.error(`${path} is stale: run npx tsx gateway/config/chart-schema.ts`);
      process.exit(1);
    }
  } else if (next !== current) {
    writeFileSync(path, next);
    console.log(`wrote ${path}`);
  }
}
