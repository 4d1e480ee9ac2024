import t from 'tap';
import fc from 'fast-check';
import { plainReadings, reverseWords, STOP_WORDS } from './readings.js';
import { caesar, reversed } from './substitutions.js';

const prose = 'The keeper of the lighthouse climbed the stairs every evening and lit the lamp so that the ships out on the water could find their way home before the storm.';

t.test('ordinary prose has no other reading', async (t) => {
  t.same(plainReadings(prose), []);
});

t.test('ROT13, other shifts and reversals read back to the prose', async (t) => {
  t.same(plainReadings(caesar(prose, 13)), [{ text: prose, mirrored: false }]);
  t.same(plainReadings(caesar(prose, 3)), [{ text: prose, mirrored: false }]);
  t.same(plainReadings(reversed(prose)).map((r) => r.text), [reverseWords(reversed(prose)), prose]);
  t.ok(plainReadings(reverseWords(prose)).some((r) => r.text === prose && !r.mirrored));
  t.ok(plainReadings(reversed(caesar(prose, 7))).some((r) => r.text === prose && r.mirrored), 'shifted and reversed');
});

const stop = [...STOP_WORDS].filter((w) => /^[a-z]+$/.test(w));
const content = fc.stringMatching(/^[a-z]{3,9}$/);

t.test('property: any shift or reversal of stop-word-rich text reads back to it', async (t) => {
  const sentence = fc.array(fc.oneof(fc.constantFrom(...stop), content), { minLength: 20, maxLength: 80 }).filter((ws) => ws.filter((w) => STOP_WORDS.has(w)).length >= ws.length * 0.45);
  fc.assert(
    fc.property(sentence, fc.integer({ min: 1, max: 25 }), fc.boolean(), (ws, shift, reverse) => {
      const text = ws.join(' ');
      const hidden = reverse ? reversed(caesar(text, shift)) : caesar(text, shift);
      return plainReadings(hidden).some((r) => r.text === text);
    }),
    { numRuns: 200 },
  );
});
