// Test helpers: an on-demand metric reader and lookups into what it collects.
import { MetricReader, type DataPoint, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** Collects only when asked, so a test reads exactly what has been recorded so far. */
export class OnDemandMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}

  async snapshot(): Promise<ResourceMetrics> {
    const { resourceMetrics, errors } = await this.collect();
    if (errors.length > 0) throw errors[0];
    return resourceMetrics;
  }
}

export function dataPoints(metrics: ResourceMetrics, name: string): DataPoint<unknown>[] {
  for (const scope of metrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name === name) return metric.dataPoints as DataPoint<unknown>[];
    }
  }
  return [];
}
