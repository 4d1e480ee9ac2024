// Sentence windows: the units a text is embedded in. Sentences come from Intl.Segmenter (ICU's
// sentence rules); consecutive sentences join until a window holds MIN_WORDS words, and a sentence
// longer than MAX_WORDS (mail without punctuation, lists) is cut every MAX_WORDS words, so a
// window stays within the model's 128 tokens. A window never crosses a blank line. Offsets are UTF-16
// offsets in the text as given.
import { unwrapText, untangleToken } from '../../text/rewording.js';
import { canonicalForm } from '../../text/normalise.js';

export const MIN_WORDS = 24;
export const MAX_WORDS = 64;

export interface TextWindow {
  start: number;
  end: number;
  /** What is embedded: markup blanked, invisible code points removed, NFKC, camelCase, hyphens and look-alike digits undone. */
  text: string;
}

interface Piece {
  start: number;
  end: number;
  words: number;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
const WORD = /\S+/g;

const PARAGRAPH = /\n[ \t]*\n/g;

/**
 * Sentences (or MAX_WORDS-word cuts of longer ones) with their word counts, each paragraph apart (a
 * blank line: turns of a training record, an output and what follows it); pieces without a word are skipped.
 */
function pieces(text: string): Piece[][] {
  const paragraphs: Piece[][] = [];
  let from = 0;
  for (const m of [...text.matchAll(PARAGRAPH), { index: text.length, 0: '' }]) {
    const found = sentencePieces(text.slice(from, m.index), from);
    if (found.length > 0) paragraphs.push(found);
    from = (m.index ?? text.length) + m[0].length;
  }
  return paragraphs;
}

function sentencePieces(text: string, offset: number): Piece[] {
  const out: Piece[] = [];
  for (const { segment, index } of segmenter.segment(text)) {
    let words = 0;
    let start = -1;
    let end = -1;
    for (const m of segment.matchAll(WORD)) {
      if (start < 0) start = offset + index + m.index;
      end = offset + index + m.index + m[0].length;
      if (++words === MAX_WORDS) {
        out.push({ start, end, words });
        words = 0;
        start = -1;
      }
    }
    if (words > 0) out.push({ start, end, words });
  }
  return out;
}

/** The form a window is embedded in (identical when indexing and when checking). */
export function embeddingForm(text: string): string {
  return canonicalForm(unwrapText(text))
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .map(untangleToken)
    .join(' ');
}

function window(text: string, from: Piece[]): TextWindow {
  const start = from[0].start;
  const end = from[from.length - 1].end;
  return { start, end, text: embeddingForm(text.slice(start, end)) };
}

/**
 * Windows starting at every sentence: what a restricted output is indexed as, so a checked text's
 * windows line up with one of them wherever its excerpt begins.
 */
export function slidingWindows(text: string): TextWindow[] {
  return pieces(unwrapText(text)).flatMap((paragraph) => slidingIn(text, paragraph));
}

function slidingIn(text: string, all: Piece[]): TextWindow[] {
  const out: TextWindow[] = [];
  for (let i = 0; i < all.length; i++) {
    let words = 0;
    let j = i;
    while (j < all.length && words < MIN_WORDS && words + all[j].words <= MAX_WORDS) words += all[j++].words;
    if (j === i) j = i + 1;
    // A short tail joins this window when they fit together: alone, its few words
    // (a quote cut off at "For purposes") would be near any text that ends the same way.
    let rest = 0;
    for (let k = j; k < all.length; k++) rest += all[k].words;
    if (j < all.length && rest < MIN_WORDS / 2 && words + rest <= MAX_WORDS) j = all.length;
    out.push(window(text, all.slice(i, j)));
    // The rest of the text fits in this window: later starts would only repeat its tail.
    if (j === all.length) break;
  }
  return out;
}
