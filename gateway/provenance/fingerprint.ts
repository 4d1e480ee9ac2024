// Content-defined fingerprints: hashes of overlapping word shingles, sampled by their low bits so
// that any excerpt keeps exactly the samples of the part it copies (unlike bottom-k MinHash, whose
// samples shift when text is cut). A long output is sampled more sparsely ("level") to bound what
// one output costs in the index; a query is sampled at the finest level and compared per level.

import { fingerprintForm } from '../text/normalise.js';

export const SHINGLE_WORDS = 4;
/** Short outputs keep every shingle (level 0), so that even they can vouch for the text around a mark. */
export const MIN_LEVEL = 0;
/** Each output keeps between TARGET and 2×TARGET sampled shingles (fewer when it is short). */
export const TARGET_SAMPLES = 32;
export const MAX_LEVEL = 20;

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

/** The text's words in fingerprint form, each with where its token sits in the text. */
export function fingerprintWords(text: string): Word[] {
  const words: Word[] = [];
  for (const token of text.matchAll(TOKEN)) {
    const start = token.index;
    const end = start + token[0].length;
    for (const form of fingerprintForm(token[0]).match(WORD) ?? []) words.push({ form, start, end });
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

/** Distinct 32-bit hashes of every SHINGLE_WORDS-word window (the whole text when shorter). */
export function shingleHashes(text: string): Uint32Array {
  return Uint32Array.from(new Set(shingleHashesAt(fingerprintWords(text))));
}

export function sampledAt(hash: number, level: number): boolean {
  return (hash & ((1 << level) - 1)) === 0;
}

/** The sampling level for an output with this many distinct shingles. */
export function levelFor(shingles: number): number {
  let level = MIN_LEVEL;
  while (level < MAX_LEVEL && shingles >> (level + 1) >= TARGET_SAMPLES) level++;
  return level;
}

export interface Fingerprint {
  level: number;
  hashes: Uint32Array;
}

/** What the index stores for one output. */
export function fingerprintOf(text: string): Fingerprint {
  const all = shingleHashes(text);
  const level = levelFor(all.length);
  return { level, hashes: all.filter((h) => sampledAt(h, level)) };
}
