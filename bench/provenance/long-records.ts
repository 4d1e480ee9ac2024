// Long training records (issue 20's bounds): what screening one costs the event loop, inline as before
// and with its detection on a thread (gateway/provenance/detection-pool.ts). For each size and disguise,
// the whole admission of one record (alone: readings and detections of the record and of its reading)
// is run inline and then through the pool; printed: the record's wall time and the longest the event loop
// was held (monitorEventLoopDelay) each way, and the detection's cost per KB.
// Run: npx tsx bench/provenance/long-records.ts [outputs]   (default 2,000 mail bodies served)
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createProvenance } from '../../gateway/provenance/provenance.js';
import { createTrainingAdmission } from '../../gateway/training/admission.js';
import { mailCorpus } from './mail-corpus.js';
import { reversed, rot13, wordsRunTogether } from './rewording.js';
import { rngFrom } from './sotu-corpus.js';

const outputs = Number(process.argv[2] ?? 2000);
const { served, unrelated } = mailCorpus(rngFrom(1));
const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-long-records-'));
const provenance = await createProvenance({ dataDir, keys: { keyId: randomBytes(8).toString('hex'), macSecret: randomBytes(32) }, detection: { inlineChars: 8_192, threads: 1, budgetMs: 600_000 } });
for (let i = 0; i < outputs; i++) provenance.remember({ decisionId: randomUUID(), text: served[i % served.length] + (i >= served.length ? ` ${i}` : ''), licence: 'openai-terms', trainable: false, time: '' });
await provenance.flush();

const inline = createTrainingAdmission((text) => provenance.detect(text, { touched: true }));
const pooled = createTrainingAdmission(async (text) => (await provenance.detectAll([text], { touched: true }))[0], { read: (text) => provenance.readable(text) });
const mail = unrelated.join('\n\n');

async function held(admission: typeof inline, record: string): Promise<{ wallMs: number; heldMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  // The histogram counts a delay from its second sample on: a block before that would go unseen.
  await new Promise((r) => setTimeout(r, 20));
  const t0 = performance.now();
  await admission.screen([{ role: 'user', content: record }], '');
  const wallMs = performance.now() - t0;
  // One more turn, so that a block at the very end is measured too.
  await new Promise((r) => setTimeout(r, 20));
  delay.disable();
  return { wallMs, heldMs: delay.max / 1e6 };
}

await held(inline, mail.slice(0, 20_000));
await held(pooled, mail.slice(0, 20_000));
console.log(`Long training records against ${outputs} served outputs (inline, then on a detection thread; one thread)`);
console.log('| record | size | inline: wall | inline: loop held | thread: wall | thread: loop held |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const kb of [16, 256, 1024]) {
  for (const [name, disguise] of [['mail', (t: string) => t], ['mail, ROT13', rot13], ['mail, words run together and reversed', (t: string) => reversed(wordsRunTogether(t))]] as const) {
    const record = disguise(mail.slice(0, kb * 1024));
    const a = await held(inline, record);
    const b = await held(pooled, record);
    const f = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
    console.log(`| ${name} | ${Math.round(record.length / 1024)} KB | ${f(a.wallMs)} | ${f(a.heldMs)} | ${f(b.wallMs)} | ${f(b.heldMs)} |`);
  }
}
await provenance.close();
rmSync(dataDir, { recursive: true, force: true });
