// Admission with the semantic detector (issue 22, #1): a span traced by meaning refuses the record,
// naming decision, licence and similarity; a semantic check that cannot run refuses too (fail closed).
import t from 'tap';
import { createTrainingAdmission, type ScreenSpan } from './admission.js';

const noWords = () => ({ restricted: false, spans: [] });
const meaning = (text: string): Promise<ScreenSpan[]> =>
  Promise.resolve(text.includes('beacon') ? [{ start: 0, end: 6, origin: 'semantic', status: 'genuine', decision_id: 'd-restricted', licence: 'openai-terms', restricted: true, score: 0.93 }] : []);

t.test('a record traced by meaning is refused with decision, licence and similarity; an unrelated one is admitted', async (t) => {
  const admission = createTrainingAdmission(noWords, undefined, meaning);
  const refused = await admission.screen([{ role: 'user', content: 'Rewrite.' }], 'The beacon keepers lived alone.');
  t.equal(refused.admitted, false);
  t.match(refused.reasons[0].message, /rewording of output of decision d-restricted \(licence openai-terms, traced by meaning, similarity 0\.93\)/);
  t.same(refused.origins, [{ decision_id: 'd-restricted', licence: 'openai-terms', origin: 'semantic', status: 'genuine' }]);
  t.equal((await admission.screen([{ role: 'user', content: 'Hello.' }], 'The budget passed.')).admitted, true);
});

t.test('when the semantic check cannot run, every record is refused with its reason', async (t) => {
  const admission = createTrainingAdmission(noWords, undefined, () => Promise.reject(new Error('semantic provenance is enabled but its model is missing')));
  const refused = await admission.screen([{ role: 'user', content: 'Hello.' }], 'The budget passed.');
  t.equal(refused.admitted, false);
  t.match(refused.reasons[0].message, /cannot be screened for rewordings of restricted outputs: semantic provenance is enabled but its model is missing/);
});

t.test('a record traced both ways names both', async (t) => {
  const words = (text: string) => ({ restricted: true, spans: [{ start: 0, end: text.length, origin: 'fingerprint', status: 'genuine', decision_id: 'd-restricted', licence: 'openai-terms', restricted: true }] });
  const refused = await createTrainingAdmission(words, undefined, meaning).screen([], 'the beacon');
  t.same(
    refused.origins.map((o) => o.origin),
    ['fingerprint', 'semantic'],
  );
});
