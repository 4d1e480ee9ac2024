// The `x-termsgate-provenance` header: a compact JWS (EdDSA) whose payload names the decision, the
// licence and whether the output may train a model. Composed with node:crypto rather than jose: the
// signature runs in libuv's thread pool while the provider answers, off the event loop that every
// call shares; tests verify the tokens with jose.
import { sign as edSign } from 'node:crypto';
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

  sign(claims: ProvenanceClaims): Promise<string> {
    const signingInput = this.#header + '.' + Buffer.from(JSON.stringify(claims)).toString('base64url');
    return new Promise((resolve, reject) => {
      edSign(null, Buffer.from(signingInput), this.#keys.privateKey, (err, signature) => {
        if (err) reject(err);
        else resolve(signingInput + '.' + signature.toString('base64url'));
      });
    });
  }
}
