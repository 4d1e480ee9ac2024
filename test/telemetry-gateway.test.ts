// Telemetry of real calls through the gateway: /metrics counts allowed, denied and failed calls
// by route, model and decision, and neither prompts, answers nor keys ever reach it.
import t from 'tap';
import OpenAI from 'openai';
import { request } from 'undici';
import { startDemoGateway } from './support/demo-gateway.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());
const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
const prompt = 'SECRET-PROMPT-MARKER tell me about owls';

const answer = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] });
await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] }, { headers: { 'x-termsgate-purpose': 'training-data' } }).catch(() => null);
await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'mock:status=500' }] }).catch(() => null);
let streamed = '';
for await (const chunk of await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }], stream: true })) {
  streamed += chunk.choices[0]?.delta?.content ?? '';
}
await new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'tg-bad', maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch(() => null);

const metrics = await (await request(`${gw.url}/metrics`)).body.text();

t.test('calls are counted by route, model and decision', async (t) => {
  const calls = metrics.split('\n').filter((l) => l.startsWith('termsgate_calls_total{'));
  t.ok(calls.some((l) => /decision="allow"/.test(l) && /gpt-4o-mini/.test(l) && /\/v1\/chat\/completions/.test(l)), 'allowed call');
  t.ok(calls.some((l) => /decision="deny"/.test(l)), 'denied call');
  t.ok(calls.some((l) => /500/.test(l)), 'failed call by status');
  t.match(metrics, /^termsgate_policy_evaluation_duration_seconds_count/m, 'policy evaluation time, in seconds');
  t.match(metrics, /gen_ai_client_token_usage/, 'token usage');
});

/** The value of a Prometheus sample whose name is `name` and whose labels include every one of `labels`. */
function sample(name: string, labels: Record<string, string>, without: string[] = []): number | null {
  for (const line of metrics.split('\n')) {
    const m = /^([a-z_:]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const pairs = new Map([...m[2]!.matchAll(/([a-z_]+)="([^"]*)"/g)].map((p) => [p[1]!, p[2]!]));
    if (Object.entries(labels).every(([k, v]) => pairs.get(k) === v) && without.every((k) => !pairs.has(k))) return Number(m[3]);
  }
  return null;
}

t.test('the GenAI server metrics: request duration per inference call, time to first token per successful stream', async (t) => {
  const genAi = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'gpt-4o-mini' };
  t.ok(streamed.length > 0, 'the stream carried text');
  t.equal(sample('gen_ai_server_request_duration_seconds_count', genAi, ['error_type']), 3, 'the allowed, the denied and the streamed call');
  t.equal(sample('gen_ai_server_request_duration_seconds_count', { ...genAi, error_type: 'upstream_status' }), 1, 'the failed call, with its error.type');
  t.equal(sample('gen_ai_server_time_to_first_token_seconds_count', genAi), 1, 'only the successful stream has a first token');
});

t.test('no content or key reaches telemetry', async (t) => {
  t.notMatch(metrics, 'SECRET-PROMPT-MARKER');
  t.notMatch(metrics, answer.choices[0].message.content!.slice(0, 30));
  t.notMatch(metrics, gw.key);
  t.notMatch(metrics, gw.providerKey);
  t.notMatch(metrics, 'tg-bad');
});
