// The gateway's signing identity: one Ed25519 key pair (checkpoints, permits, provenance tokens)
// and one MAC secret (watermarks), kept under <data-dir>/keys and created on first start.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SigningKeys {
  /** Short id of the public key: first 8 bytes of SHA-256 over its raw bytes, hex. */
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Raw 32-byte Ed25519 public key. */
  publicKeyRaw: Buffer;
  /** 32-byte secret for watermark MACs. */
  macSecret: Buffer;
  sign(data: Uint8Array): Buffer;
  verify(data: Uint8Array, signature: Uint8Array): boolean;
}

export function loadOrCreateSigningKeys(dataDir: string): SigningKeys {
  const dir = join(dataDir, 'keys');
  const privPath = join(dir, 'signing-ed25519.pem');
  const macPath = join(dir, 'watermark-mac.key');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(privPath)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(privPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  if (!existsSync(macPath)) writeFileSync(macPath, randomBytes(32), { mode: 0o600, flag: 'wx' });
  const privateKey = createPrivateKey(readFileSync(privPath));
  return signingKeysFrom(privateKey, readFileSync(macPath));
}

export function signingKeysFrom(privateKey: KeyObject, macSecret: Buffer): SigningKeys {
  const publicKey = createPublicKey(privateKey);
  const publicKeyRaw = publicKeyRawBytes(publicKey);
  return {
    keyId: createHash('sha256').update(publicKeyRaw).digest('hex').slice(0, 16),
    privateKey,
    publicKey,
    publicKeyRaw,
    macSecret,
    sign: (data) => sign(null, data, privateKey),
    verify: (data, signature) => verify(null, data, publicKey, signature),
  };
}

export function publicKeyRawBytes(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url');
}
