// How long one node's start takes to count this month's spend from a file audit log of N records that
// cost something: with no snapshot (every record read), and after a clean stop (the snapshot restored,
// nothing read). Prints one JSON line per start, with the team's totals (the same both times).
// Run: npx tsx bench/limits/spend-start.bench.ts [N]   (default 500,000)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchRecord } from '../audit/records.js';
import { FileAuditLog } from '../../gateway/audit/file/log.js';
import { openLimits } from '../../gateway/limits/open-limits.js';
import { isChangeRecord } from '../../gateway/core/record-kind.js';
import { packageRoot } from '../../gateway/core/package-root.js';
import { testKeys } from '../../test/audit-fixtures.js';
const n = Number(process.argv[2] ?? 500_000);
const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-spend-start-'));
const keys = testKeys();
const audit = { backend: 'file' as const, origin: 'bench/audit', checkpointIntervalMs: 0, syncIntervalMs: 5 };
let log = await FileAuditLog.open({ dataDir, keys, audit });
const now = new Date().toISOString();
for (let i = 0; i < n; i += 1000) await Promise.all(Array.from({ length: 1000 }, (_, j) => log.append({ ...benchRecord(i + j), time: now, cost_usd: 0.001 } as never)));
await log.close();
for (const round of ['no snapshot (the whole log)', 'after a clean stop']) {
  log = await FileAuditLog.open({ dataDir, keys, audit });
  const t = performance.now();
  const limits = await openLimits({ dataDir, teams: {}, keyStore: { schema: 'public', pollMs: 1000 } as never, audit: { backend: 'file' } as never, spend: { softPercent: 80, hardStopStatus: 402 }, policy: { dir: join(packageRoot, 'policies') } as never }, {
    async *recordsSince(from, fromSeq) { for await (const e of log.query({ kind: 'call', from, fromSeq })) if (!isChangeRecord(e.record)) yield e.record as never; },
    tree: log, onError: () => {},
  });
  console.log(JSON.stringify({ records: n, start: round, ms: Math.round(performance.now() - t), team: limits.budgets.spent('team:research') }));
  await log.close();
  await limits.close();
}
rmSync(dataDir, { recursive: true, force: true });
