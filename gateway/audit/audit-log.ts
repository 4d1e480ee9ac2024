// What every audit backend offers beyond the pipeline's AuditSink: size, checkpoints, proofs,
// reads, queries and content lookup.
import type { Dispatcher } from 'undici';
import type { AuditSink } from '../core/contracts.js';
import type { Config } from '../config/types.js';
import type { CheckpointSigner } from '../signing/checkpoint-signer.js';
import type { SignedCheckpoint } from '../tlog/checkpoint.js';
import type { RecordFilter } from './filter.js';
import type { LogEntry } from '../tlog/leaf.js';

/** What opening the configured backend takes (open-audit-log.ts; the file backend takes the same). */
export interface AuditLogOptions {
  dataDir: string;
  audit: Config['audit'];
  /** Signs checkpoints and export manifests. */
  keys: CheckpointSigner;
  /** Open without writing (file backend) or without standing for sequencer (PostgreSQL): exports beside running gateways. */
  readOnly?: boolean;
  /** Failures of background checkpoints, syncs and sequencing. */
  onError?: (err: Error) => void;
  /** How witnesses are reached (the egress proxy rules); undici's default when absent. */
  dispatcher?: Dispatcher;
}

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
