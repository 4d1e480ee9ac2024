// Whether meaning still traces paraphrases when its graphs are large (issue 22): the mock teacher's
// paraphrases of R restricted outputs of each corpus, traced once against an index of those outputs alone
// and once with F other outputs beside them whose coarse vectors are those of real text (mail and
// addresses, then the same reworded, so the graph holds what traffic holds: many near texts). Both graphs
// are approximate (HNSW): a window whose nearest restricted window the coarse graph does not find is
// never sent to the model. The F outputs' model vectors are random: that graph is searched only for
// windows the coarse graph sends on, and none of them is a paraphrase's source.
// Run: npx tsx bench/provenance/semantic-scale.ts [F] [R]   (default 16,000 and 200)
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paraphrase } from '../../gateway/mock-upstream/paraphrase.js';
import { DIMENSIONS, loadEmbedder } from '../../gateway/provenance/semantic/embedder.js';
import { createSemanticProvenance, DEFAULT_MODEL_DIR } from '../../gateway/provenance/semantic/semantic-provenance.js';
import { semanticLogPath } from '../../gateway/provenance/semantic/semantic-log.js';
import { encodeOutput } from '../../gateway/provenance/semantic/semantic-record.js';
import { slidingWindows } from '../../gateway/provenance/semantic/windows.js';
import { mailCorpus } from './mail-corpus.js';
import { substitute } from './rewording.js';
import { passages, rngFrom, speeches } from './sotu-corpus.js';

const F = Number(process.argv[2] ?? 16_000);
const R = Number(process.argv[3] ?? 200);
const rng = rngFrom(23);

const mail = mailCorpus(rng);
const prose = speeches().flatMap((s) => passages(s.text, rng, 150, 250));
const corpora = [
  { name: 'SOTU', restricted: prose.slice(0, R), rest: prose.slice(R) },
  { name: 'mail', restricted: mail.served.slice(0, R), rest: [...mail.served.slice(R), ...mail.unrelated] },
];

/** F outputs of real text none of the restricted ones came from, reworded in turn once the texts run out. */
function fillerTexts(): string[] {
  const pool = corpora.flatMap((c) => c.rest);
  const vocabulary = [...new Set(pool.join(' ').split(/\s+/))];
  const out: string[] = [];
  for (let round = 0; out.length < F; round++) {
    for (const t of pool) {
      if (out.length >= F) break;
      out.push(round === 0 ? t : substitute(t, 0.3, vocabulary, rng));
    }
  }
  return out;
}

const gauss = () => Math.sqrt(-2 * Math.log(rng() || 1e-12)) * Math.cos(2 * Math.PI * rng());
function randomUnit(windows: number): Float32Array {
  const v = new Float32Array(windows * DIMENSIONS);
  for (let w = 0; w < windows; w++) {
    const row = v.subarray(w * DIMENSIONS, (w + 1) * DIMENSIONS);
    let norm = 0;
    for (let d = 0; d < DIMENSIONS; d++) norm += (row[d] = gauss()) ** 2;
    for (let d = 0; d < DIMENSIONS; d++) row[d] /= Math.sqrt(norm);
  }
  return v;
}

/** A data directory whose meaning log holds the filler outputs (none when `fillers` is empty); returns it and the windows written. */
async function dataDirWith(fillers: string[]): Promise<{ dataDir: string; windows: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-semantic-scale-'));
  mkdirSync(join(dataDir, 'provenance'), { recursive: true });
  const embedder = await loadEmbedder(DEFAULT_MODEL_DIR);
  let windows = 0;
  for (let i = 0; i < fillers.length; i += 500) {
    const chunk: Buffer[] = [];
    for (const text of fillers.slice(i, i + 500)) {
      const texts = slidingWindows(text).map((w) => w.text);
      if (texts.length === 0) continue;
      windows += texts.length;
      chunk.push(encodeOutput({ decisionId: randomUUID(), licence: 'openai-terms', licenceClass: null, time: Date.now(), vectors: randomUnit(texts.length), coarse: await embedder.coarse(texts) }));
    }
    appendFileSync(semanticLogPath(dataDir), Buffer.concat(chunk));
  }
  return { dataDir, windows };
}

async function traced(fillers: string[]): Promise<string> {
  const { dataDir, windows } = await dataDirWith(fillers);
  const t0 = performance.now();
  const semantic = await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR });
  const graphed = (performance.now() - t0) / 1000;
  const lines: string[] = [];
  for (const c of corpora) {
    const ids = c.restricted.map((text) => {
      const decisionId = randomUUID();
      semantic.remember({ decisionId, text, licence: 'openai-terms', trainable: false });
      return decisionId;
    });
    await semantic.flush();
    const before = semantic.checked;
    const ms: number[] = [];
    let caught = 0;
    for (const [i, text] of c.restricted.entries()) {
      const t = performance.now();
      const spans = await semantic.spans(paraphrase(text));
      ms.push(performance.now() - t);
      if (spans.some((s) => s.decision_id === ids[i])) caught++;
    }
    ms.sort((a, b) => a - b);
    const after = semantic.checked;
    lines.push(
      `  ${c.name}: ${caught} of ${c.restricted.length} paraphrases traced (${((100 * caught) / c.restricted.length).toFixed(1)} %); windows sent to the model ${after.embedded - before.embedded} of ${after.windows - before.windows}; p50 ${ms[ms.length >> 1].toFixed(1)} ms a paraphrase`,
    );
  }
  const total = semantic.size;
  await semantic.close();
  rmSync(dataDir, { recursive: true, force: true });
  return [`${fillers.length} other outputs beside them (${windows} windows; ${total.windows} windows in all, graphed at start in ${graphed.toFixed(1)} s):`, ...lines].join('\n');
}

process.stdout.write(`${await traced([])}\n${await traced(fillerTexts())}\n`);
