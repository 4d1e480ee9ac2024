// The telemetry API the request path calls. Every argument is an identifier, a number, a boolean or a
// closed set of values: nothing here can carry prompt or completion text, keys or tokens.
import type { Endpoint, ModelRoute, Usage } from '../gateway/core/contracts.js';
import type { CallErrorType } from '../gateway/core/errors.js';

export type StageName = 'policy' | 'upstream' | 'audit' | 'feed';

/** Recorded as the semantic-convention `error.type`; a class of failure, never a message. The names live with the error table. */
export type { CallErrorType };

export interface CallStart {
  /** The fastify route pattern, e.g. "/v1/chat/completions" (never the raw URL). */
  route: string;
  endpoint: Endpoint;
  /** Whether the answer streams, when known at the start (otherwise see CallTelemetry.setStream). */
  stream?: boolean;
  /** Incoming W3C trace context headers, so a client's trace continues through the gateway. */
  traceparent?: string;
  tracestate?: string;
}

/** Only the configured route is accepted, so a client-sent model string never becomes a label. */
export type CallRoute = Pick<ModelRoute, 'name' | 'providerId' | 'providerKind' | 'upstreamModel'>;

export interface CallDecision {
  decision: 'allow' | 'deny';
  /** The policy revision that decided. */
  revision: string;
  /** The training decision, once known. */
  trainable?: boolean;
  /** The decision id (x-termsgate-decision-id), to join traces with audit records. */
  id?: string;
}

export interface StageTelemetry {
  end(error?: CallErrorType): void;
}

/** A type alias rather than an interface, so it is assignable to pino's mixin result (Record<string, unknown>). */
export type LogTraceFields = {
  trace_id?: string;
  span_id?: string;
};

export interface CallTelemetry {
  /** Names the model route once resolved; before that the call counts under model "unknown". */
  setRoute(route: CallRoute): void;
  /** Whether the answer streams, once the body is read (calls start before it is). */
  setStream(stream: boolean): void;
  /** Starts a child span for one stage of the path. */
  stage(name: StageName): StageTelemetry;
  setDecision(decision: CallDecision): void;
  /** Token usage reported by the provider; `responseModel` is the model id the provider answered with. */
  setUsage(usage: Usage, responseModel?: string): void;
  /** The call's recorded cost and tokens, for spend by team (a configured or stored team name), model and provider. */
  recordSpend(team: string, usd: number, usage: Usage): void;
  /** The call was admitted past the soft threshold of a budget of its key or team. */
  budgetWarning(team: string): void;
  /** The first output text of a streamed answer has been sent to the caller; only the first call counts. */
  firstToken(): void;
  /** Ends the call: one span, one count and one latency observation. Later calls are ignored. */
  end(outcome: { status: number; error?: CallErrorType }): void;
  /** Runs fn with this call's span active, so logs (see Telemetry.logMixin) carry its trace id. */
  run<T>(fn: () => T): T;
  /** trace_id and span_id of this call for a child logger; empty when not traced. */
  logFields(): LogTraceFields;
}

export interface Telemetry {
  readonly enabled: boolean;
  readonly tracing: boolean;
  startCall(start: CallStart): CallTelemetry;
  recordPolicyEval(ms: number): void;
  recordAuditCommit(ms: number): void;
  /** Records not yet delivered to the training feed's consumers. */
  setFeedLag(records: number): void;
  /** How many scopes of each kind (key, project, team, provider) stand at each distillation risk level. */
  setDistillationScopes(counts: { kind: string; level: string; count: number }[]): void;
  /** trace_id/span_id of the active span, in a new object each time; a pino `mixin`. */
  logMixin(): LogTraceFields;
  /** Prometheus text exposition of all metrics; null when metrics are off. */
  prometheusText(): Promise<string | null>;
  shutdown(): Promise<void>;
}
