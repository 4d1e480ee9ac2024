// Keys in a fleet: two gateway processes (dist/gateway/cli/main.js start, so `npx tsc` first) share a
// PostgreSQL key store. A key created through one works at once on both and stops on both within 5 s
// of its revocation. Needs the PostgreSQL of scripts/setup-services.sh (or TERMSGATE_TEST_PG).
import t from 'tap';
import { PG_URL, startFleet } from './support/pg-fleet.js';
import { until } from './support/until.js';

const fleet = await startFleet(t, 'keys-fleet');
const { adminToken, schema } = fleet;

async function startReplica(t: Tap.Test): Promise<string> {
  return (await fleet.startReplica(t, (config) => (config.keyStore = { backend: 'postgres', postgresUrl: PG_URL, schema, pollMs: 500 }))).url;
}

const chat = (url: string, key: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
  }).then((r) => r.status);

t.test('a key created on one replica works on both at once and stops on both within 5 s of revocation', async (t) => {
  const [a, b] = await Promise.all([startReplica(t), startReplica(t)]);
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const created = await fetch(`${a}/admin/v1/keys`, { method: 'POST', headers, body: JSON.stringify({ id: 'fleet-1', team: 'demo' }) });
  t.equal(created.status, 201);
  const { secret } = (await created.json()) as { secret: string };
  t.equal(await chat(b, secret), 200, 'the other replica accepts it at once');
  t.equal(await chat(a, secret), 200, 'and the one that created it');

  const revoked = await fetch(`${a}/admin/v1/keys/fleet-1`, { method: 'DELETE', headers: { authorization: headers.authorization } });
  t.equal(revoked.status, 200);
  t.equal(await chat(a, secret), 401, 'the revoking replica refuses it at once');
  const status = await until(() => chat(b, secret), (s) => s === 401, 5_000);
  t.equal(status, 401, 'the other replica refuses it within 5 s (polled, not slept)');
});
