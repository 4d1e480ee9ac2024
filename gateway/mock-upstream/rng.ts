// Deterministic randomness: every answer is a pure function of a hash of its request, so the same
// prompt always yields the same text and different prompts yield different ones.
import { createHash } from 'node:crypto';

export type Rng = () => number;

export function seedOf(...parts: string[]): number {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest().readUInt32LE(0);
}

/** mulberry32: tiny, fast and good enough for picking sentences. */
export function rngFrom(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

export function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}
