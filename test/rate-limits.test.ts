// Rate limits end to end: 429 with retry-after in the endpoint's dialect, per key and per team, for
// requests and estimated tokens, each refusal on the record. (Recovery after the window:
// gateway/limits/rate-limits.test.ts, with a one-second window.)
import t from 'tap';
import { startDemoGateway } from './support/demo-gateway.js';

t.test('429 with retry-after, per key and team, in both dialects', async (t) => {
  const gw = await startDemoGateway((c) => {
    c.teams = { demo: { limits: { requestsPerMinute: 1000 } }, capped: { limits: { requestsPerMinute: 1 } } };
  });
  t.teardown(() => gw.close());
  const admin = { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' };
  const create = async (body: object) => ((await (await fetch(`${gw.url}/admin/v1/keys`, { method: 'POST', headers: admin, body: JSON.stringify(body) })).json()) as { secret: string }).secret;
  const openai = (key: string, content = 'hello') =>
    fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }) });
  const anthropic = (key: string) =>
    fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 32, messages: [{ role: 'user', content: 'hello' }] }),
    });

  const rpm = await create({ team: 'demo', id: 'rpm-2', limits: { requestsPerMinute: 2 } });
  t.equal((await openai(rpm)).status, 200);
  t.equal((await openai(rpm)).status, 200);
  const limited = await openai(rpm);
  t.equal(limited.status, 429);
  const retryAfter = Number(limited.headers.get('retry-after'));
  t.ok(retryAfter >= 1 && retryAfter <= 60, `retry-after in seconds (${retryAfter})`);
  const decision = limited.headers.get('x-termsgate-decision-id');
  t.ok(decision, 'the refusal has a decision id');
  t.match(await limited.json(), { error: { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'rate limit of virtual key rpm-2 reached: 2 requests per minute' } });

  const one = await create({ team: 'demo', id: 'rpm-1', limits: { requestsPerMinute: 1 } });
  t.equal((await anthropic(one)).status, 200);
  const limitedA = await anthropic(one);
  t.equal(limitedA.status, 429);
  t.ok(limitedA.headers.get('retry-after'));
  t.match(await limitedA.json(), { type: 'error', error: { type: 'rate_limit_error', message: /rpm-1/ } }, "in Anthropic's dialect");

  const tpm = await create({ team: 'demo', id: 'tpm-100', limits: { tokensPerMinute: 100 } });
  t.equal((await openai(tpm)).status, 200, 'a small call fits');
  const big = await openai(tpm, 'x'.repeat(2000));
  t.equal(big.status, 429, 'a call whose estimate exceeds the tokens per minute is refused before the provider');
  t.match(await big.json(), { error: { message: /estimated \d+ input tokens exceed the 100 tokens per minute of virtual key tpm-100/ } });

  const a = await create({ team: 'capped', id: 'capped-a' });
  const b = await create({ team: 'capped', id: 'capped-b' });
  await openai(a);
  const teamLimited = await openai(b);
  t.equal(teamLimited.status, 429, "the team's limit counts all its keys");
  t.match(await teamLimited.json(), { error: { message: 'rate limit of team capped reached: 1 requests per minute' } });

  const records = (await (await fetch(`${gw.url}/admin/v1/audit/records?limit=1000`, { headers: admin })).json()) as { records: { record: { decision_id: string; status: number } }[] };
  t.equal(records.records.find((r) => r.record.decision_id === decision)?.record.status, 429, 'the refusal is recorded');
});
