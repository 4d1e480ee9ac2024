// Findings 1 and 2 of issue 11 through the real gateway: a policy editor stages Rego that reads the
// environment or fetches a URL, and validates it. Both are refused at check; no environment value and
// no fetched byte comes back, and nothing reaches the loopback server.
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { hashSecret } from '../gateway/core/secret-hash.js';
import { startDemoGateway } from './support/demo-gateway.js';

const envCanary = 'canary-env-' + Math.random().toString(36).slice(2);
process.env.TERMSGATE_CANARY_SECRET = envCanary;
const editorToken = 'tge-test-' + Math.random().toString(36).slice(2);
const gw = await startDemoGateway((config) => {
  config.tokens.push({ id: 'legal', hash: hashSecret(editorToken), role: 'policy-editor' });
});
t.teardown(() => gw.close());

const fetched: string[] = [];
const bodyCanary = 'canary-body-' + Math.random().toString(36).slice(2);
const server = createServer((req, res) => {
  fetched.push(req.url ?? '');
  res.end(bodyCanary);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
t.teardown(() => new Promise<void>((r) => server.close(() => r())));
const serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function post(path: string, body: unknown) {
  const res = await request(`${gw.url}/admin/v1/policies/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${editorToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, text: await res.body.text() };
}

async function stageAndValidate(files: Record<string, string>) {
  const staged = await post('stage', { files });
  const { candidate } = JSON.parse(staged.text) as { candidate: string };
  return post('validate', { candidate });
}

const secrets = () => [envCanary, gw.providerKey, gw.adminToken, gw.runnerToken, gw.key, editorToken, bodyCanary];

t.test('a staged test printing opa.runtime().env is refused, and no environment value comes back', async (t) => {
  const r = await stageAndValidate({ 'leak/env_test.rego': 'package leak\n\ntest_env if {\n\tprint(opa.runtime().env)\n\tfalse\n}\n' });
  t.equal(r.status, 422);
  const report = JSON.parse(r.text) as { ok: boolean; steps: Array<{ step: string; ok: boolean; output: string }> };
  t.equal(report.steps.at(-1)!.step, 'check');
  t.match(report.steps.at(-1)!.output, /built-in opa\.runtime is not available to policies/);
  for (const s of secrets()) t.notOk(r.text.includes(s), 'no secret in the answer');
  t.notMatch(r.text, /TERMSGATE_|PATH=|\/work\/|\/tmp\//, 'neither variable names nor host paths');
});

t.test('a staged http.send to a loopback server is refused before it runs', async (t) => {
  const fetchInTest = `package leak\n\ntest_fetch if {\n\tr := http.send({"method": "GET", "url": "${serverUrl}/test"})\n\tprint(r.raw_body)\n\tfalse\n}\n`;
  const fetchInRule = `package termsgate.request\n\nfetched := http.send({"method": "GET", "url": "${serverUrl}/rule"}).raw_body\n`;
  for (const files of [{ 'leak/fetch_test.rego': fetchInTest }, { 'request/fetch.rego': fetchInRule }]) {
    const r = await stageAndValidate(files);
    t.equal(r.status, 422);
    t.match(r.text, /built-in http\.send is not available to policies/);
    for (const s of secrets()) t.notOk(r.text.includes(s), 'no secret or fetched body in the answer');
  }
  t.same(fetched, [], 'the server saw no request');
});

t.test('the shipped policies still validate in the sandbox', async (t) => {
  const r = await stageAndValidate({});
  t.equal(r.status, 200, r.text);
  t.same(JSON.parse(r.text).steps.map((s: { ok: boolean }) => s.ok), [true, true, true, true, true]);
});
