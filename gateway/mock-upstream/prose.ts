// Composes an answer from consecutive corpus sentences (consecutive reads far more naturally than
// a random mix), starting at a position chosen by the request's seed.
import { intBetween, type Rng } from './rng.js';
import { countWords, splitChunks } from './tokens.js';

export const DEFAULT_LENGTH: Length = { min: 60, max: 120 };
/** Answers longer than this get a paragraph break near their middle. */
const PARAGRAPH_WORDS = 80;

export interface Length {
  min: number;
  max: number;
}

/** words: exact length; otherwise a length within range, ending on a sentence boundary. */
export function composeProse(rng: Rng, sentences: readonly string[], words?: number, range: Length = DEFAULT_LENGTH): string {
  const target = words ?? intBetween(rng, range.min, range.max);
  let index = Math.floor(rng() * sentences.length);
  let text = '';
  let count = 0;
  let broken = target < PARAGRAPH_WORDS;
  while (count < target) {
    const sentence = sentences[index++ % sentences.length];
    const n = countWords(sentence);
    if (words === undefined && count >= range.min && count + n > range.max) break;
    const separator = text === '' ? '' : !broken && count >= target / 2 ? '\n\n' : ' ';
    if (separator === '\n\n') broken = true;
    text += separator + sentence;
    count += n;
  }
  return words === undefined ? text : exactWords(text, words);
}

function exactWords(text: string, words: number): string {
  const cut = splitChunks(text).slice(0, words).join('');
  return /[.!?]$/.test(cut) ? cut : cut.replace(/[,;:"']+$/, '') + '.';
}

/** Lower-case words of the text, suitable as identifiers or search terms. */
export function plainWords(text: string): string[] {
  return (text.toLowerCase().match(/\b[a-z]{4,12}\b/g) ?? []);
}
