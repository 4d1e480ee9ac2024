// Issue 21, the hostile provider: a real HTTP server on 127.0.0.1 that attacks the gateway through
// its answers (an endless JSON answer, an endless stream, one huge event, silence mid-stream, a
// redirect, a gzip-encoded answer), each through the whole gateway. Every attack is bounded by the
// upstream client: the caller gets a 502/504 in its dialect (or, once a stream has started, an error
// event and the end), the audit log a `failed` record naming the limit, the provider's connection is
// closed, memory does not follow the attacker, and /healthz answers quickly throughout.
// Every writer below stops itself: when its socket closes, or after ATTACK_MAX_MS.
import t, { type Test } from 'tap';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { startDemoGateway } from './support/demo-gateway.js';

const LIMITS = { upstreamAnswerBytes: 1024 * 1024, upstreamEventBytes: 64 * 1024, upstreamTotalMs: 3_000, bodyTimeoutMs: 1_000 };
/** No attack writes for longer than this, whatever the gateway does. */
const ATTACK_MAX_MS = 20_000;
/** What the loopback socket buffers on both sides and undici's stream can hold beyond a limit. */
const SOCKET_SLACK = 24 * 1024 * 1024;

type Attack = 'endless-json' | 'endless-stream' | 'flood-stream' | 'huge-event' | 'silent' | 'redirect' | 'gzip';

interface Seen {
  attack: Attack;
  headers: IncomingMessage['headers'];
  written: number;
  /** When the provider's socket closed, ms after the request arrived; null while open. */
  closedAfterMs: number | null;
  closed: Promise<void>;
}

const seen: Seen[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const chatChunk = (content: string) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-h', object: 'chat.completion.chunk', created: 0, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

/** Writes `piece()` until the socket closes or ATTACK_MAX_MS, with backpressure; counts what was accepted. */
async function pour(res: ServerResponse, s: Seen, piece: () => string | Buffer, pauseMs = 0): Promise<void> {
  const until = Date.now() + ATTACK_MAX_MS;
  while (!res.destroyed && !res.socket?.destroyed && Date.now() < until) {
    const p = piece();
    s.written += p.length;
    if (!res.write(p)) await new Promise<void>((resolve) => {
      const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
      res.once('drain', done).once('close', done);
    });
    if (pauseMs) await sleep(pauseMs);
  }
  res.end();
}

async function hostile(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let raw = '';
  for await (const c of req) raw += c;
  const text = JSON.stringify(JSON.parse(raw));
  const attack = (/attack:([a-z-]+)/.exec(text)?.[1] ?? 'endless-json') as Attack;
  const t0 = Date.now();
  let closed!: () => void;
  const s: Seen = { attack, headers: req.headers, written: 0, closedAfterMs: null, closed: new Promise((r) => (closed = r)) };
  res.socket!.once('close', () => {
    s.closedAfterMs = Date.now() - t0;
    closed();
  });
  seen.push(s);
  res.on('error', () => undefined);
  switch (attack) {
    case 'endless-json': {
      // A JSON answer that never ends: an opening and then a string without end.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"chatcmpl-h","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"');
      const block = 'a'.repeat(64 * 1024);
      return pour(res, s, () => block);
    }
    case 'endless-stream':
      // Small, valid events, forever.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      return pour(res, s, () => chatChunk('tick '), 5);
    case 'flood-stream': {
      // Valid 4 KB events as fast as they are read, forever: each is within the event bound.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = chatChunk('y'.repeat(4000));
      return pour(res, s, () => chunk);
    }
    case 'huge-event': {
      // One ordinary event, then one that never reaches its boundary.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chatChunk('hello'));
      res.write('data: {"id":"chatcmpl-h","choices":[{"index":0,"delta":{"content":"');
      const block = 'x'.repeat(16 * 1024);
      return pour(res, s, () => block);
    }
    case 'silent':
      // Two events, then nothing, with the connection held open.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chatChunk('one '));
      res.write(chatChunk('two '));
      await Promise.race([s.closed, sleep(ATTACK_MAX_MS)]);
      res.destroy();
      return;
    case 'redirect':
      res.writeHead(302, { location: 'http://127.0.0.1:9/steal', 'content-type': 'application/json' });
      res.end('{"redirect":true}');
      return;
    case 'gzip': {
      const body = gzipSync(JSON.stringify({ id: 'chatcmpl-h', object: 'chat.completion', created: 0, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'zipped' }, finish_reason: 'stop' }] }));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length });
      res.end(body);
      return;
    }
  }
}

const server = createServer((req, res) => void hostile(req, res).catch(() => res.destroy()));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const hostileUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const gw = await startDemoGateway((config) => {
  Object.assign(config.limits, LIMITS);
  config.providers.hostile = { kind: 'openai', baseUrl: `${hostileUrl}/v1`, apiKeyEnv: 'TERMSGATE_TEST_PROVIDER_KEY', licence: 'openai-services-agreement' };
  config.providers['hostile-anthropic'] = { kind: 'anthropic', baseUrl: hostileUrl, apiKeyEnv: 'TERMSGATE_TEST_PROVIDER_KEY', licence: 'anthropic-commercial-terms' };
  config.models['hostile-model'] = { provider: 'hostile', upstreamModel: 'gpt-4o-mini' };
  config.models['hostile-claude'] = { provider: 'hostile-anthropic', upstreamModel: 'claude-3-5-haiku-latest' };
});
t.teardown(async () => {
  await gw.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

interface Outcome {
  status: number;
  text: string;
  decisionId: string;
  ms: number;
  /** Largest RSS growth of this process (gateway and provider both run here) while the call ran. */
  rssGrowth: number;
  /** Latency of each /healthz probe made while the call ran. */
  probes: number[];
}

/** One call through the gateway, with /healthz probed and RSS sampled until it settles. */
async function attack(a: Attack, opts: { stream?: boolean; dialect?: 'openai' | 'anthropic' } = {}): Promise<Outcome> {
  const anthropic = opts.dialect === 'anthropic';
  const content = `attack:${a}`;
  const body = anthropic
    ? { model: 'hostile-claude', max_tokens: 50, stream: opts.stream ?? false, messages: [{ role: 'user', content }] }
    : { model: 'hostile-model', stream: opts.stream ?? false, messages: [{ role: 'user', content }] };
  const rss0 = process.memoryUsage().rss;
  let rssMax = rss0;
  const t0 = performance.now();
  let done = false;
  const call = (async () => {
    const res = await request(`${gw.url}${anthropic ? '/v1/messages' : '/v1/chat/completions'}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', ...(anthropic ? { 'anthropic-version': '2023-06-01' } : {}) },
      body: JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, text, decisionId: String(res.headers['x-termsgate-decision-id'] ?? '') };
  })().finally(() => (done = true));
  const probes: number[] = [];
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 10);
  // Probes run until the call settles, at least one.
  do {
    const p0 = performance.now();
    const h = await request(`${gw.url}/healthz`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
    await h.body.text();
    probes.push(h.statusCode === 200 ? performance.now() - p0 : Infinity);
    if (!done) await sleep(50);
  } while (!done);
  const r = await call;
  clearInterval(sampler);
  return { ...r, ms: performance.now() - t0, rssGrowth: rssMax - rss0, probes };
}

async function failedRecord(id: string): Promise<{ phase: string; status: number; error: string }> {
  // The failed record is in the OS before the answer; the admin route reads it back.
  const res = await request(`${gw.url}/admin/v1/audit/records?decision_id=${id}`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
  const { records } = (await res.body.json()) as { records: Array<{ record: { decision_id: string; phase: string; status: number; error: string } }> };
  const mine = records.map((r) => r.record).filter((r) => r.decision_id === id);
  const last = mine.find((r) => r.phase !== 'started');
  if (!last) throw new Error(`no final record for ${id}: ${JSON.stringify(mine)}`);
  return last;
}

function healthy(t: Test, o: Outcome) {
  t.ok(o.probes.length >= 1, `/healthz probed ${o.probes.length} time(s) during the attack`);
  t.ok(Math.max(...o.probes) < 1_000, `/healthz answered within 1 s throughout (slowest ${Math.round(Math.max(...o.probes))} ms)`);
}

/** The last provider connection of this attack, once closed. */
async function provider(t: Test, a: Attack): Promise<Seen> {
  const s = seen.filter((x) => x.attack === a).at(-1)!;
  t.ok(s, `the hostile provider saw the ${a} call`);
  await Promise.race([s.closed, sleep(5_000)]);
  t.not(s.closedAfterMs, null, 'the gateway closed the provider connection');
  return s;
}

/** An SSE body's events, parsed loosely: [event name, data]. */
function events(text: string): Array<[string, string]> {
  return text
    .split(/\n\n/)
    .filter((e) => e.trim())
    .map((e) => {
      const name = /^event: (.*)$/m.exec(e)?.[1] ?? '';
      const data = [...e.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join('\n');
      return [name, data];
    });
}

t.test('(a) an endless JSON answer: 502 naming limits.upstreamAnswerBytes, read no further than the bound', async (t) => {
  const o = await attack('endless-json');
  t.equal(o.status, 502);
  t.match(JSON.parse(o.text), { error: { type: 'upstream_error', message: /limits\.upstreamAnswerBytes \(1048576 bytes\)/ } });
  const rec = await failedRecord(o.decisionId);
  t.match(rec, { phase: 'failed', status: 502, error: /upstreamAnswerBytes/ });
  const s = await provider(t, 'endless-json');
  t.ok(s.written < LIMITS.upstreamAnswerBytes + SOCKET_SLACK, `the provider wrote ${(s.written / 2 ** 20).toFixed(1)} MiB before its socket was closed`);
  t.ok(o.rssGrowth < 200 * 2 ** 20, `RSS grew by ${(o.rssGrowth / 2 ** 20).toFixed(1)} MiB at most`);
  healthy(t, o);
});

t.test('(b) an endless stream of small events: cut at limits.upstreamTotalMs with a 504 error event, then the end', async (t) => {
  const o = await attack('endless-stream', { stream: true });
  t.equal(o.status, 200, 'the stream had started');
  const evs = events(o.text);
  t.ok(evs.length > 10, `${evs.length} events were passed on before the cut`);
  const last = evs.at(-1)!;
  t.match(JSON.parse(last[1]), { error: { message: /did not finish its answer within limits\.upstreamTotalMs \(3000 ms\)/ } });
  t.notOk(o.text.includes('[DONE]'), 'no [DONE]: the answer is not complete');
  t.ok(o.ms >= LIMITS.upstreamTotalMs - 100 && o.ms < LIMITS.upstreamTotalMs + 3_000, `cut after ${Math.round(o.ms)} ms`);
  t.match(await failedRecord(o.decisionId), { phase: 'failed', status: 504, error: /upstreamTotalMs/ });
  const s = await provider(t, 'endless-stream');
  t.ok(s.closedAfterMs! < LIMITS.upstreamTotalMs + 2_000, `provider socket closed after ${s.closedAfterMs} ms`);
  t.ok(o.rssGrowth < 200 * 2 ** 20, `RSS grew by ${(o.rssGrowth / 2 ** 20).toFixed(1)} MiB at most`);
  healthy(t, o);
});

t.test('(b2) an endless stream of valid events read at full speed: cut at limits.upstreamAnswerBytes (the whole stream) with a 502 error event', async (t) => {
  const o = await attack('flood-stream', { stream: true });
  t.equal(o.status, 200, 'the stream had started');
  const evs = events(o.text);
  t.match(JSON.parse(evs.at(-1)![1]), { error: { message: /the provider's answer exceeded limits\.upstreamAnswerBytes \(1048576 bytes\)/ } });
  t.notOk(o.text.includes('[DONE]'), 'no [DONE]: the answer is not complete');
  t.ok(o.text.length < LIMITS.upstreamAnswerBytes + 64 * 1024, `the client got ${(o.text.length / 2 ** 20).toFixed(2)} MiB, no more than the bound and the error event`);
  t.ok(o.ms < LIMITS.upstreamTotalMs, `cut by the size bound after ${Math.round(o.ms)} ms, before the total deadline`);
  t.match(await failedRecord(o.decisionId), { phase: 'failed', status: 502, error: /upstreamAnswerBytes/ });
  const s = await provider(t, 'flood-stream');
  t.ok(s.written < LIMITS.upstreamAnswerBytes + SOCKET_SLACK, `the provider wrote ${(s.written / 2 ** 20).toFixed(1)} MiB before its socket was closed`);
  t.ok(o.rssGrowth < 200 * 2 ** 20, `RSS grew by ${(o.rssGrowth / 2 ** 20).toFixed(1)} MiB at most`);
  healthy(t, o);
});

t.test('(c) one huge stream event: a 502 error event naming limits.upstreamEventBytes, then the end; in both dialects', async (t) => {
  const o = await attack('huge-event', { stream: true });
  t.equal(o.status, 200);
  const last = events(o.text).at(-1)!;
  t.match(JSON.parse(last[1]), { error: { message: /stream event exceeded limits\.upstreamEventBytes \(65536 bytes\)/ } });
  t.match(await failedRecord(o.decisionId), { phase: 'failed', status: 502, error: /upstreamEventBytes/ });
  const s = await provider(t, 'huge-event');
  t.ok(s.written < LIMITS.upstreamEventBytes + SOCKET_SLACK, `the provider wrote ${(s.written / 2 ** 20).toFixed(1)} MiB before its socket was closed`);
  t.ok(o.rssGrowth < 200 * 2 ** 20, `RSS grew by ${(o.rssGrowth / 2 ** 20).toFixed(1)} MiB at most`);
  healthy(t, o);

  const a = await attack('huge-event', { stream: true, dialect: 'anthropic' });
  t.equal(a.status, 200);
  const [name, data] = events(a.text).at(-1)!;
  t.equal(name, 'error', 'an Anthropic error event');
  t.match(JSON.parse(data), { type: 'error', error: { message: /upstreamEventBytes/ } });
  t.match(await failedRecord(a.decisionId), { phase: 'failed', status: 502 });
  await provider(t, 'huge-event');
  healthy(t, a);
});

t.test('(d) a stream that goes silent: cut at limits.bodyTimeoutMs (the idle deadline) with a 504 error event', async (t) => {
  const o = await attack('silent', { stream: true });
  t.equal(o.status, 200);
  const evs = events(o.text);
  t.match(JSON.parse(evs.at(-1)![1]), { error: { message: /did not answer in time \(silent for limits\.bodyTimeoutMs, 1000 ms\)/ } });
  t.ok(o.ms >= LIMITS.bodyTimeoutMs - 100 && o.ms < LIMITS.upstreamTotalMs, `cut after ${Math.round(o.ms)} ms, before the total deadline`);
  t.match(await failedRecord(o.decisionId), { phase: 'failed', status: 504, error: /bodyTimeoutMs/ });
  await provider(t, 'silent');
  healthy(t, o);
});

t.test('(e) a redirect: 502 "provider answered a redirect", never passed through nor followed', async (t) => {
  const before = seen.length;
  const o = await attack('redirect');
  t.equal(o.status, 502);
  const body = JSON.parse(o.text);
  t.match(body, { error: { type: 'upstream_error', message: /the provider answered a redirect \(HTTP 302\)/ } });
  t.notOk(o.text.includes('/steal'), 'the location is not passed on');
  t.equal(seen.length, before + 1, 'one provider call, nothing followed');
  t.match(await failedRecord(o.decisionId), { phase: 'failed', status: 502, error: /redirect/ });
  healthy(t, o);
});

t.test('(f) a gzip-encoded answer, though identity was asked for: 502, not an empty 200', async (t) => {
  const o = await attack('gzip');
  t.equal(o.status, 502);
  t.match(JSON.parse(o.text), { error: { message: /content-encoding gzip/ } });
  const s = seen.filter((x) => x.attack === 'gzip').at(-1)!;
  t.equal(s.headers['accept-encoding'], 'identity', 'the gateway asked for identity');
  t.match(await failedRecord(o.decisionId), { phase: 'failed', status: 502, error: /content-encoding/ });
  healthy(t, o);
});

t.test('after every attack the gateway still serves an ordinary call', async (t) => {
  const res = await request(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
  });
  t.equal(res.statusCode, 200);
  await res.body.text();
});
