// What a storage backend of the fingerprint index provides (lmdb/ for one node, postgres/ for
// fleets). Lookups are synchronous (detection is); writes come in batches from the store
// (fingerprint-store.ts), which keeps them visible until the backend has committed them.
import type { FingerprintKind } from './stored-output.js';

export interface BackendOutput {
  doc: number;
  ref: Uint8Array;
  /** stored-output.ts encoding. */
  encoded: Buffer;
  words: Uint32Array;
  loose: Uint32Array;
}

export interface IndexBackend {
  /** One past the highest doc number stored. */
  nextDoc(): number;
  /** Outputs stored. */
  count(): number;
  /** Appends to `out` the outputs that sampled `hash`, the most recent first, at most `limit`. */
  postings(kind: FingerprintKind, hash: number, out: number[], limit: number): void;
  /** One output's stored-output.ts bytes, or undefined when it is not (or no longer) stored. */
  output(doc: number): Uint8Array | undefined;
  /** The most recent output with this 16-byte record reference, or -1. */
  docOfRef(ref: Uint8Array): number;
  /** Stores a batch in one transaction; resolves once it is committed (and visible to other readers). */
  write(batch: BackendOutput[]): Promise<void>;
  /** Removes every output served before the cutoff (ms), its postings and its ref; resolves with how many. */
  purgeBefore(cutoffMs: number): Promise<number>;
  close(): Promise<void>;
}
