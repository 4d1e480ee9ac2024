// `termsgate audit export` and `audit verify` show progress on a terminal and stay quiet in a pipe.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { FileAuditLog } from '../gateway/audit/file/log.js';
import { loadOrCreateSigningKeys } from '../gateway/signing/keys.js';
import { auditConfig, sampleRecord, tempDataDir } from './audit-fixtures.js';

const main = fileURLToPath(new URL('../gateway/cli/main.ts', import.meta.url));
const dataDir = tempDataDir('cli-progress');
const file = join(tempDataDir('cli-progress-out'), 'audit.jsonl');
const args = (sub: string[]) => [process.execPath, '--import', 'tsx', main, 'audit', ...sub];
const exportArgs = ['export', '--data-dir', dataDir, '--format', 'jsonl', '--out', file];
const verifyArgs = ['verify', '--integrity-only', file];

t.before(async () => {
  const log = await FileAuditLog.open({ dataDir, audit: auditConfig(), keys: loadOrCreateSigningKeys(dataDir) });
  for (let i = 0; i < 1500; i++) await log.append(sampleRecord(i));
  await log.close();
});

t.test('in a pipe: only the result lines', async (t) => {
  const exp = spawnSync(args(exportArgs)[0], args(exportArgs).slice(1), { encoding: 'utf8' });
  t.equal(exp.status, 0, exp.stderr);
  t.equal(exp.stderr, 'exported 1500 records against checkpoint of size 1500\n');
  const ver = spawnSync(args(verifyArgs)[0], args(verifyArgs).slice(1), { encoding: 'utf8' });
  t.equal(ver.status, 0, ver.stdout + ver.stderr);
  t.equal(ver.stderr, '');
  t.notMatch(ver.stdout, /records checked/);
});

t.test('on a terminal: a progress line with the count', async (t) => {
  // util-linux `script` gives the command a pseudo-terminal.
  const quote = (xs: string[]) => xs.map((x) => `'${x.replace(/'/g, `'\\''`)}'`).join(' ');
  const exp = spawnSync('script', ['-qec', quote(args(exportArgs)), '/dev/null'], { encoding: 'utf8' });
  t.equal(exp.status, 0, exp.stdout);
  t.match(exp.stdout, /audit export \| \d+ records exported/);
  const ver = spawnSync('script', ['-qec', quote(args(verifyArgs)), '/dev/null'], { encoding: 'utf8' });
  t.equal(ver.status, 0, ver.stdout);
  t.match(ver.stdout, /audit verify \| 1000 records checked/);
  t.match(ver.stdout, /jsonl export, 1500 records, checkpoint size 1500 .*: OK/);
});
