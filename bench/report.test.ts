// The pure parts of the benchmark report: percentiles, ratios to the baselines, the aims of issue 8.
// Run: npx tap bench/report.test.ts
import t from 'tap';
import type { LoadResult } from './load.js';
import { aimsOf, markdown, peakRps, rowsOf, type SystemResult } from './report.js';
import { series } from './soak.js';
import { growthPct, percentile, sortedCopy } from './stats.js';

function run(connections: number, rps: number, p50Ms: number): LoadResult {
  return { connections, durationS: 10, overallRate: null, requests: rps * 10, rps, p50Ms, p90Ms: p50Ms, p99Ms: p50Ms * 2, meanMs: p50Ms, errors: 0, timeouts: 0, non2xx: 0 };
}

function system(name: string, rps: number[], p50: number, extra: Partial<SystemResult> = {}): SystemResult {
  return {
    name,
    howStarted: '',
    available: true,
    loads: [{ mode: 'non-streaming', runs: rps.map((r, i) => run([10, 50][i], r, p50)) }],
    ...extra,
  };
}

t.test('percentile by nearest rank', async (t) => {
  const sorted = sortedCopy([5, 1, 4, 2, 3]);
  t.equal(percentile(sorted, 50), 3);
  t.equal(percentile(sorted, 99), 5);
  t.equal(percentile(sorted, 1), 1);
  t.ok(Number.isNaN(percentile(new Float64Array(0), 50)));
  t.equal(growthPct(100, 110), 10);
});

t.test('rows compare each run with direct and the bare forwarder at the same concurrency', async (t) => {
  const results = [system('mock direct', [1000, 2000], 21), system('bare forwarder', [800, 1600], 22), system('termsgate', [600, 1200], 22.5)];
  const rows = rowsOf(results).filter((r) => r.system === 'termsgate');
  t.equal(rows.length, 2);
  t.equal(rows[1].ratioToBare, 0.75);
  t.equal(rows[0].addedP50Ms, 1.5);
  t.equal(rowsOf(results).find((r) => r.system === 'mock direct')!.addedP50Ms, null);
  t.equal(peakRps(results[2]), 1200);
});

t.test('aims: met, missed, and not measurable', async (t) => {
  const tg = system('termsgate', [600, 1200], 22.5, { halfPeak: { rate: 600, rps: 600, p50Ms: 21.5, directP50Ms: 21, addedP50Ms: 0.5 } });
  const results = [system('bare forwarder', [800, 1600], 22), tg, system('Portkey', [100, 200], 40), system('LiteLLM', [50, 150], 80)];
  const aims = aimsOf(results);
  const met = (prefix: string) => aims.find((a) => a.aim.startsWith(prefix))!.met;
  t.equal(met('throughput ≥ 70%'), true, '1200/1600 = 0.75');
  t.equal(met('added p50'), true);
  t.equal(met('throughput ≥ 5'), true, '1200/200 = 6');
  t.equal(met('throughput ≥ 10'), false, '1200/150 = 8');
  t.same(aimsOf([system('bare forwarder', [1], 1)]), [{ aim: 'termsgate measured', value: 'unavailable', met: false }]);
  const unavailable: SystemResult = { name: 'LiteLLM', howStarted: '', available: false, reason: 'no python', loads: [] };
  t.match(markdown([...results.slice(0, 3), unavailable]), /LiteLLM: unavailable \(no python\)/);
});

t.test('soak series use quarter medians, so a sawtooth is not growth', async (t) => {
  const sawtooth = [100, 140, 100, 140, 100, 140, 100, 140];
  t.equal(series(sawtooth).growthPct, 0);
  t.equal(series([100, 100, 100, 100, 120, 120, 120, 120]).growthPct, 20);
  t.equal(series([100, 100, 100, 100, 120, 120, 120, 120]).max, 120);
});
