// Which outputs a text's hashes list, and where: the grouping both fingerprints share (spans.ts,
// loose-claims.ts). Against a million outputs a text's common pairs list up to MAX_LISTED outputs each,
// tens of thousands in all, most of them listed once; a map entry and an array per listed output cost
// more than the lookups. Listings are counted first in flat typed arrays, and only the outputs listed
// at least `minHits` times get their positions. A text listing more than MAX_HELD is counted in two
// passes of lookups instead, so what it holds is bounded by the outputs it lists, not by its length.
// Pure: the index comes in as an argument.
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
 * Listings held at most (4 bytes each, 16 MiB) before the count goes to two passes: a long text of common
 * pairs lists up to MAX_LISTED outputs at each position, and a record of megabytes would hold gigabytes.
 */
export const MAX_HELD = 1 << 22;

/** Open addressing over doc numbers (Fibonacci hashing: the product's high bits, as recent outputs are neighbouring numbers). */
class DocCounts {
  slots: Uint32Array;
  counts: Int32Array;
  #shift: number;
  #mask: number;
  #used = 0;

  constructor(expected: number) {
    const bits = tableBits(expected);
    this.#shift = 32 - bits;
    this.#mask = (1 << bits) - 1;
    this.slots = new Uint32Array(1 << bits).fill(EMPTY);
    this.counts = new Int32Array(1 << bits);
  }

  /** The slot holding the doc, or the free slot where it would go. */
  #probe(doc: number): number {
    const { slots } = this;
    let s = Math.imul(doc, 0x9e3779b1) >>> this.#shift;
    while (slots[s] !== doc && slots[s] !== EMPTY) s = (s + 1) & this.#mask;
    return s;
  }

  /** The doc's slot, taken when it has none. */
  slotOf(doc: number): number {
    const s = this.#probe(doc);
    if (this.slots[s] === EMPTY) {
      this.slots[s] = doc;
      this.#used++;
    }
    return s;
  }

  /** Counts one listing; the table doubles when half full (the two-pass count does not know the outputs ahead). */
  add(doc: number): void {
    this.counts[this.slotOf(doc)]++;
    if (2 * this.#used <= this.slots.length) return;
    const { slots, counts } = this;
    this.#shift--;
    this.#mask = 2 * this.#mask + 1;
    this.#used = 0;
    this.slots = new Uint32Array(this.#mask + 1).fill(EMPTY);
    this.counts = new Int32Array(this.#mask + 1);
    for (let i = 0; i < slots.length; i++) if (slots[i] !== EMPTY) this.counts[this.slotOf(slots[i])] = counts[i];
  }

  /** The doc's count (0 when never listed). */
  countOf(doc: number): number {
    const s = this.#probe(doc);
    return this.slots[s] === doc ? this.counts[s] : 0;
  }
}

/** Adds position `k` to `doc`'s hits. */
function push(hits: Map<number, number[]>, doc: number, k: number): void {
  const positions = hits.get(doc);
  if (positions) positions.push(k);
  else hits.set(doc, [k]);
}

/** Past MAX_HELD listings: counted without holding them, then every asked position looked up again for the positions of the outputs kept. */
function countTwice(index: FingerprintIndex, hashes: Uint32Array, asked: Uint8Array, minHits: number): Map<number, number[]> {
  const table = new DocCounts(1024);
  const docs: number[] = [];
  for (let k = 0; k < hashes.length; k++) if (asked[k]) for (const doc of index.docsWith(hashes[k], docs)) table.add(doc);
  const hits = new Map<number, number[]>();
  for (let k = 0; k < hashes.length; k++) if (asked[k]) for (const doc of index.docsWith(hashes[k], docs)) if (table.countOf(doc) >= minHits) push(hits, doc, k);
  return hits;
}

/**
 * The outputs listed for at least `minHits` of the positions `asked` marks (one lookup each), in the order
 * they are first listed (positions ascending, each listing most recent first), each with the positions
 * that list it, ascending.
 */
export function docHits(index: FingerprintIndex, hashes: Uint32Array, asked: Uint8Array, minHits: number, maxHeld = MAX_HELD): Map<number, number[]> {
  const ends = new Int32Array(hashes.length);
  let listed = new Uint32Array(1024);
  let n = 0;
  const docs: number[] = [];
  for (let k = 0; k < hashes.length; k++) {
    if (asked[k]) {
      const got = index.docsWith(hashes[k], docs);
      if (n + got.length > maxHeld) return countTwice(index, hashes, asked, minHits);
      if (n + got.length > listed.length) {
        const grown = new Uint32Array(Math.max(2 * listed.length, n + got.length));
        grown.set(listed.subarray(0, n));
        listed = grown;
      }
      for (let i = 0; i < got.length; i++) listed[n++] = got[i];
    }
    ends[k] = n;
  }
  // Sized for every listing, so the table never grows here.
  const table = new DocCounts(n);
  // Each listing is replaced by its output's slot, so the second pass reads counts without probing again.
  for (let i = 0; i < n; i++) {
    const s = table.slotOf(listed[i]);
    table.counts[s]++;
    listed[i] = s;
  }
  const { slots, counts } = table;
  const hits = new Map<number, number[]>();
  let i = 0;
  for (let k = 0; k < hashes.length; k++) {
    for (; i < ends[k]; i++) {
      const s = listed[i];
      if (counts[s] >= minHits) push(hits, slots[s], k);
    }
  }
  return hits;
}
