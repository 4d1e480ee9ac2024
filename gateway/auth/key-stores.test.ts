// Both key stores behave alike (create, revoke, rotate, survive a reopen); the PostgreSQL store is
// also read by a second replica: a new key is found at once, a revocation within a poll.
import t from 'tap';
import pg from 'pg';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { hashSecret } from '../core/secret-hash.js';
import { FileKeyStore, KEY_STORE_DIR } from './file-key-store.js';
import { openPgKeyStore } from './pg-key-store.js';
import { KeyDirectory } from './key-directory.js';
import { VirtualKeys } from './virtual-keys.js';
import type { StoredKey } from './key-record.js';
import type { KeyStore } from './key-store.js';
import { until } from '../../test/support/until.js';

const PG_URL = process.env.TERMSGATE_TEST_PG ?? 'postgres://termsgate:termsgate@127.0.0.1:54329/termsgate';

function key(id: string, secret: string, more: Partial<StoredKey> = {}): StoredKey {
  return {
    id, hash: hashSecret(secret), team: 'search', project: 'ranking', defaultPurpose: 'general', allowedPurposes: ['general'], models: null, expiresAt: null,
    limits: {}, budget: {}, createdAt: '2026-12-04T10:00:00.000Z', createdBy: 'admin', rotatedAt: null, revokedAt: null, ...more,
  };
}

async function conformance(t: Tap.Test, open: () => Promise<KeyStore>): Promise<void> {
  const s = await open();
  t.ok(await s.create(key('k1', 'secret-1')));
  t.notOk(await s.create(key('k1', 'secret-other')), 'an id is taken once');
  t.equal((await s.byHash(hashSecret('secret-1')))?.id, 'k1');
  t.equal(await s.byHash(hashSecret('nope')), null);
  const rotated = await s.rotate('k1', hashSecret('secret-2'), '2026-12-04T11:00:00.000Z');
  t.equal(rotated?.rotatedAt, '2026-12-04T11:00:00.000Z');
  t.equal(await s.byHash(hashSecret('secret-1')), null, 'the old key stops at rotation');
  t.equal((await s.byHash(hashSecret('secret-2')))?.id, 'k1');
  t.equal((await s.revoke('k1', '2026-12-04T12:00:00.000Z'))?.revokedAt, '2026-12-04T12:00:00.000Z');
  t.equal(await s.rotate('k1', hashSecret('secret-3'), '2026-12-04T13:00:00.000Z'), null, 'a revoked key is not rotated back to life');
  t.equal(await s.revoke('missing', 'x'), null);
  await s.close();
  const again = await open();
  t.equal((await again.get('k1'))?.revokedAt, '2026-12-04T12:00:00.000Z', 'changes survive a reopen');
  t.same((await again.list()).map((k) => k.id), ['k1']);
  await again.close();
}

t.test('file store', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-keys-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  await conformance(t, async () => new FileKeyStore(dir));
  t.equal(statSync(join(dir, KEY_STORE_DIR, 'keys.json')).mode & 0o077, 0, 'only the gateway reads the file');
});

t.test('PostgreSQL store, two replicas', async (t) => {
  const schema = 'tg_keys_test_' + randomBytes(4).toString('hex');
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  t.teardown(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });
  const open = () => openPgKeyStore({ connectionString: PG_URL, schema, pollMs: 100 });
  await conformance(t, open);
  const [a, b] = await Promise.all([open(), open()]);
  t.teardown(() => Promise.all([a.close(), b.close()]).then(() => undefined));
  await a.create(key('k2', 'secret-k2'));
  t.equal((await b.byHash(hashSecret('secret-k2')))?.id, 'k2', 'a key created on one replica is found on the other at once');
  await a.revoke('k2', new Date().toISOString());
  const seen = await until(async () => b.byHash(hashSecret('secret-k2')), (k) => k?.revokedAt !== null, 5_000);
  t.not(seen?.revokedAt, null, 'the other replica sees the revocation within its poll');
});

t.test('the directory: configured keys, stored keys, expiry and revocation say why', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-keys-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const store = new FileKeyStore(dir);
  let now = Date.parse('2026-12-04T10:00:00Z');
  const configured = new VirtualKeys([{ id: 'cfg', hash: hashSecret('cfg-secret'), team: 'ops', project: 'p', defaultPurpose: 'general', allowedPurposes: ['general'] }]);
  const d = new KeyDirectory(configured, store, () => now);
  await store.create(key('exp', 'exp-secret', { expiresAt: '2026-12-04T10:00:01.000Z', models: ['gpt-4o-mini'], allowedPurposes: ['general', 'research'] }));
  t.equal((await d.authenticate({ authorization: 'Bearer cfg-secret' })).principal?.keyId, 'cfg', 'configuration keys keep working');
  const ok = await d.authenticate({ 'x-api-key': 'exp-secret' });
  t.same(ok.principal?.models, ['gpt-4o-mini']);
  t.ok(d.vocabularyFor(ok.principal!).has('research'), "a stored key's own purposes may be declared");
  now += 1000;
  t.same(await d.authenticate({ 'x-api-key': 'exp-secret' }), { principal: null, message: 'this virtual key has expired' });
  await store.create(key('rev', 'rev-secret', { revokedAt: '2026-12-04T09:00:00.000Z' }));
  t.same(await d.authenticate({ authorization: 'Bearer rev-secret' }), { principal: null, message: 'this virtual key has been revoked' });
  t.same(await d.authenticate({}), { principal: null, message: 'invalid or missing virtual key' });
  t.equal(d.byId('exp')?.team, 'search', 'records name stored keys too');
  await store.close();
});

t.test('a change the file store cannot write does not take effect: a failed rotation leaves the old key working', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-keys-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const store = new FileKeyStore(dir);
  await store.create(key('k1', 'old-secret'));
  // The store's file replaced by a non-empty folder: the atomic rename onto it fails, as a full or broken disk would.
  const file = join(dir, KEY_STORE_DIR, 'keys.json');
  rmSync(file);
  mkdirSync(join(file, 'blocker'), { recursive: true });
  await t.rejects(store.rotate('k1', hashSecret('new-secret'), '2026-12-04T11:00:00.000Z'));
  t.equal(store.byHash(hashSecret('old-secret'))?.id, 'k1', 'the old key still authenticates');
  t.equal(store.byHash(hashSecret('new-secret')), null, 'the secret nobody was shown does not');
  await t.rejects(store.revoke('k1', '2026-12-04T12:00:00.000Z'));
  t.equal(store.known('k1')?.revokedAt, null, 'a revocation that was not written is not reported as done');
  await t.rejects(store.create(key('k2', 'k2-secret')));
  t.equal(store.known('k2'), null);
  rmSync(file, { recursive: true });
  t.ok(await store.rotate('k1', hashSecret('new-secret'), '2026-12-04T11:00:00.000Z'), 'the store works again once it can write');
  t.equal(store.byHash(hashSecret('old-secret')), null);
  t.equal(new FileKeyStore(dir).byHash(hashSecret('new-secret'))?.id, 'k1', 'and the file has the rotation');
  await store.close();
});
