// Issue 21, finding B: every answer under /v1 in the caller's dialect (unknown routes, wrong methods,
// oversized headers, numbers beyond double range), never echoing the path or query, and no stack
// trace in the log for a caller's mistake.
import fc from 'fast-check';
import { connect } from 'node:net';
import t from 'tap';
import { request } from 'undici';
import { iterateRecords } from '../gateway/audit/file/reader.js';
import { startDemoGateway } from './support/demo-gateway.js';

const logs: string[] = [];
const gw = await startDemoGateway(() => {}, { logs });
t.teardown(() => gw.close());

const SECRET = 'sk-live-0123456789abcdefSECRET';

async function call(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const res = await request(gw.url + path, { method: method as 'GET', headers, body });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}

function isOpenAIError(body: unknown): boolean {
  const e = (body as { error?: Record<string, unknown> }).error;
  return !!e && typeof e.message === 'string' && typeof e.type === 'string' && 'param' in e && 'code' in e && !('type' in (body as object) && (body as { type?: unknown }).type === 'error');
}
function isAnthropicError(body: unknown): boolean {
  const b = body as { type?: unknown; error?: { type?: unknown; message?: unknown } };
  return b.type === 'error' && typeof b.error?.type === 'string' && typeof b.error?.message === 'string';
}

t.test('unknown routes: 404 in the dialect the path or anthropic-version names, the control plane’s shape elsewhere, no echo', async (t) => {
  const o = await call('GET', `/v1/no-such-thing?api_key=${SECRET}`);
  t.equal(o.status, 404);
  t.match(o.headers['content-type'], /application\/json/);
  const ob = JSON.parse(o.text);
  t.ok(isOpenAIError(ob), 'OpenAI shape');
  t.match(ob, { error: { type: 'not_found_error' } });
  t.notMatch(o.text, /no-such-thing|api_key|SECRET/, 'neither path nor query echoed');

  const a = await call('POST', `/v1/messages/${SECRET}/batches`, { 'content-type': 'application/json' }, '{}');
  t.equal(a.status, 404);
  t.ok(isAnthropicError(JSON.parse(a.text)), 'Anthropic shape for /v1/messages…');
  t.notMatch(a.text, /SECRET/);

  const h = await call('DELETE', '/v1/files/x', { 'anthropic-version': '2023-06-01' });
  t.equal(h.status, 404);
  t.ok(isAnthropicError(JSON.parse(h.text)), 'Anthropic shape when anthropic-version is sent');

  for (const path of ['/admin/v1/nothing', '/nothing', '/v1beta/x']) {
    const c = await call('GET', path);
    t.equal(c.status, 404, path);
    t.match(JSON.parse(c.text), { error: { type: 'not_found', message: String } }, `${path}: the control plane's shape`);
    t.notMatch(c.text, /statusCode|nothing|v1beta/);
  }
});

t.test('a known route with the wrong method: 405 in its dialect with Allow', async (t) => {
  const o = await call('GET', '/v1/chat/completions');
  t.equal(o.status, 405);
  t.equal(o.headers.allow, 'POST');
  t.ok(isOpenAIError(JSON.parse(o.text)));
  const a = await call('PUT', '/v1/messages', { 'content-type': 'application/json' }, '{}');
  t.equal(a.status, 405);
  t.ok(isAnthropicError(JSON.parse(a.text)));
  const m = await call('POST', '/v1/models', { 'content-type': 'application/json' }, '{}');
  t.equal(m.status, 405);
  t.equal(m.headers.allow, 'GET, HEAD');
});

t.test('oversized request headers: 431 with a JSON body, connection closed', async (t) => {
  const port = Number(new URL(gw.url).port);
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (c: Buffer) => (text += c.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise((r) => socket.once('close', r));
  socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(64 * 1024)}\r\ncontent-length: 2\r\n\r\n{}`);
  await closed;
  t.match(text, /^HTTP\/1\.1 431 /);
  t.match(text, /content-type: application\/json/i);
  t.match(text, /connection: close/i);
  const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
  t.ok(isOpenAIError(body), 'a dialect-neutral OpenAI-shaped error');
  t.match(body, { error: { message: /headers are larger/ } });
});

t.test('1e400 in a numeric field: 400 in the dialect, with a record', async (t) => {
  const auth = { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' };
  const o = await call('POST', '/v1/chat/completions', auth, '{"model":"gpt-4o-mini","temperature":1e400,"messages":[{"role":"user","content":"hi"}]}');
  t.equal(o.status, 400);
  const ob = JSON.parse(o.text);
  t.ok(isOpenAIError(ob));
  t.match(ob, { error: { type: 'invalid_request_error', message: /too large to represent/ } });
  const a = await call('POST', '/v1/messages', { ...auth, 'anthropic-version': '2023-06-01' }, `{"model":"claude-3-5-haiku-latest","max_tokens":1${'0'.repeat(400)},"messages":[{"role":"user","content":"hi"}]}`);
  t.equal(a.status, 400);
  t.ok(isAnthropicError(JSON.parse(a.text)));
  const finite = await call('POST', '/v1/chat/completions', auth, '{"model":"gpt-4o-mini","temperature":1e-400,"max_tokens":1e2,"messages":[{"role":"user","content":"1e400 in a string is text"}]}');
  t.equal(finite.status, 200, 'small exponents and numbers inside strings pass');
  const ids = [o.headers['x-termsgate-decision-id'], a.headers['x-termsgate-decision-id']];
  const phases = new Map<string, string>();
  for await (const r of iterateRecords(gw.dataDir)) phases.set(r.decision_id, r.phase);
  for (const id of ids) t.equal(phases.get(String(id)), 'failed', `${id}: a failed record`);
});

t.test('property: any unknown /v1 path and method yields JSON in the right dialect, 404 or 405 (400 for a path that does not decode), no echo', async () => {
  // Dot segments are left out: the client's URL parser resolves them before anything is sent.
  const segment = fc.stringMatching(/^[A-Za-z0-9._~%-]{1,12}$/).filter((s) => !/%(?![0-9A-Fa-f]{2})/.test(s) && !/^(\.|%2e){1,2}$/i.test(s));
  const known = new Set(['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/responses', '/v1/messages', '/v1/models']);
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
      fc.boolean(),
      fc.array(segment, { minLength: 1, maxLength: 4 }),
      fc.option(segment),
      fc.boolean(),
      async (method, underMessages, segments, query, anthropicHeader) => {
        const path = (underMessages ? '/v1/messages/' : '/v1/') + segments.join('/') + (query ? `?q=${query}` : '');
        // /v1/models/{id} is a route (issue 24): test/models-route.test.ts.
        if (known.has(path.split('?')[0]) || path.startsWith('/v1/models/')) return;
        const headers: Record<string, string> = anthropicHeader ? { 'anthropic-version': '2023-06-01' } : {};
        const body = method === 'GET' || method === 'OPTIONS' ? undefined : '{}';
        if (body) headers['content-type'] = 'application/json';
        const r = await call(method, path, headers, body);
        // A percent escape that is not UTF-8 makes no path at all: 400.
        const ok = r.status === 404 || r.status === 405 || (r.status === 400 && path.includes('%'));
        if (!ok) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
        const parsed = JSON.parse(r.text);
        const anthropic = underMessages || anthropicHeader;
        if (anthropic ? !isAnthropicError(parsed) : !isOpenAIError(parsed)) throw new Error(`${method} ${path}: wrong dialect: ${r.text}`);
        if (segments.some((s) => s.length > 3 && r.text.includes(s))) throw new Error(`${method} ${path}: the path is echoed: ${r.text}`);
      },
    ),
    { numRuns: 150 },
  );
});

t.test('the log holds no stack trace and no error line for these callers’ mistakes', async (t) => {
  const lines = logs.map((l) => JSON.parse(l) as { level: number; msg: string; err?: { stack?: string } });
  t.same(
    lines.filter((l) => l.level >= 50).map((l) => l.msg),
    [],
    'no error lines',
  );
  t.notOk(
    logs.some((l) => l.includes('"stack"')),
    'no stack traces',
  );
  t.notOk(
    logs.some((l) => l.includes(SECRET)),
    'no secret from a path',
  );
});
