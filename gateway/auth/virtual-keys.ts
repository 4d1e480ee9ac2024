// The configuration's virtual keys (hash → principal); gateway/auth/key-directory.ts adds the key store's.
import type { VirtualKeyConfig } from '../config/types.js';
import type { Principal } from '../core/contracts.js';

export class VirtualKeys {
  readonly #byHash = new Map<string, Principal>();
  readonly #byId = new Map<string, Principal>();
  readonly #purposes = new Set<string>();

  constructor(keys: VirtualKeyConfig[]) {
    for (const k of keys) {
      const principal: Principal = {
        keyId: k.id,
        team: k.team,
        project: k.project,
        defaultPurpose: k.defaultPurpose,
        allowedPurposes: k.allowedPurposes,
        ...(k.limits ? { limits: k.limits } : {}),
        ...(k.budget ? { budget: k.budget } : {}),
      };
      this.#byHash.set(k.hash, principal);
      this.#byId.set(k.id, principal);
      for (const p of [k.defaultPurpose, ...k.allowedPurposes]) this.#purposes.add(p);
    }
  }

  /** The configured vocabulary of purposes: every purpose some key names. */
  get purposes(): ReadonlySet<string> {
    return this.#purposes;
  }

  /** The principal of a key by its id, as audit records name it. */
  byId(keyId: string): Principal | null {
    return this.#byId.get(keyId) ?? null;
  }

  /** The principal of a configured key by its hash, or null. */
  byHash(hash: string): Principal | null {
    return this.#byHash.get(hash) ?? null;
  }

}

/** `Authorization: Bearer <key>` (OpenAI SDKs) or `x-api-key: <key>` (Anthropic SDKs). */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | null {
  const auth = headers['authorization'];
  if (typeof auth === 'string' && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') return auth.slice(7).trim();
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) return apiKey.trim();
  return null;
}
