// Findings 3, 4 and 6 of issue 11 and the change record, through the real gateway: authentication
// before the body, security headers, quiet capped logs for callers' mistakes, no file handle left to
// the garbage collector, and every change on the record.
import t from 'tap';
import { readdirSync } from 'node:fs';
import { request } from 'undici';
import { hashSecret } from '../gateway/core/secret-hash.js';
import { startDemoGateway } from './support/demo-gateway.js';

const editor = 'tge-test-' + 'e'.repeat(24);
const auditor = 'tgu-test-' + 'u'.repeat(24);
const logs: string[] = [];
const gw = await startDemoGateway(
  (config) => {
    config.tokens.push({ id: 'legal-editor', hash: hashSecret(editor), role: 'policy-editor' }, { id: 'legal-auditor', hash: hashSecret(auditor), role: 'auditor' });
  },
  { logs },
);
t.teardown(() => gw.close());

async function call(method: 'GET' | 'POST', path: string, opts: { token?: string; body?: string; headers?: Record<string, string> } = {}) {
  const res = await request(`${gw.url}${path}`, {
    method,
    headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    body: opts.body,
  });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

t.test('unauthenticated: 401 before the body is read, whatever the body', async (t) => {
  const huge = JSON.stringify({ files: { 'x.rego': 'x'.repeat(3 * 1024 * 1024) }, unexpected: true });
  for (const body of [huge, '{"files": 7}', '{not json', '']) {
    for (const token of [undefined, 'tga-wrong-token-000000000000']) {
      const r = await call('POST', '/admin/v1/policies/stage', { token, body });
      t.equal(r.status, 401, `${body.slice(0, 12)} ${token ?? 'no token'}`);
      t.same(JSON.parse(r.text), { error: { type: 'unauthorized', message: 'a valid control-plane token or session is required' } }, 'no schema detail');
    }
  }
  t.equal((await call('GET', '/admin/v1/changes?limit=abc')).status, 401, 'query validation after authentication too');
  t.equal((await call('POST', '/admin/v1/policies/stage', { token: auditor, body: '{"files": 7}' })).status, 403, 'the wrong role before the body');
  t.equal((await call('POST', '/admin/v1/policies/stage', { token: editor, body: '{"files": 7}' })).status, 400, 'an editor gets the schema error');
});

t.test('security headers on every control-plane answer and page', async (t) => {
  for (const [path, token] of [['/admin/v1/policies', undefined], ['/admin/v1/policies', auditor], ['/admin/v1/changes', auditor], ['/console', undefined], ['/training/v1/public-key', undefined]] as const) {
    const r = await call('GET', path, { token });
    t.match(String(r.headers['content-security-policy']), /frame-ancestors 'none'/, `${path}: CSP forbids framing`);
    t.equal(r.headers['x-content-type-options'], 'nosniff', path);
    t.equal(r.headers['referrer-policy'], 'no-referrer', path);
    t.equal(r.headers['x-frame-options'], 'DENY', path);
  }
});

t.test("callers' mistakes: info lines without stacks, capped", async (t) => {
  logs.length = 0;
  for (let i = 0; i < 60; i++) await call('POST', '/admin/v1/policies/stage', { body: '{not json' });
  for (let i = 0; i < 5; i++) await call('POST', '/admin/v1/policies/stage', { token: editor, body: '{not json' });
  const lines = logs.map((l) => JSON.parse(l) as { level: number; msg: string; err?: unknown; stack?: unknown });
  t.ok(lines.length > 0 && lines.length <= 21, `${lines.length} lines for 65 bad requests`);
  t.ok(lines.every((l) => l.level === 30), 'all at info');
  t.notOk(logs.some((l) => /"stack"|"err"/.test(l)), 'no stack, no error object');
});

t.test('GET /admin/v1/audit/records leaves no file handle open', async (t) => {
  for (let i = 0; i < 5; i++) await call('POST', '/v1/chat/completions', { token: gw.key, body: JSON.stringify({ model: 'deepseek-r1', messages: [{ role: 'user', content: 'hi' }] }) });
  const fds = () => readdirSync('/proc/self/fd').length;
  await call('GET', '/admin/v1/audit/records?limit=1', { token: auditor });
  // The gateway runs in this process: its background threads (the fingerprint index's writer, the embedding
  // worker) open their files once, when the calls above first need them. Counted from when that has settled,
  // what remains is what paged reads leave open.
  let stable = 0;
  for (let last = fds(), waited = 0; stable < 3 && waited < 10_000; waited += 200) {
    await new Promise((r) => setTimeout(r, 200));
    const now = fds();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  const before = fds();
  for (let i = 0; i < 60; i++) t.equal((await call('GET', '/admin/v1/audit/records?limit=1', { token: auditor })).status, 200);
  t.ok(fds() - before < 10, `open descriptors ${before} → ${fds()} after 60 paged reads (a handle per read would be 60)`);
});

t.test('every change is on the record: GET /admin/v1/changes, filters, export', async (t) => {
  const staged = JSON.parse((await call('POST', '/admin/v1/policies/stage', { token: editor, body: '{"files":{}}' })).text) as { candidate: string };
  const active = JSON.parse((await call('GET', '/admin/v1/policies', { token: auditor })).text).active.revision as string;
  const noReason = await call('POST', '/admin/v1/policies/activate', { token: editor, body: JSON.stringify({ revision: active }) });
  t.equal(noReason.status, 400, 'an activation without a reason is refused');
  const act = await call('POST', '/admin/v1/policies/activate', { token: editor, body: JSON.stringify({ revision: active, reason: 'ticket LEGAL-42: re-activate the reviewed rules' }) });
  t.equal(act.status, 200, act.text);

  const page = JSON.parse((await call('GET', '/admin/v1/changes?actor=legal-editor', { token: auditor })).text) as { changes: Array<{ seq: number; record: Record<string, unknown> }> };
  const actions = page.changes.map((c) => c.record.action);
  t.ok(actions.includes('policy.stage') && actions.includes('policy.activate'), actions.join(','));
  const activation = page.changes.find((c) => c.record.action === 'policy.activate')!.record;
  t.match(activation, { kind: 'change', actor: { type: 'token', id: 'legal-editor', email: null }, role: 'policy-editor', before: active, after: active, reason: 'ticket LEGAL-42: re-activate the reviewed rules', client: '127.0.0.1', outcome: 'done' });
  t.match(page.changes.find((c) => c.record.action === 'policy.stage')!.record, { target: staged.candidate });
  const onlyActivations = JSON.parse((await call('GET', '/admin/v1/changes?action=policy.activate', { token: editor })).text).changes;
  t.ok(onlyActivations.length >= 1 && onlyActivations.every((c: { record: { action: string } }) => c.record.action === 'policy.activate'));
  t.same(JSON.parse((await call('GET', '/admin/v1/changes?actor=nobody', { token: auditor })).text).changes, []);
  t.equal((await call('GET', '/admin/v1/changes', { token: gw.runnerToken })).status, 403, 'the runner may not read changes');

  const calls = JSON.parse((await call('GET', '/admin/v1/audit/records?kind=call&limit=1000', { token: auditor })).text).records as Array<{ record: { kind?: string } }>;
  t.ok(calls.length > 0 && calls.every((r) => r.record.kind === undefined), 'kind=call selects calls only');
  for (const format of ['jsonl', 'csv']) {
    const exported = await call('GET', `/admin/v1/audit/export?format=${format}`, { token: auditor });
    t.equal(exported.status, 200);
    t.match(exported.text, /LEGAL-42/, `the ${format} export carries the change`);
  }
});
