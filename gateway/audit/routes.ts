// Control-plane routes of the audit log (/admin/v1/audit/…), for tokens with role auditor (or admin).
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RoleGuard } from '../core/control-plane.js';
import type { CallRecord } from '../core/contracts.js';
import { sendError } from '../core/errors.js';
import type { AuditLog } from './audit-log.js';
import { StatsAccumulator } from './stats.js';
import { USAGE_GROUPS, UsageAccumulator, type UsageGroup } from './usage.js';
import { witnessStatus, type WitnessPolicy } from './witnessing/status.js';
import { openCheckpoint, type SignedCheckpoint } from '../tlog/checkpoint.js';
import { encodeLeaf, type LogEntry } from '../tlog/leaf.js';
import { leafHash, verifyInclusion } from '../tlog/merkle.js';
import { EXPORT_FORMATS, exportAudit, type ExportFormat } from './export/export.js';
import type { RecordFilter } from './filter.js';

export interface AuditRoutesDeps {
  log: AuditLog;
  auth: RoleGuard;
  /** The witnesses whose cosignatures a checkpoint needs (audit.witnesses); none when absent. */
  witnesses?: WitnessPolicy;
}

type Query = Record<string, string | undefined>;

const CONTENT_TYPES: Record<ExportFormat, string> = {
  jsonl: 'application/x-ndjson',
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

function badRequest(reply: FastifyReply, message: string) {
  return sendError(reply, 'bad_request', 'control', message);
}

function intParam(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a non-negative integer: ${value}`);
  return n;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const PHASES = ['started', 'completed', 'incomplete', 'denied', 'failed'] as const;

function phasesOf(value: string | undefined): RecordFilter['phases'] {
  if (value === undefined) return undefined;
  const phases = value.split(',');
  for (const p of phases) if (!(PHASES as readonly string[]).includes(p)) throw new RangeError(`phase must be one or more of ${PHASES.join(', ')}`);
  return phases as RecordFilter['phases'];
}

function filterFrom(q: Query): RecordFilter {
  if (q.decision !== undefined && q.decision !== 'allow' && q.decision !== 'deny') throw new RangeError('decision must be allow or deny');
  for (const t of ['from', 'to'] as const) if (q[t] !== undefined && Number.isNaN(Date.parse(q[t]!))) throw new RangeError(`${t} is not a time`);
  if (q.kind !== undefined && q.kind !== 'call' && q.kind !== 'change') throw new RangeError('kind must be call or change');
  const f: RecordFilter = {
    kind: q.kind as RecordFilter['kind'],
    from: q.from,
    to: q.to,
    team: q.team,
    keyId: q.key,
    model: q.model,
    purpose: q.purpose,
    rule: q.rule,
    dataClass: q.data_class,
    decision: q.decision as RecordFilter['decision'],
    phases: phasesOf(q.phase),
    decisionId: q.decision_id,
    fromSeq: intParam(q.from_seq),
  };
  for (const k of Object.keys(f) as (keyof RecordFilter)[]) if (f[k] === undefined) delete f[k];
  return f;
}

async function proofStatus(log: AuditLog, entry: LogEntry, cp: SignedCheckpoint, witnesses: WitnessPolicy | undefined) {
  let signatureVerified = true;
  try {
    openCheckpoint(cp.note, log.verifierKey);
  } catch {
    signatureVerified = false;
  }
  const proof = await log.inclusionProof(entry.seq, cp.size);
  const leaf = encodeLeaf(entry.seq, entry.record);
  const inclusionVerified = verifyInclusion(leafHash(leaf), entry.seq, cp.size, proof.proof.map((h) => Buffer.from(h, 'base64')), cp.root);
  const witnessed = witnesses ? witnessStatus(cp.note, witnesses) : null;
  return {
    status: signatureVerified && inclusionVerified && (witnessed?.ok ?? true) ? 'verified' : 'failed',
    signature_verified: signatureVerified,
    inclusion_verified: inclusionVerified,
    witnessed,
    leaf_hash: leafHash(leaf).toString('base64'),
    proof: proof.proof,
    checkpoint: checkpointBody(cp, log.verifierKey),
  };
}

const checkpointBody = (cp: SignedCheckpoint, verifierKey: string) => ({ origin: cp.origin, size: cp.size, root: cp.root.toString('base64'), time: cp.time, note: cp.note, verifier_key: verifierKey });

export async function auditAdminRoutes(app: FastifyInstance, deps: AuditRoutesDeps): Promise<void> {
  const { log } = deps;
  const guard = { onRequest: deps.auth.require('auditor') };

  app.get('/admin/v1/audit/records', guard, async (req, reply) => {
    const q = req.query as Query;
    let filter: RecordFilter;
    let limit: number;
    try {
      filter = filterFrom(q);
      limit = Math.min(intParam(q.limit) ?? 100, 1000);
    } catch (err) {
      return badRequest(reply, (err as Error).message);
    }
    const records: { seq: number; record: unknown }[] = [];
    for await (const e of log.query({ ...filter, limit: limit + 1 })) records.push({ seq: e.seq, record: e.record });
    const more = records.length > limit;
    if (more) records.pop();
    return { records, next_from_seq: more ? records[records.length - 1].seq + 1 : null };
  });

  // Counts for the console's charts over a time range (default: the last 7 days), by hour or by day.
  // Calls, tokens and recorded cost by team, key, model or provider over [from, to).
  app.get('/admin/v1/usage', guard, async (req, reply) => {
    const q = req.query as Query;
    const by = (q.by ?? 'team') as UsageGroup;
    if (!(USAGE_GROUPS as readonly string[]).includes(by)) return badRequest(reply, `by must be one of ${USAGE_GROUPS.join(', ')}`);
    for (const t of ['from', 'to'] as const) if (q[t] !== undefined && Number.isNaN(Date.parse(q[t]!))) return badRequest(reply, `${t} is not a time`);
    const from = q.from === undefined ? undefined : new Date(q.from).toISOString();
    const to = q.to === undefined ? undefined : new Date(q.to).toISOString();
    const usage = new UsageAccumulator(by);
    for await (const e of log.query({ kind: 'call', from, to })) usage.add(e.record as CallRecord);
    return { by, from: from ?? null, to: to ?? null, rows: usage.rows() };
  });

  app.get('/admin/v1/audit/stats', guard, async (req, reply) => {
    const q = req.query as Query;
    if (q.bucket !== undefined && q.bucket !== 'hour' && q.bucket !== 'day') return badRequest(reply, 'bucket must be hour or day');
    let filter: RecordFilter;
    try {
      filter = filterFrom({ from: new Date(Date.now() - 7 * DAY_MS).toISOString(), ...q, phase: undefined });
    } catch (err) {
      return badRequest(reply, (err as Error).message);
    }
    const stats = new StatsAccumulator(q.bucket === 'hour' ? HOUR_MS : DAY_MS);
    for await (const e of log.query({ ...filter, kind: 'call' })) stats.add(e.record as CallRecord);
    return stats.result();
  });

  app.get('/admin/v1/audit/export', guard, async (req, reply) => {
    const q = req.query as Query;
    const format = (q.format ?? 'jsonl') as ExportFormat;
    if (!EXPORT_FORMATS.includes(format)) return badRequest(reply, `format must be one of ${EXPORT_FORMATS.join(', ')}`);
    let filter: RecordFilter;
    try {
      filter = filterFrom(q);
    } catch (err) {
      return badRequest(reply, (err as Error).message);
    }
    let consistentWith: number | undefined;
    try {
      consistentWith = intParam(q.consistent_with);
    } catch (err) {
      return badRequest(reply, (err as Error).message);
    }
    // Cut against a fresh checkpoint so the export covers everything recorded until now.
    const checkpoint = await log.checkpoint();
    if (consistentWith !== undefined && consistentWith > checkpoint.size) return badRequest(reply, `consistent_with ${consistentWith} is beyond the log (size ${checkpoint.size})`);
    reply.header('content-type', CONTENT_TYPES[format]);
    reply.header('content-disposition', `attachment; filename="audit-${checkpoint.size}.${format}"`);
    if (format === 'parquet') {
      // Parquet's footer comes last: build the file, then stream it.
      const dir = await mkdtemp(join(tmpdir(), 'termsgate-export-'));
      const path = join(dir, 'audit.parquet');
      await exportAudit(log, { format, filter, checkpoint, out: path, consistentWith });
      const stream = createReadStream(path);
      stream.on('close', () => void rm(dir, { recursive: true, force: true }));
      return reply.send(stream);
    }
    const stream = new PassThrough();
    // An auditor who goes away ends the export: it stops reading the log and closes what it opened.
    reply.raw.once('close', () => {
      if (!stream.writableFinished) stream.destroy();
    });
    exportAudit(log, { format, filter, checkpoint, out: stream, consistentWith }).then(
      () => stream.end(),
      (err: Error) => stream.destroy(err),
    );
    return reply.send(stream);
  });

  app.get('/admin/v1/audit/checkpoint', guard, async (_req, reply) => {
    const cp = await log.latestCheckpoint();
    if (!cp) return sendError(reply, 'not_found', 'control', 'no checkpoint has been signed yet');
    return checkpointBody(cp, log.verifierKey);
  });

  app.post('/admin/v1/audit/checkpoint', guard, async () => checkpointBody(await log.checkpoint(), log.verifierKey));

  app.get('/admin/v1/audit/proof/inclusion', guard, async (req, reply) => {
    const q = req.query as Query;
    try {
      const seq = intParam(q.seq);
      if (seq === undefined) return badRequest(reply, 'seq is required');
      return await log.inclusionProof(seq, intParam(q.tree_size));
    } catch (err) {
      if (err instanceof RangeError) return badRequest(reply, err.message);
      throw err;
    }
  });

  // A record's proof status: inclusion in the latest signed checkpoint, checked here against the
  // checkpoint's signature, so the console can say "verified" without trusting this answer's root.
  app.get('/admin/v1/audit/records/:seq/proof', guard, async (req, reply) => {
    let seq: number;
    try {
      seq = intParam((req.params as { seq: string }).seq)!;
    } catch (err) {
      return badRequest(reply, (err as Error).message);
    }
    const entry = await log.get(seq);
    if (!entry) return sendError(reply, 'not_found', 'control', `no record with seq ${seq}`);
    const cp = await log.latestCheckpoint();
    if (!cp || cp.size <= seq) {
      return { seq, status: 'pending', message: 'not yet covered by a signed checkpoint; the gateway signs one every few seconds', checkpoint: cp ? checkpointBody(cp, log.verifierKey) : null };
    }
    return { seq, ...(await proofStatus(log, entry, cp, deps.witnesses)) };
  });

  app.get('/admin/v1/audit/proof/consistency', guard, async (req, reply) => {
    const q = req.query as Query;
    try {
      const from = intParam(q.from);
      const to = intParam(q.to);
      if (from === undefined || to === undefined) return badRequest(reply, 'from and to are required');
      return await log.consistencyProof(from, to);
    } catch (err) {
      if (err instanceof RangeError) return badRequest(reply, err.message);
      throw err;
    }
  });

  app.get('/admin/v1/audit/content/:digest', guard, async (req, reply) => {
    const { digest } = req.params as { digest: string };
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) return badRequest(reply, 'digest must be sha256:<64 hex>');
    const content = await log.content(digest);
    if (content === null) return sendError(reply, 'not_found', 'control', 'no content under this digest (never stored, or purged by retention)');
    return { digest, content };
  });
}
