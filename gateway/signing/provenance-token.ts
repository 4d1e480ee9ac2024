// The `x-termsgate-provenance` header: a compact JWS (EdDSA) whose payload names the decision, the
// licence and whether the output may train a model. Composed with node:crypto rather than jose,
// because jose signs through WebCrypto's async API and this runs on every call's hot path;
// tests verify the tokens with jose.
import type { SigningKeys } from './keys.js';

export interface ProvenanceClaims {
  decision_id: string;
  licence: string;
  trainable: boolean;
  policy_revision: string;
  iat: number;
}

export class ProvenanceTokens {
  readonly #keys: SigningKeys;
  readonly #header: string;

  constructor(keys: SigningKeys) {
    this.#keys = keys;
    this.#header = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'termsgate-provenance+jwt', kid: keys.keyId })).toString('base64url');
  }

  sign(claims: ProvenanceClaims): string {
    const signingInput = this.#header + '.' + Buffer.from(JSON.stringify(claims)).toString('base64url');
    return signingInput + '.' + this.#keys.sign(Buffer.from(signingInput)).toString('base64url');
  }
}
