// GET /metrics: the Prometheus text exposition of the gateway's metrics.
import type { FastifyInstance } from 'fastify';
import { sendError } from '../gateway/core/errors.js';
import type { Telemetry } from './types.js';

const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function registerMetricsRoute(app: FastifyInstance, deps: { telemetry: Telemetry }): void {
  app.get('/metrics', async (_request, reply) => {
    const text = await deps.telemetry.prometheusText();
    if (text === null) return sendError(reply, 'not_found', 'text', 'metrics are disabled (OTEL_SDK_DISABLED or OTEL_METRICS_EXPORTER=none)');
    return reply.type(PROMETHEUS_CONTENT_TYPE).send(text);
  });
}
