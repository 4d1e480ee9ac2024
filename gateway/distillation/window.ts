// Counters over a sliding window of fixed-size time buckets: memory is fixed per scope, whatever the
// number of calls. Pure apart from the clock the caller passes.

export const BUCKET_MS = 4 * 3600_000;
/** Seven days of four-hour buckets. */
export const BUCKETS = 42;
export const WEEK_MS = BUCKET_MS * BUCKETS;

export const COUNTERS = ['calls', 'restricted', 'templated', 'sweep', 'reasoning', 'harvest', 'coordinated', 'afterRelease', 'laundering'] as const;
export type Counter = (typeof COUNTERS)[number];
const INDEX = Object.fromEntries(COUNTERS.map((c, i) => [c, i])) as Record<Counter, number>;
const WIDTH = COUNTERS.length;

export class SlidingCounts {
  readonly #counts = new Uint32Array(BUCKETS * WIDTH);
  /** The bucket number (time / BUCKET_MS) each slot holds. */
  readonly #slotBucket = new Float64Array(BUCKETS).fill(-1);
  /**
   * Sums already made, by span in buckets, kept up to date as calls are added to buckets inside them:
   * every call rescores its scopes over a week and a day, and summing 42 buckets each time was most of it.
   */
  #sums = new Map<number, { last: number; totals: Float64Array }>();

  add(time: number, counters: readonly Counter[]): void {
    const bucket = Math.floor(time / BUCKET_MS);
    const slot = bucket % BUCKETS;
    if (this.#slotBucket[slot] !== bucket) {
      // An older bucket is reused only for a newer one; a late event older than the window is dropped.
      if (this.#slotBucket[slot] > bucket) return;
      this.#counts.fill(0, slot * WIDTH, slot * WIDTH + WIDTH);
      this.#slotBucket[slot] = bucket;
      this.#sums.clear();
    }
    for (const c of counters) this.#counts[slot * WIDTH + INDEX[c]]++;
    for (const [span, sum] of this.#sums) {
      if (bucket > sum.last || bucket <= sum.last - span) continue;
      for (const c of counters) sum.totals[INDEX[c]]++;
    }
  }

  /** Sums over the buckets of the last `spanMs` (up to a week) ending at `now`. */
  sum(now: number, spanMs = WEEK_MS): Record<Counter, number> {
    const last = Math.floor(now / BUCKET_MS);
    const span = Math.min(BUCKETS, Math.ceil(spanMs / BUCKET_MS));
    let sum = this.#sums.get(span);
    if (sum?.last !== last) {
      sum = { last, totals: this.#summed(last - span + 1, last) };
      this.#sums.set(span, sum);
    }
    const t = sum.totals;
    // A literal, in COUNTERS' order: one object shape for every sum (it is read per call, by every scope).
    return { calls: t[0], restricted: t[1], templated: t[2], sweep: t[3], reasoning: t[4], harvest: t[5], coordinated: t[6], afterRelease: t[7], laundering: t[8] };
  }

  #summed(first: number, last: number): Float64Array {
    const t = new Float64Array(WIDTH);
    for (let slot = 0; slot < BUCKETS; slot++) {
      const b = this.#slotBucket[slot];
      if (b < first || b > last) continue;
      for (let i = 0; i < WIDTH; i++) t[i] += this.#counts[slot * WIDTH + i];
    }
    return t;
  }
}
