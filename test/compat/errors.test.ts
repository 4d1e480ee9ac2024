// Every error case of the data plane, seen through the official SDKs (and raw HTTP where an SDK
// cannot send the broken request): status and body in the endpoint's own dialect.
import t, { type Test } from 'tap';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { request } from 'undici';
import { startDemoGateway } from '../support/demo-gateway.js';

const gw = await startDemoGateway((config) => {
  config.limits.bodyBytes = 4096;
  config.limits.headersTimeoutMs = 800;
  config.limits.bodyTimeoutMs = 800;
  config.providers.dead = { kind: 'openai', baseUrl: 'http://127.0.0.1:9', apiKeyEnv: 'TERMSGATE_TEST_PROVIDER_KEY' };
  config.models['dead-model'] = { provider: 'dead', upstreamModel: 'gpt-4o-mini', licence: 'openai-services-agreement' };
});
t.teardown(() => gw.close());
const openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0, timeout: 10_000 });
const anthropic = new Anthropic({ baseURL: gw.url, apiKey: gw.key, maxRetries: 0, timeout: 10_000 });
const ask = (content: string, model = 'gpt-4o-mini') => openai.chat.completions.create({ model, messages: [{ role: 'user', content }] });

async function caught<T>(p: Promise<T>): Promise<Record<string, unknown> & { status?: number; error?: unknown; headers?: Headers }> {
  try {
    await p;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  throw new Error('expected an error');
}

function noSecrets(t: Test, text: string) {
  t.notMatch(text, gw.providerKey, 'provider key not leaked');
  t.notMatch(text, gw.key, 'virtual key not echoed');
}

t.test('bad key: 401 in both dialects', async (t) => {
  const e1 = await caught(new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'tg-wrong', maxRetries: 0 }).models.list());
  t.ok(e1 instanceof OpenAI.AuthenticationError);
  const e2 = await caught(new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'tg-wrong', maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }));
  t.ok(e2 instanceof OpenAI.AuthenticationError);
  t.ok(e2.headers?.get('x-termsgate-decision-id'), 'even a rejected call has a decision id');
  const e3 = await caught(new Anthropic({ baseURL: gw.url, apiKey: 'tg-wrong', maxRetries: 0 }).messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 50, messages: [{ role: 'user', content: 'x' }] }));
  t.ok(e3 instanceof Anthropic.AuthenticationError);
  t.match(e3.error, { type: 'error', error: { type: 'authentication_error' } });
});

t.test('unknown model: 404', async (t) => {
  const e = await caught(ask('hello', 'no-such-model'));
  t.ok(e instanceof OpenAI.NotFoundError);
  t.match(e.error, { message: /no-such-model/ });
  const a = await caught(anthropic.messages.create({ model: 'no-such-model', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }));
  t.ok(a instanceof Anthropic.NotFoundError);
});

t.test('malformed JSON: 400 in the dialect', async (t) => {
  const o = await request(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' }, body: '{"model":' });
  t.equal(o.statusCode, 400);
  t.match(await o.body.json(), { error: { type: 'invalid_request_error', message: /malformed JSON/ } });
  const a = await request(`${gw.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': gw.key, 'content-type': 'application/json' }, body: '{nope' });
  t.equal(a.statusCode, 400);
  t.match(await a.body.json(), { type: 'error', error: { type: 'invalid_request_error' } });
});

t.test('missing fields: 400', async (t) => {
  const e = await caught(openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }));
  t.ok(e instanceof OpenAI.BadRequestError);
});

t.test('oversized body: 413', async (t) => {
  const e = await caught(ask('x'.repeat(10_000)));
  t.equal(e.status, 413);
  t.match(e.error, { type: 'invalid_request_error' });
});

t.test('provider 429 and 500 keep status, body shape and retry-after', async (t) => {
  const e = await caught(ask('please fail mock:status=429'));
  t.ok(e instanceof OpenAI.RateLimitError);
  t.ok(e.headers?.get('retry-after'), 'retry-after passed on');
  t.ok(e.headers?.get('x-termsgate-decision-id'));
  const e5 = await caught(ask('please fail mock:status=500'));
  t.ok(e5 instanceof OpenAI.InternalServerError);
  const a = await caught(anthropic.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 50, messages: [{ role: 'user', content: 'mock:status=529' }] }));
  t.equal(a.status, 529);
  t.match(a.error, { type: 'error', error: { type: String } });
  noSecrets(t, JSON.stringify(a.error));
});

t.test('unreachable provider: 502; stalled: 504; reset: 502', async (t) => {
  const e = await caught(ask('hello', 'dead-model'));
  t.equal(e.status, 502);
  t.match(e.error, { message: /unreachable/ });
  noSecrets(t, JSON.stringify(e.error));
  const s = await caught(ask('wait for me mock:stall'));
  t.equal(s.status, 504);
  t.match(s.error, { message: /did not answer in time/ });
  const r = await caught(ask('hang up mock:reset'));
  t.equal(r.status, 502);
  const ar = await caught(anthropic.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 50, messages: [{ role: 'user', content: 'mock:reset' }] }));
  t.equal(ar.status, 502);
  t.match(ar.error, { type: 'error', error: { type: 'api_error' } });
});

t.test('a stream that stalls midway ends with an error event, not a hang', async (t) => {
  const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'tell a story mock:stall-after=3' }], stream: true });
  let chunks = 0;
  const e = await caught(
    (async () => {
      for await (const _ of stream) chunks++;
    })(),
  );
  t.ok(chunks >= 1, 'the first chunks arrived');
  t.match(String(e.message ?? e.error), /did not answer in time|timeout/i);
});

t.test('a client that goes away aborts the upstream call', async (t) => {
  const controller = new AbortController();
  const stream = await openai.chat.completions.create(
    { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a long tale mock:chunk-delay=50 mock:words=400' }], stream: true },
    { signal: controller.signal },
  );
  let n = 0;
  try {
    for await (const _ of stream) if (++n === 3) controller.abort();
  } catch {
    // the SDK may end the iteration or throw its abort error; either is fine
  }
  t.equal(n, 3);
  let upstream;
  for (let i = 0; i < 50 && !upstream?.disconnected; i++) {
    upstream = gw.mock.received().find((r) => JSON.stringify(r.body).includes('a long tale'));
    if (!upstream?.disconnected) await new Promise((r) => setTimeout(r, 100));
  }
  t.equal(upstream?.disconnected, true, 'the gateway hung up on the provider');
  // The gateway is still healthy and serving.
  const r = await ask('still there?');
  t.ok(r.choices[0].message.content);
});
