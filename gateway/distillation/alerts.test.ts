// Webhook alerts: sent on a rise to the hook's level, with the bearer token, never for a fall or a rise
// that stays below it; an unreachable hook is logged, never thrown.
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RiskAlerts } from './alerts.js';
import type { ScopeRisk } from './scope-state.js';

const received: { auth: string | undefined; body: Record<string, unknown> }[] = [];
const server = createServer((req, res) => {
  let data = '';
  req.on('data', (c) => (data += c));
  req.on('end', () => {
    received.push({ auth: req.headers.authorization, body: JSON.parse(data) as Record<string, unknown> });
    res.end();
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
t.teardown(() => server.close());
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;

const risk = (level: ScopeRisk['level']): ScopeRisk => ({ scope: 'key:k1', level, score: level === 'high' ? 80 : 50, calls: 120, updated: Date.UTC(2026, 11, 4), signals: [{ name: 'harvesting', strength: 1, value: 0.9, meaning: 'm', examples: ['d1'] }] });

t.test('alerts on a rise to the level, with the token; not on falls or rises below it', async (t) => {
  const warnings: string[] = [];
  const alerts = new RiskAlerts([{ url, level: 'high', token: 'hook-token' }, { url, level: 'medium' }], { warn: (_o, m) => warnings.push(m) });
  alerts.notify(risk('medium'), 'low');
  alerts.notify(risk('high'), 'medium');
  alerts.notify(risk('low'), 'high');
  await alerts.settled();
  t.same(received.map((r) => [r.body.level, r.body.before, r.auth]), [['medium', 'low', undefined], ['high', 'medium', 'Bearer hook-token']]);
  t.same(received[1].body.signals, [{ name: 'harvesting', strength: 1, value: 0.9, meaning: 'm', examples: ['d1'] }]);
  t.same(warnings, []);
});

t.test('an unreachable hook is logged, not thrown', async (t) => {
  const warnings: string[] = [];
  const alerts = new RiskAlerts([{ url: 'http://127.0.0.1:1/none', level: 'medium' }], { warn: (_o, m) => warnings.push(m) });
  alerts.notify(risk('high'), 'low');
  await alerts.settled();
  t.same(warnings, ['distillation alert could not be delivered']);
});

t.test("a webhook whose path is its secret (Slack's incoming webhooks): refused or unreachable, the log names only its origin", async (t) => {
  const canary = 'CANARYwebhooksecret0123';
  const logged: string[] = [];
  const refusing = createServer((req, res) => void req.resume().on('end', () => res.writeHead(404).end()));
  await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
  t.teardown(() => refusing.close());
  const refusedUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/services/T0/B0/${canary}`;
  const alerts = new RiskAlerts([{ url: refusedUrl, level: 'medium' }, { url: `http://127.0.0.1:1/services/T0/B0/${canary}?token=${canary}`, level: 'medium' }], { warn: (o, m) => void logged.push(JSON.stringify(o) + m) });
  alerts.notify(risk('high'), 'low');
  await alerts.settled();
  t.equal(logged.length, 2, 'both failures logged');
  t.notOk(logged.join('\n').includes(canary), 'the secret path and query are in no log line');
  t.match(logged.join('\n'), /"url":"http:\/\/127\.0\.0\.1:\d+"/, 'the origin is');
});
