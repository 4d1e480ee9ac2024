// What makes an export verifiable offline: the signed checkpoint it was cut against, the filter,
// and a signed summary (record count and hash chain over the exported leaves). Pure.
import { createHash, createPublicKey, verify as edVerify } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json.js';
import type { RecordFilter } from '../filter.js';

export const EXPORT_FORMAT = 'termsgate-audit-export/1';
const SIGNING_CONTEXT = 'termsgate audit export v1\n';
export const CHAIN_START = Buffer.alloc(32);

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  /** Signed checkpoint note (C2SP format) every record's inclusion proof leads to. */
  checkpoint: string;
  /** Signed-note verifier key of the gateway (pin it with `audit verify --key` for authenticity). */
  verifier_key: string;
  filter: RecordFilter;
  created: string;
  /** Consistency proof from a tree size the recipient trusts to this checkpoint (self-verifying, so not signed). */
  consistency?: { from: number; proof: string[] };
}

export interface ExportTrailer {
  count: number;
  /** base64 of the last link of the chain sha256(previous || leaf hash) over the exported records. */
  chain: string;
  /** base64 Ed25519 signature over the header and the count and chain. */
  signature: string;
}

export type ExportManifest = ExportHeader & ExportTrailer;

export function nextChain(previous: Uint8Array, leafHash: Uint8Array): Buffer {
  return createHash('sha256').update(previous).update(leafHash).digest();
}

function signedBytes(header: ExportHeader, count: number, chain: string): Buffer {
  const { format, checkpoint, verifier_key, filter, created } = header;
  return Buffer.from(SIGNING_CONTEXT + canonicalJson({ format, checkpoint, verifier_key, filter, created, count, chain }));
}

export async function signManifest(header: ExportHeader, count: number, chain: Buffer, sign: (data: Uint8Array) => Buffer | Promise<Buffer>): Promise<ExportManifest> {
  const chainB64 = chain.toString('base64');
  return { ...header, count, chain: chainB64, signature: (await sign(signedBytes(header, count, chainB64))).toString('base64') };
}

export function manifestSignatureValid(m: ExportManifest, publicKeyRaw: Buffer): boolean {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKeyRaw.toString('base64url') }, format: 'jwk' });
  return edVerify(null, signedBytes(m, m.count, m.chain), key, Buffer.from(m.signature, 'base64'));
}
