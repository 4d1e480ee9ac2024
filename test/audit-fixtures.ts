// Shared helpers of the audit tests: records, configs, temporary data directories, signing keys.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../gateway/config/types.js';
import type { CallRecord } from '../gateway/core/contracts.js';
import { signingKeysFrom, type SigningKeys } from '../gateway/signing/keys.js';

export const PG_URL = process.env.TERMSGATE_TEST_PG_URL ?? 'postgres://termsgate:termsgate@127.0.0.1:54329/termsgate';

// Removed when the test's process exits (tap runs each file in its own): the crash tests alone left about
// 50 MB a run in the system's temporary folder.
const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function tempDataDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `termsgate-${name}-`));
  made.push(dir);
  return dir;
}

export function testKeys(): SigningKeys {
  return signingKeysFrom(generateKeyPairSync('ed25519').privateKey, randomBytes(32));
}

export function auditConfig(over: Partial<Config['audit']> = {}): Config['audit'] {
  return { backend: 'file', origin: 'termsgate.test/audit', checkpointIntervalMs: 0, syncIntervalMs: 2, ...over };
}

const teams = ['research', 'legal', 'platform'];
const models = ['gpt-4o-mini', 'claude-3-5-haiku-latest', 'deepseek-r1'];

export function sampleRecord(i: number, over: Partial<CallRecord> = {}): CallRecord {
  const deny = i % 5 === 4;
  return {
    decision_id: `dec-${String(i).padStart(8, '0')}`,
    phase: deny ? 'denied' : 'completed',
    time: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    principal: { key_id: `key-${i % 7}`, team: teams[i % 3], project: 'default' },
    endpoint: 'chat.completions',
    provider: 'openai',
    model: models[i % 3],
    upstream_model: models[i % 3],
    purpose: 'general',
    decision: deny ? 'deny' : 'allow',
    reasons: deny ? [{ rule: 'deny_secret', message: 'request contains a secret' }] : [],
    obligations: { watermark: true, content_logging: 'full', redactions: [] },
    policy_revision: 'rev-1',
    data_classes: [],
    request_digest: null,
    response_digest: null,
    usage: { input_tokens: 12 + (i % 10), output_tokens: 40 },
    latency_ms: 120,
    status: deny ? 403 : 200,
    error: null,
    watermark_id: null,
    training_permit_id: null,
    licence: 'openai-services-agreement',
    trainable: false,
    ...over,
  };
}
