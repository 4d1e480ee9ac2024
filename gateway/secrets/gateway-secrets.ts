// What the gateway knows to be secret, from its configuration: the provider keys it reads from the
// environment, the credentials of an egress proxy, the OIDC client secret, the policy bundle and distillation webhook tokens, and the hashes of virtual keys and control-plane tokens.
import type { Config } from '../config/types.js';
import { providerKeys } from '../config/provider-keys.js';
import { proxyCredentials } from '../config/proxy-environment.js';
import { SecretScrubber } from './scrubber.js';

export function gatewayScrubber(config: Config, env: NodeJS.ProcessEnv = process.env): SecretScrubber {
  return new SecretScrubber({
    secrets: [...providerKeys(config, env), ...proxyCredentials(env), config.oidc?.clientSecretEnv ? env[config.oidc.clientSecretEnv] : undefined, config.policy.bundleToken ? env[config.policy.bundleToken.env] : undefined, ...config.distillation.webhooks.map((h) => (h.tokenEnv ? env[h.tokenEnv] : undefined))],
    hashes: [...config.keys.map((k) => k.hash), ...config.tokens.map((t) => t.hash)],
  });
}
