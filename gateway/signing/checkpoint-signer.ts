// Who signs the audit log's checkpoints and export manifests. Kept apart from the log: a key in
// <data-dir> would let whoever can write the data directory re-sign a rewritten history.
// `CheckpointSigner` is the seam for a KMS or HSM (sign() may be remote, hence async); this module
// provides the local implementations: a PEM file outside the data directory, or an environment variable.
import { createPrivateKey, createPublicKey, sign as edSign, type KeyObject } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { publicKeyRawBytes } from './keys.js';

export interface CheckpointSigner {
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKeyRaw: Buffer;
  /** An Ed25519 signature over `data`. */
  sign(data: Uint8Array): Buffer | Promise<Buffer>;
}

/** Where the checkpoint key comes from (config `audit.signer`). */
export type SignerSource = { file: string } | { env: string };

function fromPrivateKey(key: KeyObject): CheckpointSigner {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the checkpoint signing key must be Ed25519, not ${key.asymmetricKeyType}`);
  const publicKeyRaw = publicKeyRawBytes(createPublicKey(key));
  return { publicKeyRaw, sign: (data) => edSign(null, data, key) };
}

/** PKCS#8 PEM, or its base64 (convenient in environment variables and Kubernetes Secrets). */
function parsePrivateKey(text: string): KeyObject {
  const pem = text.includes('-----BEGIN') ? text : Buffer.from(text.trim(), 'base64').toString('utf8');
  return createPrivateKey(pem);
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

export function isInside(path: string, dir: string): boolean {
  const rel = relative(realOrResolved(dir), realOrResolved(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export function loadCheckpointSigner(source: SignerSource, dataDir: string, env: NodeJS.ProcessEnv = process.env): CheckpointSigner {
  if ('file' in source) {
    if (isInside(source.file, dataDir)) {
      throw new Error(`audit.signer.file ${source.file} lies inside the data directory ${dataDir}: keep the checkpoint key apart from the log it vouches for`);
    }
    return fromPrivateKey(parsePrivateKey(readFileSync(source.file, 'utf8')));
  }
  const value = env[source.env];
  if (!value) throw new Error(`audit.signer.env: the environment variable ${source.env} is not set`);
  return fromPrivateKey(parsePrivateKey(value));
}
