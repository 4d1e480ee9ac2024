// Realistic records for the audit benchmarks.
import type { CallRecord } from '../../gateway/core/contracts.js';

const teams = ['research', 'legal', 'platform', 'support'];
const models = ['gpt-4o-mini', 'claude-3-5-haiku-latest', 'llama-3.1-8b-instruct', 'deepseek-r1'];

export function benchRecord(i: number): CallRecord {
  const deny = i % 10 === 9;
  return {
    decision_id: `01J${String(i).padStart(23, '0')}`,
    phase: deny ? 'denied' : 'completed',
    time: new Date(Date.UTC(2026, 0, 1) + i * 10).toISOString(),
    principal: { key_id: `vk_${i % 50}`, team: teams[i % 4], project: 'default' },
    endpoint: 'chat.completions',
    provider: 'openai',
    model: models[i % 4],
    upstream_model: models[i % 4],
    purpose: 'general',
    decision: deny ? 'deny' : 'allow',
    reasons: deny ? [{ rule: 'deny_secret_to_external', message: 'the request contains a secret and the model is external' }] : [],
    obligations: { watermark: true, content_logging: 'digest', redactions: [] },
    policy_revision: 'sha256:5f3c2a9e1b7d4c6a',
    data_classes: deny ? ['secret.api_key'] : [],
    request_digest: 'sha256:' + (i * 2654435761).toString(16).padStart(64, '0'),
    response_digest: deny ? null : 'sha256:' + (i * 40503).toString(16).padStart(64, '0'),
    usage: deny ? null : { input_tokens: 120 + (i % 100), output_tokens: 300 + (i % 50) },
    latency_ms: deny ? 2 : 640,
    status: deny ? 403 : 200,
    error: null,
    watermark_id: deny ? null : `wm_${i}`,
    training_permit_id: null,
    licence: 'openai-terms',
    trainable: false,
  };
}
