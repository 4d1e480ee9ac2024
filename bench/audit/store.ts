// Builds (once) a file-backed audit store of N benchmark records for the verify and export benchmarks.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSigningKeys, type SigningKeys } from '../../gateway/signing/keys.js';
import { benchRecord } from './records.js';
import { FileAuditLog } from '../../gateway/audit/file/log.js';
import { auditDir, checkpointsFile } from '../../gateway/audit/file/layout.js';

export const benchAudit = { backend: 'file' as const, origin: 'bench/audit', checkpointIntervalMs: 0, syncIntervalMs: 5 };

export async function benchStore(n: number): Promise<{ dataDir: string; keys: SigningKeys }> {
  const dataDir = join(tmpdir(), `termsgate-audit-bench-${n}`);
  const keys = loadOrCreateSigningKeys(dataDir);
  if (existsSync(checkpointsFile(auditDir(dataDir)))) return { dataDir, keys };
  const log = await FileAuditLog.open({ dataDir, keys, audit: benchAudit });
  const started = Date.now();
  let next = await log.size();
  const worker = async () => {
    while (next < n) await log.append(benchRecord(next++));
  };
  await Promise.all(Array.from({ length: 1024 }, worker));
  await log.close();
  process.stderr.write(`built ${n} records in ${((Date.now() - started) / 1000).toFixed(1)} s under ${dataDir}\n`);
  return { dataDir, keys };
}
