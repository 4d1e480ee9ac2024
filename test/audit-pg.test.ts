// PostgreSQL backend: two replicas insert concurrently, the sequencer's connection is killed, the
// other replica takes over, and the tree and proofs verify. Needs the PostgreSQL of
// scripts/setup-services.sh (or TERMSGATE_TEST_PG_URL).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import t from 'tap';
import { openCheckpoint } from '../gateway/tlog/checkpoint.js';
import { Frontier, leafHash, RangeHasher, verifyConsistency, verifyInclusion } from '../gateway/tlog/merkle.js';
import { encodeLeaf } from '../gateway/tlog/leaf.js';
import { PgAuditLog, sequencerLockKey } from '../gateway/audit/postgres/log.js';
import { auditConfig, PG_URL, sampleRecord, testKeys } from './audit-fixtures.js';

const schema = `audit_test_${randomBytes(4).toString('hex')}`;
const keys = testKeys();
const open = () => PgAuditLog.open({ url: PG_URL, schema, audit: auditConfig({ backend: 'postgres', postgresUrl: PG_URL }), keys, leaderPollMs: 100 });

const admin = new pg.Client({ connectionString: PG_URL });
t.before(() => admin.connect());
t.teardown(async () => {
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

t.test('two replicas, the sequencer dies, the other takes over, the tree verifies', async (t) => {
  const a = await open();
  const b = await open();
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  await waitFor(() => a.isSequencer || b.isSequencer);
  t.not(a.isSequencer, b.isSequencer, 'exactly one sequencer');
  const [leader, follower] = a.isSequencer ? [a, b] : [b, a];

  const appendMany = (log: PgAuditLog, from: number, n: number) =>
    Promise.all(Array.from({ length: n }, (_, i) => log.append(sampleRecord(from + i), (from + i) % 50 === 0 ? { request: { prompt: `p${from + i}` } } : undefined)));
  const first = await Promise.all([appendMany(a, 0, 200), appendMany(b, 200, 200)]);
  const before = await leader.checkpoint();
  t.equal(before.size, 400);

  // Kill the sequencer's session as a crash would, while both replicas keep appending.
  const key = BigInt.asUintN(64, BigInt(sequencerLockKey(schema)));
  const during = Promise.all([appendMany(a, 400, 300), appendMany(b, 700, 300)]);
  await admin.query(
    `select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted and classid::bigint = $1 and objid::bigint = $2`,
    [Number(key >> 32n), Number(key & 0xffffffffn)],
  );
  const second = await during;
  await waitFor(() => a.isSequencer || b.isSequencer);
  t.ok(follower.isSequencer || leader.isSequencer, 'a sequencer is back');

  const seqs = [...first.flat(), ...second.flat()].map((r) => r.seq).sort((x, y) => x - y);
  t.same(seqs, Array.from({ length: 1000 }, (_, i) => i), 'every append got exactly one sequence number, no gaps');
  const after = await follower.checkpoint();
  t.equal(after.size, 1000);
  const cp = openCheckpoint(after.note, a.verifierKey);

  // Recompute the tree from the stored leaves, independently of the stored nodes.
  const f = new Frontier();
  const ids = new Set<string>();
  let nonCanonical = 0;
  for await (const e of a.query()) {
    if (!e.leaf.equals(encodeLeaf(e.seq, e.record))) nonCanonical++;
    ids.add(e.record.decision_id);
    f.append(leafHash(e.leaf));
  }
  t.equal(ids.size, 1000, 'every record is there once');
  t.equal(nonCanonical, 0, 'every stored leaf is the canonical {record, seq}');
  t.ok(f.root().equals(cp.root), 'the recomputed root matches the signed checkpoint');
  for (const seq of [0, 399, 400, 777, 999]) {
    const p = await b.inclusionProof(seq, 1000);
    t.ok(verifyInclusion(Buffer.from(p.leafHash, 'base64'), seq, 1000, p.proof.map((h) => Buffer.from(h, 'base64')), cp.root), `inclusion of ${seq}`);
  }
  const c = await a.consistencyProof(400, 1000);
  t.ok(verifyConsistency(400, 1000, c.proof.map((h) => Buffer.from(h, 'base64')), before.root, cp.root), 'consistency across the takeover');
  const withContent = await a.get(first[0][0].seq);
  t.ok(withContent?.record.request_digest, 'content digest recorded');
  t.same(await b.content(withContent!.record.request_digest!), { prompt: 'p0' });
  t.same((await a.latestCheckpoint())?.size, 1000);
  const legal = [];
  for await (const e of b.query({ team: 'legal', decision: 'allow', limit: 5 })) legal.push(e.record);
  t.equal(legal.length, 5);
  t.ok(legal.every((r) => r.principal.team === 'legal' && r.decision === 'allow'));
  // The stored nodes name a run of leaves as its aligned subtrees: what hashing the leaves gives.
  for (const [lo, hi] of [[0, 777], [0, 1000], [13, 400]]) {
    const run = new RangeHasher(lo);
    for await (const e of a.query({ fromSeq: lo, toSeq: hi })) run.append(leafHash(e.leaf));
    t.same((await b.rangeHashes(lo, hi)).map((h) => h.toString('hex')), run.hashes().map((h) => h.toString('hex')), `leaves [${lo}, ${hi}) from the stored tree`);
  }
});

t.test('control-plane changes share the log: sequenced, queried by kind, left out of call filters', async (t) => {
  const log = await open();
  t.teardown(() => log.close());
  await waitFor(() => log.isSequencer);
  const change = {
    kind: 'change' as const, change_id: 'chg-1', time: new Date().toISOString(), actor: { type: 'token' as const, id: 'legal', email: null }, role: 'policy-editor',
    action: 'policy.activate', target: 'rev-b', before: 'rev-a', after: 'rev-b', reason: 'reviewed', client: '127.0.0.1', outcome: 'done' as const, error: null,
  };
  const { seq, durable } = await log.append(change);
  await durable;
  const found = [];
  for await (const e of log.query({ kind: 'change', fromSeq: seq })) found.push(e.record);
  t.same(found, [change]);
  const calls = [];
  for await (const e of log.query({ team: 'legal', fromSeq: seq })) calls.push(e.record);
  t.same(calls, [], 'a call filter selects no change');
  const cp = await log.checkpoint();
  const proof = await log.inclusionProof(seq, cp.size);
  t.ok(verifyInclusion(leafHash(encodeLeaf(seq, change)), seq, cp.size, proof.proof.map((p) => Buffer.from(p, 'base64')), cp.root), 'provable like any record');
});

t.test('content said again by a new call lives as long as the new call, not the first one that said it', async (t) => {
  const log = await open();
  t.teardown(() => log.close());
  await waitFor(() => log.isSequencer);
  const content = { request: { prompt: `the same question ${randomBytes(4).toString('hex')}` } };
  const first = await log.append(sampleRecord(9000), content);
  await first.durable;
  // The first call's copy is two days old.
  await admin.query(`update ${schema}.audit_content set stored_at = now() - interval '2 days'`);
  const dayAgo = new Date(Date.now() - 86_400_000);
  const again = await log.append(sampleRecord(9001), content);
  await again.durable;
  // The other tests' content, aged with it and not written again, goes; this one stays.
  const aged = Number((await admin.query(`select count(*) as n from ${schema}.audit_content`)).rows[0].n) - 1;
  t.ok(aged > 0);
  t.equal(await log.purgeContent(dayAgo), aged, 'stored again today, its time is brought forward: it is not older than a day');
  const kept = await admin.query(`select digest from ${schema}.audit_content where body like $1`, [`%${content.request.prompt}%`]);
  t.equal(kept.rowCount, 1, 'the content said twice is kept');
});
