// The policies control plane over HTTP: roles, and the stage → validate → dry-run → activate → rollback flow.
import t from 'tap';
import Fastify from 'fastify';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlTokens } from '../auth/control-tokens.js';
import { hashSecret } from '../auth/secret-hash.js';
import type { CallRecord } from '../pipeline/contracts.js';
import { policyAdminRoutes } from './admin-routes.js';
import { createPolicyStore } from './store.js';

const editor = 'tok-editor-0123456789';
const auditor = 'tok-auditor-0123456789';
const tokens = new ControlTokens([
  { id: 'e', hash: hashSecret(editor), role: 'policy-editor' },
  { id: 'a', hash: hashSecret(auditor), role: 'auditor' },
]);

const record: CallRecord = {
  decision_id: 'd1', phase: 'completed', time: '2026-11-28T12:00:00Z', principal: { key_id: 'vk_1', team: 'demo', project: 'demo' },
  endpoint: 'chat.completions', provider: 'vllm', model: 'deepseek-r1', upstream_model: 'deepseek-r1', purpose: 'general', decision: 'allow',
  reasons: [], obligations: null, policy_revision: 'x', data_classes: [], request_digest: null, response_digest: null, usage: null,
  latency_ms: 1, status: 200, error: null, watermark_id: null, training_permit_id: null, licence: 'mit', trainable: true,
};

const dir = await mkdtemp(join(tmpdir(), 'tg-admin-'));
await cp(join(import.meta.dirname, '..', '..', 'policies'), dir, { recursive: true });
const store = await createPolicyStore({
  dir,
  dataDir: await mkdtemp(join(tmpdir(), 'tg-admin-data-')),
  pollIntervalMs: 1000,
  logger: { info() {}, warn() {}, error() {} },
  watch: false,
  records: async function* () {
    yield record;
  },
});
const app = Fastify();
policyAdminRoutes(app, { store, tokens });
await app.ready();
t.teardown(async () => {
  await app.close();
  await store.close();
});
const as = (token: string) => ({ authorization: `Bearer ${token}` });

t.test('reads need a token; writes need policy-editor', async (t) => {
  t.equal((await app.inject({ method: 'GET', url: '/admin/v1/policies' })).statusCode, 401);
  const status = await app.inject({ method: 'GET', url: '/admin/v1/policies', headers: as(auditor) });
  t.equal(status.statusCode, 200);
  t.equal(status.json().active.revision, store.status().active.revision);
  t.equal((await app.inject({ method: 'POST', url: '/admin/v1/policies/stage', headers: as(auditor), payload: { files: {} } })).statusCode, 403);
  t.equal((await app.inject({ method: 'POST', url: '/admin/v1/policies/rollback', headers: as(auditor), payload: { revision: 'x' } })).statusCode, 403);
});

t.test('stage, validate, dry-run, activate, history, rollback', async (t) => {
  const revA = store.status().active.revision;
  const sources = (await app.inject({ method: 'GET', url: `/admin/v1/policies/revisions/${revA}/sources`, headers: as(auditor) })).json();
  const licences = sources.files.find((f: { path: string }) => f.path === 'data/licences.json');
  const data = JSON.parse(licences.content);
  data.licences.mit.clause.text = 'Permission is hereby granted, free of charge, to any person obtaining a copy of this software.';
  const staged = await app.inject({ method: 'POST', url: '/admin/v1/policies/stage', headers: as(editor), payload: { files: { 'data/licences.json': JSON.stringify(data, null, 2) } } });
  t.equal(staged.statusCode, 200);
  const candidate = staged.json().candidate;
  t.not(candidate, revA);
  const validated = await app.inject({ method: 'POST', url: '/admin/v1/policies/validate', headers: as(editor), payload: { candidate } });
  t.equal(validated.statusCode, 200);
  t.same(validated.json().steps.map((s: { step: string }) => s.step), ['fmt', 'check', 'test', 'build']);
  const dry = await app.inject({ method: 'POST', url: '/admin/v1/policies/dry-run', headers: as(editor), payload: { candidate, last: 10 } });
  t.equal(dry.statusCode, 200);
  t.match(dry.json(), { revision: candidate, examined: 1, changed: 0 });
  const activated = await app.inject({ method: 'POST', url: '/admin/v1/policies/activate', headers: as(editor), payload: { revision: candidate } });
  t.equal(activated.json().ok, true);
  t.equal(store.status().active.revision, candidate);
  const history = (await app.inject({ method: 'GET', url: '/admin/v1/policies/history', headers: as(auditor) })).json().history;
  t.same(history.map((h: { revision: string }) => h.revision), [candidate, revA]);
  const back = await app.inject({ method: 'POST', url: '/admin/v1/policies/rollback', headers: as(editor), payload: { revision: revA } });
  t.equal(back.json().ok, true);
  t.equal(store.status().active.revision, revA);
});

t.test('a broken candidate is refused with its reason', async (t) => {
  const staged = await app.inject({ method: 'POST', url: '/admin/v1/policies/stage', headers: as(editor), payload: { files: { 'request/extra.rego': 'package termsgate.request\n\ndeny contains x if {\n' } } });
  const { candidate } = staged.json();
  const validated = await app.inject({ method: 'POST', url: '/admin/v1/policies/validate', headers: as(editor), payload: { candidate } });
  t.equal(validated.statusCode, 422);
  t.equal(validated.json().ok, false);
  const activate = await app.inject({ method: 'POST', url: '/admin/v1/policies/activate', headers: as(editor), payload: { revision: candidate } });
  t.equal(activate.statusCode, 422);
  const escape = await app.inject({ method: 'POST', url: '/admin/v1/policies/stage', headers: as(editor), payload: { files: { '../../etc/x.rego': 'x' } } });
  t.equal(escape.statusCode, 422);
  t.equal((await app.inject({ method: 'POST', url: '/admin/v1/policies/dry-run', headers: as(editor), payload: { candidate: 'nope' } })).statusCode, 422);
});

t.test('the legal team page is served', async (t) => {
  const page = await app.inject({ method: 'GET', url: '/admin/ui/policies' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /text\/html/);
  t.match(page.body, /\/admin\/v1\/policies/);
});
