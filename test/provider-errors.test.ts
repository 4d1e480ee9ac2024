// Finding 5 of issue 11 through the real gateway: a provider (or a proxy in front of it) that echoes
// the gateway's provider key in an error body or a header hands nothing to the caller, and a provider
// refusing the gateway's credentials is a 502 upstream_auth_failed naming the provider.
import t from 'tap';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { request } from 'undici';
import { startDemoGateway } from './support/demo-gateway.js';

const gw = await startDemoGateway();
t.teardown(() => gw.close());
const openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.key, maxRetries: 0 });
const anthropic = new Anthropic({ baseURL: gw.url, apiKey: gw.key, maxRetries: 0 });

async function raw(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await request(`${gw.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, all: JSON.stringify(res.headers) + text };
}

const chat = (content: string, stream = false) => raw('/v1/chat/completions', { model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content }] });
const messages = (content: string) =>
  raw('/v1/messages', { model: 'claude-3-5-haiku-latest', max_tokens: 50, messages: [{ role: 'user', content }] }, { 'anthropic-version': '2023-06-01' });

t.test('a provider error echoing the key in its body and request id: scrubbed, status and shape kept', async (t) => {
  for (const status of [400, 429, 500]) {
    const r = await chat(`fail mock:status=${status} mock:echo-key`);
    t.equal(r.status, status);
    t.notOk(r.all.includes(gw.providerKey), `no key in the ${status} answer`);
    t.match(JSON.parse(r.text), { error: { message: /Incorrect API key provided: \[redacted\] \(Authorization: Bearer \[redacted\]\)/ } });
    t.equal(r.headers['x-request-id'], '[redacted]');
  }
  const a = await messages('fail mock:status=529 mock:echo-key');
  t.equal(a.status, 529);
  t.notOk(a.all.includes(gw.providerKey));
  t.equal(a.headers['request-id'], '[redacted]');
});

t.test('a successful answer whose provider echoes the key in a header: scrubbed, streamed or not', async (t) => {
  for (const stream of [false, true]) {
    const r = await chat('hello mock:echo-key', stream);
    t.equal(r.status, 200);
    t.equal(r.headers['x-request-id'], '[redacted]');
    t.notOk(r.all.includes(gw.providerKey));
  }
});

t.test('provider 401 and 403: 502 upstream_auth_failed naming the provider, in each dialect', async (t) => {
  for (const status of [401, 403]) {
    const e = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `mock:status=${status} mock:echo-key` }] }).catch((x: unknown) => x);
    t.ok(e instanceof OpenAI.APIError && !(e instanceof OpenAI.AuthenticationError), 'the SDK does not report a bad key');
    const err = e as InstanceType<typeof OpenAI.APIError>;
    t.equal(err.status, 502);
    t.equal(err.code, 'upstream_auth_failed');
    t.match(err.message, new RegExp(`provider openai refused the gateway's credentials \\(HTTP ${status}\\)`));
    t.ok(err.headers?.get('x-termsgate-decision-id'));
    t.notOk(JSON.stringify(err.error).includes(gw.providerKey));
    const a = await anthropic.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 50, messages: [{ role: 'user', content: `mock:status=${status}` }] }).catch((x: unknown) => x);
    t.ok(a instanceof Anthropic.APIError && !(a instanceof Anthropic.AuthenticationError));
    t.equal((a as InstanceType<typeof Anthropic.APIError>).status, 502);
    t.match((a as InstanceType<typeof Anthropic.APIError>).error, { type: 'error', error: { type: 'api_error', code: 'upstream_auth_failed', message: /provider anthropic refused/ } });
  }
});

t.test('a wrong provider key in the configuration: 502 naming the provider', async (t) => {
  process.env.TERMSGATE_TEST_WRONG_PROVIDER_KEY = 'sk-wrong-' + 'w'.repeat(20);
  const wrong = await startDemoGateway((config) => {
    config.providers.vllm.apiKeyEnv = 'TERMSGATE_TEST_WRONG_PROVIDER_KEY';
  });
  t.teardown(() => wrong.close());
  const res = await request(`${wrong.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${wrong.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: 'hi' }] }),
  });
  const body = (await res.body.json()) as { error: { code: string; message: string } };
  t.equal(res.statusCode, 502);
  t.equal(body.error.code, 'upstream_auth_failed');
  t.match(body.error.message, /provider vllm refused/);
});
