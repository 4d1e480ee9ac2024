// The policy's decisions as a developer meets them through the gateway: denials citing the clause,
// provenance tokens saying what may train a model, secrets kept from external providers, and
// every denial in the audit log.
import t from 'tap';
import OpenAI from 'openai';
import { decodeJwt } from 'jose';
import { request } from 'undici';
import { startDemoGateway } from './support/demo-gateway.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());
const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });

async function call(model: string, content: string, purpose?: string) {
  try {
    const { data, response } = await client.chat.completions
      .create({ model, messages: [{ role: 'user', content }] }, purpose ? { headers: { 'x-termsgate-purpose': purpose } } : {})
      .withResponse();
    const token = response.headers.get('x-termsgate-provenance');
    return { ok: true as const, data, claims: token ? decodeJwt(token) : null, headers: response.headers };
  } catch (err) {
    return { ok: false as const, err: err as InstanceType<typeof OpenAI.APIError> };
  }
}

t.test('xAI outputs are refused for every training purpose, and are never trainable', async (t) => {
  for (const purpose of ['training-data', 'distillation']) {
    const r = await call('grok-3-mini', 'Write ten varied questions about geography.', purpose);
    t.notOk(r.ok, `grok-3-mini denied for ${purpose}`);
    if (r.ok) continue;
    t.ok(r.err instanceof OpenAI.PermissionDeniedError);
    const error = r.err.error as { reasons: Array<{ rule: string }> };
    t.same(error.reasons.map((x) => x.rule), ['terms.licence_unverified']);
  }
  const general = await call('grok-3-mini', 'Explain photosynthesis briefly.');
  t.ok(general.ok, 'everyday use is allowed');
  if (general.ok) t.equal(general.claims?.trainable, false, 'its output is marked untrainable');
});

t.test('training-data purpose to providers whose terms forbid it: 403 citing the clause', async (t) => {
  for (const model of ['gpt-4o-mini', 'claude-3-5-haiku-latest']) {
    const r = await call(model, 'Write ten varied questions about geography.', 'training-data');
    t.notOk(r.ok, `${model} denied`);
    if (r.ok) continue;
    t.ok(r.err instanceof OpenAI.PermissionDeniedError);
    const error = r.err.error as { message: string; decision_id: string; reasons: Array<{ rule: string; clause?: { section: string; text: string; url: string } }> };
    t.match(error.decision_id, /^[0-9a-f-]{36}$/);
    t.equal(r.err.headers?.get('x-termsgate-decision-id'), error.decision_id);
    const cited = error.reasons.find((x) => x.clause);
    t.ok(cited, 'a reason cites a clause');
    t.ok(cited!.clause!.text.length > 20 && /^https:\/\//.test(cited!.clause!.url), 'the clause is quoted with its source');
    t.match(error.message, cited!.rule, 'the message names the rule');
  }
});

t.test('training-data purpose to open-weight models is allowed and trainable', async (t) => {
  for (const model of ['qwen2.5-7b-instruct', 'deepseek-r1']) {
    const r = await call(model, 'Write ten varied questions about geography.', 'training-data');
    t.ok(r.ok, `${model} allowed`);
    if (r.ok) t.equal(r.claims?.trainable, true);
  }
});

t.test('provenance: provider outputs not trainable; open checkpoints trainable under their own licence', async (t) => {
  const expected: Record<string, [string, boolean]> = {
    'gpt-4o-mini': ['openai-services-agreement', false],
    'claude-3-5-haiku-latest': ['anthropic-commercial-terms', false],
    'grok-3-mini': ['xai-enterprise-terms', false],
    'mistral-small-latest': ['mistral-commercial-terms', false],
    'qwen2.5-7b-instruct': ['qwen2.5-7b-instruct', true],
    'qwen2.5-3b-instruct': ['qwen2.5-3b-instruct', true],
    'deepseek-r1': ['deepseek-r1', true],
    'deepseek-v3': ['deepseek-v3', true],
    'gemma-3-12b-it': ['gemma-3-12b-it', true],
    'llama-3.1-8b-instruct': ['llama-3.1-8b-instruct', true],
  };
  for (const [model, [licence, trainable]] of Object.entries(expected)) {
    const r = await call(model, 'Explain photosynthesis briefly.');
    t.ok(r.ok, `${model} allowed`);
    if (!r.ok) continue;
    t.equal(r.claims?.licence, licence, `${model} licence`);
    t.equal(r.claims?.trainable, trainable, `${model} trainable`);
    t.equal(r.claims?.policy_revision, r.headers.get('x-termsgate-policy-revision'), 'the token names the revision that decided');
  }
});

t.test('secrets are denied to external providers, allowed to self-hosted ones', async (t) => {
  const secret = 'please debug: OPENAI_API_KEY=sk-proj-' + 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7dE9f';
  const denied = await call('gpt-4o-mini', secret);
  t.notOk(denied.ok, 'denied to OpenAI');
  if (!denied.ok) t.match(JSON.stringify(denied.err.error), /secret/i);
  const pem = 'key:\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----';
  t.notOk((await call('claude-3-5-haiku-latest', pem)).ok, 'private key denied to Anthropic');
  const internal = await call('qwen2.5-7b-instruct', secret);
  t.ok(internal.ok, 'allowed to the self-hosted model');
});

t.test('personal data makes an otherwise trainable output not trainable', async (t) => {
  const r = await call('qwen2.5-7b-instruct', 'Draft a reply to jane.doe@example.com about her order.');
  t.ok(r.ok);
  if (r.ok) t.equal(r.claims?.trainable, false);
});

t.test('a purpose outside the configured vocabulary is refused (400), and the refusal is recorded', async (t) => {
  const admin = { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' };
  const status = (await (await request(`${gw.url}/admin/v1/policies`, { headers: admin })).body.json()) as { active?: { revision: string } };
  t.ok(status.active?.revision, 'the active revision is reported');
  const r = await call('gpt-4o-mini', 'hello', 'no-such-purpose');
  t.notOk(r.ok, 'an unknown purpose is refused');
  if (!r.ok) {
    t.equal(r.err.status, 400);
    const id = r.err.headers?.get('x-termsgate-decision-id');
    const records = await request(`${gw.url}/admin/v1/audit/records`, { headers: admin });
    t.match(await records.body.text(), id!, 'the refusal is in the audit log');
  }
});

t.test('a completed call is recorded with digests keying its stored content', async (t) => {
  const admin = { authorization: `Bearer ${gw.adminToken}` };
  const body = { model: 'qwen2.5-7b-instruct', messages: [{ role: 'user' as const, content: 'Name three rivers.' }] };
  const { data, response } = await client.chat.completions.create(body).withResponse();
  const id = response.headers.get('x-termsgate-decision-id')!;
  type Row = { record: { decision_id: string; phase: string; request_digest: string; response_digest: string } };
  let completed: Row['record'] | undefined;
  for (let i = 0; i < 40 && !completed; i++) {
    const rows = ((await (await request(`${gw.url}/admin/v1/audit/records?limit=1000`, { headers: admin })).body.json()) as { records: Row[] }).records;
    completed = rows.map((r) => r.record).find((r) => r.decision_id === id && r.phase === 'completed');
    if (!completed) await new Promise((r) => setTimeout(r, 50));
  }
  t.ok(completed, 'the completed record is in the log');
  const content = async (digest: string) => ((await (await request(`${gw.url}/admin/v1/audit/content/${digest}`, { headers: admin })).body.json()) as { content: unknown }).content;
  t.same(await content(completed!.request_digest), body, 'the request digest keys the stored request');
  const strip = (s: string) => s.replace(/[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF]/g, '');
  t.equal(await content(completed!.response_digest), strip(data.choices[0].message.content!), 'the response digest keys the stored, unmarked answer');
});
