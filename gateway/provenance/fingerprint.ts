// Content-defined fingerprints: hashes of overlapping word shingles, sampled by their low bits so
// that any excerpt keeps exactly the samples of the part it copies (unlike bottom-k MinHash, whose
// samples shift when text is cut). A longer output is sampled more sparsely ("level"), down to a
// density floor, so that an excerpt of a long output keeps as many samples per word as a short output's,
// and beyond a bound on what one output costs in the index; a query is sampled at the finest level and
// compared per level.

import { fingerprintForm } from '../text/normalise.js';
import { STOP_WORDS } from '../text/readings.js';
import { unwrapText, untangleToken } from '../text/rewording.js';

export const SHINGLE_WORDS = 4;
/** Short outputs keep every shingle (level 0), so that even they can vouch for the text around a mark. */
export const MIN_LEVEL = 0;
export const MAX_LEVEL = 20;

/** How one kind of fingerprint is sampled: the level that keeps `target` to 2×`target` samples, never sparser than `sparsest` while that keeps at most `most`. */
export interface Sampling {
  target: number;
  /**
   * The sparsest level an output is sampled at for its length alone. Without it a 16,000-word answer kept
   * one shingle in 512, and a verbatim 500-word excerpt of it was traced 8 times in 40 (none of a
   * 40,000-word answer's): asking for long answers and training on pieces laundered them.
   */
  sparsest: number;
  /** Samples one output keeps at most (the stored form holds 65,535): past it, the level rises again. */
  most: number;
}

/** Word shingles: 32–63 samples for a short output; 1 in 8 shingles from about 260 words to 130,000. */
export const WORD_SAMPLING: Sampling = { target: 32, sparsest: 3, most: 16_384 };

// Tokens are cut at Unicode white space in the text as given (U+FEFF and other format characters
// are not white space, so they cannot split a word); each token is then normalised on its own, which
// keeps every word's place in the original text for span reports.
const TOKEN = /[^\p{White_Space}]+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

export interface Word {
  /** The word in fingerprint form (gateway/text/normalise.ts), punctuation dropped. */
  form: string;
  /** UTF-16 offsets of the token it came from, in the text as given. */
  start: number;
  end: number;
}

/** Tokens up to this long have their forms remembered: words repeat (Zipf), and a token's forms cost a dozen Unicode passes. */
const CACHED_TOKEN_CHARS = 48;
const CACHED_TOKENS = 65_536;
const NO_FORMS: readonly string[] = [];
let formsOfToken = new Map<string, readonly string[]>();

function formsOf(token: string): readonly string[] {
  const cached = formsOfToken.get(token);
  if (cached) return cached;
  const forms = fingerprintForm(untangleToken(token)).match(WORD) ?? NO_FORMS;
  if (token.length <= CACHED_TOKEN_CHARS) {
    // Full: start again rather than track recency (a miss only costs the passes again).
    if (formsOfToken.size >= CACHED_TOKENS) formsOfToken = new Map();
    formsOfToken.set(token, forms);
  }
  return forms;
}

/** The text's words in fingerprint form (cheap rewordings undone: gateway/text/rewording.ts), each with where its token sits in the text. */
export function fingerprintWords(text: string): Word[] {
  const words: Word[] = [];
  for (const token of unwrapText(text).matchAll(TOKEN)) {
    const start = token.index;
    const end = start + token[0].length;
    for (const form of formsOf(token[0])) words.push({ form, start, end });
  }
  return words;
}

export function normalisedWords(text: string): string[] {
  return fingerprintWords(text).map((w) => w.form);
}

function fnv1a(word: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) {
    h ^= word.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The hash of the SHINGLE_WORDS-word window starting at each word (one window when the text is shorter). */
export function shingleHashesAt(words: readonly Word[]): Uint32Array {
  if (words.length === 0) return new Uint32Array(0);
  const wh = words.map((w) => fnv1a(w.form));
  const count = Math.max(1, wh.length - SHINGLE_WORDS + 1);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    let h = 0x9e3779b9;
    for (let j = i; j < Math.min(i + SHINGLE_WORDS, wh.length); j++) h = fmix((h ^ wh[j]) + 0x7f4a7c15);
    out[i] = h;
  }
  return out;
}

export function sampledAt(hash: number, level: number): boolean {
  return (hash & ((1 << level) - 1)) === 0;
}

/** The sampling level for an output with this many distinct shingles. */
export function levelFor(shingles: number, sampling: Sampling): number {
  let level = MIN_LEVEL;
  while (level < sampling.sparsest && shingles >> (level + 1) >= sampling.target) level++;
  while (level < MAX_LEVEL && shingles >> level > sampling.most) level++;
  return level;
}

export interface Fingerprint {
  level: number;
  hashes: Uint32Array;
  /**
   * Loose pairs only: where each sampled pair (in `hashes`' order) first starts in the output, in words,
   * at most MAX_POSITION. Absent for outputs stored before positions were kept.
   */
  at?: Uint16Array;
}

/** The furthest word a loose pair's position names (one u16 each in the index); later pairs are named there. */
export const MAX_POSITION = 0xffff;

/** Both fingerprints of one output: word shingles, and loose pairs that survive substitutions. */
export interface OutputFingerprints {
  words: Fingerprint;
  loose: Fingerprint;
}

function sampled(all: Uint32Array, sampling: Sampling): Fingerprint {
  const level = levelFor(all.length, sampling);
  // A loop, not TypedArray#filter: V8 runs that builtin's callback unoptimised, and this is per output.
  const hashes = new Uint32Array(all.length);
  let n = 0;
  for (let i = 0; i < all.length; i++) if (sampledAt(all[i], level)) hashes[n++] = all[i];
  return { level, hashes: hashes.slice(0, n) };
}

/** The distinct hashes, ascending: a native sort of a copy, then one pass (a Set costs several times more per hash). */
export function distinctSorted(hashes: Uint32Array): Uint32Array {
  const sorted = hashes.slice().sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (n === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i];
  return sorted.subarray(0, n);
}

/** What the index stores for one output. */
export function fingerprintOf(text: string): OutputFingerprints {
  const words = fingerprintWords(text);
  const pairs = loosePairsAt(words);
  const loose = sampled(distinctSorted(pairs.hashes), LOOSE_SAMPLING);
  return { words: sampled(distinctSorted(shingleHashesAt(words)), WORD_SAMPLING), loose: { ...loose, at: firstPositions(loose, pairs) } };
}

/** Where each sampled loose pair first starts among `pairs` (in text order), in words, in the sample's order. */
function firstPositions(sample: Fingerprint, pairs: { hashes: Uint32Array; at: Uint32Array }): Uint16Array {
  const at = new Uint16Array(sample.hashes.length).fill(MAX_POSITION);
  const set = new Uint8Array(sample.hashes.length);
  for (let k = 0; k < pairs.hashes.length; k++) {
    if (!sampledAt(pairs.hashes[k], sample.level)) continue;
    const i = indexInSorted(sample.hashes, pairs.hashes[k]);
    if (i >= 0 && set[i] === 0) {
      set[i] = 1;
      at[i] = Math.min(pairs.at[k], MAX_POSITION);
    }
  }
  return at;
}

/** Where a sorted hash list holds `hash`, or -1. */
export function indexInSorted(hashes: Uint32Array, hash: number): number {
  let lo = 0;
  let hi = hashes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const h = hashes[mid];
    if (h === hash) return mid;
    if (h < hash) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}


// Loose fingerprints (issue 22, #5): unordered pairs of content words at most LOOSE_REACH content
// words apart. Stop words are skipped (a filler word inserted every few words changes nothing), a
// substituted word breaks only the pairs it is in (at 40 % substitution about a third of the pairs
// survive, against 13 % of 4-word shingles), and unordered pairs survive reordered words.
export const LOOSE_REACH = 3;
/** Loose pairs: 128–255 samples for a short output; 1 in 2 pairs from about 150 words to 20,000. */
export const LOOSE_SAMPLING: Sampling = { target: 128, sparsest: 2, most: 16_384 };

// The syntax of web and mail addresses: schemes, `www`, the generic top-level domains, page extensions.
// Within an address they carry no content, like stop words, but every link in a text yields three or
// four of them, so pages of one site (feeds, list footers) shared pairs of them alone: half of the mail
// corpus's unrelated texts flagged (bench/provenance/evaluate.ts). Skipped only inside a token that
// holds other words too (an address), so that "net" or "com" in prose keeps its pairs.
// Held in fingerprint form, as words are compared ("com" reads "corn" there).
const ADDRESS_SYNTAX: ReadonlySet<string> = new Set(
  ['http', 'https', 'ftp', 'mailto', 'www', 'com', 'net', 'org', 'edu', 'gov', 'html', 'htm', 'shtml', 'php', 'asp', 'aspx', 'jsp', 'cgi'].map(fingerprintForm),
);

function isAddressSyntax(words: readonly Word[], i: number): boolean {
  if (!ADDRESS_SYNTAX.has(words[i].form)) return false;
  return (i > 0 && words[i - 1].start === words[i].start) || (i + 1 < words.length && words[i + 1].start === words[i].start);
}

/** Each loose pair's hash and the word where it starts, in text order. */
export function loosePairsAt(words: readonly Word[]): { hashes: Uint32Array; at: Uint32Array } {
  const content: number[] = [];
  for (let i = 0; i < words.length; i++) if (words[i].form.length > 1 && !STOP_WORDS.has(words[i].form) && !isAddressSyntax(words, i)) content.push(i);
  const wh = content.map((i) => fnv1a(words[i].form));
  const hashes = new Uint32Array(content.length * LOOSE_REACH);
  const at = new Uint32Array(hashes.length);
  let k = 0;
  for (let i = 0; i < content.length; i++) {
    for (let j = i + 1; j <= i + LOOSE_REACH && j < content.length; j++) {
      const a = Math.min(wh[i], wh[j]);
      const b = Math.max(wh[i], wh[j]);
      hashes[k] = fmix((fmix(a ^ 0x5bd1e995) ^ b) + 0x27d4eb2f);
      at[k++] = content[i];
    }
  }
  return { hashes: hashes.subarray(0, k), at: at.subarray(0, k) };
}
