// Deterministic unit vectors: the same input always embeds to the same point.
import { rngFrom, seedOf } from './rng.js';

export function unitVector(input: string, dimensions: number): Float32Array {
  const rng = rngFrom(seedOf('embedding', input));
  const v = new Float32Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    v[i] = rng() * 2 - 1;
    norm += v[i] * v[i];
  }
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimensions; i++) v[i] *= scale;
  return v;
}

/** OpenAI's encoding_format=base64: the float32 values, little-endian, base64-encoded. */
export function toBase64(v: Float32Array): string {
  const buf = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) buf.writeFloatLE(v[i], i * 4);
  return buf.toString('base64');
}
