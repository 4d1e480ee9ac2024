// The shipped licence catalogue is complete and dated truthfully, and covers every model of the demo and
// example configurations with an entry for what they call.
import t from 'tap';
import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { termsgateConfigYaml } from '../../../bench/termsgate-config.js';
import { demoConfig } from '../../config/demo.js';
import { validateConfig } from '../../config/load.js';
import type { Config } from '../../config/types.js';
import { catalogueProblems, uncoveredModels } from './catalogue-check.js';
import { servedFindings } from './served-models.js';
import type { Catalogue } from './catalogue-schema.js';

const root = join(import.meta.dirname, '..', '..', '..');
const shipped = JSON.parse(await readFile(join(root, 'policies', 'data', 'licences.json'), 'utf8')) as Catalogue;
const today = new Date().toISOString().slice(0, 10);
const copy = (): Catalogue => structuredClone(shipped);

t.test('the shipped catalogue has every field, no date after today, and only declared purposes', async (t) => {
  t.same(catalogueProblems(shipped, today), []);
  t.ok(Object.keys(shipped.licences).length >= 20);
});

t.test('an entry that lacks any required field is refused', async (t) => {
  const required = ['subject', 'agreement', 'url', 'clauses', 'checked', 'training', 'duties', 'restrictions', 'notes'];
  for (const id of Object.keys(shipped.licences)) {
    for (const field of required) {
      const c = copy();
      delete (c.licences[id] as unknown as Record<string, unknown>)[field];
      t.not(catalogueProblems(c, today).length, 0, `${id} without ${field}`);
    }
  }
  const nested: [string, (c: Catalogue) => void][] = [
    ['agreement.name', (c) => delete (c.licences['deepseek-v3'].agreement as Partial<Catalogue['licences'][string]['agreement']>).name],
    ['agreement.version', (c) => delete (c.licences['deepseek-v3'].agreement as Partial<Catalogue['licences'][string]['agreement']>).version],
    ['checked.on', (c) => delete (c.licences['deepseek-v3'].checked as Partial<Catalogue['licences'][string]['checked']>).on],
    ['checked.how', (c) => delete (c.licences['deepseek-v3'].checked as Partial<Catalogue['licences'][string]['checked']>).how],
    ['checked.source', (c) => delete (c.licences['deepseek-v3'].checked as Partial<Catalogue['licences'][string]['checked']>).source],
    ['clause section', (c) => delete (c.licences['deepseek-v3'].clauses[0] as Partial<{ section: string }>).section],
    ['clause text', (c) => (c.licences['deepseek-v3'].clauses[0].text = '')],
    ['duty trigger', (c) => delete (c.licences['deepseek-v3'].duties[0] as Partial<{ trigger: string }>).trigger],
    ['naming prefix', (c) => delete c.licences['llama-3.1-8b-instruct'].duties.find((d) => d.kind === 'naming')!.prefix],
    ['checkpoint revision', (c) => delete (c.licences['deepseek-v3'].subject as Partial<{ revision: string }>).revision],
    ['review date', (c) => delete (c.catalogue as Partial<Catalogue['catalogue']>).reviewed_on],
  ];
  for (const [what, mutate] of nested) {
    const c = copy();
    mutate(c);
    t.not(catalogueProblems(c, today).length, 0, `without ${what}`);
  }
});

t.test('quotes are required unless the entry says the text was not found', async (t) => {
  const unquoted = copy();
  unquoted.licences['deepseek-v3'].clauses = [];
  t.match(catalogueProblems(unquoted, today).join('\n'), /clauses/);
  const quotedButNotFound = copy();
  quotedButNotFound.licences['deepseek-v3'].checked.how = 'not-found';
  t.match(catalogueProblems(quotedButNotFound, today).join('\n'), /clauses/);
});

t.test('an entry for a whole family (no checkpoint, no provider) is refused', async (t) => {
  const c = copy();
  (c.licences['qwen2.5-7b-instruct'] as unknown as { subject: unknown }).subject = { kind: 'family', family: 'qwen2.5' };
  t.not(catalogueProblems(c, today).length, 0);
});

t.test('any date after today is refused, wherever it is', async (t) => {
  const ids = Object.keys(shipped.licences);
  const future = fc.date({ min: new Date(Date.parse(today) + 86_400_000), max: new Date('2999-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  fc.assert(
    fc.property(fc.constantFrom(...ids), fc.constantFrom('checked', 'effective', 'reviewed'), future, (id, where, date) => {
      const c = copy();
      if (where === 'checked') c.licences[id].checked.on = date;
      else if (where === 'effective') c.licences[id].agreement.effective = date;
      else c.catalogue.reviewed_on = date;
      return catalogueProblems(c, today).some((p) => p.includes(`${date} is after today`));
    }),
  );
  const c = copy();
  c.licences['gemma-3-12b-it'].checked.on = today;
  t.same(catalogueProblems(c, today), [], 'today itself is fine');
});

t.test('a forbidden deployment purpose must be one the catalogue declares', async (t) => {
  const c = copy();
  c.licences['deepseek-v3'].restrictions.forbidden_deployment_purposes.push('astrology');
  t.match(catalogueProblems(c, today).join('\n'), /"astrology" is not a declared deployment purpose/);
});

const exampleConfigs: [string, () => Promise<Pick<Config, 'providers' | 'models'>>][] = [
  [
    'demo',
    async () =>
      demoConfig({
        mockUrl: 'http://127.0.0.1:1',
        mockPort: 1,
        dataDir: '/tmp/unused',
        port: 0,
        host: '127.0.0.1',
        secrets: { virtualKey: 'k', adminToken: 'a', runnerToken: 'r', providerKeyEnv: 'TG_KEY' },
      }),
  ],
  [
    'README example',
    async () => {
      const readme = await readFile(join(root, 'README.md'), 'utf8');
      const block = /## Configuration[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1];
      return parse(block) as Config;
    },
  ],
  [
    'README quick start of provider kinds',
    async () => {
      const readme = await readFile(join(root, 'README.md'), 'utf8');
      const block = /Quick start, one provider of each kind[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1];
      return parse(block) as Config;
    },
  ],
  [
    'benchmark',
    async () =>
      parse(termsgateConfigYaml({ mockUrl: 'http://127.0.0.1:1', port: 0, dataDir: '/tmp/unused', policyDir: 'policies', virtualKey: 'k', providerKeyEnv: 'TG_KEY' })) as Config,
  ],
  ['chart values', async () => parse(await readFile(join(root, 'charts', 'termsgate', 'values.yaml'), 'utf8')).config as Config],
  ['chart CI values', async () => parse(await readFile(join(root, 'charts', 'termsgate', 'ci', 'single-node-values.yaml'), 'utf8')).config as Config],
];

t.test('every model in the demo and example configurations has an entry for what it calls', async (t) => {
  for (const [name, load] of exampleConfigs) {
    const config = await load();
    t.ok(Object.keys(config.models).length > 0, `${name} lists models`);
    t.same(uncoveredModels(config, shipped), [], name);
  }
});

t.test('a model whose entry is missing or names another checkpoint is reported', async (t) => {
  const base = validateConfig(
    {
      providers: { vllm: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1', external: false }, openai: { kind: 'openai', baseUrl: 'http://127.0.0.1:1', licence: 'openai-services-agreement' } },
      models: {
        small: { provider: 'vllm', upstreamModel: 'Qwen/Qwen2.5-3B-Instruct', licence: 'qwen2.5-7b-instruct' },
        gone: { provider: 'vllm', upstreamModel: 'x/y', licence: 'no-such-entry' },
        api: { provider: 'openai', upstreamModel: 'gpt-4o-mini' },
        hosted: { provider: 'vllm', upstreamModel: 'Qwen/Qwen2.5-7B-Instruct', licence: 'openai-services-agreement' },
        elsewhere: { provider: 'openai', upstreamModel: 'gpt-4o-mini', licence: 'gemini-api-additional-terms' },
      },
    },
    '(test)',
  );
  const problems = uncoveredModels(base, shipped);
  t.equal(problems.length, 4);
  t.match(problems.join('\n'), /elsewhere: gemini-api-additional-terms is google's terms, but the model is served by provider "openai"/);
  t.match(problems.join('\n'), /small: qwen2.5-7b-instruct covers Qwen\/Qwen2.5-7B-Instruct, not Qwen\/Qwen2.5-3B-Instruct/);
  t.match(problems.join('\n'), /gone: licence no-such-entry is not in the catalogue/);
  t.match(problems.join('\n'), /hosted: openai-services-agreement is a provider's terms, but the model is self-hosted/);

  const pinned = structuredClone(shipped);
  pinned.licences['qwen2.5-7b-instruct'].subject = { kind: 'checkpoint', model_id: 'Qwen/Qwen2.5-7B-Instruct', revision: 'a09a35458c702b33eeacc393d103063234e8bc28' };
  const unpinnedModel = { providers: base.providers, models: { m: { provider: 'vllm', upstreamModel: 'Qwen/Qwen2.5-7B-Instruct', licence: 'qwen2.5-7b-instruct' } } };
  t.match(uncoveredModels(unpinnedModel, pinned).join('\n'), /covers revision a09a354/);
  const pinnedModel = { providers: base.providers, models: { m: { ...unpinnedModel.models.m, revision: 'a09a35458c702b33eeacc393d103063234e8bc28' } } };
  t.same(uncoveredModels(pinnedModel, pinned), []);
});

t.test('the policy build refuses a catalogue change that lacks a field or is dated after today', async (t) => {
  const { schemaStep } = await import('../toolchain/data-check.js');
  const { cp, mkdtemp, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'tg-catalogue-'));
  await cp(join(root, 'policies'), dir, { recursive: true });
  t.equal((await schemaStep(dir, today)).ok, true);
  const lacking = copy();
  delete (lacking.licences['gemma-3-12b-it'] as Partial<Catalogue['licences'][string]>).checked;
  await writeFile(join(dir, 'data', 'licences.json'), JSON.stringify(lacking, null, 2));
  const refused = await schemaStep(dir, today);
  t.equal(refused.ok, false);
  t.match(refused.output, /data\/licences.json:0: \/licences\/gemma-3-12b-it: must have required property 'checked'/);
  const postdated = copy();
  postdated.licences['gemma-3-12b-it'].checked.on = '2999-01-01';
  await writeFile(join(dir, 'data', 'licences.json'), JSON.stringify(postdated, null, 2));
  t.match((await schemaStep(dir, today)).output, /2999-01-01 is after today/);
  await writeFile(join(dir, 'data', 'licences.json'), '{"licences": ');
  t.match((await schemaStep(dir, today)).output, /data\/licences.json:\d+: not valid JSON/);
});

t.test('a checkpoint is covered under its aliases and at an abbreviated pinned revision', async (t) => {
  const providers = { vllm: { kind: 'openai-compatible' as const, baseUrl: 'http://127.0.0.1:1', external: false } } as unknown as Config['providers'];
  const served = (upstreamModel: string, revision?: string) => ({ providers, models: { m: { provider: 'vllm', upstreamModel, licence: 'c4ai-command-r-v01', ...(revision ? { revision } : {}) } } }) as unknown as Pick<Config, 'providers' | 'models'>;
  const pin = '80d6b085dbccc9285fcd8d00aa8859dca1ca92a4';
  t.same(uncoveredModels(served('CohereLabs/c4ai-command-r-v01', pin), shipped), []);
  t.same(uncoveredModels(served('CohereForAI/c4ai-command-r-v01', pin.slice(0, 7)), shipped), [], 'the renamed id, abbreviated revision');
  t.match(uncoveredModels(served('CohereLabs/c4ai-command-r-plus', pin), shipped).join('\n'), /covers CohereLabs\/c4ai-command-r-v01, not CohereLabs\/c4ai-command-r-plus/);
  t.match(uncoveredModels(served('CohereLabs/c4ai-command-r-v01', 'aaaaaaa'), shipped).join('\n'), /covers revision 80d6b08/);
  t.match(uncoveredModels(served('CohereLabs/c4ai-command-r-v01'), shipped).join('\n'), /not \(unpinned\)/);
});

t.test('a rule may cite only a clause the entry quotes, and allowances restrict to declared purposes', async (t) => {
  const c = copy();
  c.licences['qwen2.5-72b-instruct'].licensee_conditions![0].clause = 9;
  c.licences['openai-services-agreement'].allowances!['permitted-exception'].clause = 5;
  c.licences['openai-services-agreement'].allowances!['permitted-exception'].restrictions.forbidden_deployment_purposes.push('astrology');
  const problems = catalogueProblems(c, today).join('\n');
  t.match(problems, /licensee_conditions\/0: clause 9 is not one of the entry's 3 quoted clauses/);
  t.match(problems, /allowances\/permitted-exception: clause 5 is not one of the entry's 2 quoted clauses/);
  t.match(problems, /"astrology" is not a declared deployment purpose/);
  const mixed = copy();
  (mixed.licences['qwen2.5-72b-instruct'].licensee_conditions![0] as { regions?: string[] }).regions = ['EU'];
  t.not(catalogueProblems(mixed, today).length, 0, 'a user threshold names no regions');
});

t.test('every checkpoint entry is pinned or says why not, and dates its release when it is known', async (t) => {
  for (const [id, e] of Object.entries(shipped.licences)) {
    if (e.subject.kind !== 'checkpoint') continue;
    if (e.subject.revision === 'unpinned') t.match(e.notes + e.checked.source, /unpinned|revision/i, `${id} explains its missing pin`);
  }
  const gptOss = shipped.licences['gpt-oss-20b'];
  t.equal(gptOss.subject.kind === 'checkpoint' && gptOss.subject.released, '2025-08-05');
  t.equal(gptOss.agreement.effective, undefined, 'the Apache License’s own date is not the release');
  t.equal(shipped.catalogue.reviewed_on, '2026-12-04');
});

t.test('the build refuses company rules that turn on an allowance the catalogue lacks, or name an unknown entry', async (t) => {
  const { schemaStep } = await import('../toolchain/data-check.js');
  const { cp, mkdtemp, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'tg-company-refs-'));
  await cp(join(root, 'policies'), dir, { recursive: true });
  const file = join(dir, 'data', 'company.json');
  const company = JSON.parse(await readFile(file, 'utf8'));
  company.company.training.allowances = ['openai-services-agreement/permitted-exception'];
  await writeFile(file, JSON.stringify(company));
  t.equal((await schemaStep(dir, today)).ok, true, 'the shipped allowance, turned on');
  company.company.training.allowances = ['openai-services-agreement/permited-exception'];
  company.company.licensee.separate_licences = ['qwen-72b'];
  await writeFile(file, JSON.stringify(company));
  const refused = await schemaStep(dir, today);
  t.equal(refused.ok, false);
  t.match(refused.output, /"openai-services-agreement\/permited-exception" is not an allowance of the licence catalogue/);
  t.match(refused.output, /"qwen-72b" is not an entry of the licence catalogue/);
  company.company.training.allowances = ['openai-services-agreement/permitted-exception'];
  company.company.licensee.separate_licences = [];
  company.company.training.purposes = ['training-data', 'classifier-training'];
  await writeFile(file, JSON.stringify(company));
  t.match((await schemaStep(dir, today)).output, /admits purpose "provider-fine-tuning", which is not one of company.training.purposes/);
});

t.test("a cloud's terms cover providers of its kind; a checkpoint is covered under the ids a cloud serves it as", async (t) => {
  const config = validateConfig(
    {
      providers: {
        contoso: { kind: 'azure-openai', baseUrl: 'http://127.0.0.1:1', licence: 'azure-openai-product-terms' },
        aws: { kind: 'bedrock', baseUrl: 'http://127.0.0.1:1', region: 'eu-west-1' },
        openai: { kind: 'openai', baseUrl: 'http://127.0.0.1:1', licence: 'azure-openai-product-terms' },
        vllm: { kind: 'openai-compatible', baseUrl: 'http://127.0.0.1:1', external: false },
      },
      models: {
        azure: { provider: 'contoso', upstreamModel: 'prod-gpt-4o-mini' },
        'azure-openai-terms': { provider: 'contoso', upstreamModel: 'prod-gpt-4o-mini', licence: 'openai-services-agreement' },
        'not-azure': { provider: 'openai', upstreamModel: 'gpt-4o-mini' },
        llama: { provider: 'aws', upstreamModel: 'meta.llama3-1-8b-instruct-v1:0', licence: 'llama-3.1-8b-instruct' },
        'llama-profile': { provider: 'aws', upstreamModel: 'us.meta.llama3-1-8b-instruct-v1:0', licence: 'llama-3.1-8b-instruct' },
        'llama-other': { provider: 'aws', upstreamModel: 'meta.llama3-1-70b-instruct-v1:0', licence: 'llama-3.1-8b-instruct' },
        'bedrock-id-self-hosted': { provider: 'vllm', upstreamModel: 'meta.llama3-1-8b-instruct-v1:0', licence: 'llama-3.1-8b-instruct' },
      },
    },
    '(test)',
  );
  const problems = uncoveredModels(config, shipped).join('\n');
  t.notMatch(problems, /^azure:/m);
  t.notMatch(problems, /^llama:/m);
  t.notMatch(problems, /^llama-profile:/m);
  t.match(problems, /azure-openai-terms: openai-services-agreement is openai's terms, but the model is served by provider "contoso"/);
  t.match(problems, /not-azure: azure-openai-product-terms covers providers of kind azure-openai, but the model is served by provider "openai" of kind openai/);
  t.match(problems, /llama-other: llama-3.1-8b-instruct covers meta-llama\/Llama-3.1-8B-Instruct, not meta.llama3-1-70b-instruct-v1:0/);
  t.match(problems, /bedrock-id-self-hosted: llama-3.1-8b-instruct covers meta-llama\/Llama-3.1-8B-Instruct, not meta.llama3-1-8b-instruct-v1:0/);
  t.equal(problems.split('\n').length, 4);
});

t.test('a hosted id covers only itself, and only on its cloud', async (t) => {
  const llama = shipped.licences['llama-3.1-8b-instruct'].subject as { hosted: { bedrock: string[] } };
  const served = (provider_kind: string, upstream_model: string) => [{ name: 'm', provider: 'p', provider_kind, external: true, upstream_model, revision: '', licence: 'llama-3.1-8b-instruct' }];
  fc.assert(
    fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9.:-]{0,40}$/), (id) => {
      const covered = servedFindings(served('bedrock', id), shipped).length === 0;
      return covered === llama.hosted.bedrock.includes(id);
    }),
  );
  fc.assert(
    fc.property(fc.constantFrom(...llama.hosted.bedrock), fc.constantFrom('azure-openai', 'openai', 'openai-compatible', 'anthropic', 'gemini'), (id, kind) => servedFindings(served(kind, id), shipped).length === 1),
  );
});
