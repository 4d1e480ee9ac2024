// Issue 24, egress as deployed: the credential chains' own token calls leave by the provider's `proxy`, as its
// calls do (gateway/upstream/token-transport.ts). AWS web identity (EKS IRSA: STS AssumeRoleWithWebIdentity),
// Google workload identity federation (the service-account impersonation call; google-auth-library gives its
// STS exchange a transport of its own, which follows HTTPS_PROXY only), and Azure managed identity, each seen as a
// tunnel at a local CONNECT proxy, the endpoint's connection coming from the proxy; NO_PROXY still lets an
// identity endpoint on the node be reached directly while the provider's calls keep its proxy.
import t from 'tap';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startDemoGateway } from './support/demo-gateway.js';
import { startConnectProxy, type ConnectProxy } from './support/connect-proxy.js';
import { startMockUpstream } from '../gateway/mock-upstream/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tg-token-proxy-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

interface Endpoint {
  url: string;
  host: string;
  /** The remote port of each request's connection. */
  ports: number[];
  bodies: string[];
  close(): Promise<void>;
}

/** A credential endpoint (STS, an OAuth token endpoint, managed identity) that records who connected. */
async function endpoint(handle: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<Endpoint> {
  const ports: number[] = [];
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    ports.push(req.socket.remotePort!);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      handle(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `http://${host}`, host, ports, bodies, close: () => new Promise((r) => server.close(() => r())) };
}

async function withEnv(vars: Record<string, string>, body: () => Promise<void>): Promise<void> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) if (/^(AWS_|GOOGLE_|GCE_|AZURE_|IDENTITY_|MSI_)|^(https?|no)_proxy$/i.test(name)) delete process.env[name];
  Object.assign(process.env, vars);
  try {
    await body();
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

async function chat(url: string, key: string, model: string): Promise<{ status: number; text: string }> {
  const r = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Tell me about the harvest.' }] }),
  });
  return { status: r.status, text: await r.text() };
}

/** Every connection the endpoint accepted came out of one of the proxy's tunnels to it. */
function throughProxy(t: Tap.Test, proxy: ConnectProxy, e: Endpoint): void {
  const tunnels = proxy.tunnels.filter((tn) => tn.target === e.host);
  t.ok(tunnels.length > 0, `a tunnel to ${e.host} at the proxy`);
  t.ok(e.ports.length > 0 && e.ports.every((port) => tunnels.some((tn) => tn.outboundPort === port)), 'every connection came from the proxy');
}

t.test('AWS web identity (EKS IRSA): STS AssumeRoleWithWebIdentity leaves by the provider proxy', async (t) => {
  const aws = { accessKeyId: 'ASIA' + randomBytes(8).toString('hex').toUpperCase(), secretAccessKey: 'canary-sts-' + randomBytes(12).toString('hex'), region: 'eu-west-1' };
  const sessionToken = 'canary-sts-session-' + randomBytes(16).toString('hex');
  const sts = await endpoint((_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials>` +
        `<AccessKeyId>${aws.accessKeyId}</AccessKeyId><SecretAccessKey>${aws.secretAccessKey}</SecretAccessKey><SessionToken>${sessionToken}</SessionToken>` +
        `<Expiration>${new Date(Date.now() + 3_600_000).toISOString()}</Expiration></Credentials>` +
        `<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/termsgate/gw</Arn><AssumedRoleId>AROAEXAMPLE:gw</AssumedRoleId></AssumedRoleUser>` +
        `</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
    );
  });
  const proxy = await startConnectProxy();
  const bedrock = await startMockUpstream({ aws });
  t.teardown(async () => {
    await bedrock.close();
    await sts.close();
    await proxy.close();
  });
  const tokenFile = join(dir, 'web-identity-token');
  writeFileSync(tokenFile, 'eyJhbGciOiJSUzI1NiJ9.web-identity.sig');
  const env = {
    AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/termsgate',
    AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
    AWS_ROLE_SESSION_NAME: 'gw',
    AWS_REGION: aws.region,
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_CONFIG_FILE: join(dir, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  await withEnv(env, async () => {
    const gw = await startDemoGateway((config) => {
      config.providers.bedrock = { kind: 'bedrock', baseUrl: bedrock.url, region: aws.region, licence: 'llama-3.1-8b-instruct', proxy: proxy.url };
      config.models['llama-bedrock'] = { provider: 'bedrock', upstreamModel: 'meta.llama3-1-8b-instruct-v1:0' };
    });
    t.teardown(() => gw.close());
    const ok = await chat(gw.url, gw.key, 'llama-bedrock');
    t.equal(ok.status, 200, ok.text.slice(0, 300));
    t.match(sts.bodies[0], /Action=AssumeRoleWithWebIdentity/, 'STS was asked for the role');
    throughProxy(t, proxy, sts);
    t.equal(bedrock.received().at(-1)!.headers['x-amz-security-token'], sessionToken, "the call is signed with STS's session credentials");
    t.ok(proxy.tunnels.some((tn) => tn.target === new URL(bedrock.url).host), 'and the provider call took the same proxy');
    t.same(proxy.refused, [], 'every call was a CONNECT tunnel');
    const echoed = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama-bedrock', messages: [{ role: 'user', content: 'fail mock:status=400 mock:echo-key' }] }),
    }).then((r) => r.text());
    t.notOk(echoed.includes(sessionToken) || echoed.includes(aws.secretAccessKey), "STS's secrets are canaries a provider echoing them cannot carry to the caller");
  });
});

t.test('Google workload identity federation: the service-account impersonation call leaves by the provider proxy', async (t) => {
  const token = 'ya29.canary-' + randomBytes(24).toString('base64url');
  const sts = await endpoint((_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: 'federated-' + randomBytes(8).toString('hex'), issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', expires_in: 3599, token_type: 'Bearer' }));
  });
  const iam = await endpoint((_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ accessToken: token, expireTime: new Date(Date.now() + 3_600_000).toISOString() }));
  });
  const proxy = await startConnectProxy();
  const vertex = await startMockUpstream({ apiKey: token });
  t.teardown(async () => {
    await vertex.close();
    await sts.close();
    await iam.close();
    await proxy.close();
  });
  const subject = join(dir, 'federated-subject-token');
  writeFileSync(subject, 'eyJhbGciOiJSUzI1NiJ9.federated-subject.sig');
  const keyFile = join(dir, 'external-account.json');
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: 'external_account',
      audience: '//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/gateways/providers/eks',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: `${sts.url}/v1/token`,
      service_account_impersonation_url: `${iam.url}/v1/projects/-/serviceAccounts/gateway@termsgate-test.iam.gserviceaccount.com:generateAccessToken`,
      credential_source: { file: subject },
    }),
  );
  await withEnv({ GOOGLE_APPLICATION_CREDENTIALS: keyFile, GOOGLE_CLOUD_PROJECT: 'termsgate-test', HOME: dir }, async () => {
    const gw = await startDemoGateway((config) => {
      config.providers.vertex = {
        kind: 'gemini',
        auth: 'google-adc',
        baseUrl: `${vertex.url}/v1/projects/termsgate-test/locations/europe-west4/publishers/google`,
        licence: 'gemini-api-additional-terms',
        proxy: proxy.url,
      };
      config.models['gemini-vertex'] = { provider: 'vertex', upstreamModel: 'gemini-2.0-flash' };
    });
    t.teardown(() => gw.close());
    const ok = await chat(gw.url, gw.key, 'gemini-vertex');
    t.equal(ok.status, 200, ok.text.slice(0, 300));
    t.match(sts.bodies[0], /grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange/, 'the federated token was exchanged');
    throughProxy(t, proxy, iam);
    t.equal(vertex.received().at(-1)!.headers.authorization, `Bearer ${token}`, "the impersonated service account's token is the bearer");
  });
});

t.test('Azure managed identity: through the provider proxy, or directly when NO_PROXY names the endpoint', async (t) => {
  const token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.canary-' + randomBytes(24).toString('base64url');
  const identity = await endpoint((_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: token, expires_on: String(Math.floor(Date.now() / 1000) + 3600), resource: 'https://cognitiveservices.azure.com', token_type: 'Bearer' }));
  });
  const proxy = await startConnectProxy();
  const azure = await startMockUpstream({ apiKey: token });
  t.teardown(async () => {
    await azure.close();
    await identity.close();
    await proxy.close();
  });
  const azureModel = (config: Parameters<Parameters<typeof startDemoGateway>[0] & object>[0]) => {
    config.providers.azure = { kind: 'azure-openai', auth: 'entra-id', baseUrl: azure.url, licence: 'openai-services-agreement', proxy: proxy.url };
    config.models['gpt-azure'] = { provider: 'azure', upstreamModel: 'gpt-4o-mini-prod' };
  };
  const env = { IDENTITY_ENDPOINT: `${identity.url}/msi/token`, IDENTITY_HEADER: 'h-' + randomBytes(8).toString('hex'), HOME: dir };
  await withEnv(env, async () => {
    const gw = await startDemoGateway(azureModel);
    t.teardown(() => gw.close());
    const ok = await chat(gw.url, gw.key, 'gpt-azure');
    t.equal(ok.status, 200, ok.text.slice(0, 300));
    throughProxy(t, proxy, identity);
    t.equal(azure.received().at(-1)!.headers.authorization, `Bearer ${token}`);
  });
  await withEnv({ ...env, NO_PROXY: identity.host }, async () => {
    const gw = await startDemoGateway(azureModel);
    t.teardown(() => gw.close());
    const tunnelsBefore = proxy.tunnels.filter((tn) => tn.target === identity.host).length;
    const providerTunnels = proxy.tunnels.filter((tn) => tn.target === new URL(azure.url).host).length;
    t.equal((await chat(gw.url, gw.key, 'gpt-azure')).status, 200);
    t.equal(proxy.tunnels.filter((tn) => tn.target === identity.host).length, tunnelsBefore, 'the identity endpoint was reached directly');
    t.ok(proxy.tunnels.filter((tn) => tn.target === new URL(azure.url).host).length > providerTunnels, "the provider's calls kept its proxy");
  });
});
