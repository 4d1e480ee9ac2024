// Where feed records persist. The store assigns sequence numbers, so order is the store's
// commit order: a reader that resumes after seq N never misses a record committed later.
import type { FeedRecord, Permit } from './permit.js';

/** A signed record awaiting its sequence number; the example is kept as its canonical JSON. */
export interface SignedRecord {
  id: string;
  permit: Permit;
  exampleJson: string;
}

export interface FeedStore {
  /** Appends a batch durably (fsync or commit) and returns the sequence number of its last record. */
  append(batch: SignedRecord[]): Promise<number>;
  /** Records with seq > afterSeq, in order, at most `limit`. */
  read(afterSeq: number, limit: number): Promise<FeedRecord[]>;
  lastSeq(): Promise<number>;
  close(): Promise<void>;
}

/** One JSONL line; the example's canonical text is embedded as is, never re-serialised. */
export function recordLine(seq: number, r: SignedRecord): string {
  return `{"id":${JSON.stringify(r.id)},"seq":${seq},"permit":${JSON.stringify(r.permit)},"example":${r.exampleJson}}\n`;
}
