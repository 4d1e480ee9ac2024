// Behaviour switches: `mock:` directives in the last user message, and the global options.
import t from 'tap';
import OpenAI from 'openai';
import { behaviourFor } from './directives.js';
import { startMockUpstream } from './index.js';

const mock = await startMockUpstream();
t.teardown(() => mock.close());
const client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'unused', maxRetries: 0 });
const ask = (content: string, signal?: AbortSignal) =>
  client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }, { signal });
const askStream = (content: string, signal?: AbortSignal) =>
  client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], stream: true }, { signal });

t.test('parsing', async (t) => {
  t.same(behaviourFor({}, 'hello'), { reset: false, stall: false, latencyMs: 0, chunkDelayMs: 0, words: undefined });
  t.match(behaviourFor({ latencyMs: 5, words: 9 }, 'x mock:status=503 mock:chunk-delay=7 mock:words=3'), { status: 503, latencyMs: 5, chunkDelayMs: 7, words: 3 });
  t.match(behaviourFor({}, 'mock:reset-after=4 mock:stall-after=2'), { reset: false, stall: false, resetAfter: 4, stallAfter: 2 });
  t.match(behaviourFor({}, 'mock:reset'), { reset: true, resetAfter: undefined });
  t.equal(behaviourFor({}, 'mock:status=200').status, undefined, 'only error statuses');
  t.equal(behaviourFor({}, 'mock:status=418').status, 418);
});

t.test('mock:status answers with that error in the dialect', async (t) => {
  const limited = await ask('hi mock:status=429').catch((e: unknown) => e);
  t.ok(limited instanceof OpenAI.RateLimitError);
  const err = limited as InstanceType<typeof OpenAI.APIError>;
  t.equal(err.status, 429);
  t.equal(err.headers?.get('retry-after'), '1');
  t.match(err.error, { message: /rate limit/i, type: 'requests', code: 'rate_limit_exceeded' });
  const down = await ask('hi mock:status=503').catch((e: unknown) => e);
  t.ok(down instanceof OpenAI.InternalServerError);
  t.equal((down as InstanceType<typeof OpenAI.APIError>).status, 503);
  const bad = await askStream('hi mock:status=400').catch((e: unknown) => e);
  t.ok(bad instanceof OpenAI.BadRequestError, 'a streamed request gets a plain JSON error');
});

t.test('mock:reset drops the connection before any response', async (t) => {
  const err = await ask('hi mock:reset').catch((e: unknown) => e);
  t.ok(err instanceof OpenAI.APIConnectionError);
});

t.test('mock:reset-after=N streams N events then drops the connection', async (t) => {
  const stream = await askStream('hi mock:reset-after=5');
  const seen: string[] = [];
  const err = await (async () => {
    for await (const c of stream) seen.push(c.choices[0]?.delta.content ?? '');
  })().catch((e: unknown) => e);
  t.ok(err instanceof Error, 'iteration fails');
  t.equal(seen.length, 5);
  const whole = await ask('hi mock:reset-after=1').catch((e: unknown) => e);
  t.ok(whole instanceof Error, 'a whole answer cut in half fails too');
});

t.test('mock:stall holds the request until the client aborts', async (t) => {
  const started = Date.now();
  const err = await ask('hi mock:stall', AbortSignal.timeout(300)).catch((e: unknown) => e);
  t.ok(err instanceof OpenAI.APIUserAbortError);
  t.ok(Date.now() - started >= 290);
  await new Promise((r) => setTimeout(r, 50));
  t.equal(mock.received().at(-1)?.disconnected, true, 'the mock saw the client go away');
  await ask('hi');
  t.equal(mock.received().at(-1)?.disconnected, false, 'a completed request is not marked');
});

t.test('mock:stall-after=N streams N events then hangs', async (t) => {
  const controller = new AbortController();
  const stream = await askStream('hi mock:stall-after=3', controller.signal);
  let seen = 0;
  let thirdAt = 0;
  // The SDK ends the iteration quietly on abort; the hang shows as the time until the abort.
  for await (const _ of stream) {
    if (++seen === 3) {
      thirdAt = Date.now();
      setTimeout(() => controller.abort(), 200);
    }
  }
  t.equal(seen, 3);
  t.ok(Date.now() - thirdAt >= 190, 'hung until the client gave up');
});

t.test('mock:latency delays the first byte; mock:chunk-delay paces the stream', async (t) => {
  let started = Date.now();
  await ask('hi mock:latency=250');
  t.ok(Date.now() - started >= 240, 'latency');
  started = Date.now();
  const stream = await askStream('hi mock:chunk-delay=30 mock:words=8');
  const arrivals: number[] = [];
  for await (const _ of stream) arrivals.push(Date.now() - started);
  t.ok(arrivals.at(-1)! - arrivals[0] >= 8 * 25, `paced (${arrivals.at(-1)! - arrivals[0]} ms)`);
});

t.test('mock:words sets the exact answer length', async (t) => {
  const res = await ask('hi mock:words=17');
  const text = res.choices[0].message.content ?? '';
  t.equal(text.split(/\s+/).length, 17);
  t.match(text, /[.!?]$/);
});

t.test('global options apply to every request, directives override them', async (t) => {
  const slow = await startMockUpstream({ latencyMs: 200, words: 5 });
  t.teardown(() => slow.close());
  const c = new OpenAI({ baseURL: `${slow.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const started = Date.now();
  const res = await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hello' }] });
  t.ok(Date.now() - started >= 190);
  t.equal((res.choices[0].message.content ?? '').split(/\s+/).length, 5);
  const more = await c.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hello mock:words=9 mock:latency=0' }] });
  t.equal((more.choices[0].message.content ?? '').split(/\s+/).length, 9);
});

t.test('close() is prompt while a request is stalled', async (t) => {
  const other = await startMockUpstream();
  const pending = fetch(`${other.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'mock:stall' }] }),
  }).catch((e: unknown) => e);
  await new Promise((r) => setTimeout(r, 100));
  const started = Date.now();
  await other.close();
  t.ok(Date.now() - started < 500, 'closed promptly');
  t.ok((await pending) instanceof Error, 'the stalled client sees the connection end');
});

t.test('request log is bounded and records what arrived', async (t) => {
  for (let i = 0; i < 205; i++) await fetch(`${mock.url}/v1/models`, { headers: { 'x-probe': String(i) } });
  const log = mock.received();
  t.equal(log.length, 200);
  t.equal(log.at(-1)?.headers['x-probe'], '204');
  t.equal(log.at(-1)?.method, 'GET');
  t.equal(log.at(-1)?.body, null);
});

t.test('malformed JSON and unknown paths', async (t) => {
  const bad = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{nope' });
  t.equal(bad.status, 400);
  t.match(await bad.json(), { error: { type: 'invalid_request_error' } });
  const missing = await fetch(`${mock.url}/v1/nothing`, { method: 'POST', body: '{}' });
  t.equal(missing.status, 404);
  t.match(await missing.json(), { error: { message: /Invalid URL/ } });
});
