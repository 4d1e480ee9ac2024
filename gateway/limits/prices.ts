// The price catalogue (policies/data/prices.json, beside the licence catalogue): per public model name,
// US dollars per million input, cached-input and output tokens, with the page they were taken from and
// when. A call's cost is its usage at its model's prices; a model without an entry has no cost (self-hosted).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { Usage } from '../core/contracts.js';

export const PRICES_FILE = 'data/prices.json';

export interface ModelPrice {
  input: number;
  cached_input: number;
  output: number;
  source: string;
  /** YYYY-MM-DD: when the prices were read from the source. */
  as_of: string;
}

export interface PriceCatalogue {
  prices: { currency: 'USD'; unit: 'per million tokens'; owner: string; models: Record<string, ModelPrice> };
}

const usd = { type: 'number', minimum: 0 } as const;
const schema = {
  type: 'object',
  required: ['prices'],
  additionalProperties: false,
  properties: {
    prices: {
      type: 'object',
      required: ['currency', 'unit', 'owner', 'models'],
      additionalProperties: false,
      properties: {
        currency: { const: 'USD' },
        unit: { const: 'per million tokens' },
        owner: { type: 'string', minLength: 1 },
        models: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            required: ['input', 'cached_input', 'output', 'source', 'as_of'],
            additionalProperties: false,
            properties: { input: usd, cached_input: usd, output: usd, source: { type: 'string', pattern: '^https://' }, as_of: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
          },
        },
      },
    },
  },
} as const;

const check = new Ajv({ allErrors: true, strict: true }).compile<PriceCatalogue>(schema);

/** The catalogue's problems, one line each; none when it is valid. */
export function priceProblems(value: unknown): string[] {
  if (check(value)) return [];
  return (check.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`);
}

export class Prices {
  constructor(readonly catalogue: PriceCatalogue) {}

  /** Reads `<policyDir>/data/prices.json`; an invalid catalogue stops the start, a missing one prices nothing. */
  static load(policyDir: string): Prices {
    const path = join(policyDir, PRICES_FILE);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Prices({ prices: { currency: 'USD', unit: 'per million tokens', owner: 'none', models: {} } });
      throw err;
    }
    const value: unknown = JSON.parse(text);
    const problems = priceProblems(value);
    if (problems.length > 0) throw new Error(`${path}: ${problems.join('; ')}`);
    return new Prices(value as PriceCatalogue);
  }

  /** US dollars for this usage of the model, or null when the model has no price. Cached input tokens are part of the input tokens. */
  cost(model: string, usage: Usage): number | null {
    const p = this.catalogue.prices.models[model];
    if (!p) return null;
    const cached = Math.min(usage.cached_input_tokens ?? 0, usage.input_tokens);
    const micro = (usage.input_tokens - cached) * p.input + cached * p.cached_input + usage.output_tokens * p.output;
    // `micro` is in millionths of a dollar; the cost is kept to a millionth of a cent.
    return Math.round(micro * 100) / 1e8;
  }
}
