// Issue 24, retries and fallbacks the policy approves, through the whole gateway. The primary model's
// provider is down (the mock provider answering 503); its fallback is served by another provider under
// another licence. A fallback is a new decision: the answer's decision, trainability, provenance token
// and audit record follow the model that answered; a training-data call skips a fallback whose terms
// forbid training; retries back off and honour retry-after; nothing is retried once a stream has started.
import t from 'tap';
import { decodeJwt } from 'jose';
import { startDemoGateway, type DemoGateway } from './support/demo-gateway.js';
import { startMockUpstream, type MockUpstream } from '../gateway/mock-upstream/index.js';
import type { CallRecord } from '../gateway/core/contracts.js';
import { finalRecord } from './support/gateway-calls.js';
import { until } from './support/until.js';

let gw: DemoGateway;
let down: MockUpstream;
let flaky: MockUpstream;

t.before(async () => {
  down = await startMockUpstream({ outage: { status: 503 } });
  flaky = await startMockUpstream({ outage: { status: 503, requests: 2 } });
  gw = await startDemoGateway((config) => {
    const keyEnv = config.providers.openai.apiKeyEnv;
    config.providers['vllm-down'] = { kind: 'openai-compatible', baseUrl: down.url, apiKeyEnv: keyEnv, external: false, retry: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 50 } };
    config.providers['vllm-flaky'] = { kind: 'openai-compatible', baseUrl: flaky.url, apiKeyEnv: keyEnv, external: false, retry: { maxRetries: 3, baseDelayMs: 10, maxDelayMs: 50 } };
    config.providers.openai.retry = { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 50 };
    // The primary: a freely trainable checkpoint on the provider that is down.
    config.models['qwen-primary'] = { provider: 'vllm-down', upstreamModel: 'Qwen/Qwen2.5-7B-Instruct', licence: 'qwen2.5-7b-instruct', fallbacks: ['gpt-4o-mini'] };
    config.models['qwen-for-training'] = { provider: 'vllm-down', upstreamModel: 'Qwen/Qwen2.5-7B-Instruct', licence: 'qwen2.5-7b-instruct', fallbacks: ['gpt-4o-mini', 'claude-3-5-haiku-latest', 'llama-3.1-8b-instruct'] };
    config.providers['anthropic-down'] = { kind: 'anthropic', baseUrl: down.url, apiKeyEnv: keyEnv, licence: 'anthropic-commercial-terms' };
    config.models['claude-down'] = { provider: 'anthropic-down', upstreamModel: 'claude-3-5-haiku-latest', fallbacks: ['gemini-2.0-flash', 'claude-3-5-haiku-latest'] };
    config.models['qwen-flaky'] = { provider: 'vllm-flaky', upstreamModel: 'Qwen/Qwen2.5-7B-Instruct', licence: 'qwen2.5-7b-instruct' };
    config.models['gpt-4o-mini'].fallbacks = [];
  });
});
t.teardown(async () => {
  await gw.close();
  await down.close();
  await flaky.close();
});

async function chat(model: string, opts: { purpose?: string; stream?: boolean; text?: string } = {}) {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', ...(opts.purpose ? { 'x-termsgate-purpose': opts.purpose } : {}) },
    body: JSON.stringify({ model, stream: opts.stream ?? false, messages: [{ role: 'user', content: opts.text ?? 'Tell me about the harvest this year.' }] }),
  });
  const text = await res.text();
  const token = res.headers.get('x-termsgate-provenance');
  return { status: res.status, text, id: res.headers.get('x-termsgate-decision-id')!, claims: token ? decodeJwt(token) : null };
}


t.test('the primary answers 503: the fallback answers, and everything follows it', async (t) => {
  const before = down.received().length;
  const res = await chat('qwen-primary');
  t.equal(res.status, 200);
  t.equal(down.received().length - before, 2, 'the primary was tried and retried once');
  t.equal(gw.mock.received().at(-1)?.body && (gw.mock.received().at(-1)!.body as { model: string }).model, 'gpt-4o-mini', 'the fallback provider got the call with its own model');
  t.match(res.claims, { licence: 'openai-services-agreement', trainable: false, decision_id: res.id }, 'the provenance token names the licence that answered');
  const record = await finalRecord(gw, res.id);
  t.match(record, { phase: 'completed', model: 'gpt-4o-mini', provider: 'openai', licence: 'openai-services-agreement', trainable: false, status: 200 });
  t.same(
    record.attempts?.map((a) => [a.model, a.decision, a.trainable, a.status]),
    [
      ['qwen-primary', 'allow', true, 503],
      ['qwen-primary', 'allow', true, 503],
      ['gpt-4o-mini', 'allow', false, 200],
    ],
    'every attempt with its decision',
  );
});

t.test('a training-data call skips the fallbacks whose terms forbid training', async (t) => {
  const res = await chat('qwen-for-training', { purpose: 'training-data' });
  t.equal(res.status, 200);
  t.match(res.claims, { licence: 'llama-3.1-8b-instruct', trainable: true });
  const record = await finalRecord(gw, res.id);
  t.match(record, { model: 'llama-3.1-8b-instruct', licence: 'llama-3.1-8b-instruct', trainable: true, purpose: 'training-data' });
  const attempts = record.attempts!;
  t.same(attempts.map((a) => [a.model, a.decision, a.status]), [
    ['qwen-for-training', 'allow', 503],
    ['qwen-for-training', 'allow', 503],
    ['gpt-4o-mini', 'deny', 0],
    ['claude-3-5-haiku-latest', 'deny', 0],
    ['llama-3.1-8b-instruct', 'allow', 200],
  ]);
  t.ok(attempts[2].rules.includes('terms.training_forbidden') && attempts[3].rules.includes('terms.training_forbidden'), 'denied by the terms rule');
  t.ok(attempts[2].policy_revision, 'with the policy revision');
});

t.test('a fallback whose provider has no endpoint for the caller is skipped', async (t) => {
  const res = await fetch(`${gw.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': gw.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-down', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] }),
  });
  t.equal(res.status, 200);
  const record = await finalRecord(gw, res.headers.get('x-termsgate-decision-id')!);
  t.same(record.attempts?.map((a) => [a.model, a.decision, a.rules]), [
    ['claude-down', 'allow', []],
    ['gemini-2.0-flash', 'deny', ['termsgate.fallback_endpoint']],
    ['claude-3-5-haiku-latest', 'allow', []],
  ]);
});

t.test('no fallback admitted: the caller gets the primary failure, and the record lists the denials', async (t) => {
  const res = await chat('qwen-primary', { purpose: 'training-data' });
  t.equal(res.status, 503);
  const record = await finalRecord(gw, res.id);
  t.match(record, { phase: 'failed', model: 'qwen-primary', status: 503 });
  t.same(record.attempts?.map((a) => [a.model, a.decision]), [
    ['qwen-primary', 'allow'],
    ['qwen-primary', 'allow'],
    ['gpt-4o-mini', 'deny'],
  ]);
});

t.test('retries honour retry-after and then succeed on the same provider', async (t) => {
  const res = await chat('qwen-flaky');
  t.equal(res.status, 200);
  const record = await finalRecord(gw, res.id);
  t.same(record.attempts?.map((a) => a.status), [503, 503, 200]);
  // The mock provider asks for retry-after: 1 with every 503.
  t.ok(record.attempts!.slice(1).every((a) => a.waited_ms >= 1000), 'each retry waited at least what retry-after asked');
  t.equal(record.model, 'qwen-flaky');
});

t.test('a 4xx is neither retried nor a reason to fall back', async (t) => {
  const before = gw.mock.received().length;
  const res = await chat('gpt-4o-mini', { text: 'mock:status=400' });
  t.equal(res.status, 400);
  t.equal(gw.mock.received().length - before, 1);
  const record = await finalRecord(gw, res.id);
  t.notOk(record.attempts, 'one attempt: no list');
});

t.test('nothing is retried once the first byte reached the caller', async (t) => {
  const before = gw.mock.received().length;
  const res = await chat('gpt-4o-mini', { stream: true, text: 'mock:reset-after=2' });
  t.equal(res.status, 200, 'the stream had started');
  t.equal(gw.mock.received().length - before, 1, 'one provider call, no retry');
  const record = await finalRecord(gw, res.id);
  t.equal(record.phase, 'failed');
});

t.test('a connection reset before the answer is retried', async (t) => {
  const before = gw.mock.received().length;
  const res = await chat('gpt-4o-mini', { text: 'mock:reset' });
  t.equal(res.status, 502);
  t.equal(gw.mock.received().length - before, 3, 'the first attempt and two retries');
  const record = await finalRecord(gw, res.id);
  t.same(record.attempts?.map((a) => a.status), [502, 502, 502]);
});
