// MinHash over word 3-shingles with LSH banding: prompts whose skeletons are near-duplicates (Jaccard
// similarity above about 0.6) share a band key with high probability. Hand-written because the npm
// MinHash packages are unmaintained and this is 40 lines over FNV-1a; gateway/provenance samples its
// fingerprints differently (excerpt-stable), which does not fit whole-prompt similarity.

export const HASHES = 64;
export const BANDS = 16;
const ROWS = HASHES / BANDS;
const SHINGLE = 3;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// Fixed odd multipliers and offsets: the same prompt has the same signature in every process.
const A = Uint32Array.from({ length: HASHES }, (_, i) => (fnv1a(`a${i}`) | 1) >>> 0);
const B = Uint32Array.from({ length: HASHES }, (_, i) => fnv1a(`b${i}`));

/** The words' shingles; a skeleton shorter than a shingle is one shingle. */
export function shingles(words: string[]): string[] {
  if (words.length <= SHINGLE) return [words.join(' ')];
  const out: string[] = [];
  for (let i = 0; i + SHINGLE <= words.length; i++) out.push(words.slice(i, i + SHINGLE).join(' '));
  return out;
}

export function signature(skeletonText: string): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const sh of new Set(shingles(skeletonText.split(' ')))) {
    const h = fnv1a(sh);
    for (let i = 0; i < HASHES; i++) {
      const v = (Math.imul(h, A[i]) + B[i]) >>> 0;
      if (v < sig[i]) sig[i] = v;
    }
  }
  return sig;
}

/** One key per band (a number, to keep bounded maps small): two signatures share a band key when all of that band's rows agree. */
export function bandKeys(sig: Uint32Array): number[] {
  const keys: number[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = Math.imul(0x811c9dc5 ^ b, 0x01000193);
    for (let r = b * ROWS; r < (b + 1) * ROWS; r++) h = Math.imul(h ^ sig[r], 0x01000193);
    // Band index in the high bits: equal rows in different bands never collide.
    keys.push(b * 2 ** 32 + (h >>> 0));
  }
  return keys;
}

/** The estimated Jaccard similarity of two signatures. */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < HASHES; i++) if (a[i] === b[i]) same++;
  return same / HASHES;
}

export function textHash(s: string): string {
  return fnv1a(s).toString(36) + fnv1a(`~${s}`).toString(36);
}
