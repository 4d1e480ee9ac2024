// Export of N records (default 1,000,000) in each format, each in its own process so its peak RSS
// is its own: `npx tsx bench/audit/export.bench.ts [N]`.
import { spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchAudit, benchStore } from './store.js';
import { exportAudit, type ExportFormat } from '../../gateway/audit/export/export.js';
import { FileAuditLog } from '../../gateway/audit/file/log.js';

const [mode, arg, fmt] = process.argv.slice(2);

if (mode === '--child') {
  const n = Number(arg);
  const format = fmt as ExportFormat;
  const { dataDir, keys } = await benchStore(n);
  const out = join(tmpdir(), `termsgate-export-bench.${format}`);
  const log = await FileAuditLog.open({ dataDir, keys, audit: benchAudit, readOnly: true });
  const t0 = performance.now();
  const m = await exportAudit(log, { format, out, checkpoint: (await log.latestCheckpoint())! });
  const seconds = (performance.now() - t0) / 1000;
  await log.close();
  const bytes = statSync(out).size;
  rmSync(out, { force: true });
  console.log(JSON.stringify({ format, records: m.count, seconds: +seconds.toFixed(1), recordsPerSecond: Math.round(m.count / seconds), fileMB: +(bytes / 1e6).toFixed(1), peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
} else {
  const n = Number(mode ?? 1_000_000);
  await benchStore(n);
  const self = fileURLToPath(import.meta.url);
  for (const format of ['jsonl', 'csv', 'parquet']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', String(n), format], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    process.stdout.write(r.stdout);
  }
}
