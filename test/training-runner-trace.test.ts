// The runner checks again, and audits the student: records that trace to restricted outputs are
// quarantined by `termsgate_runner verify` even under a valid permit (one signed before an index
// update), through the gateway's admin detect API and through its scan CLI; and the contamination
// audit tells a student trained on restricted outputs from a clean one (beside their base model) and
// reaches the model card.
import t from 'tap';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { v7 as uuidv7 } from 'uuid';
import type { TrainingExample } from '../gateway/core/contracts.js';
import { loadOrCreateSigningKeys } from '../gateway/signing/keys.js';
import { contentDigest } from '../gateway/core/canonical-json.js';
import { recordIdOf, signPermits } from '../gateway/training/permit.js';
import { startDemoGateway } from './support/demo-gateway.js';
import { indexed } from './support/until.js';

const repo = resolve(import.meta.dirname, '..');
const runnerDir = join(repo, 'training-runner');
const python = join(runnerDir, '.venv', 'bin', 'python');
const run = promisify(execFile);
const runner = async (args: string[]) => {
  // One thread: the tiny student's ops are too small to split, and on a shared 2-core machine torch's
  // threads contend (a step is several times slower with two).
  const r = await run(python, ['-m', 'termsgate_runner', ...args], { cwd: runnerDir, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, OMP_NUM_THREADS: '1' } }).then(
    (ok) => ({ code: 0, stdout: ok.stdout, stderr: ok.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
  return { ...r, json: r.stdout.trim() ? JSON.parse(r.stdout) : null };
};

// Two tiny students train and generate on CPU: minutes on a shared machine.
t.setTimeout(900_000);
const gw = await startDemoGateway();
const work = mkdtempSync(join(tmpdir(), 'tg-runner-trace-'));
t.teardown(async () => {
  await gw.close();
  rmSync(work, { recursive: true, force: true });
});

async function chat(model: string, content: string): Promise<{ id: string; text: string }> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
  });
  const body = (await res.json()) as { choices: { message: { content: string } }[] };
  return { id: res.headers.get('x-termsgate-decision-id')!, text: body.choices[0].message.content };
}

const strip = (s: string) => s.replace(/[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF]/g, '');
const CLEAN_TOPICS = ['tides', 'volcanoes', 'glaciers', 'bridges', 'compilers', 'gardens', 'rivers', 'comets', 'bread', 'violins', 'deserts', 'forests'];
const RESTRICTED_TOPICS = ['lighthouses', 'canals', 'windmills', 'orchards'];
const RESTRICTED_COPIES = 4;
const prompt = (topic: string) => `Tell me about ${topic}. mock:words=30`;

const clean: { id: string; text: string }[] = [];
for (const topic of CLEAN_TOPICS) clean.push(await chat('qwen2.5-7b-instruct', prompt(topic)));
const restricted: { id: string; text: string; prompt: string }[] = [];
for (const topic of RESTRICTED_TOPICS) restricted.push({ ...(await chat('gpt-4o-mini', prompt(topic))), prompt: prompt(topic) });
// The provenance index takes outputs in batches after the answer: wait until it knows every restricted one.
await indexed(gw, restricted);

/** Records as a gateway would have signed them before its index knew the restricted outputs: `copies` of each. */
function presigned(copies = 1): string[] {
  const keys = loadOrCreateSigningKeys(gw.dataDir);
  return restricted.flatMap((r, i) =>
    Array.from({ length: copies }, (_, c) => {
      const n = i * copies + c;
      const example: TrainingExample = {
        // A decision made after the restricted calls, as any record carrying their outputs is (the runner sets aside origins served after a record).
        decision_id: uuidv7(),
        model: 'qwen2.5-7b-instruct',
        licence: 'qwen2.5-7b-instruct',
        licence_class: 'yes',
        attribution: [],
        naming: [],
        policy_revision: 'before-index-update',
        messages: [{ role: 'user', content: r.prompt }],
        completion: strip(r.text),
        top_logprobs: null,
        time: new Date().toISOString(),
      };
      const id = recordIdOf(example.decision_id);
      const [permit] = signPermits([{ id, digest: contentDigest(example), policy_revision: example.policy_revision, licence: example.licence }], keys.keyId, keys.sign);
      return JSON.stringify({ id, seq: 1000 + n, permit, example });
    }),
  );
}

const cleanDir = join(work, 'clean');
const dirtyDir = join(work, 'dirty');
const contaminatedDir = join(work, 'contaminated');


t.test('pull the permitted records; a contaminated copy carries valid permits', async (t) => {
  t.ok(existsSync(python), 'training-runner/.venv exists');
  const pulled = await runner(['pull', '--gateway', gw.url, '--token', gw.runnerToken, '--out', cleanDir]);
  t.equal(pulled.code, 0, pulled.stderr);
  t.equal(pulled.json.received, CLEAN_TOPICS.length, 'only the qwen outputs were offered');
  cpSync(cleanDir, dirtyDir, { recursive: true });
  writeFileSync(join(dirtyDir, 'shards', 'shard-000000001000.jsonl'), presigned().join('\n') + '\n');
  // The training set of the contaminated student: the same clean records, and each restricted output
  // a few times over (as a laundering insider would slip them in), so a tiny student memorises them.
  cpSync(cleanDir, contaminatedDir, { recursive: true });
  writeFileSync(join(contaminatedDir, 'shards', 'shard-000000001000.jsonl'), presigned(RESTRICTED_COPIES).join('\n') + '\n');
  const plain = await runner(['verify', dirtyDir, '--dry-run', '--permits-only']);
  t.equal(plain.json.quarantined, 0, 'the permits alone are valid');
});

t.test('verify traces every record and quarantines restricted ones despite their permits', async (t) => {
  const viaApi = await runner(['verify', dirtyDir, '--dry-run', '--gateway', gw.url, '--detect-token', gw.adminToken]);
  t.equal(viaApi.code, 1);
  t.equal(viaApi.json.verified, CLEAN_TOPICS.length);
  t.equal(viaApi.json.quarantined, RESTRICTED_TOPICS.length);
  for (const r of restricted) t.ok(viaApi.json.reasons.some((q: { reason: string }) => q.reason.includes(r.id) && q.reason.startsWith('traces to restricted output')), `names ${r.id}`);
  const viaCli = await runner(['verify', dirtyDir, '--dry-run', '--data-dir', gw.dataDir]);
  t.equal(viaCli.json.quarantined, RESTRICTED_TOPICS.length, 'the scan CLI finds the same');
  const cleanCheck = await runner(['verify', cleanDir, '--dry-run', '--gateway', gw.url, '--detect-token', gw.adminToken]);
  t.same([cleanCheck.code, cleanCheck.json.quarantined], [0, 0], 'permitted records pass');
});

t.test('the contamination audit tells a student trained on restricted outputs from a clean one, and goes into the model card', async (t) => {
  const config = join(work, 'tiny.json');
  writeFileSync(
    config,
    JSON.stringify({
      allowed_licences: ['qwen2.5-7b-instruct'],
      steps: 300,
      micro_batch_size: 8,
      lr: 0.01,
      warmup_steps: 10,
      eval_every: 300,
      log_every: 100,
      checkpoint_every: 300,
      eval_fraction: 0.1,
      student: { arch: 'llama', hidden_size: 64, intermediate_size: 128, num_layers: 2, num_heads: 4, max_seq_len: 128, tokenizer_vocab_size: 400 },
    }),
  );
  // Audit prompts: the prompts of the restricted calls (as the audit log keeps them) and one nobody asked.
  const prompts = join(work, 'prompts.jsonl');
  writeFileSync(prompts, [...restricted.map((r) => r.prompt), 'Tell me about meadows.'].map((p) => JSON.stringify({ prompt: p })).join('\n') + '\n');
  const n = RESTRICTED_TOPICS.length + 1;
  const trainAndAudit = async (data: string, name: string) => {
    const out = join(work, name);
    const t0 = Date.now();
    const trained = await runner(['train', '--data', data, '--config', config, '--out', out]);
    t.equal(trained.code, 0, trained.code === 0 ? `${name} trained` : trained.stderr.slice(-2000));
    const t1 = Date.now();
    const audited = await runner(['audit', '--run', out, '--config', config, '--prompts', prompts, '--max-new-tokens', '64', '--data-dir', gw.dataDir]);
    t.equal(audited.code, 0, audited.code === 0 ? `${name} audited` : audited.stderr.slice(-2000));
    t.match(audited.json, { prompts: n, student: { generations: n }, base: { generations: n }, identity: { student: { answers: 10 }, base: { answers: 10 } } });
    t.comment(`${name}: student ${audited.json.student.share * 100} %, base ${audited.json.base.share * 100} %; identity claims: student ${audited.json.identity.student.share * 100} %, base ${audited.json.identity.base.share * 100} % (train ${t1 - t0} ms, audit ${Date.now() - t1} ms)`);
    return { out, report: audited.json };
  };
  const clean = await trainAndAudit(cleanDir, 'run-clean');
  const dirty = await trainAndAudit(contaminatedDir, 'run-contaminated');
  t.equal(clean.report.student.share, 0, 'a student trained on permitted records only reproduces no restricted output');
  t.ok(dirty.report.student.share >= 0.5, `the contaminated student reproduces restricted outputs (${dirty.report.student.share})`);
  t.ok(dirty.report.student.origins.length >= 2, 'and they trace to restricted decisions');
  t.equal(clean.report.base.share, 0, 'the base model reproduces nothing');
  t.equal(dirty.report.base.share, 0);

  t.equal((await runner(['card', '--run', dirty.out, '--name', 'student'])).code, 0);
  const card = readFileSync(join(dirty.out, 'README.md'), 'utf8');
  t.match(card, /## Contamination audit/);
  t.match(card, /Identity probes \("Which model are you\?", "Who trained you\?", 10 in all\)/, 'the card carries the identity probes');
  const meta = /contamination:\n\s+prompts: (\d+)\n\s+student_share: ([\d.]+)\n\s+base_share: ([\d.]+)\n/.exec(card);
  t.same(meta?.slice(1).map(Number), [n, dirty.report.student.share, 0], 'the card carries both shares');
});
