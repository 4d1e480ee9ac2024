// Produces a JSON value satisfying a JSON Schema as well as a mock reasonably can: every declared
// property (required ones included), enums, consts, formats, bounds and local $refs.
import { intBetween, pick, type Rng } from './rng.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

type Schema = Record<string, unknown>;

const MAX_DEPTH = 6;

/** phrase: a short piece of text for string values. */
export function sampleJson(schema: unknown, rng: Rng, phrase: () => string): Json {
  const root = isObject(schema) ? schema : {};
  return sample(root, root, rng, phrase, 0);
}

function sample(schema: Schema, root: Schema, rng: Rng, phrase: () => string, depth: number): Json {
  const resolved = resolveRef(schema, root);
  if ('const' in resolved) return resolved.const as Json;
  if (Array.isArray(resolved.enum) && resolved.enum.length > 0) return pick(rng, resolved.enum) as Json;
  const alternatives = (resolved.anyOf ?? resolved.oneOf) as unknown;
  if (Array.isArray(alternatives)) {
    const first = alternatives.find((s) => isObject(s) && s.type !== 'null') ?? alternatives[0];
    return sample(isObject(first) ? first : {}, root, rng, phrase, depth);
  }
  const type = typeOf(resolved);
  if (depth >= MAX_DEPTH && (type === 'object' || type === 'array')) return type === 'object' ? {} : [];
  switch (type) {
    case 'object': {
      const props = isObject(resolved.properties) ? resolved.properties : {};
      const out: { [key: string]: Json } = {};
      const required = Array.isArray(resolved.required) ? (resolved.required as string[]) : [];
      for (const key of [...required, ...Object.keys(props)]) {
        if (key in out) continue;
        const sub = props[key];
        out[key] = sample(isObject(sub) ? sub : {}, root, rng, phrase, depth + 1);
      }
      return out;
    }
    case 'array': {
      const items = isObject(resolved.items) ? resolved.items : {};
      const min = typeof resolved.minItems === 'number' ? resolved.minItems : 1;
      const max = typeof resolved.maxItems === 'number' ? resolved.maxItems : Math.max(min, 3);
      return Array.from({ length: intBetween(rng, min, Math.max(min, Math.min(max, min + 2))) }, () =>
        sample(items, root, rng, phrase, depth + 1),
      );
    }
    case 'integer':
    case 'number': {
      const min = typeof resolved.minimum === 'number' ? Math.ceil(resolved.minimum) : 1;
      const max = typeof resolved.maximum === 'number' ? Math.floor(resolved.maximum) : Math.max(min, 100);
      return intBetween(rng, min, Math.max(min, max));
    }
    case 'boolean':
      return rng() < 0.5;
    case 'null':
      return null;
    default:
      return sampleString(resolved, rng, phrase);
  }
}

function sampleString(schema: Schema, rng: Rng, phrase: () => string): string {
  switch (schema.format) {
    case 'date-time':
      return new Date(Date.UTC(2024, intBetween(rng, 0, 11), intBetween(rng, 1, 28), 12)).toISOString();
    case 'date':
      return `2024-0${intBetween(rng, 1, 9)}-1${intBetween(rng, 0, 9)}`;
    case 'email':
      return `${phrase().split(' ')[0].toLowerCase().replace(/[^a-z]/g, '') || 'user'}@example.com`;
    case 'uri':
      return `https://example.com/${phrase().split(' ')[0].toLowerCase().replace(/[^a-z]/g, '')}`;
    default: {
      const text = phrase();
      return typeof schema.maxLength === 'number' ? text.slice(0, schema.maxLength) : text;
    }
  }
}

function typeOf(schema: Schema): string {
  const t = schema.type;
  if (Array.isArray(t)) return (t.find((x) => x !== 'null') as string | undefined) ?? 'null';
  if (typeof t === 'string') return t;
  if (isObject(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return 'string';
}

function resolveRef(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = isObject(node) ? node[part] : undefined;
  return isObject(node) ? node : {};
}

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
