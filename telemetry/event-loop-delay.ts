// Event-loop delay of the gateway's main thread as the OTel Node.js runtime conventions name it
// (nodejs.eventloop.delay.*, seconds). Node's own perf_hooks histogram, because no OTel runtime
// instrumentation is installed here; like @opentelemetry/instrumentation-runtime-node, each collection
// reports the delay since the previous one and then starts a fresh histogram.
import type { Meter } from '@opentelemetry/api';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export const METRIC_EVENT_LOOP_DELAY = 'nodejs.eventloop.delay';
/** The statistics exported, each as the gauge `nodejs.eventloop.delay.<name>`. */
export const EVENT_LOOP_DELAY_STATS = ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'] as const;
/** The sampling timer's period: the histogram's resolution (the OTel instrumentation's default). */
const RESOLUTION_MS = 10;

function statOf(h: IntervalHistogram, stat: (typeof EVENT_LOOP_DELAY_STATS)[number]): number {
  switch (stat) {
    case 'p50':
      return h.percentile(50);
    case 'p90':
      return h.percentile(90);
    case 'p99':
      return h.percentile(99);
    default:
      return h[stat];
  }
}

/** Registers the gauges on the meter and starts sampling; the function returned stops it. */
export function observeEventLoopDelay(meter: Meter): () => void {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const gauges = EVENT_LOOP_DELAY_STATS.map((stat) => ({
    stat,
    gauge: meter.createObservableGauge(`${METRIC_EVENT_LOOP_DELAY}.${stat}`, {
      description: `Event-loop delay ${stat} of the main thread since the previous collection`,
      unit: 's',
    }),
  }));
  const collect: Parameters<Meter['addBatchObservableCallback']>[0] = (result) => {
    // No sample yet (a collection right after the last one): nothing to say, rather than a NaN or 0.
    if (histogram.count === 0) return;
    for (const { stat, gauge } of gauges) result.observe(gauge, statOf(histogram, stat) / 1e9);
    histogram.reset();
  };
  meter.addBatchObservableCallback(
    collect,
    gauges.map((g) => g.gauge),
  );
  return () => {
    meter.removeBatchObservableCallback(
      collect,
      gauges.map((g) => g.gauge),
    );
    histogram.disable();
  };
}
