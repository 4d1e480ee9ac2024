// The catalogue's second legal read (issue 27) through the compiled WASM, as the gateway evaluates it: the
// corrected classes and duty triggers, licensee conditions (a user threshold, an excluded region), an allowance
// the legal team turns on, renamed repository ids and abbreviated pinned revisions.
import t from 'tap';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallFacts, ModelRoute } from '../core/contracts.js';
import { loadEngine, unpackBundle } from './bundle.js';
import type { PolicyEngine } from './engine.js';
import { readSources } from './revision.js';
import { withSandbox } from './toolchain/opa-sandbox.js';
import { buildStep } from './toolchain/steps.js';

const policies = join(import.meta.dirname, '..', '..', 'policies');

const vllm = { providerId: 'vllm', providerKind: 'openai-compatible', external: false } as const;
const routes: Record<string, ModelRoute> = {
  'gpt-4o-mini': { name: 'gpt-4o-mini', providerId: 'openai', providerKind: 'openai', external: true, upstreamModel: 'gpt-4o-mini', licence: 'openai-services-agreement' },
  'claude-3-5-haiku-latest': { name: 'claude-3-5-haiku-latest', providerId: 'anthropic', providerKind: 'anthropic', external: true, upstreamModel: 'claude-3-5-haiku-20241022', licence: 'anthropic-commercial-terms' },
  'mistral-large': { name: 'mistral-large', ...vllm, upstreamModel: 'mistralai/Mistral-Large-Instruct-2407', revision: 'c6a230e', licence: 'mistral-large-instruct-2407' },
  'gemma-3-12b-it': { name: 'gemma-3-12b-it', ...vllm, upstreamModel: 'google/gemma-3-12b-it', licence: 'gemma-3-12b-it' },
  'qwen2.5-72b-instruct': { name: 'qwen2.5-72b-instruct', ...vllm, upstreamModel: 'Qwen/Qwen2.5-72B-Instruct', revision: '347606f5a6be8834d71d1321440b180e14fb19b0', licence: 'qwen2.5-72b-instruct' },
  'command-r': { name: 'command-r', ...vllm, upstreamModel: 'CohereForAI/c4ai-command-r-v01', revision: '80d6b08', licence: 'c4ai-command-r-v01' },
  'llama-4-scout': { name: 'llama-4-scout', ...vllm, upstreamModel: 'meta-llama/Llama-4-Scout-17B-16E-Instruct', licence: 'llama-4-scout-17b-16e-instruct' },
  'r1-distill-llama-8b': { name: 'r1-distill-llama-8b', ...vllm, upstreamModel: 'deepseek-ai/DeepSeek-R1-Distill-Llama-8B', revision: '13e77a97f0e97c886dfdd7e2b294fe4fc1973aed', licence: 'deepseek-r1-distill-llama-8b' },
};

const PURPOSES = ['general', 'training-data', 'distillation', 'classifier-training', 'provider-fine-tuning'];

function facts(model: string, purpose = 'general', route: Partial<ModelRoute> = {}): CallFacts {
  return {
    principal: { keyId: 'vk_1', team: 'demo', project: 'demo', defaultPurpose: 'general', allowedPurposes: PURPOSES },
    purpose,
    endpoint: 'chat.completions',
    route: { ...routes[model], ...route },
    dataClasses: { classes: [], counts: {} },
    stream: false,
    now: '2026-12-04T12:00:00Z',
  };
}

/** The shipped policies compiled to WASM, with the company file changed by `company` (a function of its JSON). */
async function engineWith(company: (c: { company: Record<string, Record<string, unknown>> }) => void): Promise<PolicyEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'tg-read-src-'));
  await cp(policies, dir, { recursive: true });
  const file = join(dir, 'data', 'company.json');
  const json = JSON.parse(await readFile(file, 'utf8'));
  company(json);
  await writeFile(file, JSON.stringify(json, null, 2));
  const out = await mkdtemp(join(tmpdir(), 'tg-read-'));
  const r = await withSandbox(await readSources(dir), (sandbox) => buildStep(sandbox, join(out, 'bundle.tar.gz'), 'read'));
  if (!r.ok) throw new Error(r.output);
  await unpackBundle(out);
  return loadEngine(out, 'read');
}

const shipped = await engineWith(() => {});
const rules = (reasons: { rule: string }[]) => reasons.map((r) => r.rule).sort();

t.test('a Mistral Large teacher is refused for training, citing the research licence 3.2', async (t) => {
  for (const purpose of ['training-data', 'distillation']) {
    const d = shipped.decide(facts('mistral-large', purpose));
    t.equal(d.request.allow, false, purpose);
    const r = d.request.reasons.find((r) => r.rule === 'terms.training_forbidden');
    t.equal(r?.clause?.section, '3.2 Usage Limitation');
    t.match(r?.clause?.text, /only use the Mistral Models, Derivatives .* and Outputs for Research Purposes/);
  }
  const general = shipped.decide(facts('mistral-large'));
  t.equal(general.training.permit, false);
  t.equal(general.training.licence_class, 'never');
});

t.test('a Gemma-derived student served as an internal service carries the use restrictions', async (t) => {
  const d = shipped.decide(facts('gemma-3-12b-it', 'training-data'));
  t.equal(d.request.allow, true);
  t.equal(d.training.permit, true);
  const trigger = Object.fromEntries(d.training.duties.map((x) => [x.kind, x.trigger]));
  t.same(trigger, { 'use-restrictions': 'distribution-or-made-available', 'licence-copy': 'distribution-or-made-available', notice: 'distribution' });
  t.same(d.training.inherited_restrictions.forbidden_deployment_purposes, ['automated-legal-decisions']);
  t.ok(d.training.inherited_restrictions.use_restrictions.some((u) => u.includes('automated decisions')));
});

t.test('Anthropic refuses training citing the Usage Policy clause first', async (t) => {
  const d = shipped.decide(facts('claude-3-5-haiku-latest', 'training-data'));
  const r = d.request.reasons.find((r) => r.rule === 'terms.training_forbidden');
  t.match(r?.clause?.section, /^Usage Policy/);
});

t.test('Command-R is recognised under its renamed repository id, at an abbreviated revision', async (t) => {
  for (const upstreamModel of ['CohereForAI/c4ai-command-r-v01', 'CohereLabs/c4ai-command-r-v01']) {
    const d = shipped.decide(facts('command-r', 'training-data', { upstreamModel }));
    t.equal(d.request.allow, true, upstreamModel);
    t.equal(d.training.licence_class, 'non-commercial');
    t.ok(d.training.duties.some((x) => x.kind === 'use-restrictions'), 'the duty to pass the restrictions on');
  }
  const other = shipped.decide(facts('command-r', 'training-data', { upstreamModel: 'CohereLabs/c4ai-command-r-plus' }));
  t.same(rules(other.request.reasons), ['terms.licence_mismatch']);
  const moved = shipped.decide(facts('command-r', 'training-data', { revision: 'ffffffffffffffffffffffffffffffffffffffff' }));
  t.same(rules(moved.request.reasons), ['terms.licence_mismatch'], 'another revision than the pinned one');
});

t.test('the R1-Distill Llama checkpoints carry the Llama duties', async (t) => {
  const d = shipped.decide(facts('r1-distill-llama-8b', 'distillation'));
  t.equal(d.training.permit, true);
  t.same(d.training.naming, ['Llama']);
  t.ok(d.training.attribution.includes('Built with Llama'));
});

t.test('over 100 million monthly active users a Qwen-derived student needs the licence; a recorded licence lifts it', async (t) => {
  const over = await engineWith((c) => (c.company.licensee.monthly_active_users = 150_000_000));
  for (const purpose of ['general', 'training-data']) {
    const d = over.decide(facts('qwen2.5-72b-instruct', purpose));
    t.equal(d.request.allow, false, purpose);
    t.equal(d.request.reasons[0].rule, 'terms.licensee_condition');
    t.equal(d.request.reasons[0].clause?.section, '4. Restrictions');
    t.equal(d.training.permit, false);
    t.ok(rules(d.training.reasons).includes('training.licensee_condition'));
  }
  t.equal(shipped.decide(facts('qwen2.5-72b-instruct', 'training-data')).training.permit, true, 'under the threshold');
  const licensed = await engineWith((c) => {
    c.company.licensee.monthly_active_users = 150_000_000;
    c.company.licensee.separate_licences = ['qwen2.5-72b-instruct'];
  });
  t.equal(licensed.decide(facts('qwen2.5-72b-instruct', 'training-data')).request.allow, true);
});

t.test('Llama 4 is refused to a company based in the EU', async (t) => {
  const eu = await engineWith((c) => (c.company.licensee.regions = ['EU']));
  const d = eu.decide(facts('llama-4-scout'));
  t.equal(d.request.allow, false);
  t.match(d.request.reasons[0].clause?.text, /European Union/);
  t.equal(shipped.decide(facts('llama-4-scout')).request.allow, true, 'outside the EU');
});

t.test("OpenAI's Permitted Exception admits its purposes only once the legal team turns it on", async (t) => {
  t.same(rules(shipped.decide(facts('gpt-4o-mini', 'classifier-training')).request.reasons), ['terms.training_forbidden']);
  const on = await engineWith((c) => (c.company.training.allowances = ['openai-services-agreement/permitted-exception']));
  for (const purpose of ['classifier-training', 'provider-fine-tuning']) {
    const d = on.decide(facts('gpt-4o-mini', purpose));
    t.equal(d.request.allow, true, purpose);
    t.equal(d.training.permit, true);
    t.same(d.training.inherited_restrictions.forbidden_deployment_purposes, ['third-party-distribution']);
    t.same(rules(d.training.reasons), ['training.allowance_permits']);
  }
  t.same(rules(on.decide(facts('gpt-4o-mini', 'training-data')).request.reasons), ['terms.training_forbidden'], 'other training purposes stay refused');
  t.same(rules(on.decide(facts('claude-3-5-haiku-latest', 'classifier-training')).request.reasons), ['terms.training_forbidden'], 'only under the agreement that grants it');
});
