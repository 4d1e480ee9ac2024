// Keys as data, end to end through the real gateway: created through /admin/v1/keys, used at once,
// rotated, revoked, expired (the demo's company rules know team demo); every change on the record naming the actor; the secret shown once.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashSecret } from '../gateway/core/secret-hash.js';
import { startDemoGateway } from './support/demo-gateway.js';
import { until } from './support/until.js';

const chat = (url: string, key: string, model = 'gpt-4o-mini') =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
  });

t.test('create, use, rotate, revoke, expire', async (t) => {
  const logs: string[] = [];
  const gw = await startDemoGateway(
    (c) => {
      c.tokens.push({ id: 'legal', hash: hashSecret('tg-legal-token'), role: 'policy-editor' });
    },
    { logs },
  );
  t.teardown(() => gw.close());
  const admin = { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' };
  const post = (path: string, body?: unknown, headers: Record<string, string> = admin) =>
    body === undefined
      ? fetch(`${gw.url}${path}`, { method: 'POST', headers: { authorization: headers.authorization } })
      : fetch(`${gw.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });

  const refused = await post('/admin/v1/keys', { team: 'search' }, { authorization: 'Bearer tg-legal-token', 'content-type': 'application/json' });
  t.equal(refused.status, 403, 'only the admin role manages keys');

  const created = await post('/admin/v1/keys', { id: 'search-1', team: 'demo', project: 'ranking', allowedPurposes: ['general'], models: ['gpt-4o-mini'] });
  t.equal(created.status, 201);
  const { key, secret } = (await created.json()) as { key: Record<string, unknown>; secret: string };
  t.match(key, { id: 'search-1', team: 'demo', status: 'active', source: 'store', createdBy: 'demo-admin' });
  t.notOk('hash' in key, 'the hash is not shown');
  t.equal((await post('/admin/v1/keys', { id: 'search-1', team: 'search' })).status, 409, 'an id is taken once');
  t.equal((await post('/admin/v1/keys', { team: 'search', expiresAt: 'tomorrow' })).status, 400, 'a malformed expiry is refused');

  const ok = await chat(gw.url, secret);
  t.equal(ok.status, 200, 'the new key works at once');
  const other = await chat(gw.url, secret, 'claude-3-5-haiku-latest');
  t.equal(other.status, 404, 'a model outside the key is not there for it');
  const models = (await (await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${secret}` } })).json()) as { data: { id: string }[] };
  t.same(models.data.map((m) => m.id), ['gpt-4o-mini'], '/v1/models lists only the key models');
  t.equal((await chat(gw.url, gw.key)).status, 200, 'the configuration key keeps working');

  const listed = (await (await fetch(`${gw.url}/admin/v1/keys`, { headers: admin })).json()) as { keys: { id: string; source: string }[] };
  t.same(listed.keys.map((k) => `${k.source}:${k.id}`), ['config:demo', 'store:search-1']);
  const listText = JSON.stringify(listed);
  t.notOk(listText.includes(secret) || listText.includes(hashSecret(secret)), 'a listing holds neither the key nor its hash');

  const rotated = await post('/admin/v1/keys/search-1/rotate');
  t.equal(rotated.status, 200);
  const { secret: secret2 } = (await rotated.json()) as { secret: string };
  t.not(secret2, secret);
  t.equal((await chat(gw.url, secret)).status, 401, 'the old key stops at rotation');
  t.equal((await chat(gw.url, secret2)).status, 200, 'the new one works');

  t.equal((await fetch(`${gw.url}/admin/v1/keys/demo`, { method: 'DELETE', headers: { authorization: admin.authorization } })).status, 409, 'a configured key changes in the file');
  const revoked = await fetch(`${gw.url}/admin/v1/keys/search-1`, { method: 'DELETE', headers: { authorization: admin.authorization } });
  t.match(await revoked.json(), { id: 'search-1', status: 'revoked' });
  const after = await chat(gw.url, secret2);
  t.equal(after.status, 401);
  t.match(await after.json(), { error: { message: 'this virtual key has been revoked', type: 'authentication_error' } });

  const soon = new Date(Date.now() + 1500).toISOString();
  const short = (await (await post('/admin/v1/keys', { team: 'demo', expiresAt: soon })).json()) as { secret: string };
  t.equal((await chat(gw.url, short.secret)).status, 200, 'works until its expiry');
  const expired = await until(() => chat(gw.url, short.secret), (r) => r.status !== 200, 10_000);
  t.equal(expired.status, 401, 'an expired key gets 401');
  t.match(await expired.json(), { error: { message: 'this virtual key has expired' } });

  const changes = (await (await fetch(`${gw.url}/admin/v1/changes`, { headers: admin })).json()) as { changes: { record: { action: string; target: string; actor: { id: string } } }[] };
  const keyChanges = changes.changes.map((c) => c.record).filter((r) => r.action.startsWith('key.'));
  t.same(keyChanges.map((r) => `${r.action} ${r.target} by ${r.actor.id}`).slice(0, 3), ['key.create search-1 by demo-admin', 'key.rotate search-1 by demo-admin', 'key.revoke search-1 by demo-admin']);
  const changeText = JSON.stringify(changes);
  t.notOk(changeText.includes(secret) || changeText.includes(secret2), 'no key in the change log');
  const logText = logs.join('');
  t.ok(logText.length > 0, 'the gateway logged');
  t.notOk([secret, secret2, short.secret].some((k) => logText.includes(k)), 'no key in any log line');
  const stored = readFileSync(join(gw.dataDir, 'key-store', 'keys.json'), 'utf8');
  t.notOk([secret, secret2, short.secret].some((k) => stored.includes(k)), 'the store holds hashes only');
  t.ok(stored.includes(hashSecret(secret2)));
});
