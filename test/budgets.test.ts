// Budgets end to end: each call's cost in its audit record, a soft warning header, a hard stop at
// the budget (402 in the endpoint's dialect, with retry-after), the counted spend equal to the sum of
// the recorded costs (its rebuild from the audit log at start: gateway/limits/spend.test.ts).
import t from 'tap';
import { startDemoGateway } from './support/demo-gateway.js';
import { until } from './support/until.js';

t.test('a budget stops calls at its limit; the counted cost is the sum of the recorded costs', async (t) => {
  const gw = await startDemoGateway((c) => {
    c.spend = { softPercent: 1, hardStopStatus: 402 };
  });
  t.teardown(() => gw.close());
  const admin = { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' };
  const created = (await (await fetch(`${gw.url}/admin/v1/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ id: 'budgeted', team: 'demo', budget: { dailyUsd: 0.0002 } }) })).json()) as { secret: string };
  const chat = () =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${created.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'tell me about the union' }] }),
    });
  const spent = async () => ((await (await fetch(`${gw.url}/admin/v1/keys/budgeted`, { headers: admin })).json()) as { spend: { day_usd: number } }).spend.day_usd;

  let ok = 0;
  let warned = 0;
  let stopped: Response | null = null;
  for (let i = 0; i < 100 && !stopped; i++) {
    const before = await spent();
    const res = await chat();
    if (res.status === 402) stopped = res;
    else {
      t.equal(res.status, 200);
      ok++;
      if (res.headers.get('x-termsgate-budget')) warned++;
      await res.arrayBuffer();
      // The cost is counted after the answer; the next call is checked against it.
      await until(spent, (s) => s > before, 5_000);
    }
  }
  t.ok(stopped, 'the budget stopped the key');
  t.ok(ok >= 2, `calls went through until then (${ok})`);
  t.equal(warned, ok - 1, 'every call after the first carried the soft warning (softPercent 1)');
  t.equal(stopped!.headers.get('x-termsgate-decision-id') !== null, true);
  t.ok(Number(stopped!.headers.get('retry-after')) >= 1, 'retry-after: to the next day');
  t.match(await stopped!.json(), { error: { type: 'insufficient_quota', code: 'budget_exceeded', message: /the daily budget of virtual key budgeted is spent/ } });

  const records = (await (await fetch(`${gw.url}/admin/v1/audit/records?key_id=budgeted&limit=1000`, { headers: admin })).json()) as { records: { record: { phase: string; cost_usd?: number; principal: { key_id: string } } }[] };
  const completed = records.records.map((r) => r.record).filter((r) => r.principal?.key_id === 'budgeted' && r.phase === 'completed');
  t.equal(completed.length, ok, 'every call that went through is recorded');
  t.ok(completed.every((r) => typeof r.cost_usd === 'number' && r.cost_usd > 0), 'each with its cost');
  const sum = completed.reduce((s, r) => s + r.cost_usd!, 0);
  const counted = await spent();
  t.ok(Math.abs(counted - sum) < 1e-9, `counted $${counted} = recorded $${sum}`);
  t.ok(counted >= 0.0002, 'stopped at the budget, not before');

  const metrics = (await (await fetch(`${gw.url}/metrics`)).text()).split('\n');
  const spendLine = metrics.find((l) => l.startsWith('termsgate_spend') && l.includes('team="demo"') && l.includes('model="gpt-4o-mini"') && l.includes('provider="openai"'));
  t.ok(spendLine, 'spend by team, model and provider in /metrics');
  t.ok(Math.abs(Number(spendLine!.split(' ').at(-1)) - sum) < 1e-9, 'the metric counts the recorded costs');
  t.ok(metrics.some((l) => l.startsWith('termsgate_team_tokens') && l.includes('team="demo"') && l.includes('type="output"')), 'tokens by team');
  t.ok(metrics.some((l) => l.startsWith('termsgate_budget_warnings') && l.includes('team="demo"') && l.endsWith(` ${warned}`)), 'soft threshold crossings counted');

  const anthropic = await fetch(`${gw.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': created.secret, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 32, messages: [{ role: 'user', content: 'hello' }] }),
  });
  t.equal(anthropic.status, 402);
  t.match(await anthropic.json(), { type: 'error', error: { type: 'billing_error' } }, "in Anthropic's dialect");
});

t.test('a burst of concurrent calls is held to the budget: calls in flight hold their estimated cost', async (t) => {
  const gw = await startDemoGateway();
  t.teardown(() => gw.close());
  const admin = { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' };
  const budget = 0.0002;
  const created = (await (await fetch(`${gw.url}/admin/v1/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ id: 'burst', team: 'demo', budget: { dailyUsd: budget } }) })).json()) as { secret: string };
  const statuses = await Promise.all(
    Array.from({ length: 30 }, () =>
      fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${created.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 60, messages: [{ role: 'user', content: 'tell me about the union' }] }),
      }).then(async (r) => ({ status: r.status, body: await r.text() })),
    ),
  );
  const admitted = statuses.filter((s) => s.status === 200).length;
  const stopped = statuses.filter((s) => s.status === 402);
  t.equal(admitted + stopped.length, 30, 'every call admitted or stopped by the budget');
  t.ok(admitted >= 1 && admitted < 30, `${admitted} of 30 went ahead at once`);
  t.match(stopped[0].body, /held by \d+ call\(s\) in flight/, 'the refusal says what calls in flight hold');
  const records = (await (await fetch(`${gw.url}/admin/v1/audit/records?key_id=burst&limit=1000`, { headers: admin })).json()) as { records: { record: { phase: string; cost_usd?: number; principal: { key_id: string } } }[] };
  const costs = records.records.map((r) => r.record).filter((r) => r.principal?.key_id === 'burst' && r.phase === 'completed').map((r) => r.cost_usd!);
  const spent = costs.reduce((s, c) => s + c, 0);
  t.ok(spent <= budget + Math.max(...costs), `spent $${spent.toFixed(6)} of $${budget}: at most one call past the budget (before holds: 10 of 30 went ahead and spent $0.000371)`);
});
