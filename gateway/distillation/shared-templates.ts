// Which keys used which templates, across the whole gateway (coordination), bounded by an LRU of band
// keys; each band remembers at most a few keys, which is all the signal needs.
import { LRUCache } from 'lru-cache';

const ENTRIES = 32_768;
const KEYS_PER_BAND = 8;
/** A template used by this many keys is shared. */
export const SHARED_BY = 3;

export class SharedTemplates {
  readonly #bands = new LRUCache<number, string[]>({ max: ENTRIES });

  /** Notes that `keyId` used a prompt with these bands; returns how many keys used any of them. */
  note(bands: number[], keyId: string): number {
    let most = 1;
    for (const b of bands) {
      const keys = this.#bands.get(b) ?? [];
      if (!keys.includes(keyId) && keys.length < KEYS_PER_BAND) keys.push(keyId);
      this.#bands.set(b, keys);
      if (keys.length > most) most = keys.length;
    }
    return most;
  }
}
