// encodedRuns() tries its patterns only where they can match (looking ahead the length of the shortest
// match, or only in a text holding a %); it finds exactly what the global patterns find when entered at
// every position, which is how it was written before and is the oracle here.
import t from 'tap';
import fc from 'fast-check';
import { DecodeBudget, encodedRuns, HEX, PERCENT, RUN, type EncodedRun } from './encoded-runs.js';

function unfiltered(text: string, budget: DecodeBudget): EncodedRun[] {
  const out: EncodedRun[] = [];
  for (const m of text.matchAll(RUN)) {
    if (budget.remaining <= 0) break;
    const run = m[0];
    if (run.length < 24 || !(/[0-9+/_-]/.test(run) || (/[A-Z]/.test(run) && /[a-z]/.test(run)))) continue;
    const compact = run.replace(/\s+/g, '').slice(0, Math.ceil((budget.remaining * 4) / 3) + 4);
    const bytes = Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64');
    budget.remaining -= bytes.length;
    out.push({ start: m.index!, end: m.index! + run.length, bytes });
  }
  const decoders: Array<[RegExp, (run: string) => Buffer]> = [
    [HEX, (run) => Buffer.from(run, 'hex')],
    [PERCENT, (run) => Buffer.from(((s) => { try { return decodeURIComponent(s); } catch { return s; } })(run), 'utf8')],
  ];
  for (const [pattern, decode] of decoders) {
    for (const m of text.matchAll(pattern)) {
      if (budget.remaining <= 0) break;
      const bytes = decode(m[0]);
      budget.remaining -= bytes.length;
      out.push({ start: m.index!, end: m.index! + m[0].length, bytes });
    }
  }
  return out;
}

t.test('encodedRuns finds exactly what the unfiltered patterns find', async (t) => {
  const piece = fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9+/_-]{1,40}$/),
    fc.stringMatching(/^[0-9a-fA-F]{1,70}$/),
    fc.constantFrom(' ', '\n', '=', '==', '%41', '%41%42%43', 'a%4', '%%', '~', '%2', '%zz', 'é', '.', '-', Buffer.from('api_key=sk-proj-abc').toString('base64')),
    fc.string({ maxLength: 5 }),
  );
  let found = 0;
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 20 }).map((p) => p.join('')), fc.integer({ min: 1, max: 400 }), (text, limit) => {
      for (const budget of [8 << 20, limit]) {
        const expected = unfiltered(text, new DecodeBudget(budget));
        found += expected.length;
        t.same(encodedRuns(text, new DecodeBudget(budget)), expected);
      }
    }),
    { numRuns: 3000 },
  );
  t.ok(found > 1000, `${found} encoded runs found`);
});
