// Record before answer: a real gateway is killed with SIGKILL under mixed load (allowed JSON and
// streamed answers, denials, unknown models, bad keys, malformed requests, provider errors), three
// times. Every decision id a client received has its record; every answer delivered in full has
// its final record (completed / denied / failed), not only `started`.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { Agent, request } from 'undici';
import { iterateRecords } from '../gateway/audit/file/reader.js';
import { startMockUpstream } from '../gateway/mock-upstream/index.js';
import { tempDataDir } from './audit-fixtures.js';

const child = fileURLToPath(new URL('./audit-gateway-crash-child.ts', import.meta.url));
const providerKey = 'sk-provider-' + randomBytes(8).toString('hex');
const virtualKey = 'tg-crash-' + randomBytes(12).toString('hex');

interface Received {
  status: number;
  /** The whole answer arrived (a stream's last event included). */
  complete: boolean;
}

function startChild(dataDir: string, mockUrl: string, mockPort: number): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, mockUrl, String(mockPort), virtualKey], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TERMSGATE_CRASH_PROVIDER_KEY: providerKey, OTEL_SDK_DISABLED: 'true' },
  });
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`gateway exited with ${code} before listening`)));
    proc.stdout!.once('data', (chunk: Buffer) => resolve({ proc, url: chunk.toString().trim() }));
  });
}

const KINDS = ['json', 'stream', 'denied', 'unknown-model', 'bad-key', 'malformed', 'provider-error', 'anthropic-stream'] as const;

function callFor(kind: (typeof KINDS)[number], i: number): { path: string; headers: Record<string, string>; body: unknown } {
  const auth = { authorization: `Bearer ${kind === 'bad-key' ? 'tg-wrong-key' : virtualKey}`, 'content-type': 'application/json' };
  const msg = (content: string) => [{ role: 'user', content }];
  switch (kind) {
    case 'json':
      return { path: '/v1/chat/completions', headers: auth, body: { model: 'gpt-4o-mini', messages: msg(`question ${i}`) } };
    case 'stream':
      return { path: '/v1/chat/completions', headers: auth, body: { model: 'qwen2.5-7b-instruct', stream: true, messages: msg(`stream ${i} mock:words=40 mock:chunk-delay=2`) } };
    case 'anthropic-stream':
      return { path: '/v1/messages', headers: auth, body: { model: 'claude-3-5-haiku-latest', max_tokens: 64, stream: true, messages: msg(`anthropic ${i}`) } };
    case 'denied':
      return { path: '/v1/chat/completions', headers: { ...auth, 'x-termsgate-purpose': 'training-data' }, body: { model: 'gpt-4o-mini', messages: msg(`questions ${i}`) } };
    case 'unknown-model':
      return { path: '/v1/chat/completions', headers: auth, body: { model: `no-such-model-${i}`, messages: msg('hi') } };
    case 'malformed':
      return { path: '/v1/chat/completions', headers: auth, body: { model: 'gpt-4o-mini', messages: 'not a list' } };
    case 'bad-key':
      return { path: '/v1/chat/completions', headers: auth, body: { model: 'gpt-4o-mini', messages: msg('hi') } };
    case 'provider-error':
      return { path: '/v1/chat/completions', headers: auth, body: { model: 'gpt-4o-mini', messages: msg(`down ${i} mock:status=503`) } };
  }
}

/** Mixed load until the gateway dies; returns what the clients received, by decision id. */
async function load(url: string, stop: { dead: boolean }, received: Map<string, Received>): Promise<void> {
  const agent = new Agent({ connections: 32, pipelining: 0 });
  let next = 0;
  const worker = async () => {
    while (!stop.dead) {
      const i = next++;
      const { path, headers, body } = callFor(KINDS[i % KINDS.length], i);
      try {
        const res = await request(url + path, { method: 'POST', headers, body: JSON.stringify(body), dispatcher: agent });
        const id = res.headers['x-termsgate-decision-id'];
        if (typeof id === 'string') received.set(id, { status: res.statusCode, complete: false });
        await res.body.text();
        if (typeof id === 'string') received.set(id, { status: res.statusCode, complete: true });
      } catch {
        // The gateway died mid-call: whatever headers arrived were already counted.
      }
    }
  };
  await Promise.all(Array.from({ length: 24 }, worker));
  await agent.close().catch(() => undefined);
}

t.test('SIGKILL under mixed load, three times: every decision id received has its record', async (t) => {
  const mock = await startMockUpstream({ port: 0, host: '127.0.0.1', apiKey: providerKey });
  t.teardown(() => mock.close());
  const dataDir = tempDataDir('gateway-crash');
  for (const round of [1, 2, 3]) {
    const { proc, url } = await startChild(dataDir, mock.url, mock.port);
    const received = new Map<string, Received>();
    const stop = { dead: false };
    const running = load(url, stop, received);
    // Kill once the load is well under way (bounded wait), at a different point each round.
    const target = 300 + round * 150;
    for (let waited = 0; received.size < target && waited < 30_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('close', r));
    stop.dead = true;
    await running;

    const phases = new Map<string, Set<string>>();
    for await (const r of iterateRecords(dataDir)) {
      const set = phases.get(r.decision_id) ?? new Set<string>();
      set.add(r.phase);
      phases.set(r.decision_id, set);
    }
    let recorded = 0;
    let delivered = 0;
    let finalRecorded = 0;
    const missing: string[] = [];
    for (const [id, got] of received) {
      const have = phases.get(id);
      if (have) recorded++;
      else missing.push(`${id} (${got.status})`);
      if (!got.complete) continue;
      delivered++;
      if (have && (have.has('completed') || have.has('denied') || have.has('failed'))) finalRecorded++;
    }
    const statuses = [...received.values()].reduce<Record<number, number>>((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});
    t.comment(`round ${round}: decision ids received: ${received.size}, recorded: ${recorded}; answers delivered in full: ${delivered}, with their final record: ${finalRecorded}; by status ${JSON.stringify(statuses)}`);
    t.ok(received.size > 100, `round ${round}: ${received.size} answers under load before the kill`);
    t.ok([200, 401, 403, 404, 400, 503].every((s) => (statuses[s] ?? 0) > 0), `round ${round}: every outcome was exercised`);
    t.equal(recorded, received.size, `round ${round}: every decision id received is recorded${missing.length ? `; missing: ${missing.slice(0, 5).join(', ')}` : ''}`);
    t.equal(finalRecorded, delivered, `round ${round}: every answer delivered in full has its final record`);
  }
});
