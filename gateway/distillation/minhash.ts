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

/** Hashes of a skeleton's word 3-shingles (words hashed in one pass over its characters, no strings built); a skeleton shorter than a shingle is one shingle. */
export function shingleHashes(skeletonText: string): Uint32Array {
  const w: number[] = [];
  let h = 0x811c9dc5;
  for (let i = 0; i <= skeletonText.length; i++) {
    const c = i < skeletonText.length ? skeletonText.charCodeAt(i) : 32;
    if (c !== 32) {
      h = Math.imul(h ^ c, 0x01000193);
      continue;
    }
    w.push(h >>> 0);
    h = 0x811c9dc5;
  }
  if (w.length <= SHINGLE) return Uint32Array.of(w.reduce((x, y) => Math.imul(x ^ y, 0x01000193), 0x811c9dc5) >>> 0);
  const out = new Uint32Array(w.length - SHINGLE + 1);
  for (let i = 0; i < out.length; i++) out[i] = Math.imul(Math.imul(Math.imul(0x811c9dc5 ^ w[i], 0x01000193) ^ w[i + 1], 0x01000193) ^ w[i + 2], 0x01000193) >>> 0;
  return out;
}

export function signature(skeletonText: string): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  const hashes = shingleHashes(skeletonText);
  for (let i = 0; i < HASHES; i++) {
    const a = A[i];
    const b = B[i];
    let min = 0xffffffff;
    for (let j = 0; j < hashes.length; j++) {
      // Mixed after the multiply-add so that low bits of the shingle hash reach every bit of the minimum.
      let v = (Math.imul(hashes[j], a) + b) | 0;
      v ^= v >>> 15;
      v = Math.imul(v, 0x2c1b3c6d) >>> 0;
      if (v < min) min = v;
    }
    sig[i] = min;
  }
  return sig;
}

/** One 32-bit key per band (the band's index is hashed in): two signatures share a band key when all of that band's rows agree. */
export function bandKeys(sig: Uint32Array): number[] {
  const keys: number[] = [];
  for (let b = 0; b < BANDS; b++) {
    let h = Math.imul(0x811c9dc5 ^ b, 0x01000193);
    for (let r = b * ROWS; r < (b + 1) * ROWS; r++) h = Math.imul(h ^ sig[r], 0x01000193);
    keys.push(h >>> 0);
  }
  return keys;
}

/** The estimated Jaccard similarity of two signatures. */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < HASHES; i++) if (a[i] === b[i]) same++;
  return same / HASHES;
}

/** A 32-bit hash of a whole text (exact repeats). */
export function textHash(s: string): number {
  return fnv1a(s);
}
