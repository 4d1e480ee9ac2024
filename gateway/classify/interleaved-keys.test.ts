import t from 'tap';
import fc from 'fast-check';
import { interleavedRuns } from './interleaved-keys.js';

const twice = (s: string) => s.replace(/[\s\S]/g, (c) => c + c);
const key = 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t';
const awsSecret = 'aws_secret_access_key=QRrgju7HGYo/2bPPOV5N7NJaD5bHc9qh+1jp2WJd';

t.test('a run written twice over is read once, placed on the pairs it came from', async (t) => {
  const text = `my key: ${twice(key)} thanks`;
  const [run] = interleavedRuns(text);
  t.equal(run.text, key);
  t.equal(text.slice(...run.place(0, run.text.length)), twice(key));
  t.equal(text.slice(...run.place(3, 7)), twice('proj'));
  // After the same character as its first, and after a run of one character.
  t.same(interleavedRuns(`s${twice(key)}`).map((r) => r.text), [key]);
  t.same(interleavedRuns(`${'='.repeat(41)}${twice(key)}`).map((r) => r.text.replace(/^=+/, '')), [key]);
});

t.test('a run with one separator after each character is read without them, its own `_`, `-`, `+` and `/` kept', async (t) => {
  for (const separator of ['-', ' ', '.', '_', ' - ', '--', ' | ']) {
    const text = `hi ${[...awsSecret].join(separator)} bye`;
    const runs = interleavedRuns(text);
    t.same(
      runs.map((r) => r.text),
      [awsSecret],
      JSON.stringify(separator),
    );
    t.equal(text.slice(...runs[0].place(0, awsSecret.length)), [...awsSecret].join(separator));
  }
});

t.test('prose, code, numbers, tables and lines of one character hold no run', async (t) => {
  for (const text of [
    'The committee agreed: the coffee was good, the balloon sailed off at noon. I a b c d e f g h i j k.',
    'const aa = bb ?? cc; if (xx === yy) return 0000; const ids = [1, 2, 3, 4, 5, 6, 7, 8, 9];',
    '1000000000000000000000000000000000000000',
    '='.repeat(1000),
    '- '.repeat(500),
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    `${'ab'.repeat(40)}${'aabb'.repeat(7)}`,
    `x:${' '.repeat(60)}y`,
  ]) {
    t.same(interleavedRuns(text), [], text.slice(0, 30));
  }
});

const keyChars = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/='.split(''));
const keyLike = fc.array(keyChars, { minLength: 20, maxLength: 80 }).map((cs) => cs.join('')).filter((s) => new Set(s).size > 4 && (s.match(/[A-Za-z0-9]/g)?.length ?? 0) >= 0.8 * s.length);

t.test('property: a key-like text written twice, or spelt with one separator, between any text, is read back within its place', async (t) => {
  fc.assert(
    fc.property(keyLike, fc.constantFrom('twice', '-', ' ', '.', ' - ', ' | '), fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (inner, how, before, after) => {
      const disguised = how === 'twice' ? twice(inner) : [...inner].join(how);
      // Apart from the text around it, as a key stands.
      const text = `${before} ${disguised} ${after}`;
      const runs = interleavedRuns(text);
      return runs.some((r) => r.text.includes(inner.slice(2, -2))) && runs.every((r) => { const [s, e] = r.place(0, r.text.length); return 0 <= s && s < e && e <= text.length; });
    }),
    { numRuns: 2000 },
  );
});

t.test('a megabyte of one character, of short pairs or of a character and a space gives nothing (and returns: each start is tried once)', async (t) => {
  t.same(interleavedRuns('='.repeat(1 << 20)), []);
  t.same(interleavedRuns('aabbccdd e'.repeat(1 << 17)), []);
  t.same(interleavedRuns('a '.repeat(1 << 19)), []);
  t.same(interleavedRuns('a - '.repeat(1 << 18)), []);
});
