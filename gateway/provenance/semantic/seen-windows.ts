// Outputs and windows already in the meaning index, by licence and text: a window served again (the same answer
// to the same question, a template, a retry) is not embedded or added again. One model pass costs
// milliseconds, and a graph holding thousands of identical vectors searches worse. The trace names
// the first decision that served the text under that licence. Bounded: past MAX_SEEN the oldest key
// is forgotten, so a window seen long ago is embedded once more (a second copy, never a miss).
import { createHash } from 'node:crypto';

export const MAX_SEEN = 200_000;

export class SeenWindows {
  readonly #keys = new Set<string>();
  readonly #max: number;

  constructor(max = MAX_SEEN) {
    this.#max = max;
  }

  get size(): number {
    return this.#keys.size;
  }

  static key(licence: string, licenceClass: string | null, text: string): string {
    return createHash('sha256').update(licence).update('\0').update(licenceClass ?? '').update('\0').update(text).digest('base64');
  }

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  add(key: string): void {
    if (this.#keys.has(key)) return;
    if (this.#keys.size >= this.#max) this.#keys.delete(this.#keys.values().next().value as string);
    this.#keys.add(key);
  }
}
