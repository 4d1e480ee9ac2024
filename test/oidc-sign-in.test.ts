// Single sign-on against a local OpenID provider (oauth2-mock-server) started here: the code flow with
// PKCE, the role from the groups claim, the session cookie, CSRF on state-changing requests, and the
// ID tokens a careful client refuses: expired, for another audience, from another issuer, and a user
// whose groups map to no role.
import t from 'tap';
import { request } from 'undici';
import { OAuth2Server } from 'oauth2-mock-server';
import { startDemoGateway } from './support/demo-gateway.js';

const idp = new OAuth2Server();
await idp.issuer.keys.generate('RS256');
await idp.start(0, '127.0.0.1');
const issuer = idp.issuer.url!;

/** What the provider puts in the next ID token. */
let scenario: { groups: unknown; email?: string; exp?: number; aud?: string; iss?: string } = { groups: ['legal'] };
idp.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
  token.payload.groups = scenario.groups;
  token.payload.email = scenario.email ?? 'ada@example.com';
  if (scenario.exp !== undefined) token.payload.exp = scenario.exp;
  if (scenario.aud !== undefined) token.payload.aud = scenario.aud;
  if (scenario.iss !== undefined) token.payload.iss = scenario.iss;
});

process.env.TERMSGATE_TEST_OIDC_SECRET = 'oidc-client-secret-' + 'z'.repeat(16);
const logs: string[] = [];
const gw = await startDemoGateway(
  (config) => {
    config.oidc = {
      issuer,
      clientId: 'termsgate-console',
      clientSecretEnv: 'TERMSGATE_TEST_OIDC_SECRET',
      scopes: ['openid', 'email'],
      roleClaim: 'groups',
      roles: { legal: 'policy-editor', compliance: 'auditor', platform: 'admin' },
      sessionTtlSeconds: 3600,
    };
  },
  { logs },
);
t.teardown(async () => {
  await gw.close();
  await idp.stop();
});

function cookie(setCookie: string | string[] | undefined, name: string): string | undefined {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return all.find((c) => c.startsWith(`${name}=`));
}
const pair = (c: string | undefined) => c?.split(';')[0] ?? '';

async function signIn() {
  const login = await request(`${gw.url}/console/auth/login`);
  await login.body.dump();
  const flow = cookie(login.headers['set-cookie'], 'termsgate_oidc');
  const authorize = await request(String(login.headers.location));
  await authorize.body.dump();
  const callback = await request(String(authorize.headers.location), { headers: { cookie: pair(flow) } });
  return { login, flow, callback, text: await callback.body.text(), session: cookie(callback.headers['set-cookie'], 'termsgate_session') };
}

async function call(method: 'GET' | 'POST', path: string, cookies: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${gw.url}${path}`, {
    method,
    headers: { cookie: cookies, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.statusCode, headers: res.headers, json: (await res.body.json().catch(() => null)) as Record<string, any> };
}

t.test('sign in: PKCE and state to the provider, a secure HTTP-only session cookie back', async (t) => {
  scenario = { groups: ['legal', 'compliance'] };
  const { login, flow, callback, session } = await signIn();
  t.equal(login.statusCode, 302);
  const to = new URL(String(login.headers.location));
  t.equal(to.origin, new URL(issuer).origin);
  t.equal(to.searchParams.get('code_challenge_method'), 'S256');
  t.ok(to.searchParams.get('code_challenge') && to.searchParams.get('state') && to.searchParams.get('nonce'));
  t.match(flow, /HttpOnly/);
  t.equal(callback.statusCode, 303);
  t.equal(callback.headers.location, '/console');
  t.match(session, /; HttpOnly/);
  t.match(session, /; Secure/);
  t.match(session, /SameSite=Lax/);

  const who = await call('GET', '/console/auth/session', pair(session));
  t.equal(who.status, 200);
  t.match(who.json, { type: 'oidc', id: 'johndoe', email: 'ada@example.com', role: 'policy-editor', csrf_token: String }, 'the strongest mapped role');
  const whoami = await call('GET', '/admin/v1/whoami', pair(session));
  t.match(whoami.json, { type: 'oidc', id: 'johndoe', role: 'policy-editor' });
});

t.test('state-changing requests from a session need the CSRF token; the change names the user', async (t) => {
  scenario = { groups: ['legal'], email: 'grace@example.com' };
  const { session } = await signIn();
  const who = await call('GET', '/console/auth/session', pair(session));
  const cookies = [pair(session), pair(cookie(who.headers['set-cookie'], 'termsgate_csrf'))].join('; ');
  const withoutToken = await call('POST', '/admin/v1/policies/stage', cookies, { files: {} });
  t.equal(withoutToken.status, 403, 'no CSRF token');
  const forged = await call('POST', '/admin/v1/policies/stage', cookies, { files: {} }, { 'x-csrf-token': 'forged' });
  t.equal(forged.status, 403, 'a wrong CSRF token');
  const staged = await call('POST', '/admin/v1/policies/stage', cookies, { files: {} }, { 'x-csrf-token': who.json.csrf_token });
  t.equal(staged.status, 200);
  const active = (await call('GET', '/admin/v1/policies', cookies)).json.active.revision;
  const activated = await call('POST', '/admin/v1/policies/activate', cookies, { revision: active, reason: 'signed-in activation' }, { 'x-csrf-token': who.json.csrf_token });
  t.equal(activated.status, 200);
  const changes = (await call('GET', '/admin/v1/changes?actor=grace@example.com&action=policy.activate', cookies)).json.changes;
  t.match(changes.at(-1).record, { actor: { type: 'oidc', id: 'johndoe', email: 'grace@example.com' }, role: 'policy-editor', reason: 'signed-in activation' });
  const other = await signIn();
  const otherToken = (await call('GET', '/console/auth/session', pair(other.session))).json.csrf_token;
  t.equal((await call('POST', '/admin/v1/policies/stage', cookies, { files: {} }, { 'x-csrf-token': otherToken })).status, 403, "another session's token");
  t.equal((await call('GET', '/admin/v1/policies', cookies, undefined, { authorization: 'Bearer tga-wrong-000000000000' })).status, 401, 'a wrong token is not rescued by the cookie');
  const out = await call('POST', '/console/auth/logout', cookies, {}, { 'x-csrf-token': who.json.csrf_token });
  t.equal(out.status, 200);
  t.equal((await call('GET', '/admin/v1/policies', cookies)).status, 401, 'signed out');
});

t.test('refused sign-ins: expired, wrong audience, wrong issuer, no mapped role, no flow', async (t) => {
  const cases: Array<[string, typeof scenario, number, RegExp]> = [
    ['expired ID token', { groups: ['legal'], exp: Math.floor(Date.now() / 1000) - 3600 }, 401, /\(exp\)/],
    ['wrong audience', { groups: ['legal'], aud: 'another-client' }, 401, /\(aud\)/],
    ['wrong issuer', { groups: ['legal'], iss: 'https://idp.evil.example' }, 401, /\(iss\)/],
    ['no mapped role', { groups: ['marketing'] }, 403, /holds no control-plane role/],
    ['groups claim of the wrong type', { groups: { legal: true } }, 403, /holds no control-plane role/],
  ];
  for (const [name, s, status, message] of cases) {
    scenario = s;
    const { callback, text, session } = await signIn();
    t.equal(callback.statusCode, status, name);
    t.match(JSON.parse(text).error.message, message, name);
    t.notOk(session, `${name}: no session`);
  }
  scenario = { groups: ['legal'] };
  const login = await request(`${gw.url}/console/auth/login`);
  await login.body.dump();
  const authorize = await request(String(login.headers.location));
  await authorize.body.dump();
  const noFlow = await request(String(authorize.headers.location));
  t.equal(noFlow.statusCode, 400, 'a callback without the flow cookie (login CSRF)');
  await noFlow.body.dump();
  t.notOk(logs.some((l) => l.includes(process.env.TERMSGATE_TEST_OIDC_SECRET!)), 'the client secret never reaches the log');
});
