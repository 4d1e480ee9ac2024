// One node's spend snapshot (spend-snapshot.ts) with a real file audit log: a clean stop writes the totals
// with the log's size and root, the next start restores them and reads only the records appended since
// (a crash after that start included), and a snapshot that does not name this log, or is damaged, is not
// used (the whole month is read again).
import t from 'tap';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FileAuditLog } from '../audit/file/log.js';
import type { CallRecord } from '../core/contracts.js';
import { packageRoot } from '../core/package-root.js';
import { openLimits } from './open-limits.js';
import { readSpendSnapshot, spendSnapshotPath } from './spend-snapshot.js';
import { auditConfig, sampleRecord, tempDataDir, testKeys } from '../../test/audit-fixtures.js';

const keys = testKeys();
const call = (i: number, key: string, cost: number): CallRecord => ({ ...sampleRecord(i), phase: 'completed', time: new Date().toISOString(), principal: { key_id: key, team: 'search', project: 'p' }, cost_usd: cost });

async function start(dataDir: string) {
  const audit = await FileAuditLog.open({ dataDir, keys, audit: auditConfig() });
  const read: number[] = [];
  const limits = await openLimits(
    { dataDir, teams: {}, keyStore: { schema: 'public', pollMs: 1000 } as never, audit: { backend: 'file' } as never, spend: { softPercent: 80, hardStopStatus: 402 }, policy: { dir: join(packageRoot, 'policies') } as never },
    {
      async *recordsSince(from, fromSeq) {
        for await (const e of audit.query({ kind: 'call', from, fromSeq })) {
          read.push(e.seq);
          yield e.record as CallRecord;
        }
      },
      tree: audit,
      onError: () => {},
    },
  );
  /** A call served: recorded, then counted, as the request path does. */
  const serve = async (i: number, key: string, cost: number) => {
    await audit.append(call(i, key, cost));
    await limits.budgets.record({ keyId: key, team: 'search' }, cost);
  };
  /** A clean stop: the audit log first (its last checkpoint), then the limits. */
  const stop = async () => {
    await audit.close();
    await limits.close();
  };
  return { audit, limits, read, serve, stop };
}

t.test('a clean stop snapshots the spend; the next start reads only what came after, a crash after it included', async (t) => {
  const dataDir = tempDataDir('spend-snapshot');
  const first = await start(dataDir);
  await first.serve(0, 'k1', 0.25);
  await first.serve(1, 'k2', 0.5);
  await first.serve(2, 'k1', 0.125);
  await first.stop();
  const snapshot = JSON.parse(readFileSync(spendSnapshotPath(dataDir), 'utf8')) as { size: number };
  t.equal(snapshot.size, 3, 'the snapshot counts the three records');

  const second = await start(dataDir);
  t.same(second.read, [], 'nothing after the snapshot: no record read at start');
  t.same(second.limits.budgets.spent('key:k1'), { day_usd: 0.375, month_usd: 0.375 });
  t.same(second.limits.budgets.spent('team:search'), { day_usd: 0.875, month_usd: 0.875 });
  await second.serve(3, 'k1', 1);
  // A crash: no clean stop, so the snapshot still names size 3.
  await second.audit.close();

  const third = await start(dataDir);
  t.same(third.read, [3], 'only the record appended after the snapshot is read');
  t.same(third.limits.budgets.spent('key:k1'), { day_usd: 1.375, month_usd: 1.375 }, 'and counted on top of it, once');
  await third.stop();
});

t.test('a snapshot that does not name this log, or is damaged, is not used: the month is read again', async (t) => {
  const a = tempDataDir('spend-snapshot-a');
  const first = await start(a);
  await first.serve(0, 'k1', 2);
  await first.stop();

  // Another log of the same size beside the first's snapshot (copied, or a log rebuilt from nothing).
  const b = tempDataDir('spend-snapshot-b');
  const other = await FileAuditLog.open({ dataDir: b, keys, audit: auditConfig() });
  await other.append(call(0, 'k9', 0.5));
  await other.close();
  mkdirSync(dirname(spendSnapshotPath(b)), { recursive: true });
  copyFileSync(spendSnapshotPath(a), spendSnapshotPath(b));
  const copied = await start(b);
  t.same(copied.read, [0], 'read from the first record');
  t.same(copied.limits.budgets.spent('key:k1'), { day_usd: 0, month_usd: 0 }, "the other log's totals are not taken");
  t.same(copied.limits.budgets.spent('key:k9'), { day_usd: 0.5, month_usd: 0.5 });
  await copied.audit.close();

  for (const damaged of ['{', JSON.stringify({ version: 1, size: 1, root: 'x', totals: [{ subject: 'key:k1', period: 'm:2026-12', usd: -5 }] }), JSON.stringify({ version: 1, size: 99, root: 'ab', totals: [] })]) {
    writeFileSync(spendSnapshotPath(a), damaged);
    const audit = await FileAuditLog.open({ dataDir: a, keys, audit: auditConfig({}) , readOnly: true });
    t.equal(await readSpendSnapshot(spendSnapshotPath(a), audit), null, `not used: ${damaged.slice(0, 40)}`);
    await audit.close();
  }
  const again = await start(a);
  t.same(again.read, [0]);
  t.same(again.limits.budgets.spent('key:k1'), { day_usd: 2, month_usd: 2 }, 'the month read again gives the same totals');
  await again.audit.close();
});
