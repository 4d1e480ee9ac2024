import t from 'tap';
import { BUCKET_MS, COUNTERS, SlidingCounts, WEEK_MS } from './window.js';

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
