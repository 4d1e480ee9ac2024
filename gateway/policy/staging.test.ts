// Staged candidates expire: at most policy.maxCandidates are kept, those older than policy.candidateTtlMs
// are dropped, a stage past policy.stagingBytes is refused with a message naming it, and the active and
// previous revisions are never deleted.
import t from 'tap';
import { cp, mkdtemp, readdir, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPolicyStore } from './store.js';
import type { PolicyStoreOptions } from './store-types.js';

const policies = join(import.meta.dirname, '..', '..', 'policies');
const ls = (d: string) => readdir(d).catch(() => [] as string[]);

async function open(opts: Partial<PolicyStoreOptions>) {
  const dir = await mkdtemp(join(tmpdir(), 'tg-staging-'));
  await cp(policies, dir, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), 'tg-staging-data-'));
  const store = await createPolicyStore({ dir, dataDir, pollIntervalMs: 1000, logger: { info() {}, warn() {}, error() {} }, watch: false, records: async function* () {}, ...opts });
  return { store, candidates: join(dataDir, 'policy', 'candidates'), revisions: join(dataDir, 'policy', 'revisions') };
}

const file = (i: number, size = 10) => ({ files: { [`x/f${i}.rego`]: `package x${i}\n` + '#'.repeat(size) }, base: 'empty' as const });

t.test('at most maxCandidates are kept, the oldest go first', async (t) => {
  const { store, candidates } = await open({ maxCandidates: 3 });
  t.teardown(() => store.close());
  const ids = [];
  for (let i = 0; i < 5; i++) {
    ids.push((await store.stage(file(i))).candidate);
    await new Promise((r) => setTimeout(r, 15));
  }
  t.same((await ls(candidates)).sort(), ids.slice(2).sort());
  t.same((await store.candidates()).map((c) => c.id), ids.slice(2), 'listed oldest first');
});

t.test('candidates older than candidateTtlMs are dropped', async (t) => {
  const { store, candidates } = await open({ candidateTtlMs: 60_000 });
  t.teardown(() => store.close());
  const old = (await store.stage(file(1))).candidate;
  const past = new Date(Date.now() - 120_000);
  await utimes(join(candidates, old), past, past);
  const fresh = (await store.stage(file(2))).candidate;
  t.same(await ls(candidates), [fresh]);
});

t.test('a stage past stagingBytes is refused, naming the limit; a discard makes room', async (t) => {
  const { store } = await open({ stagingBytes: 1024 ** 2 });
  t.teardown(() => store.close());
  const a = await store.stage(file(1, 400_000));
  await store.stage(file(2, 400_000));
  await t.rejects(store.stage(file(3, 400_000)), { step: 'stage', message: /policy\.stagingBytes \(1048576\)/ });
  t.ok((await store.discard(a.candidate)).discarded);
  t.ok((await store.stage(file(3, 400_000))).candidate);
});

t.test('the active and previous revisions are never deleted', async (t) => {
  const { store, candidates, revisions } = await open({ maxCandidates: 1 });
  t.teardown(() => store.close());
  const first = store.status().active.revision;
  const b = await store.stage({ files: { 'request/b.rego': 'package termsgate.request\n\nb_marker := true\n' } });
  t.ok((await store.validate(b.candidate)).ok);
  t.ok((await store.activate(b.candidate)).ok);
  const c = await store.stage({ files: { 'request/c.rego': 'package termsgate.request\n\nc_marker := true\n' } });
  t.ok((await store.validate(c.candidate)).ok, 'a validated candidate that never served');
  for (let i = 0; i < 3; i++) await store.stage(file(i));
  const kept = await ls(revisions);
  t.ok(kept.includes(first) && kept.includes(b.candidate), 'previous and active revisions kept');
  t.notOk(kept.includes(c.candidate), "an expired candidate's bundle that never served is dropped");
  t.same((await ls(candidates)).length, 1);
  t.ok((await store.rollback(first, { by: 't', reason: 'r' })).ok, 'the previous revision still rolls back');
});
