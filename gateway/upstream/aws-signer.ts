// SigV4 signatures for Bedrock calls (@smithy/signature-v4, AWS's own signer), with credentials from the
// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN): the first source of the
// standard chain; profiles, IMDS and web identity are not read here.
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** SHA-256 (and its HMAC) from node:crypto, as the AWS SDK uses it in Node. */
class Sha256Node extends Hash {
  constructor(secret?: ConstructorParameters<typeof Hash>[1]) {
    super('sha256', secret);
  }
}

/** Signs one request; returns the headers to send (the given ones, plus x-amz-date, authorization and the token). */
export type RequestSigner = (req: { url: URL; path: string; headers: Record<string, string>; body: string }) => Promise<Record<string, string>>;

export function bedrockSigner(providerId: string, region: string | undefined, env: NodeJS.ProcessEnv): RequestSigner {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!region) throw new Error(`providers.${providerId}.region: required for kind bedrock`);
  if (!accessKeyId || !secretAccessKey) throw new Error(`providers.${providerId}: kind bedrock needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment`);
  const signer = new SignatureV4({ service: 'bedrock', region, sha256: Sha256Node, credentials: { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined } });
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
