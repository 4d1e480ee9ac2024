// How often the coarse graph (semantic-index.ts, HNSW) misses what an exact search finds: windows of real
// text (mail and addresses, then the same reworded, until WINDOWS) added to a SemanticIndex an output at a
// time as admission adds them, then the mock teacher's paraphrases of some of those texts checked with
// nearestCoarse against a brute-force search of every stored coarse vector. A window whose exact nearest
// is at or above the prefilter but which the graph answers below it gets no model pass. The outputs'
// model vectors are their coarse ones (only the coarse graph is measured).
// Run: npx tsx bench/provenance/coarse-recall.ts [WINDOWS]   (default 100,000)
import { paraphrase } from '../../gateway/mock-upstream/paraphrase.js';
import { DIMENSIONS, loadEmbedder } from '../../gateway/provenance/semantic/embedder.js';
import { SemanticIndex } from '../../gateway/provenance/semantic/semantic-index.js';
import { DEFAULT_MODEL_DIR, DEFAULT_PREFILTER } from '../../gateway/provenance/semantic/semantic-provenance.js';
import { slidingWindows } from '../../gateway/provenance/semantic/windows.js';
import { mailCorpus } from './mail-corpus.js';
import { substitute } from './rewording.js';
import { passages, rngFrom, speeches } from './sotu-corpus.js';

const WINDOWS = Number(process.argv[2] ?? 100_000);
const rng = rngFrom(29);
const { served, unrelated } = mailCorpus(rng);
const texts = [...served, ...unrelated, ...speeches().flatMap((s) => passages(s.text, rng, 150, 250))];
const vocabulary = [...new Set(texts.join(' ').split(/\s+/))];
const embedder = await loadEmbedder(DEFAULT_MODEL_DIR);
const windowsOf = (text: string) => slidingWindows(text).map((w) => w.text);

const index = new SemanticIndex();
const stored = new Float32Array(WINDOWS * DIMENSIONS);
let count = 0;
const queryTexts: string[] = [];
let t0 = performance.now();
for (let round = 0, n = 0; count < WINDOWS; round++) {
  for (const text of texts) {
    const windows = windowsOf(round === 0 ? text : substitute(text, 0.3, vocabulary, rng)).slice(0, WINDOWS - count);
    if (windows.length === 0) continue;
    const coarse = await embedder.coarse(windows);
    stored.set(coarse, count * DIMENSIONS);
    count += windows.length;
    index.add({ decisionId: `d-${n++}`, licence: 'openai-terms', licenceClass: null, time: null, vectors: coarse, coarse });
    // Every twentieth original text is paraphrased: two of its windows are checked.
    if (round === 0 && n % 20 === 0) queryTexts.push(...windowsOf(paraphrase(text)).slice(0, 2));
    if (count >= WINDOWS) break;
  }
}
const built = (performance.now() - t0) / 1000;
const queries = await embedder.coarse(queryTexts);
const Q = queryTexts.length;

const exact = new Float32Array(Q).fill(-1);
for (let i = 0; i < count; i++) {
  const row = stored.subarray(i * DIMENSIONS, (i + 1) * DIMENSIONS);
  for (let q = 0; q < Q; q++) {
    let dot = 0;
    for (let d = 0; d < DIMENSIONS; d++) dot += row[d] * queries[q * DIMENSIONS + d];
    if (dot > exact[q]) exact[q] = dot;
  }
}
const found = index.nearestCoarse(queries);
let due = 0;
let missed = 0;
const misses: string[] = [];
for (let q = 0; q < Q; q++) {
  if (exact[q] < DEFAULT_PREFILTER) continue;
  due++;
  if (found[q] < DEFAULT_PREFILTER) {
    missed++;
    misses.push(`${exact[q].toFixed(2)}→${found[q].toFixed(2)}`);
  }
}
const ms: number[] = [];
for (let r = 0; r + 8 <= Q && ms.length < 200; r += 8) {
  t0 = performance.now();
  index.nearestCoarse(queries.subarray(r * DIMENSIONS, (r + 8) * DIMENSIONS));
  ms.push(performance.now() - t0);
}
ms.sort((a, b) => a - b);
process.stdout.write(
  [
    `${count} windows of ${index.outputs} outputs in the graphs (added in ${built.toFixed(1)} s); ${Q} paraphrase windows checked`,
    `with an exact nearest at or above ${DEFAULT_PREFILTER}: ${due}; the graph answered below it for ${missed} (${((100 * missed) / Math.max(due, 1)).toFixed(1)} %)${misses.length ? `: exact→found ${misses.slice(0, 12).join(', ')}${misses.length > 12 ? ', …' : ''}` : ''}`,
    `nearestCoarse of 8 windows: p50 ${ms[ms.length >> 1]?.toFixed(2)} ms`,
    '',
  ].join('\n'),
);
