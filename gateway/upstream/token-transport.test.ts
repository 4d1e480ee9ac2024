// The token transports: each SDK shape reaches the provider's egress, link-local metadata endpoints the direct
// dispatcher; Smithy's query and headers arrive as AWS's signer wrote them.
import t from 'tap';
import fc from 'fast-check';
import { MockAgent } from 'undici';
import { tokenTransport } from './token-transport.js';
import { pour, type Poured } from '../../test/support/endless-answer.js';

function agents() {
  const egress = new MockAgent();
  const onNode = new MockAgent();
  for (const a of [egress, onNode]) a.disableNetConnect();
  return { egress, onNode };
}

t.test('each SDK shape goes through the egress; link-local endpoints go direct', async (t) => {
  const { egress, onNode } = agents();
  egress.get('https://sts.eu-west-1.amazonaws.com').intercept({ path: '/', method: 'POST', body: 'Action=AssumeRoleWithWebIdentity' }).reply(200, '<ok/>', { headers: { 'X-Amzn-RequestId': 'r1' } });
  egress.get('https://sts.googleapis.com').intercept({ path: '/v1/token', method: 'POST' }).reply(200, { access_token: 'a' });
  egress.get('https://login.microsoftonline.com').intercept({ path: '/tenant/oauth2/v2.0/token', method: 'POST' }).reply(200, '{"access_token":"b"}', { headers: { 'Content-Type': 'application/json' } });
  onNode.get('http://169.254.169.254').intercept({ path: '/metadata/identity/oauth2/token?resource=x', method: 'GET' }).reply(200, '{"access_token":"c"}');
  const transport = tokenTransport(egress, onNode);

  const { response } = await transport.smithyHandler.handle({ method: 'POST', protocol: 'https:', hostname: 'sts.eu-west-1.amazonaws.com', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=AssumeRoleWithWebIdentity' });
  t.equal(response.statusCode, 200);
  t.equal(response.headers['x-amzn-requestid'], 'r1', 'header names lower-cased as Smithy expects');
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) chunks.push(chunk as Buffer);
  t.equal(Buffer.concat(chunks).toString(), '<ok/>', 'the body is a Node stream');

  const fetched = await transport.fetch('https://sts.googleapis.com/v1/token', { method: 'POST', body: 'x' });
  t.same(await fetched.json(), { access_token: 'a' });

  const azureRequest = { url: 'https://login.microsoftonline.com/tenant/oauth2/v2.0/token', method: 'POST', body: 'grant_type=client_credentials', headers: new Map() } as unknown as Parameters<typeof transport.azureHttpClient.sendRequest>[0];
  Object.assign(azureRequest.headers, { toJSON: () => ({ 'content-type': 'application/x-www-form-urlencoded' }) });
  const azure = await transport.azureHttpClient.sendRequest(azureRequest);
  t.equal(azure.status, 200);
  t.equal(azure.bodyAsText, '{"access_token":"b"}');
  t.equal(azure.headers.get('Content-Type'), 'application/json', 'case-insensitive headers');

  const probe = { url: 'http://169.254.169.254/metadata/instance', method: 'GET', timeout: 50, headers: { toJSON: () => ({}) } } as unknown as Parameters<typeof transport.azureHttpClient.sendRequest>[0];
  onNode.get('http://169.254.169.254').intercept({ path: '/metadata/instance', method: 'GET' }).reply(200, '{}').delay(60_000);
  await t.rejects(transport.azureHttpClient.sendRequest(probe), 'an Azure request keeps its own timeout (the metadata probe)');
  const imds = await transport.fetch('http://169.254.169.254/metadata/identity/oauth2/token?resource=x');
  t.equal(imds.status, 200, 'the metadata endpoint answered on the direct dispatcher');
  egress.assertNoPendingInterceptors();
  onNode.assertNoPendingInterceptors();
});

t.test('property: a Smithy query reaches the endpoint as its parameters, %20 for spaces', async () => {
  const key = fc.string({ minLength: 1, maxLength: 8 });
  await fc.assert(
    fc.asyncProperty(fc.dictionary(key, fc.oneof(fc.string({ maxLength: 10 }), fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 3 }))), async (query) => {
      const { egress } = agents();
      let seen = '';
      egress
        .get('https://portal.sso.eu-west-1.amazonaws.com')
        .intercept({ path: (p) => ((seen = p), true), method: 'GET' })
        .reply(200, '{}');
      await tokenTransport(egress).smithyHandler.handle({ method: 'GET', protocol: 'https:', hostname: 'portal.sso.eu-west-1.amazonaws.com', path: '/federation/credentials', query, headers: {} });
      const got = new URL(seen, 'https://x').searchParams;
      const want = Object.entries(query).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((one) => [k, one]));
      if (JSON.stringify([...got]) !== JSON.stringify(want)) throw new Error(`query changed: ${seen}`);
      if (seen.includes('+')) throw new Error('a + in the query');
    }),
    { numRuns: 100 },
  );
});

t.test('a token endpoint that never stops answering is cut at 1 MiB in each SDK shape, and read no further', async (t) => {
  const { createServer } = await import('node:http');
  const { Agent } = await import('undici');
  const poured: Poured = { sent: 0 };
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    pour(res, Buffer.alloc(64 * 1024, 0x20), poured);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
  const { port } = server.address() as import('node:net').AddressInfo;
  const transport = tokenTransport(new Agent());
  t.teardown(() => transport.close());
  const cut = /the token endpoint answered more than 1048576 bytes/;

  poured.sent = 0;
  const { response } = await transport.smithyHandler.handle({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port, path: '/', headers: {}, body: 'Action=AssumeRoleWithWebIdentity' });
  await t.rejects((async () => { for await (const _ of response.body) void _; })(), cut, 'AWS (Smithy)');
  await new Promise((r) => setTimeout(r, 100));
  t.ok(poured.sent < 64 * 1024 * 1024, `AWS: ${(poured.sent / 1024 / 1024).toFixed(1)} MiB sent`);

  poured.sent = 0;
  const fetched = await transport.fetch(`http://127.0.0.1:${port}/token`, { method: 'POST', body: 'x' });
  await t.rejects(fetched.text(), 'Google (fetch)');
  await new Promise((r) => setTimeout(r, 100));
  t.ok(poured.sent < 64 * 1024 * 1024, `Google: ${(poured.sent / 1024 / 1024).toFixed(1)} MiB sent`);

  poured.sent = 0;
  const azureRequest = { url: `http://127.0.0.1:${port}/token`, method: 'POST', body: 'grant_type=client_credentials', timeout: 0, headers: { toJSON: () => ({}) } } as unknown as Parameters<typeof transport.azureHttpClient.sendRequest>[0];
  await t.rejects(transport.azureHttpClient.sendRequest(azureRequest), cut, 'Azure');
  await new Promise((r) => setTimeout(r, 100));
  t.ok(poured.sent < 64 * 1024 * 1024, `Azure: ${(poured.sent / 1024 / 1024).toFixed(1)} MiB sent`);
});
