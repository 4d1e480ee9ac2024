// `termsgate audit export|verify|purge`: exports with proofs, offline verification of a store or an
// export, and content retention. Works on a data directory beside (or without) a running gateway.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { AuditLog } from '../audit/audit-log.js';
import { readVerifierKey } from '../audit/checkpoint-store.js';
import { EXPORT_FORMATS, exportAudit, type ExportFormat } from '../audit/export.js';
import { verifyExport } from '../audit/export-verify.js';
import type { RecordFilter } from '../audit/filter.js';
import { openAuditLog } from '../audit/open-audit-log.js';
import type { VerifyProblem } from '../audit/verify-store.js';
import { verifyStore } from '../audit/verify-store.js';
import { loadOrCreateSigningKeys } from '../signing/keys.js';

const usage = `usage:
  termsgate audit export [--data-dir DIR] --format jsonl|csv|parquet [--from T] [--to T] [--team T]
                         [--model M] [--decision allow|deny] [--out FILE] [--postgres-url URL]
  termsgate audit verify [--data-dir DIR | EXPORT_FILE] [--key VERIFIER_KEY] [--json]
  termsgate audit purge-content --older-than T [--data-dir DIR]`;

const options = {
  'data-dir': { type: 'string', default: './data' },
  format: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  team: { type: 'string' },
  model: { type: 'string' },
  decision: { type: 'string' },
  out: { type: 'string' },
  'postgres-url': { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean', default: false },
  'older-than': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

function fail(message: string): number {
  process.stderr.write(`termsgate audit: ${message}\n`);
  return 2;
}

/** Opens the log of a data directory for reading; the origin comes from the stored verifier key. */
async function openForReading(v: Values): Promise<{ log: AuditLog; dataDir: string }> {
  const dataDir = resolve(v['data-dir']!);
  const vkey = readVerifierKey(join(dataDir, 'audit'));
  if (!vkey && !v['postgres-url']) throw new Error(`no audit log under ${dataDir}`);
  const keys = loadOrCreateSigningKeys(dataDir);
  const origin = vkey?.split('+')[0] ?? 'termsgate.local/audit';
  const postgresUrl = v['postgres-url'];
  const log = await openAuditLog({
    dataDir,
    keys,
    readOnly: true,
    audit: { backend: postgresUrl ? 'postgres' : 'file', postgresUrl, origin, checkpointIntervalMs: 0, syncIntervalMs: 5 },
  });
  return { log, dataDir };
}

async function runExport(v: Values): Promise<number> {
  const format = v.format as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) return fail(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  if (format === 'parquet' && !v.out) return fail('a Parquet export needs --out FILE');
  if (v.decision !== undefined && v.decision !== 'allow' && v.decision !== 'deny') return fail('--decision must be allow or deny');
  const filter: RecordFilter = { from: v.from, to: v.to, team: v.team, model: v.model, decision: v.decision as RecordFilter['decision'] };
  for (const k of Object.keys(filter) as (keyof RecordFilter)[]) if (filter[k] === undefined) delete filter[k];
  const { log } = await openForReading(v);
  try {
    const checkpoint = await log.latestCheckpoint();
    if (!checkpoint) return fail('the audit log has no signed checkpoint yet (the gateway signs one every audit.checkpointIntervalMs and on shutdown)');
    const manifest = await exportAudit(log, { format, filter, checkpoint, out: v.out ?? process.stdout });
    process.stderr.write(`exported ${manifest.count} records against checkpoint of size ${checkpoint.size}\n`);
    return 0;
  } finally {
    await log.close();
  }
}

function describe(problem: VerifyProblem | null): string {
  return problem ? `FAILED (${problem.kind}${problem.seq === null ? '' : `, first bad record seq ${problem.seq}`}): ${problem.message}` : 'OK';
}

async function runVerify(v: Values, positionals: string[]): Promise<number> {
  const target = positionals[0];
  if (target !== undefined) {
    if (!existsSync(target)) return fail(`no such file: ${target}`);
    const report = await verifyExport(target, { verifierKey: v.key });
    if (v.json) process.stdout.write(JSON.stringify(report) + '\n');
    else process.stdout.write(`${target}: ${report.format} export, ${report.records} records, checkpoint size ${report.treeSize}: ${describe(report.problem)}\n`);
    return report.ok ? 0 : 1;
  }
  const dataDir = resolve(v['data-dir']!);
  if (!existsSync(join(dataDir, 'audit'))) return fail(`no audit log under ${dataDir}`);
  const report = await verifyStore(dataDir, { verifierKey: v.key });
  if (v.json) process.stdout.write(JSON.stringify(report) + '\n');
  else {
    process.stdout.write(`${dataDir}: ${report.records} records, ${report.checkpoints} checkpoints (verified up to size ${report.verifiedSize}), ${report.contentChecked} content items checked: ${describe(report.problem)}\n`);
    for (const w of report.warnings) process.stdout.write(`warning: ${w}\n`);
  }
  return report.ok ? 0 : 1;
}

async function runPurge(v: Values): Promise<number> {
  const cutoff = v['older-than'] ? new Date(v['older-than']) : null;
  if (!cutoff || Number.isNaN(cutoff.getTime())) return fail('--older-than needs a time (RFC 3339)');
  const dataDir = resolve(v['data-dir']!);
  const { ContentStore } = await import('../audit/content-store.js');
  const purged = await new ContentStore(join(dataDir, 'audit', 'content')).purgeOlderThan(cutoff);
  process.stdout.write(`purged ${purged} content items stored before ${cutoff.toISOString()}\n`);
  return 0;
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true });
  } catch (err) {
    return fail(`${(err as Error).message}\n${usage}`);
  }
  const [sub, ...rest] = parsed.positionals;
  if (parsed.values.help || sub === undefined) {
    process.stdout.write(usage + '\n');
    return sub === undefined && !parsed.values.help ? 2 : 0;
  }
  try {
    if (sub === 'export') return await runExport(parsed.values);
    if (sub === 'verify') return await runVerify(parsed.values, rest);
    if (sub === 'purge-content') return await runPurge(parsed.values);
  } catch (err) {
    process.stderr.write(`termsgate audit ${sub}: ${(err as Error).message}\n`);
    return 1;
  }
  return fail(`unknown subcommand ${sub}\n${usage}`);
}
