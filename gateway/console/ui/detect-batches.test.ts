// The console splits a provenance check into requests within the detect route's bounds, in order.
import t from 'tap';
import fc from 'fast-check';
import { batches } from './detect-batches.js';

const bytes = (s: string) => new TextEncoder().encode(s).length;

t.test('every batch is within 1000 texts and 1 MiB, and together they are the texts in order', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.nat({ max: 400_000 }), { maxLength: 40 }), fc.nat({ max: 1500 }), (sizes, small) => {
      const texts = [...sizes.map((n, i) => (i % 2 ? 'é' : 'a').repeat(i % 2 ? n >> 1 : n)), ...Array.from({ length: small }, () => 'x')];
      const out = batches(texts);
      t.same(out.flat(), texts);
      for (const b of out) {
        if (b.length === 0 || b.length > 1000) return false;
        if (b.length > 1 && b.reduce((n, s) => n + bytes(s), 0) > 1024 * 1024) return false;
      }
      return true;
    }),
    { numRuns: 50 },
  );
  t.same(batches([]), []);
});
