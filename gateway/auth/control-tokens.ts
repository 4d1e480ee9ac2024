// Control-plane and runner tokens with roles. `admin` may do everything an `auditor` or
// `policy-editor` may; `runner` only reads the training feed. Routes check them through
// ControlPlaneAuth (control-plane-auth.ts).
import type { TokenConfig } from '../config/types.js';
import { presentedKey } from './virtual-keys.js';
import { hashSecret } from '../core/secret-hash.js';


export class ControlTokens {
  readonly #byHash = new Map<string, TokenConfig>();

  constructor(tokens: TokenConfig[]) {
    for (const t of tokens) this.#byHash.set(t.hash, t);
  }

  lookup(headers: Record<string, string | string[] | undefined>): TokenConfig | null {
    const secret = presentedKey(headers);
    return secret ? (this.#byHash.get(hashSecret(secret)) ?? null) : null;
  }
}
