import t from 'tap';
import { BUCKET_MS, BUCKETS, COUNTERS, SlidingCounts, WEEK_MS, type Counter } from './window.js';

t.test('each counter sums into its own field, within the span and not outside it', async (t) => {
  const now = 1_000 * WEEK_MS;
  for (const c of COUNTERS) {
    const counts = new SlidingCounts();
    counts.add(now, [c]);
    counts.add(now - 2 * BUCKET_MS, [c, c]);
    const week = counts.sum(now);
    t.same(Object.keys(week).sort(), [...COUNTERS].sort());
    for (const other of COUNTERS) t.equal(week[other], other === c ? 3 : 0, `${c} → ${other}`);
    t.equal(counts.sum(now, BUCKET_MS)[c], 1, 'a one-bucket span holds only the last bucket');
    t.equal(counts.sum(now + WEEK_MS)[c], 0, 'a week later nothing is left');
  }
});

t.test('property: sums kept up to date as calls are added equal sums made afresh', async () => {
  const fc = (await import('fast-check')).default;
  const start = 1_000 * WEEK_MS;
  // Times mostly moving forward, some late (a call recorded after a later one), over about three weeks.
  const op = fc.oneof(
    fc.record({ add: fc.integer({ min: -2 * BUCKET_MS, max: 6 * BUCKET_MS }), counters: fc.subarray([...COUNTERS]) }),
    fc.record({ sumAt: fc.integer({ min: -3 * BUCKET_MS, max: 2 * BUCKET_MS }), buckets: fc.constantFrom(1, 6, 42, 60) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
      const counts = new SlidingCounts();
      const added: Array<[number, Counter[]]> = [];
      let clock = start;
      for (const o of ops) {
        if ('add' in o) {
          clock += Math.max(0, o.add);
          const time = clock + Math.min(0, o.add);
          counts.add(time, o.counters);
          added.push([time, o.counters]);
          continue;
        }
        const now = clock + o.sumAt;
        const fresh = new SlidingCounts();
        for (const [time, counters] of added) fresh.add(time, counters);
        const span = o.buckets * BUCKET_MS;
        // Twice: the second is served from what the first kept.
        for (let i = 0; i < 2; i++) if (JSON.stringify(counts.sum(now, span)) !== JSON.stringify(fresh.sum(now, span))) return false;
      }
      return true;
    }),
    { numRuns: 500 },
  );
});

t.test('a bucket given up for a newer one leaves no trace in a sum kept from before', async (t) => {
  const last = 1_000 * BUCKETS;
  const counts = new SlidingCounts();
  counts.add((last - 41) * BUCKET_MS, ['calls']);
  t.equal(counts.sum(last * BUCKET_MS).calls, 1);
  // The bucket after `last` takes the slot of `last - 41`, as a fresh count would show.
  counts.add((last + 1) * BUCKET_MS, ['restricted']);
  t.equal(counts.sum(last * BUCKET_MS).calls, 0);
  t.equal(counts.sum((last + 1) * BUCKET_MS).restricted, 1);
});
