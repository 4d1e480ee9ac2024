import t from 'tap';
import { performance } from 'node:perf_hooks';
import { createTelemetry } from './telemetry.js';
import { until } from '../test/support/until.js';

const BLOCK_MS = 200;
const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};
const gauge = (text: string, stat: string): number | null => {
  const m = new RegExp(`^nodejs_eventloop_delay_${stat}_seconds(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
};

t.test('/metrics exports the event-loop delay under the OTel runtime names, since the previous collection', async (t) => {
  const telemetry = createTelemetry({ env: {} });
  t.teardown(() => telemetry.shutdown());
  // A timer turn that blocks the loop for BLOCK_MS: the sampling timer fires at least that late once.
  await new Promise<void>((resolve) =>
    setTimeout(() => {
      busy(BLOCK_MS);
      resolve();
    }, 30),
  );
  // The sampling timer, overdue since the block, records the late turn in the next timers phase, before this
  // later timer (a collection that came first would drop the interval in progress: Node's reset restarts it).
  await new Promise((r) => setTimeout(r, 20));
  const scrape = async () => (await telemetry.prometheusText())!;
  const first = await scrape();
  t.match(first, /^# TYPE nodejs_eventloop_delay_p99_seconds gauge$/m);
  t.match(first, /^# UNIT nodejs_eventloop_delay_p99_seconds seconds$/m);
  for (const stat of ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99']) t.not(gauge(first, stat), null, `${stat} is exported`);
  t.ok(gauge(first, 'max')! >= BLOCK_MS / 2 / 1000, `the blocked turn is in max (${gauge(first, 'max')} s)`);
  t.ok(gauge(first, 'min')! <= gauge(first, 'p99')! && gauge(first, 'p99')! <= gauge(first, 'max')!, 'min ≤ p99 ≤ max');
  // A fresh histogram after each collection: once the loop has turned freely, the blocked turn is gone.
  const later = await until(scrape, (text) => (gauge(text, 'max') ?? Infinity) < BLOCK_MS / 2 / 1000);
  t.ok(gauge(later, 'max')! < BLOCK_MS / 2 / 1000, `a later collection no longer holds it (${gauge(later, 'max')} s)`);
});

t.test('no event-loop delay sampling when metrics are off', async (t) => {
  const telemetry = createTelemetry({ env: { OTEL_METRICS_EXPORTER: 'none' } });
  t.teardown(() => telemetry.shutdown());
  t.equal(await telemetry.prometheusText(), null);
});
