// The restricted outputs' windows, searchable by meaning: an HNSW index (usearch, f16 vectors in
// native memory, not the JS heap) over every window in semantic.log. Each output keeps one small
// entry here (decision id, licence); a window's key is its output's number and its place in it.
// On close the graph is saved beside the log (semantic.usearch) with the log offset it covers, so
// a restart loads it and adds only what was appended since, instead of rebuilding. Retention forgets
// outputs served before a cutoff: their windows leave the graph, and their vectors its memory.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { DIMENSIONS } from './embedder.js';
import { PURGED, type SemanticOutput } from './semantic-record.js';

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

type Entry = Omit<SemanticOutput, 'vectors'> & { windows: number };

/** A forgotten window's slot is refilled under its key with this bit set, which no output's key has. */
const SCRUB_KEY = 1n << 63n;

export class SemanticIndex {
  readonly #outputs: Entry[] = [];
  #index = newIndex();
  #windows = 0;
  /** Entries retention left (PURGED): they keep their numbers, and are not counted as outputs. */
  #purged = 0;
  /** Log bytes whose windows are in the graph. */
  #coveredBytes = 0;

  get outputs(): number {
    return this.#outputs.length - this.#purged;
  }

  get windows(): number {
    return this.#windows;
  }

  get coveredBytes(): number {
    return this.#coveredBytes;
  }

  /** Loads a saved graph, so `add` for the log prefix it covers only lists those outputs (the caller checks the log still holds that prefix). */
  loadSnapshot(path: string): void {
    const meta = `${path}.json`;
    if (!existsSync(path) || !existsSync(meta)) return;
    const { logBytes } = JSON.parse(readFileSync(meta, 'utf8')) as { logBytes: number };
    this.#index.load(path);
    this.#coveredBytes = logBytes;
  }

  /** Adds one output; `end` is its record's end offset in the log, to skip what a loaded snapshot holds. */
  add(output: SemanticOutput, end = Infinity): void {
    const n = BigInt(this.#outputs.length);
    const windows = Math.min(output.vectors.length / DIMENSIONS, MAX_WINDOWS);
    this.#outputs.push({ decisionId: output.decisionId, licence: output.licence, licenceClass: output.licenceClass, time: output.time, windows });
    this.#windows += windows;
    if (output.decisionId === PURGED.decisionId) {
      this.#purged++;
      // A graph saved before the log was purged (a crash between the two) still holds the output's windows.
      if (end <= this.#coveredBytes) this.#scrub(this.#keysHeld(n));
      return;
    }
    if (end <= this.#coveredBytes || windows === 0) return;
    const keys = new BigUint64Array(windows);
    for (let w = 0; w < windows; w++) keys[w] = (n << WINDOW_BITS) | BigInt(w);
    this.#index.add(keys, output.vectors.subarray(0, windows * DIMENSIONS), 1);
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

  /**
   * Forgets every output served before `cutoffMs` (one whose time is not known is kept); returns how many.
   * usearch keeps a removed key's vector in its slot, and in the file the graph is saved to, until a later
   * addition reuses the slot: #scrub refills the slots at once, so that nothing of a forgotten output is
   * left in memory or in the next saved graph (semantic-index.test.ts).
   */
  forgetBefore(cutoffMs: number): number {
    const keys: bigint[] = [];
    let forgotten = 0;
    this.#outputs.forEach((entry, n) => {
      if (entry.time === null || entry.time >= cutoffMs || entry.windows === 0) return;
      for (let w = 0; w < entry.windows; w++) keys.push((BigInt(n) << WINDOW_BITS) | BigInt(w));
      this.#windows -= entry.windows;
      this.#outputs[n] = { ...PURGED, windows: 0 };
      this.#purged++;
      forgotten++;
    });
    this.#scrub(keys);
    return forgotten;
  }

  /** The keys of output `n` the graph holds (its windows are numbered from 0). */
  #keysHeld(n: bigint): bigint[] {
    const keys: bigint[] = [];
    for (let w = 0n; w < BigInt(MAX_WINDOWS); w++) {
      const key = (n << WINDOW_BITS) | w;
      if (!this.#index.contains(key)) break;
      keys.push(key);
    }
    return keys;
  }

  /**
   * Removes the keys, and fills the slots they free with random vectors under scrub keys, which stay:
   * usearch reuses freed slots first in first out, so scrub vectors removed again would leave the next
   * purge's slots to be filled by them instead of by its own. Random in 384 dimensions, they are nearly
   * orthogonal to any text's vector, so one is never the nearest neighbour of a window a restricted output
   * is near; if one is the nearest at all, nearest() reports no neighbour for that window (its key names
   * no output).
   */
  #scrub(keys: bigint[]): void {
    if (keys.length === 0) return;
    this.#index.remove(BigUint64Array.from(keys));
    const scrub = BigUint64Array.from(keys, (key) => SCRUB_KEY | key);
    const noise = new Float32Array(keys.length * DIMENSIONS);
    let state = Number(keys[0] & 0xffffffffn) | 1;
    for (let i = 0; i < noise.length; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      noise[i] = state / 2 ** 32 - 0.5;
    }
    this.#index.add(scrub, noise, 1);
  }

  /** Saves the graph and the log offset it covers; a crash in between leaves no offset, so the next start rebuilds. */
  saveSnapshot(path: string, logBytes: number): void {
    rmSync(`${path}.json`, { force: true });
    this.#index.save(`${path}.tmp`);
    renameSync(`${path}.tmp`, path);
    writeFileSync(`${path}.json`, JSON.stringify({ logBytes }));
  }
}
