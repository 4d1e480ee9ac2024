// `audit verify EXPORT_FILE`: checks an export offline against its signed checkpoint and manifest
// and names the first bad record. Format is recognised from the file's first bytes.
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AuditRecord } from '../../core/contracts.js';
import { openCheckpoint, verifierPublicKey, type SignedCheckpoint } from '../../tlog/checkpoint.js';
import { parseCsvRow } from './csv.js';
import { CSV_COLUMNS, CSV_MANIFEST_MARK } from './export.js';
import { CHAIN_START, EXPORT_FORMAT, manifestSignatureValid, nextChain, type ExportHeader, type ExportManifest, type ExportTrailer } from './manifest.js';
import { recordMatcher } from '../filter.js';
import { encodeLeaf } from '../../tlog/leaf.js';
import { leafHash, verifyConsistency, verifyInclusionCached } from '../../tlog/merkle.js';
import { isPinned, openTrustedCheckpoint, quorumProblem, type TrustAnchors } from '../../tlog/trust.js';
import type { ProblemKind, VerifyProblem } from '../file/verify.js';

export interface ExportVerifyReport {
  ok: boolean;
  format: 'jsonl' | 'csv' | 'parquet' | 'unknown';
  records: number;
  treeSize: number;
  problem: VerifyProblem | null;
  /** Whether anything was pinned: without, the result proves integrity against the export's own key only. */
  pinned: boolean;
}

interface Row {
  seq: number;
  record: AuditRecord;
  proof: string[];
  chain: string;
}

class Stop extends Error {
  constructor(readonly problem: VerifyProblem) {
    super(problem.message);
  }
}
const stop = (kind: ProblemKind, seq: number | null, message: string) => new Stop({ kind, seq, message });

/** Checks rows in order against the header; returns the running state for the trailer check. */
class RowChecker {
  readonly cp: SignedCheckpoint;
  readonly #match: (r: AuditRecord) => boolean;
  count = 0;
  lastSeq = -1;
  chain: Buffer = CHAIN_START;
  /** A broken chain link waits one row: a lower seq next means reordering rather than removal. */
  #broken: VerifyProblem | null = null;
  readonly #proven = new Map<string, Buffer>();

  readonly #anchors: TrustAnchors;

  readonly #onProgress?: (records: number) => void;

  constructor(header: ExportHeader, anchors: TrustAnchors, onProgress?: (records: number) => void) {
    this.#onProgress = onProgress;
    if (header.format !== EXPORT_FORMAT) throw stop('checkpoint', null, `not a ${EXPORT_FORMAT} export`);
    this.#anchors = anchors;
    const pinnedKey = anchors.verifierKey?.trim();
    if (pinnedKey && header.verifier_key !== pinnedKey) throw stop('checkpoint', null, `the export carries the key ${header.verifier_key}, not the pinned key ${pinnedKey}`);
    try {
      this.cp = openCheckpoint(header.checkpoint, pinnedKey ?? header.verifier_key);
    } catch (err) {
      throw stop('checkpoint', null, `export checkpoint: ${(err as Error).message}`);
    }
    const q = quorumProblem(header.checkpoint, anchors);
    if (q) throw stop('witness', null, `the export's checkpoint (size ${this.cp.size}) is not witnessed: ${q}`);
    this.#checkTrusted(header);
    this.#match = recordMatcher(header.filter ?? {});
  }

  /** The export's tree must extend the trusted checkpoint, shown by the consistency proof it carries. */
  #checkTrusted(header: ExportHeader): void {
    let trusted;
    try {
      trusted = openTrustedCheckpoint(this.#anchors);
    } catch (err) {
      throw stop('checkpoint', null, `trusted checkpoint: ${(err as Error).message}`);
    }
    if (!trusted) return;
    const { cp } = this;
    if (trusted.origin !== cp.origin) throw stop('checkpoint', null, `the trusted checkpoint is of log ${trusted.origin}, not ${cp.origin}`);
    if (cp.size < trusted.size) throw stop('rollback', null, `the export was cut against a tree of ${cp.size} records, older than the trusted checkpoint of size ${trusted.size}`);
    if (cp.size === trusted.size) {
      if (!cp.root.equals(trusted.root)) throw stop('fork', null, `the export's checkpoint and the trusted one both have size ${cp.size} but different roots: the log was rewritten`);
      return;
    }
    const c = header.consistency;
    if (!c || c.from !== trusted.size) throw stop('fork', null, `the export carries no consistency proof from the trusted size ${trusted.size} to ${cp.size} (export it with --trusted-checkpoint)`);
    if (!verifyConsistency(trusted.size, cp.size, c.proof.map((h) => Buffer.from(h, 'base64')), trusted.root, cp.root)) {
      throw stop('fork', null, `the export's tree of size ${cp.size} is not a consistent extension of the trusted checkpoint of size ${trusted.size}: the log was rewritten`);
    }
  }

  check(row: Row): void {
    const { seq } = row;
    if (this.#broken) {
      if (seq < (this.#broken.seq ?? 0)) throw stop('out-of-order', seq, `record seq ${seq} comes after seq ${this.#broken.seq}: reordered`);
      throw new Stop(this.#broken);
    }
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= this.cp.size) throw stop('out-of-order', seq, `record seq ${seq} lies outside the checkpoint (size ${this.cp.size})`);
    if (seq <= this.lastSeq) throw stop('out-of-order', seq, `record seq ${seq} follows seq ${this.lastSeq}: inserted or reordered`);
    const lh = leafHash(encodeLeaf(seq, row.record));
    const proof = row.proof.map((h) => Buffer.from(h, 'base64'));
    if (!verifyInclusionCached(lh, seq, this.cp.size, proof, this.cp.root, this.#proven)) throw stop('altered', seq, `record seq ${seq} was altered (or forged): its inclusion proof does not lead to the signed root`);
    if (!this.#match(row.record)) throw stop('out-of-order', seq, `record seq ${seq} does not match the export's filter: inserted`);
    const chain = nextChain(this.chain, lh);
    if (chain.toString('base64') !== row.chain) {
      this.#broken = { kind: 'missing', seq, message: `the record(s) exported before seq ${seq} were removed (its chain link does not follow from the previous record)` };
    }
    this.chain = chain;
    this.lastSeq = seq;
    this.count++;
    if (this.count % 1000 === 0) this.#onProgress?.(this.count);
  }

  finish(trailer: ExportTrailer | null, header: ExportHeader): void {
    if (this.#broken) throw new Stop(this.#broken);
    if (!trailer) throw stop('truncated', this.lastSeq + 1, `the export ends after seq ${this.lastSeq} without its signed manifest: truncated`);
    const manifest: ExportManifest = { ...header, ...trailer };
    // Checked against the pinned key when there is one (the constructor made sure the header names it).
    if (!manifestSignatureValid(manifest, verifierPublicKey(this.#anchors.verifierKey ?? header.verifier_key))) throw stop('checkpoint', null, 'the export manifest signature is invalid');
    if (trailer.count !== this.count || trailer.chain !== this.chain.toString('base64')) {
      throw stop('truncated', this.lastSeq + 1, `the manifest lists ${trailer.count} records but ${this.count} follow in order: records after seq ${this.lastSeq} were removed (truncated)`);
    }
  }
}

function firstBytes(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(n);
    const got = readSync(fd, b, 0, n, 0);
    return b.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

async function verifyJsonl(path: string, anchors: TrustAnchors, onProgress?: (records: number) => void): Promise<RowChecker> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let checker: RowChecker | null = null;
  let header: ExportHeader | null = null;
  let trailer: ExportTrailer | null = null;
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line === '') continue;
    let obj: { type?: string } & Record<string, unknown>;
    try {
      obj = JSON.parse(line) as typeof obj;
    } catch {
      throw stop('damaged', checker ? checker.lastSeq + 1 : null, `line ${lineNo} is not JSON (after seq ${checker?.lastSeq ?? 'none'})`);
    }
    if (!checker) {
      if (obj.type !== 'header') throw stop('damaged', null, 'the export has no header line');
      header = obj as unknown as ExportHeader;
      checker = new RowChecker(header, anchors, onProgress);
    } else if (trailer) {
      throw stop('out-of-order', null, `line ${lineNo} follows the manifest: inserted`);
    } else if (obj.type === 'trailer') {
      trailer = obj as unknown as ExportTrailer;
    } else {
      checker.check(obj as unknown as Row);
    }
  }
  if (!checker || !header) throw stop('damaged', null, 'the export is empty');
  checker.finish(trailer, header);
  return checker;
}

async function verifyCsv(path: string, anchors: TrustAnchors, onProgress?: (records: number) => void): Promise<RowChecker> {
  // The manifest row is last; read it first from the end of the file.
  const size = statSync(path).size;
  const tailLen = Math.min(size, 64 * 1024);
  const fd = openSync(path, 'r');
  const tail = Buffer.alloc(tailLen);
  readSync(fd, tail, 0, tailLen, size - tailLen);
  closeSync(fd);
  const lastLine = tail.toString('utf8').trimEnd().split('\r\n').at(-1) ?? '';
  const lastFields = parseCsvRow(lastLine);
  let manifest: ExportManifest | null = null;
  if (lastFields && lastFields[0] === CSV_MANIFEST_MARK) manifest = JSON.parse(lastFields[1]) as ExportManifest;
  const header: ExportHeader | null = manifest;
  if (!header) {
    // Without the manifest there is no checkpoint to check the rows against.
    throw stop('truncated', null, 'the CSV export has no manifest row at its end: truncated');
  }
  const checker = new RowChecker(header, anchors, onProgress);
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let pending = '';
  let first = true;
  let sawManifest = false;
  const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
  for await (const line of lines) {
    const text = pending ? `${pending}\n${line}` : line;
    if (text === '') continue;
    const fields = parseCsvRow(text);
    if (!fields) {
      pending = text;
      continue;
    }
    pending = '';
    if (first) {
      first = false;
      if (fields.join(',') !== CSV_COLUMNS.join(',')) throw stop('damaged', null, 'the CSV header row is not the export header');
      continue;
    }
    if (sawManifest) throw stop('out-of-order', null, 'rows follow the manifest: inserted');
    if (fields[0] === CSV_MANIFEST_MARK) {
      sawManifest = true;
      continue;
    }
    let record: AuditRecord;
    try {
      record = JSON.parse(fields[col('record')] ?? '') as AuditRecord;
    } catch {
      throw stop('damaged', Number(fields[0]), `row of seq ${fields[0]} has an unreadable record`);
    }
    checker.check({ seq: Number(fields[0]), record, proof: (fields[col('proof')] ?? '').split(' ').filter(Boolean), chain: fields[col('chain')] ?? '' });
  }
  checker.finish(manifest, header);
  return checker;
}

async function verifyParquet(path: string, anchors: TrustAnchors, onProgress?: (records: number) => void): Promise<RowChecker> {
  // Loaded on demand: tap's module resolver cannot resolve hyparquet's subpath exports.
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import('hyparquet');
  const file = await asyncBufferFromFile(path);
  let metadata;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    throw stop('truncated', null, `the Parquet export is damaged or truncated: ${(err as Error).message}`);
  }
  const kv = metadata.key_value_metadata?.find((k) => k.key === 'termsgate.manifest');
  if (!kv?.value) throw stop('damaged', null, 'the Parquet export carries no termsgate.manifest');
  const manifest = JSON.parse(kv.value) as ExportManifest;
  const checker = new RowChecker(manifest, anchors, onProgress);
  let start = 0;
  for (const group of metadata.row_groups) {
    const end = start + Number(group.num_rows);
    const rows = (await parquetReadObjects({ file, metadata, columns: ['seq', 'record', 'proof', 'chain'], rowStart: start, rowEnd: end })) as Record<string, unknown>[];
    for (const r of rows) {
      let record: AuditRecord;
      try {
        record = (typeof r.record === 'string' ? JSON.parse(r.record) : r.record) as AuditRecord;
      } catch {
        throw stop('damaged', Number(r.seq), `row of seq ${String(r.seq)} has an unreadable record`);
      }
      checker.check({ seq: Number(r.seq), record, proof: String(r.proof ?? '').split(' ').filter(Boolean), chain: String(r.chain ?? '') });
    }
    start = end;
  }
  checker.finish(manifest, manifest);
  return checker;
}

export async function verifyExport(path: string, opts: { trust?: TrustAnchors; onProgress?: (records: number) => void } = {}): Promise<ExportVerifyReport> {
  const anchors: TrustAnchors = opts.trust ?? { witnessKeys: [], quorum: 0, maxTailMs: Infinity };
  const head = firstBytes(path, 4).toString('latin1');
  const format = head === 'PAR1' ? 'parquet' : head.startsWith('{') ? 'jsonl' : head.startsWith('seq,') ? 'csv' : 'unknown';
  const report: ExportVerifyReport = { ok: false, format, records: 0, treeSize: 0, problem: null, pinned: isPinned(anchors) };
  try {
    if (format === 'unknown') throw stop('damaged', null, 'not a termsgate audit export (JSONL, CSV or Parquet)');
    const checker = format === 'parquet' ? await verifyParquet(path, anchors, opts.onProgress) : format === 'jsonl' ? await verifyJsonl(path, anchors, opts.onProgress) : await verifyCsv(path, anchors, opts.onProgress);
    report.records = checker.count;
    report.treeSize = checker.cp.size;
    report.ok = true;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    report.problem = err.problem;
  }
  return report;
}
