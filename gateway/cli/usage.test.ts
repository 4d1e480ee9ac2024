// `termsgate usage` against a running gateway: the recorded costs summed by key, team and model.
import t from 'tap';
import { parseCsvRow } from '../audit/export/csv.js';
import { run } from './usage.js';

t.test('usage by key, team and model as JSON, CSV and a table', async (t) => {
  const { startDemoGateway } = await import('../../test/support/demo-gateway.js');
  const gw = await startDemoGateway();
  t.teardown(() => gw.close());
  const admin = { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' };
  const created = (await (await fetch(`${gw.url}/admin/v1/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ id: 'second', team: 'demo' }) })).json()) as { secret: string };
  const chat = (key: string, model: string) =>
    fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }) }).then((r) => r.arrayBuffer());
  await chat(gw.key, 'gpt-4o-mini');
  await chat(gw.key, 'gemini-2.0-flash');
  await chat(created.secret, 'gpt-4o-mini');
  await chat(created.secret, 'qwen2.5-7b-instruct');

  const env = { TERMSGATE_URL: gw.url, TERMSGATE_ADMIN_TOKEN: gw.adminToken };
  let out = '';
  const write = { write: (s: string) => (out += s) };
  t.equal(await run(['--by', 'key', '--format', 'json'], write, env), 0);
  const byKey = JSON.parse(out) as { rows: { group: string; calls: number; cost_usd: number; input_tokens: number }[] };
  const records = (await (await fetch(`${gw.url}/admin/v1/audit/records?limit=1000`, { headers: admin })).json()) as { records: { record: { phase?: string; cost_usd?: number; principal?: { key_id: string } } }[] };
  for (const key of ['demo', 'second']) {
    const mine = records.records.map((r) => r.record).filter((r) => r.principal?.key_id === key && r.phase !== 'started');
    const row = byKey.rows.find((r) => r.group === key)!;
    t.equal(row.calls, 2, `${key}: two calls`);
    t.ok(Math.abs(row.cost_usd - mine.reduce((s, r) => s + (r.cost_usd ?? 0), 0)) < 1e-9, `${key}: the recorded costs, summed`);
    t.ok(row.input_tokens > 0);
  }

  out = '';
  t.equal(await run(['--by', 'model', '--format', 'csv', '--from', '2020-01-01', '--to', '2999-01-01'], write, env), 0);
  const lines = out.trimEnd().split('\r\n').map((l) => parseCsvRow(l)!);
  t.same(lines[0], ['model', 'calls', 'input_tokens', 'output_tokens', 'cost_usd']);
  t.same(lines.slice(1).map((l) => l[0]).sort(), ['gemini-2.0-flash', 'gpt-4o-mini', 'qwen2.5-7b-instruct']);
  t.equal(lines.find((l) => l[0] === 'qwen2.5-7b-instruct')![4], '0', 'a self-hosted model costs nothing recorded');

  out = '';
  t.equal(await run(['--by', 'team'], write, env), 0);
  t.match(out, /^TEAM\s+CALLS\s+INPUT TOKENS\s+OUTPUT TOKENS\s+COST USD$/m);
  t.match(out, /^demo\s+4\s/m);
  t.match(out, /^total\s+4\s/m);

  out = '';
  t.equal(await run(['--by', 'team', '--from', '2999-01-01'], write, env), 0);
  t.match(out, /^total\s+0\s+0\s+0\s+0\.000000$/m, 'nothing in a range without calls');
  t.intercept(process.stderr, 'write', { value: () => true });
  t.equal(await run(['--by', 'colour'], write, env), 2);
  t.equal((await fetch(`${gw.url}/admin/v1/usage?by=team`)).status, 401, 'the route needs a token');
});
