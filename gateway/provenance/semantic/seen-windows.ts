// Outputs and windows already in the meaning index, by licence and text: a window served again (the same answer
// to the same question, a template, a retry) is not embedded or added again. One model pass costs
// milliseconds, and a graph holding thousands of identical vectors searches worse. The trace names
// the first decision that served the text under that licence. A window is passed over only within
// SEEN_FOR_MS of the output that indexed it, so that retention, which forgets that output no sooner than
// SEEN_FOR_MS after it was served (semantic-provenance.ts), never takes a later copy's windows with it.
// Bounded: past MAX_SEEN the oldest key is forgotten, so a window seen long ago is embedded once more
// (a second copy, never a miss).
import { createHash } from 'node:crypto';

export const MAX_SEEN = 200_000;
/** How long after an output a copy of its windows is passed over; a later copy is embedded and indexed under its own decision. */
export const SEEN_FOR_MS = 3_600_000;

export class SeenWindows {
  /** Key → when the output that indexed it was served (ms). */
  readonly #indexedAt = new Map<string, number>();
  readonly #max: number;

  constructor(max = MAX_SEEN) {
    this.#max = max;
  }

  get size(): number {
    return this.#indexedAt.size;
  }

  static key(licence: string, licenceClass: string | null, text: string): string {
    return createHash('sha256').update(licence).update('\0').update(licenceClass ?? '').update('\0').update(text).digest('base64');
  }

  /** Whether an output served at `time` may pass over this window: indexed by an output served at most SEEN_FOR_MS before. */
  has(key: string, time: number): boolean {
    const at = this.#indexedAt.get(key);
    return at !== undefined && time >= at && time - at < SEEN_FOR_MS;
  }

  /** Retention forgot outputs: a window they indexed must be indexed again when it is next served. */
  clear(): void {
    this.#indexedAt.clear();
  }

  add(key: string, time: number): void {
    if (this.has(key, time)) return;
    this.#indexedAt.delete(key);
    if (this.#indexedAt.size >= this.#max) this.#indexedAt.delete(this.#indexedAt.keys().next().value as string);
    this.#indexedAt.set(key, time);
  }
}
