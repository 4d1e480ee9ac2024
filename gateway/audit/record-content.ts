// What both backends do with a record's content: store it (or only digest it) and name the digests in
// the record, so one call's records carry one request digest, computed where the content is kept.
import { BatchQueue } from '../core/batch-queue.js';
import { contentDigest } from '../core/canonical-json.js';
import type { AuditRecord, CallContent } from '../core/contracts.js';
import { isChangeRecord } from '../core/record-kind.js';

/** The record naming content that is only digested, not stored; the same digest the content store keys it by. */
export function recordWithDigests(record: AuditRecord, content: CallContent): AuditRecord {
  if (isChangeRecord(record)) return record;
  const digest = (v: unknown, given: string | null) => (v === undefined ? given : contentDigest(v));
  return { ...record, request_digest: digest(content.request, record.request_digest), response_digest: digest(content.response, record.response_digest) };
}

/** Stores the content parts and returns the record naming their digests. */
async function recordWithContent(record: AuditRecord, content: CallContent | undefined, put: (v: unknown) => Promise<string>): Promise<AuditRecord> {
  if (isChangeRecord(record) || !content || (content.request === undefined && content.response === undefined)) return record;
  const [request, response] = await Promise.all([
    content.request === undefined ? record.request_digest : put(content.request),
    content.response === undefined ? record.response_digest : put(content.response),
  ]);
  return { ...record, request_digest: request, response_digest: response };
}

/** Stores the content of a batch of records at once and resolves with the records naming their digests. */
export function contentStage(put: (v: unknown) => Promise<string>): BatchQueue<{ record: AuditRecord; content: CallContent }, AuditRecord> {
  return new BatchQueue({ write: (batch) => Promise.all(batch.map((s) => recordWithContent(s.record, s.content, put))) });
}
