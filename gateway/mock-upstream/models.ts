// GET /v1/models and /v1/models/{id}, in OpenAI's shape or, when the caller speaks Anthropic
// (anthropic-version header), in Anthropic's.
import type { Dialect } from './reply.js';

export const DEFAULT_MODELS = [
  'gpt-4o-mini',
  'claude-3-5-haiku-latest',
  'gemini-2.0-flash',
  'mistral-small-latest',
  'grok-3-mini',
  'llama-3.1-8b-instruct',
  'llama-3.3-70b-instruct',
  'qwen2.5-7b-instruct',
  'qwen2.5-3b-instruct',
  'qwen2.5-72b-instruct',
  'deepseek-r1',
  'deepseek-v3',
  'gemma-3-12b-it',
  'gpt-oss-20b',
];

const CREATED = 1_721_172_741;

export function modelList(dialect: Dialect, models: readonly string[]): unknown {
  if (dialect === 'anthropic') {
    return { data: models.map(anthropicModel), has_more: false, first_id: models[0] ?? null, last_id: models.at(-1) ?? null };
  }
  return { object: 'list', data: models.map(openaiModel) };
}

/** Any id is served, listed or not, as real gateways in front of many models expect. */
export function modelInfo(dialect: Dialect, id: string): unknown {
  return dialect === 'anthropic' ? anthropicModel(id) : openaiModel(id);
}

function openaiModel(id: string) {
  return { id, object: 'model', created: CREATED, owned_by: ownerOf(id) };
}

function anthropicModel(id: string) {
  return { type: 'model', id, display_name: id, created_at: new Date(CREATED * 1000).toISOString() };
}

function ownerOf(id: string): string {
  if (/^(gpt-oss|gemma)/.test(id)) return 'vllm';
  if (/^(gpt|o\d|text-embedding)/.test(id)) return 'openai';
  if (id.startsWith('claude')) return 'anthropic';
  if (id.startsWith('gemini')) return 'google';
  if (id.startsWith('mistral')) return 'mistralai';
  if (id.startsWith('grok')) return 'xai';
  return 'vllm';
}
