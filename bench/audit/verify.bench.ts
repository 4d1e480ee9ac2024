// Verification throughput: `npx tsx bench/audit/verify.bench.ts [N]` (default 1,000,000 records).
// Verifies the whole store (every leaf, the tree, the checkpoint) and a JSONL export of it.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchAudit, benchStore } from './store.js';
import { exportAudit } from '../../gateway/audit/export/export.js';
import { verifyExport } from '../../gateway/audit/export/verify.js';
import { FileAuditLog } from '../../gateway/audit/file/log.js';
import { verifyStore } from '../../gateway/audit/file/verify.js';

const n = Number(process.argv[2] ?? 1_000_000);
const { dataDir, keys } = await benchStore(n);

let t0 = performance.now();
const store = await verifyStore(dataDir);
const storeSeconds = (performance.now() - t0) / 1000;
if (!store.ok) throw new Error(JSON.stringify(store.problem));

const file = join(tmpdir(), `termsgate-verify-bench-${n}.jsonl`);
const log = await FileAuditLog.open({ dataDir, keys, audit: benchAudit, readOnly: true });
await exportAudit(log, { format: 'jsonl', out: file, checkpoint: (await log.latestCheckpoint())! });
await log.close();
t0 = performance.now();
const exp = await verifyExport(file);
const exportSeconds = (performance.now() - t0) / 1000;
rmSync(file, { force: true });
if (!exp.ok) throw new Error(JSON.stringify(exp.problem));

console.log(JSON.stringify({ bench: 'audit verify', records: store.records, store: { seconds: +storeSeconds.toFixed(2), recordsPerSecond: Math.round(store.records / storeSeconds) }, jsonlExport: { seconds: +exportSeconds.toFixed(2), recordsPerSecond: Math.round(exp.records / exportSeconds) } }));
