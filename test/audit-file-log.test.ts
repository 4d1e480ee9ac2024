// The file-backed log: reads, queries, reopening, recovery of a torn tail, refusal of damage before
// the tail, read-only use and the record reader.
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { FileAuditLog } from '../gateway/audit/file/log.js';
import { auditDir, segmentsDir } from '../gateway/audit/file/layout.js';
import { iterateRecords } from '../gateway/audit/file/reader.js';
import { AuditCorruptionError } from '../gateway/audit/file/segment-store.js';
import { verifyStore } from '../gateway/audit/file/verify.js';
import { auditConfig, sampleRecord, tempDataDir, testKeys } from './audit-fixtures.js';

const keys = testKeys();
const segment = (dataDir: string) => {
  const dir = segmentsDir(auditDir(dataDir));
  return join(dir, readdirSync(dir)[0]);
};

t.test('append, durable, get, query, reopen and continue', async (t) => {
  const dataDir = tempDataDir('filelog');
  let log = await FileAuditLog.open({ dataDir, audit: auditConfig(), keys });
  const results = await Promise.all(Array.from({ length: 25 }, (_, i) => log.append(sampleRecord(i))));
  t.same(results.map((r) => r.seq), Array.from({ length: 25 }, (_, i) => i), 'concurrent appends are numbered in call order');
  await Promise.all(results.map((r) => r.durable));
  t.equal((await log.get(24))?.record.decision_id, 'dec-00000024');
  t.equal(await log.get(25), null);
  const denied = [];
  for await (const e of log.query({ decision: 'deny' })) denied.push(e.seq);
  t.same(denied, [4, 9, 14, 19, 24]);
  const window = [];
  for await (const e of log.query({ from: '2026-01-01T00:00:05Z', to: '2026-01-01T00:00:08Z' })) window.push(e.seq);
  t.same(window, [5, 6, 7], 'time window is [from, to)');
  const cp1 = await log.checkpoint();
  await t.rejects(FileAuditLog.open({ dataDir, audit: auditConfig(), keys }), /open for writing by process/, 'one writer per data directory');
  await log.close();

  log = await FileAuditLog.open({ dataDir, audit: auditConfig(), keys });
  t.equal(await log.size(), 25);
  t.same((await log.latestCheckpoint())?.root, cp1.root);
  t.equal((await log.append(sampleRecord(25))).seq, 25, 'numbering continues after reopening');
  await log.close();
  t.equal((await verifyStore(dataDir)).verifiedSize, 26, 'close signs a final checkpoint');

  const seen = [];
  for await (const r of iterateRecords(dataDir)) seen.push(r.decision_id);
  t.equal(seen.length, 26);
  t.equal(seen[25], 'dec-00000025');

  const ro = await FileAuditLog.open({ dataDir, audit: auditConfig(), keys, readOnly: true });
  await t.rejects(ro.append(sampleRecord(99)), /read-only/);
  t.equal((await ro.inclusionProof(3, 26)).treeSize, 26);
  await ro.close();
});

t.test('a torn tail after the last checkpoint is cut off on open; the tree is rebuilt', async (t) => {
  const dataDir = tempDataDir('torn');
  let log = await FileAuditLog.open({ dataDir, audit: auditConfig(), keys });
  for (let i = 0; i < 10; i++) await log.append(sampleRecord(i));
  await log.checkpoint();
  for (let i = 10; i < 13; i++) await log.append(sampleRecord(i));
  await log.close();
  // A crash in the middle of writing a fourteenth record: its frame header and part of its payload.
  const frame = readFileSync(segment(dataDir)).subarray(0, 40);
  appendFileSync(segment(dataDir), frame);
  const before = await verifyStore(dataDir);
  t.ok(before.ok, 'verify accepts an unfinished write after the last checkpoint');
  t.match(before.warnings[0], /unfinished write/);
  log = await FileAuditLog.open({ dataDir, audit: auditConfig(), keys });
  t.equal(await log.size(), 13, 'the torn record is gone, the complete ones stay');
  t.equal((await log.append(sampleRecord(13))).seq, 13);
  await log.close();
  const after = await verifyStore(dataDir);
  t.ok(after.ok, JSON.stringify(after.problem));
  t.equal(after.warnings.length, 0);
});

t.test('damage before the tail is refused, never silently dropped', async (t) => {
  const dataDir = tempDataDir('damaged');
  const log = await FileAuditLog.open({ dataDir, audit: auditConfig(), keys });
  for (let i = 0; i < 10; i++) await log.append(sampleRecord(i));
  await log.close();
  const buf = readFileSync(segment(dataDir));
  buf[buf.indexOf('dec-00000003') + 4] ^= 1;
  writeFileSync(segment(dataDir), buf);
  const err = await FileAuditLog.open({ dataDir, audit: auditConfig(), keys }).catch((e: unknown) => e);
  t.ok(err instanceof AuditCorruptionError, 'open throws');
  t.equal((err as AuditCorruptionError).seq, 3, 'and names the record');
  t.equal(readFileSync(segment(dataDir)).length, buf.length, 'nothing was truncated');
});
