// Two workers and one sequencer under load, one worker SIGKILLed mid-load: no two records share a sequence
// number, every pending record is numbered exactly once, every answered call has its final record, the
// exported log passes `audit verify` against the pinned key, and the killed worker is replaced.
// Through the built CLI (`npx tsc` first) on the PostgreSQL of scripts/setup-services.sh.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { loadOrCreateSigningKeys } from '../gateway/signing/keys.js';
import { verifierKey } from '../gateway/tlog/checkpoint.js';
import { chat, main, PG_URL, removeFleet, startWorkerFleet } from './support/worker-fleet.js';
import { until } from './support/until.js';

const CALLS = 120;
const CONCURRENCY = 6;
const KILL_AFTER = 30;
// Workers start one after another, and the replacement starts too: minutes on a shared 2-core machine.
t.setTimeout(360_000);

t.test('2 workers, SIGKILL of one under load: one numbered tree that verifies, every answer recorded, the worker replaced', async (t) => {
  const fleet = await startWorkerFleet(2);
  t.teardown(() => removeFleet(fleet));
  t.equal(fleet.pids.length, 2, 'two workers');
  const victim = fleet.pids[0];

  const answered: string[] = [];
  let broken = 0;
  let next = 0;
  let killed = false;
  const client = async () => {
    while (next < CALLS) {
      next++;
      const r = await chat(fleet.url, fleet.key, `call ${next}`);
      if (r === null) broken++;
      else if (r.status === 200) answered.push(String(r.headers['x-termsgate-decision-id']));
      if (!killed && answered.length >= KILL_AFTER) {
        killed = true;
        process.kill(victim, 'SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  t.ok(killed, 'a worker was killed mid-load');
  // Calls in flight on the killed worker, or handed to it as it died, are cut (no answer).
  t.ok(answered.length >= CALLS - CONCURRENCY * 2, `calls answered (${answered.length} of ${CALLS}; ${broken} cut by the kill)`);

  const replaced = await until(async () => fleet.output(), (o) => /worker 1 replaced \(pid \d+\)/.test(o), 60_000);
  t.match(replaced, /worker 1 \(pid \d+\) died \(SIGKILL\); starting a replacement/, 'the primary saw the death');
  t.match(replaced, /worker 1 replaced \(pid \d+\)/, 'and replaced the worker');
  const after = await chat(fleet.url, fleet.key, 'after the replacement');
  t.equal(after?.status, 200, 'the port still serves');
  if (after?.status === 200) answered.push(String(after.headers['x-termsgate-decision-id']));

  t.equal(await fleet.stop(), 0, 'SIGTERM: the primary exits 0 after its workers drained');

  const db = new pg.Client({ connectionString: PG_URL });
  await db.connect();
  t.teardown(() => db.end());
  const leaves = await db.query<{ n: number; distinct_seq: number; distinct_pending: number; min: number; max: number }>(
    `select count(*)::int as n, count(distinct seq)::int as distinct_seq, count(distinct pending_id)::int as distinct_pending, min(seq)::int as min, max(seq)::int as max from ${fleet.schema}.audit_leaves`,
  );
  const { n, distinct_seq, distinct_pending, min, max } = leaves.rows[0];
  t.equal(distinct_seq, n, `no two records share a sequence number (${n} records)`);
  t.equal(distinct_pending, n, 'no handed-over record numbered twice');
  t.same([min, max], [0, n - 1], 'sequence numbers 0..n-1 without a gap');
  const pending = await db.query<{ n: number }>(`select count(*)::int as n from ${fleet.schema}.audit_pending p where not exists (select 1 from ${fleet.schema}.audit_leaves l where l.pending_id = p.id)`);
  t.equal(pending.rows[0].n, 0, 'every handed-over record was numbered before the shutdown');

  const exportFile = join(fleet.dataDir, 'export.jsonl');
  const exported = spawnSync(process.execPath, [main, 'audit', 'export', '--data-dir', fleet.dataDir, '--postgres-url', PG_URL, '--postgres-schema', fleet.schema, '--format', 'jsonl', '--out', exportFile], { encoding: 'utf8' });
  t.equal(exported.status, 0, `audit export: ${exported.stderr}`);
  const keyFile = join(fleet.dataDir, 'verifier.key');
  writeFileSync(keyFile, verifierKey('termsgate.local/audit', loadOrCreateSigningKeys(fleet.dataDir).publicKeyRaw));
  const verified = spawnSync(process.execPath, [main, 'audit', 'verify', '--key', keyFile, exportFile], { encoding: 'utf8' });
  t.equal(verified.status, 0, `audit verify with the pinned key: ${verified.stdout}${verified.stderr}`);

  const completed = new Set(
    readFileSync(exportFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"completed"'))
      .map((l) => (JSON.parse(l) as { record?: { decision_id?: string; phase?: string } }).record)
      .filter((r) => r?.phase === 'completed')
      .map((r) => r!.decision_id),
  );
  const missing = answered.filter((id) => !completed.has(id));
  t.same(missing, [], `every answered call has its completed record (${answered.length} answered)`);
});
