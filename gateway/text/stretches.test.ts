// stretchesAround: every kept match lies within reach of a stretch's edges, stretches are in order, apart, and none
// holds a stretch of text far from every kept match.
import t from 'tap';
import fc from 'fast-check';
import { stretchesAround } from './stretches.js';

t.test('property: the stretches cover each match with its reach, in order and apart, and nothing else', async () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[ab&x]{0,300}$/), fc.integer({ min: 0, max: 40 }), (text, reach) => {
      const found = stretchesAround(text, /&+/g, reach, (m) => m[0].length === 1);
      const matches = [...text.matchAll(/&+/g)].filter((m) => m[0].length === 1).map((m) => [m.index!, m.index! + 1]);
      const covered = matches.every(([s, e]) => found.some(([a, z]) => a <= Math.max(0, s - reach) && z >= Math.min(text.length, e + reach)));
      const ordered = found.every(([a, z], i) => a < z && (i === 0 || found[i - 1][1] < a));
      const needed = found.every(([a, z]) => matches.some(([s]) => s >= a && s < z));
      return covered && ordered && needed;
    }),
    { numRuns: 500 },
  );
});
