// The restricted outputs' windows, searchable by meaning: an HNSW index (usearch, f16 vectors in
// native memory, not the JS heap) over every window in semantic.log. Each output keeps one small
// entry here (decision id, licence); a window's key is its output's number and its place in it.
// On close the graph is saved beside the log (semantic.usearch) with the log offset it covers, so
// a restart loads it and adds only what was appended since, instead of rebuilding.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { DIMENSIONS } from './embedder.js';
import type { SemanticOutput } from './semantic-record.js';

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

export class SemanticIndex {
  readonly #outputs: Omit<SemanticOutput, 'vectors'>[] = [];
  #index = newIndex();
  #windows = 0;
  /** Log bytes whose windows are in the graph. */
  #coveredBytes = 0;

  get outputs(): number {
    return this.#outputs.length;
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
    this.#outputs.push({ decisionId: output.decisionId, licence: output.licence, licenceClass: output.licenceClass });
    const windows = Math.min(output.vectors.length / DIMENSIONS, MAX_WINDOWS);
    this.#windows += windows;
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
      return output ? { similarity: 1 - found.distances[i], ...output } : null;
    });
  }

  /** Saves the graph and the log offset it covers; a crash in between leaves no offset, so the next start rebuilds. */
  saveSnapshot(path: string, logBytes: number): void {
    rmSync(`${path}.json`, { force: true });
    this.#index.save(`${path}.tmp`);
    renameSync(`${path}.tmp`, path);
    writeFileSync(`${path}.json`, JSON.stringify({ logBytes }));
  }
}
