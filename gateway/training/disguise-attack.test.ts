// The insider's first try after plain copies are refused: a restricted output in a disguise (a cipher,
// another letter style, an encoding, two of them, a cipher dressed in English words, an encoding ciphered,
// pig Latin over a cipher), placed anywhere in
// a training record among words of its own (up to 400 of them before or after it). A
// fast-check property through the real provenance index and admission: every such record is refused,
// naming the output's decision, while the same disguise of a passage never served is admitted.
import t from 'tap';
import fc from 'fast-check';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { speeches } from '../mock-upstream/corpus.js';
import { createProvenance } from '../provenance/provenance.js';
import { createTrainingAdmission } from './admission.js';
import * as rewording from '../../bench/provenance/rewording.js';

const disguises: Record<string, (text: string) => string> = {
  Atbash: rewording.atbashed,
  ROT47: rewording.rot47ed,
  'small capitals': rewording.smallCapitals,
  'upside down': rewording.upsideDown,
  'letters spaced': rewording.lettersSpaced,
  'letters dotted': rewording.lettersDotted,
  'HTML entities': rewording.htmlEntities,
  '\\u escapes': rewording.unicodeEscapes,
  binary: rewording.inBinary,
  base32: rewording.inBase32,
  base64: rewording.inBase64,
  'quoted-printable': rewording.quotedPrintable,
  Morse: rewording.inMorse,
  // The next try once each disguise alone is read: two, one over the other, or a cipher dressed in English words.
  'small capitals after ROT13': (t) => rewording.smallCapitals(rewording.rot13(t)),
  'pig Latin, then ROT47': (t) => rewording.rot47ed(rewording.pigLatin(t)),
  'letters dotted, then ROT47': (t) => rewording.rot47ed(rewording.lettersDotted(t)),
  'words run together, then reversed': (t) => rewording.reversed(rewording.wordsRunTogether(t)),
  'base64, then ROT13': (t) => rewording.rot13(rewording.inBase64(t)),
  'base64, then reversed': (t) => rewording.reversed(rewording.inBase64(t)),
  'ROT13, a stop word after every word': rewording.stopWordsBetween,
  'ROT13, three English words after every word': rewording.englishWordsBetween,
  // And the one after: an encoding put through ROT47 or reversed, pig Latin played over a cipher.
  'HTML entities, then ROT47': (t) => rewording.rot47ed(rewording.htmlEntities(t)),
  'base64, then ROT47': (t) => rewording.rot47ed(rewording.inBase64(t)),
  'HTML entities, then reversed': (t) => rewording.reversed(rewording.htmlEntities(t)),
  'ROT13, then pig Latin': (t) => rewording.pigLatin(rewording.rot13(t)),
  'Atbash, then pig Latin': (t) => rewording.pigLatin(rewording.atbashed(t)),
  'reversed, then pig Latin': (t) => rewording.pigLatin(rewording.reversed(t)),
  // Words joined by hyphens as a slug is, every letter written twice, and each under a cipher.
  'words joined by hyphens': rewording.kebabJoined,
  'every letter written twice': rewording.lettersDoubled,
  'words joined by hyphens, then ROT13': (t) => rewording.rot13(rewording.kebabJoined(t)),
  'every letter written twice, then Atbash': (t) => rewording.atbashed(rewording.lettersDoubled(t)),
  'decimal character codes': (t) => rewording.charCodes(t, 10),
  'octal character codes': (t) => rewording.charCodes(t, 8),
  'letters as their places in the alphabet': rewording.alphabetPlaces,
  'letters spelt in the ICAO alphabet': rewording.spellingAlphabet,
  'each key typed one to the right on a keyboard': (t) => rewording.keyboardShifted(t, 'right'),
  'each key typed one to the left on a keyboard': (t) => rewording.keyboardShifted(t, 'left'),
};

const words = speeches({ range: [1990, 2005] }).flatMap((s) => s.text.split(/\s+/));
const passage = (at: number) => words.slice(at, at + 120).join(' ');
const served = Array.from({ length: 12 }, (_, i) => passage(i * 400));
const neverServed = Array.from({ length: 12 }, (_, i) => passage(20_000 + i * 400));

const dataDir = mkdtempSync(join(tmpdir(), 'disguise-attack-'));
t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
const provenance = await createProvenance({ dataDir, keys: { keyId: randomBytes(8).toString('hex'), macSecret: randomBytes(32) } });
t.teardown(() => provenance.close());
const ids = served.map((text) => {
  const decisionId = randomUUID();
  provenance.remember({ decisionId, text, licence: 'openai-terms', trainable: false, time: new Date().toISOString() });
  return decisionId;
});
await provenance.flush();
const admission = createTrainingAdmission((text) => provenance.detect(text, { touched: true }));

/** The disguised text as one turn of a record, with words of the record's own before and after it, in the turn or the completion. */
function record(disguised: string, before: string, after: string, inCompletion: boolean): [Array<{ role: string; content: string }>, string] {
  const text = `${before}\n\n${disguised}\n\n${after}`;
  return inCompletion ? [[{ role: 'user', content: before }], `${disguised}\n\n${after}`] : [[{ role: 'user', content: text }], 'Noted.'];
}
// The record's own words, a few or 400 (a sample of a text's start once decided how all of it was read).
const plainPreamble = words.slice(40_000, 40_400).join(' ');
const own = fc.constantFrom('Please tidy this up for me.', 'Here is the draft we discussed yesterday.', 'Keep the meaning, fix the style.', '', plainPreamble);

t.test('property: a restricted output in any disguise, anywhere in a record, is refused naming its decision', async () => {
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: served.length - 1 }), fc.constantFrom(...Object.keys(disguises)), own, own, fc.boolean(), async (i, name, before, after, inCompletion) => {
      const [messages, completion] = record(disguises[name](served[i]), before, after, inCompletion);
      const screen = await admission.screen(messages, completion);
      return !screen.admitted && screen.origins.some((o) => o.decision_id === ids[i]);
    }),
    { numRuns: 80 },
  );
});

t.test('property: the same disguise of a passage never served is admitted', async () => {
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: neverServed.length - 1 }), fc.constantFrom(...Object.keys(disguises)), own, own, fc.boolean(), async (i, name, before, after, inCompletion) => {
      const [messages, completion] = record(disguises[name](neverServed[i]), before, after, inCompletion);
      return (await admission.screen(messages, completion)).admitted;
    }),
    { numRuns: 80 },
  );
});
