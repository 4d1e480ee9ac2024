// The demo configuration: the normal configuration shape, generated, pointing every provider at
// the built-in mock provider. Nothing downstream knows it is a demo.
import { hashSecret } from '../core/secret-hash.js';
import { validateConfig } from './load.js';
import type { Config } from './types.js';

export interface DemoSecrets {
  virtualKey: string;
  adminToken: string;
  runnerToken: string;
  /** The key the mock provider demands, passed to the gateway through an environment variable. */
  providerKeyEnv: string;
}

/** The region the demo's Bedrock provider signs for. */
export const DEMO_AWS_REGION = 'us-east-1';

export function demoConfig(opts: { mockUrl: string; mockPort: number; dataDir: string; port: number; host: string; secrets: DemoSecrets }): Config {
  const { mockUrl, secrets } = opts;
  const raw = {
    server: { host: opts.host, port: opts.port },
    dataDir: opts.dataDir,
    providers: {
      // API providers are used under their business terms; the catalogue holds the consumer terms too.
      openai: { kind: 'openai', baseUrl: mockUrl, apiKeyEnv: secrets.providerKeyEnv, licence: 'openai-services-agreement' },
      anthropic: { kind: 'anthropic', baseUrl: mockUrl, apiKeyEnv: secrets.providerKeyEnv, licence: 'anthropic-commercial-terms' },
      // The Gemini API's own dialect (the mock speaks it under /v1beta); callers reach it through /v1/chat/completions.
      google: { kind: 'gemini', baseUrl: `${mockUrl}/v1beta`, apiKeyEnv: secrets.providerKeyEnv, licence: 'gemini-api-additional-terms' },
      mistral: { kind: 'openai-compatible', baseUrl: mockUrl, apiKeyEnv: secrets.providerKeyEnv, licence: 'mistral-commercial-terms' },
      xai: { kind: 'openai-compatible', baseUrl: mockUrl, apiKeyEnv: secrets.providerKeyEnv, licence: 'xai-enterprise-terms' },
      vllm: { kind: 'openai-compatible', baseUrl: mockUrl, apiKeyEnv: secrets.providerKeyEnv, external: false },
      // The clouds' dialects (the mock speaks both): Azure OpenAI by deployment and api-version; Bedrock's
      // Converse API, SigV4-signed with the standard AWS chain (the demo puts its own credentials in the environment).
      azure: { kind: 'azure-openai', baseUrl: mockUrl, apiKeyEnv: secrets.providerKeyEnv, apiVersion: '2024-10-21', licence: 'azure-openai-product-terms' },
      bedrock: { kind: 'bedrock', baseUrl: mockUrl, region: DEMO_AWS_REGION },
    },
    // Self-hosted models name the catalogue entry of their checkpoint.
    models: {
      'gpt-4o-mini': { provider: 'openai', upstreamModel: 'gpt-4o-mini' },
      'gpt-4o-mini-azure': { provider: 'azure', upstreamModel: 'gpt-4o-mini' },
      'llama-3.1-8b-bedrock': { provider: 'bedrock', upstreamModel: 'meta.llama3-1-8b-instruct-v1:0', licence: 'llama-3.1-8b-instruct' },
      'text-embedding-3-small': { provider: 'openai', upstreamModel: 'text-embedding-3-small' },
      'claude-3-5-haiku-latest': { provider: 'anthropic', upstreamModel: 'claude-3-5-haiku-latest' },
      'gemini-2.0-flash': { provider: 'google', upstreamModel: 'gemini-2.0-flash' },
      'mistral-small-latest': { provider: 'mistral', upstreamModel: 'mistral-small-latest' },
      'grok-3-mini': { provider: 'xai', upstreamModel: 'grok-3-mini' },
      'llama-3.1-8b-instruct': { provider: 'vllm', upstreamModel: 'meta-llama/Llama-3.1-8B-Instruct', licence: 'llama-3.1-8b-instruct' },
      'llama-3.3-70b-instruct': { provider: 'vllm', upstreamModel: 'meta-llama/Llama-3.3-70B-Instruct', licence: 'llama-3.3-70b-instruct' },
      'qwen2.5-7b-instruct': { provider: 'vllm', upstreamModel: 'Qwen/Qwen2.5-7B-Instruct', licence: 'qwen2.5-7b-instruct' },
      'qwen2.5-3b-instruct': { provider: 'vllm', upstreamModel: 'Qwen/Qwen2.5-3B-Instruct', licence: 'qwen2.5-3b-instruct' },
      'qwen2.5-72b-instruct': { provider: 'vllm', upstreamModel: 'Qwen/Qwen2.5-72B-Instruct', revision: '347606f5a6be8834d71d1321440b180e14fb19b0', licence: 'qwen2.5-72b-instruct' },
      'deepseek-r1': { provider: 'vllm', upstreamModel: 'deepseek-ai/DeepSeek-R1', licence: 'deepseek-r1' },
      'deepseek-v3': { provider: 'vllm', upstreamModel: 'deepseek-ai/DeepSeek-V3', revision: 'dd31960ee457249502f7c6a652a30ff78e9fc792', licence: 'deepseek-v3' },
      'gemma-3-12b-it': { provider: 'vllm', upstreamModel: 'google/gemma-3-12b-it', licence: 'gemma-3-12b-it' },
      'gpt-oss-20b': { provider: 'vllm', upstreamModel: 'openai/gpt-oss-20b', revision: '6cee5e8', licence: 'gpt-oss-20b' },
    },
    keys: [
      {
        id: 'demo',
        hash: hashSecret(secrets.virtualKey),
        team: 'demo',
        project: 'demo',
        defaultPurpose: 'general',
        allowedPurposes: ['general', 'training-data', 'distillation', 'evaluation'],
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
