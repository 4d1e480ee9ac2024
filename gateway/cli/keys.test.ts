import t from 'tap';
import { parse } from 'yaml';
import { hashSecret } from '../core/secret-hash.js';
import { VirtualKeys } from '../auth/virtual-keys.js';
import { KeyDirectory } from '../auth/key-directory.js';
import { run } from './keys.js';

t.test('keys create prints a key once and a config entry holding only its hash', async (t) => {
  let out = '';
  const code = await run(['create', '--team', 'search', '--purpose', 'general', '--purpose', 'evaluation'], { write: (s: string) => (out += s) });
  t.equal(code, 0);
  const key = /virtual key[^:]*: (\S+)/.exec(out)![1];
  const entry = parse(out.slice(out.indexOf('\n  - ')))[0];
  t.equal(entry.hash, hashSecret(key));
  t.equal(entry.team, 'search');
  t.same(entry.allowedPurposes, ['general', 'evaluation']);
  t.equal(out.split(key).length, 2, 'the key appears exactly once');
  const keys = new KeyDirectory(new VirtualKeys([entry]), null);
  t.equal((await keys.authenticate({ authorization: `Bearer ${key}` })).principal?.team, 'search', 'the printed entry authenticates the printed key');
  t.equal((await keys.authenticate({ 'x-api-key': key })).principal?.keyId, entry.id, 'x-api-key works too');
  t.equal((await keys.authenticate({ authorization: 'Bearer other' })).principal, null);
});

t.test('usage errors exit 2', async (t) => {
  t.intercept(process.stderr, 'write', { value: () => true });
  t.equal(await run(['create']), 2);
  t.equal(await run(['delete', '--team', 'x']), 2);
});

t.test('create, list, rotate and revoke through a running gateway', async (t) => {
  const { startDemoGateway } = await import('../../test/support/demo-gateway.js');
  const gw = await startDemoGateway();
  t.teardown(() => gw.close());
  const env = { TERMSGATE_URL: gw.url, TERMSGATE_ADMIN_TOKEN: gw.adminToken };
  let out = '';
  const write = { write: (s: string) => (out += s) };
  t.equal(await run(['create', '--team', 'demo', '--id', 'cli-1', '--model', 'gpt-4o-mini', '--rpm', '60'], write, env), 0);
  const key = /virtual key[^:]*: (\S+)/.exec(out)![1];
  t.equal(out.split(key).length, 2, 'the key appears exactly once');
  const models = (await (await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: { id: string }[] };
  t.same(models.data.map((m) => m.id), ['gpt-4o-mini'], 'the created key works, scoped to its model');

  out = '';
  t.equal(await run(['list', '--team', 'demo'], write, env), 0);
  t.match(out, /^ID\s+TEAM/m);
  t.match(out, /^cli-1\s+demo\s+default\s+general\s+gpt-4o-mini\s+-\s+store\s+active$/m);
  out = '';
  t.equal(await run(['list', '--format', 'json'], write, env), 0);
  t.same((JSON.parse(out) as { id: string }[]).map((k) => k.id), ['demo', 'cli-1']);

  out = '';
  t.equal(await run(['rotate', 'cli-1'], write, env), 0);
  const rotated = /virtual key[^:]*: (\S+)/.exec(out)![1];
  t.equal((await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status, 401, 'the old key stops');
  t.equal((await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${rotated}` } })).status, 200);
  out = '';
  t.equal(await run(['revoke', 'cli-1'], write, env), 0);
  t.equal(out, 'revoked cli-1\n');
  t.equal((await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${rotated}` } })).status, 401);

  let err = '';
  t.intercept(process.stderr, 'write', { value: (s: string) => ((err += s), true) });
  t.equal(await run(['revoke', 'no-such'], write, env), 1, 'a refusal of the gateway exits 1');
  t.match(err, /404 no virtual key no-such/);
  t.equal(await run(['list'], write, { TERMSGATE_URL: gw.url }), 2, 'no token: a usage error');
  t.equal(await run(['create', '--team', 'demo', '--rpm', '5'], write, {}), 2, 'limits need the gateway');
});
