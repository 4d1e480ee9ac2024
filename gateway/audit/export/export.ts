// Streams an export of the audit log (JSONL, CSV or Parquet) in bounded memory. Each record carries
// its inclusion proof against one signed checkpoint and its link of a hash chain; the export ends
// with a signed manifest. Formats and verification: gateway/audit/README.md.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { AuditLog, StoredEntry } from '../audit-log.js';
import type { SignedCheckpoint } from '../../tlog/checkpoint.js';
import { csvRow } from './csv.js';
import { CHAIN_START, coverageOf, EXPORT_FORMAT, nextChain, signManifest, type ExportHeader, type ExportManifest } from './manifest.js';
import { recordMatcher, type RecordFilter } from '../filter.js';
import { leafHash, RangeHasher } from '../../tlog/merkle.js';
import { indexFields, isChangeRecord } from '../../core/record-kind.js';

export type ExportFormat = 'jsonl' | 'csv' | 'parquet';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'csv', 'parquet'];

export interface ExportRow {
  entry: StoredEntry;
  /** The record's canonical JSON, cut from the leaf bytes. */
  recordJson: string;
  proof: Buffer[];
  chain: Buffer;
}

/** A run of leaves the filter left out: count leaves from seq, as the hashes of rangeSubtrees(seq, seq + count). */
export interface OmittedRun {
  omitted: true;
  seq: number;
  count: number;
  hashes: Buffer[];
}

export type ExportItem = ExportRow | OmittedRun;
export const isOmitted = (item: ExportItem): item is OmittedRun => 'omitted' in item;

// Small batches keep little garbage alive across awaits (peak RSS), and are no slower.
const BATCH = 250;
// Parquet row groups: peak memory grows with the group (≈ 20 kB per row while encoding), so keep them small.
const ROW_GROUP = 2000;

/** The leaf is canonical {"record":…,"seq":n}; the record's canonical JSON is the part between. */
function recordJsonOf(entry: StoredEntry): string {
  const text = entry.leaf.toString('utf8');
  return text.slice('{"record":'.length, text.length - `,"seq":${entry.seq}}`.length);
}

/**
 * Every leaf below the checkpoint's size, in order, in batches: a selected record with its proof, or a
 * run of leaves the filter left out as aligned subtree hashes (O(log n) hashes a run), so that a verifier
 * can recompute the signed root from the records and the omitted hashes. The leaves below fromSeq are not
 * read: their run starts from the stored tree's subtree hashes (O(log n) nodes, however far fromSeq is).
 */
export async function* exportRows(log: AuditLog, checkpoint: SignedCheckpoint, filter: RecordFilter): AsyncGenerator<ExportItem[]> {
  const match = recordMatcher(filter);
  const fromSeq = filter.fromSeq ?? 0;
  const toSeq = filter.toSeq ?? Infinity;
  let left = filter.limit ?? Infinity;
  let chain: Buffer = CHAIN_START;
  let items: ExportItem[] = [];
  let selected: StoredEntry[] = [];
  const skipped = Math.min(fromSeq, checkpoint.size);
  let run: RangeHasher | null = skipped > 0 ? RangeHasher.resume(0, skipped, await log.rangeHashes(0, skipped)) : null;
  const endRun = () => {
    if (run && run.end > run.start) items.push({ omitted: true, seq: run.start, count: run.end - run.start, hashes: run.hashes() });
    run = null;
  };
  const flush = async (): Promise<ExportItem[]> => {
    const proofs = await log.inclusionProofs(selected.map((e) => e.seq), checkpoint.size);
    let k = 0;
    const out = items.map((item) => {
      if (isOmitted(item)) return item;
      const entry = (item as { entry: StoredEntry }).entry;
      chain = nextChain(chain, leafHash(entry.leaf));
      return { entry, recordJson: recordJsonOf(entry), proof: proofs[k++], chain };
    });
    items = [];
    selected = [];
    return out;
  };
  for await (const entry of log.query({ fromSeq: skipped, toSeq: checkpoint.size })) {
    if (entry.seq >= fromSeq && entry.seq < toSeq && left > 0 && match(entry.record)) {
      endRun();
      left--;
      selected.push(entry);
      // Proofs are filled in by flush(), in the same order.
      items.push({ entry } as ExportRow);
      if (selected.length >= BATCH) yield await flush();
    } else {
      run ??= new RangeHasher(entry.seq);
      run.append(leafHash(entry.leaf));
    }
  }
  endRun();
  if (items.length > 0) yield await flush();
}

const b64 = (hashes: Buffer[]) => hashes.map((h) => h.toString('base64'));

export const CSV_COLUMNS = ['seq', 'time', 'decision_id', 'phase', 'team', 'project', 'key_id', 'endpoint', 'provider', 'model', 'decision', 'status', 'policy_revision', 'licence', 'trainable', 'record', 'proof', 'chain'] as const;
/** First field of the CSV row that carries the manifest, after the last record. */
export const CSV_MANIFEST_MARK = '#manifest';

/** A change fills the call columns it has an equivalent for: its id, `change` as the phase, the actor as the key, the action as the endpoint. */
function csvRecordRow(r: ExportRow): string {
  const rec = r.entry.record;
  const tail = [r.recordJson, b64(r.proof).join(' '), r.chain.toString('base64')];
  if (isChangeRecord(rec)) {
    return csvRow([String(r.entry.seq), rec.time, rec.change_id, 'change', '', '', rec.actor.id, rec.action, '', '', '', '', '', '', '', ...tail]);
  }
  return csvRow([
    String(r.entry.seq), rec.time, rec.decision_id, rec.phase, rec.principal.team, rec.principal.project, rec.principal.key_id, rec.endpoint,
    rec.provider ?? '', rec.model ?? '', rec.decision, String(rec.status), rec.policy_revision ?? '', rec.licence ?? '', String(rec.trainable),
    ...tail,
  ]);
}

/**
 * Writes with backpressure; rejects once the destination is closed or failed (the auditor went away), so an
 * abandoned export stops reading the log and closes its files instead of waiting for a drain that never comes.
 */
async function write(out: Writable, text: string): Promise<void> {
  if (out.destroyed) throw new Error('the export was closed before it was complete');
  if (out.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', drained).off('close', closed).off('error', done);
      if (err) reject(err);
      else resolve();
    };
    const drained = () => done();
    const closed = () => done(new Error('the export was closed before it was complete'));
    out.once('drain', drained).once('close', closed).once('error', done);
  });
}

export interface ExportOptions {
  format: ExportFormat;
  filter?: RecordFilter;
  /** The checkpoint to cut the export against; defaults to signing a fresh one. */
  checkpoint?: SignedCheckpoint;
  /** Where to write: a stream (jsonl, csv) or a file path (any format; Parquet needs one). */
  out: Writable | string;
  /** The size of a checkpoint the recipient trusts: the export then carries a consistency proof from it. */
  consistentWith?: number;
  /** Called with the number of records written so far, once per batch. */
  onProgress?: (records: number) => void;
}

/** First field of the CSV row that carries an omitted run: `#omitted,<seq>,<count>,<hashes>`. */
export const CSV_OMITTED_MARK = '#omitted';

export async function exportAudit(log: AuditLog, opts: ExportOptions): Promise<ExportManifest> {
  const checkpoint = opts.checkpoint ?? (await log.checkpoint());
  const filter = opts.filter ?? {};
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    checkpoint: checkpoint.note,
    verifier_key: log.verifierKey,
    filter,
    created: new Date().toISOString(),
    coverage: coverageOf(filter),
  };
  if (opts.consistentWith !== undefined) {
    if (opts.consistentWith > checkpoint.size) throw new Error(`the trusted checkpoint (size ${opts.consistentWith}) is beyond the log's latest checkpoint (size ${checkpoint.size})`);
    header.consistency = { from: opts.consistentWith, proof: (await log.consistencyProof(opts.consistentWith, checkpoint.size)).proof };
  }
  let count = 0;
  let omitted = 0;
  let chain: Buffer = CHAIN_START;
  const rows = exportRows(log, checkpoint, filter);
  const take = (item: ExportItem) => {
    if (isOmitted(item)) {
      omitted += item.count;
    } else {
      count++;
      chain = item.chain;
    }
  };
  const finish = () => signManifest(header, count, chain, (d) => log.signExport(d), omitted);

  if (opts.format === 'parquet') {
    if (typeof opts.out !== 'string') throw new Error('a Parquet export needs a file path');
    // Loaded on demand: tap's module resolver cannot resolve hyparquet's subpath exports.
    const { fileWriter, ParquetWriter } = await import('hyparquet-writer');
    // A row is a record, or a run of omitted leaves: `omitted` its length, `proof` its subtree hashes, the rest null.
    const writer = new ParquetWriter({
      writer: fileWriter(opts.out),
      schema: [
        { name: 'root', num_children: 10 },
        { name: 'seq', type: 'INT64', repetition_type: 'REQUIRED' },
        { name: 'time', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'decision_id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'team', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'model', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'decision', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'record', type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'OPTIONAL' },
        { name: 'proof', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
        { name: 'chain', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'omitted', type: 'INT64', repetition_type: 'OPTIONAL' },
      ],
      statistics: false,
    });
    // Memory stays bounded by one row group. Unique-valued columns are
    // written PLAIN: trying a dictionary for them only costs memory.
    let group: ExportItem[] = [];
    const flushGroup = async () => {
      if (group.length === 0) return;
      const col = <T>(f: (r: ExportRow) => T, o: (r: OmittedRun) => T | null = () => null) => group.map((i) => (isOmitted(i) ? o(i) : f(i)));
      await writer.write({
        rowGroupSize: group.length,
        columnData: [
          { name: 'seq', data: group.map((i) => BigInt(isOmitted(i) ? i.seq : i.entry.seq)) },
          { name: 'time', encoding: 'PLAIN', data: col((r) => r.entry.record.time) },
          { name: 'decision_id', encoding: 'PLAIN', data: col((r) => indexFields(r.entry.record).id) },
          { name: 'team', data: col((r) => indexFields(r.entry.record).team) },
          { name: 'model', data: col((r) => indexFields(r.entry.record).model) },
          { name: 'decision', data: col((r) => indexFields(r.entry.record).decision) },
          { name: 'record', encoding: 'PLAIN', data: col((r) => r.recordJson) },
          { name: 'proof', encoding: 'PLAIN', data: col((r) => b64(r.proof).join(' '), (o) => b64(o.hashes).join(' ')) },
          { name: 'chain', encoding: 'PLAIN', data: col((r) => r.chain.toString('base64')) },
          { name: 'omitted', data: col(() => null, (o) => BigInt(o.count)) },
        ],
      });
      group = [];
    };
    for await (const batch of rows) {
      for (const item of batch) {
        group.push(item);
        take(item);
      }
      if (group.length >= ROW_GROUP) await flushGroup();
      opts.onProgress?.(count);
    }
    await flushGroup();
    const manifest = await finish();
    writer.kvMetadata = [{ key: 'termsgate.manifest', value: JSON.stringify(manifest) }];
    await writer.finish();
    return manifest;
  }

  const { createWriteStream } = await import('node:fs');
  const out = typeof opts.out === 'string' ? createWriteStream(opts.out) : opts.out;
  if (opts.format === 'jsonl') await write(out, JSON.stringify({ type: 'header', ...header }) + '\n');
  else await write(out, csvRow([...CSV_COLUMNS]));
  for await (const batch of rows) {
    let text = '';
    for (const item of batch) {
      if (isOmitted(item)) {
        text +=
          opts.format === 'jsonl'
            ? `{"type":"omitted","seq":${item.seq},"count":${item.count},"hashes":${JSON.stringify(b64(item.hashes))}}\n`
            : csvRow([CSV_OMITTED_MARK, String(item.seq), String(item.count), b64(item.hashes).join(' ')]);
      } else {
        text +=
          opts.format === 'jsonl'
            ? `{"type":"record","seq":${item.entry.seq},"record":${item.recordJson},"proof":${JSON.stringify(b64(item.proof))},"chain":"${item.chain.toString('base64')}"}\n`
            : csvRecordRow(item);
      }
      take(item);
    }
    await write(out, text);
    opts.onProgress?.(count);
  }
  const manifest = await finish();
  if (opts.format === 'jsonl') {
    const { count: c, omitted: o, chain: ch, signature } = manifest;
    await write(out, JSON.stringify({ type: 'trailer', count: c, omitted: o, chain: ch, signature }) + '\n');
  } else {
    await write(out, csvRow([CSV_MANIFEST_MARK, JSON.stringify(manifest)]));
  }
  if (typeof opts.out === 'string') {
    out.end();
    await once(out, 'finish');
  }
  return manifest;
}
