// Issue 24, egress as deployed, through the whole gateway: with HTTPS_PROXY set, every provider call
// (each endpoint, streaming and not, OpenAI and Anthropic kinds) leaves through the company's CONNECT
// proxy to a provider served over TLS by a private CA (trusted through caFile), and nothing connects to
// the provider directly: every connection the provider accepted is one the proxy opened.
import t from 'tap';
import { startDemoGateway } from './support/demo-gateway.js';
import { makeTestCa } from './support/test-ca.js';
import { startConnectProxy } from './support/connect-proxy.js';
import { startMockUpstream } from '../gateway/mock-upstream/index.js';

t.test('every provider call leaves through the proxy', async (t) => {
  const ca = makeTestCa();
  const proxy = await startConnectProxy();
  const provider = await startMockUpstream({ tls: ca.server });
  process.env.HTTPS_PROXY = proxy.url;
  const gw = await startDemoGateway((config) => {
    for (const p of Object.values(config.providers)) {
      p.baseUrl = provider.url;
      p.caFile = ca.caFile;
    }
  });
  t.teardown(async () => {
    delete process.env.HTTPS_PROXY;
    await gw.close();
    await provider.close();
    await proxy.close();
    ca.dispose();
  });

  const post = async (path: string, body: object, headers: Record<string, string> = {}) => {
    const res = await fetch(gw.url + path, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, text: await res.text() };
  };
  const messages = [{ role: 'user', content: 'Say something about the harvest.' }];
  const calls = [
    post('/v1/chat/completions', { model: 'gpt-4o-mini', messages }),
    post('/v1/chat/completions', { model: 'gpt-4o-mini', messages, stream: true }),
    post('/v1/chat/completions', { model: 'llama-3.1-8b-instruct', messages }),
    post('/v1/responses', { model: 'gpt-4o-mini', input: 'hello' }),
    post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'hello' }),
    post('/v1/messages', { model: 'claude-3-5-haiku-latest', max_tokens: 64, messages }, { 'anthropic-version': '2023-06-01' }),
    post('/v1/messages', { model: 'claude-3-5-haiku-latest', max_tokens: 64, messages, stream: true }, { 'anthropic-version': '2023-06-01' }),
  ];
  const answers = await Promise.all(calls);
  t.same(answers.map((a) => a.status), calls.map(() => 200), 'every call answered');
  t.equal(provider.received().length, calls.length, 'the TLS provider served every call');
  t.ok(provider.received().every((r) => r.headers.authorization === `Bearer ${gw.providerKey}` || r.headers['x-api-key'] === gw.providerKey), "the provider key arrived through the tunnel");
  t.equal(gw.mock.received().length, 0, 'nothing went to the plain mock');
  const peers = provider.peers();
  t.ok(proxy.tunnels.length > 0 && peers.length === proxy.tunnels.length, `${peers.length} connections, ${proxy.tunnels.length} tunnels`);
  t.ok(peers.every((port) => proxy.tunnels.some((tn) => tn.outboundPort === port)), 'every connection the provider accepted was opened by the proxy');
  t.ok(proxy.tunnels.every((tn) => tn.target === new URL(provider.url).host), 'every tunnel went to the provider');
  t.same(proxy.refused, [], 'no plain-HTTP proxy requests (the provider is reached by CONNECT)');
});
