// Clouds that resell models, through the compiled WASM as the gateway evaluates it (OPA's WASM target lacks some
// built-ins, so `opa test` alone is not proof): Microsoft's terms cover every azure-openai provider, AWS's every
// bedrock provider and bind besides the vendor licence a Bedrock model names, the stricter class winning; an
// unverified cloud entry keeps every output untrainable, and a vendor's licensee condition holds on the cloud.
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

const bedrock = { providerId: 'bedrock', providerKind: 'bedrock', external: true } as const;
const routes: Record<string, ModelRoute> = {
  azure: { name: 'gpt-4o-azure', providerId: 'contoso-eastus', providerKind: 'azure-openai', external: true, upstreamModel: 'prod-gpt-4o-mini', licence: 'azure-openai-product-terms' },
  'azure-openai-terms': { name: 'gpt-4o-azure', providerId: 'azure', providerKind: 'azure-openai', external: true, upstreamModel: 'prod-gpt-4o-mini', licence: 'openai-services-agreement' },
  llama: { name: 'llama-3.1-8b-bedrock', ...bedrock, upstreamModel: 'meta.llama3-1-8b-instruct-v1:0', licence: 'llama-3.1-8b-instruct' },
  scout: { name: 'llama-4-scout-bedrock', ...bedrock, upstreamModel: 'meta.llama4-scout-17b-instruct-v1:0', licence: 'llama-4-scout-17b-16e-instruct' },
  'openai-direct': { name: 'gpt-4o-mini', providerId: 'openai', providerKind: 'openai', external: true, upstreamModel: 'gpt-4o-mini', licence: 'openai-services-agreement' },
};

function facts(route: string, purpose = 'general'): CallFacts {
  return {
    principal: { keyId: 'vk_1', team: 'demo', project: 'demo', defaultPurpose: 'general', allowedPurposes: ['general', 'training-data'] },
    purpose,
    endpoint: 'chat.completions',
    route: routes[route],
    dataClasses: { classes: [], counts: {} },
    stream: false,
    now: '2026-12-04T12:00:00Z',
  };
}

type Json = Record<string, Record<string, Record<string, unknown>>>;

/** The shipped policies compiled to WASM, with the data files changed by `change`. */
async function engineWith(change: (licences: Json, company: Json) => void = () => {}): Promise<PolicyEngine> {
  const dir = await mkdtemp(join(tmpdir(), 'tg-cloud-src-'));
  await cp(policies, dir, { recursive: true });
  const files = [join(dir, 'data', 'licences.json'), join(dir, 'data', 'company.json')];
  const [licences, company] = await Promise.all(files.map(async (f) => JSON.parse(await readFile(f, 'utf8')) as Json));
  change(licences, company);
  await writeFile(files[0], JSON.stringify(licences));
  await writeFile(files[1], JSON.stringify(company));
  const out = await mkdtemp(join(tmpdir(), 'tg-cloud-'));
  const r = await withSandbox(await readSources(dir), (sandbox) => buildStep(sandbox, join(out, 'bundle.tar.gz'), 'cloud'));
  if (!r.ok) throw new Error(r.output);
  await unpackBundle(out);
  return loadEngine(out, 'cloud');
}

/** AWS's entry as if the legal team had quoted the Bedrock section with this class: a fixture, not the shipped data. */
const awsQuoted = (training: string) => (licences: Json) => {
  Object.assign(licences.licences['aws-bedrock-service-terms'], {
    clauses: [{ section: 'fixture', text: 'fixture clause' }],
    checked: { on: '2026-12-04', how: 'archived-copy', source: 'fixture' },
    training,
  });
};

const shipped = await engineWith();
const rules = (reasons: { rule: string }[]) => reasons.map((r) => r.rule).sort();

t.test('Azure OpenAI: Microsoft terms cover the provider whatever its name; unverified, so not trainable', async (t) => {
  const d = shipped.decide(facts('azure'));
  t.equal(d.request.allow, true);
  t.equal(d.training.permit, false);
  t.equal(d.training.licence, 'azure-openai-product-terms');
  t.same(rules(d.training.reasons), ['training.licence_unverified']);
  const training = shipped.decide(facts('azure', 'training-data'));
  t.equal(training.request.allow, false);
  t.same(rules(training.request.reasons), ['terms.licence_unverified']);
});

t.test("OpenAI's terms on Azure stay a mismatch; on OpenAI itself nothing changes", async (t) => {
  t.same(rules(shipped.decide(facts('azure-openai-terms')).training.reasons), ['training.licence_mismatch']);
  const direct = shipped.decide(facts('openai-direct'));
  t.equal(direct.training.licence_class, 'not-for-competing-models');
  t.same(rules(direct.training.reasons), ['training.licence_forbids']);
});

t.test("Bedrock: Meta's licence covers the Bedrock id, AWS's unverified terms keep it untrainable", async (t) => {
  const d = shipped.decide(facts('llama'));
  t.equal(d.request.allow, true);
  t.equal(d.training.permit, false);
  t.equal(d.training.licence, 'llama-3.1-8b-instruct');
  t.same(rules(d.training.reasons), ['training.licence_unverified']);
  t.match(d.training.reasons[0].message, /aws-bedrock-service-terms/);
  t.same(rules(shipped.decide(facts('llama', 'training-data')).request.reasons), ['terms.licence_unverified']);
});

t.test('Bedrock: the stricter of the AWS terms and the vendor licence decides', async (t) => {
  const lenient = (await engineWith(awsQuoted('free'))).decide(facts('llama', 'training-data'));
  t.equal(lenient.request.allow, true);
  t.equal(lenient.training.permit, true);
  t.equal(lenient.training.licence_class, 'duties-on-distribution', "Meta's class is the stricter");
  t.ok(lenient.training.duties.some((x) => x.kind === 'naming'));
  const strict = (await engineWith(awsQuoted('not-for-competing-models'))).decide(facts('llama', 'training-data'));
  t.equal(strict.request.allow, false);
  t.equal(strict.training.permit, false);
  t.equal(strict.training.licence_class, 'not-for-competing-models');
  t.equal(strict.request.reasons.find((r) => r.rule === 'terms.training_forbidden')?.clause?.licence, 'aws-bedrock-service-terms');
});

t.test("Llama 4 on Bedrock is refused outright to a company based in the EU, citing Meta's clause", async (t) => {
  const eu = await engineWith((_, company) => {
    company.company.licensee.regions = ['EU'];
  });
  const d = eu.decide(facts('scout'));
  t.equal(d.request.allow, false);
  t.same(rules(d.request.reasons), ['terms.licensee_condition']);
  t.equal(d.request.reasons[0].clause?.licence, 'llama-4-scout-17b-16e-instruct');
});
