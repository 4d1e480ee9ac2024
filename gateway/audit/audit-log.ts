// What every audit backend offers beyond the pipeline's AuditSink: size, checkpoints, proofs,
// reads, queries and content lookup.
import type { AuditSink } from '../core/contracts.js';
import type { SignedCheckpoint } from '../tlog/checkpoint.js';
import type { RecordFilter } from './filter.js';
import type { LogEntry } from '../tlog/leaf.js';

export interface InclusionProof {
  seq: number;
  treeSize: number;
  /** base64 SHA-256 hashes, leaf upwards (RFC 9162 §2.1.3). */
  leafHash: string;
  proof: string[];
  root: string;
}

export interface ConsistencyProof {
  from: number;
  to: number;
  proof: string[];
  fromRoot: string;
  toRoot: string;
}

/** A record as read back, with its leaf bytes (canonical JSON of {record, seq}). */
export interface StoredEntry extends LogEntry {
  leaf: Buffer;
}

export interface AuditLog extends AuditSink {
  readonly origin: string;
  /** The signed-note verifier key of the checkpoint signer. */
  readonly verifierKey: string;
  size(): Promise<number>;
  /** Signs a checkpoint of everything integrated so far, once it is durable. */
  checkpoint(): Promise<SignedCheckpoint>;
  latestCheckpoint(): Promise<SignedCheckpoint | null>;
  root(treeSize: number): Promise<Buffer>;
  inclusionProof(seq: number, treeSize?: number): Promise<InclusionProof>;
  /** Many inclusion proofs against one tree size at once (exports). */
  inclusionProofs(seqs: number[], treeSize: number): Promise<Buffer[][]>;
  consistencyProof(from: number, to: number): Promise<ConsistencyProof>;
  /** The stored hashes of rangeSubtrees(start, end) (end at most the log's size): a run of leaves named without reading them. */
  rangeHashes(start: number, end: number): Promise<Buffer[]>;
  get(seq: number): Promise<LogEntry | null>;
  query(filter?: RecordFilter): AsyncIterable<StoredEntry>;
  /** Stored content by digest; null when never stored or purged. */
  content(digest: string): Promise<unknown | null>;
  /** Signs an export manifest (domain-separated bytes) with the checkpoint key. */
  signExport(data: Uint8Array): Buffer | Promise<Buffer>;
  /** Retention: deletes content stored before `cutoff`, leaving signed tombstones (file backend); records and proofs are unaffected. */
  purgeContent(cutoff: Date): Promise<number>;
}
