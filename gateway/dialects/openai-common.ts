import type { Endpoint, ProviderKind, Usage } from '../core/contracts.js';
import { errorAnswerFor } from '../core/errors.js';
import { isObject } from './json-object.js';
import { serializeEvents } from './sse.js';
import { tokenCount } from './usage-counts.js';

export function requireModel(body: unknown): string | { error: string } {
  if (!isObject(body)) return { error: 'the request body must be a JSON object' };
  if (typeof body.model !== 'string' || body.model.length === 0) return { error: '`model` is required' };
  return body.model;
}

/**
 * OpenAI reports prompt/completion tokens (chat, completions) or input/output tokens (responses); the
 * input tokens served from its prompt cache (priced lower) are among them, in the details.
 */
export function openaiUsage(u: unknown): Usage | null {
  if (!isObject(u)) return null;
  const input = tokenCount(u.prompt_tokens ?? u.input_tokens);
  const output = tokenCount(u.completion_tokens ?? u.output_tokens);
  if (input === null && output === null) return null;
  const details = u.prompt_tokens_details ?? u.input_tokens_details;
  const cached = (isObject(details) && tokenCount(details.cached_tokens)) || 0;
  return { input_tokens: input ?? 0, output_tokens: output ?? 0, ...(cached > 0 ? { cached_input_tokens: cached } : {}) };
}

/** Usage is needed for the record even when the caller did not ask for it; the extra chunk is dropped on the way back. */
export function withStreamUsage(body: Record<string, unknown>, upstreamModel: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body, model: upstreamModel };
  if (body.stream === true) out.stream_options = { ...(isObject(body.stream_options) ? body.stream_options : {}), include_usage: true };
  return out;
}

/** OpenAI streams carry an error as a data-only event holding the error body. */
export function openaiStreamError(status: number, message: string): string {
  return serializeEvents([{ data: JSON.stringify(errorAnswerFor(status, 'failed', 'openai', message).body) }]);
}

export const OPENAI_KINDS: readonly ProviderKind[] = ['openai', 'openai-compatible', 'azure-openai'];

/** What the OpenAI-only endpoints share: the dialect, the providers that serve them (OpenAI-shaped ones, less any excluded), the error event. */
export function openaiOnlyEndpoint(endpoint: Endpoint, path: string, excluded: readonly ProviderKind[] = []) {
  return { endpoint, dialect: 'openai' as const, path, accepts: (kind: ProviderKind) => OPENAI_KINDS.includes(kind) && !excluded.includes(kind), streamError: openaiStreamError };
}
