// The termsgate configuration for the benchmark: the normal YAML configuration, with the demo
// model routed to the benchmark's external mock provider instead of the demo's built-in one.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';

export function termsgateConfigYaml(opts: {
  mockUrl: string;
  port: number;
  dataDir: string;
  policyDir: string;
  virtualKey: string;
  providerKeyEnv: string;
  /** More of the configuration (the attack soak's hostile provider, its key, an admin token, limits), merged in. */
  extra?: { providers?: object; models?: object; keys?: object[]; tokens?: object[]; limits?: object };
}): string {
  const config = {
    server: { host: '127.0.0.1', port: opts.port },
    dataDir: opts.dataDir,
    providers: {
      openai: { kind: 'openai', baseUrl: `${opts.mockUrl}/v1`, apiKeyEnv: opts.providerKeyEnv, licence: 'openai-services-agreement' },
    },
    models: {
      'gpt-4o-mini': { provider: 'openai', upstreamModel: 'gpt-4o-mini' },
    },
    keys: [
      {
        id: 'bench',
        hash: 'sha256:' + createHash('sha256').update(opts.virtualKey, 'utf8').digest('hex'),
        team: 'demo',
        project: 'bench',
        defaultPurpose: 'general',
        allowedPurposes: ['general'],
      },
    ],
    policy: { dir: opts.policyDir },
    // What the README advises for a gateway under load: restricted outputs indexed by meaning on idle cores.
    provenance: { semantic: { priority: 'low' } },
  };
  const extra = opts.extra;
  if (!extra) return stringify(config);
  return stringify({
    ...config,
    providers: { ...config.providers, ...extra.providers },
    models: { ...config.models, ...extra.models },
    keys: [...config.keys, ...(extra.keys ?? [])],
    ...(extra.tokens ? { tokens: extra.tokens } : {}),
    ...(extra.limits ? { limits: extra.limits } : {}),
  });
}

export function litellmConfigYaml(opts: { mockUrl: string; providerKey: string }): string {
  return stringify({
    model_list: [
      {
        model_name: 'gpt-4o-mini',
        litellm_params: { model: 'openai/gpt-4o-mini', api_base: `${opts.mockUrl}/v1`, api_key: opts.providerKey },
      },
    ],
  });
}
