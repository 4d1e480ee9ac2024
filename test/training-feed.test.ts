// End to end: the real gateway (demo mode) → traffic to five demo models → the runner pulls only
// permitted records → forged and tampered records are quarantined → a tiny student trains on CPU
// and its held-out loss falls → the model card states exactly the licences and duties of its data.
import t from 'tap';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { signingKeysFrom } from '../gateway/signing/keys.js';
import { contentDigest } from '../gateway/core/canonical-json.js';
import { recordIdOf, signPermits, type FeedRecord } from '../gateway/training/permit.js';

const repo = resolve(import.meta.dirname, '..');
const python = join(repo, 'training-runner', '.venv', 'bin', 'python');
const cli = join(repo, 'dist', 'gateway', 'cli', 'main.js');
const run = promisify(execFile);
const virtualKey = 'tg-demo-' + randomBytes(12).toString('hex');
const runnerToken = 'tgr-demo-' + randomBytes(12).toString('hex');

const TRAINABLE: Record<string, { licence: string; attribution: string[]; naming: string[] }> = {
  'qwen2.5-7b-instruct': { licence: 'qwen2.5-7b-instruct', attribution: [], naming: [] },
  'deepseek-r1': { licence: 'deepseek-r1', attribution: [], naming: [] },
  'llama-3.1-8b-instruct': { licence: 'llama-3.1-8b-instruct', attribution: ['Built with Llama'], naming: ['Llama'] },
  // Derivatives of Gemma inherit its use restrictions; the 3B Qwen checkpoint's licence is non-commercial.
  'gemma-3-12b-it': { licence: 'gemma-3-12b-it', attribution: ['Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms'], naming: [] },
  'qwen2.5-3b-instruct': { licence: 'qwen2.5-3b-instruct', attribution: ['Qwen is licensed under the Qwen RESEARCH LICENSE AGREEMENT, Copyright (c) Alibaba Cloud.'], naming: [] },
};
const PER_MODEL = 6;
const TOPICS = ['tides', 'volcanoes', 'glaciers', 'bridges', 'compilers', 'gardens', 'rivers', 'comets', 'bread', 'violins'];

async function startGateway(dataDir: string): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [cli, 'start', '--demo', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, TERMSGATE_DEMO_KEY: virtualKey, TERMSGATE_DEMO_RUNNER_TOKEN: runnerToken, TERMSGATE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`gateway did not start: ${err.slice(-2000)}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /termsgate listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    proc.once('exit', (code) => fail(new Error(`gateway exited ${code}: ${err.slice(-2000)}`)));
  });
  return { url, proc };
}

async function chat(url: string, model: string, topic: string, purpose: string): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${virtualKey}`, 'content-type': 'application/json', 'x-termsgate-purpose': purpose },
    body: JSON.stringify({ model, max_tokens: 40, logprobs: true, top_logprobs: 3, messages: [{ role: 'user', content: `Explain ${topic} in two sentences.` }] }),
  });
}

async function claude(url: string, topic: string): Promise<Response> {
  return fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': virtualKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', 'x-termsgate-purpose': 'general' },
    body: JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 40, messages: [{ role: 'user', content: `Explain ${topic} in two sentences.` }] }),
  });
}

async function runner(args: string[], allowFail = false): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(python, ['-m', 'termsgate_runner', ...args], { cwd: join(repo, 'training-runner'), maxBuffer: 64 << 20, timeout: 240_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (!allowFail || typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function readShards(dir: string): Promise<FeedRecord[]> {
  const files = (await readdir(join(dir, 'shards'))).filter((f) => f.endsWith('.jsonl')).sort();
  const lines = (await Promise.all(files.map((f) => readFile(join(dir, 'shards', f), 'utf8')))).flatMap((text) => text.split('\n').filter(Boolean));
  return lines.map((l) => JSON.parse(l) as FeedRecord);
}

// Trains a student on a shared CPU: the whole file may take longer than the suite's default.
t.setTimeout(300_000);

t.test('gateway → feed → runner: only permitted, verified data trains the student', async (t) => {
  t.setTimeout(300_000);
  t.ok(existsSync(python), 'training-runner/.venv exists (scripts/setup-python.sh)');
  t.ok(existsSync(cli), 'dist/ is built');
  const work = await mkdtemp(join(tmpdir(), 'tg-training-e2e-'));
  const gateway = await startGateway(join(work, 'gateway-data'));
  // The gateway writes its last index snapshot and checkpoint while it stops: its folder goes once it has exited.
  t.teardown(async () => {
    const exited = gateway.proc.exitCode !== null ? Promise.resolve() : new Promise((resolve) => gateway.proc.once('exit', resolve));
    gateway.proc.kill('SIGTERM');
    await exited;
    await rm(work, { recursive: true, force: true });
  });

  // Traffic: every model gets calls; only the trainable ones may reach the feed.
  const trainableIds = new Map<string, string>();
  const restrictedIds: string[] = [];
  const answers: Record<string, string> = {};
  for (const [model, { licence }] of Object.entries(TRAINABLE)) {
    for (const topic of TOPICS.slice(0, PER_MODEL)) {
      const res = await chat(gateway.url, model, topic, 'training-data');
      t.equal(res.status, 200, `${model} answers`);
      answers[model] = ((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0].message.content;
      trainableIds.set(res.headers.get('x-termsgate-decision-id')!, licence);
    }
  }
  // Allowed for everyday use, but their terms forbid training competing models on the outputs.
  for (const topic of TOPICS.slice(0, 3)) {
    const a = await chat(gateway.url, 'gpt-4o-mini', topic, 'general');
    const b = await claude(gateway.url, topic);
    t.equal(a.status, 200);
    t.equal(b.status, 200);
    answers['gpt-4o-mini'] = ((await a.json()) as { choices: Array<{ message: { content: string } }> }).choices[0].message.content;
    await b.arrayBuffer();
    restrictedIds.push(a.headers.get('x-termsgate-decision-id')!, b.headers.get('x-termsgate-decision-id')!);
  }

  // The feed is written after the responses; wait until all permitted records are durable.
  const auth = { authorization: `Bearer ${runnerToken}` };
  const deadline = Date.now() + 15_000;
  let total = 0;
  while (Date.now() < deadline) {
    const page = (await (await fetch(`${gateway.url}/training/v1/feed?cursor=0&limit=1000`, { headers: auth })).json()) as { records: FeedRecord[] };
    total = page.records.length;
    if (total >= trainableIds.size) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  t.equal(total, trainableIds.size, 'every permitted call reached the feed');
  t.equal((await fetch(`${gateway.url}/training/v1/feed`)).status, 401, 'the feed needs the runner token');

  const data = join(work, 'dataset');
  const pulled = JSON.parse((await runner(['pull', '--gateway', gateway.url, '--token', runnerToken, '--out', data, '--limit', '7'])).stdout);
  t.equal(pulled.received, trainableIds.size);
  t.equal(pulled.verify.quarantined, 0, 'everything the gateway signed verifies in Python');
  const again = JSON.parse((await runner(['pull', '--gateway', gateway.url, '--token', runnerToken, '--out', data])).stdout);
  t.equal(again.received, 0, 'a second pull resumes at the cursor and adds nothing');

  const records = await readShards(data);
  t.same(new Set(records.map((r) => r.example.decision_id)), new Set(trainableIds.keys()), 'exactly the permitted calls arrived');
  t.notOk(records.some((r) => restrictedIds.includes(r.example.decision_id)), 'no OpenAI or Anthropic output arrived');
  t.same(new Set(records.map((r) => r.example.licence)), new Set(Object.values(TRAINABLE).map((m) => m.licence)));
  const llama = records.find((r) => r.example.licence === 'llama-3.1-8b-instruct')!;
  t.ok(llama.example.attribution.includes('Built with Llama'));
  t.same(llama.example.naming, ['Llama']);
  for (const [model, { attribution }] of Object.entries(TRAINABLE)) {
    const example = records.find((r) => r.example.model === model)!.example;
    for (const a of attribution) t.ok(example.attribution.includes(a), `${model} records carry "${a.slice(0, 30)}…"`);
  }
  const gemma = records.find((r) => r.example.licence === 'gemma-3-12b-it')!.example;
  t.equal(gemma.licence_class, 'derivatives-inherit');
  t.ok(gemma.inherited_restrictions.use_restrictions.some((r) => r.includes('Gemma Prohibited Use Policy')), 'a Gemma record carries the restrictions its student inherits');
  t.equal(gemma.duties.find((d) => d.kind === 'use-restrictions')?.trigger, 'distribution-or-made-available', "Gemma's use restrictions bind once the student is offered as a service");
  t.ok(records.some((r) => Array.isArray(r.example.top_logprobs) && r.example.top_logprobs.length > 0), 'teacher logprobs travel with the records');

  // Tamper with a shard: edit one permitted record's completion, and add a record with a forged permit.
  const shardDir = join(data, 'shards');
  const [firstShard] = (await readdir(shardDir)).sort();
  const shardPath = join(shardDir, firstShard);
  const lines = (await readFile(shardPath, 'utf8')).split('\n').filter(Boolean);
  const tampered = JSON.parse(lines[0]) as FeedRecord;
  tampered.example.completion = 'An edited answer that the gateway never served.';
  lines[0] = JSON.stringify(tampered);
  await writeFile(shardPath, lines.join('\n') + '\n');
  const forger = signingKeysFrom(generateKeyPairSync('ed25519').privateKey, randomBytes(32));
  const forgedExample = { ...tampered.example, decision_id: 'dec_forged', completion: 'Smuggled text from a restricted provider.', licence: 'deepseek-r1' };
  const digest = contentDigest(forgedExample);
  const id = recordIdOf(forgedExample.decision_id);
  const gatewayKeyId = (JSON.parse(await readFile(join(data, 'gateway-key.json'), 'utf8')) as { key_id: string }).key_id;
  const forged = { id, seq: 9999, example: forgedExample, permit: signPermits([{ id, digest, policy_revision: forgedExample.policy_revision, licence: 'deepseek-r1' }], gatewayKeyId, forger.sign)[0] };
  await appendFile(shardPath, JSON.stringify(forged) + '\n');

  const verify = await runner(['verify', data, '--permits-only'], true);
  t.equal(verify.code, 1, 'verify reports refused records with exit 1');
  const report = JSON.parse(verify.stdout) as { verified: number; quarantined: number; reasons: Array<{ id: string; reason: string }> };
  t.equal(report.quarantined, 2);
  t.match(report.reasons.find((r) => r.id === tampered.id)?.reason, /digest mismatch/);
  t.match(report.reasons.find((r) => r.id === id)?.reason, /bad signature/);
  t.equal(report.verified, trainableIds.size - 1);
  t.ok(existsSync(join(data, 'quarantine', 'quarantined.jsonl')));

  // An outside dataset holding an OpenAI answer that came through the gateway is refused; a Qwen one is not.
  const outside = async (name: string, text: string) => {
    const file = join(work, name);
    await writeFile(file, JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: text }] }) + '\n');
    return runner(['scan', file, '--data-dir', join(work, 'gateway-data')], true);
  };
  const dirty = await outside('outside-openai.jsonl', answers['gpt-4o-mini']);
  t.equal(dirty.code, 1, `restricted outside content is refused ${dirty.stderr.slice(-300)}`);
  t.ok((JSON.parse(dirty.stdout) as { restricted_records: unknown[] }).restricted_records.length > 0);
  const clean = await outside('outside-qwen.jsonl', answers['qwen2.5-7b-instruct']);
  t.equal(clean.code, 0, `permitted outside content passes ${clean.stderr.slice(-300)}`);

  // A tiny student on CPU.
  const config = join(work, 'student.json');
  await writeFile(config, JSON.stringify({
    steps: 40, micro_batch_size: 8, lr: 0.015, warmup_steps: 4, eval_every: 20, log_every: 10, checkpoint_every: 40, eval_fraction: 0.2,
    student: { arch: 'llama', hidden_size: 48, intermediate_size: 96, num_layers: 2, num_heads: 4, max_seq_len: 128, tokenizer_vocab_size: 400 },
  }));
  const out = join(work, 'run');
  const trained = JSON.parse((await runner(['train', '--data', data, '--config', config, '--out', out])).stdout) as { first_eval_loss: number; final_eval_loss: number; train_records: number; eval_records: number };
  t.comment(`held-out loss ${trained.first_eval_loss.toFixed(3)} → ${trained.final_eval_loss.toFixed(3)}`);
  t.ok(trained.final_eval_loss < trained.first_eval_loss * 0.9, 'held-out loss falls by more than 10%');
  t.equal(trained.train_records + trained.eval_records, trainableIds.size - 1, 'the quarantined record was not trained on');

  await runner(['card', '--run', out, '--name', 'termsgate-student']);
  const card = await readFile(join(out, 'README.md'), 'utf8');
  const meta = parseYaml(card.split('---\n')[1]) as {
    model_name: string;
    termsgate: {
      licences: Record<string, number>;
      attribution: string[];
      naming: string[];
      records: number;
      inherited_restrictions: { forbidden_deployment_purposes: Record<string, string[]>; use_restrictions: Array<{ licence: string; text: string }> };
    };
  };
  const expected: Record<string, number> = Object.fromEntries(Object.values(TRAINABLE).map((m) => [m.licence, PER_MODEL]));
  expected[tampered.example.licence] -= 1;
  t.same(meta.termsgate.licences, expected, 'the card lists exactly the licences and counts of the data used');
  t.same(meta.termsgate.naming, ['Llama']);
  t.ok(meta.termsgate.attribution.includes('Built with Llama'));
  t.equal(meta.model_name, 'Llama-termsgate-student', 'the Llama naming duty is applied');
  const inherited = meta.termsgate.inherited_restrictions;
  t.ok(inherited.use_restrictions.some((r) => r.licence === 'gemma-3-12b-it' && r.text.includes('Gemma Prohibited Use Policy')), "the card marks the student with Gemma's inherited restrictions");
  t.match(card, /## Inherited restrictions[\s\S]*Gemma Prohibited Use Policy/);
  t.same(inherited.forbidden_deployment_purposes, { 'automated-legal-decisions': ['gemma-3-12b-it'], commercial: ['qwen2.5-3b-instruct'] });
  t.match(card, /use-restrictions \(gemma-3-12b-it\), when the model, or a product built on it, is distributed or made available/, "the card binds Gemma's use restrictions to a student offered as a service, not only to shared weights");
  const automated = await runner(['check-deployment', '--run', out, '--purpose', 'automated-legal-decisions'], true);
  t.equal(automated.code, 1, "the runner refuses automated decisions about people's rights for a student of Gemma");
  const commercial = await runner(['check-deployment', '--run', out, '--purpose', 'commercial'], true);
  t.equal(commercial.code, 1, 'the runner refuses a commercial deployment of a student of a non-commercial teacher');
  t.match(JSON.parse(commercial.stdout).reasons[0], /qwen2.5-3b-instruct/);
  t.equal((await runner(['check-deployment', '--run', out, '--purpose', 'research'])).code, 0, 'research deployment is allowed');
  const lineage = (await readFile(join(out, 'lineage.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { decision_id: string });
  t.same(new Set(lineage.map((l) => l.decision_id)), new Set([...trainableIds.keys()].filter((d) => d !== tampered.example.decision_id)));
});
