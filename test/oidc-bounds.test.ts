// An identity provider (or anything on the way to it) whose discovery answer never ends: sign-in is refused
// with the control plane's error, promptly, the gateway reads at most a megabyte of it, and keeps serving.
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { startDemoGateway } from './support/demo-gateway.js';
import { openAnswers, pour, type Poured } from './support/endless-answer.js';

const poured: Poured = { sent: 0 };
const { open, track } = openAnswers();
const idp = createServer((req, res) => {
  req.resume();
  track(res);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"issuer":"');
  pour(res, Buffer.alloc(64 * 1024, 0x61), poured);
});
await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
const issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;

process.env.TERMSGATE_TEST_OIDC_SECRET = 'oidc-client-secret-' + 'y'.repeat(16);
const gw = await startDemoGateway((config) => {
  config.oidc = { issuer, clientId: 'termsgate-console', clientSecretEnv: 'TERMSGATE_TEST_OIDC_SECRET', scopes: ['openid'], roleClaim: 'groups', roles: { legal: 'policy-editor' }, sessionTtlSeconds: 3600 };
});
t.teardown(async () => {
  await gw.close();
  for (const res of open) res.destroy();
  idp.close();
});

t.test('endless discovery: refused in time, read no further than the bound, the gateway still serves', async (t) => {
  const started = Date.now();
  const res = await request(`${gw.url}/console/auth/login`);
  const body = (await res.body.json()) as { error?: { message?: string } };
  t.equal(res.statusCode, 502);
  t.match(body.error?.message, /identity provider cannot be reached/);
  t.ok(Date.now() - started < 10_000, `answered in ${Date.now() - started} ms`);
  await new Promise((r) => setTimeout(r, 100));
  t.ok(poured.sent < 64 * 1024 * 1024, `${(poured.sent / 1024 / 1024).toFixed(1)} MiB of the endless answer sent`);
  t.equal(open.size, 0, "the provider's connection is closed");
  const health = await request(`${gw.url}/healthz`);
  t.equal(health.statusCode, 200);
  await health.body.dump();
});
