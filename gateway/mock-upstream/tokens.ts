// Word-sized chunks and token estimates. The same functions serve streamed and whole answers, so
// usage figures agree between the two modes.
export function splitChunks(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

export function countWords(text: string): number {
  return (text.match(/\S+/g) ?? []).length;
}

/** Rough English estimate: about 1.3 tokens per word. */
export function estimateTokens(text: string): number {
  const words = countWords(text);
  return words === 0 ? 0 : Math.max(1, Math.round(words * 1.3));
}

/** The longest prefix of text, in whole words, that fits in maxTokens. */
export function truncateToTokens(text: string, maxTokens: number): string {
  const words = Math.max(1, Math.floor(maxTokens / 1.3));
  return splitChunks(text).slice(0, words).join('');
}
