// The restricted outputs' windows, searchable by meaning: an HNSW index (usearch, f16 vectors in
// native memory, not the JS heap) over every window in semantic.log, and a second one, under the same
// keys, over their coarse vectors (token-vectors.ts), which decides which windows of a checked text
// are worth a model pass. Each output keeps one small entry here (decision id, licence); a window's
// key is its output's number and its place in it. On close both graphs are saved beside the log
// (semantic.usearch, semantic.usearch.coarse) with the log offset they cover, so a restart loads them
// and adds only what was appended since, instead of rebuilding. Retention forgets
// outputs served before a cutoff: their windows leave the graph at once, and their vectors its memory as
// the freed slots are refilled (refill).
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { DIMENSIONS } from './embedder.js';
import { forgottenUnder, PURGED, type SemanticOutput } from './semantic-record.js';

export interface Neighbour {
  similarity: number;
  decisionId: string;
  licence: string;
  licenceClass: string | null;
}

/** Windows per output a key can number (an output longer than this many windows keeps its first ones). */
const WINDOW_BITS = 16n;
export const MAX_WINDOWS = 1 << Number(WINDOW_BITS);

function newIndex(): Index {
  return new Index({ dimensions: DIMENSIONS, metric: MetricKind.Cos, quantization: ScalarKind.F16, connectivity: 16, expansion_add: 128, expansion_search: 64, multi: false });
}

type Entry = Omit<SemanticOutput, 'vectors' | 'coarse'> & { windows: number; coarse: boolean };

/** A forgotten window's slot is refilled under its key with this bit set, which no output's key has. */
const REFILL_KEY = 1n << 63n;

/** Deletes a saved graph (its offset first, so that a crash in between leaves nothing that loads). */
export function removeSnapshot(path: string): void {
  rmSync(`${path}.json`, { force: true });
  rmSync(path, { force: true });
  rmSync(coarseFile(path), { force: true });
}

const coarseFile = (path: string) => `${path}.coarse`;

/** Random vectors, one per key (seeded by the first): in 384 dimensions nearly orthogonal to any text's, in either graph. */
function noise(keys: BigUint64Array): Float32Array {
  const out = new Float32Array(keys.length * DIMENSIONS);
  let state = Number(keys[0] & 0xffffffffn) | 1;
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 32 - 0.5;
  }
  return out;
}

export class SemanticIndex {
  readonly #outputs: Entry[] = [];
  #index = newIndex();
  /** The same keys over the windows' coarse vectors (random ones for an output written without them). */
  #coarse = newIndex();
  /** Outputs held whose record has no coarse vectors: while any is, the coarse graph cannot rule a window out. */
  #withoutCoarse = 0;
  #windows = 0;
  /** Entries retention left (PURGED): they keep their numbers, and are not counted as outputs. */
  #purged = 0;
  /** Log bytes whose windows are in the graph. */
  #coveredBytes = 0;
  /**
   * The slots forgotten windows freed and nothing has filled yet, oldest first, each with the key its
   * refill takes. usearch keeps a removed vector in its slot (in memory and in the file the graph is saved
   * to) until an addition reuses the slot, and additions reuse freed slots first in, first out: the next
   * windows added fill the oldest, and refill() fills the rest.
   */
  readonly #unfilled: bigint[] = [];

  get outputs(): number {
    return this.#outputs.length - this.#purged;
  }

  get windows(): number {
    return this.#windows;
  }

  get coveredBytes(): number {
    return this.#coveredBytes;
  }

  /** Whether every output held has coarse vectors, so that the coarse graph may rule windows out. */
  get coarseComplete(): boolean {
    return this.#withoutCoarse === 0;
  }

  /** Freed slots still holding a forgotten window's vector: the graph must not be saved before they are refilled. */
  get unfilled(): number {
    return this.#unfilled.length;
  }

  /** Loads a saved graph: the log prefix it covers (`coveredBytes`) is then only listed, not graphed again (the caller checks the log still holds that prefix). */
  loadSnapshot(path: string): void {
    const meta = `${path}.json`;
    if (!existsSync(path) || !existsSync(meta) || !existsSync(coarseFile(path))) return;
    const { logBytes } = JSON.parse(readFileSync(meta, 'utf8')) as { logBytes: number };
    this.#index.load(path);
    this.#coarse.load(coarseFile(path));
    this.#coveredBytes = logBytes;
  }

  /** Adds one output: listed and graphed. */
  add(output: SemanticOutput): void {
    this.graphListed(this.list(output), output);
  }

  /** Lists an output (its number, decision and licence) without putting its windows in the graphs; returns its number. */
  list(output: SemanticOutput): number {
    const n = this.#outputs.length;
    const windows = Math.min(output.vectors.length / DIMENSIONS, MAX_WINDOWS);
    const coarse = output.coarse !== null;
    this.#outputs.push({ decisionId: output.decisionId, licence: output.licence, licenceClass: output.licenceClass, time: output.time, windows, coarse });
    this.#windows += windows;
    if (output.decisionId === PURGED.decisionId) this.#purged++;
    if (windows > 0 && !coarse) this.#withoutCoarse++;
    return n;
  }

  /** Puts the windows of the output listed as number `n` in both graphs (a load that graphs the log after listing it). */
  graphListed(index: number, output: SemanticOutput): void {
    const entry = this.#outputs[index];
    if (!entry || entry.decisionId !== output.decisionId) throw new Error(`output ${index} of the meaning graph is not ${output.decisionId}`);
    const windows = entry.windows;
    if (windows === 0) return;
    const n = BigInt(index);
    const keys = new BigUint64Array(windows);
    for (let w = 0; w < windows; w++) keys[w] = (n << WINDOW_BITS) | BigInt(w);
    this.#index.add(keys, output.vectors.subarray(0, windows * DIMENSIONS), 1);
    // Both graphs take the same keys in the same order, so each reuses its freed slots as the other does.
    this.#coarse.add(keys, output.coarse ? output.coarse.subarray(0, windows * DIMENSIONS) : noise(keys), 1);
    this.#unfilled.splice(0, windows);
  }

  /** Each query vector's nearest restricted window (null when the index is empty). */
  nearest(queries: Float32Array): (Neighbour | null)[] {
    const count = queries.length / DIMENSIONS;
    if (count === 0 || this.#index.size() === 0) return Array(count).fill(null);
    const found = this.#index.search(queries, 1, 1) as unknown as { keys: BigUint64Array; distances: Float32Array; counts?: BigUint64Array };
    return Array.from({ length: count }, (_, i) => {
      if (found.counts && found.counts[i] === 0n) return null;
      const output = this.#outputs[Number(found.keys[i] >> WINDOW_BITS)];
      return output && output.windows > 0 ? { similarity: 1 - found.distances[i], decisionId: output.decisionId, licence: output.licence, licenceClass: output.licenceClass } : null;
    });
  }

  /** Each query's similarity to its nearest restricted window in the coarse graph (-1 when the index is empty). */
  nearestCoarse(queries: Float32Array): Float32Array {
    const count = queries.length / DIMENSIONS;
    const out = new Float32Array(count).fill(-1);
    if (count === 0 || this.#coarse.size() === 0) return out;
    const found = this.#coarse.search(queries, 1, 1) as unknown as { distances: Float32Array; counts?: BigUint64Array };
    for (let i = 0; i < count; i++) if (!found.counts || found.counts[i] > 0n) out[i] = 1 - found.distances[i];
    return out;
  }

  /**
   * Forgets every output served before `cutoffMs` (one whose time is not known is kept); returns how many.
   * Their windows leave the search at once; their vectors stay in the freed slots until refilled.
   */
  forgetBefore(cutoffMs: number): number {
    const keys: bigint[] = [];
    let forgotten = 0;
    this.#outputs.forEach((entry, n) => {
      if (entry.windows === 0 || !forgottenUnder(entry, cutoffMs)) return;
      for (let w = 0; w < entry.windows; w++) keys.push((BigInt(n) << WINDOW_BITS) | BigInt(w));
      this.#windows -= entry.windows;
      if (!entry.coarse) this.#withoutCoarse--;
      this.#outputs[n] = { ...PURGED, windows: 0, coarse: true };
      this.#purged++;
      forgotten++;
    });
    if (keys.length === 0) return 0;
    const removed = BigUint64Array.from(keys);
    this.#index.remove(removed);
    this.#coarse.remove(removed);
    for (const key of keys) this.#unfilled.push(REFILL_KEY | key);
    return forgotten;
  }

  /**
   * Fills up to `max` freed slots with random vectors under their refill keys, which stay in the graph
   * (removed again, they would free slots that the next purge's refill took instead of its own). Random in
   * 384 dimensions, they are nearly orthogonal to any text's vector, so none is the nearest neighbour of a
   * window a restricted output is near; should one be the nearest at all, nearest() reports none for that
   * window (its key names no output). About a graph insertion each (bench/provenance/meaning-purge.ts):
   * the caller refills in slices. Returns how many slots remain.
   */
  refill(max: number): number {
    const keys = BigUint64Array.from(this.#unfilled.splice(0, max));
    if (keys.length > 0) {
      const vectors = noise(keys);
      this.#index.add(keys, vectors, 1);
      this.#coarse.add(keys, vectors, 1);
    }
    return this.#unfilled.length;
  }

  /** Saves the graph and the log offset it covers; a crash in between leaves no offset, so the next start rebuilds. */
  saveSnapshot(path: string, logBytes: number): void {
    if (this.#unfilled.length > 0) throw new Error('the meaning graph still holds forgotten vectors (refill first)');
    rmSync(`${path}.json`, { force: true });
    this.#index.save(`${path}.tmp`);
    renameSync(`${path}.tmp`, path);
    this.#coarse.save(`${coarseFile(path)}.tmp`);
    renameSync(`${coarseFile(path)}.tmp`, coarseFile(path));
    writeFileSync(`${path}.json`, JSON.stringify({ logBytes }));
  }
}
