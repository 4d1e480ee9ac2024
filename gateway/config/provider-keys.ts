// The provider keys a configuration names, as the gateway reads them from the environment: the upstream
// client sends them and the secret scrubber keeps them out of every answer and log line.
import type { Config } from './types.js';

export function providerKeys(config: Pick<Config, 'providers'>, env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.values(config.providers).flatMap((p) => (p.apiKeyEnv && env[p.apiKeyEnv] ? [env[p.apiKeyEnv]!] : []));
}
