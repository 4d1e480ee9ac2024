// What makes an export verifiable offline: the signed checkpoint it was cut against, the filter,
// what the export covers, and a signed summary (record count, omitted leaves and a hash chain over
// the exported leaves). Pure.
import { createHash, createPublicKey, verify as edVerify } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json.js';
import type { RecordFilter } from '../filter.js';

/** Version 2: the export accounts for every leaf of the checkpoint's tree (a record, or an omitted leaf's hash). */
export const EXPORT_FORMAT = 'termsgate-audit-export/2';
/** Version 1 (before coverage): still read, but it cannot show that no record was left out. */
export const EXPORT_FORMAT_V1 = 'termsgate-audit-export/1';
export type ExportFormatVersion = typeof EXPORT_FORMAT | typeof EXPORT_FORMAT_V1;
const SIGNING_CONTEXT_V1 = 'termsgate audit export v1\n';
const SIGNING_CONTEXT = 'termsgate audit export v2\n';
export const CHAIN_START = Buffer.alloc(32);

/** What a v2 export covers, stated before its records. */
export interface ExportCoverage {
  /** The first sequence number the export's selection starts at (the filter's fromSeq, else 0). */
  first_seq: number;
  /**
   * True when the filter selects every record from first_seq to the checkpoint's size − 1: the export
   * then holds each of them, contiguous, and leaves out (as hashes) only the leaves below first_seq.
   */
  complete: boolean;
}

export interface ExportHeader {
  format: ExportFormatVersion;
  /** Signed checkpoint note (C2SP format) every record's inclusion proof leads to. */
  checkpoint: string;
  /** Signed-note verifier key of the gateway (pin it with `audit verify --key` for authenticity). */
  verifier_key: string;
  filter: RecordFilter;
  created: string;
  /** Version 2 only. */
  coverage?: ExportCoverage;
  /** Consistency proof from a tree size the recipient trusts to this checkpoint (self-verifying, so not signed). */
  consistency?: { from: number; proof: string[] };
}

export interface ExportTrailer {
  count: number;
  /** Version 2 only: leaves of the checkpoint's tree the export carries as hashes only (size − count). */
  omitted?: number;
  /** base64 of the last link of the chain sha256(previous || leaf hash) over the exported records. */
  chain: string;
  /** base64 Ed25519 signature over the header and the count, omitted and chain. */
  signature: string;
}

export type ExportManifest = ExportHeader & ExportTrailer;

/** Whether a filter selects anything narrower than "every record from fromSeq on". */
export function filterSelects(filter: RecordFilter): boolean {
  return Object.entries(filter).some(([k, v]) => v !== undefined && k !== 'fromSeq');
}

/** The coverage an export with this filter states. */
export function coverageOf(filter: RecordFilter): ExportCoverage {
  return { first_seq: filter.fromSeq ?? 0, complete: !filterSelects(filter) };
}

export function nextChain(previous: Uint8Array, leafHash: Uint8Array): Buffer {
  return createHash('sha256').update(previous).update(leafHash).digest();
}

function signedBytes(header: ExportHeader, count: number, chain: string, omitted: number | undefined): Buffer {
  const { format, checkpoint, verifier_key, filter, created } = header;
  if (format === EXPORT_FORMAT_V1) return Buffer.from(SIGNING_CONTEXT_V1 + canonicalJson({ format, checkpoint, verifier_key, filter, created, count, chain }));
  return Buffer.from(SIGNING_CONTEXT + canonicalJson({ format, checkpoint, verifier_key, filter, created, coverage: header.coverage ?? null, count, omitted: omitted ?? null, chain }));
}

/** Signs a manifest; `omitted` is required for version 2 and absent for version 1. */
export async function signManifest(header: ExportHeader, count: number, chain: Buffer, sign: (data: Uint8Array) => Buffer | Promise<Buffer>, omitted?: number): Promise<ExportManifest> {
  const chainB64 = chain.toString('base64');
  const signature = (await sign(signedBytes(header, count, chainB64, omitted))).toString('base64');
  return header.format === EXPORT_FORMAT_V1 ? { ...header, count, chain: chainB64, signature } : { ...header, count, omitted, chain: chainB64, signature };
}

export function manifestSignatureValid(m: ExportManifest, publicKeyRaw: Buffer): boolean {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKeyRaw.toString('base64url') }, format: 'jwk' });
  return edVerify(null, signedBytes(m, m.count, m.chain, m.omitted), key, Buffer.from(m.signature, 'base64'));
}
