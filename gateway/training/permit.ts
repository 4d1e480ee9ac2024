// Training permits: the gateway's Ed25519 signature over a record's digest, the policy revision
// and the licence. Pure: the signing function comes in, so the runner's check (Python) and the
// gateway's agree on exactly these bytes.
import { createHash } from 'node:crypto';
import { canonicalJson, contentDigest } from '../core/canonical-json.js';
import type { TrainingExample } from '../core/contracts.js';

export interface Permit {
  /** Stable record id, derived from the decision id: one call, one record, whoever offers it how often. */
  id: string;
  alg: 'Ed25519';
  key_id: string;
  /** "sha256:<hex>" of the RFC 8785 canonical JSON of the example. */
  digest: string;
  policy_revision: string;
  licence: string;
  /** base64url Ed25519 signature over permitMessage(...). */
  signature: string;
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

/** The exact bytes signed: canonical JSON of the fields a permit vouches for. */
export function permitMessage(fields: { id: string; digest: string; policy_revision: string; licence: string }): Buffer {
  return Buffer.from(
    canonicalJson({ v: 1, id: fields.id, digest: fields.digest, policy_revision: fields.policy_revision, licence: fields.licence }),
  );
}

export function signPermit(
  fields: { id: string; digest: string; policy_revision: string; licence: string },
  keyId: string,
  sign: (data: Uint8Array) => Buffer,
): Permit {
  return { ...fields, alg: 'Ed25519', key_id: keyId, signature: sign(permitMessage(fields)).toString('base64url') };
}

/** Checks a record the way the runner does; used by tests and by anyone holding the public key. */
export function verifyRecord(record: FeedRecord, keyId: string, verify: (data: Uint8Array, sig: Uint8Array) => boolean): string | null {
  const { permit, example } = record;
  if (!permit) return 'missing permit';
  if (permit.key_id !== keyId) return 'permit signed by an unknown key';
  const digest = contentDigest(example);
  if (permit.digest !== digest) return 'digest mismatch';
  if (permit.id !== record.id || permit.id !== recordIdOf(example.decision_id)) return 'record id mismatch';
  if (permit.licence !== example.licence) return 'licence mismatch';
  if (permit.policy_revision !== example.policy_revision) return 'policy revision mismatch';
  if (!verify(permitMessage(permit), Buffer.from(permit.signature, 'base64url'))) return 'bad signature';
  return null;
}
