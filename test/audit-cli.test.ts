// `termsgate audit export|verify` end to end, as a separate process (Parquet included).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { FileAuditLog } from '../gateway/audit/file/log.js';
import { auditDir, segmentsDir, verifierKeyFile } from '../gateway/audit/file/layout.js';
import { segmentName } from '../gateway/audit/file/segment-store.js';
import { loadOrCreateSigningKeys } from '../gateway/signing/keys.js';
import { auditConfig, sampleRecord, tempDataDir } from './audit-fixtures.js';

const main = fileURLToPath(new URL('../gateway/cli/main.ts', import.meta.url));
const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', main, 'audit', ...args], { encoding: 'utf8' });

const dataDir = tempDataDir('cli');
const out = tempDataDir('cli-out');

t.before(async () => {
  const log = await FileAuditLog.open({ dataDir, audit: auditConfig(), keys: loadOrCreateSigningKeys(dataDir) });
  for (let i = 0; i < 40; i++) await log.append(sampleRecord(i), i % 10 === 0 ? { request: { prompt: `p${i}` } } : undefined);
  await log.close();
});

t.test('export to Parquet, verify it, detect a cut file', async (t) => {
  const file = join(out, 'audit.parquet');
  const exp = cli(['export', '--data-dir', dataDir, '--format', 'parquet', '--team', 'research', '--out', file]);
  t.equal(exp.status, 0, exp.stderr);
  t.match(exp.stderr, /exported 14 records against checkpoint of size 40/);
  const ok = cli(['verify', '--integrity-only', file]);
  t.equal(ok.status, 0, ok.stdout + ok.stderr);
  t.match(ok.stdout, /parquet export, 14 records, checkpoint size 40 \(integrity only: .*\): OK/);
  const cut = join(out, 'cut.parquet');
  writeFileSync(cut, readFileSync(file));
  truncateSync(cut, statSync(file).size - 20);
  const bad = cli(['verify', '--integrity-only', cut]);
  t.equal(bad.status, 1);
  t.match(bad.stdout, /FAILED/);
});

t.test('JSONL to stdout and CSV to a file verify', async (t) => {
  const jsonl = join(out, 'audit.jsonl');
  writeFileSync(jsonl, execFileSync(process.execPath, ['--import', 'tsx', main, 'audit', 'export', '--data-dir', dataDir, '--format', 'jsonl', '--decision', 'deny']));
  t.equal(cli(['verify', '--integrity-only', jsonl]).status, 0);
  const csv = join(out, 'audit.csv');
  t.equal(cli(['export', '--data-dir', dataDir, '--format', 'csv', '--from', '2026-01-01T00:00:10Z', '--out', csv]).status, 0);
  const r = cli(['verify', '--integrity-only', '--json', csv]);
  t.equal(r.status, 0);
  t.equal(JSON.parse(r.stdout).records, 30);
});

t.test('verify a store, then a damaged one', async (t) => {
  const ok = cli(['verify', '--data-dir', dataDir, '--integrity-only']);
  t.equal(ok.status, 0, ok.stdout);
  t.match(ok.stdout, /40 records, 1 checkpoints \(verified up to size 40\), 4 content items checked/);
  const seg = join(segmentsDir(auditDir(dataDir)), segmentName(0));
  const buf = readFileSync(seg);
  const at = buf.indexOf('dec-00000012');
  buf[at + 5] ^= 1;
  writeFileSync(seg, buf);
  const bad = cli(['verify', '--data-dir', dataDir, '--key', verifierKeyFile(auditDir(dataDir))]);
  t.equal(bad.status, 1);
  t.match(bad.stdout, /first bad record seq 12/);
  t.equal(cli(['export', '--format', 'xml']).status, 2, 'a bad format is a usage error');
});
