// Pieces across calls in disguise (issue 22, #2 and #5): 20 restricted SOTU outputs, each cut into ten
// pieces of at most 12 words (each under the span threshold alone) and sent as ten training records of
// one key, plain or each piece base64-encoded, written as HTML entities, ROT13'd, or the three in turn.
// Prints, per disguise, the answers of which at least half the pieces were refused, and the pieces refused.
// Run: npx tsx bench/provenance/disguised-pieces.ts
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProvenance } from '../../gateway/provenance/provenance.js';
import { createTrainingAdmission } from '../../gateway/training/admission.js';
import { htmlEntities, inBase64, rot13 } from './rewording.js';
import { passages, rngFrom, speeches } from './sotu-corpus.js';

const rng = rngFrom(3);
const texts = speeches()
  .flatMap((s) => passages(s.text, rng, 150, 250))
  .slice(0, 20);
const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-disguised-pieces-'));
const provenance = await createProvenance({ dataDir, keys: { keyId: randomBytes(8).toString('hex'), macSecret: randomBytes(32) } });
for (const text of texts) provenance.remember({ decisionId: randomUUID(), text, licence: 'openai-terms', trainable: false, time: new Date().toISOString() });
await provenance.flush();
const admission = createTrainingAdmission((text) => provenance.detect(text, { touched: true }));

const inTurn = [inBase64, htmlEntities, rot13];
const disguises: Record<string, (piece: string, i: number) => string> = {
  plain: (p) => p,
  base64: inBase64,
  'HTML entities': htmlEntities,
  ROT13: rot13,
  'base64, entities, ROT13 in turn': (p, i) => inTurn[i % 3](p),
};
console.log('| pieces (ten of at most 12 words a restricted answer) | answers with half or more refused | pieces refused |');
console.log('|---|---:|---:|');
for (const [name, disguise] of Object.entries(disguises)) {
  let answers = 0;
  let pieces = 0;
  for (const [k, text] of texts.entries()) {
    const words = text.split(/\s+/);
    const size = Math.min(12, Math.floor(words.length / 10));
    // A scope of its own per answer and disguise: the evidence of one output is shared by whoever sent it, which this measures apart.
    const scope = { keyId: `${name}-${k}`, project: `${name}-${k}`, team: `${name}-${k}` };
    let refused = 0;
    for (let i = 0; i < 10; i++) {
      const screen = await admission.screen([{ role: 'user', content: `Remember: ${disguise(words.slice(i * size, (i + 1) * size).join(' '), i)}` }], 'ok', scope);
      if (!screen.admitted) refused++;
    }
    pieces += refused;
    if (refused >= 5) answers++;
  }
  console.log(`| ${name} | ${answers} of ${texts.length} | ${pieces} of ${texts.length * 10} |`);
}
await provenance.close();
rmSync(dataDir, { recursive: true, force: true });
