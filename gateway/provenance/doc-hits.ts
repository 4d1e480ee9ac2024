// Which outputs a text's hashes list, and where: the grouping both fingerprints share (spans.ts,
// loose-claims.ts). Against a million outputs a text's common pairs list up to MAX_LISTED outputs each,
// tens of thousands in all, most of them listed once; a map entry and an array per listed output cost
// more than the lookups. Listings are counted first in flat typed arrays, and only the outputs listed
// at least `minHits` times get their positions. Pure: the index comes in as an argument.
import type { FingerprintIndex } from './fingerprint-index.js';

/** A free slot: doc numbers are u32 counted up from 0 (index-backend.ts), never this high. */
const EMPTY = 0xffffffff;

/** Bits of a table at most half full. */
function tableBits(listed: number): number {
  let bits = 4;
  while (1 << bits < 2 * listed) bits++;
  return bits;
}

/**
 * The outputs listed for at least `minHits` of the positions `asked` marks (one lookup each), in the order
 * they are first listed (positions ascending, each listing most recent first), each with the positions
 * that list it, ascending.
 */
export function docHits(index: FingerprintIndex, hashes: Uint32Array, asked: Uint8Array, minHits: number): Map<number, number[]> {
  const ends = new Int32Array(hashes.length);
  let listed = new Uint32Array(1024);
  let n = 0;
  const docs: number[] = [];
  for (let k = 0; k < hashes.length; k++) {
    if (asked[k]) {
      const got = index.docsWith(hashes[k], docs);
      if (n + got.length > listed.length) {
        const grown = new Uint32Array(Math.max(2 * listed.length, n + got.length));
        grown.set(listed.subarray(0, n));
        listed = grown;
      }
      for (let i = 0; i < got.length; i++) listed[n++] = got[i];
    }
    ends[k] = n;
  }
  const bits = tableBits(n);
  const mask = (1 << bits) - 1;
  const slots = new Uint32Array(mask + 1).fill(EMPTY);
  const counts = new Int32Array(mask + 1);
  // Each listing is replaced by its output's slot, so the second pass reads counts without probing again.
  for (let i = 0; i < n; i++) {
    const doc = listed[i];
    // Fibonacci hashing (the product's high bits): recent outputs are neighbouring numbers.
    let s = Math.imul(doc, 0x9e3779b1) >>> (32 - bits);
    while (slots[s] !== doc && slots[s] !== EMPTY) s = (s + 1) & mask;
    slots[s] = doc;
    counts[s]++;
    listed[i] = s;
  }
  const hits = new Map<number, number[]>();
  let i = 0;
  for (let k = 0; k < hashes.length; k++) {
    for (; i < ends[k]; i++) {
      const s = listed[i];
      if (counts[s] < minHits) continue;
      const positions = hits.get(slots[s]);
      if (positions) positions.push(k);
      else hits.set(slots[s], [k]);
    }
  }
  return hits;
}
