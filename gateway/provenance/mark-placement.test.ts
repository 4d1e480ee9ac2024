// MarkPlacement's word fast path (advance) against its reference, one character at a time (next):
// the same marks for any text, however a stream splits it.
import t from 'tap';
import fc from 'fast-check';
import { MarkPlacement } from './mark-placement.js';

/** Where marks go, by the per-character reference. */
function byChar(text: string, interval: number): number[] {
  const p = new MarkPlacement(interval);
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) if (p.next(text.charCodeAt(i))) at.push(i);
  return at;
}

/** Where marks go, by advance() over the text cut at `cuts`. */
function byAdvance(text: string, interval: number, cuts: number[]): number[] {
  const p = new MarkPlacement(interval);
  const at: number[] = [];
  const bounds = [...new Set([0, ...cuts.map((c) => c % (text.length + 1)), text.length])].sort((a, b) => a - b);
  for (let k = 0; k + 1 < bounds.length; k++) {
    const piece = text.slice(bounds[k], bounds[k + 1]);
    for (let i = p.advance(piece, 0); i < piece.length; i = p.advance(piece, i + 1)) at.push(bounds[k] + i);
  }
  return at;
}

const pieces = ['word', 'the', 'Sea', 'été', 'слово', '42', ' ', '  ', '    ', '\t', '\n', '\n\n', '`', '``', '```', '~~~', '#', '- ', '1.', '<a>', 'x=y', 'a_b', '👍', '\r', '\uFE0F', ',', '.'];

t.test('advance() places marks exactly where next() does, for any text and any split', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 200 }), fc.integer({ min: 1, max: 5 }), fc.array(fc.nat(), { maxLength: 8 }), (parts, interval, cuts) => {
      const text = parts.join('');
      const expected = byChar(text, interval);
      const got = byAdvance(text, interval, cuts);
      return got.length === expected.length && got.every((v, i) => v === expected[i]);
    }),
    { numRuns: 2000 },
  );
  t.pass('2,000 texts agree');
});

t.test('a long word without a space gets no mark, and the next eligible space after it does', async (t) => {
  const text = 'Some words first ' + 'y'.repeat(10_000) + ' then more words here';
  t.same(byAdvance(text, 1, [5, 5000, 10_010]), byChar(text, 1));
  t.ok(byChar(text, 1).every((i) => text[i] === ' '), 'marks go before spaces only');
});
