// The worker-scaling table as printed: each row's ratio to N × one worker's, marked against the 0.8 aim,
// and a reason instead of rows when it could not be measured.
import t from 'tap';
import { workerScalingMarkdown, type WorkerRow } from './workers.js';

const row = (workers: number, rps: number, scaling: number): WorkerRow => ({ workers, rps, p50Ms: 10, p99Ms: 20, scaling, cpuUsPerCall: 900, errors: 0, loadavg1: 1.5 });

t.test('rows with the aim marked', async (t) => {
  const md = workerScalingMarkdown({ connections: 50, durationS: 10, postgres: 'pg', rows: [row(1, 1000, 1), row(2, 1700, 0.85), row(4, 2400, 0.6)] }, 2);
  t.match(md, /\| 1 \| 1000 \| 1\.00 {2}\| 900 \|/);
  t.match(md, /\| 2 \| 1700 \| 0\.85 \(met\) \|/);
  t.match(md, /\| 4 \| 2400 \| 0\.60 \(missed\) \|/);
  t.match(md, /2 cores shared/);
});

t.test('a reason instead of rows', async (t) => {
  t.match(workerScalingMarkdown({ connections: 50, durationS: 10, postgres: 'pg', rows: [], problem: 'no PostgreSQL at x' }, 2), /not measured: no PostgreSQL at x$/);
});
