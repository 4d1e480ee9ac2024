// Keys and tokens are stored only as SHA-256 hashes; they are high-entropy random strings,
// so a fast hash is enough (no password stretching needed) and keeps the lookup O(1).
import { hash, randomBytes } from 'node:crypto';

export function hashSecret(secret: string): string {
  return 'sha256:' + hash('sha256', secret, 'hex');
}

export function newSecret(prefix: string): string {
  return prefix + randomBytes(24).toString('base64url');
}
