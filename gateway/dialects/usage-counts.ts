// OpenAI's usage object from a provider's two counts, for every translation that answers in OpenAI's dialect.

/**
 * A token count as a provider reports it, or null when it is not one: only a whole number from 0 to
 * 2^53 - 1 counts, so 1e400 (Infinity once parsed), -5, 1e300 or 2.5 never reach spend or the audit record.
 */
export function tokenCount(v: unknown): number | null {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v + 0 : null;
}

/** prompt/completion/total tokens from input and output counts; `total` when the provider reports its own. */
export function usageFromCounts(input: unknown, output: unknown, total?: unknown, cached = 0) {
  const prompt = tokenCount(input) ?? 0;
  const completion = tokenCount(output) ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: tokenCount(total) ?? prompt + completion,
    ...(cached > 0 ? { prompt_tokens_details: { cached_tokens: cached } } : {}),
  };
}
