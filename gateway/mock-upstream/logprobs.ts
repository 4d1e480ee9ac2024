// Plausible per-token log probabilities: the chosen token is the most likely one, the alternatives
// are other tokens of the same answer, less likely.
import { rngFrom, seedOf } from './rng.js';

export interface TopLogprob {
  token: string;
  logprob: number;
  bytes: number[];
}

export interface TokenLogprob extends TopLogprob {
  top_logprobs: TopLogprob[];
}

export function tokenLogprobs(tokens: readonly string[], top: number, seed: string): TokenLogprob[] {
  const rng = rngFrom(seedOf('logprobs', seed));
  return tokens.map((token, i) => {
    const logprob = round(-(rng() ** 3) * 2.5);
    const alternatives: TopLogprob[] = [];
    for (let k = 1; k < top && tokens.length > 1; k++) {
      const alt = tokens[(i + k * 7) % tokens.length];
      alternatives.push(entry(alt, round(logprob - k - rng() * 2)));
    }
    return { ...entry(token, logprob), top_logprobs: top > 0 ? [entry(token, logprob), ...alternatives] : [] };
  });
}

function entry(token: string, logprob: number): TopLogprob {
  return { token, logprob, bytes: [...Buffer.from(token, 'utf8')] };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
