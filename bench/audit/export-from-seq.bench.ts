// An export of the newest records of a large log (filter fromSeq = N − tail): the leaves below fromSeq
// are named by the stored tree's subtree hashes, not read and hashed. Prints the time against an export
// of the whole log for comparison: `npx tsx bench/audit/export-from-seq.bench.ts [N] [tail]`.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchAudit, benchStore } from './store.js';
import { exportAudit } from '../../gateway/audit/export/export.js';
import { FileAuditLog } from '../../gateway/audit/file/log.js';

const n = Number(process.argv[2] ?? 200_000);
const tail = Number(process.argv[3] ?? 1_000);
const { dataDir, keys } = await benchStore(n);
const log = await FileAuditLog.open({ dataDir, keys, audit: benchAudit, readOnly: true });
const checkpoint = (await log.latestCheckpoint())!;
const out = join(tmpdir(), 'termsgate-export-from-seq.jsonl');
for (const [name, filter] of [['newest ' + tail, { fromSeq: checkpoint.size - tail }], ['whole log', {}]] as const) {
  const t0 = performance.now();
  const m = await exportAudit(log, { format: 'jsonl', out, checkpoint, filter });
  console.log(`${name}: ${m.count} records, ${m.omitted ?? 0} leaves as hashes, ${((performance.now() - t0) / 1000).toFixed(2)} s (log of ${checkpoint.size})`);
}
rmSync(out, { force: true });
await log.close();
