// Admission's window across calls in PostgreSQL (pg-window.ts), against the real database: two windows
// on one schema stand for two replicas (or workers), so what one keeps the other screens after; the
// bounds are the memory window's; a window that cannot be read or written refuses (fail closed).
// Needs the PostgreSQL of scripts/setup-services.sh (or TERMSGATE_TEST_PG).
import t from 'tap';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { openPgWindow } from './pg-window.js';
import { createTrainingAdmission } from './admission.js';

const url = process.env.TERMSGATE_TEST_PG ?? 'postgres://termsgate:termsgate@127.0.0.1:54329/termsgate';
const alice = { keyId: 'k1', project: 'p1', team: 't1' };
const bob = { keyId: 'k2', project: 'p1', team: 't2' };
const carol = { keyId: 'k3', project: 'p3', team: 't3' };

async function schemaPool(t: Tap.Test): Promise<pg.Pool> {
  const schema = 'tg_window_test_' + randomBytes(4).toString('hex');
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema}` });
  pool.on('error', () => undefined);
  t.teardown(async () => {
    await pool.end();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  });
  return pool;
}

t.test('two replicas share one window: recent records by scope, evidence by output for every sender, within the bounds', async (t) => {
  const pool = await schemaPool(t);
  const [a, b] = await Promise.all([openPgWindow(pool, { maxBytes: 20, evidenceBytes: 20 }), openPgWindow(pool, { maxBytes: 20, evidenceBytes: 20 })]);
  await a.add(alice, 'piece-one', { touched: ['d1'], text: 'piece-one' });
  for (let i = 0; i < 10; i++) await (i % 2 ? a : b).add(alice, `filler-${i}`);
  await b.add(carol, 'other-out', { touched: ['d2'], text: 'other-out' });
  t.same(await b.context(bob), { docs: ['filler-9', 'other-out'], evidence: false }, "untouched, on the other replica: the newest of the project's records and of the feed's touching ones");
  t.same(await b.context(carol, ['d1']), { docs: ['piece-one'], evidence: true }, "touching d1, another key on the other replica: d1's evidence only");
  t.same((await a.context(alice, ['d2', 'd1'])).docs, ['piece-one', 'other-out'], 'touching both: the evidence of both, oldest first');
  for (let i = 0; i < 10; i++) await (i % 2 ? a : b).add(carol, `evidence-of-d1-${i}`, { touched: ['d1'], text: `d1-${i}` });
  t.same((await a.context(alice, ['d1'])).docs, ['d1-5', 'd1-6', 'd1-7', 'd1-8', 'd1-9'], 'evidence is bounded per output (evidenceBytes): the oldest goes first');
});

t.test('records older than maxAgeMs are not read, and are deleted as records are added', async (t) => {
  const pool = await schemaPool(t);
  const w = await openPgWindow(pool, { maxAgeMs: 200 });
  await w.add(alice, 'old', { touched: ['d1'], text: 'old' });
  await new Promise((r) => setTimeout(r, 300));
  t.same((await w.context(alice)).docs, [], 'too old to read');
  t.same((await w.context(alice, ['d1'])).docs, []);
  for (let i = 0; i < 64; i++) await w.add(carol, `new-${i}`);
  const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM training_window WHERE doc = 'old'");
  t.equal(Number(rows[0].n), 0, 'deleted');
});

t.test('admission on two replicas pieces together a restricted answer sent half through each', async (t) => {
  const pool = await schemaPool(t);
  // A stand-in detector: "SECRET" whole is restricted; "SEC" and "RET" touch d1 where they stand.
  const detect = (text: string) => {
    const spans = [...text.matchAll(/SEC\s*RET/g)].map((m) => ({ start: m.index, end: m.index + m[0].length, origin: 'fingerprint', status: 'genuine', decision_id: 'd1', licence: 'l', restricted: true }));
    const ranges = [...text.matchAll(/SEC|RET/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
    return { restricted: spans.length > 0, spans, touched: { decision_ids: ranges.length > 0 ? ['d1'] : [], ranges } };
  };
  const [a, b] = [createTrainingAdmission(detect, { windows: await openPgWindow(pool) }), createTrainingAdmission(detect, { windows: await openPgWindow(pool) })];
  t.equal((await a.screen([{ role: 'user', content: 'SEC' }], 'answer', alice)).admitted, true, 'the first half on replica A');
  const second = await b.screen([{ role: 'user', content: 'RET' }], 'answer', carol);
  t.equal(second.admitted, false, 'the second half on replica B, through another key, is pieced together with the first');
  t.match(second.reasons[0].message, /decision d1.*pieced together with 1 earlier training record/);
});

t.test('a window that cannot be read or written refuses the record, naming why (fail closed)', async (t) => {
  const pool = await schemaPool(t);
  const admission = createTrainingAdmission(() => ({ restricted: false, spans: [] }), { windows: await openPgWindow(pool) });
  await pool.query('DROP TABLE training_window');
  const refused = await admission.screen([{ role: 'user', content: 'an ordinary prompt' }], 'answer', alice);
  t.equal(refused.admitted, false);
  t.match(refused.reasons[0].message, /cannot be screened together with earlier training records: .*training_window/);
  t.equal((await admission.screen([{ role: 'user', content: 'no scope, no window' }], 'answer')).admitted, true, 'a record without a scope is screened alone');
});
