// The policy's cases driven through the compiled WASM, as the gateway evaluates them.
import t from 'tap';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallFacts, ModelRoute } from '../core/contracts.js';
import { loadEngine, unpackBundle } from './bundle.js';
import { PolicyEngine } from './engine.js';
import { withSandbox } from './toolchain/opa-sandbox.js';
import { readSources } from './revision.js';
import { buildStep, validateDir } from './toolchain/steps.js';

const policies = join(import.meta.dirname, '..', '..', 'policies');

const vllm = { providerId: 'vllm', providerKind: 'openai-compatible', external: false } as const;
const routes: Record<string, ModelRoute> = {
  'gpt-4o-mini': { name: 'gpt-4o-mini', providerId: 'openai', providerKind: 'openai', external: true, upstreamModel: 'gpt-4o-mini', licence: 'openai-services-agreement' },
  'claude-3-5-haiku-latest': { name: 'claude-3-5-haiku-latest', providerId: 'anthropic', providerKind: 'anthropic', external: true, upstreamModel: 'claude-3-5-haiku-20241022', licence: 'anthropic-commercial-terms' },
  'grok-3-mini': { name: 'grok-3-mini', providerId: 'xai', providerKind: 'openai-compatible', external: true, upstreamModel: 'grok-3-mini', licence: 'xai-enterprise-terms' },
  'llama-3.1-8b-instruct': { name: 'llama-3.1-8b-instruct', ...vllm, upstreamModel: 'meta-llama/Llama-3.1-8B-Instruct', licence: 'llama-3.1-8b-instruct' },
  'qwen2.5-7b-instruct': { name: 'qwen2.5-7b-instruct', ...vllm, upstreamModel: 'Qwen/Qwen2.5-7B-Instruct', licence: 'qwen2.5-7b-instruct' },
  'qwen2.5-3b-instruct': { name: 'qwen2.5-3b-instruct', ...vllm, upstreamModel: 'Qwen/Qwen2.5-3B-Instruct', licence: 'qwen2.5-3b-instruct' },
  'deepseek-r1': { name: 'deepseek-r1', ...vllm, upstreamModel: 'deepseek-ai/DeepSeek-R1', licence: 'deepseek-r1' },
  'deepseek-v3': { name: 'deepseek-v3', ...vllm, upstreamModel: 'deepseek-ai/DeepSeek-V3', revision: 'dd31960ee457249502f7c6a652a30ff78e9fc792', licence: 'deepseek-v3' },
  'gemma-3-12b-it': { name: 'gemma-3-12b-it', ...vllm, upstreamModel: 'google/gemma-3-12b-it', licence: 'gemma-3-12b-it' },
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
    ['gpt-4o-mini', 'openai-services-agreement', "use Output to develop artificial intelligence models that compete with OpenAI's products and services"],
    ['claude-3-5-haiku-latest', 'anthropic-commercial-terms', "'model distillation') without prior authorization from Anthropic"],
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
  for (const [model, licence, cls] of [
    ['gpt-4o-mini', 'openai-services-agreement', 'not-for-competing-models'],
    ['claude-3-5-haiku-latest', 'anthropic-commercial-terms', 'never'],
  ] as const) {
    const d = engine.decide(facts(model));
    t.equal(d.request.allow, true, model);
    t.same(d.request.obligations, { watermark: true, content_logging: 'full', redactions: [], mask: [] });
    t.equal(d.training.permit, false);
    t.equal(d.training.licence, licence);
    t.equal(d.training.licence_class, cls);
    t.equal(d.training.reasons[0].rule, 'training.licence_forbids');
  }
});

t.test('Apache-2.0 and MIT checkpoints are free; Llama carries duties that bind on distribution', async (t) => {
  for (const model of ['qwen2.5-7b-instruct', 'deepseek-r1']) {
    const d = engine.decide(facts(model, { purpose: 'training-data' }));
    t.equal(d.request.allow, true, model);
    t.equal(d.training.permit, true, model);
    t.equal(d.training.licence_class, 'free');
    t.same(d.training.duties, []);
    t.same(d.training.inherited_restrictions, { forbidden_deployment_purposes: [], use_restrictions: [] });
  }
  const llama = engine.decide(facts('llama-3.1-8b-instruct', { purpose: 'training-data' }));
  t.equal(llama.training.permit, true);
  t.equal(llama.training.licence_class, 'duties-on-distribution');
  t.ok(llama.training.attribution.includes('Built with Llama'));
  t.same(llama.training.naming, ['Llama']);
  t.ok(llama.training.duties.length > 0 && llama.training.duties.every((d) => d.trigger.startsWith('distribution')), 'every duty binds on distribution');
  t.same(llama.training.inherited_restrictions.forbidden_deployment_purposes, []);
});

t.test('through the WASM: derivatives inherit, non-commercial forbids commercial deployment, xAI never trains', async (t) => {
  const gemma = engine.decide(facts('gemma-3-12b-it', { purpose: 'training-data' }));
  t.equal(gemma.request.allow, true);
  t.equal(gemma.training.permit, true);
  t.equal(gemma.training.licence_class, 'derivatives-inherit');
  t.ok(gemma.training.inherited_restrictions.use_restrictions.some((r) => r.includes('Prohibited Use Policy')));
  t.ok(gemma.training.duties.some((d) => d.kind === 'use-restrictions' && d.trigger === 'distribution-or-made-available'), 'binds once the student is offered as a service');

  const v3 = engine.decide(facts('deepseek-v3', { purpose: 'training-data' }));
  t.equal(v3.training.licence_class, 'derivatives-inherit');
  t.same(v3.training.inherited_restrictions.forbidden_deployment_purposes, ['automated-legal-decisions', 'military']);

  const qwen3b = engine.decide(facts('qwen2.5-3b-instruct', { purpose: 'training-data' }));
  t.equal(qwen3b.training.permit, true);
  t.equal(qwen3b.training.licence_class, 'non-commercial');
  t.same(qwen3b.training.inherited_restrictions.forbidden_deployment_purposes, ['commercial']);

  for (const purpose of ['training-data', 'distillation']) {
    const grok = engine.decide(facts('grok-3-mini', { purpose, principal: { ...facts('grok-3-mini').principal, allowedPurposes: [purpose] } }));
    t.equal(grok.request.allow, false, `xAI refused for ${purpose}`);
    t.same(grok.request.reasons.map((r) => r.rule), ['terms.licence_unverified']);
    t.equal(grok.training.permit, false);
    t.equal(grok.training.licence_class, 'never');
  }
  t.equal(engine.decide(facts('grok-3-mini')).training.permit, false, 'not trainable for any purpose');
});

t.test('through the WASM: a licence applies only to the checkpoint it names', async (t) => {
  const misrouted = { ...routes['qwen2.5-3b-instruct'], licence: 'qwen2.5-7b-instruct' };
  const d = engine.decide(facts('qwen2.5-3b-instruct', { purpose: 'training-data', route: misrouted }));
  t.equal(d.request.allow, false);
  t.same(d.request.reasons.map((r) => r.rule), ['terms.licence_mismatch']);
  t.equal(d.training.permit, false);
  t.same(d.training.duties, []);
  const providerTermsOnSelfHosted = { ...routes['qwen2.5-3b-instruct'], licence: 'openai-services-agreement' };
  t.equal(engine.decide(facts('qwen2.5-3b-instruct', { route: providerTermsOnSelfHosted })).training.reasons[0].rule, 'training.licence_mismatch');
  const anotherVendorsTerms = { ...routes['gpt-4o-mini'], licence: 'gemini-api-additional-terms' };
  t.same(engine.decide(facts('gpt-4o-mini', { purpose: 'training-data', route: anotherVendorsTerms })).request.reasons.map((r) => r.rule), ['terms.licence_mismatch']);
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

t.test('through the WASM: distillation risk warns at medium, refuses restricted providers at high until cleared', async (t) => {
  const risk = (level: 'low' | 'medium' | 'high', cleared = false) => ({ distillation: { level, score: level === 'high' ? 85.4 : 50, scope: 'key:vk_1', signals: ['reasoning_elicitation', 'templated_prompts'], cleared } });
  const high = engine.decide(facts('gpt-4o-mini', risk('high')));
  t.equal(high.request.allow, false);
  t.equal(high.request.reasons[0].rule, 'distillation.high_risk');
  t.match(high.request.reasons[0].message, /key:vk_1 is high \(score 85; signals: reasoning_elicitation, templated_prompts\).*openai is refused until the legal team clears key:vk_1/);
  for (const model of ['claude-3-5-haiku-latest', 'grok-3-mini']) t.equal(engine.decide(facts(model, risk('high'))).request.allow, false, model);
  const open = engine.decide(facts('qwen2.5-7b-instruct', risk('high')));
  t.same([open.request.allow, open.request.obligations.warnings?.length], [true, 1], 'a self-hosted model is not refused, only warned');
  const cleared = engine.decide(facts('gpt-4o-mini', risk('high', true)));
  t.equal(cleared.request.allow, true);
  t.match(cleared.request.obligations.warnings![0], /cleared by the legal team/);
  const medium = engine.decide(facts('gpt-4o-mini', risk('medium')));
  t.same([medium.request.allow, medium.request.obligations.warnings], [true, ['distillation risk: key:vk_1 is medium (score 50; signals: reasoning_elicitation, templated_prompts)']]);
  t.equal(engine.decide(facts('gpt-4o-mini', risk('low'))).request.obligations.warnings, undefined);
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
  await writeFile(f, (await readFile(f, 'utf8')).replace('r.clause.licence == "openai-services-agreement"', 'r.clause.licence == "deepseek-r1"'));
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
