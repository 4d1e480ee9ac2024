// The runner's second check by the gateway's rules (issue 22, #7), through the real gateway and the real
// runner CLI: `verify` traces every record through the detect route (marks, words, meaning) and quarantines
// a laundered restricted output under a valid permit, naming its decision, licence and evidence; a genuine
// trainable record that quotes the same public licence text as a restricted output is kept; and when the
// gateway cannot answer (unreachable, a wrong token, meaning unavailable) verify stops with exit 3, nothing
// verified or moved.
import t from 'tap';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import spdx from 'spdx-license-list/full.js';
import { paraphrase } from '../gateway/mock-upstream/paraphrase.js';
import { startDemoGateway } from './support/demo-gateway.js';
import { postAs, stripMarks } from './support/gateway-calls.js';
import { presignedLines } from './support/presigned.js';
import { indexed, until } from './support/until.js';

const repo = resolve(import.meta.dirname, '..');
const runnerDir = join(repo, 'training-runner');
const python = join(runnerDir, '.venv', 'bin', 'python');
const exec = promisify(execFile);
const runner = async (args: string[], env: Record<string, string> = {}) => {
  const r = await exec(python, ['-m', 'termsgate_runner', ...args], { cwd: runnerDir, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } }).then(
    (ok) => ({ code: 0, stdout: ok.stdout, stderr: ok.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
  return { ...r, json: r.stdout.trim() ? JSON.parse(r.stdout) : null };
};

t.setTimeout(600_000);
const gw = await startDemoGateway();
const work = mkdtempSync(join(tmpdir(), 'tg-runner-verify-'));
t.teardown(async () => {
  await gw.close();
  rmSync(work, { recursive: true, force: true });
});
const auditor = { TERMSGATE_DETECT_TOKEN: gw.adminToken };

// A passage of the MIT licence (in the gateway's public reference corpus) that both models quote.
const mit = (spdx as Record<string, { licenseText: string }>).MIT.licenseText.replace(/\s+/g, ' ');
const quote = mit.slice(mit.indexOf('Permission is hereby granted'), mit.indexOf('THE SOFTWARE IS PROVIDED')).trim();
const ask = (model: string, topic: string, extra = '') => postAs(gw, '/v1/chat/completions', { model, messages: [{ role: 'user', content: `Tell me about ${topic} and quote the licence. mock:words=60 ${extra}` }] });

const restricted = await ask('gpt-4o-mini', 'lighthouses', `mock:quote ${quote}`);
const restrictedText = stripMarks(restricted.body.choices[0].message.content as string);
const own = restrictedText.slice(0, restrictedText.indexOf(quote)).trim();
const trainable = await ask('qwen2.5-7b-instruct', 'orchards', `mock:quote ${quote}`);
await indexed(gw, [{ id: restricted.id, text: restrictedText }]);

const dir = join(work, 'data');

t.test('pull the feed: the trainable answer quoting the licence has a permit', async (t) => {
  t.ok(existsSync(python), 'training-runner/.venv exists');
  t.ok(restrictedText.endsWith(quote), 'the restricted answer quotes the licence');
  await until(() => runner(['pull', '--gateway', gw.url, '--token', gw.runnerToken, '--out', dir]), (r) => r.json?.verify?.verified >= 1);
  const ids = readdirSync(join(dir, 'shards')).flatMap((f) => readFileSync(join(dir, 'shards', f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).example.decision_id));
  t.same(ids, [trainable.id], 'only the trainable answer was offered');
  // Laundered copies of the restricted answer under permits signed before the index knew it: verbatim,
  // every sixth word dropped, and the mock teacher's WordNet rewrite made outside the gateway.
  const words = own.split(' ');
  const laundered = [own, words.filter((_, i) => i % 6 !== 5).join(' '), paraphrase(own)];
  writeFileSync(join(dir, 'shards', 'shard-000000001000.jsonl'), presignedLines(gw.dataDir, laundered.map((completion) => ({ prompt: 'Tell me about lighthouses.', completion }))).join('\n') + '\n');
});

t.test('verify traces every record: laundered copies are quarantined naming decision, licence and evidence; the quote of public text is kept', async (t) => {
  const dry = await runner(['verify', dir, '--dry-run', '--gateway', gw.url], auditor);
  t.equal(dry.code, 1, dry.stderr);
  t.same(dry.json.traced_by, ['marks', 'words', 'meaning']);
  t.equal(dry.json.verified, 1, 'the genuine trainable record quoting the licence is kept');
  t.equal(dry.json.quarantined, 3);
  for (const q of dry.json.reasons) {
    t.match(q.origins, [{ decision_id: restricted.id, licence: 'openai-services-agreement', status: 'genuine' }], `line ${q.line} names the restricted decision and its licence`);
    t.match(q.reason, new RegExp(`^traces to restricted output: decision ${restricted.id} \\(licence openai-services-agreement, by `));
    t.comment(`line ${q.line}: ${q.reason}`);
  }
  const evidence = new Set(dry.json.reasons.flatMap((q: { origins: { evidence: string[] }[] }) => q.origins.flatMap((o) => o.evidence)));
  t.ok(evidence.has('words'), 'words trace the verbatim copy');
  t.ok(evidence.has('meaning'), 'meaning traces a rewording');
});

t.test('the gateway unreachable or refusing the token: exit 3, nothing verified or moved', async (t) => {
  const copy = join(work, 'copy');
  cpSync(dir, copy, { recursive: true });
  const before = readdirSync(join(copy, 'shards')).map((f) => readFileSync(join(copy, 'shards', f), 'utf8')).join('');
  const closed = await new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
  const down = await runner(['verify', copy, '--gateway', `http://127.0.0.1:${closed}`], auditor);
  t.equal(down.code, 3);
  t.equal(down.stdout, '');
  t.match(down.stderr, /^verify stopped, nothing verified or moved: the gateway's detection at http:\/\/127\.0\.0\.1:\d+\/admin\/v1\/provenance\/detect is unreachable/);
  const canary = 'tga-canary-' + 'c0ffee'.repeat(3);
  const refused = await runner(['verify', copy, '--gateway', gw.url, '--detect-token', canary]);
  t.equal(refused.code, 3);
  t.match(refused.stderr, /answered HTTP 401/);
  t.notOk(refused.stderr.includes(canary) || refused.stdout.includes(canary), 'the token is in no message');
  const after = readdirSync(join(copy, 'shards')).map((f) => readFileSync(join(copy, 'shards', f), 'utf8')).join('');
  t.equal(after, before, 'the shards are as they were');
  t.notOk(existsSync(join(copy, 'quarantine', 'quarantined.jsonl')), 'nothing quarantined');
  const plain = await runner(['verify', copy]);
  t.equal(plain.code, 2, 'without a tracer verify refuses to run');
});

t.test('a gateway with meaning on but its model missing answers 503, and verify stops rather than trace by words alone', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'termsgate-no-model-'));
  const bare = await startDemoGateway((config) => {
    config.provenance.semantic.modelDir = empty;
  });
  t.teardown(async () => {
    await bare.close();
    rmSync(empty, { recursive: true, force: true });
  });
  const copy = join(work, 'copy-no-model');
  cpSync(dir, copy, { recursive: true });
  const stopped = await runner(['verify', copy, '--gateway', bare.url], { TERMSGATE_DETECT_TOKEN: bare.adminToken });
  t.equal(stopped.code, 3);
  t.match(stopped.stderr, /answered HTTP 503: provenance detection cannot consult meaning: semantic provenance is enabled but its model is missing/);
  t.notOk(existsSync(join(copy, 'quarantine', 'quarantined.jsonl')), 'nothing quarantined');
});

t.test('verify moves the quarantined records out; a second pass keeps the rest', async (t) => {
  const moved = await runner(['verify', dir, '--gateway', gw.url], auditor);
  t.equal(moved.code, 1);
  const lines = readFileSync(join(dir, 'quarantine', 'quarantined.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  t.equal(lines.length, 3);
  t.ok(lines.every((l) => l.origins[0].decision_id === restricted.id && l.origins[0].evidence.length > 0), 'the quarantine file names decision and evidence');
  const again = await runner(['verify', dir, '--gateway', gw.url], auditor);
  t.same([again.code, again.json.verified, again.json.quarantined], [0, 1, 0]);
});
