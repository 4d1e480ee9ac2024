// Token counts of a request and its answer, from the same estimates for streamed and whole answers.
import type { Answer } from './answer.js';
import { estimateTokens } from './tokens.js';

export interface Counts {
  input: number;
  output: number;
  reasoning: number;
}

export function countsOf(inputText: string, answer: Answer): Counts {
  const reasoning = estimateTokens(answer.reasoning ?? '');
  const output = estimateTokens(answer.text) + estimateTokens(answer.toolCalls.map((c) => c.arguments.replace(/[{}":,]/g, ' ')).join(' ')) + reasoning;
  return { input: Math.max(1, estimateTokens(inputText)), output, reasoning };
}
