// Issue 24: provider credentials from each cloud's standard chain, as deployments hold them — an AWS
// profile file and the ECS container endpoint (rotating session credentials) for Bedrock, the GCE/GKE
// metadata server for Vertex AI, managed identity for Azure OpenAI — through the whole gateway to the mock
// provider, which checks the signature or the token. Every secret a chain hands the gateway is a canary
// that a provider echoing it cannot carry into an answer.
import t from 'tap';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { startDemoGateway } from './support/demo-gateway.js';
import { startMockUpstream } from '../gateway/mock-upstream/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tg-creds-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** A credential endpoint of the environment (ECS, a metadata server, managed identity): not a provider, so not the mock provider. */
async function endpoint(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; host: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    handle(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `http://${host}`, host, hits: () => hits, close: () => new Promise((r) => server.close(() => r())) };
}

const json = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

async function chat(url: string, key: string, model: string, content: string): Promise<{ status: number; text: string }> {
  const r = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
  });
  return { status: r.status, text: await r.text() };
}

/** Runs `body` with these environment variables set (and the AWS_/GOOGLE_/AZURE_ ones of the machine cleared). */
async function withEnv(vars: Record<string, string>, body: () => Promise<void>): Promise<void> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) if (/^(AWS_|GOOGLE_|GCE_|AZURE_|IDENTITY_|MSI_)/.test(name)) delete process.env[name];
  Object.assign(process.env, vars);
  try {
    await body();
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

const bedrockModel = (url: string, region: string) => (config: Parameters<Parameters<typeof startDemoGateway>[0] & object>[0]) => {
  config.providers.bedrock = { kind: 'bedrock', baseUrl: url, region, licence: 'llama-3.1-8b-instruct' };
  config.models['llama-bedrock'] = { provider: 'bedrock', upstreamModel: 'meta.llama3-1-8b-instruct-v1:0' };
};

t.test('Bedrock: credentials from a shared profile file, with no AWS_* key in the environment', async (t) => {
  const aws = { accessKeyId: 'AKIA' + randomBytes(8).toString('hex').toUpperCase(), secretAccessKey: 'canary-profile-' + randomBytes(12).toString('hex'), region: 'eu-west-1' };
  const file = join(dir, 'credentials');
  writeFileSync(file, `[termsgate]\naws_access_key_id = ${aws.accessKeyId}\naws_secret_access_key = ${aws.secretAccessKey}\n`);
  const mock = await startMockUpstream({ aws });
  t.teardown(() => mock.close());
  await withEnv({ AWS_SHARED_CREDENTIALS_FILE: file, AWS_CONFIG_FILE: join(dir, 'no-config'), AWS_PROFILE: 'termsgate', AWS_EC2_METADATA_DISABLED: 'true' }, async () => {
    const gw = await startDemoGateway(bedrockModel(mock.url, aws.region));
    t.teardown(() => gw.close());
    const ok = await chat(gw.url, gw.key, 'llama-bedrock', 'Tell me about the harvest.');
    t.equal(ok.status, 200, 'signed with the profile, checked by the mock as AWS does');
    t.match(mock.received().at(-1)!.headers.authorization, new RegExp(`Credential=${aws.accessKeyId}/`));
  });
});

t.test('Bedrock: rotating session credentials from the container endpoint (ECS, EKS Pod Identity); the session token is a canary', async (t) => {
  const aws = { accessKeyId: 'ASIA' + randomBytes(8).toString('hex').toUpperCase(), secretAccessKey: 'canary-container-' + randomBytes(12).toString('hex'), region: 'us-east-1' };
  const token = 'canary-session-' + randomBytes(24).toString('base64url');
  const authToken = 'container-auth-' + randomBytes(8).toString('hex');
  const ecs = await endpoint((req, res) => {
    if (req.headers.authorization !== authToken) {
      res.writeHead(401).end();
      return;
    }
    json(res, { AccessKeyId: aws.accessKeyId, SecretAccessKey: aws.secretAccessKey, Token: token, Expiration: new Date(Date.now() + 3_600_000).toISOString() });
  });
  const mock = await startMockUpstream({ aws });
  t.teardown(async () => {
    await mock.close();
    await ecs.close();
  });
  await withEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${ecs.url}/v2/credentials`, AWS_CONTAINER_AUTHORIZATION_TOKEN: authToken, AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') }, async () => {
    const gw = await startDemoGateway(bedrockModel(mock.url, aws.region));
    t.teardown(() => gw.close());
    t.equal((await chat(gw.url, gw.key, 'llama-bedrock', 'Tell me about the rivers.')).status, 200);
    t.equal(mock.received().at(-1)!.headers['x-amz-security-token'], token, 'the session token is sent and signed');
    t.equal((await chat(gw.url, gw.key, 'llama-bedrock', 'And the hills?')).status, 200);
    t.equal(ecs.hits(), 1, 'the chain caches credentials until they near expiry');
    const echoed = await chat(gw.url, gw.key, 'llama-bedrock', 'fail mock:status=400 mock:echo-key');
    t.equal(echoed.status, 400);
    t.notOk(echoed.text.includes(token), 'a provider echoing the session token does not carry it to the caller');
    t.notOk(echoed.text.includes(aws.secretAccessKey));
  });
});

t.test('Bedrock with no credentials anywhere: 502 naming the missing chain, no call leaves', async (t) => {
  const mock = await startMockUpstream({ aws: { accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 'x'.repeat(40), region: 'eu-west-1' } });
  t.teardown(() => mock.close());
  await withEnv({ AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), AWS_EC2_METADATA_DISABLED: 'true' }, async () => {
    const gw = await startDemoGateway(bedrockModel(mock.url, 'eu-west-1'));
    t.teardown(() => gw.close());
    const before = mock.received().length;
    const r = await chat(gw.url, gw.key, 'llama-bedrock', 'hello');
    t.equal(r.status, 502);
    t.match(JSON.parse(r.text).error, { type: 'upstream_error', message: /the gateway has no credentials for the provider: provider bedrock: no AWS credentials from the standard chain/ });
    t.equal(mock.received().length, before, 'nothing was sent unsigned');
  });
});

t.test('Vertex AI: a token from the metadata server (GKE workload identity) as the bearer; the token is a canary', async (t) => {
  const token = 'ya29.canary-' + randomBytes(24).toString('base64url');
  const metadata = await endpoint((req, res) => {
    if (req.headers['metadata-flavor'] !== 'Google') {
      res.writeHead(403).end();
      return;
    }
    const path = (req.url ?? '').split('?')[0];
    if (path.endsWith('/service-accounts/default/token')) return json(res, { access_token: token, expires_in: 3599, token_type: 'Bearer' }, { 'metadata-flavor': 'Google' });
    if (path.endsWith('/project/project-id')) {
      res.writeHead(200, { 'metadata-flavor': 'Google', 'content-type': 'text/plain' });
      return res.end('termsgate-test');
    }
    res.writeHead(200, { 'metadata-flavor': 'Google', 'content-type': 'text/plain' });
    res.end('');
  });
  const vertex = await startMockUpstream({ apiKey: token });
  t.teardown(async () => {
    await vertex.close();
    await metadata.close();
  });
  await withEnv({ GCE_METADATA_HOST: metadata.host, GCE_METADATA_IP: metadata.host, HOME: dir }, async () => {
    const gw = await startDemoGateway((config) => {
      config.providers.vertex = {
        kind: 'gemini',
        auth: 'google-adc',
        baseUrl: `${vertex.url}/v1/projects/termsgate-test/locations/europe-west4/publishers/google`,
        licence: 'gemini-api-additional-terms',
      };
      config.models['gemini-vertex'] = { provider: 'vertex', upstreamModel: 'gemini-2.0-flash' };
    });
    t.teardown(() => gw.close());
    const ok = await chat(gw.url, gw.key, 'gemini-vertex', 'Tell me about the harvest.');
    t.equal(ok.status, 200, ok.text.slice(0, 300));
    const sent = vertex.received().at(-1)!;
    t.equal(sent.url, '/v1/projects/termsgate-test/locations/europe-west4/publishers/google/models/gemini-2.0-flash:generateContent');
    t.equal(sent.headers.authorization, `Bearer ${token}`);
    t.notOk('x-goog-api-key' in sent.headers, 'no API key beside the token');
    const echoed = await chat(gw.url, gw.key, 'gemini-vertex', 'fail mock:status=400 mock:echo-key');
    t.equal(echoed.status, 400);
    t.notOk(echoed.text.includes(token), 'a provider echoing the token does not carry it to the caller');
  });
});

t.test('Azure OpenAI: an Entra ID token from managed identity as the bearer; the token is a canary', async (t) => {
  const token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.canary-' + randomBytes(24).toString('base64url');
  const identityHeader = 'identity-header-' + randomBytes(8).toString('hex');
  let resource = '';
  const identity = await endpoint((req, res) => {
    if (req.headers['x-identity-header'] !== identityHeader) {
      res.writeHead(401).end();
      return;
    }
    resource = new URL(req.url ?? '/', 'http://x').searchParams.get('resource') ?? '';
    json(res, { access_token: token, expires_on: String(Math.floor(Date.now() / 1000) + 3600), resource, token_type: 'Bearer' });
  });
  const azure = await startMockUpstream({ apiKey: token });
  t.teardown(async () => {
    await azure.close();
    await identity.close();
  });
  await withEnv({ IDENTITY_ENDPOINT: `${identity.url}/msi/token`, IDENTITY_HEADER: identityHeader, HOME: dir }, async () => {
    const gw = await startDemoGateway((config) => {
      config.providers.azure = { kind: 'azure-openai', auth: 'entra-id', baseUrl: azure.url, licence: 'openai-services-agreement' };
      config.models['gpt-azure'] = { provider: 'azure', upstreamModel: 'gpt-4o-mini-prod' };
    });
    t.teardown(() => gw.close());
    const ok = await chat(gw.url, gw.key, 'gpt-azure', 'Tell me about the harvest.');
    t.equal(ok.status, 200, ok.text.slice(0, 300));
    t.equal(resource, 'https://cognitiveservices.azure.com', "the token is for Azure OpenAI's audience");
    t.equal(azure.received().at(-1)!.headers.authorization, `Bearer ${token}`);
    const echoed = await chat(gw.url, gw.key, 'gpt-azure', 'fail mock:status=400 mock:echo-key');
    t.equal(echoed.status, 400);
    t.notOk(echoed.text.includes(token), 'a provider echoing the token does not carry it to the caller');
  });
});
