// What a leaf of the tree is: the RFC 8785 canonical JSON of {seq, record}. Binding the sequence
// number into the leaf lets a verifier name a removed, inserted or reordered record directly.
import type { AuditRecord } from '../core/contracts.js';
import { canonicalJson } from '../core/canonical-json.js';

export interface LogEntry {
  seq: number;
  record: AuditRecord;
}

export function encodeLeaf(seq: number, record: AuditRecord): Buffer {
  return Buffer.from(canonicalJson({ record, seq }));
}

export function decodeLeaf(bytes: Uint8Array): LogEntry {
  const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as LogEntry;
  if (!Number.isSafeInteger(parsed?.seq) || typeof parsed.record !== 'object' || parsed.record === null) throw new Error('leaf is not a {seq, record} entry');
  return parsed;
}
