// Word games an insider plays on a restricted output to get it past the word fingerprints, each undone a
// word at a time with the lexicon (lexicon.ts): pig Latin ("ethay ouseway" → the house), vowels left out
// ("th hs" → the house), letters shuffled inside each word ("tehouse" kept, "hsuoe" → house), and words run
// together ("thehouseonthehill"), split again where the most used words fall (the cost of a word is the log
// of its rank, as in Norvig's and wordninja's segmenters). A guess is the most used word that fits, so some
// words come back wrong; the loose fingerprints follow a text with a share of its words changed. Written
// by hand: no maintained Node package undoes these games or segments English.
import { innerLettersKey, lexicon } from './lexicon.js';
import { ReadingBuilder, type Transformed } from './substitutions.js';

const asWritten = (letters: string) => letters;

/**
 * A pig Latin word read back: the letters moved before `ay` put in front again, or the `way`/`yay`/`hay` of
 * a word that began with a vowel dropped; the most used word among the candidates, else the consonants
 * before `ay` moved back (right for a word that ends in a vowel). Played over a cipher (its `ay` as
 * written, its letters ciphered), the candidates are told by `read` (the cipher undone), and the one
 * chosen is returned as written, for the cipher to be undone over the whole text.
 */
export function pigLatinUndone(word: string, read: (letters: string) => string = asWritten): string {
  if (word.length < 4 || !word.endsWith('ay')) return word;
  const core = word.slice(0, -2);
  const { rank } = lexicon();
  const candidates = [core];
  if (/[wyh]$/.test(core)) candidates.push(core.slice(0, -1));
  // Under a cipher more letters may have moved: its consonants are not English's (Atbash turns every vowel into one).
  for (let k = 1; k <= Math.min(read === asWritten ? 4 : 7, core.length - 1); k++) candidates.push(core.slice(-k) + core.slice(0, -k));
  let best: string | null = null;
  let bestRank = Infinity;
  for (const c of candidates) {
    const r = rank.get(read(c));
    if (r !== undefined && r < bestRank) {
      best = c;
      bestRank = r;
    }
  }
  if (best !== null) return best;
  const moved = /[^aeiou]*$/.exec(core)![0];
  return moved.length > 0 && moved.length < core.length ? moved + core.slice(0, core.length - moved.length) : core;
}

/** A word written without its vowels read as the most used word with those consonants; a word that is one already stays. */
export function vowelsPutBack(word: string): string {
  const { rank, byConsonants } = lexicon();
  if (/[aeiou]/.test(word) && rank.has(word)) return word;
  return byConsonants.get(word) ?? word;
}

/** A word whose letters were shuffled between its first and last read as the most used word with those letters. */
export function lettersUnscrambled(word: string): string {
  return lexicon().byInnerLetters.get(innerLettersKey(word)) ?? word;
}

/** Longer words looked up at most: enough to tell, and the check runs on every text that reads as prose. */
const MOST_CHECKED = 64;

/**
 * Letters shuffled inside the words of a text that otherwise reads as prose (its short words, stop words
 * among them, keep their letters): most of the sample's longer words are unknown, and most of those are a
 * known word shuffled. Ordinary prose has a tenth or less of them unknown; jargon is unknown shuffled too.
 */
export function shuffledInside(words: string[]): boolean {
  const { rank, byInnerLetters } = lexicon();
  let long = 0;
  const unknown: string[] = [];
  for (const w of words) {
    if (w.length < 4) continue;
    if (long === MOST_CHECKED) break;
    long++;
    if (!rank.has(w)) unknown.push(w);
  }
  if (long < 8 || unknown.length < 0.3 * long) return false;
  // Keying a word's letters is the dear part: stop as soon as the answer is known either way.
  const needed = 0.6 * unknown.length;
  let shuffled = 0;
  for (let i = 0; i < unknown.length; i++) {
    if (byInnerLetters.has(innerLettersKey(unknown[i]))) shuffled++;
    if (shuffled >= needed) return true;
    if (shuffled + unknown.length - 1 - i < needed) return false;
  }
  return false;
}

/** A letter that begins no known word: dearer than any word, so a run is split into words wherever it can be. */
const UNKNOWN_LETTER = 40;
/** Longest word tried at each place: longer ones are rare and cost a slice each. */
const LONGEST_TRIED = 20;

/** A run of letters split into the words most likely to have made it. `run` is lower case. */
export function splitRun(run: string): string[] {
  const { rank } = lexicon();
  const logSize = Math.log(rank.size);
  const n = run.length;
  const cost = new Float64Array(n + 1);
  const start = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    cost[i] = cost[i - 1] + UNKNOWN_LETTER;
    start[i] = i - 1;
    for (let k = 1; k <= Math.min(i, LONGEST_TRIED); k++) {
      const r = rank.get(run.slice(i - k, i));
      if (r === undefined) continue;
      const c = cost[i - k] + Math.log((r + 1) * logSize);
      if (c < cost[i]) {
        cost[i] = c;
        start[i] = i - k;
      }
    }
  }
  const words: string[] = [];
  for (let i = n; i > 0; i = start[i]) words.push(run.slice(start[i], i));
  return words.reverse();
}

const WORD = /\p{L}+/gu;

/** `text` with each word put through `game` (which takes it in lower case), the rest as it is; a changed word is placed over the word it came from. */
export function wordsRead(text: string, game: (word: string) => string): Transformed {
  const reading = new ReadingBuilder(text);
  let at = 0;
  for (const m of text.matchAll(WORD)) {
    reading.copy(at, m.index);
    const word = m[0].toLowerCase();
    const read = game(word);
    if (read === word) reading.copy(m.index, m.index + m[0].length);
    else reading.spread(read, m.index, m.index + m[0].length);
    at = m.index + m[0].length;
  }
  reading.copy(at, text.length);
  return reading.done();
}

/** Letters read as words run together past this length. */
export const RUN = 16;
const LETTER_RUN = new RegExp(`[A-Za-z]{${RUN},}`, 'g');
/** Letters split at most: beyond, a run is kept as written (the split is linear, but a reading costs a scan). */
const MOST_SPLIT = 1 << 18;

/** `text` with each run of RUN or more letters split into words by a space between them, placed on the letters they came from. */
export function runsSplit(text: string): Transformed {
  const reading = new ReadingBuilder(text);
  let at = 0;
  let split = 0;
  for (const m of text.matchAll(LETTER_RUN)) {
    if ((split += m[0].length) > MOST_SPLIT) break;
    reading.copy(at, m.index);
    let from = m.index;
    for (const [i, word] of splitRun(m[0].toLowerCase()).entries()) {
      if (i > 0) reading.put(' ', from);
      reading.copy(from, from + word.length);
      from += word.length;
    }
    at = m.index + m[0].length;
  }
  reading.copy(at, text.length);
  return reading.done();
}
