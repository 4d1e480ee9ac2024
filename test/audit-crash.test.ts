// kill -9 under load: every append that had resolved is present after restart and the log verifies.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { FileAuditLog } from '../gateway/audit/file/log.js';
import { verifyStore } from '../gateway/audit/file/verify.js';
import { auditConfig, tempDataDir, testKeys } from './audit-fixtures.js';

const child = fileURLToPath(new URL('./audit-crash-child.ts', import.meta.url));

async function runAndKill(dataDir: string, keyPem: string, ms: number): Promise<Map<number, string>> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, keyPem], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acked = new Map<number, string>();
  let partial = '';
  proc.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const [seq, id] = line.split(' ');
      acked.set(Number(seq), id);
    }
  });
  const started = new Promise<void>((resolve) => proc.stdout.once('data', () => resolve()));
  await started;
  await new Promise((r) => setTimeout(r, ms));
  proc.kill('SIGKILL');
  await new Promise((r) => proc.once('close', r));
  return acked;
}

t.test('kill -9 while appending loses no resolved append', async (t) => {
  const dataDir = tempDataDir('crash');
  const keys = testKeys();
  const pem = Buffer.from(keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string).toString('base64');
  for (const round of [1, 2]) {
    const acked = await runAndKill(dataDir, pem, 1500);
    t.ok(acked.size > 500, `round ${round}: ${acked.size} appends resolved before the kill`);
    const log = await FileAuditLog.open({ dataDir, audit: auditConfig(), keys });
    const size = await log.size();
    let missing = 0;
    for (const [seq, id] of acked) if ((await log.get(seq))?.record.decision_id !== id) missing++;
    t.equal(missing, 0, `round ${round}: every resolved append is present (log size ${size})`);
    t.ok(size >= acked.size);
    await log.close();
    const report = await verifyStore(dataDir);
    t.ok(report.ok, `round ${round}: the log verifies: ${JSON.stringify(report.problem)}`);
    t.equal(report.records, size);
  }
});
