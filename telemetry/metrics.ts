// The gateway's instruments, created once per Telemetry on its own MeterProvider.
import type { Counter, Gauge, Histogram, Meter } from '@opentelemetry/api';
import {
  METRIC_AUDIT_COMMIT,
  METRIC_CALL_DURATION,
  METRIC_CALLS,
  METRIC_FEED_LAG,
  METRIC_DISTILLATION_SCOPES,
  METRIC_GEN_AI_SERVER_REQUEST_DURATION,
  METRIC_GEN_AI_SERVER_TIME_TO_FIRST_TOKEN,
  METRIC_GEN_AI_TOKEN_USAGE,
  METRIC_POLICY_EVAL,
  METRIC_TOKENS,
  METRIC_SPEND,
  METRIC_TEAM_TOKENS,
  METRIC_BUDGET_WARNINGS,
} from './attributes.js';

// Seconds, from sub-millisecond policy evaluations to long streamed completions.
const SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** V8 heap used by the gateway's process (OTel semantic conventions, Node.js runtime metrics). */
export const METRIC_HEAP_USED = 'process.runtime.nodejs.memory.heap.used';

// The GenAI semantic conventions' recommended buckets, so these histograms line up with other GenAI servers'.
const REQUEST_DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const FIRST_TOKEN_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

export interface GatewayMetrics {
  calls: Counter;
  callDuration: Histogram;
  tokens: Counter;
  tokenUsage: Histogram;
  serverRequestDuration: Histogram;
  timeToFirstToken: Histogram;
  policyEval: Histogram;
  auditCommit: Histogram;
  feedLag: Gauge;
  distillationScopes: Gauge;
  spend: Counter;
  teamTokens: Counter;
  budgetWarnings: Counter;
}

export function createGatewayMetrics(meter: Meter): GatewayMetrics {
  const seconds = { unit: 's', advice: { explicitBucketBoundaries: SECONDS_BUCKETS } };
  // Observed on collection only (a scrape of /metrics), so it costs nothing per call.
  meter
    .createObservableGauge(METRIC_HEAP_USED, { description: 'V8 heap used by the gateway process (process.memoryUsage().heapUsed)', unit: 'By' })
    .addCallback((result) => result.observe(process.memoryUsage().heapUsed));
  return {
    calls: meter.createCounter(METRIC_CALLS, {
      description: 'Calls through the gateway by route, model, provider, decision and HTTP status',
      unit: '{call}',
    }),
    callDuration: meter.createHistogram(METRIC_CALL_DURATION, {
      description: 'Call latency from arrival to the end of the response, by route, model and decision',
      ...seconds,
    }),
    tokens: meter.createCounter(METRIC_TOKENS, {
      description: 'Tokens reported by providers, by model and token type',
      unit: '{token}',
    }),
    tokenUsage: meter.createHistogram(METRIC_GEN_AI_TOKEN_USAGE, {
      description: 'Tokens per call (GenAI semantic conventions)',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    }),
    serverRequestDuration: meter.createHistogram(METRIC_GEN_AI_SERVER_REQUEST_DURATION, {
      description: 'Inference call duration from arrival to the last byte of the answer (GenAI semantic conventions)',
      unit: 's',
      advice: { explicitBucketBoundaries: REQUEST_DURATION_BUCKETS },
    }),
    timeToFirstToken: meter.createHistogram(METRIC_GEN_AI_SERVER_TIME_TO_FIRST_TOKEN, {
      description: 'Time from arrival to the first output text sent to the caller, for successful streamed calls (GenAI semantic conventions)',
      unit: 's',
      advice: { explicitBucketBoundaries: FIRST_TOKEN_BUCKETS },
    }),
    policyEval: meter.createHistogram(METRIC_POLICY_EVAL, {
      description: 'Time to evaluate one policy decision',
      ...seconds,
    }),
    auditCommit: meter.createHistogram(METRIC_AUDIT_COMMIT, {
      description: 'Time for an audit record to be committed',
      ...seconds,
    }),
    feedLag: meter.createGauge(METRIC_FEED_LAG, {
      description: 'Training-feed records not yet delivered to the runner',
      unit: '{record}',
    }),
    distillationScopes: meter.createGauge(METRIC_DISTILLATION_SCOPES, {
      description: 'Keys, projects, teams and providers by distillation risk level (scope kind, level)',
      unit: '{scope}',
    }),
    spend: meter.createCounter(METRIC_SPEND, {
      description: "Recorded cost of calls at the price catalogue's prices, by team, model and provider",
      unit: 'USD',
    }),
    teamTokens: meter.createCounter(METRIC_TEAM_TOKENS, {
      description: 'Tokens reported by providers, by team, model, provider and token type',
      unit: '{token}',
    }),
    budgetWarnings: meter.createCounter(METRIC_BUDGET_WARNINGS, {
      description: 'Calls admitted past the soft threshold of a key or team budget, by team',
      unit: '{call}',
    }),
  };
}
