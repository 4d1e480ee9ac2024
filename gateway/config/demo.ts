// The demo configuration: the normal configuration shape, generated, pointing every provider at
// the built-in mock provider. Nothing downstream knows it is a demo.
import { hashSecret } from '../auth/secret-hash.js';
import { validateConfig } from './load.js';
import type { Config } from './types.js';

export interface DemoSecrets {
  virtualKey: string;
  adminToken: string;
  runnerToken: string;
  /** The key the mock provider demands, passed to the gateway through an environment variable. */
  providerKeyEnv: string;
}

export function demoConfig(opts: { mockUrl: string; mockPort: number; dataDir: string; port: number; host: string; secrets: DemoSecrets }): Config {
  const { mockUrl, secrets } = opts;
  const raw = {
    server: { host: opts.host, port: opts.port },
    dataDir: opts.dataDir,
    providers: {
      openai: { kind: 'openai', baseUrl: mockUrl, apiKeyEnv: secrets.providerKeyEnv },
      anthropic: { kind: 'anthropic', baseUrl: mockUrl, apiKeyEnv: secrets.providerKeyEnv },
      vllm: { kind: 'openai-compatible', baseUrl: mockUrl, apiKeyEnv: secrets.providerKeyEnv, external: false },
    },
    models: {
      'gpt-4o-mini': { provider: 'openai', upstreamModel: 'gpt-4o-mini', licence: 'openai-terms' },
      'text-embedding-3-small': { provider: 'openai', upstreamModel: 'text-embedding-3-small', licence: 'openai-terms' },
      'claude-3-5-haiku-latest': { provider: 'anthropic', upstreamModel: 'claude-3-5-haiku-latest', licence: 'anthropic-terms' },
      'llama-3.1-8b-instruct': { provider: 'vllm', upstreamModel: 'meta-llama/Llama-3.1-8B-Instruct', licence: 'llama-3.1-community' },
      'qwen2.5-7b-instruct': { provider: 'vllm', upstreamModel: 'Qwen/Qwen2.5-7B-Instruct', licence: 'apache-2.0' },
      'deepseek-r1': { provider: 'vllm', upstreamModel: 'deepseek-ai/DeepSeek-R1', licence: 'mit' },
    },
    keys: [
      {
        id: 'demo',
        hash: hashSecret(secrets.virtualKey),
        team: 'demo',
        project: 'demo',
        defaultPurpose: 'general',
        allowedPurposes: ['general', 'training-data', 'evaluation'],
      },
    ],
    tokens: [
      { id: 'demo-admin', hash: hashSecret(secrets.adminToken), role: 'admin' },
      { id: 'demo-runner', hash: hashSecret(secrets.runnerToken), role: 'runner' },
    ],
    demo: { mockPort: opts.mockPort },
  };
  return validateConfig(raw, '(demo configuration)');
}
