// What retention of the meaning index costs (semantic-index.ts forgetBefore and refill, semantic-log.ts
// purgeSemanticLog, then the graph saved again): N restricted outputs of 6 windows (random unit
// vectors, as semantic-cost.ts), a share of them served before the cutoff. Forgetting is synchronous;
// the log's rewrite hands the event loop back between reads and writes of 8 MB (and its scan of headers
// between chunks of 8 MB); the refill runs in slices of REFILL_SLICE windows, one per turn of the loop: the longest
// slice is the stall a caller sees. Prints ms per step and µs per forgotten window.
// Run: npx tsx bench/provenance/meaning-purge.ts [N] [SHARE]   (default 5,000 and 0.5)
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIMENSIONS } from '../../gateway/provenance/semantic/embedder.js';
import { SemanticIndex } from '../../gateway/provenance/semantic/semantic-index.js';
import { REFILL_SLICE } from '../../gateway/provenance/semantic/semantic-provenance.js';
import { purgeSemanticLog } from '../../gateway/provenance/semantic/semantic-log.js';
import { decodeHeader, encodeOutput, type SemanticOutput } from '../../gateway/provenance/semantic/semantic-record.js';
import { scanFramedLog } from '../../gateway/provenance/framed-log.js';
import { rngFrom } from './sotu-corpus.js';

const N = Number(process.argv[2] ?? 5_000);
const SHARE = Number(process.argv[3] ?? 0.5);
const WINDOWS = 6;
const rng = rngFrom(41);
const gauss = () => Math.sqrt(-2 * Math.log(rng() || 1e-12)) * Math.cos(2 * Math.PI * rng());
const dir = mkdtempSync(join(tmpdir(), 'termsgate-meaning-purge-'));
const log = join(dir, 'semantic.log');
const cutoff = Date.now();

const outputs: SemanticOutput[] = Array.from({ length: N }, (_, i) => {
  const vectors = new Float32Array(WINDOWS * DIMENSIONS);
  for (let w = 0; w < WINDOWS; w++) {
    let norm = 0;
    for (let d = 0; d < DIMENSIONS; d++) norm += (vectors[w * DIMENSIONS + d] = gauss()) ** 2;
    for (let d = 0; d < DIMENSIONS; d++) vectors[w * DIMENSIONS + d] /= Math.sqrt(norm);
  }
  // Old and new outputs interleaved, as days of traffic are in one log.
  return { decisionId: randomUUID(), licence: 'openai-terms', licenceClass: null, time: rng() < SHARE ? cutoff - 86_400_000 : cutoff + 1, vectors, coarse: vectors };
});
writeFileSync(log, Buffer.concat(outputs.map(encodeOutput)));
const index = new SemanticIndex();
let t0 = performance.now();
for (const o of outputs) index.add(o);
const buildMs = performance.now() - t0;

t0 = performance.now();
const forgotten = index.forgetBefore(cutoff);
const forgetMs = performance.now() - t0;
const logBefore = statSync(log).size;
// The scan of headers alone (its longest synchronous step is one 8 MB chunk).
t0 = performance.now();
let records = 0;
await scanFramedLog(log, decodeHeader, () => records++);
const scanMs = performance.now() - t0;
t0 = performance.now();
const { bytes } = await purgeSemanticLog(log, cutoff);
const rewriteMs = performance.now() - t0;
t0 = performance.now();
let slices = 0;
let longestSliceMs = 0;
for (let left = forgotten * WINDOWS; left > 0; slices++) {
  const s0 = performance.now();
  left = index.refill(REFILL_SLICE);
  longestSliceMs = Math.max(longestSliceMs, performance.now() - s0);
}
const refillMs = performance.now() - t0;
t0 = performance.now();
index.saveSnapshot(join(dir, 'semantic.usearch'), bytes);
const saveMs = performance.now() - t0;
rmSync(dir, { recursive: true, force: true });

const windows = forgotten * WINDOWS;
const result = {
  outputs: N,
  forgotten,
  graph_build_ms: Math.round(buildMs),
  forget_ms: Math.round(forgetMs),
  log_rewrite_ms: Math.round(rewriteMs),
  of_which_header_scan_ms: Math.round(scanMs),
  records_scanned: records,
  graph_save_ms: Math.round(saveMs),
  refill_ms: Math.round(refillMs),
  refill_slices: slices,
  longest_refill_slice_ms: Math.round(longestSliceMs * 10) / 10,
  us_per_forgotten_window: Math.round(((forgetMs + rewriteMs + refillMs + saveMs) * 1000) / Math.max(1, windows)),
  log_bytes: { before: logBefore, after: bytes },
};
console.log(JSON.stringify(result, null, 2));
