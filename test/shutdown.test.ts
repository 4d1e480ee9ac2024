// Issue 21, finding A: SIGTERM drains, and a write failure of the audit log makes the gateway read-only.
// A real gateway process (dist/gateway/cli/main.js start, so `npx tsc` first) against an in-process
// mock provider, with its data directory of its own.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { request } from 'undici';
import { iterateRecords } from '../gateway/audit/file/reader.js';
import { demoConfig } from '../gateway/config/demo.js';
import { packageRoot } from '../gateway/core/package-root.js';
import { startMockUpstream } from '../gateway/mock-upstream/index.js';

const main = fileURLToPath(new URL('../dist/gateway/cli/main.js', import.meta.url));
const providerKey = 'sk-provider-' + randomBytes(8).toString('hex');
const virtualKey = 'tg-shutdown-' + randomBytes(12).toString('hex');
const mock = await startMockUpstream({ port: 0, host: '127.0.0.1', apiKey: providerKey });
t.teardown(() => mock.close());

interface Gateway {
  proc: ChildProcess;
  url: string;
  port: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: string | null; at: number }>;
}

async function startGateway(dataDir: string, drainMs: number, env: Record<string, string> = {}): Promise<Gateway> {
  const config = demoConfig({
    mockUrl: mock.url,
    mockPort: mock.port,
    dataDir,
    port: 0,
    host: '127.0.0.1',
    secrets: { virtualKey, adminToken: 'tga-shutdown-admin-0000', runnerToken: 'tgr-shutdown-runner-0000', providerKeyEnv: 'TERMSGATE_SHUTDOWN_PROVIDER_KEY' },
  });
  config.policy.dir = join(packageRoot, 'policies');
  config.server.drainMs = drainMs;
  const configFile = join(mkdtempSync(join(tmpdir(), 'termsgate-shutdown-config-')), 'config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const proc = spawn(process.execPath, [main, 'start', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, TERMSGATE_SHUTDOWN_PROVIDER_KEY: providerKey, OTEL_SDK_DISABLED: 'true', TERMSGATE_LOG_LEVEL: 'info' },
  });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })));
  for (let waited = 0; !/termsgate listening on (\S+)/.test(out); waited += 50) {
    if (proc.exitCode !== null || waited > 30_000) throw new Error(`gateway did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /termsgate listening on (\S+)/.exec(out)![1];
  return { proc, url, port: Number(new URL(url).port), output: () => out, exited };
}

const auth = { authorization: `Bearer ${virtualKey}`, 'content-type': 'application/json' };
const chatBody = (content: string, stream = false) => JSON.stringify({ model: 'qwen2.5-7b-instruct', stream, messages: [{ role: 'user', content }] });
const anthropicBody = (content: string, stream = false) => JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 64, stream, messages: [{ role: 'user', content }] });

/** Starts a streamed call and resolves once its first bytes have arrived; `rest` is the whole body. */
async function openStream(url: string, path: string, body: string, headers: Record<string, string> = {}) {
  const res = await request(url + path, { method: 'POST', headers: { ...auth, ...headers }, body });
  const id = String(res.headers['x-termsgate-decision-id']);
  let text = '';
  const iter = res.body[Symbol.asyncIterator]();
  const first = await iter.next();
  text += Buffer.from(first.value as Buffer).toString();
  const rest = (async () => {
    for (;;) {
      const next = await iter.next().catch(() => ({ done: true, value: undefined }));
      if (next.done) return text;
      text += Buffer.from(next.value as Buffer).toString();
    }
  })();
  return { status: res.statusCode, id, rest };
}

async function phasesOf(dataDir: string): Promise<Map<string, string[]>> {
  const phases = new Map<string, string[]>();
  for await (const r of iterateRecords(dataDir)) phases.set(r.decision_id, [...(phases.get(r.decision_id) ?? []), r.phase]);
  return phases;
}

/** Raw HTTP/1.1 on one socket: a second request written later rides the kept-alive connection. */
function rawConnection(port: number) {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (c: Buffer) => (text += c.toString()));
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(text)));
  socket.on('error', () => undefined);
  const send = (path: string, body: string, headers: Record<string, string> = {}) =>
    socket.write(
      `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${Object.entries({ ...auth, ...headers, 'content-length': String(Buffer.byteLength(body)) })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}\r\n${body}`,
    );
  return { send, closed, text: () => text };
}

t.test('SIGTERM: new connections refused, in-flight calls finish in full with completed records, exit 0 within the deadline', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-shutdown-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const drainMs = 10_000;
  const gw = await startGateway(dataDir, drainMs);
  // A slow stream (about 40 × 40 ms), a slow JSON call on a raw kept-alive connection (1.5 s), a slow Anthropic JSON call.
  const stream = await openStream(gw.url, '/v1/chat/completions', chatBody('tell me mock:words=40 mock:chunk-delay=40', true));
  t.equal(stream.status, 200);
  const conn = rawConnection(gw.port);
  conn.send('/v1/chat/completions', chatBody('slow json mock:latency=1500'));
  const slowJson = request(gw.url + '/v1/messages', { method: 'POST', headers: { ...auth, 'anthropic-version': '2023-06-01' }, body: anthropicBody('slow mock:latency=1200') }).then(async (r) => ({ status: r.statusCode, id: String(r.headers['x-termsgate-decision-id']), body: await r.body.text() }));
  await new Promise((r) => setTimeout(r, 300));

  const sigterm = performance.now();
  gw.proc.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  // A new connection is refused: the gateway no longer listens.
  const refused = await request(gw.url + '/healthz').then(
    (r) => `answered ${r.statusCode}`,
    (err: { code?: string }) => err.code,
  );
  t.equal(refused, 'ECONNREFUSED', 'a new connection is refused while draining');
  // A new request on a connection that was already open is answered 503 in its dialect (Anthropic here), and the connection closes.
  conn.send('/v1/messages', anthropicBody('after SIGTERM'), { 'anthropic-version': '2023-06-01' });

  const streamed = await stream.rest;
  t.match(streamed, /data: \[DONE\]\s*$/, 'the stream in flight completed in full');
  t.notMatch(streamed, /"error"/);
  const json = await slowJson;
  t.equal(json.status, 200, 'the slow JSON call in flight completed');
  t.match(JSON.parse(json.body), { type: 'message' });
  const raw = await conn.closed;
  const answers = raw.split(/(?=HTTP\/1\.1 )/);
  t.equal(answers.length, 2, 'two answers on the kept-alive connection');
  t.match(answers[0], /^HTTP\/1\.1 200 /);
  t.match(answers[1], /^HTTP\/1\.1 503 /);
  t.match(answers[1], /connection: close/i);
  t.match(answers[1], /"type":"error","error":\{"type":"api_error","message":"termsgate is shutting down/);
  t.notMatch(answers[1], /x-termsgate-decision-id/i);
  const rawId = /x-termsgate-decision-id: (\S+)/i.exec(answers[0])![1];

  const exit = await gw.exited;
  const drained = Math.round(exit.at - sigterm);
  t.comment(`SIGTERM to exit: ${drained} ms (drain deadline ${drainMs} ms), exit code ${exit.code}`);
  t.equal(exit.code, 0, 'exit 0');
  t.ok(drained < drainMs, 'exited before the deadline, once the calls had finished');
  const phases = await phasesOf(dataDir);
  for (const id of [stream.id, json.id, rawId]) t.same(phases.get(id), ['started', 'completed'], `${id}: started and completed`);
  t.match(gw.output(), /stopped after draining \d+ ms \(0 calls cut off/);
});

t.test('SIGTERM with a drain deadline shorter than the streams: each ends with its dialect error event and a failed record', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-shutdown-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const drainMs = 500;
  const gw = await startGateway(dataDir, drainMs);
  // About 200 × 50 ms = 10 s each: far beyond the deadline.
  const openai = await openStream(gw.url, '/v1/chat/completions', chatBody('long mock:words=200 mock:chunk-delay=50', true));
  const anthropic = await openStream(gw.url, '/v1/messages', anthropicBody('long mock:words=200 mock:chunk-delay=50', true), { 'anthropic-version': '2023-06-01' });
  const json = request(gw.url + '/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody('very slow mock:latency=8000') }).then(async (r) => ({ status: r.statusCode, id: String(r.headers['x-termsgate-decision-id']), body: await r.body.text() }));
  await new Promise((r) => setTimeout(r, 200));
  const sigterm = performance.now();
  gw.proc.kill('SIGTERM');

  const o = await openai.rest;
  t.match(o, /data: \{"error":\{"message":"termsgate is shutting down and ended this call at its drain deadline","type":"api_error"/, 'OpenAI stream: its error event');
  t.notMatch(o, /\[DONE\]/);
  const a = await anthropic.rest;
  t.match(a, /event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"termsgate is shutting down/, 'Anthropic stream: its error event');
  t.notMatch(a, /message_stop/);
  const j = await json;
  t.equal(j.status, 503, 'a JSON call not answered by the deadline: 503');
  t.match(JSON.parse(j.body), { error: { type: 'api_error', message: /termsgate is shutting down/, decision_id: j.id } });

  const exit = await gw.exited;
  const took = Math.round(exit.at - sigterm);
  t.comment(`SIGTERM to exit with a ${drainMs} ms deadline: ${took} ms, exit code ${exit.code}`);
  t.equal(exit.code, 0);
  t.ok(took < drainMs + 5_000, 'exited within the deadline plus the margin');
  const phases = await phasesOf(dataDir);
  for (const id of [openai.id, anthropic.id, j.id]) t.same(phases.get(id), ['started', 'failed'], `${id}: started, then failed`);
  t.match(gw.output(), /1 calls cut off|3 calls cut off/);
});

t.test('disk full: the audit log cannot be written, so calls get 503 with the reason, healthz and readyz 503, SIGTERM still exits', async (t) => {
  const mnt = mkdtempSync(join(tmpdir(), 'termsgate-full-'));
  // A real full disk where a 2 MiB tmpfs can be mounted (root); elsewhere the gateway's env-guarded hook fails appends with ENOSPC.
  const mounted = process.env.TERMSGATE_TEST_NO_MOUNT ? false : spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]).status === 0;
  t.comment(mounted ? 'disk full: a 2 MiB tmpfs, filled' : 'disk full: tmpfs not permitted, the ENOSPC test hook');
  const hookFile = join(mnt, 'fail-now');
  t.teardown(() => {
    if (mounted) spawnSync('umount', ['-l', mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });
  const dataDir = join(mnt, 'data');
  mkdirSync(dataDir);
  const gw = await startGateway(dataDir, 5_000, mounted ? {} : { TERMSGATE_TEST_AUDIT_ENOSPC_WHEN: hookFile });
  t.teardown(() => {
    if (gw.proc.exitCode === null) gw.proc.kill('SIGKILL');
  });
  const chat = (content: string) => request(gw.url + '/v1/chat/completions', { method: 'POST', headers: auth, body: chatBody(content) }).then(async (r) => ({ status: r.statusCode, headers: r.headers, body: await r.body.text() }));
  t.equal((await chat('before')).status, 200, 'answers while the disk has room');

  if (!mounted) writeFileSync(hookFile, '');
  // Fill the file system (bounded: it is 2 MiB; without the mount, 16 MiB of scratch at most).
  const fd = openSync(join(mnt, 'filler'), 'w');
  const chunk = Buffer.alloc(4096, 1);
  for (let i = 0; i < (mounted ? 4096 : 1); i++) {
    try {
      writeSync(fd, chunk);
    } catch {
      break;
    }
  }
  for (let i = 0; mounted && i < 4096; i++) {
    try {
      writeSync(fd, chunk, 0, 16);
    } catch {
      break;
    }
  }
  closeSync(fd);

  const answers = [];
  for (let i = 0; i < 5; i++) answers.push(await chat(`after ${i}`));
  for (const a of answers) {
    t.equal(a.status, 503, 'refused with 503');
    t.equal(a.headers['x-termsgate-decision-id'], undefined, 'no decision id');
    t.match(JSON.parse(a.body), { error: { type: 'api_error', code: 'termsgate_audit_unavailable' } });
  }
  t.match(JSON.parse(answers.at(-1)!.body), { error: { message: /the audit log cannot be written \(ENOSPC\)/ } }, 'the reason names the failure');
  const anthropic = await request(gw.url + '/v1/messages', { method: 'POST', headers: { ...auth, 'anthropic-version': '2023-06-01' }, body: anthropicBody('after') });
  t.equal(anthropic.statusCode, 503);
  t.match(await anthropic.body.json(), { type: 'error', error: { type: 'api_error', message: /ENOSPC/ } }, 'in the caller’s dialect');
  const health = await request(gw.url + '/healthz');
  t.equal(health.statusCode, 503, 'healthz 503');
  t.match(await health.body.json(), { error: { type: 'audit_unavailable', message: /ENOSPC/ } });
  const ready = await request(gw.url + '/readyz');
  t.equal(ready.statusCode, 503, 'readyz 503');
  await ready.body.dump();

  const sigterm = performance.now();
  gw.proc.kill('SIGTERM');
  const exit = await gw.exited;
  t.comment(`read-only gateway: SIGTERM to exit ${Math.round(exit.at - sigterm)} ms, exit code ${exit.code}`);
  t.equal(exit.signal, null);
  t.ok(exit.code === 0, `exits on SIGTERM (code ${exit.code})`);
  t.ok(exit.at - sigterm < 5_000 + 5_000);
});
