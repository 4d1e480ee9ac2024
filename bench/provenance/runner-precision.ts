// The runner's second check, measured (issue 22, #7): a real gateway (demo configuration, mock provider,
// meaning on) serves restricted answers (gpt-4o-mini) and trainable ones (qwen2.5-7b-instruct) that quote
// the same public licence passages (`mock:quote`); the runner pulls the feed, laundered copies of the
// restricted answers are added under permits signed with the gateway's key (as if signed before its index
// knew them), and `termsgate_runner verify --gateway` traces everything. Prints the genuine trainable
// records wrongly quarantined, the laundered ones caught per class and by which evidence, and records/s.
// Run: npx tsx bench/provenance/runner-precision.ts [--restricted 100] [--trainable 400] [--seed 7] [--no-meaning] [--out FILE]
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify, parseArgs } from 'node:util';
import { paraphrase } from '../../gateway/mock-upstream/paraphrase.js';
import { ADMISSION_RULE } from '../../gateway/core/rule-names.js';
import { PUBLIC_SOURCES } from '../../gateway/provenance/public-reference.js';
import { startDemoGateway } from '../../test/support/demo-gateway.js';
import { adminGet, postAs, stripMarks } from '../../test/support/gateway-calls.js';
import { presignedLines } from '../../test/support/presigned.js';
import { until } from '../../test/support/until.js';
import { fillers, substitute } from './rewording.js';
import { rngFrom, type Rng } from './sotu-corpus.js';

const { values } = parseArgs({ options: { restricted: { type: 'string', default: '100' }, trainable: { type: 'string', default: '400' }, seed: { type: 'string', default: '7' }, 'no-meaning': { type: 'boolean', default: false }, out: { type: 'string', default: 'bench/results/provenance-runner.json' } } });
// --no-meaning: the gateway with provenance.semantic off (marks and words only), for the cost of meaning.
const MEANING = !values['no-meaning'];
const RESTRICTED = Number(values.restricted);
const TRAINABLE = Number(values.trainable);
const rng = rngFrom(Number(values.seed));
const repo = resolve(import.meta.dirname, '../..');
const runnerDir = join(repo, 'training-runner');
const exec = promisify(execFile);

const licences = createRequire(import.meta.url)('spdx-license-list/full') as Record<string, { licenseText: string }>;
/** 40–120 words of a public licence text, as an answer quotes one. */
function publicPassage(r: Rng): string {
  const words = licences[PUBLIC_SOURCES[Math.floor(r() * PUBLIC_SOURCES.length)]].licenseText.split(/\s+/).filter(Boolean);
  const n = Math.min(words.length, 40 + Math.floor(r() * 81));
  const at = Math.floor(r() * (words.length - n + 1));
  return words.slice(at, at + n).join(' ');
}
// Fewer passages than answers, so every passage is quoted by restricted and trainable answers alike.
const passages = Array.from({ length: Math.max(10, Math.ceil(RESTRICTED / 4)) }, () => publicPassage(rng));
const TOPICS = ['lighthouses', 'canals', 'tides', 'glaciers', 'compilers', 'orchards', 'bridges', 'comets', 'violins', 'deserts', 'forests', 'harbours', 'railways', 'libraries', 'vaccines', 'satellites'];
const ASKS = ['Tell me about', 'Write a note on', 'Explain', 'Summarise what you know about', 'Describe', 'Give an overview of'];

const runner = async (args: string[], env: Record<string, string> = {}) => {
  const r = await exec(join(runnerDir, '.venv', 'bin', 'python'), ['-m', 'termsgate_runner', ...args], { cwd: runnerDir, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env } }).then(
    (ok) => ({ code: 0, stdout: ok.stdout, stderr: ok.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
  return { ...r, json: r.stdout.trim() ? JSON.parse(r.stdout) : null };
};

/** Runs `f` over `items`, `n` at a time. */
async function pool<T, R>(items: T[], n: number, f: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i], i);
    }
  }));
  return out;
}

const gw = await startDemoGateway((config) => {
  config.provenance.semantic.enabled = MEANING;
});
const work = mkdtempSync(join(tmpdir(), 'tg-runner-precision-'));
try {
  const serve = (model: string, i: number) => {
    const passage = passages[i % passages.length];
    const prompt = `${ASKS[i % ASKS.length]} ${TOPICS[(i * 7) % TOPICS.length]}, part ${i}, and quote the licence. mock:words=${50 + (i % 40)} mock:quote ${passage}`;
    return postAs(gw, '/v1/chat/completions', { model, messages: [{ role: 'user', content: prompt }] }).then((a) => ({ ...a, text: a.status === 200 ? stripMarks(a.body.choices[0].message.content as string) : '', passage }));
  };
  const t0 = performance.now();
  const restricted = await pool(Array.from({ length: RESTRICTED }, (_, i) => i), 4, (i) => serve('gpt-4o-mini', i));
  const failedRestricted = restricted.filter((r) => r.status !== 200).length;
  // Meaning is indexed off the request path; wait until the index traces every restricted answer.
  const served = restricted.filter((r) => r.status === 200);
  await until(
    async () => {
      const res = await fetch(`${gw.url}/admin/v1/provenance/detect`, { method: 'POST', headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ texts: served.slice(-20).map((r) => r.text) }) });
      return res.status === 200 ? ((await res.json()) as { results: { restricted: boolean }[] }).results : [];
    },
    (results) => results.length > 0 && results.every((r) => r.restricted),
    600_000,
  );
  const trainable = await pool(Array.from({ length: TRAINABLE }, (_, i) => i), 4, (i) => serve('qwen2.5-7b-instruct', RESTRICTED + i));
  const serveSeconds = (performance.now() - t0) / 1000;
  const answered = trainable.filter((r) => r.status === 200);
  // Which trainable answers admission gave a permit (the rest never reach the feed).
  const permits = await pool(answered, 8, async (a) => {
    const page = await until(() => adminGet(gw, `/admin/v1/audit/records?decision_id=${a.id}&phase=completed`), (p: { records: { record: unknown }[] }) => p.records.length > 0, 60_000);
    const record = page.records[0].record as { training_permit_id: string | null; trainable: boolean; reasons: { rule: string; message: string }[] };
    return { permit: record.training_permit_id !== null, why: record.reasons.map((r) => `[${r.rule}] ${r.message}`).join('; ') || `no reason recorded (trainable by policy: ${record.trainable})` };
  });
  const permitted = new Set(answered.filter((_, i) => permits[i].permit).map((a) => a.id));
  const admissionReasons = permits.filter((p) => !p.permit).map((p) => p.why);
  // A refused trainable answer is remembered as not trainable (request-path.ts), so later answers repeating it are refused too.
  const cascade = admissionReasons.filter((why) => why.includes('licence qwen2.5-7b-instruct')).length;
  // Not trainable by the policy itself (no admission reason): the WTFPL's text carries an e-mail address (pii.email).
  const other = admissionReasons.filter((why) => !why.includes(ADMISSION_RULE)).length;

  const dir = join(work, 'data');
  await until(() => runner(['pull', '--gateway', gw.url, '--token', gw.runnerToken, '--out', dir, '--limit', '1000']), () => {
    const ids = readdirSync(join(dir, 'shards')).flatMap((f) => readFileSync(join(dir, 'shards', f), 'utf8').split('\n').filter(Boolean));
    return ids.length >= permitted.size;
  }, 120_000);

  // Laundered copies of each restricted answer, as an insider would slip them in under a valid permit.
  const vocabulary = [...new Set(answered.slice(0, 50).flatMap((a) => a.text.split(/\s+/)))];
  const CLASSES: [string, (text: string) => string][] = [
    ['verbatim (marks stripped)', (x) => x],
    ['25 % of words substituted', (x) => substitute(x, 0.25, vocabulary, rng)],
    ['a filler every 4 words', (x) => fillers(x, 4, rng)],
    ["the mock teacher's WordNet rewrite (outside the gateway)", (x) => paraphrase(x)],
  ];
  const laundered = CLASSES.flatMap(([name, f]) => served.map((r) => ({ name, prompt: 'Tell me about it.', completion: f(r.text) })));
  mkdirSync(join(dir, 'shards'), { recursive: true });
  const lines = presignedLines(gw.dataDir, laundered, 100_000_000);
  writeFileSync(join(dir, 'shards', 'shard-000100000000.jsonl'), lines.join('\n') + '\n');
  const launderedIds = new Map(lines.map((line, i) => [JSON.parse(line).id as string, laundered[i].name]));

  const records = permitted.size + laundered.length;
  const t1 = performance.now();
  const verify = await runner(['verify', dir, '--dry-run', '--gateway', gw.url], { TERMSGATE_DETECT_TOKEN: gw.adminToken });
  const verifySeconds = (performance.now() - t1) / 1000;
  if (verify.code !== 0 && verify.code !== 1) throw new Error(`verify failed (${verify.code}): ${verify.stderr}`);
  const reasons = verify.json.reasons as { id: string; reason: string; origins?: { evidence: string[] }[] }[];
  const wrongful = reasons.filter((q) => !launderedIds.has(q.id));
  const caught = new Map<string, { caught: number; words: number; meaning: number; mark: number }>();
  for (const [name] of CLASSES) caught.set(name, { caught: 0, words: 0, meaning: 0, mark: 0 });
  for (const q of reasons) {
    const name = launderedIds.get(q.id);
    if (!name) continue;
    const c = caught.get(name)!;
    c.caught++;
    const kinds = new Set((q.origins ?? []).flatMap((o) => o.evidence));
    for (const k of ['words', 'meaning', 'mark'] as const) if (kinds.has(k)) c[k]++;
  }
  const result = {
    date: new Date().toISOString(),
    command: `npx tsx bench/provenance/runner-precision.ts --restricted ${RESTRICTED} --trainable ${TRAINABLE} --seed ${values.seed}${MEANING ? '' : ' --no-meaning'}`,
    restricted_answers: served.length,
    restricted_failed: failedRestricted,
    trainable_answers: answered.length,
    trainable_failed: trainable.length - answered.length,
    public_passages_quoted: passages.length,
    genuine: { refused_at_admission: answered.length - permitted.size, naming_an_earlier_refused_trainable_answer: cascade, refused_by_another_rule: other, admission_reasons: admissionReasons.slice(0, 10), permitted: permitted.size, wrongly_quarantined: wrongful.length, rate: wrongful.length / permitted.size, reasons: wrongful.slice(0, 10).map((q) => q.reason) },
    laundered: CLASSES.map(([name]) => ({ class: name, records: served.length, ...caught.get(name)!, rate: caught.get(name)!.caught / served.length })),
    verify: { records, seconds: verifySeconds, records_per_second: records / verifySeconds, traced_by: verify.json.traced_by, later_origins_only: verify.json.later_origins_only, requests_at_least: Math.ceil(records / 200) },
    serve_seconds: serveSeconds,
  };
  const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
  console.log(`${result.command}\n`);
  console.log(`served: ${served.length} restricted, ${answered.length} trainable answers (${passages.length} public licence passages, each quoted by both); ${result.trainable_failed + failedRestricted} calls failed`);
  console.log(`genuine trainable answers refused at admission: ${result.genuine.refused_at_admission} of ${answered.length} (${pct(result.genuine.refused_at_admission / answered.length)}; ${cascade} of them naming an earlier refused trainable answer, ${other} by another rule than ${ADMISSION_RULE})`);
  console.log(`genuine trainable records wrongly quarantined by verify: ${wrongful.length} of ${permitted.size} (${pct(result.genuine.rate)})`);
  for (const l of result.laundered) console.log(`laundered, ${l.class}: caught ${l.caught} of ${l.records} (${pct(l.rate)}; by words ${l.words}, by meaning ${l.meaning}, by a mark ${l.mark})`);
  console.log(`verify: ${records} records in ${verifySeconds.toFixed(1)} s = ${result.verify.records_per_second.toFixed(1)} records/s (traced by ${result.verify.traced_by?.join(', ')}); kept with restricted origins served only after them: ${result.verify.later_origins_only}`);
  for (const r of result.genuine.reasons) console.log(`  wrongly quarantined: ${r}`);
  for (const r of result.genuine.admission_reasons) console.log(`  refused at admission: ${r}`);
  writeFileSync(values.out!, JSON.stringify(result, null, 2) + '\n');
} finally {
  await gw.close();
  rmSync(work, { recursive: true, force: true });
}
