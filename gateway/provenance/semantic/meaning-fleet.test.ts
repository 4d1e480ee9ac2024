// Two replicas' meaning indexes sharing PostgreSQL rows. Needs the PostgreSQL of scripts/setup-services.sh (or TERMSGATE_TEST_PG).
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { paraphrase } from '../../mock-upstream/paraphrase.js';
import { createSemanticProvenance, DEFAULT_MODEL_DIR, type SemanticSpan } from './semantic-provenance.js';
import { semanticLogPath } from './semantic-log.js';
import { purgeFleetMeaning } from './meaning-rows.js';
import { SEEN_FOR_MS } from './seen-windows.js';
import { until } from '../../../test/support/until.js';

const PG_URL = process.env.TERMSGATE_TEST_PG ?? 'postgres://termsgate:termsgate@127.0.0.1:54329/termsgate';
const schema = `tg_meaning_${randomBytes(4).toString('hex')}`;
const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
t.teardown(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

const restricted =
  'Lighthouses were built along dangerous coasts to warn ships away from rocks and shoals. Their keepers lived in isolation for months, trimming the wicks and polishing the great lenses every evening. ' +
  'When storms came, a keeper might stay awake through the night to keep the light burning, knowing that sailors depended on it.';
const unrelated = 'The committee approved the annual budget after a long debate about road repairs and school funding. Several members asked for a detailed report on spending before the next meeting in March.';

function replica(dataDir: string, followMs = 100) {
  return createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR, fleet: { url: PG_URL, schema, followMs } });
}

t.test('an output indexed on one replica is traced by meaning on another, survives a restart once, and is never added twice', async (t) => {
  const dirA = mkdtempSync(join(tmpdir(), 'termsgate-meaning-a-'));
  const dirB = mkdtempSync(join(tmpdir(), 'termsgate-meaning-b-'));
  t.teardown(() => [dirA, dirB].forEach((d) => rmSync(d, { recursive: true, force: true })));
  const a = await replica(dirA);
  let b = await replica(dirB);
  a.remember({ decisionId: 'd-on-a', text: restricted, licence: 'openai-terms', licenceClass: 'not-for-competing-models', trainable: false });
  await a.flush();
  t.equal(a.size.outputs, 1, 'the own output is local once its batch resolves, added once');
  const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.provenance_meaning`);
  t.equal(Number(rows[0].n), 1, 'one row per output');

  const spans = await until(() => b.spans(paraphrase(restricted)), (s: SemanticSpan[]) => s.length > 0);
  t.match(spans[0], { origin: 'semantic', decision_id: 'd-on-a', licence: 'openai-terms', licence_class: 'not-for-competing-models', restricted: true });
  t.same(await b.spans(unrelated), [], 'unrelated text is not traced');
  t.equal(JSON.parse(readFileSync(`${semanticLogPath(dirB)}.fleet-seq`, 'utf8')).seq, 1, 'the last row followed is recorded beside the log');

  // Restarted: the log and the mark give the row back, and following resumes after it instead of adding it again.
  await b.close();
  b = await replica(dirB);
  t.equal(b.size.outputs, 1, 'not re-added after a restart');
  t.match((await b.spans(paraphrase(restricted)))[0], { decision_id: 'd-on-a' });

  // The table emptied (recreated) while B was down: B follows it from the start, so new rows are not skipped as seen.
  await b.close();
  await admin.query(`TRUNCATE ${schema}.provenance_meaning`);
  b = await replica(dirB);
  a.remember({ decisionId: 'd-after-reset', text: unrelated, licence: 'openai-terms', trainable: false });
  await a.flush();
  t.match((await until(() => b.spans(unrelated), (s: SemanticSpan[]) => s.length > 0))[0], { decision_id: 'd-after-reset' });

  // A row that is not an intact record stops following: admission refuses rather than skip an output.
  await admin.query(`INSERT INTO ${schema}.provenance_meaning (seq, output) VALUES (1000, '\\x00010203')`);
  const refused = await until(
    () => b.spans(unrelated).then(() => null, (err: Error) => err.message),
    (m) => m !== null,
  );
  t.match(refused, /row 1000 of provenance_meaning is not an intact meaning record/);
  await Promise.all([a.close(), b.close()]);
});

t.test('a replica that cannot follow the rows fails closed for admission', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'termsgate-meaning-c-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const lostSchema = `${schema}_lost`;
  const c = await createSemanticProvenance({ dataDir: dir, modelDir: DEFAULT_MODEL_DIR, fleet: { url: PG_URL, schema: lostSchema, followMs: 100 } });
  c.remember({ decisionId: 'd-on-c', text: restricted, licence: 'openai-terms', trainable: false });
  await c.flush();
  await admin.query(`DROP SCHEMA ${lostSchema} CASCADE`);
  const refused = await until(
    () => c.spans(unrelated).then(() => null, (err: Error) => err.message),
    (m) => m !== null,
  );
  t.match(refused, /meaning rows could not be followed .* not admitted for training/);
  t.notMatch(refused, /termsgate:termsgate/, 'no credentials in the reason');
  await c.close();
});

t.test('outputs the database would not take are kept and retried: admission refuses until they are written, then traces them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'termsgate-meaning-d-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const ownSchema = `${schema}_retry`;
  t.teardown(() => admin.query(`DROP SCHEMA IF EXISTS ${ownSchema} CASCADE`));
  const d = await createSemanticProvenance({ dataDir: dir, modelDir: DEFAULT_MODEL_DIR, fleet: { url: PG_URL, schema: ownSchema, followMs: 100 } });
  await admin.query(`REVOKE INSERT ON ${ownSchema}.provenance_meaning FROM termsgate`);
  d.remember({ decisionId: 'd-retried', text: restricted, licence: 'openai-terms', trainable: false });
  await d.flush();
  await t.rejects(d.spans(unrelated), /1 restricted outputs could not yet be written to the fleet's meaning rows \(permission denied/);
  await admin.query(`GRANT INSERT ON ${ownSchema}.provenance_meaning TO termsgate`);
  const spans = await until(
    () => d.spans(paraphrase(restricted)).catch(() => []),
    (s: SemanticSpan[]) => s.length > 0,
  );
  t.match(spans[0], { decision_id: 'd-retried' }, 'written on a retry, followed back and traced');
  t.equal(d.size.outputs, 1);
  await d.close();
});

t.test('outputs the database had not taken when the replica closed are a gap, on it after its restart and on the others', async (t) => {
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'termsgate-meaning-u-')));
  t.teardown(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const ownSchema = `${schema}_unsent`;
  t.teardown(() => admin.query(`DROP SCHEMA IF EXISTS ${ownSchema} CASCADE`));
  const open = (dir: string) => createSemanticProvenance({ dataDir: dir, modelDir: DEFAULT_MODEL_DIR, fleet: { url: PG_URL, schema: ownSchema, followMs: 100 } });
  let a = await open(dirs[0]);
  await admin.query(`REVOKE INSERT ON ${ownSchema}.provenance_meaning FROM termsgate`);
  a.remember({ decisionId: 'd-unsent', text: restricted, licence: 'openai-terms', trainable: false });
  await a.flush();
  await a.close();
  await admin.query(`GRANT INSERT ON ${ownSchema}.provenance_meaning TO termsgate`);
  a = await open(dirs[0]);
  await t.rejects(a.spans(paraphrase(restricted)), /were not indexed by meaning \(the fleet's database had not taken them when the gateway closed \(1 outputs\)\)/, 'the restarted replica refuses');
  const b = await open(dirs[1]);
  await t.rejects(b.spans(paraphrase(restricted)), /were not indexed by meaning .*provenance_gap/, 'so does another, which never received the row');
  await Promise.all([a.close(), b.close()]);
});

t.test("retention: the fleet's rows of outputs before the cutoff are purged, and every replica forgets its copies when it next follows", async (t) => {
  const ownSchema = `${schema}_retention`;
  t.teardown(() => admin.query(`DROP SCHEMA IF EXISTS ${ownSchema} CASCADE`));
  const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'termsgate-meaning-r-')));
  t.teardown(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const open = (dir: string) => createSemanticProvenance({ dataDir: dir, modelDir: DEFAULT_MODEL_DIR, fleet: { url: PG_URL, schema: ownSchema, followMs: 100 } });
  const [a, b] = await Promise.all([open(dirs[0]), open(dirs[1])]);
  const day = 86_400_000;
  a.remember({ decisionId: 'd-old', text: restricted, licence: 'openai-terms', trainable: false, time: new Date(Date.now() - 10 * day).toISOString() });
  a.remember({ decisionId: 'd-new', text: unrelated, licence: 'openai-terms', trainable: false, time: new Date().toISOString() });
  await a.flush();
  await until(() => b.spans(restricted), (s: SemanticSpan[]) => s.some((x) => x.decision_id === 'd-old'));

  t.equal(await purgeFleetMeaning(PG_URL, ownSchema, new Date(Date.now() - day)), 1);
  const { rows } = await admin.query<{ output: Buffer }>(`SELECT output FROM ${ownSchema}.provenance_meaning ORDER BY seq`);
  t.equal(rows.length, 2, 'rows keep their numbers');
  t.notOk(rows[0].output.includes('d-old'), 'the old row holds nothing of its output');
  for (const [name, replica, dir] of [['A', a, dirs[0]], ['B', b, dirs[1]]] as const) {
    await until(() => Promise.resolve(readFileSync(semanticLogPath(dir)).includes('d-old')), (held) => !held);
    t.same((await replica.spans(restricted)).map((s) => s.decision_id), [], `${name} no longer traces the old output`);
    t.ok((await replica.spans(unrelated)).every((s) => s.decision_id === 'd-new') && (await replica.spans(unrelated)).length > 0, `${name} still traces the new one`);
  }
  // A replica that joins later follows the purged rows and never holds the old output.
  const c = await open(dirs[2]);
  t.equal(c.size.outputs, 1);
  t.notOk(readFileSync(semanticLogPath(dirs[2])).includes('d-old'));
  await Promise.all([a.close(), b.close(), c.close()]);
});

t.test('outputs one replica could not index are a gap on every replica, which refuse admission until retention forgets them', async (t) => {
  const ownSchema = `${schema}_gap`;
  t.teardown(() => admin.query(`DROP SCHEMA IF EXISTS ${ownSchema} CASCADE`));
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'termsgate-meaning-g-')));
  t.teardown(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const open = (dir: string, maxBacklog?: number) => createSemanticProvenance({ dataDir: dir, modelDir: DEFAULT_MODEL_DIR, maxBacklog, fleet: { url: PG_URL, schema: ownSchema, followMs: 100 } });
  const a = await open(dirs[0], 1);
  const b = await open(dirs[1]);
  t.equal(b.unavailable, null);
  // A misses outputs past its backlog: B never receives their rows, so B must not vouch for a paraphrase of one.
  for (let i = 0; i < 3; i++) a.remember({ decisionId: `d-missed-${i}`, text: `${restricted} ${i}`, licence: 'openai-terms', trainable: false });
  await until(() => Promise.resolve(b.unavailable), (u) => u !== null);
  t.match(b.unavailable, /outputs served since \S+ were not indexed by meaning \(more than provenance\.semantic\.maxBacklog \(1\).*deletes its row \(id [0-9a-f-]+\) from provenance_gap/);
  await t.rejects(b.spans(paraphrase(`${restricted} 2`)), /were not indexed by meaning/, 'the other replica refuses the paraphrase of a missed output');
  await a.close();
  const { rows } = await admin.query<{ until: Date | null }>(`SELECT until FROM ${ownSchema}.provenance_gap`);
  t.equal(rows.length, 1);
  t.ok(rows[0].until instanceof Date, "A's clean close records when the gap ended");
  await until(() => Promise.resolve(b.unavailable), (u) => /between/.test(u ?? ''));

  // Retention past the gap's end (every missed output forgotten) ends it on every replica.
  await purgeFleetMeaning(PG_URL, ownSchema, new Date(rows[0].until!.getTime() + SEEN_FOR_MS));
  await until(() => Promise.resolve(b.unavailable), (u) => u === null);
  t.same(await b.spans(unrelated), [], 'B admits again');
  await b.close();
});
