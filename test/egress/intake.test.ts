// Bad input is refused cleanly, in the endpoint's dialect: deep nesting, slow bodies, bodies from callers
// without a key (refused before they are read), and termsgate's own headers out of bounds.
import t from 'tap';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { startDemoGateway } from '../support/demo-gateway.js';
import { chat, embeddings, messages } from './cases.js';
import { send } from './capture.js';

const gw = await startDemoGateway((config) => {
  config.intake.bodyTimeoutMs = 600;
});
t.teardown(() => gw.close());

const nested = (depth: number, leaf: unknown = 'x'): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
};

t.test('JSON nested 5,000 deep: 400 in each dialect, never a 500', async (t) => {
  // Built as text: JSON.stringify itself overflows the stack on 5,000 levels.
  const deep = `{"model":"${chat.model}","messages":[{"role":"user","content":"hi"}],"metadata":${'{"k":['.repeat(2500)}1${']}'.repeat(2500)}}`;
  const openai = await send(gw, chat, deep);
  t.equal(openai.status, 400);
  t.match(openai.body, { error: { type: 'invalid_request_error', message: /nested deeper than 64 levels/ } });
  const anthropic = await send(gw, messages, deep.replace('"messages"', '"max_tokens":8,"messages"').replace(chat.model, messages.model));
  t.equal(anthropic.status, 400);
  t.match(anthropic.body, { type: 'error', error: { type: 'invalid_request_error' } });
  t.equal(openai.received + anthropic.received, '', 'nothing forwarded');
  const arrays = await send(gw, embeddings, `{"model":"${embeddings.model}","input":${'['.repeat(5000)}${']'.repeat(5000)}}`);
  t.equal(arrays.status, 400, 'deep arrays too');
});

t.test('nesting within the limit is accepted; brackets inside strings do not count', async (t) => {
  const ok = await send(gw, chat, { model: chat.model, messages: [{ role: 'user', content: '[[[{{{'.repeat(100) }], metadata: { a: JSON.stringify(nested(200)) }, tools: [{ type: 'function', function: { name: 'f', parameters: nested(40) } }] });
  t.equal(ok.status, 200);
});

/** Raw HTTP over a socket, so the body can be sent as slowly as an attacker likes. */
function slowRequest(path: string, headers: Record<string, string>, body: string, byteEveryMs: number): Promise<{ text: string; ms: number }> {
  const url = new URL(gw.url);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (d) => (text += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ text, ms: performance.now() - started });
    });
    socket.setTimeout(15_000, () => {
      socket.destroy();
      reject(new Error('the gateway never answered'));
    });
    const head = Object.entries({ host: url.host, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers })
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n');
    socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n\r\n`);
    let at = 0;
    timer = setInterval(() => {
      if (at < body.length && !socket.destroyed) socket.write(body[at++]);
    }, byteEveryMs);
  });
}

t.test('a body sent one byte at a time is cut off at the body deadline, in dialect', async (t) => {
  const body = JSON.stringify({ model: chat.model, messages: [{ role: 'user', content: 'hello there, slowly' }] });
  const r = await slowRequest(chat.path, { authorization: `Bearer ${gw.key}` }, body, 200);
  t.match(r.text, /^HTTP\/1\.1 408/);
  t.match(r.text, /did not arrive within 600 ms/);
  t.match(r.text, /"type":"invalid_request_error"/);
  t.ok(r.ms < 5_000, `answered and closed after ${Math.round(r.ms)} ms`);
});

t.test('without a valid key the body is never read: 401 at once', async (t) => {
  const body = JSON.stringify({ model: chat.model, messages: [{ role: 'user', content: 'x'.repeat(200) }] });
  const r = await slowRequest(chat.path, { authorization: 'Bearer tg-wrong' }, body, 1_000);
  t.match(r.text, /^HTTP\/1\.1 401/);
  t.ok(r.ms < 1_000, `answered in ${Math.round(r.ms)} ms, before one byte of body`);
  const a = await slowRequest(messages.path, { 'anthropic-version': '2023-06-01' }, body, 1_000);
  t.match(a.text, /^HTTP\/1\.1 401/);
  t.match(a.text, /"type":"authentication_error"/);
});

t.test('x-termsgate-purpose: at most 64 characters, from the configured vocabulary, never echoed', async (t) => {
  const body = { model: chat.model, messages: [{ role: 'user', content: 'hi' }] };
  // 16 KB would pass Node's own header limit (16 KB for all headers) and get its bare 431; 12 KB reaches termsgate.
  const huge = 'p'.repeat(12 * 1024);
  const long = await send(gw, chat, body, { 'x-termsgate-purpose': huge });
  t.equal(long.status, 400);
  t.match(long.body.error?.message, /longer than 64 characters/);
  t.notMatch(JSON.stringify(long.body), 'pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp');
  const unknown = await send(gw, chat, body, { 'x-termsgate-purpose': 'world-domination' });
  t.equal(unknown.status, 400);
  const vocabulary = [...new Set(gw.config.keys.flatMap((k) => [k.defaultPurpose, ...k.allowedPurposes]))].sort();
  t.equal(unknown.body.error?.message, `x-termsgate-purpose must be one of: ${vocabulary.join(', ')}`);
  const anthropic = await send(gw, messages, { model: messages.model, max_tokens: 8, messages: body.messages }, { 'x-termsgate-purpose': 'bogus' });
  t.match(anthropic.body, { type: 'error', error: { type: 'invalid_request_error' } });
  t.equal(long.received + unknown.received + anthropic.received, '', 'nothing forwarded');
  t.equal((await send(gw, chat, body, { 'x-termsgate-purpose': 'evaluation' })).status, 200, 'a purpose of the vocabulary passes');
});

t.test('a malformed body quoting a secret: no fragment of it in the answer, the audit record or the log', async (t) => {
  // V8's JSON.parse message quoted ten characters around the fault, so the first characters of an unquoted
  // key went into the call's record (exported) and the log line.
  const logs: string[] = [];
  const own = await startDemoGateway(() => {}, { logs });
  t.teardown(() => own.close());
  const canary = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
  for (const [endpoint, raw] of [
    [chat, `{"model":"${chat.model}","messages":[{"role":"user","content":${canary}}]}`],
    [messages, `{"model":"${messages.model}","max_tokens":8,"messages":[{"role":"user","content":"x"}] ${canary}}`],
    [chat, `{"model":"${chat.model}","messages":[{"role":"user","content":"${canary}\u0001"}]}`],
  ] as const) {
    const sent = await send(own, endpoint, raw);
    t.equal(sent.status, 400, 'malformed: 400');
    t.match(sent.body, endpoint.anthropic ? { type: 'error', error: { type: 'invalid_request_error' } } : { error: { type: 'invalid_request_error' } });
    t.equal(sent.received, '', 'nothing forwarded');
  }
  const res = await fetch(`${own.url}/admin/v1/audit/records?limit=50`, { headers: { authorization: `Bearer ${own.adminToken}` } });
  const records = await res.text();
  t.match(records, /malformed JSON in the request body/, 'the refusals are recorded');
  const fragments = Array.from({ length: canary.length - 5 }, (_, i) => canary.slice(i, i + 6));
  const leaked = (text: string) => fragments.filter((f) => text.includes(f));
  t.same(leaked(records), [], 'no six characters of the key in the audit records');
  t.same(leaked(logs.join('\n')), [], 'none in the log');
});

t.test('a compressed body, a charset other than UTF-8 and a byte order mark are refused by name in the dialect', async (t) => {
  const body = JSON.stringify({ model: chat.model, messages: [{ role: 'user', content: 'hi' }] });
  const receivedBefore = gw.mock.received().length;
  const gz = await request(`${gw.url}${chat.path}`, { method: 'POST', headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(Buffer.alloc(50 * 2 ** 20, 0x20)) });
  const gzBody = await gz.body.json();
  t.equal(gz.statusCode, 415, 'gzip (a 50 MB bomb, never inflated): 415');
  t.match(gzBody, { error: { type: 'invalid_request_error', message: /must not be compressed \(content-encoding gzip/ } });
  const anthropicGz = await send(gw, messages, JSON.stringify({ model: messages.model, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }), { 'content-encoding': 'br' });
  t.equal(anthropicGz.status, 415);
  t.match(anthropicGz.body, { type: 'error', error: { type: 'invalid_request_error', message: /content-encoding br/ } });
  const utf16 = await send(gw, chat, Buffer.from(body, 'utf16le').toString('latin1'), { 'content-type': 'application/json; charset=UTF-16LE' });
  t.equal(utf16.status, 415);
  t.match(utf16.body, { error: { message: /must be UTF-8 JSON \(charset utf-16le/ } });
  const quoted = await send(gw, chat, body, { 'content-type': 'application/json; charset="utf-8"' });
  t.equal(quoted.status, 200, 'charset "utf-8" (quoted) is UTF-8');
  const bom = await send(gw, chat, `\uFEFF${body}`);
  t.equal(bom.status, 400);
  t.match(bom.body, { error: { message: /byte order mark/ } });
  t.equal(anthropicGz.received + utf16.received + bom.received, '', 'nothing forwarded');
  t.equal(gw.mock.received().length, receivedBefore + 1, 'only the quoted-charset call reached the provider');
});

t.test('a key given twice: the provider gets only the value that was classified', async (t) => {
  // JSON.parse keeps the last duplicate; the gateway forwards its own serialisation of what it parsed,
  // so a provider whose parser keeps the first never sees a value that was not checked.
  const canary = `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
  const first = await send(gw, chat, `{"model":"${chat.model}","messages":[{"role":"user","content":"key ${canary}"}],"messages":[{"role":"user","content":"hello"}]}`);
  t.equal(first.status, 200, 'the checked (last) value is harmless: served');
  t.notMatch(first.received, canary.slice(4), 'the unchecked first value never reaches the provider');
  t.match(first.received, /hello/);
  const last = await send(gw, chat, `{"model":"${chat.model}","messages":[{"role":"user","content":"hello"}],"messages":[{"role":"user","content":"key ${canary}"}]}`);
  t.equal(last.status, 403, 'the checked (last) value carries the key: refused');
  t.equal(last.received, '');
});

t.test('an object of 300,000 keys is refused before it is parsed, in the dialect, without holding the event loop', async (t) => {
  // 3.3 MB: V8 parsed it in 200–370 ms on the event loop, and the classifier's size count walked every key.
  const keys = `{${Array.from({ length: 300_000 }, (_, i) => `"k${i}":0`).join(',')}}`;
  const t0 = performance.now();
  const sent = await send(gw, chat, `{"model":"${chat.model}","metadata":${keys},"messages":[{"role":"user","content":"hi"}]}`);
  const ms = performance.now() - t0;
  t.equal(sent.status, 400);
  t.match(sent.body, { error: { type: 'invalid_request_error', message: /more than 1000 members \(intake\.maxObjectKeys\)/ } });
  t.equal(sent.received, '', 'nothing forwarded');
  t.comment(`refused in ${Math.round(ms)} ms`);
  const anthropic = await send(gw, messages, `{"model":"${messages.model}","max_tokens":8,"metadata":${keys},"messages":[{"role":"user","content":"hi"}]}`);
  t.equal(anthropic.status, 400);
  t.match(anthropic.body, { type: 'error', error: { type: 'invalid_request_error' } });
});
