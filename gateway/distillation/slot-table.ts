// A fixed-size, direct-mapped table of 32-bit hashes: each hash has one slot, a newer hash evicts an
// older one from it. Constant memory and a few array reads per lookup, where an LRU map would cost
// tens of bytes per entry and allocations per call; losing an old entry only weakens a signal a little.

export class SlotTable {
  readonly hashes: Uint32Array;
  /** One number per slot for the owner's use (a count, a time, a bit set); zeroed on eviction. */
  readonly values: Float64Array;
  readonly #mask: number;

  /** `size` is rounded up to a power of two. */
  constructor(size: number) {
    const n = 2 ** Math.ceil(Math.log2(Math.max(2, size)));
    this.hashes = new Uint32Array(n);
    this.values = new Float64Array(n);
    this.#mask = n - 1;
  }

  /** The slot holding `hash`, or -1. Hash 0 is stored as 1 so that an empty slot is never a match. */
  find(hash: number): number {
    const h = hash >>> 0 || 1;
    const slot = h & this.#mask;
    return this.hashes[slot] === h ? slot : -1;
  }

  /** The slot of `hash`, claimed (and its value zeroed) if another hash held it. */
  claim(hash: number): number {
    const h = hash >>> 0 || 1;
    const slot = h & this.#mask;
    if (this.hashes[slot] !== h) {
      this.hashes[slot] = h;
      this.values[slot] = 0;
    }
    return slot;
  }
}
