// A signed tombstone per purged content item: what was removed (its digest), when, and by which
// retention rule, signed with the checkpoint key. Verification tells content purged by retention
// (a valid tombstone) from content deleted behind the log's back (none). Pure.
import { createPublicKey, verify as edVerify } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json.js';

const SIGNING_CONTEXT = 'termsgate content tombstone v1\n';

export interface Tombstone {
  digest: string;
  /** RFC 3339, when it was purged. */
  purged_at: string;
  /** The retention rule that removed it, e.g. "older-than 2026-06-01T00:00:00.000Z". */
  rule: string;
}

export interface SignedTombstone extends Tombstone {
  /** base64 Ed25519 signature over the context and the canonical JSON of the fields above. */
  signature: string;
}

function signedBytes(t: Tombstone): Buffer {
  return Buffer.from(SIGNING_CONTEXT + canonicalJson({ digest: t.digest, purged_at: t.purged_at, rule: t.rule }));
}

export async function signTombstone(t: Tombstone, sign: (data: Uint8Array) => Buffer | Promise<Buffer>): Promise<SignedTombstone> {
  return { digest: t.digest, purged_at: t.purged_at, rule: t.rule, signature: (await sign(signedBytes(t))).toString('base64') };
}

export function tombstoneValid(t: SignedTombstone, publicKeyRaw: Buffer): boolean {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKeyRaw.toString('base64url') }, format: 'jwk' });
  return typeof t.signature === 'string' && edVerify(null, signedBytes(t), key, Buffer.from(t.signature, 'base64'));
}
