// The provenance-token MAC key: 32 secret bytes, configured like the checkpoint key (audit.tokenKey: a
// file or an environment variable, outside the data directory), with a development default under
// <data-dir>/keys that the gateway warns about. Whoever holds it can mint tokens, so it never leaves the gateway.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isInside, type SignerSource } from './checkpoint-signer.js';

export interface TokenMacKey {
  /** First 8 bytes of SHA-256 over a domain tag and the secret, hex: names the key without revealing it. */
  keyId: string;
  secret: Buffer;
}

const KEY_BYTES = 32;

export function tokenMacKeyFrom(secret: Buffer): TokenMacKey {
  if (secret.length < KEY_BYTES) throw new Error(`the provenance-token MAC key must be at least ${KEY_BYTES} bytes, not ${secret.length}`);
  return { keyId: createHash('sha256').update('termsgate provenance token key\n').update(secret).digest('hex').slice(0, 16), secret };
}

/** Raw bytes in a file; base64 (or hex) text in a file or an environment variable. */
function decode(bytes: Buffer): Buffer {
  const text = bytes.toString('utf8').trim();
  if (/^[0-9a-f]{64,}$/i.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43,}={0,2}$/.test(text)) return Buffer.from(text, 'base64');
  return bytes;
}

export function loadTokenMacKey(source: SignerSource | undefined, dataDir: string, env: NodeJS.ProcessEnv = process.env): TokenMacKey {
  if (!source) {
    const dir = join(dataDir, 'keys');
    const path = join(dir, 'provenance-token-mac.key');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!existsSync(path)) writeFileSync(path, randomBytes(KEY_BYTES), { mode: 0o600, flag: 'wx' });
    return tokenMacKeyFrom(readFileSync(path));
  }
  if ('file' in source) {
    if (isInside(source.file, dataDir)) {
      throw new Error(`audit.tokenKey.file ${source.file} lies inside the data directory ${dataDir}: keep the token key apart from the log`);
    }
    return tokenMacKeyFrom(decode(readFileSync(source.file)));
  }
  const value = env[source.env];
  if (!value) throw new Error(`audit.tokenKey.env: the environment variable ${source.env} is not set`);
  return tokenMacKeyFrom(decode(Buffer.from(value)));
}
