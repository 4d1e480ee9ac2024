import t from 'tap';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { CallFacts, CallRecord } from '../core/contracts.js';
import { factsFromRecord, lastCalls } from './dry-run/dry-run.js';
import { buildPolicyInput } from './input.js';
import { policyInputSchema } from './schemas.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const validInput = addFormats(new Ajv({ strict: true })).compile(policyInputSchema);

const facts: CallFacts = {
  principal: { keyId: 'vk_1', team: 'demo', project: 'chat', defaultPurpose: 'general', allowedPurposes: ['general'] },
  purpose: 'general',
  endpoint: 'messages',
  route: { name: 'claude-3-5-haiku-latest', providerId: 'anthropic', providerKind: 'anthropic', external: true, upstreamModel: 'claude-3-5-haiku-20241022', licence: 'anthropic-commercial-terms' },
  dataClasses: { classes: ['pii.email'], counts: { 'pii.email': 2 }, paths: { 'pii.email': ['messages[0].content', 'metadata.owner'] } },
  stream: true,
  now: '2026-11-28T12:00:00.000Z',
};

t.test('buildPolicyInput maps the call to the documented input', async (t) => {
  const input = buildPolicyInput(facts);
  t.same(input, {
    principal: { key_id: 'vk_1', team: 'demo', project: 'chat', default_purpose: 'general', allowed_purposes: ['general'] },
    purpose: 'general',
    endpoint: 'messages',
    route: { model: 'claude-3-5-haiku-latest', provider: 'anthropic', provider_kind: 'anthropic', external: true, upstream_model: 'claude-3-5-haiku-20241022', revision: '', licence: 'anthropic-commercial-terms' },
    data_classes: ['pii.email'],
    data_class_counts: { 'pii.email': 2 },
    data_class_paths: { 'pii.email': ['messages[0].content', 'metadata.owner'] },
    stream: true,
    now: '2026-11-28T12:00:00.000Z',
    distillation: { level: 'low', score: 0, scope: '', signals: [], cleared: false },
  });
  t.ok(validInput(input), 'matches the JSON Schema in policies/README.md');
  const risky = buildPolicyInput({ ...facts, distillation: { level: 'high', score: 81.6, scope: 'key:vk_1', signals: ['harvesting'], cleared: false } });
  t.same(risky.distillation, { level: 'high', score: 82, scope: 'key:vk_1', signals: ['harvesting'], cleared: false }, 'the risk goes in with a whole score');
  t.ok(validInput(risky));
  t.notOk(validInput({ ...input, now: 'yesterday' }));
});

const record = (id: string, phase: CallRecord['phase'], model: string | null = 'deepseek-r1'): CallRecord => ({
  decision_id: id, phase, time: '2026-11-28T12:00:00Z', principal: { key_id: 'vk_1', team: 'demo', project: 'chat' },
  endpoint: 'chat.completions', provider: model ? 'vllm' : null, model, upstream_model: null, purpose: 'evaluation', decision: 'allow',
  reasons: [], obligations: null, policy_revision: 'r', data_classes: ['secret.token', 'pii.email'], request_digest: null,
  response_digest: null, usage: null, latency_ms: null, status: 200, error: null, watermark_id: null, training_permit_id: null,
  licence: 'deepseek-r1', trainable: true,
});

t.test('factsFromRecord rebuilds the facts a recorded call was decided on', async (t) => {
  const f = factsFromRecord(record('a', 'completed'))!;
  t.same(f.principal.allowedPurposes, ['evaluation'], 'the recorded purpose counts as allowed');
  t.equal(f.route.external, true, 'without configuration every provider counts as external');
  t.equal(f.route.licence, 'deepseek-r1');
  t.same(f.dataClasses, { classes: ['pii.email', 'secret.token'], counts: { 'pii.email': 1, 'secret.token': 1 } });
  t.equal(factsFromRecord(record('b', 'failed', null)), null, 'calls that never reached routing are skipped');
  const withConfig = factsFromRecord(record('a', 'completed'), {
    route: () => ({ name: 'deepseek-r1', providerId: 'vllm', providerKind: 'openai-compatible', external: false, upstreamModel: 'x', licence: 'deepseek-r1' }),
  })!;
  t.equal(withConfig.route.external, false);
});

t.test('lastCalls keeps the latest phase of the last N calls', async (t) => {
  async function* records() {
    yield record('a', 'started');
    yield record('b', 'started');
    yield record('a', 'completed');
    yield record('c', 'denied');
  }
  const calls = await lastCalls(records(), 2);
  t.same(calls.map((c) => [c.decision_id, c.phase]), [['a', 'completed'], ['c', 'denied']]);
});
