// The policy's cases driven through the compiled WASM, as the gateway evaluates them.
import t from 'tap';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallFacts, ModelRoute } from '../pipeline/contracts.js';
import { loadEngine, unpackBundle } from './bundle.js';
import { PolicyEngine } from './engine.js';
import { withSandbox } from './opa-sandbox.js';
import { readSources } from './revision.js';
import { buildStep, validateDir } from './toolchain.js';

const policies = join(import.meta.dirname, '..', '..', 'policies');

const routes: Record<string, ModelRoute> = {
  'gpt-4o-mini': { name: 'gpt-4o-mini', providerId: 'openai', providerKind: 'openai', external: true, upstreamModel: 'gpt-4o-mini', licence: 'openai-terms' },
  'claude-3-5-haiku-latest': { name: 'claude-3-5-haiku-latest', providerId: 'anthropic', providerKind: 'anthropic', external: true, upstreamModel: 'claude-3-5-haiku-20241022', licence: 'anthropic-terms' },
  'llama-3.1-8b-instruct': { name: 'llama-3.1-8b-instruct', providerId: 'vllm', providerKind: 'openai-compatible', external: false, upstreamModel: 'meta-llama/Llama-3.1-8B-Instruct', licence: 'llama-3.1-community' },
  'qwen2.5-7b-instruct': { name: 'qwen2.5-7b-instruct', providerId: 'vllm', providerKind: 'openai-compatible', external: false, upstreamModel: 'Qwen/Qwen2.5-7B-Instruct', licence: 'apache-2.0' },
  'deepseek-r1': { name: 'deepseek-r1', providerId: 'vllm', providerKind: 'openai-compatible', external: false, upstreamModel: 'deepseek-ai/DeepSeek-R1', licence: 'mit' },
};

function facts(model: string, over: Partial<CallFacts> = {}): CallFacts {
  return {
    principal: { keyId: 'vk_1', team: 'demo', project: 'demo', defaultPurpose: 'general', allowedPurposes: ['general', 'training-data'] },
    purpose: 'general',
    endpoint: 'chat.completions',
    route: routes[model],
    dataClasses: { classes: [], counts: {} },
    stream: false,
    now: '2026-11-28T12:00:00Z',
    ...over,
  };
}

async function buildBundle(dir: string, revision: string): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'tg-engine-'));
  const r = await withSandbox(await readSources(dir), (sandbox) => buildStep(sandbox, join(out, 'bundle.tar.gz'), revision));
  if (!r.ok) throw new Error(r.output);
  await unpackBundle(out);
  return out;
}

const built = await mkdtemp(join(tmpdir(), 'tg-engine-'));
const report = await validateDir(policies, { out: join(built, 'bundle.tar.gz') });
t.ok(report.ok, 'the shipped policies pass fmt, check, test and build');
await unpackBundle(built);
const engine = await loadEngine(built, report.revision);

t.test('training-data purpose to OpenAI and Anthropic is denied, citing the clause', async (t) => {
  for (const [model, licence, quote] of [
    ['gpt-4o-mini', 'openai-terms', 'Use Output to develop models that compete with OpenAI.'],
    ['claude-3-5-haiku-latest', 'anthropic-terms', 'train any artificial intelligence'],
  ] as const) {
    const d = engine.decide(facts(model, { purpose: 'training-data' }));
    t.equal(d.revision, report.revision);
    t.equal(d.request.allow, false, model);
    const r = d.request.reasons.find((r) => r.rule === 'terms.training_forbidden');
    t.ok(r, `${model} cites terms.training_forbidden`);
    t.equal(r!.clause!.licence, licence);
    t.ok(r!.clause!.text.includes(quote));
    t.match(r!.clause!.url, /^https:\/\//);
    t.ok(r!.clause!.section.length > 0);
  }
});

t.test('general use of OpenAI and Anthropic is allowed, outputs not trainable', async (t) => {
  for (const [model, licence] of [['gpt-4o-mini', 'openai-terms'], ['claude-3-5-haiku-latest', 'anthropic-terms']] as const) {
    const d = engine.decide(facts(model));
    t.equal(d.request.allow, true, model);
    t.same(d.request.obligations, { watermark: true, content_logging: 'full', redactions: [], mask: [] });
    t.equal(d.training.permit, false);
    t.equal(d.training.licence, licence);
    t.equal(d.training.licence_class, 'not-for-competing-models');
    t.equal(d.training.reasons[0].rule, 'training.licence_forbids');
  }
});

t.test('Apache-2.0 and MIT outputs are trainable; Llama with its duties', async (t) => {
  for (const model of ['qwen2.5-7b-instruct', 'deepseek-r1']) {
    const d = engine.decide(facts(model, { purpose: 'training-data' }));
    t.equal(d.request.allow, true, model);
    t.equal(d.training.permit, true, model);
    t.equal(d.training.licence_class, 'yes');
  }
  const llama = engine.decide(facts('llama-3.1-8b-instruct', { purpose: 'training-data' }));
  t.equal(llama.training.permit, true);
  t.equal(llama.training.licence_class, 'yes-with-duties');
  t.ok(llama.training.attribution.includes('Built with Llama'));
  t.same(llama.training.naming, ['Llama']);
});

t.test('secrets are denied to every external provider, not to self-hosted ones', async (t) => {
  const secret = { classes: ['secret.api_key'], counts: { 'secret.api_key': 1 } };
  for (const model of ['gpt-4o-mini', 'claude-3-5-haiku-latest']) {
    const d = engine.decide(facts(model, { dataClasses: secret }));
    t.equal(d.request.allow, false, model);
    t.same(d.request.reasons.map((r) => r.rule), ['secrets.external_provider']);
  }
  const local = engine.decide(facts('qwen2.5-7b-instruct', { dataClasses: secret }));
  t.equal(local.request.allow, true);
  t.equal(local.request.obligations.content_logging, 'digest');
  t.equal(local.training.permit, false);
});

t.test('personal data makes the output not trainable and the log redacted', async (t) => {
  const d = engine.decide(facts('deepseek-r1', { dataClasses: { classes: ['pii.email'], counts: { 'pii.email': 2 } } }));
  t.equal(d.request.allow, true);
  t.same(d.request.obligations, { watermark: true, content_logging: 'redacted', redactions: ['pii.email'], mask: [] });
  t.equal(d.training.permit, false);
  t.same(d.training.reasons.map((r) => r.rule), ['training.personal_data']);
});

t.test('purpose outside the key or unknown to the company is denied', async (t) => {
  const notAllowed = engine.decide(facts('qwen2.5-7b-instruct', { purpose: 'code-assist' }));
  t.same(notAllowed.request.reasons.map((r) => r.rule), ['purpose.not_allowed_for_key']);
  const unknown = engine.decide(
    facts('qwen2.5-7b-instruct', { purpose: 'astrology', principal: { keyId: 'k', team: 'demo', project: 'p', defaultPurpose: 'astrology', allowedPurposes: ['astrology'] } }),
  );
  t.same(unknown.request.reasons.map((r) => r.rule), ['purpose.unknown']);
});

t.test('fail closed: a bundle missing an entrypoint is refused at load', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tg-partial-'));
  await writeFile(join(dir, 'p.rego'), 'package termsgate.request\n\ndecision := {"allow": true}\n');
  const out = await mkdtemp(join(tmpdir(), 'tg-engine-'));
  await withSandbox(await readSources(dir), async (sandbox) => {
    const r = await buildStep(sandbox, join(out, 'bundle.tar.gz'), 'x');
    t.notOk(r.ok, 'the toolchain refuses to build without every entrypoint');
    const b = await sandbox.run(['build', '-t', 'wasm', '-e', 'termsgate/request/decision', '-o', join(out, 'bundle.tar.gz'), '.']);
    t.equal(b.code, 0, 'opa alone builds it');
  });
  await unpackBundle(out);
  await t.rejects(loadEngine(out, 'partial'), /lacks entrypoint/);
});

t.test('fail closed: malformed or undefined decisions throw', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tg-malformed-'));
  await writeFile(join(dir, 'p.rego'), 'package termsgate.request\n\ndecision := {"allow": "yes", "reasons": [], "obligations": {}}\n');
  await writeFile(join(dir, 't.rego'), 'package termsgate.training\n\ndecision := input.never_defined\n');
  await writeFile(join(dir, 'd.rego'), 'package termsgate\n\ndecision := {"request": data.termsgate.request.decision}\n');
  const out = await buildBundle(dir, 'malformed');
  const bad = await PolicyEngine.load('malformed', await readFile(join(out, 'policy.wasm')), {});
  t.throws(() => bad.decide(facts('gpt-4o-mini')), /malformed request decision/);
  await t.rejects(loadEngine(out, 'malformed'), 'the load-time probe refuses it');
  await writeFile(join(dir, 'd.rego'), 'package termsgate\n\ndecision := input.never_defined\n');
  const undef = await buildBundle(dir, 'undefined');
  const none = await PolicyEngine.load('undefined', await readFile(join(undef, 'policy.wasm')), {});
  t.throws(() => none.decide(facts('gpt-4o-mini')), /no decision/);
});

t.test('a copy with a failing test is refused by the build', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tg-failing-'));
  await cp(policies, dir, { recursive: true });
  const f = join(dir, 'request', 'terms_test.rego');
  await writeFile(f, (await readFile(f, 'utf8')).replace('r.clause.licence == "openai-terms"', 'r.clause.licence == "mit"'));
  const r = await validateDir(dir);
  t.notOk(r.ok);
  t.equal(r.steps.at(-1)!.step, 'test');
  t.match(r.steps.at(-1)!.output, /FAIL/);
});

t.test('memoized decisions: only for rules that ignore the time, frozen, per revision', async (t) => {
  const { timeIndependent } = await import('./bundle.js');
  const sources = await readSources(policies);
  t.ok(timeIndependent(sources), 'the shipped rules never read input.now');
  t.notOk(timeIndependent([{ path: 'x.rego', content: 'package x\n\nallow if input.now < "2027"\n' }]));
  t.notOk(timeIndependent([{ path: 'x.rego', content: 'package x\n\ni := input\n' }]));
  t.ok(timeIndependent([{ path: 'x_test.rego', content: 'package x\n\ntest_a if true with input as {}\n' }]));
  t.notOk(timeIndependent(null), 'fleet bundles without sources are evaluated every call');
  const memo = await loadEngine(built, report.revision, sources);
  const a = memo.decide(facts('deepseek-r1'));
  const b = memo.decide(facts('deepseek-r1', { now: '2027-01-01T00:00:00Z' }));
  t.equal(a, b, 'same input at another time reuses the decision');
  t.ok(Object.isFrozen(a.request.reasons));
  t.same(a, engine.decide(facts('deepseek-r1')), 'and equals the evaluated one');
  t.not(memo.decide(facts('gpt-4o-mini')).training.permit, true);
});
