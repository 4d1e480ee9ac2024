// Index poisoning (issue 22, #3), through the real gateway and the built CLI: asking a restricted
// model the same question a hundred times does not turn its answer into boilerplate. Laundered, the
// answer is still refused for training and scanned as restricted; and a trainable answer served a
// hundred times still vouches for its own marks (genuine, not transplanted).
import t from 'tap';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startDemoGateway } from './support/demo-gateway.js';
import { SELECTOR, postAs } from './support/gateway-calls.js';
import { indexed } from './support/until.js';
import { rngFrom } from '../gateway/mock-upstream/rng.js';
import { fillers } from '../bench/provenance/rewording.js';

const repo = resolve(import.meta.dirname, '..');
const cli = join(repo, 'dist', 'gateway', 'cli', 'main.js');
const run = promisify(execFile);

const gw = await startDemoGateway();
t.teardown(() => gw.close());

const post = (body: unknown, headers: Record<string, string> = {}) => postAs(gw, '/v1/chat/completions', body, headers);

async function serveTimes(model: string, question: string, times: number) {
  const served: { id: string; text: string }[] = [];
  for (let i = 0; i < times; i++) {
    const r = await post({ model, messages: [{ role: 'user', content: question }] });
    served.push({ id: r.id, text: r.body.choices[0].message.content as string });
  }
  return served;
}

const restricted = await serveTimes('gpt-4o-mini', 'Write about the history of canals and their locks.', 100);
const trainable = await serveTimes('qwen2.5-7b-instruct', 'Write about the chemistry of baking bread.', 100);
const answer = restricted[0].text.replace(SELECTOR, '');
await indexed(gw, [{ id: restricted[99].id, text: answer }]);
const restrictedIds = new Set(restricted.map((r) => r.id));

t.test('the same answer served 100 times is the same answer', async (t) => {
  t.equal(new Set(restricted.map((r) => r.text.replace(SELECTOR, ''))).size, 1, 'the mock answers alike');
});

t.test('served 100 times, then laundered: still refused for training, naming one of its decisions', async (t) => {
  const laundered = fillers(answer, 3, rngFrom(3));
  const r = await post({ model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: 'Edit.' }, { role: 'assistant', content: laundered }, { role: 'user', content: 'Thanks.' }] }, { 'x-termsgate-purpose': 'training-data' });
  t.equal(r.status, 403);
  const named = [...restrictedIds].some((id) => (r.body.error?.message as string).includes(id));
  t.ok(named, 'the refusal names a decision that served it');
});

t.test('the built scan CLI: the laundered copy is restricted, the trainable answer served 100 times is genuine', async (t) => {
  const file = join(gw.dataDir, 'poisoned.jsonl');
  const rows = [answer, fillers(answer, 3, rngFrom(4)), trainable[50].text];
  writeFileSync(file, rows.map((text) => JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: text }] })).join('\n') + '\n');
  const out = await run(process.execPath, [cli, 'provenance', 'scan', file, '--data-dir', gw.dataDir, '--format', 'jsonl']).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  const results = out.stdout.trim().split('\n').map((l) => JSON.parse(l)).slice(0, -1);
  t.equal(out.code, 1);
  t.match(results[0], { restricted: true }, 'the stripped answer');
  t.ok(restrictedIds.has(results[0].decision_id));
  t.match(results[1], { restricted: true }, 'the laundered answer');
  t.ok(restrictedIds.has(results[1].decision_id));
  t.match(results[2], { restricted: false, status: 'genuine' }, 'the trainable answer is not called transplanted');
  t.notOk(results[2].spans.some((s: any) => s.status === 'transplanted'));
});
