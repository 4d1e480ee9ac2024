// Per key, the prompts refused for a training purpose on a restricted model, kept to spot the same
// prompts coming back under another purpose (purpose laundering). Bounded per key.
import { LRUCache } from 'lru-cache';
import { WEEK_MS } from './window.js';

const ENTRIES = 4096;

export class Refusals {
  readonly #byKey = new Map<string, LRUCache<number | string, number>>();

  remember(keyId: string, exact: string, bands: number[], time: number): void {
    let seen = this.#byKey.get(keyId);
    if (!seen) this.#byKey.set(keyId, (seen = new LRUCache({ max: ENTRIES })));
    seen.set(exact, time);
    for (const b of bands) seen.set(b, time);
  }

  /** The prompt, or a near-duplicate of it, was refused for training within the last week. */
  matches(keyId: string, exact: string, bands: number[], time: number): boolean {
    const seen = this.#byKey.get(keyId);
    if (!seen) return false;
    const recent = (k: number | string) => {
      const t = seen.peek(k);
      return t !== undefined && time - t < WEEK_MS;
    };
    if (recent(exact)) return true;
    // Near-duplicate: several bands agree, not one chance collision.
    return bands.filter(recent).length >= 4;
  }
}
