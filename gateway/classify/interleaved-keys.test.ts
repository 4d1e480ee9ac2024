import t from 'tap';
import fc from 'fast-check';
import { undoubledRuns } from './doubled-keys.js';

const twice = (s: string) => s.replace(/[\s\S]/g, (c) => c + c);

t.test('a run written twice over is read once, placed on the pairs it came from', async (t) => {
  const key = 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t';
  const text = `my key: ${twice(key)} thanks`;
  const [run] = undoubledRuns(text);
  t.equal(run.text, key);
  t.equal(text.slice(...run.place(0, run.text.length)), twice(key));
  t.equal(text.slice(...run.place(3, 7)), twice('proj'));
  // After the same character as its first, and after a run of one character.
  t.same(undoubledRuns(`s${twice(key)}`).map((r) => r.text), [key]);
  t.same(undoubledRuns(`${'='.repeat(41)}${twice(key)}`).map((r) => r.text.replace(/^=+/, '')), [key]);
});

t.test('prose, code, numbers and lines of one character hold no run', async (t) => {
  for (const text of ['The committee agreed: the coffee was good, the balloon sailed off at noon.', 'const aa = bb ?? cc; if (xx === yy) return 0000;', '1000000000000000000000000000000000000000', '='.repeat(1000), `${'ab'.repeat(40)}${'aabb'.repeat(7)}`]) {
    t.same(undoubledRuns(text), [], text.slice(0, 30));
  }
});

t.test('property: any text of 16 characters or more written twice, between any text, is read back within its place', async (t) => {
  fc.assert(
    fc.property(fc.string({ minLength: 16, maxLength: 80 }), fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (inner, before, after) => {
      fc.pre(new Set(inner).size > 1);
      const text = before + twice(inner) + after;
      const runs = undoubledRuns(text);
      return runs.some((r) => r.text.includes(inner.slice(1, -1))) && runs.every((r) => { const [s, e] = r.place(0, r.text.length); return 0 <= s && s < e && e <= text.length; });
    }),
    { numRuns: 2000 },
  );
});

t.test('a megabyte of one character, or of short pairs, gives nothing (and returns: each start is tried once)', async (t) => {
  t.same(undoubledRuns('='.repeat(1 << 20)), []);
  t.same(undoubledRuns('aabbccdd e'.repeat(1 << 17)), []);
});
