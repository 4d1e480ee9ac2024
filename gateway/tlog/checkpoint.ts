// Signed checkpoints in the C2SP tlog-checkpoint / signed-note text format, so standard tools
// (golang.org/x/mod/sumdb/note, Sigsum/Tessera verifiers) can check them:
//   <origin>\n<size>\n<base64 root>\ntime <RFC 3339>\n\n— <origin> <base64(keyhash[4] || Ed25519 sig)>\n
// Pure apart from the signing callback.
import { createHash, createPublicKey, verify as edVerify, type KeyObject } from 'node:crypto';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  /** RFC 3339, when it was signed. */
  time: string;
}

export interface SignedCheckpoint extends Checkpoint {
  /** The complete signed note. */
  note: string;
}

const ED25519_ALG = 0x01;

function keyHash(name: string, publicKeyRaw: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(name + '\n'), Buffer.from([ED25519_ALG]), publicKeyRaw]))
    .digest()
    .subarray(0, 4);
}

/** The signed-note verifier key: "<name>+<hash hex>+<base64(0x01 || key)>". */
export function verifierKey(name: string, publicKeyRaw: Uint8Array): string {
  const raw = Buffer.concat([Buffer.from([ED25519_ALG]), publicKeyRaw]);
  return `${name}+${keyHash(name, publicKeyRaw).toString('hex')}+${raw.toString('base64')}`;
}

export function checkpointBody(c: Checkpoint): string {
  return `${c.origin}\n${c.size}\n${c.root.toString('base64')}\ntime ${c.time}\n`;
}

export async function signCheckpoint(c: Checkpoint, publicKeyRaw: Uint8Array, sign: (data: Uint8Array) => Buffer | Promise<Buffer>): Promise<SignedCheckpoint> {
  if (/[\s+]/.test(c.origin) || c.origin === '') throw new Error(`checkpoint origin ${JSON.stringify(c.origin)} must be non-empty, without spaces or '+'`);
  const body = checkpointBody(c);
  const sig = Buffer.concat([keyHash(c.origin, publicKeyRaw), await sign(Buffer.from(body))]);
  return { ...c, note: `${body}\n\u2014 ${c.origin} ${sig.toString('base64')}\n` };
}

function parseVerifierKey(vkey: string): { name: string; hash: Buffer; key: KeyObject } {
  // The base64 key may itself contain '+': split on the first two only.
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(vkey.trim());
  const [name, hashHex, b64] = m ? [m[1], m[2], m[3]] : ['', '', ''];
  const raw = Buffer.from(b64, 'base64');
  if (!name || !hashHex || raw.length !== 33 || raw[0] !== ED25519_ALG) throw new Error('malformed verifier key');
  const pub = raw.subarray(1);
  const hash = keyHash(name, pub);
  if (hash.toString('hex') !== hashHex) throw new Error('verifier key hash does not match its key');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') }, format: 'jwk' });
  return { name, hash, key };
}

/** The raw Ed25519 public key inside a verifier key (checked against its key hash). */
export function verifierPublicKey(vkey: string): Buffer {
  const { key } = parseVerifierKey(vkey);
  return Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url');
}

/** Parses a signed checkpoint note and checks its signature by `vkey`; throws with the reason. */
export function openCheckpoint(note: string, vkey: string): SignedCheckpoint {
  const { name, hash, key } = parseVerifierKey(vkey);
  const split = note.indexOf('\n\n');
  if (split < 0) throw new Error('checkpoint note has no signature block');
  const body = note.slice(0, split + 1);
  const sigLines = note.slice(split + 2).split('\n').filter((l) => l !== '');
  const mine = sigLines
    .map((l) => /^\u2014 (\S+) (\S+)$/.exec(l))
    .find((m) => m && m[1] === name && Buffer.from(m[2], 'base64').subarray(0, 4).equals(hash));
  if (!mine) throw new Error(`checkpoint is not signed by ${name}`);
  const sig = Buffer.from(mine[2], 'base64').subarray(4);
  if (!edVerify(null, Buffer.from(body), key, sig)) throw new Error('checkpoint signature is invalid');
  const lines = body.split('\n');
  const size = Number(lines[1]);
  const root = Buffer.from(lines[2] ?? '', 'base64');
  const time = /^time (.+)$/.exec(lines[3] ?? '')?.[1];
  if (lines[0] !== name || !Number.isSafeInteger(size) || size < 0 || root.length !== 32 || !time) throw new Error('malformed checkpoint body');
  return { origin: lines[0], size, root, time, note };
}
