// The pure parts of the soak under mixed attack (issue 21): windows, their figures, the table, the option.
// Run: npx tap bench/attack-soak.test.ts
import fc from 'fast-check';
import t from 'tap';
import { windowFigures, windowOf, windowsMarkdown, WINDOWS, type Bounds, type ProcSample, type Timed } from './attack-windows.js';
import { ATTACK_SOAK_DEFAULT_S, parseOptions } from './options.js';

const bounds: Bounds = { before: { fromS: 5, toS: 35 }, during: { fromS: 35, toS: 125 }, after: { fromS: 140, toS: 170 } };
// loop: event-loop delay p99 and max since the previous scrape, 6 s before.
const sample = (atS: number, rssMb: number, fds: number, heapMb: number | null, loop: [number, number] | null = null): ProcSample => ({
  atS,
  rssBytes: rssMb << 20,
  openFds: fds,
  heapUsedBytes: heapMb === null ? null : heapMb << 20,
  loopDelayP99Ms: loop?.[0] ?? null,
  loopDelayMaxMs: loop?.[1] ?? null,
  loopSinceS: loop === null ? null : atS - 6,
});

t.test('windows are half-open and leave out the warm-up and the drain', async (t) => {
  t.equal(windowOf(4.9, bounds), null, 'warm-up');
  t.equal(windowOf(5, bounds), 'before');
  t.equal(windowOf(35, bounds), 'during', 'a boundary belongs to the later window');
  t.equal(windowOf(130, bounds), null, 'the drain between the attacks and the after window');
  t.equal(windowOf(169.9, bounds), 'after');
  t.equal(windowOf(170, bounds), null);
});

t.test('figures of each window', async (t) => {
  const samples = [sample(10, 100, 30, 40), sample(20, 110, 32, 44), sample(40, 400, 140, 130, [900, 900]), sample(50, 300, 120, 90, [150, 140]), sample(130, 999, 999, 999), sample(150, 120, 33, null)];
  const calls: Timed[] = [
    ...Array.from({ length: 100 }, (_, i) => ({ atS: 6 + i * 0.2, ms: 30 + (i % 10) })),
    { atS: 36, ms: null },
    { atS: 37, ms: 500 },
    { atS: 128, ms: null },
    { atS: 141, ms: 31 },
  ];
  const probes: Timed[] = [{ atS: 6, ms: 2 }, { atS: 36, ms: 200 }, { atS: 37, ms: null }, { atS: 141, ms: 3 }];
  const [before, during, after] = windowFigures(bounds, samples, calls, probes);
  t.same([before.window, during.window, after.window], WINDOWS);
  t.equal(before.samples, 2);
  t.equal(before.rssMaxBytes, 110 << 20);
  t.equal(before.rssMedianBytes, 100 << 20, 'nearest-rank median');
  t.equal(before.calls, 100);
  t.equal(before.callFailures, 0);
  t.equal(before.callP99Ms, 39);
  t.equal(during.calls, 2);
  t.equal(during.callFailures, 1);
  t.equal(during.callP99Ms, 500);
  t.equal(during.fdsMax, 140);
  t.equal(during.heapMaxBytes, 130 << 20);
  t.equal(during.healthzFailures, 1);
  t.equal(during.healthzP99Ms, 200);
  t.equal(during.loopDelayP99Ms, 150, "the window's worst 5 s p99");
  t.equal(during.loopDelayMaxMs, 140, 'the interval 34–40 s began before the window, so it is not the window\'s');
  t.equal(before.loopDelayP99Ms, null, 'no loop-delay gauge: null, not zero');
  t.equal(after.heapMedianBytes, null, 'no heap gauge in the window: null, not zero');
  t.equal(after.calls, 1, 'the call sent during the drain counts nowhere');
  const md = windowsMarkdown([before, during, after]);
  t.match(md, /\| during \| 35–125 \| 300\.0 \/ 400\.0 \| 120 \/ 140 \| 90\.0 \/ 130\.0 \| 150\.0 \/ 140\.0 \| 200\.0 \/ 200\.0 \(1 failed\) \| 2 \| 500\.0 \/ 500\.0 \| 1 \|/);
  t.match(md, /\| after \| 140–170 \| 120\.0 \/ 120\.0 \| 33 \/ 33 \| – \/ – \|/);
});

t.test('an empty window reads as dashes, not zeros', async (t) => {
  const [before] = windowFigures(bounds, [], [], []);
  t.equal(before.calls, 0);
  t.ok(Number.isNaN(before.callP99Ms));
  t.match(windowsMarkdown([before]), /\| before \| 5–35 \| – \/ – \| – \/ – \| – \/ – \| – \/ – \| – \/ – \| 0 \| – \/ – \| 0 \|/);
});

t.test('property: every event inside a window is counted exactly once, failures included', async (t) => {
  const event = fc.record({ atS: fc.double({ min: 0, max: 200, noNaN: true }), ms: fc.option(fc.double({ min: 0, max: 10_000, noNaN: true }), { nil: null }) });
  fc.assert(
    fc.property(fc.array(event, { maxLength: 300 }), fc.array(event, { maxLength: 300 }), (calls, probes) => {
      const rows = windowFigures(bounds, [], calls, probes);
      const inside = (xs: Timed[]) => xs.filter((x) => windowOf(x.atS, bounds) !== null);
      const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0);
      return (
        sum((r) => r.calls) === inside(calls).length &&
        sum((r) => r.callFailures) === inside(calls).filter((c) => c.ms === null).length &&
        sum((r) => r.probes) === inside(probes).length &&
        rows.every((r) => Number.isNaN(r.callP99Ms) || r.callP99Ms >= r.callP50Ms)
      );
    }),
  );
  t.pass('held for 100 generated cases');
});

t.test('--attack-soak: seconds, or the default without them', async (t) => {
  t.equal(parseOptions(['--attack-soak', '90'], 'out').attackSoakS, 90);
  t.equal(parseOptions(['--attack-soak'], 'out').attackSoakS, ATTACK_SOAK_DEFAULT_S);
  t.equal(parseOptions(['--attack-soak', '--out', 'x'], 'out').attackSoakS, 300);
  t.equal(parseOptions([], 'out').attackSoakS, null);
  t.throws(() => parseOptions(['--attack-soak', '-5'], 'out'));
  t.equal(parseOptions(['--attack-soak', '20', '--attack-only', 'huge-event'], 'out').attackOnly, 'huge-event');
  t.equal(parseOptions(['--attack-soak'], 'out').attackOnly, null, 'all attacks by default');
  t.throws(() => parseOptions(['--attack-soak', '--attack-only', 'nonsense'], 'out'), /--attack-only must be one of/);
});
