// SigV4 signatures for Bedrock calls (@smithy/signature-v4, AWS's own signer), with credentials from the
// standard AWS chain (provider-credentials.ts), asked for at each signature: the chain caches them and
// fetches new ones before they expire.
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentials } from './provider-credentials.js';

/** SHA-256 (and its HMAC) from node:crypto, as the AWS SDK uses it in Node. */
class Sha256Node extends Hash {
  constructor(secret?: ConstructorParameters<typeof Hash>[1]) {
    super('sha256', secret);
  }
}

/** Signs one request; returns the headers to send (the given ones, plus x-amz-date, authorization and the token). */
export type RequestSigner = (req: { url: URL; path: string; headers: Record<string, string>; body: string }) => Promise<Record<string, string>>;

export function bedrockSigner(providerId: string, region: string | undefined, credentials: AwsCredentials): RequestSigner {
  if (!region) throw new Error(`providers.${providerId}.region: required for kind bedrock`);
  const signer = new SignatureV4({ service: 'bedrock', region, sha256: Sha256Node, credentials });
  return async ({ url, path, headers, body }) => {
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path,
      query: {},
      headers: { ...headers, host: url.host },
      body,
    });
    return signed.headers;
  };
}
