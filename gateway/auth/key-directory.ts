// authenticate: a presented virtual key → its principal, from the configuration's keys and the key
// store's (created through /admin/v1/keys). The first stage of the request path.
import type { Principal } from '../core/contracts.js';
import { hashSecret } from '../core/secret-hash.js';
import { keyStanding, principalOf } from './key-record.js';
import type { KeyStore } from './key-store.js';
import { presentedKey, type VirtualKeys } from './virtual-keys.js';

export type Authentication = { principal: Principal } | { principal: null; message: string };

const REFUSED: Record<'unknown' | 'expired' | 'revoked', string> = {
  unknown: 'invalid or missing virtual key',
  expired: 'this virtual key has expired',
  revoked: 'this virtual key has been revoked',
};

export class KeyDirectory {
  constructor(
    private readonly config: VirtualKeys,
    private readonly store: KeyStore | null,
    private readonly now: () => number = Date.now,
  ) {}

  /** The configuration's purposes: a store key may add its own (see `vocabularyFor`). */
  get purposes(): ReadonlySet<string> {
    return this.config.purposes;
  }

  /** The purposes a caller may declare: the configured vocabulary and the key's own. */
  vocabularyFor(principal: Principal): ReadonlySet<string> {
    const own = principal.allowedPurposes.filter((p) => !this.config.purposes.has(p));
    return own.length === 0 ? this.config.purposes : new Set([...this.config.purposes, ...own]);
  }

  /** The principal of a key by its id, as audit records name it (configuration first). */
  byId(keyId: string): Principal | null {
    const fromConfig = this.config.byId(keyId);
    if (fromConfig) return fromConfig;
    const stored = this.store?.known(keyId) ?? null;
    return stored ? principalOf(stored) : null;
  }

  async authenticate(headers: Record<string, string | string[] | undefined>): Promise<Authentication> {
    const key = presentedKey(headers);
    if (!key) return { principal: null, message: REFUSED.unknown };
    const hash = hashSecret(key);
    const configured = this.config.byHash(hash);
    if (configured) return { principal: configured };
    const stored = this.store ? await this.store.byHash(hash) : null;
    if (!stored) return { principal: null, message: REFUSED.unknown };
    const refusal = keyStanding(stored, this.now());
    return refusal ? { principal: null, message: REFUSED[refusal] } : { principal: principalOf(stored) };
  }
}
