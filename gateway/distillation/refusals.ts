// Per key, the prompts refused for a training purpose on a restricted model, kept to spot the same
// prompts coming back under another purpose (purpose laundering). A fixed table per key that has had
// a refusal (about 12 KB), holding when each prompt hash and band key was last refused.
import { SlotTable } from './slot-table.js';
import { WEEK_MS } from './window.js';

const SLOTS = 1024;

export class Refusals {
  readonly #byKey = new Map<string, SlotTable>();

  remember(keyId: string, exact: number, bands: number[], time: number): void {
    let seen = this.#byKey.get(keyId);
    if (!seen) this.#byKey.set(keyId, (seen = new SlotTable(SLOTS)));
    for (const h of [exact, ...bands]) seen.values[seen.claim(h)] = time;
  }

  /** The prompt, or a near-duplicate of it, was refused for training within the last week. */
  matches(keyId: string, exact: number, bands: number[], time: number): boolean {
    const seen = this.#byKey.get(keyId);
    if (!seen) return false;
    const recent = (h: number) => {
      const slot = seen.find(h);
      return slot >= 0 && time - seen.values[slot] < WEEK_MS;
    };
    if (recent(exact)) return true;
    // Near-duplicate: several bands agree, not one chance collision.
    return bands.filter(recent).length >= 4;
  }
}
