// The ways a served output is copied before it is scanned: stripped, normalised, excerpted, edited.
import { stripInvisible } from '../../gateway/provenance/watermark-reader.js';
import type { Rng } from './sotu-corpus.js';

export { stripInvisible };

export function nfkcWhitespace(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

/** A contiguous run of `fraction` of the words (invisible marks stay attached to their words). */
export function excerpt(text: string, fraction: number, rng: Rng): string {
  const words = text.split(/\s+/).filter(Boolean);
  const n = Math.max(1, Math.ceil(words.length * fraction));
  const start = Math.floor(rng() * (words.length - n + 1));
  return words.slice(start, start + n).join(' ');
}

/** Each word substituted by a vocabulary word or deleted with probability `rate` (half each). */
export function editWords(text: string, rate: number, vocabulary: string[], rng: Rng): string {
  const out: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (rng() >= rate) out.push(word);
    else if (rng() < 0.5) out.push(vocabulary[Math.floor(rng() * vocabulary.length)]);
  }
  return out.join(' ');
}
