// Exports in each format verify offline; edits, removals, insertions, reorderings and truncations
// of an export are detected and the first bad record named.
import { readFileSync, writeFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { exportAudit, type ExportFormat } from '../gateway/audit/export/export.js';
import { verifyExport } from '../gateway/audit/export/verify.js';
import { verifierKey } from '../gateway/tlog/checkpoint.js';
import { FileAuditLog } from '../gateway/audit/file/log.js';
import { auditConfig, sampleRecord, tempDataDir, testKeys } from './audit-fixtures.js';

const keys = testKeys();
const dataDir = tempDataDir('export');
const outDir = tempDataDir('export-out');
const N = 60;
let log: FileAuditLog;

t.before(async () => {
  log = await FileAuditLog.open({ dataDir, audit: auditConfig(), keys });
  await Promise.all(Array.from({ length: N }, (_, i) => log.append(sampleRecord(i))));
});
t.teardown(() => log.close());

for (const format of ['jsonl', 'csv'] as ExportFormat[]) {
  t.test(`${format}: whole log and a filtered export verify`, async (t) => {
    const all = join(outDir, `all.${format}`);
    const m = await exportAudit(log, { format, out: all });
    t.equal(m.count, N);
    const r = await verifyExport(all);
    t.ok(r.ok, JSON.stringify(r.problem));
    t.equal(r.format, format);
    t.equal(r.records, N);

    const some = join(outDir, `legal.${format}`);
    const m2 = await exportAudit(log, { format, out: some, filter: { team: 'legal', decision: 'allow' } });
    t.equal(m2.count, Array.from({ length: N }, (_, i) => sampleRecord(i)).filter((r) => r.principal.team === 'legal' && r.decision === 'allow').length);
    const r2 = await verifyExport(some);
    t.ok(r2.ok, JSON.stringify(r2.problem));
    t.equal(r2.records, m2.count);

    const other = testKeys();
    const pinned = await verifyExport(all, { trust: { verifierKey: verifierKey(log.origin, other.publicKeyRaw), witnessKeys: [], quorum: 0, maxTailMs: Infinity } });
    t.notOk(pinned.ok, 'a pinned key that did not sign it is refused');
  });
}

function editLines(src: string, dst: string, edit: (lines: string[]) => string[]): void {
  const text = readFileSync(src, 'utf8');
  const sep = text.includes('\r\n') ? '\r\n' : '\n';
  writeFileSync(dst, edit(text.split(sep).filter((l) => l !== '')).join(sep) + sep);
}

const tampers: { name: string; edit: (lines: string[]) => string[]; kind: string; seq: number | null }[] = [
  { name: 'an edited record', edit: (l) => l.map((x, i) => (i === 11 ? x.replace('latency_ms', 'latency_mz') : x)), kind: 'altered', seq: 10 },
  // Line i + 1 holds seq i: the first missing seq is named.
  { name: 'a removed record', edit: (l) => l.filter((_, i) => i !== 21), kind: 'missing', seq: 20 },
  { name: 'an inserted copy', edit: (l) => [...l.slice(0, 30), l[5], ...l.slice(30)], kind: 'out-of-order', seq: 4 },
  { name: 'two swapped records', edit: (l) => [...l.slice(0, 40), l[41], l[40], ...l.slice(42)], kind: 'out-of-order', seq: 39 },
  { name: 'a truncated tail', edit: (l) => [...l.slice(0, 50), l[l.length - 1]], kind: 'truncated', seq: 49 },
];

for (const format of ['jsonl', 'csv'] as const) {
  for (const tc of tampers) {
    t.test(`${format}: ${tc.name} is detected and located`, async (t) => {
      const src = join(outDir, `all.${format}`);
      const dst = join(outDir, `tampered-${tc.name.replace(/\W/g, '-')}.${format}`);
      editLines(src, dst, tc.edit);
      const r = await verifyExport(dst);
      t.notOk(r.ok);
      t.equal(r.problem?.kind, tc.kind, r.problem?.message);
      t.equal(r.problem?.seq, tc.seq, r.problem?.message);
    });
  }
}

t.test('jsonl: cut off mid-file (trailer lost) is reported as truncated', async (t) => {
  const dst = join(outDir, 'cut.jsonl');
  editLines(join(outDir, 'all.jsonl'), dst, (l) => l.slice(0, 31));
  const r = await verifyExport(dst);
  t.equal(r.problem?.kind, 'truncated');
  t.equal(r.problem?.seq, 30);
});
