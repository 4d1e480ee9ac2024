// OpenAI's usage object from a provider's two counts, for every translation that answers in OpenAI's dialect.

/** prompt/completion/total tokens from input and output counts; `total` when the provider reports its own. */
export function usageFromCounts(input: unknown, output: unknown, total?: unknown, cached = 0) {
  const prompt = typeof input === 'number' ? input : 0;
  const completion = typeof output === 'number' ? output : 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: typeof total === 'number' ? total : prompt + completion,
    ...(cached > 0 ? { prompt_tokens_details: { cached_tokens: cached } } : {}),
  };
}
