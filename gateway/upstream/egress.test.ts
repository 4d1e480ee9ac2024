// Egress as deployed (issue 24): provider calls leave through HTTPS_PROXY unless NO_PROXY names the
// provider, a provider's own `proxy` wins over the environment, `proxy: direct` bypasses it, and a
// provider's `caFile` is what lets the gateway trust a provider (or TLS-inspecting proxy) behind a
// private CA. Each case runs against the mock provider over real TLS and a real CONNECT proxy on loopback.
import t from 'tap';
import { Upstream, UpstreamError, type UpstreamLimits } from './client.js';
import type { Config, ProviderConfig } from '../config/types.js';
import { startMockUpstream, type MockUpstream } from '../mock-upstream/index.js';
import { makeTestCa, type TestCa } from '../../test/support/test-ca.js';
import { startConnectProxy, type ConnectProxy } from '../../test/support/connect-proxy.js';

const LIMITS: UpstreamLimits = { connectTimeoutMs: 2_000, headersTimeoutMs: 5_000, bodyTimeoutMs: 5_000, upstreamTotalMs: 10_000, upstreamAnswerBytes: 1 << 20, upstreamEventBytes: 1 << 20 };
const KEY_ENV = 'EGRESS_TEST_PROVIDER_KEY';
const PROVIDER_KEY = 'sk-egress-' + 'x'.repeat(24);

let ca: TestCa;
let mock: MockUpstream;
let proxy: ConnectProxy;

t.before(async () => {
  ca = makeTestCa();
  mock = await startMockUpstream({ tls: ca.server, apiKey: PROVIDER_KEY });
  proxy = await startConnectProxy();
});
t.teardown(async () => {
  await mock.close();
  await proxy.close();
  ca.dispose();
});

async function call(provider: Partial<ProviderConfig>, env: NodeJS.ProcessEnv): Promise<{ status: number; error?: UpstreamError }> {
  const providers: Config['providers'] = { p: { kind: 'openai', baseUrl: `${mock.url}/v1`, apiKeyEnv: KEY_ENV, licence: 'x', ...provider } };
  const upstream = new Upstream({ providers, limits: LIMITS }, { [KEY_ENV]: PROVIDER_KEY, ...env });
  try {
    const res = await upstream.send({ providerId: 'p', path: '/v1/chat/completions', body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }), headers: {}, signal: new AbortController().signal });
    await res.body.text();
    return { status: res.status };
  } catch (err) {
    if (err instanceof UpstreamError) return { status: err.status, error: err };
    throw err;
  } finally {
    await upstream.close();
  }
}

/** What the provider and the proxy saw during `fn`: the provider's peers, and the proxy's tunnels. */
async function observe(fn: () => Promise<unknown>) {
  const peers0 = mock.peers().length;
  const tunnels0 = proxy.tunnels.length;
  const result = await fn();
  return { result, peers: mock.peers().slice(peers0), tunnels: proxy.tunnels.slice(tunnels0) };
}

t.test('HTTPS_PROXY: the call goes through the proxy, and the provider sees only the proxy', async (t) => {
  const seen = await observe(() => call({ caFile: ca.caFile }, { HTTPS_PROXY: proxy.url }));
  t.same(seen.result, { status: 200 });
  t.equal(seen.tunnels.length, 1, 'one tunnel');
  t.equal(seen.tunnels[0].target, new URL(mock.url).host, 'to the provider');
  t.ok(seen.peers.length > 0);
  t.ok(seen.peers.every((port) => seen.tunnels.some((tn) => tn.outboundPort === port)), 'every connection the provider accepted came from the proxy');
});

t.test('lower-case https_proxy, and credentials in the proxy URL reach the proxy as Proxy-Authorization', async (t) => {
  const withCreds = proxy.url.replace('http://', 'http://egress:s3cret-proxy-pass@');
  const seen = await observe(() => call({ caFile: ca.caFile }, { https_proxy: withCreds }));
  t.same(seen.result, { status: 200 });
  t.equal(seen.tunnels[0].authorization, 'Basic ' + Buffer.from('egress:s3cret-proxy-pass').toString('base64'));
});

t.test("without caFile the provider's private CA is not trusted: refused, nothing accepted", async (t) => {
  const seen = await observe(() => call({}, { HTTPS_PROXY: proxy.url }));
  t.equal(seen.result.status, 502);
  t.equal(seen.result.error?.kind, 'unreachable');
});

t.test('NO_PROXY naming the provider host connects directly', async (t) => {
  for (const noProxy of ['127.0.0.1', `127.0.0.1:${mock.port}`, '*', 'example.com,127.0.0.1']) {
    const seen = await observe(() => call({ caFile: ca.caFile }, { HTTPS_PROXY: proxy.url, NO_PROXY: noProxy }));
    t.same(seen.result, { status: 200 }, noProxy);
    t.equal(seen.tunnels.length, 0, `no tunnel with NO_PROXY=${noProxy}`);
  }
  const other = await observe(() => call({ caFile: ca.caFile }, { HTTPS_PROXY: proxy.url, NO_PROXY: `127.0.0.1:${mock.port + 1},example.com` }));
  t.equal(other.tunnels.length, 1, 'another port or host in NO_PROXY: still proxied');
});

t.test("a provider's proxy wins over the environment; proxy: direct bypasses it", async (t) => {
  const dead = 'http://127.0.0.1:9';
  const own = await observe(() => call({ caFile: ca.caFile, proxy: proxy.url }, { HTTPS_PROXY: dead, NO_PROXY: '127.0.0.1' }));
  t.same(own.result, { status: 200 });
  t.equal(own.tunnels.length, 1, 'through the provider proxy, NO_PROXY notwithstanding');
  const direct = await observe(() => call({ caFile: ca.caFile, proxy: 'direct' }, { HTTPS_PROXY: dead }));
  t.same(direct.result, { status: 200 });
  t.equal(direct.tunnels.length, 0);
});

t.test('a proxy that refuses the tunnel is a 502, not a direct connection', async (t) => {
  const seen = await observe(() => call({ caFile: ca.caFile }, { HTTPS_PROXY: 'http://127.0.0.1:9' }));
  t.equal(seen.result.status, 502);
  t.equal(seen.peers.length, 0, 'the provider saw no connection');
});

t.test('caFile that is not a certificate stops the start with the provider named', async (t) => {
  t.throws(() => new Upstream({ providers: { p: { kind: 'openai', baseUrl: mock.url, caFile: '/nonexistent/ca.pem' } }, limits: LIMITS }, {}), /providers\.p\.caFile: cannot use \/nonexistent\/ca\.pem/);
});
