// Run: npx tap bench/profile-stalls.test.ts
import fc from 'fast-check';
import t from 'tap';
import { longestStalls } from './profile-stalls.js';
import type { Profile } from './profile-summary.js';

const frame = (functionName: string, lineNumber = 0) => ({ functionName, url: functionName === '(idle)' || functionName === '(root)' ? '' : `file:///x/dist/gateway/${functionName}.js`, lineNumber });
const nodes = [
  { id: 1, callFrame: frame('(root)'), children: [2, 4] },
  { id: 2, callFrame: frame('a'), children: [3] },
  { id: 3, callFrame: frame('b', 9) },
  { id: 4, callFrame: frame('(idle)') },
];
const profile = (samples: number[], deltas: number[]): Profile => ({ nodes, startTime: 0, samples, timeDeltas: deltas });

t.test('runs of non-idle samples, longest first, with the dominant stack and top self times', async (t) => {
  const stalls = longestStalls(profile([4, 3, 3, 2, 4, 3, 4], [0, 1000, 1000, 1000, 1000, 1000, 1000]), 5);
  t.equal(stalls.length, 2);
  t.same(
    stalls.map((s) => [s.atS, s.ms]),
    [
      [0.001, 3],
      [0.005, 1],
    ],
  );
  t.same(stalls[0].stack, ['a dist/gateway/a.js:1', 'b dist/gateway/b.js:10']);
  t.same(stalls[0].top, [
    { name: 'b dist/gateway/b.js:10', ms: 2 },
    { name: 'a dist/gateway/a.js:1', ms: 1 },
  ]);
  t.same(longestStalls(profile([4, 3, 3, 2, 4, 3, 4], [0, 1000, 1000, 1000, 1000, 1000, 1000]), 5, { fromS: 0.0025 }).map((s) => s.ms), [1, 1], 'a window cuts a stall');
});

t.test('property: stalls never overlap, come longest first, and with idle time make up the whole profile', async (t) => {
  const sample = fc.constantFrom(2, 3, 4);
  fc.assert(
    fc.property(fc.array(fc.tuple(sample, fc.integer({ min: 0, max: 5000 })), { maxLength: 200 }), (pairs) => {
      const samples = pairs.map((p) => p[0]);
      const deltas = pairs.map((p) => p[1]);
      const stalls = longestStalls(profile(samples, deltas), Infinity);
      const busyUs = samples.reduce((a, id, i) => a + (id === 4 ? 0 : (deltas[i + 1] ?? 0)), 0);
      const sumUs = stalls.reduce((a, s) => a + s.ms * 1000, 0);
      const sorted = stalls.every((s, i) => i === 0 || stalls[i - 1].ms >= s.ms);
      const starts = stalls.map((s) => [s.atS * 1e6, s.atS * 1e6 + s.ms * 1000]).sort((x, y) => x[0] - y[0]);
      const apart = starts.every((s, i) => i === 0 || s[0] >= starts[i - 1][1] - 1e-6);
      return Math.abs(sumUs - busyUs) < 1e-6 && sorted && apart;
    }),
  );
  t.pass('held for 100 generated cases');
});
