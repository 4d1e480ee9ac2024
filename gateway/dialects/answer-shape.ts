// The shape a provider's answer must have for the gateway to read all of its text: text anywhere the
// endpoint keeps none would leave unmarked and unrecorded, so such an answer is refused (a 502).
import { isObject } from './json-object.js';
import { ProviderAnswerError } from './types.js';

/**
 * The choices of an answer or stream chunk (none when a chunk has no `choices`, as a usage-only chunk).
 * Anything else would carry text the gateway neither marks nor records, so it is refused.
 */
export function answerChoices(json: Record<string, unknown>, optional = false): Record<string, unknown>[] {
  if (json.choices === undefined && optional) return [];
  if (!Array.isArray(json.choices)) throw new ProviderAnswerError("the provider's answer has no `choices` array");
  for (const choice of json.choices) if (!isObject(choice)) throw new ProviderAnswerError("a choice of the provider's answer is not an object");
  return json.choices as Record<string, unknown>[];
}

/** A text field of the provider's answer: text, or null when absent or null; anything else is refused (see answerChoices). */
export function textOrNull(value: unknown, field: string): string | null {
  if (value === undefined || value === null || typeof value === 'string') return value ?? null;
  throw new ProviderAnswerError(`\`${field}\` in the provider's answer is neither text nor null`);
}

/** An answer's array field (Anthropic `content`, Responses `output`, embeddings `data`) whose elements are objects. */
export function objectArray(value: unknown, field: string): Record<string, unknown>[] {
  if (!Array.isArray(value)) throw new ProviderAnswerError(`the provider's answer has no \`${field}\` array`);
  for (const item of value) if (!isObject(item)) throw new ProviderAnswerError(`an element of \`${field}\` in the provider's answer is not an object`);
  return value as Record<string, unknown>[];
}

/** The type (or code) of a provider's error event, for the record (its message may echo anything, so it is not kept). */
export function errorType(error: unknown): string {
  if (!isObject(error)) return 'error';
  const type = typeof error.type === 'string' ? error.type : error.code;
  return typeof type === 'string' ? type.slice(0, 64) : 'error';
}
