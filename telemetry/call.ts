// One call through the gateway: its span (when traced) and its metrics.
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { Endpoint, Usage } from '../gateway/core/contracts.js';
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_TERMSGATE_DECISION,
  ATTR_TERMSGATE_DECISION_ID,
  ATTR_TERMSGATE_ENDPOINT,
  ATTR_TERMSGATE_POLICY_REVISION,
  ATTR_TERMSGATE_PROVIDER,
  ATTR_TERMSGATE_STREAM,
  ATTR_TERMSGATE_TRAINABLE,
  errorType,
  genAiProviderName,
  operationName,
  safeIdentifier,
} from './attributes.js';
import type { GatewayMetrics } from './metrics.js';
import { noTraceFields, NOOP_STAGE } from './noop.js';
import type {
  CallDecision,
  CallErrorType,
  CallRoute,
  CallStart,
  CallTelemetry,
  LogTraceFields,
  StageName,
  StageTelemetry,
} from './types.js';

export class RecordedCall implements CallTelemetry {
  readonly #metrics: GatewayMetrics;
  readonly #tracer: Tracer | undefined;
  readonly #span: Span | undefined;
  readonly #context: Context | undefined;
  readonly #started = performance.now();
  readonly #route: string;
  readonly #operation: string | undefined;
  #model = 'unknown';
  #provider = 'none';
  #system: string | undefined;
  #decision = 'none';
  #firstTokenSeconds: number | undefined;
  #ended = false;

  /** Without a tracer (tracing off) the call only feeds metrics. */
  constructor(metrics: GatewayMetrics, tracer: Tracer | undefined, parent: Context | undefined, start: CallStart) {
    this.#metrics = metrics;
    this.#route = safeIdentifier(start.route);
    this.#operation = operationName(start.endpoint);
    if (tracer) {
      const span = tracer.startSpan(
        this.#operation ?? start.endpoint,
        { kind: SpanKind.SERVER, attributes: startAttributes(this.#route, start.endpoint, this.#operation, start.stream) },
        parent,
      );
      if (span.isRecording()) {
        this.#tracer = tracer;
        this.#span = span;
        this.#context = trace.setSpan(parent ?? context.active(), span);
      }
    }
  }

  setRoute(route: CallRoute): void {
    this.#model = safeIdentifier(route.name);
    this.#provider = safeIdentifier(route.providerId);
    this.#system = genAiProviderName(route.providerKind, route.providerId);
    const span = this.#span;
    if (!span) return;
    span.updateName(this.#operation ? `${this.#operation} ${this.#model}` : this.#model);
    span.setAttributes({
      [ATTR_GEN_AI_PROVIDER_NAME]: this.#system,
      [ATTR_GEN_AI_REQUEST_MODEL]: this.#model,
      [ATTR_TERMSGATE_PROVIDER]: this.#provider,
    });
  }

  setStream(stream: boolean): void {
    this.#span?.setAttribute(ATTR_TERMSGATE_STREAM, stream);
  }

  stage(name: StageName): StageTelemetry {
    if (!this.#tracer) return NOOP_STAGE;
    const attributes: Attributes = {};
    if (name === 'upstream' && this.#system) {
      attributes[ATTR_GEN_AI_PROVIDER_NAME] = this.#system;
      attributes[ATTR_GEN_AI_REQUEST_MODEL] = this.#model;
    }
    const span = this.#tracer.startSpan(
      `termsgate.${name}`,
      { kind: name === 'upstream' ? SpanKind.CLIENT : SpanKind.INTERNAL, attributes },
      this.#context,
    );
    return new StageSpan(span);
  }

  setDecision(decision: CallDecision): void {
    this.#decision = decision.decision;
    const span = this.#span;
    if (!span) return;
    span.setAttribute(ATTR_TERMSGATE_DECISION, decision.decision);
    span.setAttribute(ATTR_TERMSGATE_POLICY_REVISION, safeIdentifier(decision.revision));
    if (decision.trainable !== undefined) span.setAttribute(ATTR_TERMSGATE_TRAINABLE, decision.trainable);
    if (decision.id !== undefined) span.setAttribute(ATTR_TERMSGATE_DECISION_ID, safeIdentifier(decision.id));
  }

  setUsage(usage: Usage, responseModel?: string): void {
    const input = count(usage.input_tokens);
    const output = count(usage.output_tokens);
    const m = this.#metrics;
    m.tokens.add(input, { model: this.#model, type: 'input' });
    m.tokens.add(output, { model: this.#model, type: 'output' });
    const base = this.#genAiAttributes();
    m.tokenUsage.record(input, { ...base, [ATTR_GEN_AI_TOKEN_TYPE]: 'input' });
    m.tokenUsage.record(output, { ...base, [ATTR_GEN_AI_TOKEN_TYPE]: 'output' });
    const span = this.#span;
    if (!span) return;
    span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, input);
    span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, output);
    if (responseModel !== undefined) span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, safeIdentifier(responseModel));
  }

  recordSpend(team: string, usd: number, usage: Usage): void {
    const labels = { team: safeIdentifier(team), model: this.#model, provider: this.#provider };
    const m = this.#metrics;
    m.spend.add(Math.max(0, usd), labels);
    m.teamTokens.add(count(usage.input_tokens), { ...labels, type: 'input' });
    m.teamTokens.add(count(usage.output_tokens), { ...labels, type: 'output' });
  }

  budgetWarning(team: string): void {
    this.#metrics.budgetWarnings.add(1, { team: safeIdentifier(team) });
  }

  firstToken(): void {
    this.#firstTokenSeconds ??= (performance.now() - this.#started) / 1000;
  }

  end(outcome: { status: number; error?: CallErrorType }): void {
    if (this.#ended) return;
    this.#ended = true;
    const seconds = (performance.now() - this.#started) / 1000;
    const status = Number.isInteger(outcome.status) ? outcome.status : 0;
    // A denial is the gateway working as intended, not an error; failures are errors.
    const failure = outcome.error !== undefined || status >= 500 ? (outcome.error !== undefined ? errorType(outcome.error) : String(status)) : undefined;
    const m = this.#metrics;
    // The GenAI server metrics describe inference operations only (not GET /v1/models).
    if (this.#operation !== undefined) {
      const genAi = this.#genAiAttributes();
      m.serverRequestDuration.record(seconds, failure === undefined ? genAi : { ...genAi, [ATTR_ERROR_TYPE]: failure });
      if (failure === undefined && this.#firstTokenSeconds !== undefined) m.timeToFirstToken.record(this.#firstTokenSeconds, genAi);
    }
    m.calls.add(1, {
      route: this.#route,
      model: this.#model,
      provider: this.#provider,
      decision: this.#decision,
      status: String(status),
    });
    m.callDuration.record(seconds, { route: this.#route, model: this.#model, decision: this.#decision });
    const span = this.#span;
    if (!span) return;
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    if (failure !== undefined) {
      span.setAttribute(ATTR_ERROR_TYPE, failure);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  }

  /** The GenAI metric attributes; provider and model are left out for a call that ends before its route is known. */
  #genAiAttributes(): Attributes {
    const attributes: Attributes = { [ATTR_GEN_AI_OPERATION_NAME]: this.#operation ?? 'none' };
    if (this.#system !== undefined) {
      attributes[ATTR_GEN_AI_PROVIDER_NAME] = this.#system;
      attributes[ATTR_GEN_AI_REQUEST_MODEL] = this.#model;
    }
    return attributes;
  }

  run<T>(fn: () => T): T {
    return this.#context ? context.with(this.#context, fn) : fn();
  }

  logFields(): LogTraceFields {
    if (!this.#span) return noTraceFields();
    const sc = this.#span.spanContext();
    return { trace_id: sc.traceId, span_id: sc.spanId };
  }
}

class StageSpan implements StageTelemetry {
  readonly #span: Span;
  constructor(span: Span) {
    this.#span = span;
  }

  end(error?: CallErrorType): void {
    if (error !== undefined) {
      this.#span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
      this.#span.setStatus({ code: SpanStatusCode.ERROR });
    }
    this.#span.end();
  }
}

function startAttributes(route: string, endpoint: Endpoint, operation: string | undefined, stream: boolean | undefined): Attributes {
  const attributes: Attributes = {
    [ATTR_HTTP_ROUTE]: route,
    [ATTR_TERMSGATE_ENDPOINT]: endpoint,
  };
  if (stream !== undefined) attributes[ATTR_TERMSGATE_STREAM] = stream;
  if (operation) attributes[ATTR_GEN_AI_OPERATION_NAME] = operation;
  return attributes;
}

function count(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}
