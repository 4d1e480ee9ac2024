// What semantic provenance costs (issue 22, #1): embedding ms per 1 KB record (in the embedding
// thread), indexing outputs/s (real restricted outputs: windows embedded, added to the graph and
// appended to the log), index bytes per output on disk (log + saved graph), and training admission
// p50/p90 of a 1 KB record with the semantic check against an index of N restricted outputs. The
// N − REAL outputs beyond the REAL real ones (default 400) are written to the log as random unit vectors (6 windows each,
// the real outputs' mean), which the gateway loads and graphs at start (timed too): random vectors
// are no easier for the graph to search than real ones.
// Admission is timed on 1 KB records of unrelated mail and of unrelated addresses (the common case,
// admitted), with the coarse filter at the gateway's default or at `--prefilter X` (0: every window to the model).
// Run: npx tsx bench/provenance/semantic-cost.ts [N] [REAL] [--prefilter X]   (default 100,000 and 400)
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DIMENSIONS } from '../../gateway/provenance/semantic/embedder.js';
import { createSemanticProvenance, DEFAULT_MODEL_DIR, DEFAULT_PREFILTER } from '../../gateway/provenance/semantic/semantic-provenance.js';
import { semanticLogPath } from '../../gateway/provenance/semantic/semantic-log.js';
import { encodeOutput } from '../../gateway/provenance/semantic/semantic-record.js';
import { createTrainingAdmission } from '../../gateway/training/admission.js';
import { kilobyteRecords } from './kilobyte-records.js';
import { mailCorpus } from './mail-corpus.js';
import { passages, rngFrom, speeches } from './sotu-corpus.js';

const { values, positionals } = parseArgs({ options: { prefilter: { type: 'string' } }, allowPositionals: true });
const PREFILTER = values.prefilter === undefined ? DEFAULT_PREFILTER : Number(values.prefilter);
const N = Number(positionals[0] ?? 100_000);
const REAL = Number(positionals[1] ?? 400);
const rng = rngFrom(11);
const real: string[] = [];
/** Addresses none of the real outputs came from: unrelated records of the same register. */
const unused = speeches().filter((s) => {
  if (real.length >= REAL) return true;
  real.push(...passages(s.text, rng, 150, 250).slice(0, REAL - real.length));
  return false;
});
const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-semantic-cost-'));
const log = semanticLogPath(dataDir);
mkdirSync(join(dataDir, 'provenance'), { recursive: true });

// Random unit vectors for the synthetic outputs, appended in chunks.
const gauss = () => Math.sqrt(-2 * Math.log(rng() || 1e-12)) * Math.cos(2 * Math.PI * rng());
function unitVectors(windows: number): Float32Array {
  const vectors = new Float32Array(windows * DIMENSIONS);
  for (let w = 0; w < windows; w++) {
    let norm = 0;
    for (let d = 0; d < DIMENSIONS; d++) norm += (vectors[w * DIMENSIONS + d] = gauss()) ** 2;
    for (let d = 0; d < DIMENSIONS; d++) vectors[w * DIMENSIONS + d] /= Math.sqrt(norm);
  }
  return vectors;
}
for (let done = 0; done < N - REAL; ) {
  const chunk: Buffer[] = [];
  for (let i = 0; i < 1000 && done < N - REAL; i++, done++) {
    chunk.push(encodeOutput({ decisionId: randomUUID(), licence: 'openai-terms', licenceClass: null, time: Date.now(), vectors: unitVectors(6), coarse: unitVectors(6) }));
  }
  appendFileSync(log, Buffer.concat(chunk));
}

let t0 = performance.now();
const semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR, prefilter: PREFILTER });
const loadSeconds = (performance.now() - t0) / 1000;
const synthetic = { outputs: semantic.size.outputs, bytes: statSync(log).size };

// Warm the thread (model load) before timing.
await semantic.spans('The model loads on first use.');
t0 = performance.now();
for (const text of real) semantic.remember({ decisionId: randomUUID(), text, licence: 'openai-terms', trainable: false });
await semantic.flush();
const indexSeconds = (performance.now() - t0) / 1000;
const realBytes = statSync(log).size - synthetic.bytes;
const realKb = real.reduce((n, s) => n + Buffer.byteLength(s), 0) / 1024;

const recordsOf = (texts: string[]) => kilobyteRecords(texts, 100);
const admission = createTrainingAdmission(() => ({ restricted: false, spans: [] }), { semantic: (text) => semantic.spans(text) });
async function admissionCost(name: string, records: string[]): Promise<string> {
  const before = semantic.checked;
  const ms: number[] = [];
  for (const r of records) {
    const t = performance.now();
    await admission.screen([{ role: 'user', content: 'Summarise.' }], r);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];
  const after = semantic.checked;
  return `admission of a 1 KB record of ${name} with the semantic check (prefilter ${PREFILTER}): p50 ${q(0.5).toFixed(1)} ms, p90 ${q(0.9).toFixed(1)} ms; windows sent to the model ${after.embedded - before.embedded} of ${after.windows - before.windows}`;
}
const mail = await admissionCost('unrelated mail', recordsOf(mailCorpus(rngFrom(1)).unrelated));
const addresses = unused.length > 0 ? await admissionCost('addresses no real output came from', recordsOf(unused.flatMap((s) => passages(s.text, rng, 100, 200)))) : 'every address is a real output: no unrelated addresses left to admit';
const windows = semantic.size.windows;
await semantic.close();
const graphBytes = statSync(join(dataDir, 'provenance', 'semantic.usearch')).size + statSync(join(dataDir, 'provenance', 'semantic.usearch.coarse')).size;
const logBytes = statSync(log).size;
process.stdout.write(
  [
    `index: ${semantic.size.outputs} restricted outputs (${REAL} real, ${synthetic.outputs} synthetic), ${windows} windows; loaded and graphed at start in ${loadSeconds.toFixed(1)} s`,
    `embedding: ${((indexSeconds * 1000) / realKb).toFixed(1)} ms per KB of restricted output (sliding windows); indexing ${(REAL / indexSeconds).toFixed(1)} outputs/s (${(realBytes / REAL).toFixed(0)} log bytes per real output)`,
    `on disk: ${((logBytes + graphBytes) / semantic.size.outputs).toFixed(0)} bytes per output (log ${(logBytes / semantic.size.outputs).toFixed(0)}, saved graph ${(graphBytes / semantic.size.outputs).toFixed(0)})`,
    mail,
    addresses,
    '',
  ].join('\n'),
);
rmSync(dataDir, { recursive: true, force: true });
