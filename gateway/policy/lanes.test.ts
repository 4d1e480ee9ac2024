// A rollback never waits behind validations: two slow validations (a candidate whose opa test is slow)
// are queued on the editing lane, then a rollback on the serving lane completes while they still run.
import t from 'tap';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPolicyStore } from './store.js';

const SLOW_TEST = (n: number) => `package termsgate.slow_test

test_slow if {
	count([x | some x in numbers.range(1, ${n})]) == ${n}
}
`;

t.test('a rollback goes ahead of two queued slow validations', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tg-lanes-'));
  await cp(join(import.meta.dirname, '..', '..', 'policies'), dir, { recursive: true });
  const store = await createPolicyStore({ dir, dataDir: await mkdtemp(join(tmpdir(), 'tg-lanes-data-')), pollIntervalMs: 1000, logger: { info() {}, warn() {}, error() {} }, watch: false, records: async function* () {} });
  t.teardown(() => store.close());
  const first = store.status().active.revision;
  const b = await store.stage({ files: { 'request/b.rego': 'package termsgate.request\n\nb_marker := true\n' } });
  t.ok((await store.validate(b.candidate)).ok);
  t.ok((await store.activate(b.candidate)).ok);

  const slow1 = await store.stage({ files: { 'lib/slow_test.rego': SLOW_TEST(700_000) } });
  const slow2 = await store.stage({ files: { 'lib/slow_test.rego': SLOW_TEST(700_001) } });
  let validationsDone = 0;
  const t0 = performance.now();
  const validations = [store.validate(slow1.candidate), store.validate(slow2.candidate)].map((p) => p.then((r) => (validationsDone++, r)));
  await new Promise((r) => setTimeout(r, 200));
  const r0 = performance.now();
  const rolled = await store.rollback(first, { by: 'test', reason: 'emergency' });
  const rollbackMs = performance.now() - r0;
  t.ok(rolled.ok, 'the rollback is done');
  t.equal(store.status().active.revision, first);
  t.equal(validationsDone, 0, 'while both validations were still queued or running');
  t.ok(rollbackMs < 1000, `rollback took ${rollbackMs.toFixed(0)} ms behind two slow validations`);
  const reports = await Promise.all(validations);
  const validationsMs = performance.now() - t0;
  t.ok(reports.every((r) => r.ok), 'both validations pass');
  t.ok(validationsMs > rollbackMs * 2, `the validations took ${validationsMs.toFixed(0)} ms in all`);
});
