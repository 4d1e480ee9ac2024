// The impact preview runs off the event loop: a candidate rule that is heavy only on real records (it
// passes every opa test) is previewed while /healthz and a normal decision are called; their p99 stays
// low (aim 50 ms), the preview is stopped at its budget and refused (422, step dry-run-budget) naming it.
import t from 'tap';
import Fastify from 'fastify';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { CallFacts, CallRecord } from '../../core/contracts.js';
import { policyAdminRoutes } from '../routes.js';
import { createPolicyStore } from '../store.js';

const HEAVY_RULE = `# Deliberately heavy on real records only: a loop over a large generated array for team ml-research.
package termsgate.request

deny contains {"rule": "heavy.never", "message": "never"} if {
	input.principal.team == "ml-research"
	count([x | some x in numbers.range(1, 3000000); x < 0]) > 0
}
`;

const record = (i: number): CallRecord => ({
  decision_id: `d${i}`, phase: 'completed', time: '2026-11-28T12:00:00Z', principal: { key_id: 'vk_1', team: 'ml-research', project: 'distil' },
  endpoint: 'chat.completions', provider: 'vllm', model: 'deepseek-r1', upstream_model: 'deepseek-ai/DeepSeek-R1', purpose: 'general', decision: 'allow',
  reasons: [], obligations: null, policy_revision: 'x', data_classes: [], request_digest: null, response_digest: null, usage: null,
  latency_ms: 1, status: 200, error: null, watermark_id: null, training_permit_id: null, licence: 'deepseek-r1', trainable: true,
});

const facts: CallFacts = {
  principal: { keyId: 'vk_1', team: 'demo', project: 'demo', defaultPurpose: 'general', allowedPurposes: ['general'] },
  purpose: 'general',
  endpoint: 'chat.completions',
  route: { name: 'deepseek-r1', providerId: 'vllm', providerKind: 'openai-compatible', external: false, upstreamModel: 'deepseek-ai/DeepSeek-R1', licence: 'deepseek-r1' },
  dataClasses: { classes: [], counts: {} },
  stream: false,
  now: '2026-11-28T12:00:00Z',
};

const dir = await mkdtemp(join(tmpdir(), 'tg-preview-'));
await cp(join(import.meta.dirname, '..', '..', '..', 'policies'), dir, { recursive: true });
// Far below what the heavy rule needs (seconds per call).
const BUDGET_MS = 10_000;
// A light preview (worker start and two engines: 2.3 s alone, 7.8 s at load 19) gets its own store with room.
const LIGHT_BUDGET_MS = 120_000;
async function storeWith(previewBudgetMs: number) {
  return createPolicyStore({
    dir,
    dataDir: await mkdtemp(join(tmpdir(), 'tg-preview-data-')),
    pollIntervalMs: 1000,
    logger: { info() {}, warn() {}, error() {} },
    watch: false,
    previewBudgetMs,
    records: async function* () {
      for (let i = 0; i < 100; i++) yield record(i);
    },
  });
}
const store = await storeWith(BUDGET_MS);
const app = Fastify();
app.get('/healthz', async () => ({ ok: true }));
// A normal call's policy decision, as the data plane makes it.
app.get('/decide', async () => ({ allow: store.decide(facts).request.allow }));
policyAdminRoutes(app, {
  store,
  auth: { require: () => async () => undefined },
  changes: { record: async () => ({}) as never },
  vocabulary: () => ({ providers: [], models: [], data_classes: [] }),
});
await app.listen({ port: 0, host: '127.0.0.1' });
const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
t.teardown(async () => {
  await app.close();
  await store.close();
});

const staged = await store.stage({ files: { 'request/heavy.rego': HEAVY_RULE } });
const validated = await store.validate(staged.candidate);

t.test('the heavy rule passes every opa step', async (t) => {
  t.ok(validated.ok, JSON.stringify(validated.steps.filter((s) => !s.ok)));
});

// The p99 is printed (aim 50 ms; 42.9 ms measured alone on this machine), not asserted: a loaded CI machine
// moves it. What is asserted is that the loop never froze: a preview on the event loop held every call for
// the whole budget, so no call may wait a quarter of it.
const FROZEN_MS = BUDGET_MS / 4;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))];

t.test('a heavy preview is stopped at its budget while /healthz and a normal call keep answering', async (t) => {
  const latencies: Record<string, number[]> = { '/healthz': [], '/decide': [] };
  let done = false;
  const prober = (async () => {
    while (!done) {
      for (const path of Object.keys(latencies)) {
        const t0 = performance.now();
        const res = await fetch(url + path);
        await res.arrayBuffer();
        latencies[path].push(performance.now() - t0);
        if (res.status !== 200) t.fail(`${path} answered ${res.status}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const t0 = performance.now();
  const res = await fetch(`${url}/admin/v1/policies/dry-run`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ candidate: staged.candidate, last: 100 }) });
  const elapsed = performance.now() - t0;
  done = true;
  await prober;
  const body = (await res.json()) as { error: { type: string; message: string; step: string } };
  t.equal(res.status, 422, 'an over-budget preview is refused');
  t.equal(body.error.step, 'dry-run-budget');
  t.match(body.error.message, `policy.previewBudgetMs (${BUDGET_MS} ms)`, 'the refusal names the budget');
  t.ok(elapsed < BUDGET_MS * 2, `the preview was stopped after ${Math.round(elapsed)} ms (budget ${BUDGET_MS} ms)`);
  for (const [path, xs] of Object.entries(latencies)) {
    t.ok(xs.length > 20, `${xs.length} calls to ${path} during the preview`);
    t.comment(`${path} p99 ${p99(xs).toFixed(1)} ms during the heavy preview (max ${Math.max(...xs).toFixed(1)} ms)`);
    t.ok(Math.max(...xs) < FROZEN_MS, `${path} never waited ${FROZEN_MS} ms`);
  }
});

t.test('a preview within its budget reports its impact and what it cost', async (t) => {
  const lightStore = await storeWith(LIGHT_BUDGET_MS);
  t.teardown(() => lightStore.close());
  const light = await lightStore.stage({ files: { 'request/light.rego': 'package termsgate.request\n\ndeny contains {"rule": "light.never", "message": "never"} if {\n\tinput.principal.team == "ml-research"\n\tinput.purpose == "no-such-purpose"\n}\n' } });
  t.ok((await lightStore.validate(light.candidate)).ok);
  const report = await lightStore.dryRun(light.candidate, { last: 100 });
  t.equal(report.examined, 100);
  t.equal(report.changed, 0);
  t.equal(report.cost.budget_ms, LIGHT_BUDGET_MS);
  t.ok(report.cost.elapsed_ms > 0 && report.cost.elapsed_ms < LIGHT_BUDGET_MS && report.cost.worker_busy_ms >= 0, JSON.stringify(report.cost));
});

t.test('a staged candidate whose decisions on recorded calls pass policy.decisionBudgetMs is not made active; a light one is, and a rollback is not probed', async (t) => {
  const serving = store.status().active.revision;
  const started = performance.now();
  const heavy = await store.activate(validated.revision);
  t.equal(heavy.ok, false, 'the heavy candidate is refused');
  t.match(heavy.error, /policy\.decisionBudgetMs \(20 ms\)/, 'naming the budget');
  // One decision of this rule takes seconds: the probe's own time runs out before it returns.
  t.match(heavy.error, /one decision of the candidate on a recorded call took [\d.]+ ms|could not decide the last 100 recorded calls in time/, 'and what the probe saw');
  t.comment(`refused after ${Math.round(performance.now() - started)} ms`);
  t.equal(store.status().active.revision, serving, 'the serving revision keeps serving');
  t.equal(store.status().last_error?.step, 'decision-budget');

  const light = await store.stage({ files: { 'request/light.rego': 'package termsgate.request\n\ndeny contains {"rule": "light.never", "message": "never"} if {\n\tinput.principal.team == "nobody"\n}\n' } });
  const built = await store.validate(light.candidate);
  t.ok(built.ok);
  t.ok((await store.activate(built.revision)).ok, 'a light candidate is made active');
  t.ok((await store.rollback(serving)).ok, 'a rollback to the revision that served before is not probed');
});

t.test('a staged candidate that fails to decide recorded calls is not made active (fail closed), however fast it fails', async (t) => {
  // A conflict only real records reach (project distil): every opa step passes, every such decision fails.
  const failing = await store.stage({
    files: {
      'request/conflict.rego': 'package termsgate.request\n\nconflicted := 1 if input.principal.project == "distil"\n\nconflicted := 2 if input.principal.project == "distil"\n\ndeny contains {"rule": "conflict.never", "message": "never"} if {\n\tconflicted == 3\n}\n',
    },
  });
  const built = await store.validate(failing.candidate);
  t.ok(built.ok, 'every opa step passes');
  const serving = store.status().active.revision;
  const r = await store.activate(built.revision);
  t.equal(r.ok, false, 'refused');
  t.match(r.error, /the candidate failed to decide 1 of the last 1 recorded calls|failed to decide \d+ of the last \d+ recorded calls/, 'naming the failures');
  t.equal(store.status().active.revision, serving, 'the serving revision keeps serving');
  t.equal(store.status().last_error?.step, 'decision-budget');
});
