// `audit verify EXPORT_FILE`: checks an export offline against its signed checkpoint and manifest
// and names the first bad record. Format is recognised from the file's first bytes.
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AuditRecord } from '../../core/contracts.js';
import { openCheckpoint, verifierPublicKey, type SignedCheckpoint } from '../../tlog/checkpoint.js';
import { parseCsvRow } from './csv.js';
import { CSV_COLUMNS, CSV_MANIFEST_MARK, CSV_OMITTED_MARK } from './export.js';
import { CHAIN_START, coverageOf, EXPORT_FORMAT, EXPORT_FORMAT_V1, manifestSignatureValid, nextChain, type ExportHeader, type ExportManifest, type ExportTrailer } from './manifest.js';
import { recordMatcher, type RecordFilter } from '../filter.js';
import { encodeLeaf } from '../../tlog/leaf.js';
import { Frontier, leafHash, rangeSubtrees, verifyConsistency, verifyInclusionCached } from '../../tlog/merkle.js';
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
  /** What the export is shown to cover, once its manifest was read. */
  coverage: ExportCoverageReport | null;
}

/** What verification showed about the records an export leaves out. */
export interface ExportCoverageReport {
  version: 1 | 2;
  filter: RecordFilter;
  firstSeq: number;
  /** Every record from firstSeq to the checkpoint's size − 1 is in the export, contiguous. */
  complete: boolean;
  /** Leaves carried as hashes only (v2), all accounted for in the recomputed root. */
  omitted: number;
  /** The sentence `audit verify` prints about completeness. */
  note: string;
}

interface Row {
  seq: number;
  record: AuditRecord;
  proof: string[];
  chain: string;
}

/** A run of omitted leaves as the export carries it. */
interface Omitted {
  seq: number;
  count: number;
  hashes: string[];
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
  readonly v2: boolean;
  readonly firstSeq: number = 0;
  readonly complete: boolean = false;
  readonly filter: RecordFilter;
  /** v2: the next leaf position the export must account for, and the tree rebuilt from records and omitted hashes. */
  pos = 0;
  omitted = 0;
  readonly #tree = new Frontier();
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
    if (header.format !== EXPORT_FORMAT && header.format !== EXPORT_FORMAT_V1) throw stop('checkpoint', null, `not a ${EXPORT_FORMAT} export`);
    this.v2 = header.format === EXPORT_FORMAT;
    // A v1 manifest states no coverage: whoever holds the log key can leave records out of one unseen.
    // Pinned trust is an auditor's check, so it refuses v1; --integrity-only still reads it, with a note.
    if (!this.v2 && isPinned(anchors)) {
      throw stop('missing', null, `the manifest is ${EXPORT_FORMAT_V1}, which cannot show that no record was left out of the export: re-export it (${EXPORT_FORMAT}), or check its integrity alone with --integrity-only`);
    }
    if (this.v2) {
      const expected = coverageOf(header.filter ?? {});
      const c = header.coverage;
      if (!c || c.first_seq !== expected.first_seq || c.complete !== expected.complete) {
        throw stop('damaged', null, `the manifest's coverage ${JSON.stringify(c ?? null)} does not follow from its filter ${JSON.stringify(header.filter ?? {})} (expected ${JSON.stringify(expected)})`);
      }
      this.firstSeq = c.first_seq;
      this.complete = c.complete;
    }
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
    this.filter = header.filter ?? {};
    this.#match = recordMatcher(this.filter);
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

  /** v2: the next item must start at this.pos; a later start leaves leaves unaccounted for, an earlier one repeats them. */
  #position(seq: number, what: string): void {
    if (!this.v2) return;
    if (seq < this.pos) throw stop('out-of-order', seq, `${what} seq ${seq} comes where seq ${this.pos} belongs: duplicated or reordered`);
    if (seq > this.pos && !this.#broken) {
      const hole = seq - this.pos === 1 ? 'it is' : `seqs ${this.pos}..${seq - 1} are`;
      this.#broken = {
        kind: 'missing',
        seq: this.pos,
        message: `seq ${this.pos} is missing: ${hole} in neither the export nor an omitted hash (the next item is seq ${seq}), so the export does not account for all ${this.cp.size} leaves of its checkpoint`,
      };
    }
  }

  check(row: Row): void {
    const { seq } = row;
    if (this.#broken) {
      if (seq < this.lastSeq) throw stop('out-of-order', seq, `record seq ${seq} comes after seq ${this.lastSeq}: reordered`);
      throw new Stop(this.#broken);
    }
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= this.cp.size) throw stop('out-of-order', seq, `record seq ${seq} lies outside the checkpoint (size ${this.cp.size})`);
    if (seq <= this.lastSeq) throw stop('out-of-order', seq, `record seq ${seq} follows seq ${this.lastSeq}: duplicated, inserted or reordered`);
    this.#position(seq, 'record');
    const lh = leafHash(encodeLeaf(seq, row.record));
    const proof = row.proof.map((h) => Buffer.from(h, 'base64'));
    if (!verifyInclusionCached(lh, seq, this.cp.size, proof, this.cp.root, this.#proven)) throw stop('altered', seq, `record seq ${seq} was altered (or forged): its inclusion proof does not lead to the signed root`);
    if (!this.#match(row.record) || seq < (this.filter.fromSeq ?? 0) || seq >= (this.filter.toSeq ?? Infinity)) throw stop('out-of-order', seq, `record seq ${seq} does not match the export's filter: inserted`);
    const chain = nextChain(this.chain, lh);
    if (chain.toString('base64') !== row.chain && !this.#broken) {
      this.#broken = { kind: 'missing', seq, message: `the record(s) exported before seq ${seq} were removed (its chain link does not follow from the previous record)` };
    }
    this.chain = chain;
    this.lastSeq = seq;
    this.count++;
    if (this.v2 && !this.#broken) {
      this.#tree.append(lh);
      this.pos = seq + 1;
    }
    if (this.count % 1000 === 0) this.#onProgress?.(this.count);
  }

  /** v2: a run of leaves the filter left out, as the hashes of its aligned subtrees. */
  omit(run: Omitted): void {
    const { seq, count } = run;
    if (!this.v2) throw stop('damaged', seq, `an omitted run at seq ${seq} in a ${EXPORT_FORMAT_V1} export`);
    if (this.#broken) throw new Stop(this.#broken);
    if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(count) || seq < 0 || count <= 0 || seq + count > this.cp.size) {
      throw stop('damaged', Number.isSafeInteger(seq) ? seq : null, `an omitted run (seq ${seq}, ${count} leaves) lies outside the checkpoint (size ${this.cp.size})`);
    }
    this.#position(seq, 'omitted run at');
    if (this.#broken) throw new Stop(this.#broken);
    // An unfiltered export leaves out only what lies below its first seq.
    if (this.complete && seq + count > this.firstSeq) {
      const first = Math.max(seq, this.firstSeq);
      throw stop('missing', first, `seq ${first} is missing: the export is unfiltered from seq ${this.firstSeq}, yet it leaves seq ${first}${seq + count - 1 > first ? `..${seq + count - 1}` : ''} out`);
    }
    const parts = rangeSubtrees(seq, seq + count);
    if (run.hashes.length !== parts.length) throw stop('damaged', seq, `the omitted run at seq ${seq} (${count} leaves) carries ${run.hashes.length} hashes, not ${parts.length}`);
    parts.forEach((p, i) => this.#tree.appendSubtree(p.level, Buffer.from(run.hashes[i], 'base64')));
    this.pos = seq + count;
    this.omitted += count;
  }

  finish(trailer: ExportTrailer | null, header: ExportHeader): void {
    if (this.#broken) throw new Stop(this.#broken);
    if (!trailer) throw stop('truncated', this.lastSeq + 1, `the export ends after seq ${this.lastSeq} without its signed manifest: truncated`);
    if (this.v2 && this.pos < this.cp.size) {
      const hole = this.cp.size - this.pos === 1 ? 'it is' : `seqs ${this.pos}..${this.cp.size - 1} are`;
      throw stop('truncated', this.pos, `seq ${this.pos} is missing: the export ends before it, but its checkpoint signed ${this.cp.size} leaves (${hole} in neither the export nor an omitted hash): truncated`);
    }
    const manifest: ExportManifest = { ...header, ...trailer };
    // Checked against the pinned key when there is one (the constructor made sure the header names it).
    if (!manifestSignatureValid(manifest, verifierPublicKey(this.#anchors.verifierKey ?? header.verifier_key))) throw stop('checkpoint', null, 'the export manifest signature is invalid');
    if (trailer.count !== this.count || trailer.chain !== this.chain.toString('base64')) {
      throw stop('truncated', this.lastSeq + 1, `the manifest lists ${trailer.count} records but ${this.count} follow in order: records after seq ${this.lastSeq} were removed (truncated)`);
    }
    if (this.v2) {
      if (trailer.omitted !== this.omitted) throw stop('damaged', null, `the manifest lists ${String(trailer.omitted)} omitted leaves but the export accounts for ${this.omitted}`);
      // The records and the omitted hashes, in order, must rebuild the very tree the checkpoint signed.
      if (this.#tree.size !== this.cp.size || !this.#tree.root().equals(this.cp.root)) {
        throw stop('altered', null, `the exported records and omitted hashes do not recompute the checkpoint's root (size ${this.cp.size}): an omitted hash was altered`);
      }
    }
  }

  coverage(): ExportCoverageReport {
    const size = this.cp.size;
    if (!this.v2) {
      return { version: 1, filter: this.filter, firstSeq: 0, complete: false, omitted: 0, note: `completeness not proven: the manifest is ${EXPORT_FORMAT_V1}, which cannot show that no record was left out (re-export it to get a ${EXPORT_FORMAT} manifest)` };
    }
    const base = { version: 2 as const, filter: this.filter, firstSeq: this.firstSeq, complete: this.complete, omitted: this.omitted };
    if (this.complete) {
      const below = this.firstSeq > 0 ? `; the ${this.firstSeq} leaves below seq ${this.firstSeq} are carried as hashes` : '';
      return { ...base, note: `complete: every record from seq ${this.firstSeq} to ${size - 1} of the checkpoint is in the export, contiguous (${this.count} records${below})` };
    }
    return {
      ...base,
      note:
        `filtered by ${JSON.stringify(this.filter)}: ${this.count} records exported, ${this.omitted} omitted as leaf hashes; ` +
        `the records and hashes recompute the checkpoint's root, so nothing was inserted or reordered and exactly ${this.omitted} of its ${size} records were left out, ` +
        `but that each omitted record fails the filter is not provable without its content`,
    };
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
    } else if (obj.type === 'omitted') {
      checker.omit(obj as unknown as Omitted);
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
    if (fields[0] === CSV_OMITTED_MARK) {
      checker.omit({ seq: Number(fields[1]), count: Number(fields[2]), hashes: (fields[3] ?? '').split(' ').filter(Boolean) });
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
    const columns = checker.v2 ? ['seq', 'record', 'proof', 'chain', 'omitted'] : ['seq', 'record', 'proof', 'chain'];
    const rows = (await parquetReadObjects({ file, metadata, columns, rowStart: start, rowEnd: end })) as Record<string, unknown>[];
    for (const r of rows) {
      if (r.omitted !== null && r.omitted !== undefined) {
        checker.omit({ seq: Number(r.seq), count: Number(r.omitted), hashes: String(r.proof ?? '').split(' ').filter(Boolean) });
        continue;
      }
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
  const report: ExportVerifyReport = { ok: false, format, records: 0, treeSize: 0, problem: null, pinned: isPinned(anchors), coverage: null };
  try {
    if (format === 'unknown') throw stop('damaged', null, 'not a termsgate audit export (JSONL, CSV or Parquet)');
    const checker = format === 'parquet' ? await verifyParquet(path, anchors, opts.onProgress) : format === 'jsonl' ? await verifyJsonl(path, anchors, opts.onProgress) : await verifyCsv(path, anchors, opts.onProgress);
    report.records = checker.count;
    report.treeSize = checker.cp.size;
    report.coverage = checker.coverage();
    report.ok = true;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    report.problem = err.problem;
  }
  return report;
}
