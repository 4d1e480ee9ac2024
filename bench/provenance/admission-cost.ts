// What training admission costs on the request path (issue 22): µs per 1 KB record screened alone
// (marks, word shingles, loose pairs, public text, cipher readings), and of one disguised (a cipher, another letter style, an encoding, a word game) and after its window across calls
// (the key's, project's and team's 4 KB of recent records, or their evidence of the outputs it touches), against an index of served outputs;
// and the index's bytes per output on disk. Prints p50 and p90 over many records.
// Run: npx tsx bench/provenance/admission-cost.ts [outputs]   (default 2,000 mail bodies, recycled)
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProvenance, indexPath } from '../../gateway/provenance/provenance.js';
import { publicReference } from '../../gateway/provenance/public-reference.js';
import { createTrainingAdmission } from '../../gateway/training/admission.js';
import { plainReadings } from '../../gateway/text/readings.js';
import { mailCorpus } from './mail-corpus.js';
import { atbashed, englishWordsBetween, htmlEntities, inBinary, lettersScrambled, lettersSpaced, pigLatin, rot13, rot47ed, smallCapitals, vowelsRemoved, wordsRunTogether } from './rewording.js';
import { rngFrom } from './sotu-corpus.js';
import { kilobyteRecords } from './kilobyte-records.js';

const outputs = Number(process.argv[2] ?? 2000);
const { served, unrelated } = mailCorpus(rngFrom(1));
const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-admission-cost-'));
const provenance = await createProvenance({ dataDir, keys: { keyId: randomBytes(8).toString('hex'), macSecret: randomBytes(32) } });
const started = performance.now();
for (let i = 0; i < outputs; i++) provenance.remember({ decisionId: randomUUID(), text: served[i % served.length] + (i >= served.length ? ` ${i}` : ''), licence: 'openai-terms', trainable: false, time: '' });
await provenance.flush();
const indexSeconds = (performance.now() - started) / 1000;
publicReference();

// 1 KB records of unrelated mail: the common case, admitted.
const records = kilobyteRecords(unrelated, 300);
const admission = createTrainingAdmission((text) => provenance.detect(text, { touched: true }));
async function measure(scope: { keyId: string; project: string; team: string } | undefined, disguise: (text: string) => string = (t) => t): Promise<number[]> {
  const us: number[] = [];
  for (const record of records) {
    const r = disguise(record);
    const t0 = process.hrtime.bigint();
    await admission.screen([{ role: 'user', content: 'Summarise.' }, { role: 'assistant', content: r }], 'ok', scope);
    us.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return us.sort((a, b) => a - b);
}
const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
await measure(undefined);
const alone = await measure(undefined);
const windowed = await measure({ keyId: 'k', project: 'p', team: 't' });
// Disguised records: what the readings of ciphers, letter styles and encodings (text/readings.ts,
// text/decoded-readings.ts) add when they find something to read (each reading is scanned like the text).
const disguised: Array<[string, number[]]> = [];
const shuffles = rngFrom(2);
const disguises = {
  Atbash: atbashed, 'small capitals': smallCapitals, 'letters spaced apart': lettersSpaced, 'HTML numeric entities': htmlEntities, binary: inBinary,
  // Word games (text/word-games.ts): each word put back from the lexicon.
  'pig Latin': pigLatin, 'vowels left out': vowelsRemoved, 'letters shuffled inside words': (t: string) => lettersScrambled(t, shuffles), 'words run together': wordsRunTogether,
  // Two disguises, one over the other, and a cipher dressed in English words (text/readings.ts: layers, dressing).
  'small capitals after ROT13': (t: string) => smallCapitals(rot13(t)), 'pig Latin, then ROT47': (t: string) => rot47ed(pigLatin(t)), 'ROT13 with three English words after every word': englishWordsBetween,
};
for (const [name, f] of Object.entries(disguises)) disguised.push([name, await measure(undefined, f)]);
// The search for a plain reading alone (text/readings.ts), on the ordinary records: what every record pays
// for the ciphers and word games it does not use (the shuffled-letters check runs on all prose).
const readingUs: number[] = [];
for (let round = 0; round < 5; round++) {
  for (const record of records) {
    const t0 = process.hrtime.bigint();
    plainReadings(record);
    readingUs.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
}
readingUs.sort((a, b) => a - b);
// Long texts are read a part at a time (about 60 words each): what that costs per KB, plain and disguised throughout.
const long = records.join(' ').slice(0, 64 * 1024);
const perKb = (text: string) => {
  plainReadings(text);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 5; i++) plainReadings(text);
  return Number(process.hrtime.bigint() - t0) / 1000 / 5 / (text.length / 1024);
};
const longPlain = perKb(long);
const longRot13 = perKb(rot13(long));
const bytes = statSync(join(indexPath(dataDir), 'data.mdb')).size;
const line = (name: string, xs: number[]) => `${name}: p50 ${(q(xs, 0.5) / 1000).toFixed(2)} ms, p90 ${(q(xs, 0.9) / 1000).toFixed(2)} ms`;
process.stdout.write(
  [
    `index: ${provenance.size} outputs, ${(bytes / provenance.size).toFixed(0)} bytes per output on disk, indexed at ${(provenance.size / indexSeconds).toFixed(0)} outputs/s`,
    line('admission of a 1 KB record, alone', alone),
    `the search for a plain reading of a 1 KB record (most have none): p50 ${q(readingUs, 0.5).toFixed(0)} µs, p90 ${q(readingUs, 0.9).toFixed(0)} µs`,
    `the search for plain readings of ${(long.length / 1024).toFixed(0)} KB of mail, a part at a time: ${longPlain.toFixed(0)} µs per KB as written, ${longRot13.toFixed(0)} µs per KB ROT13'd throughout`,
    line('admission of a 1 KB record, after its window (4 KB of recent records, or the evidence of the restricted outputs it touches)', windowed),
    ...disguised.map(([name, us]) => line(`admission of a 1 KB record disguised (${name}), alone`, us)),
    '',
  ].join('\n'),
);
await provenance.close();
rmSync(dataDir, { recursive: true, force: true });
