// The `x-termsgate-provenance` header: a compact JWS (HS256, typ termsgate-provenance+jwt) whose payload
// names the decision, the licence and whether the output may train a model. A MAC, not a signature: an
// Ed25519 signature per call was the gateway's costliest function. Public verifiability comes from the
// audit log instead: the call's final record names the token's SHA-256 digest with its claims, under
// the log's signed checkpoints (gateway/audit/token-evidence.ts checks that with the log's key alone).
import { createHmac, hash } from 'node:crypto';
import { compactVerify, errors as joseErrors } from 'jose';
import type { TokenMacKey } from './token-key.js';

export interface ProvenanceClaims {
  decision_id: string;
  licence: string;
  trainable: boolean;
  policy_revision: string;
  iat: number;
}

export const TOKEN_TYP = 'termsgate-provenance+jwt';

/** A token as issued, with the digest the call's audit records name it by. */
export interface IssuedToken {
  token: string;
  /** "sha256:<hex>" of the token's ASCII bytes. */
  digest: string;
}

export type TokenCheck = { valid: true; claims: ProvenanceClaims } | { valid: false; reason: string };

export function tokenDigest(token: string): string {
  // A token is base64url text: its UTF-8 bytes are its ASCII bytes.
  return 'sha256:' + hash('sha256', token, 'hex');
}

/** The claims of a token's payload, unverified (a third party checks them against the audit log); null when malformed. */
export function tokenClaims(token: string): ProvenanceClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>;
    if (header.typ !== TOKEN_TYP) return null;
    return claimsOf(JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')));
  } catch {
    return null;
  }
}

function claimsOf(v: unknown): ProvenanceClaims | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const c = v as Record<string, unknown>;
  const ok =
    typeof c.decision_id === 'string' &&
    typeof c.licence === 'string' &&
    typeof c.trainable === 'boolean' &&
    typeof c.policy_revision === 'string' &&
    Number.isSafeInteger(c.iat) &&
    Object.keys(c).length === 5;
  return ok ? { decision_id: c.decision_id as string, licence: c.licence as string, trainable: c.trainable as boolean, policy_revision: c.policy_revision as string, iat: c.iat as number } : null;
}

export class ProvenanceTokens {
  readonly #key: TokenMacKey;
  readonly #header: string;

  constructor(key: TokenMacKey) {
    this.#key = key;
    this.#header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: TOKEN_TYP, kid: key.keyId })).toString('base64url');
  }

  get keyId(): string {
    return this.#key.keyId;
  }

  /** Composed with node:crypto rather than jose: synchronous, a few µs, no promise per call on the request path. */
  sign(claims: ProvenanceClaims): IssuedToken {
    const signingInput = this.#header + '.' + Buffer.from(JSON.stringify(claims)).toString('base64url');
    const token = signingInput + '.' + createHmac('sha256', this.#key.secret).update(signingInput).digest('base64url');
    return { token, digest: tokenDigest(token) };
  }

  /** The gateway's own check (it holds the MAC key): jose verifies, pinned to HS256, this key id and the token type. */
  async verify(token: string): Promise<TokenCheck> {
    try {
      const { payload, protectedHeader } = await compactVerify(token, this.#key.secret, { algorithms: ['HS256'] });
      if (protectedHeader.typ !== TOKEN_TYP) return { valid: false, reason: 'not a provenance token' };
      if (protectedHeader.kid !== this.#key.keyId) return { valid: false, reason: 'issued under another key' };
      const claims = (() => {
        try {
          return claimsOf(JSON.parse(Buffer.from(payload).toString('utf8')));
        } catch {
          return null;
        }
      })();
      return claims ? { valid: true, claims } : { valid: false, reason: 'malformed claims' };
    } catch (err) {
      if (err instanceof joseErrors.JOSEAlgNotAllowed) return { valid: false, reason: 'algorithm not allowed' };
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) return { valid: false, reason: 'bad MAC' };
      if (err instanceof joseErrors.JOSEError) return { valid: false, reason: 'malformed token' };
      throw err;
    }
  }
}
