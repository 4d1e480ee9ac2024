// Which keys used which templates, across the whole gateway (coordination): a fixed table of band keys,
// each remembering up to four key hashes, which is all the signal needs. About 1.3 MB, whatever the traffic.
import { SlotTable } from './slot-table.js';

const SLOTS = 65_536;
const KEYS_PER_BAND = 4;
/** A template used by this many keys is shared. */
export const SHARED_BY = 3;

function keyHash(keyId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < keyId.length; i++) h = Math.imul(h ^ keyId.charCodeAt(i), 0x01000193);
  return h >>> 0 || 1;
}

export class SharedTemplates {
  readonly #bands = new SlotTable(SLOTS);
  readonly #keys = new Uint32Array(SLOTS * KEYS_PER_BAND);

  /** Notes that `keyId` used a prompt with these bands; returns how many keys used any of them. */
  note(bands: number[], keyId: string): number {
    const k = keyHash(keyId);
    let most = 1;
    for (const b of bands) {
      const existed = this.#bands.find(b) >= 0;
      const slot = this.#bands.claim(b);
      const base = slot * KEYS_PER_BAND;
      if (!existed) this.#keys.fill(0, base, base + KEYS_PER_BAND);
      let n = 0;
      let placed = false;
      for (let i = 0; i < KEYS_PER_BAND; i++) {
        const held = this.#keys[base + i];
        if (held === k) placed = true;
        else if (held === 0 && !placed) {
          this.#keys[base + i] = k;
          placed = true;
        }
        if (this.#keys[base + i] !== 0) n++;
      }
      if (n > most) most = n;
    }
    return most;
  }
}
