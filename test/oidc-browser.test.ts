// Single sign-on in Debian's Chromium: the user opens the sign-in link, the local OpenID provider
// (oauth2-mock-server) sends the browser back, the gateway sets its session cookie, and the page
// activates a policy revision with the session and its CSRF token. The audit record names the user.
import t from 'tap';
import { OAuth2Server } from 'oauth2-mock-server';
import { request } from 'undici';
import { hashSecret } from '../gateway/core/secret-hash.js';
import { buildSuiteConsole, launchChromium } from './support/browser.js';
import { startDemoGateway } from './support/demo-gateway.js';

// The console page's own policy lets its scripts call the API (connect-src 'self').
await buildSuiteConsole();
const idp = new OAuth2Server();
await idp.issuer.keys.generate('RS256');
await idp.start(0, '127.0.0.1');
idp.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
  token.payload.sub = 'u-4711';
  token.payload.email = 'ada.lovelace@example.com';
  token.payload.groups = ['legal-team'];
});

const auditor = 'tgu-browser-' + 'a'.repeat(20);
const gw = await startDemoGateway((config) => {
  config.tokens.push({ id: 'auditor-1', hash: hashSecret(auditor), role: 'auditor' });
  config.oidc = { issuer: idp.issuer.url!, clientId: 'termsgate-console', scopes: ['openid', 'email'], roleClaim: 'groups', roles: { 'legal-team': 'policy-editor' }, sessionTtlSeconds: 3600 };
});
const browser = await launchChromium();
t.teardown(async () => {
  await browser.close();
  await gw.close();
  await idp.stop();
});

t.test('sign in through the identity provider and activate a revision; the record names the user', async (t) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${gw.url}/console/auth/login`);
  t.equal(new URL(page.url()).pathname, '/console', 'back at the console after the provider');
  const session = (await context.cookies()).find((c) => c.name === 'termsgate_session');
  t.ok(session, 'the session cookie is set');
  t.ok(session?.httpOnly && session.secure, 'HTTP-only and secure');
  t.equal(await page.evaluate(() => document.cookie.includes('termsgate_session')), false, 'scripts cannot read it');

  const result = await page.evaluate(async () => {
    const who = await (await fetch('/console/auth/session')).json();
    const post = (path: string, body: unknown, csrf?: string) =>
      fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) }, body: JSON.stringify(body) });
    const status = await (await fetch('/admin/v1/policies')).json();
    const active = status.active.revision;
    const withoutCsrf = (await post('/admin/v1/policies/activate', { revision: active, reason: 'no token' })).status;
    const activated = await post('/admin/v1/policies/activate', { revision: active, reason: 'Quarterly review: rules confirmed by legal' }, who.csrf_token);
    return { who, withoutCsrf, activated: activated.status, active };
  });
  t.match(result.who, { type: 'oidc', id: 'u-4711', email: 'ada.lovelace@example.com', role: 'policy-editor' });
  t.equal(result.withoutCsrf, 403, 'no CSRF token, no change');
  t.equal(result.activated, 200);

  const res = await request(`${gw.url}/admin/v1/changes?action=policy.activate&actor=ada.lovelace@example.com`, { headers: { authorization: `Bearer ${auditor}` } });
  const { changes } = (await res.body.json()) as { changes: Array<{ record: Record<string, unknown> }> };
  t.equal(changes.length, 1, 'exactly the signed-in activation (the refused attempt never reached the handler)');
  t.match(changes[0].record, {
    kind: 'change',
    action: 'policy.activate',
    actor: { type: 'oidc', id: 'u-4711', email: 'ada.lovelace@example.com' },
    role: 'policy-editor',
    after: result.active,
    reason: 'Quarterly review: rules confirmed by legal',
    client: '127.0.0.1',
    outcome: 'done',
  });
  await context.close();
});

t.test('the console resumes the single sign-on session, changes with its CSRF token, and signs out', async (t) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${gw.url}/console`);
  await page.getByRole('link', { name: 'sign in with single sign-on' }).click();
  await page.getByRole('navigation', { name: 'Console sections' }).waitFor();
  t.equal(await page.locator('.who').textContent(), 'Signed in as ada.lovelace@example.com (policy-editor)');
  await page.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Company rules', exact: true }).click();
  await page.locator('fieldset[data-team="ml-research"]').getByLabel('Any model').uncheck();
  await page.getByRole('button', { name: 'Review this change' }).click();
  await page.getByRole('button', { name: 'Check this change' }).click();
  await page.getByText('The change passed its checks.').waitFor({ timeout: 90_000 });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Control-plane token').waitFor();
  await page.reload();
  await page.getByLabel('Control-plane token').waitFor();
  t.equal(await page.getByRole('navigation', { name: 'Console sections' }).count(), 0, 'signed out for good: the session is gone');
  await context.close();
});
