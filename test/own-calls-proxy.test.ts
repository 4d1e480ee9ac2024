// Issue 24, egress as deployed: the gateway's own outbound calls that are not provider calls follow the
// same HTTPS_PROXY / HTTP_PROXY / NO_PROXY rules as provider calls (gateway/upstream/egress.ts,
// ownCallsDispatcher): here OpenID Connect discovery and the external detector, each seen as a tunnel at
// the company's CONNECT proxy; and NO_PROXY still lets an in-cluster detector be reached directly.
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { OAuth2Server } from 'oauth2-mock-server';
import { startDemoGateway } from './support/demo-gateway.js';
import { startConnectProxy } from './support/connect-proxy.js';

/** A Presidio-compatible analyzer that finds one PERSON in every text. */
async function analyzer(): Promise<{ url: string; host: string; calls: () => number; close: () => Promise<void> }> {
  let calls = 0;
  const server = createServer((req, res) => {
    calls++;
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify([{ entity_type: 'PERSON', start: 0, end: 3, score: 0.99 }]));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `http://${host}`, host, calls: () => calls, close: () => new Promise((r) => server.close(() => r())) };
}

const detector = (url: string) => ({ url, timeoutMs: 2_000, language: 'en', scoreThreshold: 0.5, entities: { PERSON: 'pii.name' }, failClosed: [] });

async function withProxyEnv(vars: Record<string, string>, body: () => Promise<void>): Promise<void> {
  const names = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];
  const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
  for (const n of names) delete process.env[n];
  Object.assign(process.env, vars);
  try {
    await body();
  } finally {
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    }
  }
}

t.test('OIDC discovery and the external detector leave through the proxy', async (t) => {
  const proxy = await startConnectProxy();
  const idp = new OAuth2Server();
  await idp.issuer.keys.generate('RS256');
  await idp.start(0, '127.0.0.1');
  const presidio = await analyzer();
  t.teardown(async () => {
    await idp.stop();
    await presidio.close();
    await proxy.close();
  });
  process.env.TERMSGATE_TEST_OIDC_SECRET = 'oidc-client-secret-' + 'p'.repeat(16);
  await withProxyEnv({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url }, async () => {
    const gw = await startDemoGateway((config) => {
      config.detector = detector(presidio.url);
      config.oidc = {
        issuer: idp.issuer.url!,
        clientId: 'termsgate-console',
        clientSecretEnv: 'TERMSGATE_TEST_OIDC_SECRET',
        scopes: ['openid', 'email'],
        roleClaim: 'groups',
        roles: { legal: 'policy-editor' },
        sessionTtlSeconds: 3600,
      };
    });
    t.teardown(() => gw.close());

    const login = await request(`${gw.url}/console/auth/login`);
    await login.body.dump();
    t.equal(login.statusCode, 302, 'discovery succeeded through the proxy');
    t.match(String(login.headers.location), idp.issuer.url!, 'and sent the browser to the identity provider');
    const idpHost = new URL(idp.issuer.url!).host;
    t.ok(proxy.tunnels.some((tn) => tn.target === idpHost), 'the discovery call was a tunnel at the proxy');

    const chat = await request(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Ada wrote this note about the harvest.' }] }),
    });
    await chat.body.dump();
    t.ok(presidio.calls() >= 1, 'the detector was asked');
    t.ok(proxy.tunnels.some((tn) => tn.target === presidio.host), 'through a tunnel at the proxy');
    t.same(proxy.refused, [], 'every own call was a CONNECT tunnel');
  });
});

t.test('NO_PROXY reaches an in-cluster detector directly', async (t) => {
  const proxy = await startConnectProxy();
  const presidio = await analyzer();
  t.teardown(async () => {
    await presidio.close();
    await proxy.close();
  });
  await withProxyEnv({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }, async () => {
    const gw = await startDemoGateway((config) => {
      config.detector = detector(presidio.url);
    });
    t.teardown(() => gw.close());
    const chat = await request(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Ada wrote this note.' }] }),
    });
    await chat.body.dump();
    t.ok(presidio.calls() >= 1, 'the detector was asked');
    t.equal(proxy.tunnels.length, 0, 'nothing went through the proxy');
  });
});
