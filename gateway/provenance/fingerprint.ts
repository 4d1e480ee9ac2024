// Content-defined fingerprints: hashes of overlapping word shingles, sampled by their low bits so
// that any excerpt keeps exactly the samples of the part it copies (unlike bottom-k MinHash, whose
// samples shift when text is cut). A long output is sampled more sparsely ("level") to bound what
// one output costs in the index; a query is sampled at the finest level and compared per level.

export const SHINGLE_WORDS = 4;
export const MIN_LEVEL = 1;
/** Each output keeps between TARGET and 2×TARGET sampled shingles (fewer when it is short). */
export const TARGET_SAMPLES = 32;
export const MAX_LEVEL = 20;

const INVISIBLE = /[\p{Cf}\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu;
const WORD = /[\p{L}\p{N}]+/gu;

/** Words after removing invisible characters, NFKC, case folding and all punctuation and spacing. */
export function normalisedWords(text: string): string[] {
  return text.replace(INVISIBLE, '').normalize('NFKC').toLowerCase().match(WORD) ?? [];
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

/** Distinct 32-bit hashes of every SHINGLE_WORDS-word window (the whole text when shorter). */
export function shingleHashes(text: string): Uint32Array {
  const words = normalisedWords(text);
  if (words.length === 0) return new Uint32Array(0);
  const wh = words.map(fnv1a);
  const count = Math.max(1, wh.length - SHINGLE_WORDS + 1);
  const seen = new Set<number>();
  for (let i = 0; i < count; i++) {
    let h = 0x9e3779b9;
    for (let j = i; j < Math.min(i + SHINGLE_WORDS, wh.length); j++) h = fmix((h ^ wh[j]) + 0x7f4a7c15);
    seen.add(h);
  }
  return Uint32Array.from(seen);
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
