// C2SP tlog-cosignature (Ed25519, cosignature/v1): witnesses' signature lines on a checkpoint note.
//   key ID   = SHA-256(<name> "\n" 0x04 <32-byte public key>)[:4]
//   line     = "— <name> base64(key ID ‖ u64 big-endian timestamp ‖ Ed25519 signature)"
//   message  = "cosignature/v1\ntime <timestamp>\n" ‖ the whole note body (signature lines excluded)
// Hand-written: no maintained npm package implements cosignatures; test/audit-witness-interop.test.ts
// checks it byte for byte against Go's github.com/transparency-dev/formats/note. Pure.
import { createHash, createPublicKey, verify as edVerify, type KeyObject } from 'node:crypto';

const COSIGNATURE_ALG = 0x04;

export interface Cosigner {
  name: string;
  publicKeyRaw: Buffer;
  sign(message: Uint8Array): Buffer | Promise<Buffer>;
}

export interface Cosignature {
  name: string;
  /** POSIX seconds. */
  timestamp: number;
}

function keyId(name: string, publicKeyRaw: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(name + '\n'), Buffer.from([COSIGNATURE_ALG]), publicKeyRaw]))
    .digest()
    .subarray(0, 4);
}

/** The cosigner's verifier key in signed-note vkey form with signature type 0x04. */
export function cosignerVerifierKey(name: string, publicKeyRaw: Uint8Array): string {
  if (!name || /[\s+]/.test(name)) throw new Error(`cosigner name ${JSON.stringify(name)} must be non-empty, without spaces or '+'`);
  return `${name}+${keyId(name, publicKeyRaw).toString('hex')}+${Buffer.concat([Buffer.from([COSIGNATURE_ALG]), publicKeyRaw]).toString('base64')}`;
}

interface ParsedCosignerKey {
  name: string;
  id: Buffer;
  key: KeyObject;
}

export function parseCosignerKey(vkey: string): ParsedCosignerKey {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(vkey.trim());
  const raw = Buffer.from(m?.[3] ?? '', 'base64');
  if (!m || raw.length !== 33 || raw[0] !== COSIGNATURE_ALG) throw new Error('malformed witness key (expected a signed-note vkey of type 0x04)');
  const pub = raw.subarray(1);
  const id = keyId(m[1], pub);
  if (id.toString('hex') !== m[2]) throw new Error('witness key hash does not match its key');
  return { name: m[1], id, key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') }, format: 'jwk' }) };
}

/** The note body: everything up to and including the blank line's preceding newline. */
export function noteBody(note: string): string {
  const split = note.indexOf('\n\n');
  if (split < 0) throw new Error('checkpoint note has no signature block');
  return note.slice(0, split + 1);
}

/** The signature lines of a note, as written (without their newlines). */
export function noteSignatureLines(note: string): string[] {
  return note.slice(noteBody(note).length + 1).split('\n').filter((l) => l !== '');
}

function cosignedMessage(body: string, timestamp: number | bigint): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${body}`);
}

/** A cosignature line ("— name base64…", no newline) over the note's body. */
export async function cosign(note: string, cosigner: Cosigner, timestamp: number): Promise<string> {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new Error('cosignature timestamp must be a non-negative integer');
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(timestamp));
  const sig = await cosigner.sign(cosignedMessage(noteBody(note), timestamp));
  return `\u2014 ${cosigner.name} ${Buffer.concat([keyId(cosigner.name, cosigner.publicKeyRaw), ts, sig]).toString('base64')}`;
}

/** Adds signature lines to a note, dropping exact duplicates. */
export function addSignatureLines(note: string, lines: string[]): string {
  const have = noteSignatureLines(note);
  const extra = lines.filter((l) => !have.includes(l));
  return extra.length === 0 ? note : `${note}${extra.map((l) => l + '\n').join('')}`;
}

/**
 * The valid cosignatures on a note from the given witness keys, one per key (lines from unknown keys
 * are ignored, as the spec requires; a line from a known key that does not verify is an error).
 */
export function verifyCosignatures(note: string, witnessKeys: string[]): Cosignature[] {
  const body = noteBody(note);
  const lines = noteSignatureLines(note).map((l) => /^\u2014 (\S+) (\S+)$/.exec(l));
  const out: Cosignature[] = [];
  for (const vkey of witnessKeys) {
    const { name, id, key } = parseCosignerKey(vkey);
    for (const m of lines) {
      if (!m || m[1] !== name) continue;
      const raw = Buffer.from(m[2], 'base64');
      if (raw.length !== 4 + 8 + 64 || !raw.subarray(0, 4).equals(id)) continue;
      const timestamp = raw.readBigUInt64BE(4);
      if (!edVerify(null, cosignedMessage(body, timestamp), key, raw.subarray(12))) throw new Error(`the cosignature of ${name} is invalid`);
      out.push({ name, timestamp: Number(timestamp) });
      break;
    }
  }
  return out;
}
