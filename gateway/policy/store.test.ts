// The policy store: hot swap under load, refusal of broken revisions, hot reload of the directory,
// the stage → validate → dry-run → activate → rollback flow, and fleet bundles polled with ETag.
import t from 'tap';
import { createServer } from 'node:http';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { CallFacts, CallRecord } from '../core/contracts.js';
import { createPolicyStore } from './store.js';
import type { PolicyLogger } from './store-types.js';
import { validateDir } from './toolchain/steps.js';
import { bundleKeyFromPem } from './bundle-signature.js';
import { publicPem, signedBundle } from '../../test/support/signed-bundle.js';

const policies = join(import.meta.dirname, '..', '..', 'policies');
const quiet: PolicyLogger = { info() {}, warn() {}, error() {} };
// Dry runs in these tests hand in their own records.
const noRecords = async function* (): AsyncGenerator<never> {};

const facts: CallFacts = {
  principal: { keyId: 'vk_1', team: 'demo', project: 'demo', defaultPurpose: 'general', allowedPurposes: ['general', 'training-data'] },
  purpose: 'general',
  endpoint: 'chat.completions',
  route: { name: 'deepseek-r1', providerId: 'vllm', providerKind: 'openai-compatible', external: false, upstreamModel: 'deepseek-ai/DeepSeek-R1', licence: 'deepseek-r1' },
  dataClasses: { classes: [], counts: {} },
  stream: false,
  now: '2026-11-28T12:00:00Z',
};

async function copyPolicies(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tg-store-src-'));
  await cp(policies, dir, { recursive: true });
  return dir;
}

/** The MIT licence turned to "never": deepseek-r1 outputs stop being trainable (tests adjusted to match). */
async function neverTrainDeepseekR1(dir: string): Promise<void> {
  const lic = join(dir, 'data', 'licences.json');
  const data = JSON.parse(await readFile(lic, 'utf8'));
  data.licences['deepseek-r1'].training = 'never';
  await writeFile(lic, JSON.stringify(data, null, 2));
  const test = join(dir, 'training', 'decision_test.rego');
  await writeFile(test, (await readFile(test, 'utf8')).replace('["qwen2.5-7b-instruct", "deepseek-r1", "gpt-oss-20b"]', '["qwen2.5-7b-instruct", "gpt-oss-20b"]'));
  const terms = join(dir, 'request', 'terms_test.rego');
  await writeFile(terms, (await readFile(terms, 'utf8')).replace('"qwen2.5-72b-instruct", "deepseek-r1", "deepseek-v3"', '"qwen2.5-72b-instruct", "deepseek-v3"'));
}

const dataDir = () => mkdtemp(join(tmpdir(), 'tg-store-data-'));

t.test('startup refuses a policy directory that does not build', async (t) => {
  const dir = await copyPolicies();
  await writeFile(join(dir, 'request', 'broken.rego'), 'package termsgate.request\n\ndeny contains x if {\n');
  await t.rejects(createPolicyStore({ dir, dataDir: await dataDir(), pollIntervalMs: 1000, logger: quiet, watch: false, records: noRecords }), /refused/);
});

t.test('hot swap under load: no failed decision, every decision names one whole revision', async (t) => {
  const dirA = await copyPolicies();
  const store = await createPolicyStore({ dir: dirA, dataDir: await dataDir(), pollIntervalMs: 1000, logger: quiet, watch: false, records: noRecords });
  const revA = store.status().active.revision;
  const dirB = await copyPolicies();
  await neverTrainDeepseekR1(dirB);
  const staged = await store.stage({ files: {}, base: 'active' });
  t.equal(staged.candidate, revA, 'staging the active sources unchanged names the active revision');
  const { readSources } = await import('./revision.js');
  const b = await store.stage({ files: Object.fromEntries((await readSources(dirB)).map((f) => [f.path, f.content])), base: 'empty' });
  const v = await store.validate(b.candidate);
  t.ok(v.ok, 'candidate B validates');
  const revB = b.candidate;
  t.not(revA, revB);

  const expected: Record<string, boolean> = { [revA]: true, [revB]: false };
  let decisions = 0;
  let failures = 0;
  let mismatches = 0;
  let stop = false;
  const callers = Array.from({ length: 8 }, async () => {
    while (!stop) {
      try {
        const d = store.current().decide(facts);
        decisions++;
        if (!(d.revision in expected) || d.training.permit !== expected[d.revision]) mismatches++;
      } catch {
        failures++;
      }
      await new Promise<void>((r) => setImmediate(r));
    }
  });
  for (let i = 0; i < 10; i++) {
    t.ok((await store.activate(i % 2 === 0 ? revB : revA)).ok);
    await new Promise((r) => setTimeout(r, 5));
  }
  stop = true;
  await Promise.all(callers);
  t.ok(decisions > 100, `${decisions} decisions during 10 swaps`);
  t.equal(failures, 0, 'no decision failed');
  t.equal(mismatches, 0, 'each decision matches the rules of the revision it names');
  t.equal(store.status().active.revision, revA);
  await store.close();
});

t.test('a broken change is refused, reported in status, and the old revision keeps serving', async (t) => {
  const dir = await copyPolicies();
  const store = await createPolicyStore({ dir, dataDir: await dataDir(), pollIntervalMs: 1000, logger: quiet, watch: false, records: noRecords });
  const before = store.status().active.revision;
  await writeFile(join(dir, 'request', 'terms_test.rego'), (await readFile(join(dir, 'request', 'terms_test.rego'), 'utf8')).replace('"openai-services-agreement"\n\tr.clause.section', '"deepseek-r1"\n\tr.clause.section'));
  await writeFile(join(dir, 'request', 'terms.rego'), (await readFile(join(dir, 'request', 'terms.rego'), 'utf8')) + '\n# a comment changes the revision\n');
  const r = await store.reload();
  t.notOk(r.ok);
  t.equal(store.status().active.revision, before);
  t.equal(store.status().last_error?.step, 'test');
  t.match(store.status().last_error?.message, /FAIL/);
  t.equal(store.decide(facts).revision, before);
  const unformatted = await copyPolicies();
  await writeFile(join(unformatted, 'request', 'terms.rego'), (await readFile(join(unformatted, 'request', 'terms.rego'), 'utf8')).replace(/\t/g, '  '));
  const { readSources } = await import('./revision.js');
  const staged = await store.stage({ files: Object.fromEntries((await readSources(unformatted)).map((f) => [f.path, f.content])), base: 'empty' });
  const v = await store.validate(staged.candidate);
  t.notOk(v.ok);
  t.same(v.steps.map((s) => s.step), ['schema', 'fmt']);
  t.equal(v.findings[0].step, 'fmt');
  t.equal((await store.activate(staged.candidate)).ok, false, 'an unvalidated candidate cannot be activated');
  t.equal(store.status().active.revision, before);
  await t.rejects(store.stage({ files: { '../escape.rego': 'x' } }), /relative/);
  // Refused by the store itself, whoever calls it: an over-long segment or path is a refusal, not a filesystem error.
  await t.rejects(store.stage({ files: { [`${'a'.repeat(300)}.rego`]: 'package x' } }), { step: 'stage', message: /too long/ });
  await t.rejects(store.stage({ files: { [`${'d/'.repeat(600)}x.rego`]: 'package x' } }), { step: 'stage', message: /too long/ });
  await store.close();
});

t.test('hot reload: an edit to the directory is rebuilt and swapped in', async (t) => {
  const dir = await copyPolicies();
  const store = await createPolicyStore({ dir, dataDir: await dataDir(), pollIntervalMs: 1000, logger: quiet, debounceMs: 100, records: noRecords });
  const before = store.status().active.revision;
  t.equal(store.decide(facts).training.permit, true);
  await neverTrainDeepseekR1(dir);
  const deadline = Date.now() + 20_000;
  while (store.status().active.revision === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  t.not(store.status().active.revision, before, 'swapped');
  t.equal(store.decide(facts).training.permit, false, 'the new rules decide');
  t.same(store.history().map((h) => h.source), ['dir', 'dir']);
  await store.close();
});

t.test('dry run, activate and rollback', async (t) => {
  const dir = await copyPolicies();
  const dd = await dataDir();
  const store = await createPolicyStore({ dir, dataDir: dd, pollIntervalMs: 1000, logger: quiet, watch: false, records: noRecords });
  const revA = store.status().active.revision;
  const upstream: Record<string, string> = { 'deepseek-r1': 'deepseek-ai/DeepSeek-R1', 'qwen2.5-7b-instruct': 'Qwen/Qwen2.5-7B-Instruct' };
  const record = (id: string, model: string, licence: string, trainable: boolean): CallRecord => ({
    decision_id: id, phase: 'completed', time: '2026-11-28T12:00:00Z', principal: { key_id: 'vk_1', team: 'demo', project: 'demo' },
    endpoint: 'chat.completions', provider: 'vllm', model, upstream_model: upstream[model], purpose: 'general', decision: 'allow', reasons: [],
    obligations: null, policy_revision: revA, data_classes: [], request_digest: null, response_digest: null, usage: null,
    latency_ms: 1, status: 200, error: null, watermark_id: null, training_permit_id: null, licence, trainable,
  });
  async function* records(): AsyncIterable<CallRecord> {
    yield record('d1', 'deepseek-r1', 'deepseek-r1', true);
    yield record('d2', 'qwen2.5-7b-instruct', 'qwen2.5-7b-instruct', true);
    yield { ...record('d3', 'deepseek-r1', 'deepseek-r1', true), phase: 'started' };
  }
  const cand = await copyPolicies();
  await neverTrainDeepseekR1(cand);
  const { readSources } = await import('./revision.js');
  const changed = Object.fromEntries((await readSources(cand)).filter((f) => /^(data|request|training)\//.test(f.path)).map((f) => [f.path, f.content]));
  const staged = await store.stage({ files: changed });
  t.ok((await store.validate(staged.candidate)).ok);
  const report = await store.dryRun(staged.candidate, { records: records(), last: 10 });
  t.equal(report.examined, 3);
  t.equal(report.changed, 2, 'both deepseek calls would lose trainability');
  t.same(report.changes.map((c) => c.decision_id), ['d1', 'd3']);
  t.same(report.changes[0].after, { decision: 'allow', trainable: false, rules: [], training_rules: ['training.licence_forbids'] });
  t.same(report.groups.map((g) => [g.direction, g.count, g.rules]), [['trainable-to-not', 2, ['training.licence_forbids']]]);
  t.equal(store.decide(facts).revision, revA, 'a dry run does not activate');
  t.ok((await store.activate(staged.candidate)).ok);
  t.equal(store.decide(facts).training.permit, false);
  t.notOk((await store.rollback('0000000000000000')).ok, 'rollback only to a revision that served');
  t.ok((await store.rollback(revA)).ok);
  t.equal(store.decide(facts).revision, revA);
  t.same(store.history().map((h) => h.source), ['rollback', 'staged', 'dir']);
  const sources = await store.sources(revA);
  t.ok(sources.some((f) => f.path === 'data/licences.json'));
  t.ok((await store.activate(staged.candidate)).ok);
  await store.close();

  const restarted = await createPolicyStore({ dir, dataDir: dd, pollIntervalMs: 1000, logger: quiet, watch: false, records: noRecords });
  t.equal(restarted.status().active.revision, staged.candidate, 'an API activation survives a restart while the directory is unchanged');
  t.equal(restarted.status().active.source, 'restored');
  await restarted.close();
  await writeFile(join(dir, 'request', 'terms.rego'), (await readFile(join(dir, 'request', 'terms.rego'), 'utf8')) + '\n# edited on disk\n');
  const edited = await createPolicyStore({ dir, dataDir: dd, pollIntervalMs: 1000, logger: quiet, watch: false, records: noRecords });
  t.equal(edited.status().active.source, 'dir', 'once the directory changed, it wins');
  t.not(edited.status().active.revision, staged.candidate);
  await edited.close();
});

t.test('fleet mode: a signed OPA bundle polled with ETag, a broken one refused', async (t) => {
  const signer = generateKeyPairSync('ed25519');
  const sign = async (path: string) => signedBundle(await readFile(path), { key: signer.privateKey, alg: 'EdDSA' });
  const built = await mkdtemp(join(tmpdir(), 'tg-fleet-'));
  const okA = await validateDir(policies, { out: join(built, 'a.tar.gz') });
  t.ok(okA.ok);
  const cand = await copyPolicies();
  await neverTrainDeepseekR1(cand);
  const okB = await validateDir(cand, { out: join(built, 'b.tar.gz') });
  t.ok(okB.ok);
  let body = await sign(join(built, 'a.tar.gz'));
  let conditional = 0;
  const server = createServer((req, res) => {
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      conditional++;
      res.writeHead(304).end();
      return;
    }
    res.writeHead(200, { etag, 'content-type': 'application/gzip' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundle.tar.gz`;
  const store = await createPolicyStore({ dir: policies, dataDir: await dataDir(), bundleUrl: url, bundleKey: bundleKeyFromPem(publicPem(signer.publicKey)), pollIntervalMs: 60_000, logger: quiet, records: noRecords });
  t.equal(store.status().active.revision, okA.revision);
  t.equal(store.status().mode, 'bundle');
  t.ok((await store.pollBundle()).ok);
  t.equal(conditional, 1, 'unchanged bundle answered 304');
  body = await sign(join(built, 'b.tar.gz'));
  t.ok((await store.pollBundle()).ok);
  t.equal(store.status().active.revision, okB.revision);
  t.equal(store.decide(facts).training.permit, false);
  body = Buffer.from('not a bundle');
  const broken = await store.pollBundle();
  t.notOk(broken.ok);
  t.equal(store.status().active.revision, okB.revision, 'the previous bundle keeps serving');
  t.ok(store.status().last_error);
  await store.close();
});
