// Admission with the semantic detector (issue 22, #1): a span traced by meaning refuses the record,
// naming decision, licence and similarity; a semantic check that cannot run refuses too (fail closed).
import t from 'tap';
import { createTrainingAdmission, type ScreenSpan } from './admission.js';

const noWords = () => ({ restricted: false, spans: [] });
const meaning = (text: string): Promise<ScreenSpan[]> =>
  Promise.resolve(text.includes('beacon') ? [{ start: 0, end: 6, origin: 'semantic', status: 'genuine', decision_id: 'd-restricted', licence: 'openai-terms', restricted: true, score: 0.93 }] : []);

t.test('a record traced by meaning is refused with decision, licence and similarity; an unrelated one is admitted', async (t) => {
  const admission = createTrainingAdmission(noWords, { semantic: meaning });
  const refused = await admission.screen([{ role: 'user', content: 'Rewrite.' }], 'The beacon keepers lived alone.');
  t.equal(refused.admitted, false);
  t.match(refused.reasons[0].message, /rewording of output of decision d-restricted \(licence openai-terms, traced by meaning, similarity 0\.93\)/);
  t.same(refused.origins, [{ decision_id: 'd-restricted', licence: 'openai-terms', origin: 'semantic', status: 'genuine' }]);
  t.equal((await admission.screen([{ role: 'user', content: 'Hello.' }], 'The budget passed.')).admitted, true);
});

t.test('when the semantic check cannot run, every record is refused with its reason', async (t) => {
  const admission = createTrainingAdmission(noWords, { semantic: () => Promise.reject(new Error('semantic provenance is enabled but its model is missing')) });
  const refused = await admission.screen([{ role: 'user', content: 'Hello.' }], 'The budget passed.');
  t.equal(refused.admitted, false);
  t.match(refused.reasons[0].message, /cannot be screened for rewordings of restricted outputs: semantic provenance is enabled but its model is missing/);
});

t.test('a record traced both ways names both', async (t) => {
  const words = (text: string) => ({ restricted: true, spans: [{ start: 0, end: text.length, origin: 'fingerprint', status: 'genuine', decision_id: 'd-restricted', licence: 'openai-terms', restricted: true }] });
  const refused = await createTrainingAdmission(words, { semantic: meaning }).screen([], 'the beacon');
  t.same(
    refused.origins.map((o) => o.origin),
    ['fingerprint', 'semantic'],
  );
});

t.test('a record longer than the bound is refused before anything reads it; one at the bound is read', async (t) => {
  let reads = 0;
  let detections = 0;
  const admission = createTrainingAdmission(
    () => (detections++, { restricted: false, spans: [] }),
    { semantic: meaning, read: (text) => (reads++, { text, hides: false }), maxChars: { chars: 100, setting: 'provenance.semantic.maxRecordChars' } },
  );
  // Stored as the prompt's turn, a blank line, the completion: 40 + 2 + 58 = 100 characters.
  const atBound = await admission.screen([{ role: 'user', content: 'x'.repeat(40) }], 'y'.repeat(58));
  t.equal(atBound.admitted, true);
  t.ok(reads > 0 && detections > 0, 'the record at the bound is read and detected');
  [reads, detections] = [0, 0];
  const over = await admission.screen([{ role: 'user', content: 'x'.repeat(40) }], 'y'.repeat(59));
  t.equal(over.admitted, false);
  t.match(over.reasons[0].message, /too long to be screened for restricted outputs \(101 characters as stored, more than provenance\.semantic\.maxRecordChars, 100\)/);
  t.same([reads, detections], [0, 0], 'nothing read it');
});

t.test('a detection that cannot run (no thread, over its budget) refuses the record, naming why', async (t) => {
  const busy = createTrainingAdmission(() => Promise.reject(new Error('provenance detection is busy (16 tasks already wait for a thread); retry later')));
  const refused = await busy.screen([{ role: 'user', content: 'Hello.' }], 'The budget passed.');
  t.equal(refused.admitted, false);
  t.match(refused.reasons[0].message, /could not be screened for restricted outputs: provenance detection is busy/);
  const unread = createTrainingAdmission(noWords, { read: () => Promise.reject(new Error('provenance detection did not finish within 1000 ms')) });
  t.match((await unread.screen([], 'The budget passed.')).reasons[0].message, /could not be screened.*within 1000 ms/);
});
