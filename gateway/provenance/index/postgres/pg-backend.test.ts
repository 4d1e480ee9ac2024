// Needs the PostgreSQL of scripts/setup-services.sh (or TERMSGATE_TEST_PG).
import t from 'tap';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { recordRef } from '../../../watermark/payload.js';
import { FingerprintStore } from '../fingerprint-store.js';
import type { StoredOutput } from '../stored-output.js';
import { openPgIndexBackend, purgeFleetIndex } from './pg-backend.js';
import { until } from '../../../../test/support/until.js';

const PG_URL = process.env.TERMSGATE_TEST_PG ?? 'postgres://termsgate:termsgate@127.0.0.1:54329/termsgate';
const schema = `tg_index_${randomBytes(4).toString('hex')}`;
const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
t.teardown(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

function output(words: number[], time: number, id = randomUUID()): () => StoredOutput {
  const ref = recordRef(id);
  return () => ({
    record: { ref: ref.bytes, hashedRef: false, licence: 'openai-terms', licenceClass: null, trainable: false },
    originalId: null,
    time,
    fingerprint: { words: { level: 0, hashes: Uint32Array.from(words) }, loose: { level: 0, hashes: Uint32Array.from(words) } },
  });
}

async function replica(t: Tap.Test): Promise<FingerprintStore> {
  const dir = mkdtempSync(join(tmpdir(), 'fp-pg-'));
  const store = new FingerprintStore(await openPgIndexBackend({ url: PG_URL, schema, path: dir, followMs: 100 }));
  t.teardown(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

t.test('an output one replica writes is listed by the other once followed; retention reaches both', async (t) => {
  const [a, b] = [await replica(t), await replica(t)];
  const out: number[] = [];
  const old = randomUUID();
  await a.add(output([11, 12], Date.parse('2026-11-01T00:00:00Z'), old));
  t.same(a.index.words.docsWith(12, out), [1], 'own writes are local once written (visible before, while pending)');
  await b.add(output([12, 13], Date.parse('2026-11-20T00:00:00Z')));
  await until(async () => a.index.words.docsWith(12, out).length, (n) => n === 2);
  t.same(a.index.words.docsWith(12, out), [2, 1], 'both replicas number outputs alike, most recent first');
  await until(async () => b.index.words.docsWith(11, out).length, (n) => n === 1);
  t.equal(b.index.words.findRef(recordRef(old).bytes), 1, "the other replica's output is traced here");
  t.equal(b.index.words.record(1).decisionRef, old);
  t.equal(await b.purgeBefore(new Date('2026-11-10T00:00:00Z')), 1);
  await until(async () => a.index.words.docsWith(11, out).length, (n) => n === 0);
  t.same(a.index.words.docsWith(12, out), [2], 'purged on every replica');
  t.equal(a.size, 1);
  const c = await replica(t);
  t.equal(c.size, 1, 'a new replica follows the rows from the start');
  t.same(c.index.loose.docsWith(13, out), [2]);
});

t.test('a follow that fails (the table out of reach for a moment) does not stop the next ones', async (t) => {
  const a = await replica(t);
  const dir = mkdtempSync(join(tmpdir(), 'fp-pg-'));
  // Followed only when asked, so the failure is the one this test makes.
  const b = await openPgIndexBackend({ url: PG_URL, schema, path: dir, followMs: 3_600_000 });
  t.teardown(async () => {
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const before = b.count();
  await admin.query(`ALTER TABLE ${schema}.provenance_outputs RENAME TO provenance_outputs_away`);
  await t.rejects(b.follow(), 'the follow while the rows are out of reach fails');
  await admin.query(`ALTER TABLE ${schema}.provenance_outputs_away RENAME TO provenance_outputs`);
  await a.add(output([21, 22], Date.now()));
  await b.follow();
  t.equal(b.count(), before + 1, 'the next follow copies the rows written since');
});

t.test('retention from outside the gateway (purge-content --postgres-url) reaches every replica', async (t) => {
  const a = await replica(t);
  const out: number[] = [];
  await a.add(output([31, 32], Date.parse('2026-11-15T00:00:00Z')));
  await a.add(output([32, 33], Date.parse('2026-11-28T00:00:00Z')));
  // Later than the first test's cutoff (2026-11-10) in this schema: a follower applies only a newer one.
  t.equal(await purgeFleetIndex(PG_URL, schema, new Date('2026-11-20T00:00:00Z')), 1, 'the older row is deleted');
  await until(async () => a.index.words.docsWith(31, out).length, (n) => n === 0);
  t.equal(a.index.words.docsWith(32, out).length, 1, 'the replica applied the cutoff and kept the newer output');
  t.equal(await purgeFleetIndex(PG_URL, `tg_none_${randomBytes(4).toString('hex')}`, new Date()), 0, 'a schema without the index purges nothing');
});

t.test('a dropped database connection (a restart) neither ends the process nor stops following', async (t) => {
  const a = await replica(t);
  const dir = mkdtempSync(join(tmpdir(), 'fp-pg-'));
  const name = `tg_drop_${randomBytes(4).toString('hex')}`;
  const b = await openPgIndexBackend({ url: `${PG_URL}?application_name=${name}`, schema, path: dir, followMs: 3_600_000 });
  t.teardown(async () => {
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const before = b.count();
  // What a restart does to the replica's idle connections: node-postgres emits 'error' on the pool.
  const { rows } = await admin.query('SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1) AS killed', [name]);
  t.ok(rows[0].n >= 1, 'the replica had an idle connection to drop');
  await a.add(output([41, 42], Date.now()));
  await until(async () => b.follow().then(() => b.count(), () => -1), (n) => n === before + 1);
  t.equal(b.count(), before + 1, 'the next follow copies the rows written since');
});
