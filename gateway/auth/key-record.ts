// A virtual key as data (the key store): what the admin API creates, lists, revokes and rotates.
// Only the key's hash is kept; the key itself is shown once, to whoever created or rotated it.
import type { KeyView, Principal } from '../core/contracts.js';

/** The key as stored: the fields every view shows (KeyView, less what is computed on reading), its hash and its history. */
export type StoredKey = Omit<KeyView, 'source' | 'status' | 'spend'> & {
  /** "sha256:<hex>" of the key. */
  hash: string;
  createdAt: string;
  /** The actor who created it (token id, OIDC subject). */
  createdBy: string;
  rotatedAt: string | null;
  revokedAt: string | null;
};

/** Why a presented key does not authenticate, in words for the 401. */
export type KeyRefusal = 'unknown' | 'expired' | 'revoked';

export function principalOf(k: Pick<StoredKey, 'id' | 'team' | 'project' | 'defaultPurpose' | 'allowedPurposes' | 'models' | 'limits' | 'budget'>): Principal {
  return {
    keyId: k.id,
    team: k.team,
    project: k.project,
    defaultPurpose: k.defaultPurpose,
    allowedPurposes: k.allowedPurposes,
    ...(k.models ? { models: k.models } : {}),
    ...(Object.keys(k.limits).length ? { limits: k.limits } : {}),
    ...(Object.keys(k.budget).length ? { budget: k.budget } : {}),
  };
}

/** A key that authenticates now, or why not. */
export function keyStanding(k: StoredKey, now: number): Exclude<KeyRefusal, 'unknown'> | null {
  if (k.revokedAt !== null) return 'revoked';
  if (k.expiresAt !== null && Date.parse(k.expiresAt) <= now) return 'expired';
  return null;
}

/** A key as the admin API shows it: never its hash. */
export function publicView(k: StoredKey, source: KeyView['source'] = 'store', now = Date.now()): Omit<StoredKey, 'hash'> & Omit<KeyView, 'spend'> {
  const { hash: _hash, ...rest } = k;
  return { ...rest, source, status: keyStanding(k, now) ?? 'active' };
}
