// An identity provider (or anything on the way to it) whose discovery answer never ends: sign-in is refused
// with the control plane's error, promptly, the gateway reads at most a megabyte of it, and keeps serving.
import t from 'tap';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { startDemoGateway } from './support/demo-gateway.js';

let sent = 0;
const open = new Set<ServerResponse>();
const idp = createServer((req, res) => {
  req.resume();
  open.add(res);
  res.on('close', () => open.delete(res));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"issuer":"');
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const more = () => {
    // Bounded: 512 MiB at most, whoever reads.
    while (!res.destroyed && sent < 512 * 1024 * 1024) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', more);
    }
  };
  more();
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
  t.ok(sent < 64 * 1024 * 1024, `${(sent / 1024 / 1024).toFixed(1)} MiB of the endless answer sent`);
  t.equal(open.size, 0, "the provider's connection is closed");
  const health = await request(`${gw.url}/healthz`);
  t.equal(health.statusCode, 200);
  await health.body.dump();
});
