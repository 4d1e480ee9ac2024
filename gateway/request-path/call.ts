// One call's state as it moves down the request path: started at admission, built up stage by
// stage, never reached back into.
import { v7 as uuidv7 } from 'uuid';
import type { CallAttempt, DataClasses, Decision, MaskedFinding, ModelRoute, Principal } from '../core/contracts.js';
import type { EndpointAdapter } from '../dialects/types.js';
import type { CallTelemetry, Telemetry } from '../../telemetry/types.js';
import type { IssuedToken } from '../signing/provenance-token.js';
import type { RecordParts } from './call-record.js';

export type IncomingHeaders = Record<string, string | string[] | undefined>;

/** A call taken in before its body is read (key and termsgate's headers checked); handle() or reject() continues it. */
export interface AdmittedCall {
  readonly id: string;
}

export interface Call extends AdmittedCall {
  started: number;
  adapter: EndpointAdapter;
  headers: IncomingHeaders;
  tel: CallTelemetry;
  principal: Principal | null;
  purpose: string;
  route: ModelRoute | null;
  dataClasses: DataClasses;
  decision: Decision | null;
  /** The request as the log keeps it (or would): every record of the call names this by digest. */
  loggedRequest: unknown;
  /** The body the provider receives, built once by the dialect adapter; what is classified is what is sent. */
  forwarded: Record<string, unknown> | null;
  /** JSON of a large forwarded body made off the event loop; `of` is the body it was made from (a fallback forwards another). */
  forwardedJson: { of: Record<string, unknown>; text: string | null } | null;
  /** The caller's headers that go upstream (the allow-list), classified with the body. */
  forwardedHeaders: Record<string, string>;
  /** What the mask obligation replaced in `forwarded`. */
  masked: MaskedFinding[];
  /** The provenance token (a MAC) of the admitted route; every later record of the call names its digest. */
  token: IssuedToken | null;
  /** The client has been sent the head of an event stream: a failure from here on ends it with the dialect's stream error event. */
  streaming: boolean;
  /** The call's final record (anything after `started`) has been written. */
  final: boolean;
  /** Provider attempts so far (retries and fallbacks), each with its decision. */
  attempts: CallAttempt[];
  /** Input tokens counted against tokens-per-minute limits before the call; corrected from usage after. */
  tokenEstimate: number;
  /** Budgets past their soft threshold, for the answer's x-termsgate-budget header. */
  budgetWarning: string | null;
  /** Gives back the estimated cost the call holds against its budgets while in flight (once, when it ends). */
  releaseSpend: (() => void) | null;
}

/** A new call: its decision id and its span, the only ones it will have. */
export function newCall(adapter: EndpointAdapter, headers: IncomingHeaders, telemetry: Telemetry): Call {
  const { traceparent, tracestate } = headers;
  const tel = telemetry.startCall({
    route: adapter.path,
    endpoint: adapter.endpoint,
    traceparent: typeof traceparent === 'string' ? traceparent : undefined,
    tracestate: typeof tracestate === 'string' ? tracestate : undefined,
  });
  return {
    id: uuidv7(),
    started: performance.now(),
    adapter,
    headers,
    tel,
    principal: null,
    purpose: '',
    route: null,
    dataClasses: { classes: [], counts: {} },
    decision: null,
    loggedRequest: undefined,
    forwarded: null,
    forwardedJson: null,
    forwardedHeaders: {},
    masked: [],
    token: null,
    streaming: false,
    final: false,
    attempts: [],
    tokenEstimate: 0,
    budgetWarning: null,
    releaseSpend: null,
  };
}

/** What every record of the call carries, as far as the call has come. */
export function recordParts(call: Call): Omit<RecordParts, 'phase' | 'status'> {
  return {
    decisionId: call.id,
    time: new Date(),
    principal: call.principal,
    endpoint: call.adapter.endpoint,
    route: call.route,
    purpose: call.purpose,
    decision: call.decision,
    denied: call.decision ? !call.decision.request.allow : false,
    dataClasses: call.dataClasses.classes,
    masked: call.masked,
    attempts: call.attempts,
    provenanceToken: call.token?.digest ?? null,
  };
}
