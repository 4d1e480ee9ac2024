// The provider keys a configuration names, as the gateway reads them from the environment: the upstream
// client sends them and the secret scrubber keeps them out of every answer and log line.
import type { Config } from './types.js';

export function providerKeys(config: Pick<Config, 'providers'>, env: NodeJS.ProcessEnv = process.env): string[] {
  const keys = Object.values(config.providers).flatMap((p) => (p.apiKeyEnv && env[p.apiKeyEnv] ? [env[p.apiKeyEnv]!] : []));
  // Bedrock signs with AWS credentials: the secret key and session token are secrets (the key id is not).
  const aws = Object.values(config.providers).some((p) => p.kind === 'bedrock') ? [env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN].filter((v): v is string => !!v) : [];
  return [...keys, ...aws];
}
