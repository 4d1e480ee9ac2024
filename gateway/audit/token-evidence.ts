// A provenance token checked without the gateway's MAC key: the call's final audit record names the
// token's digest with its claims, and the record's inclusion proof under a checkpoint signed by the log's
// key ties it to the one history every auditor (and witness) sees. The gateway gathers the evidence; anyone
// holding the log's verifier key checks it, trusting nothing else the gateway says.
import type { CallRecord } from '../core/contracts.js';
import { tokenClaims, tokenDigest, type ProvenanceClaims } from '../signing/provenance-token.js';
import { openCheckpoint } from '../tlog/checkpoint.js';
import { encodeLeaf } from '../tlog/leaf.js';
import { leafHash, verifyInclusion } from '../tlog/merkle.js';
import type { AuditLog } from './audit-log.js';

/** What a third party needs: the record naming the token, its sequence number, a signed checkpoint and the proof between them. */
export interface TokenEvidence {
  seq: number;
  record: CallRecord;
  /** The newest signed checkpoint note; null before the first. */
  checkpoint: string | null;
  /** base64 hashes proving the record in the checkpoint's tree; null when the checkpoint does not cover it yet. */
  proof: string[] | null;
}

export type TokenVerdict =
  | { status: 'verified'; claims: ProvenanceClaims; seq: number; treeSize: number }
  | { status: 'pending'; claims: ProvenanceClaims; seq: number; message: string }
  | { status: 'invalid'; reason: string };

/** A record's last word on the call: the one written before the answer (started records are not). */
const isFinal = (r: CallRecord) => r.phase !== 'started';

export async function gatherTokenEvidence(log: AuditLog, token: string): Promise<TokenEvidence | null> {
  const claims = tokenClaims(token);
  if (!claims) return null;
  const digest = tokenDigest(token);
  let found: { seq: number; record: CallRecord } | null = null;
  for await (const e of log.query({ decisionId: claims.decision_id })) {
    const r = e.record as CallRecord;
    if (r.provenance_token === digest && isFinal(r)) found = { seq: e.seq, record: r };
  }
  if (!found) return null;
  const cp = await log.latestCheckpoint();
  const covered = cp !== null && cp.size > found.seq;
  const proof = covered ? (await log.inclusionProofs([found.seq], cp.size))[0].map((h) => h.toString('base64')) : null;
  return { ...found, checkpoint: cp?.note ?? null, proof };
}

const CLAIMED_FIELDS = ['decision_id', 'licence', 'trainable', 'policy_revision'] as const;

/** Checks the evidence for `token` with the log's verifier key alone; a token the log does not name is invalid, one it names after the newest checkpoint is pending. */
export function checkTokenEvidence(token: string, evidence: TokenEvidence | null, verifierKey: string): TokenVerdict {
  const claims = tokenClaims(token);
  if (!claims) return { status: 'invalid', reason: 'not a provenance token' };
  if (!evidence) return { status: 'invalid', reason: 'no final audit record names this token' };
  const { record, seq } = evidence;
  if (!Number.isSafeInteger(seq) || seq < 0) return { status: 'invalid', reason: 'malformed evidence' };
  if (record.provenance_token !== tokenDigest(token)) return { status: 'invalid', reason: 'the audit record names another token' };
  if (!isFinal(record)) return { status: 'invalid', reason: 'the audit record is not the call’s final record' };
  for (const field of CLAIMED_FIELDS) {
    if (record[field] !== claims[field]) return { status: 'invalid', reason: `the token's ${field} differs from the audit record's` };
  }
  if (evidence.checkpoint === null) return { status: 'pending', claims, seq, message: `pending until the log's first checkpoint covers record ${seq}` };
  let cp;
  try {
    cp = openCheckpoint(evidence.checkpoint, verifierKey);
  } catch (err) {
    return { status: 'invalid', reason: `checkpoint: ${(err as Error).message}` };
  }
  if (cp.size <= seq) return { status: 'pending', claims, seq, message: `pending until a checkpoint after tree size ${cp.size} covers record ${seq}` };
  if (!evidence.proof) return { status: 'invalid', reason: 'no inclusion proof' };
  const proof = evidence.proof.map((h) => Buffer.from(h, 'base64'));
  if (!verifyInclusion(leafHash(encodeLeaf(seq, record)), seq, cp.size, proof, cp.root)) {
    return { status: 'invalid', reason: `record ${seq} is not in the checkpoint's tree of size ${cp.size}` };
  }
  return { status: 'verified', claims, seq, treeSize: cp.size };
}
