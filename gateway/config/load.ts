// Reads the YAML configuration, validates it against the schema (filling defaults) and stops
// with the file, the field and the reason when it is invalid.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseDocument } from 'yaml';
import { configSchema } from './schema.js';
import type { Config } from './types.js';
import { workersRefusal } from './workers.js';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${file}: ${field || '(top level)'}: ${reason}`);
  }
}

// ajv-formats is published as CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ allErrors: false, useDefaults: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(configSchema);

/** Validates a parsed configuration object; `file` is only used in messages and to resolve relative paths. */
export function validateConfig(raw: unknown, file: string): Config {
  const value = structuredClone(raw ?? {});
  if (!validate(value)) throw new ConfigError(file, fieldOf(validate.errors![0]), reasonOf(validate.errors![0]));
  const config = value as unknown as Config;
  checkReferences(config, file);
  const base = dirname(resolve(file));
  config.dataDir = resolve(base, config.dataDir);
  config.policy.dir = resolve(base, config.policy.dir);
  for (const p of Object.values(config.providers)) if (p.caFile) p.caFile = resolve(base, p.caFile);
  if (config.audit.signer && 'file' in config.audit.signer) config.audit.signer.file = resolve(base, config.audit.signer.file);
  if (config.audit.tokenKey && 'file' in config.audit.tokenKey) config.audit.tokenKey.file = resolve(base, config.audit.tokenKey.file);
  return config;
}

export function loadConfigFile(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, '', `cannot read: ${(err as Error).message}`);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new ConfigError(file, e.linePos ? `line ${e.linePos[0].line}` : '', e.message.split('\n')[0]);
  }
  return validateConfig(doc.toJS(), file);
}

/** The provider kind each token-based auth belongs to: a Google token means nothing to Azure, and the reverse. */
const AUTH_KIND = { 'google-adc': 'gemini', 'entra-id': 'azure-openai' } as const;

function checkReferences(config: Config, file: string): void {
  for (const [id, p] of Object.entries(config.providers)) {
    if (p.auth && p.auth !== 'api-key') {
      if (p.kind !== AUTH_KIND[p.auth]) throw new ConfigError(file, `providers.${id}.auth`, `${p.auth} is for kind ${AUTH_KIND[p.auth]}, not ${p.kind}`);
      if (p.apiKeyEnv) throw new ConfigError(file, `providers.${id}.apiKeyEnv`, `not used with auth ${p.auth}: the token comes from the credential chain`);
    }
  }
  for (const [name, model] of Object.entries(config.models)) {
    const provider = config.providers[model.provider];
    if (!provider) {
      throw new ConfigError(file, `models.${name}.provider`, `no provider named "${model.provider}"`);
    }
    if (!model.licence && !provider.licence) {
      throw new ConfigError(file, `models.${name}.licence`, `required: provider "${model.provider}" names no licence`);
    }
    for (const [i, fallback] of (model.fallbacks ?? []).entries()) {
      if (fallback === name) throw new ConfigError(file, `models.${name}.fallbacks[${i}]`, 'a model cannot fall back to itself');
      if (!config.models[fallback]) throw new ConfigError(file, `models.${name}.fallbacks[${i}]`, `no model named "${fallback}"`);
    }
  }
  const seen = new Set<string>();
  for (const [i, key] of config.keys.entries()) {
    if (seen.has(key.hash)) throw new ConfigError(file, `keys[${i}].hash`, 'the same key is listed twice');
    seen.add(key.hash);
    if (!key.allowedPurposes.includes(key.defaultPurpose)) {
      throw new ConfigError(file, `keys[${i}].defaultPurpose`, `"${key.defaultPurpose}" is not in allowedPurposes`);
    }
  }
  if (config.audit.backend === 'postgres' && !config.audit.postgresUrl) {
    throw new ConfigError(file, 'audit.postgresUrl', 'required when audit.backend is postgres');
  }
  const refusal = workersRefusal(config, config.server.workers);
  if (refusal) throw new ConfigError(file, refusal.field, refusal.reason);
}

function fieldOf(e: ErrorObject): string {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('')
    .replace(/^\./, '');
  if (e.keyword === 'additionalProperties') return [path, e.params.additionalProperty].filter(Boolean).join('.');
  if (e.keyword === 'required') return [path, e.params.missingProperty].filter(Boolean).join('.');
  return path;
}

function reasonOf(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties':
      return 'unknown field';
    case 'required':
      return 'is required';
    case 'enum':
      return `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return e.message ?? e.keyword;
  }
}
