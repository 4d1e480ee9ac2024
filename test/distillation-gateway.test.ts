// The distillation monitor through the real gateway (demo configuration, mock provider): a campaign
// raises a key to high and the default policy then refuses a restricted provider for it, naming the
// signals; a legal-team clearance is recorded and lifts it; ordinary traffic stays low; purpose
// laundering is flagged. Every wait polls what it asserts on.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashSecret } from '../gateway/core/secret-hash.js';
import { startDemoGateway } from './support/demo-gateway.js';
import { until } from './support/until.js';

// The legal team's webhook: receives an alert when a scope's risk rises to high.
const alerts: { scope: string; level: string; auth?: string }[] = [];
const hookToken = 'tg-hook-' + randomBytes(8).toString('hex');
process.env.TERMSGATE_TEST_HOOK_TOKEN = hookToken;
const hook = createServer((req, res) => {
  let data = '';
  req.on('data', (c) => (data += c));
  req.on('end', () => {
    alerts.push({ ...(JSON.parse(data) as { scope: string; level: string }), auth: req.headers.authorization });
    res.end();
  });
});
await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
t.teardown(() => hook.close());

const normalKey = 'tg-test-normal-' + randomBytes(8).toString('hex');
const launderKey = 'tg-test-launder-' + randomBytes(8).toString('hex');
const gw = await startDemoGateway((config) => {
  config.keys.push(
    { id: 'helpdesk-1', hash: hashSecret(normalKey), team: 'support-contractors', project: 'helpdesk', defaultPurpose: 'support', allowedPurposes: ['general', 'support'] },
    { id: 'datasets-1', hash: hashSecret(launderKey), team: 'ml-research', project: 'datasets', defaultPurpose: 'general', allowedPurposes: ['general', 'training-data'] },
  );
  config.distillation.webhooks = [{ url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`, level: 'high', tokenEnv: 'TERMSGATE_TEST_HOOK_TOKEN' }];
});
t.teardown(() => gw.close());

async function chat(key: string, model: string, content: string, extra: Record<string, unknown> = {}, purpose?: string) {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(purpose ? { 'x-termsgate-purpose': purpose } : {}) },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }], ...extra }),
  });
  return { status: res.status, warning: res.headers.get('x-termsgate-warning'), body: (await res.json()) as { error?: { message: string } } };
}

interface Scope {
  scope: string;
  level: string;
  score: number;
  cleared: boolean;
  calls: number;
  signals: { name: string; examples: string[] }[];
}
async function risk(): Promise<Map<string, Scope>> {
  const res = await fetch(`${gw.url}/admin/v1/distillation-risk`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
  const body = (await res.json()) as { scopes: Scope[] };
  return new Map(body.scopes.map((s) => [s.scope, s]));
}
const levelOf = (scope: string) => until(risk, (m) => m.get(scope)?.level === 'high').then((m) => m.get(scope));

const vocabulary = 'the a we our build test deploy customer invoice query table index cache error crash login page button style layout email draft meeting notes summary plan budget report chart refund order shipping account password reset'.split(' ');
const ordinary = (i: number) => {
  let x = (i + 7) * 2654435761;
  const next = () => ((x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) >>> 0) % 1_000_000) / 1_000_000;
  return Array.from({ length: 8 + Math.floor(next() * 25) }, () => vocabulary[Math.floor(next() * vocabulary.length)]).join(' ');
};
const topics = ['enzyme kinetics', 'buffer solutions', 'redox titration', 'crystal field theory', 'chirality', 'aromaticity', 'le chatelier', 'nucleophilic substitution', 'hybridisation', 'entropy of mixing'];

t.test('a templated reasoning sweep raises the key to high; the default policy refuses restricted providers, naming the signals', async (t) => {
  for (let i = 0; i < 80; i++) {
    const r = await chat(gw.key, 'gpt-4o-mini', `You are an expert tutor. Explain ${topics[i % 10]} (variant ${i}) step by step, showing your full reasoning before the final answer.`, { max_tokens: 4096 });
    if (r.status === 403) break;
    t.equal(r.status, 200);
  }
  const scope = await levelOf('key:demo');
  t.equal(scope?.level, 'high', JSON.stringify(scope));
  t.ok(scope!.signals.find((s) => s.name === 'reasoning_elicitation')?.examples.length, 'signals carry example decision ids');

  const refused = await chat(gw.key, 'gpt-4o-mini', 'What is the boiling point of water?');
  t.equal(refused.status, 403);
  t.match(refused.body.error?.message, /distillation\.high_risk/);
  t.match(refused.body.error?.message, /signals: [a-z_, ]*reasoning_elicitation/);
  t.match(refused.body.error?.message, /until the legal team clears (key|project|team):demo/);
  const selfHosted = await chat(gw.key, 'qwen2.5-7b-instruct', 'What is the boiling point of water?');
  t.equal(selfHosted.status, 200, 'models whose licence allows training stay open');
  t.match(selfHosted.warning, /^distillation risk: (key|project|team):demo is high/);

  const changes = await fetch(`${gw.url}/admin/v1/changes?action=distillation.risk&target=key:demo`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
  const recorded = ((await changes.json()) as { changes: { record: { after: string; actor: { id: string } } }[] }).changes;
  t.ok(recorded.some((c) => c.record.after.startsWith('high score') && c.record.actor.id === 'distillation-monitor'), 'the rise to high is a record in the audit log');
  await until(async () => alerts, (a) => a.some((x) => x.scope === 'key:demo'));
  t.match(alerts.find((x) => x.scope === 'key:demo'), { scope: 'key:demo', level: 'high', auth: `Bearer ${hookToken}` }, 'the webhook is alerted, with its token');
});

t.test("a legal-team clearance is recorded and lifts the refusal for the cleared scopes", async (t) => {
  const post = (scope: string, reason?: string) =>
    fetch(`${gw.url}/admin/v1/distillation-risk/clearances`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(reason === undefined ? { scope } : { scope, reason, days: 7 }),
    });
  t.equal((await post('key:demo')).status, 400, 'a clearance must say why');
  t.equal((await post('key:nobody', 'r')).status, 404);
  t.equal((await post('provider:openai', 'r')).status, 400, "a provider's risk informs; only keys, projects and teams are cleared");
  for (const scope of ['key:demo', 'project:demo', 'team:demo']) t.equal((await post(scope, 'approved: tutoring evaluation set, counsel ticket LEGAL-123')).status, 201, scope);
  const lifted = await chat(gw.key, 'gpt-4o-mini', 'What is the boiling point of water?');
  t.equal(lifted.status, 200);
  t.match(lifted.warning, /cleared by the legal team/);
  const changes = await fetch(`${gw.url}/admin/v1/changes?action=distillation.clear`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
  const recorded = ((await changes.json()) as { changes: { record: { target: string; reason: string; actor: { id: string } } }[] }).changes;
  t.same(recorded.map((c) => [c.record.target, c.record.actor.id]), [['key:demo', 'demo-admin'], ['project:demo', 'demo-admin'], ['team:demo', 'demo-admin']]);
});

t.test('ordinary traffic stays low and carries no warning', async (t) => {
  for (let i = 0; i < 70; i++) {
    const r = await chat(normalKey, 'claude-3-5-haiku-latest', ordinary(i), { temperature: [0, 0.5, 1][i % 3] });
    t.equal(r.status, 200);
    t.equal(r.warning, null);
  }
  const m = await until(risk, (m) => m.get('key:helpdesk-1')?.calls === 70);
  t.equal(m.get('key:helpdesk-1')?.level, 'low', JSON.stringify(m.get('key:helpdesk-1')));
  t.equal(m.get('team:support-contractors')?.level, 'low');
});

t.test('purpose laundering: prompts refused for training, then resent under another purpose, are flagged', async (t) => {
  const prompts = Array.from({ length: 4 }, (_, i) => `Write ten diverse question and answer pairs about ${topics[i]} for a dataset`);
  for (const p of prompts) t.equal((await chat(launderKey, 'gpt-4o-mini', p, {}, 'training-data')).status, 403, 'refused by the terms');
  for (const p of prompts) t.equal((await chat(launderKey, 'gpt-4o-mini', p, {}, 'general')).status, 200);
  const m = await until(risk, (m) => (m.get('key:datasets-1')?.signals ?? []).some((s) => s.name === 'purpose_laundering'));
  const scope = m.get('key:datasets-1')!;
  t.equal(scope.signals[0].name, 'purpose_laundering', 'the strongest signal');
  t.not(scope.level, 'low');
});

t.test('nothing secret and no prompt text in what the monitor shows or records (canaries)', async (t) => {
  const canary = 'canary' + randomBytes(8).toString('hex');
  for (let i = 0; i < 3; i++) t.equal((await chat(launderKey, 'qwen2.5-7b-instruct', `Explain ${canary} step by step`)).status, 200);
  await until(risk, (m) => (m.get('key:datasets-1')?.calls ?? 0) >= 7);
  const shown = await (await fetch(`${gw.url}/admin/v1/distillation-risk`, { headers: { authorization: `Bearer ${gw.adminToken}` } })).text();
  const recorded = await (await fetch(`${gw.url}/admin/v1/changes?limit=1000`, { headers: { authorization: `Bearer ${gw.adminToken}` } })).text();
  const alerted = JSON.stringify(alerts.map(({ auth: _auth, ...body }) => body));
  for (const [name, value] of Object.entries({ canary, virtualKey: gw.key, normalKey, launderKey, providerKey: gw.providerKey, adminToken: gw.adminToken, hookToken })) {
    t.notOk(alerted.includes(value), `no alert body holds the ${name}`);
    t.notOk(shown.includes(value), `the admin route does not show the ${name}`);
    t.notOk(recorded.includes(value), `the change records do not hold the ${name}`);
  }
});
