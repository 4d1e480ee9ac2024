// Console sessions in the key store: a user signed in stays signed in across a restart (file store on
// one node) and on every replica (PostgreSQL), CSRF tokens included; the session probe answers 200
// when nobody is signed in, and when single sign-on is off.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { request } from 'undici';
import { OAuth2Server } from 'oauth2-mock-server';
import { demoConfig } from '../gateway/config/demo.js';
import type { Config } from '../gateway/config/types.js';
import { packageRoot } from '../gateway/core/package-root.js';
import { startMockUpstream } from '../gateway/mock-upstream/index.js';
import { startGateway } from '../gateway/server/start-gateway.js';
import { startDemoGateway } from './support/demo-gateway.js';

const PG_URL = process.env.TERMSGATE_TEST_PG ?? 'postgres://termsgate:termsgate@127.0.0.1:54329/termsgate';
const idp = new OAuth2Server();
await idp.issuer.keys.generate('RS256');
await idp.start(0, '127.0.0.1');
idp.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
  token.payload.groups = ['legal'];
  token.payload.email = 'ada@example.com';
});
const providerKey = 'sk-provider-' + randomBytes(8).toString('hex');
process.env.TERMSGATE_SESSIONS_PROVIDER_KEY = providerKey;
const mock = await startMockUpstream({ port: 0, host: '127.0.0.1', apiKey: providerKey });
t.teardown(async () => {
  await mock.close();
  await idp.stop();
});

function config(dataDir: string, adjust: (c: Config) => void = () => {}): Config {
  const c = demoConfig({
    mockUrl: mock.url,
    mockPort: mock.port,
    dataDir,
    port: 0,
    host: '127.0.0.1',
    secrets: { virtualKey: 'tg-s-' + randomBytes(8).toString('hex'), adminToken: 'tga-s-' + randomBytes(8).toString('hex'), runnerToken: 'tgr-s-' + randomBytes(8).toString('hex'), providerKeyEnv: 'TERMSGATE_SESSIONS_PROVIDER_KEY' },
  });
  c.policy.dir = join(packageRoot, 'policies');
  c.oidc = { issuer: idp.issuer.url!, clientId: 'termsgate-console', scopes: ['openid', 'email'], roleClaim: 'groups', roles: { legal: 'policy-editor' }, sessionTtlSeconds: 3600 };
  adjust(c);
  return c;
}

const pair = (setCookie: string | string[] | undefined, name: string) =>
  ((Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []).find((c) => c.startsWith(`${name}=`)) ?? '').split(';')[0];

async function signIn(url: string): Promise<string> {
  const login = await request(`${url}/console/auth/login`);
  await login.body.dump();
  const authorize = await request(String(login.headers.location));
  await authorize.body.dump();
  const callback = await request(String(authorize.headers.location), { headers: { cookie: pair(login.headers['set-cookie'], 'termsgate_oidc') } });
  await callback.body.dump();
  return pair(callback.headers['set-cookie'], 'termsgate_session');
}

async function probe(url: string, cookie = '') {
  const res = await request(`${url}/console/auth/session`, { headers: cookie ? { cookie } : {} });
  return { status: res.statusCode, cookies: res.headers['set-cookie'], json: (await res.body.json()) as Record<string, unknown> };
}

t.test('without single sign-on the probe answers 200, not 404', async (t) => {
  const gw = await startDemoGateway();
  t.teardown(() => gw.close());
  t.same(await probe(gw.url).then((p) => [p.status, p.json]), [200, { signed_in: false, sso: false }]);
});

t.test('one node: a restart keeps the user signed in', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-sessions-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await startGateway(config(dataDir), { logLevel: 'silent' });
  t.same((await probe(first.url)).json, { signed_in: false, sso: true }, 'nobody signed in: 200');
  const session = await signIn(first.url);
  t.match((await probe(first.url, session)).json, { signed_in: true, id: 'johndoe', role: 'policy-editor' });
  await first.close();
  const again = await startGateway(config(dataDir), { logLevel: 'silent' });
  t.teardown(() => again.close());
  const after = await probe(again.url, session);
  t.match(after.json, { signed_in: true, email: 'ada@example.com', csrf_token: String }, 'still signed in after the restart');
  const cookies = [session, pair(after.cookies, 'termsgate_csrf')].join('; ');
  const staged = await request(`${again.url}/admin/v1/policies/stage`, { method: 'POST', headers: { cookie: cookies, 'content-type': 'application/json', 'x-csrf-token': String(after.json.csrf_token) }, body: JSON.stringify({ files: {} }) });
  await staged.body.dump();
  t.equal(staged.statusCode, 200, 'and may change things with its CSRF token');
});

t.test('a fleet: signed in through one replica, signed in on the other; signed out on both', async (t) => {
  const schema = 'tg_sessions_' + randomBytes(4).toString('hex');
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'termsgate-sessions-')));
  const [a, b] = await Promise.all(dirs.map((d) => startGateway(config(d, (c) => (c.keyStore = { backend: 'postgres', postgresUrl: PG_URL, schema, pollMs: 500 })), { logLevel: 'silent' })));
  t.teardown(async () => {
    await a.close();
    await b.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });
  const session = await signIn(a.url);
  const onB = await probe(b.url, session);
  t.match(onB.json, { signed_in: true, id: 'johndoe', role: 'policy-editor', csrf_token: String }, 'the other replica knows the session');
  const cookies = [session, pair(onB.cookies, 'termsgate_csrf')].join('; ');
  const out = await request(`${a.url}/console/auth/logout`, { method: 'POST', headers: { cookie: cookies, 'content-type': 'application/json', 'x-csrf-token': String(onB.json.csrf_token) }, body: '{}' });
  await out.body.dump();
  t.equal(out.statusCode, 200, "a CSRF token from one replica holds on the other");
  t.same((await probe(b.url, session)).json, { signed_in: false, sso: true }, 'signed out everywhere');
  const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.console_sessions`);
  t.equal(rows[0].n, 0);
});
