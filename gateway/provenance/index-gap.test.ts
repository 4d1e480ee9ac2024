// Outputs the word-fingerprint index could not take are a gap that refuses admission across restarts
// (index-gap.ts): before, a failed write was logged and passed over, and admission went on as if those
// outputs had never been served. The failure here is real: the index's table dropped from under a
// replica (needs the PostgreSQL of scripts/setup-services.sh, or TERMSGATE_TEST_PG).
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createProvenance, fleetIndexPath, indexPath } from './provenance.js';
import { until } from '../../test/support/until.js';

const PG_URL = process.env.TERMSGATE_TEST_PG ?? 'postgres://termsgate:termsgate@127.0.0.1:54329/termsgate';
const schema = `tg_gap_${randomBytes(4).toString('hex')}`;
const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
t.teardown(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

const keys = { keyId: randomBytes(8).toString('hex'), macSecret: randomBytes(32) };
const served =
  'Lighthouses were built along dangerous coasts to warn ships away from rocks and shoals. Their keepers lived in isolation for months, trimming the wicks and polishing the great lenses every evening.';
const remember = (p: Awaited<ReturnType<typeof createProvenance>>, decisionId: string) =>
  p.remember({ decisionId, text: served, licence: 'openai-terms', trainable: false, time: new Date().toISOString() });

t.test('a write the index could not take: admission refuses at once, after a restart too, until retention forgets what it missed', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-index-gap-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const errors: unknown[] = [];
  const open = () => createProvenance({ dataDir, keys, postgres: { url: PG_URL, schema, followMs: 100 }, onError: (err) => errors.push(err) });
  let p = await open();
  remember(p, 'd-kept');
  await p.flush();
  t.same((await p.detectAll([served]))[0].spans.map((s) => s.decision_id), ['d-kept'], 'traced while the index takes writes');

  await admin.query(`DROP TABLE ${schema}.provenance_outputs`);
  remember(p, 'd-lost');
  await p.flush().catch(() => undefined);
  t.ok(errors.length > 0, 'the failed write is still reported');
  const gapFile = `${fleetIndexPath(dataDir)}.gap.json`;
  t.ok(existsSync(gapFile), 'the gap is on disk as soon as the write failed');
  await t.rejects(p.detectAll([served]), /outputs served since \S+ were not fingerprinted \(the index could not take them: .*provenance_outputs/, 'refused at once');
  await p.close();
  const { until } = JSON.parse(readFileSync(gapFile, 'utf8')) as { until: number };
  t.ok(Number.isFinite(until), 'a clean close records when the gap ended');

  // Restarted (the table made again at open): still refused, naming the retention that would end it.
  p = await open();
  await t.rejects(p.detectAll([served]), new RegExp(`between \\S+ and \\S+ were not fingerprinted.*purge-content --older-than ${new Date(until).toISOString().replace(/[.]/g, '\\.')}`));
  await p.purgeBefore(new Date(until - 60_000));
  await t.rejects(p.detectAll([served]), /were not fingerprinted/, 'retention a minute short of the gap leaves it');
  await p.purgeBefore(new Date(until));
  t.notOk(existsSync(gapFile), 'retention past its end forgets it');
  remember(p, 'd-after');
  await p.flush();
  t.same((await p.detectAll([served]))[0].spans.map((s) => s.decision_id), ['d-after'], 'admission resumes and traces what is served after');
  await p.close();
});

t.test("a single node's index shared by workers: any worker's gap refuses on every worker and in scans, until an operator deletes it", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-index-gap-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const worker1 = await createProvenance({ dataDir, keys, worker: 1 });
  remember(worker1, 'd-one');
  await worker1.flush();
  // What worker 2 left when it died with a write failed (open: no end recorded).
  const gapFile = `${indexPath(dataDir)}.gap-2.json`;
  writeFileSync(gapFile, JSON.stringify({ id: 'g-2', since: Date.now() - 3_600_000, until: null, reason: 'the index could not take them: MDB_MAP_FULL' }));
  await t.rejects(worker1.detectAll([served]), /since \S+ were not fingerprinted \(the index could not take them: MDB_MAP_FULL\).*once the gap has ended/);
  await worker1.purgeBefore(new Date(Date.now() - 1_800_000));
  t.ok(existsSync(gapFile), 'a gap with no end is not forgotten by a cutoff past its start: its process may still be missing outputs');
  const scanner = await createProvenance({ dataDir, keys, readOnly: true });
  await t.rejects(scanner.detectAll([served]), /were not fingerprinted/, 'a scan of the data directory refuses too');
  rmSync(gapFile);
  t.same((await worker1.detectAll([served]))[0].spans.map((s) => s.decision_id), ['d-one'], 'deleted by an operator: detection answers');
  await Promise.all([worker1.close(), scanner.close()]);
});

t.test('a fleet: one replica’s gap refuses on the others, and a replica that cannot follow the rows refuses until it can', async (t) => {
  const ownSchema = `${schema}_fleet`;
  t.teardown(() => admin.query(`DROP SCHEMA IF EXISTS ${ownSchema} CASCADE`));
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'termsgate-index-gap-f-')));
  t.teardown(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const open = (dataDir: string) => createProvenance({ dataDir, keys, postgres: { url: PG_URL, schema: ownSchema, followMs: 100 }, onError: () => undefined });
  const a = await open(dirs[0]);
  const b = await open(dirs[1]);
  remember(a, 'd-a');
  await a.flush();
  await until(() => b.detectAll([served]), (r) => r[0].spans.some((s) => s.decision_id === 'd-a'));

  // B stops seeing the rows: after several periods it refuses rather than vouch from a copy missing what A serves.
  await admin.query(`REVOKE SELECT ON ${ownSchema}.provenance_outputs FROM termsgate`);
  const refused = await until(() => b.detectAll([served]).then(() => null, (err: Error) => err.message), (m) => m !== null, 20_000);
  t.match(refused, /the fleet's fingerprint rows could not be followed for \d+ s \(permission denied/);
  await admin.query(`GRANT SELECT ON ${ownSchema}.provenance_outputs TO termsgate`);
  await until(() => b.detectAll([served]).then(() => true, () => false), (ok) => ok, 20_000);

  // A's write fails: A refuses at once, and B once it reads A's gap row.
  await admin.query(`REVOKE INSERT ON ${ownSchema}.provenance_outputs FROM termsgate`);
  remember(a, 'd-lost');
  await a.flush().catch(() => undefined);
  await admin.query(`GRANT INSERT ON ${ownSchema}.provenance_outputs TO termsgate`);
  await t.rejects(a.detectAll([served]), /were not fingerprinted \(the index could not take them: permission denied/);
  const onB = await until(() => b.detectAll([served]).then(() => null, (err: Error) => err.message), (m) => m !== null, 20_000);
  t.match(onB, /were not fingerprinted \(the index could not take them: permission denied.*its row \(id [0-9a-f-]+\) from provenance_gap/, 'the other replica refuses for the gap too');
  await Promise.all([a.close(), b.close()]);
});
