// `termsgate audit export|verify|purge`: exports with proofs, offline verification of a store or an
// export, and content retention. Works on a data directory beside (or without) a running gateway.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AuditLog } from '../audit/audit-log.js';
import { readVerifierKey } from '../audit/file/checkpoint-store.js';
import { auditDir, contentDir } from '../audit/file/layout.js';
import { verifierPublicKey } from '../tlog/checkpoint.js';
import { EXPORT_FORMATS, exportAudit, type ExportFormat } from '../audit/export/export.js';
import { verifyExport } from '../audit/export/verify.js';
import type { RecordFilter } from '../audit/filter.js';
import { openAuditLog } from '../audit/open-audit-log.js';
import type { VerifyProblem } from '../audit/file/verify.js';
import { verifyStore } from '../audit/file/verify.js';
import { checkpointOfNote, isPinned, type TrustAnchors } from '../tlog/trust.js';
import { loadOrCreateSigningKeys } from '../signing/keys.js';
import { loadCheckpointSigner, type CheckpointSigner } from '../signing/checkpoint-signer.js';
import { command, subcommands, UsageError, type Parsed } from './args.js';
import { progress } from './progress.js';

const dataDirOption = { 'data-dir': { type: 'string', default: './data' } } as const;
const signerOptions = { 'signer-file': { type: 'string' }, 'signer-env': { type: 'string' } } as const;

const exportOptions = {
  ...dataDirOption,
  ...signerOptions,
  format: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  team: { type: 'string' },
  model: { type: 'string' },
  decision: { type: 'string' },
  out: { type: 'string' },
  'postgres-url': { type: 'string' },
  'postgres-schema': { type: 'string' },
  'trusted-checkpoint': { type: 'string' },
} as const;

const verifyOptions = {
  ...dataDirOption,
  key: { type: 'string' },
  'witness-key': { type: 'string', multiple: true },
  quorum: { type: 'string' },
  'trusted-checkpoint': { type: 'string' },
  'checkpoint-interval': { type: 'string', default: '10000' },
  'integrity-only': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

const purgeOptions = {
  ...dataDirOption,
  ...signerOptions,
  'older-than': { type: 'string' },
  'postgres-url': { type: 'string' },
  'postgres-schema': { type: 'string' },
  'index-schema': { type: 'string' },
} as const;

type ExportValues = Parsed<typeof exportOptions>['values'];
type VerifyValues = Parsed<typeof verifyOptions>['values'];
type PurgeValues = Parsed<typeof purgeOptions>['values'];

function fail(message: string): never {
  throw new UsageError(message);
}

/** The checkpoint key, wherever the gateway keeps it (export manifests and tombstones are signed with it). */
function checkpointSigner(v: { 'signer-file'?: string; 'signer-env'?: string }, dataDir: string): CheckpointSigner {
  if (v['signer-file']) return loadCheckpointSigner({ file: v['signer-file'] }, dataDir);
  if (v['signer-env']) return loadCheckpointSigner({ env: v['signer-env'] }, dataDir);
  return loadOrCreateSigningKeys(dataDir);
}

/** Opens the log of a data directory for reading; the origin comes from the stored verifier key. */
async function openForReading(v: ExportValues): Promise<{ log: AuditLog; dataDir: string }> {
  const dataDir = resolve(v['data-dir']!);
  const vkey = readVerifierKey(auditDir(dataDir));
  if (!vkey && !v['postgres-url']) throw new Error(`no audit log under ${dataDir}`);
  const keys = checkpointSigner(v, dataDir);
  const origin = vkey?.split('+')[0] ?? 'termsgate.local/audit';
  const postgresUrl = v['postgres-url'];
  const log = await openAuditLog({
    dataDir,
    keys,
    readOnly: true,
    audit: { backend: postgresUrl ? 'postgres' : 'file', postgresUrl, schema: v['postgres-schema'], origin, checkpointIntervalMs: 0, syncIntervalMs: 5 },
  });
  return { log, dataDir };
}

/** A key given as a file holding it or as the key itself. */
function readKeyArg(value: string): string {
  return (existsSync(value) ? readFileSync(value, 'utf8') : value).trim();
}

/** A checkpoint note, as saved (the note itself, a witness's state, or the JSON of GET /admin/v1/audit/checkpoint). */
function readCheckpointFile(path: string): string {
  const text = readFileSync(path, 'utf8');
  return text.trimStart().startsWith('{') ? (JSON.parse(text) as { note: string }).note : text;
}

function trustAnchors(v: VerifyValues): TrustAnchors {
  const witnessKeys = (v['witness-key'] ?? []).map(readKeyArg);
  const quorum = v.quorum === undefined ? witnessKeys.length : Number(v.quorum);
  if (!Number.isInteger(quorum) || quorum < 0 || quorum > witnessKeys.length) throw new Error(`--quorum must be an integer from 0 to the number of --witness-key (${witnessKeys.length})`);
  if (witnessKeys.length > 0 && quorum === 0) throw new Error('--quorum 0 would trust no witness');
  const interval = Number(v['checkpoint-interval']);
  if (!Number.isFinite(interval) || interval <= 0) throw new Error('--checkpoint-interval must be a positive number of milliseconds');
  return {
    verifierKey: v.key === undefined ? undefined : readKeyArg(v.key),
    witnessKeys,
    quorum,
    trustedCheckpoint: v['trusted-checkpoint'] === undefined ? undefined : readCheckpointFile(v['trusted-checkpoint']),
    // A crash may leave up to one interval unsigned; twice that absorbs timer delay under load.
    maxTailMs: 2 * interval,
  };
}

const UNPINNED: VerifyProblem = {
  kind: 'checkpoint',
  seq: null,
  message: 'nothing pinned: give --key, --witness-key or --trusted-checkpoint (held apart from the data), or --integrity-only to check against the key the data carries',
};

async function runExport(v: ExportValues): Promise<number> {
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
    const trusted = v['trusted-checkpoint'] === undefined ? undefined : checkpointOfNote(readCheckpointFile(v['trusted-checkpoint'])).size;
    const bar = progress('audit export', 'records exported');
    const manifest = await exportAudit(log, { format, filter, checkpoint, out: v.out ?? process.stdout, consistentWith: trusted, onProgress: bar.update }).finally(bar.stop);
    process.stderr.write(`exported ${manifest.count} records against checkpoint of size ${checkpoint.size}\n`);
    return 0;
  } finally {
    await log.close();
  }
}

function describe(problem: VerifyProblem | null): string {
  return problem ? `FAILED (${problem.kind}${problem.seq === null ? '' : `, first bad record seq ${problem.seq}`}): ${problem.message}` : 'OK';
}

function trustNote(a: TrustAnchors): string {
  const parts = [a.verifierKey ? 'pinned key' : '', a.witnessKeys.length ? `${a.quorum} of ${a.witnessKeys.length} witnesses` : '', a.trustedCheckpoint ? `trusted checkpoint of size ${checkpointOfNote(a.trustedCheckpoint).size}` : ''];
  return parts.filter(Boolean).join(', ') || 'integrity only: checked against the key the data carries';
}

async function runVerify(v: VerifyValues, positionals: string[]): Promise<number> {
  const anchors = trustAnchors(v);
  // Fail closed: what the data directory or the export says about its own key proves nothing to an auditor.
  const unpinned = !isPinned(anchors) && !v['integrity-only'];
  const target = positionals[0];
  if (target !== undefined) {
    if (!existsSync(target)) return fail(`no such file: ${target}`);
    const bar = progress('audit verify', 'records checked');
    const report = await verifyExport(target, { trust: anchors, onProgress: bar.update }).finally(bar.stop);
    if (unpinned && report.ok) Object.assign(report, { ok: false, problem: UNPINNED });
    if (v.json) process.stdout.write(JSON.stringify(report) + '\n');
    else {
      process.stdout.write(`${target}: ${report.format} export, ${report.records} records, checkpoint size ${report.treeSize} (${trustNote(anchors)}): ${describe(report.problem)}\n`);
      // What the export is shown to cover (or, for an old manifest, that this is unproven), once it verified.
      if (report.ok && report.coverage) process.stdout.write(`coverage: ${report.coverage.note}\n`);
    }
    return report.ok ? 0 : 1;
  }
  const dataDir = resolve(v['data-dir']!);
  if (!existsSync(auditDir(dataDir))) return fail(`no audit log under ${dataDir}`);
  const bar = progress('audit verify', 'records checked');
  const report = await verifyStore(dataDir, { trust: anchors, onProgress: bar.update }).finally(bar.stop);
  if (unpinned && report.ok) Object.assign(report, { ok: false, problem: UNPINNED });
  if (v.json) process.stdout.write(JSON.stringify(report) + '\n');
  else {
    process.stdout.write(
      `${dataDir}: ${report.records} records, ${report.checkpoints} checkpoints (verified up to size ${report.verifiedSize}), ${report.contentChecked} content items checked, ${report.contentPurged} purged by retention (${trustNote(anchors)}): ${describe(report.problem)}\n`,
    );
    const tail = report.unverifiedTail;
    if (tail) process.stdout.write(`unverified tail: ${tail.records} records (seq ${tail.fromSeq}..${tail.toSeq}, newest ${tail.lastTime}) beyond the newest checkpoint (${tail.checkpointTime ?? 'none'})\n`);
    for (const w of report.warnings) process.stdout.write(`warning: ${w}\n`);
  }
  return report.ok ? 0 : 1;
}

/** A schema name as the configuration allows it (it is spelt into SQL). */
const SCHEMA = /^[a-z_][a-z0-9_]*$/;

async function runPurge(v: PurgeValues): Promise<number> {
  const cutoff = v['older-than'] ? new Date(v['older-than']) : null;
  if (!cutoff || Number.isNaN(cutoff.getTime())) return fail('--older-than needs a time (RFC 3339)');
  if (v['postgres-url']) return runFleetPurge(v, v['postgres-url'], cutoff);
  const dataDir = resolve(v['data-dir']!);
  const audit = auditDir(dataDir);
  const vkey = readVerifierKey(audit);
  if (!vkey) return fail(`no audit log under ${dataDir}`);
  const signer = checkpointSigner(v, dataDir);
  if (verifierPublicKey(vkey).compare(signer.publicKeyRaw) !== 0) return fail('the signing key is not the log\'s checkpoint key (give --signer-file or --signer-env as configured in audit.signer)');
  const { ContentStore } = await import('../audit/file/content-store.js');
  const { purgeContent } = await import('../audit/file/retention.js');
  const purged = await purgeContent(audit, new ContentStore(contentDir(audit)), cutoff, signer);
  process.stdout.write(`purged ${purged} content items stored before ${cutoff.toISOString()}, each with a signed tombstone\n`);
  // Retention applies to the fingerprint index as to content: outputs served before the cutoff are forgotten.
  const { purgeIndex } = await import('../provenance/provenance.js');
  process.stdout.write(`purged ${await purgeIndex(dataDir, cutoff)} outputs served before ${cutoff.toISOString()} from the fingerprint index\n`);
  // And to the meaning index: each semantic log is purged here, or by the gateway that holds it.
  const { purgeMeaning } = await import('../provenance/semantic/semantic-provenance.js');
  const meaning = await purgeMeaning(dataDir, cutoff);
  process.stdout.write(`purged ${meaning.forgotten} outputs served before ${cutoff.toISOString()} from the meaning index\n`);
  for (const p of meaning.pending) process.stdout.write(`${p.outputs} more in ${p.log}: ${p.reason}, which forgets them within provenance.semantic.retentionCheckMs\n`);
  return 0;
}

/** A fleet's retention: content rows of the PostgreSQL log, and the fingerprint index's and meaning index's rows, whose cutoff every replica applies to its copies. */
async function runFleetPurge(v: PurgeValues, postgresUrl: string, cutoff: Date): Promise<number> {
  const schema = v['postgres-schema'] ?? 'public';
  const indexSchema = v['index-schema'] ?? schema;
  for (const [flag, name] of [['--postgres-schema', schema], ['--index-schema', indexSchema]]) if (!SCHEMA.test(name)) return fail(`${flag} must match ${SCHEMA.source}`);
  const dataDir = resolve(v['data-dir']!);
  const log = await openAuditLog({ dataDir, keys: checkpointSigner(v, dataDir), readOnly: true, audit: { backend: 'postgres', postgresUrl, schema, origin: 'termsgate.local/audit', checkpointIntervalMs: 0, syncIntervalMs: 5 } });
  try {
    process.stdout.write(`purged ${await log.purgeContent(cutoff)} content items stored before ${cutoff.toISOString()} from the PostgreSQL log\n`);
  } finally {
    await log.close();
  }
  const { purgeFleetIndex } = await import('../provenance/index/postgres/pg-backend.js');
  process.stdout.write(`purged ${await purgeFleetIndex(postgresUrl, indexSchema, cutoff)} outputs served before ${cutoff.toISOString()} from the fleet's fingerprint index (each replica applies the cutoff when it next follows)\n`);
  const { purgeFleetMeaning } = await import('../provenance/semantic/meaning-rows.js');
  process.stdout.write(`purged ${await purgeFleetMeaning(postgresUrl, indexSchema, cutoff)} outputs served before ${cutoff.toISOString()} from the fleet's meaning rows (each replica forgets its copies when it next follows)\n`);
  return 0;
}

const cli = subcommands('termsgate audit', {
  export: command({
    name: 'termsgate audit export',
    synopsis: `termsgate audit export [--data-dir DIR] --format jsonl|csv|parquet [--from T] [--to T] [--team T]
                         [--model M] [--decision allow|deny] [--out FILE] [--postgres-url URL [--postgres-schema S]]
                         [--signer-file PEM | --signer-env VAR] [--trusted-checkpoint FILE]`,
    detail: `  --signer-file, --signer-env   the gateway's audit.signer
  --trusted-checkpoint          adds a consistency proof from that checkpoint
  --postgres-schema             the gateway's audit.schema (default public)`,
    options: exportOptions,
    required: ['format'],
    run: ({ values }) => runExport(values),
  }),
  verify: command({
    name: 'termsgate audit verify',
    synopsis: `termsgate audit verify [--data-dir DIR | EXPORT_FILE] [--json]
                         [--key FILE] [--witness-key FILE ... --quorum N] [--trusted-checkpoint FILE]
                         [--checkpoint-interval MS] | --integrity-only`,
    detail: 'exit status: 0 verified, 1 not (nothing pinned is not verified: give --key, --witness-key or --trusted-checkpoint)',
    options: verifyOptions,
    positionals: ['[EXPORT_FILE]'],
    run: ({ values, positionals }) => runVerify(values, positionals),
  }),
  'purge-content': command({
    name: 'termsgate audit purge-content',
    synopsis: 'termsgate audit purge-content --older-than T [--data-dir DIR] [--signer-file PEM | --signer-env VAR] | --older-than T --postgres-url URL [--postgres-schema S] [--index-schema S]',
    options: purgeOptions,
    required: ['older-than'],
    run: ({ values }) => runPurge(values),
  }),
});

export const run = (args: string[]): Promise<number> => cli.run(args);
