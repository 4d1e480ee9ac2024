// Training permits: one Ed25519 signature per batch the feed writer writes, not per record. The writer
// builds an RFC 9162 Merkle tree (gateway/tlog) over the batch's permit messages and signs its root and
// size once; each record stores that signature with its leaf index and inclusion proof. Pure: the signing
// function comes in, so the runner's check (Python) and the gateway's agree on exactly these bytes.
import { createHash } from 'node:crypto';
import { canonicalJson, contentDigest } from '../core/canonical-json.js';
import type { TrainingExample } from '../core/contracts.js';
import { Frontier, inclusionProof, leafHash, treeRoot, verifyInclusion, type HashReader } from '../tlog/merkle.js';

export const PERMIT_ALG = 'Ed25519-batch';

/** Where a permit sits in its signed batch: the one signature, and the proof that its message is leaf `index` of `size`. */
export interface PermitBatch {
  /** base64url RFC 9162 Merkle tree hash over the batch's permit messages. */
  root: string;
  size: number;
  index: number;
  /** base64url sibling hashes, leaf upwards. */
  proof: string[];
  /** base64url Ed25519 signature over batchMessage(root, size). */
  signature: string;
}

export interface PermitFields {
  /** Stable record id, derived from the decision id: one call, one record, whoever offers it how often. */
  id: string;
  /** "sha256:<hex>" of the RFC 8785 canonical JSON of the example. */
  digest: string;
  policy_revision: string;
  licence: string;
}

export interface Permit extends PermitFields {
  alg: typeof PERMIT_ALG;
  key_id: string;
  batch: PermitBatch;
}

export interface FeedRecord {
  id: string;
  seq: number;
  example: TrainingExample;
  permit: Permit;
}

export function recordIdOf(decisionId: string): string {
  return 'tr_' + createHash('sha256').update(decisionId).digest('hex').slice(0, 32);
}

/** The exact bytes of a batch leaf: canonical JSON of the fields a permit vouches for. */
export function permitMessage(fields: PermitFields): Buffer {
  return Buffer.from(
    canonicalJson({ v: 1, id: fields.id, digest: fields.digest, policy_revision: fields.policy_revision, licence: fields.licence }),
  );
}

/** The exact bytes signed once per batch; domain-separated from every other signature of the key. */
export function batchMessage(root: string, size: number): Buffer {
  return Buffer.from(canonicalJson({ v: 2, kind: 'termsgate-permit-batch', root, size }));
}

/** One Merkle tree over the batch's permit messages, its root signed once; each permit carries its proof. */
export function signPermits(batch: PermitFields[], keyId: string, sign: (data: Uint8Array) => Buffer): Permit[] {
  if (batch.length === 0) return [];
  const nodes = new Map<number, Buffer>();
  const frontier = new Frontier();
  // level < 64 keeps the key an exact double (as in tlog's cachedReader).
  for (const f of batch) for (const n of frontier.append(leafHash(permitMessage(f)))) nodes.set(n.index * 64 + n.level, n.hash);
  const read: HashReader = (level, index) => nodes.get(index * 64 + level)!;
  const size = batch.length;
  const root = treeRoot(read, size).toString('base64url');
  const signature = sign(batchMessage(root, size)).toString('base64url');
  const memo = new Map<string, Buffer>();
  return batch.map((f, index) => ({
    ...f,
    alg: PERMIT_ALG,
    key_id: keyId,
    batch: { root, size, index, proof: inclusionProof(read, index, size, memo).map((h) => h.toString('base64url')), signature },
  }));
}

/** Checks a record the way the runner does; used by tests and by anyone holding the public key. */
export function verifyRecord(record: FeedRecord, keyId: string, verify: (data: Uint8Array, sig: Uint8Array) => boolean): string | null {
  const { permit, example } = record;
  if (!permit) return 'missing permit';
  if (permit.alg !== PERMIT_ALG) return 'unsupported permit algorithm';
  if (permit.key_id !== keyId) return 'permit signed by an unknown key';
  const digest = contentDigest(example);
  if (permit.digest !== digest) return 'digest mismatch';
  if (permit.id !== record.id || permit.id !== recordIdOf(example.decision_id)) return 'record id mismatch';
  if (permit.licence !== example.licence) return 'licence mismatch';
  if (permit.policy_revision !== example.policy_revision) return 'policy revision mismatch';
  const b = permit.batch;
  if (!b || !Number.isSafeInteger(b.size) || !Number.isSafeInteger(b.index) || b.index < 0 || b.index >= b.size) return 'malformed permit batch';
  const proof = b.proof.map((h) => Buffer.from(h, 'base64url'));
  if (!verifyInclusion(leafHash(permitMessage(permit)), b.index, b.size, proof, Buffer.from(b.root, 'base64url'))) return 'not in its permit batch';
  if (!verify(batchMessage(b.root, b.size), Buffer.from(b.signature, 'base64url'))) return 'bad signature';
  return null;
}
