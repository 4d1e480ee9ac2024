// What marking costs on the request path: µs per KB of output for markText and for streaming in
// small deltas, the bytes the marks add, and the cost of remember() (enqueue) and of the
// fingerprint it computes later, off the request path.
// Run: npx tsx bench/provenance/embed-cost.ts   (writes bench/results/provenance-embed.json)
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprintOf } from '../../gateway/provenance/fingerprint.js';
import { createProvenance } from '../../gateway/provenance/provenance.js';
import { passages, rngFrom, speeches } from './sotu-corpus.js';

const rng = rngFrom(7);
const texts = speeches()
  .slice(-100)
  .flatMap((s) => passages(s.text, rng, 150, 400))
  .slice(0, 2000);
const kb = texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1024;
const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-prov-embed-'));
const provenance = await createProvenance({ dataDir, keys: { keyId: randomBytes(8).toString('hex'), macSecret: randomBytes(32) } });

function time(fn: () => void, rounds = 7): number {
  fn(); // warm-up
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1000);
  }
  return best;
}

const markers = texts.map(() => provenance.marker({ decisionId: randomUUID(), licenceClass: 'yes', trainable: true }));
let addedBytes = 0;
const whole = time(() => {
  addedBytes = 0;
  texts.forEach((t, i) => (addedBytes += Buffer.byteLength(markers[i].markText(t)) - Buffer.byteLength(t)));
});
const streamed = time(() => {
  texts.forEach((t, i) => {
    const s = markers[i].stream();
    for (let j = 0; j < t.length; j += 16) s.push(t.slice(j, j + 16));
  });
});
const makeMarker = time(() => texts.forEach(() => provenance.marker({ decisionId: randomUUID(), licenceClass: 'yes', trainable: true })));
const enqueue = time(() => texts.forEach((text) => provenance.remember({ decisionId: randomUUID(), text, licence: 'mit', trainable: true, time: '' })), 1);
await provenance.flush();
const fingerprint = time(() => texts.forEach((t) => fingerprintOf(t)));
await provenance.close();
rmSync(dataDir, { recursive: true, force: true });

const results = {
  outputs: texts.length,
  kb: Math.round(kb),
  mark_text_us_per_kb: whole / kb,
  mark_stream_16_char_deltas_us_per_kb: streamed / kb,
  marker_setup_us_per_output: makeMarker / texts.length,
  remember_enqueue_us_per_output: enqueue / texts.length,
  fingerprint_us_per_kb_off_path: fingerprint / kb,
  marks_added_bytes_per_kb: addedBytes / kb,
};
const f = (x: number) => x.toFixed(2);
process.stdout.write(
  [
    `${texts.length} outputs, ${Math.round(kb)} KB of State of the Union prose (150–400 words each)`,
    '',
    '| measure | value |',
    '|---|---:|',
    `| markText | ${f(results.mark_text_us_per_kb)} µs/KB |`,
    `| stream, 16-character deltas | ${f(results.mark_stream_16_char_deltas_us_per_kb)} µs/KB |`,
    `| marker() (payload + HMAC) | ${f(results.marker_setup_us_per_output)} µs/output |`,
    `| remember() on the request path (enqueue) | ${f(results.remember_enqueue_us_per_output)} µs/output |`,
    `| fingerprint, in the background batch | ${f(results.fingerprint_us_per_kb_off_path)} µs/KB |`,
    `| bytes the marks add | ${Math.round(results.marks_added_bytes_per_kb)} B/KB |`,
  ].join('\n') + '\n',
);
mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
writeFileSync(new URL('../results/provenance-embed.json', import.meta.url), JSON.stringify(results, null, 2) + '\n');
