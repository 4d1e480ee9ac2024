// Issue 24's terms catalogue entries for the clouds, through the whole gateway to the mock provider's Azure OpenAI
// and Bedrock dialects: the decision, the trainability (the provenance token) and the audit record's licence for a
// call that is allowed but not trainable (neither cloud's training clause is verified yet), one refused for
// training, one refused outright (Llama 4 on Bedrock for a company based in the EU), and, with AWS's entry quoted
// in a fixture copy of the policies, a trainable Bedrock call under the stricter of AWS's and Meta's classes.
import t from 'tap';
import { decodeJwt } from 'jose';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoGateway, type DemoGateway } from './support/demo-gateway.js';
import { startMockUpstream, type MockUpstream } from '../gateway/mock-upstream/index.js';
import { packageRoot } from '../gateway/core/package-root.js';
import type { CallRecord } from '../gateway/core/contracts.js';
import { finalRecord } from './support/gateway-calls.js';
import { until } from './support/until.js';

const aws = { accessKeyId: 'AKIA' + randomBytes(8).toString('hex').toUpperCase(), secretAccessKey: 'canary-aws-secret-' + randomBytes(12).toString('hex'), region: 'eu-west-1' };
let bedrock: MockUpstream;

/**
 * The shipped policies in a temporary directory, their data files changed by `change` (fixtures, not the shipped
 * data), without the rule tests that assert the shipped data (`stale`), which the gateway's build would run.
 */
async function policiesWith(stale: string[], change: (licences: Record<string, any>, company: Record<string, any>) => void): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tg-cloud-policies-'));
  await cp(join(packageRoot, 'policies'), dir, { recursive: true });
  await Promise.all(stale.map((f) => rm(join(dir, f))));
  const files = [join(dir, 'data', 'licences.json'), join(dir, 'data', 'company.json')];
  const [licences, company] = await Promise.all(files.map(async (f) => JSON.parse(await readFile(f, 'utf8'))));
  change(licences, company);
  await writeFile(files[0], JSON.stringify(licences, null, 2));
  await writeFile(files[1], JSON.stringify(company, null, 2));
  return dir;
}

async function cloudGateway(policyDir: string): Promise<DemoGateway> {
  return startDemoGateway((config) => {
    config.policy.dir = policyDir;
    config.providers['contoso-eastus'] = { kind: 'azure-openai', baseUrl: config.providers.openai.baseUrl, apiKeyEnv: config.providers.openai.apiKeyEnv, apiVersion: '2024-10-21', licence: 'azure-openai-product-terms' };
    config.providers.bedrock = { kind: 'bedrock', baseUrl: bedrock.url, region: aws.region };
    config.models['gpt-4o-azure'] = { provider: 'contoso-eastus', upstreamModel: 'prod-gpt-4o-mini' };
    config.models['llama-3.1-8b-bedrock'] = { provider: 'bedrock', upstreamModel: 'meta.llama3-1-8b-instruct-v1:0', licence: 'llama-3.1-8b-instruct' };
    config.models['llama-4-scout-bedrock'] = { provider: 'bedrock', upstreamModel: 'us.meta.llama4-scout-17b-instruct-v1:0', licence: 'llama-4-scout-17b-16e-instruct' };
  });
}

async function chat(gw: DemoGateway, model: string, purpose?: string) {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', ...(purpose ? { 'x-termsgate-purpose': purpose } : {}) },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Tell me about the harvest this year.' }] }),
  });
  const text = await res.text();
  const token = res.headers.get('x-termsgate-provenance');
  return { status: res.status, text, id: res.headers.get('x-termsgate-decision-id')!, claims: token ? decodeJwt(token) : null };
}


const rules = (r: CallRecord) => r.reasons.map((x) => x.rule).sort();

t.before(async () => {
  process.env.AWS_ACCESS_KEY_ID = aws.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = aws.secretAccessKey;
  bedrock = await startMockUpstream({ aws });
});
t.teardown(() => bedrock.close());

t.test('the shipped catalogue, for a company based in the EU', async (t) => {
  const gw = await cloudGateway(await policiesWith(['request/terms_test.rego', 'request/access_test.rego'], (_, company) => (company.company.licensee.regions = ['EU'])));
  t.teardown(() => gw.close());

  t.test('Azure OpenAI: allowed under Microsoft terms, not trainable (unverified)', async (t) => {
    const res = await chat(gw, 'gpt-4o-azure');
    t.equal(res.status, 200);
    t.match(res.claims, { licence: 'azure-openai-product-terms', trainable: false });
    const record = await finalRecord(gw, res.id);
    t.match(record, { decision: 'allow', provider: 'contoso-eastus', licence: 'azure-openai-product-terms', trainable: false, status: 200 });
  });

  t.test('Azure OpenAI: a training-data call is refused before the provider is called', async (t) => {
    const before = gw.mock.received().length;
    const res = await chat(gw, 'gpt-4o-azure', 'training-data');
    t.equal(res.status, 403);
    t.equal(gw.mock.received().length, before, 'nothing sent');
    const record = await finalRecord(gw, res.id);
    t.match(record, { decision: 'deny', licence: 'azure-openai-product-terms', trainable: false });
    t.same(rules(record), ['terms.licence_unverified']);
  });

  t.test("Bedrock Llama: Meta's licence covers the Bedrock id, AWS's unverified terms keep it untrainable", async (t) => {
    const res = await chat(gw, 'llama-3.1-8b-bedrock');
    t.equal(res.status, 200);
    t.equal(bedrock.received().at(-1)!.url, '/model/meta.llama3-1-8b-instruct-v1%3A0/converse');
    t.match(res.claims, { licence: 'llama-3.1-8b-instruct', trainable: false });
    t.match(await finalRecord(gw, res.id), { decision: 'allow', provider: 'bedrock', licence: 'llama-3.1-8b-instruct', trainable: false });
    const refused = await chat(gw, 'llama-3.1-8b-bedrock', 'training-data');
    t.equal(refused.status, 403);
    t.same(rules(await finalRecord(gw, refused.id)), ['terms.licence_unverified']);
  });

  t.test('Bedrock Llama 4 Scout: refused outright to a company based in the EU', async (t) => {
    const before = bedrock.received().length;
    const res = await chat(gw, 'llama-4-scout-bedrock');
    t.equal(res.status, 403);
    t.match(res.text, /does not cover this company/);
    t.equal(bedrock.received().length, before, 'nothing sent');
    const record = await finalRecord(gw, res.id);
    t.match(record, { decision: 'deny', licence: 'llama-4-scout-17b-16e-instruct', trainable: false });
    t.same(rules(record), ['terms.licensee_condition']);
  });
});

t.test("with AWS's entry quoted (a fixture), a Bedrock Llama output is trainable under Meta's stricter class", async (t) => {
  const gw = await cloudGateway(
    await policiesWith(['training/cloud_terms_test.rego'], (licences) =>
      Object.assign(licences.licences['aws-bedrock-service-terms'], {
        clauses: [{ section: 'fixture', text: 'fixture clause' }],
        checked: { on: '2026-12-04', how: 'archived-copy', source: 'fixture' },
        training: 'free',
      }),
    ),
  );
  t.teardown(() => gw.close());
  const res = await chat(gw, 'llama-3.1-8b-bedrock', 'training-data');
  t.equal(res.status, 200);
  t.match(res.claims, { licence: 'llama-3.1-8b-instruct', trainable: true });
  const record = await finalRecord(gw, res.id);
  t.match(record, { decision: 'allow', purpose: 'training-data', licence: 'llama-3.1-8b-instruct', trainable: true });
  t.notOk(res.text.includes(aws.secretAccessKey), 'the AWS secret reaches no answer');
  const azure = await chat(gw, 'gpt-4o-azure');
  t.match(azure.claims, { licence: 'azure-openai-product-terms', trainable: false }, 'Azure stays untrainable');
});
