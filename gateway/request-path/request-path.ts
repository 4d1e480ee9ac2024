// The request path of SPEC.md, one call at a time:
//   authenticate → classify → policy: admit? → upstream → response transform → record → trainable? → feed
// Each stage is a dependency with a narrow interface; this module only sequences them and turns
// their outcomes into responses and audit records.
import { v7 as uuidv7 } from 'uuid';
import { createParser } from 'eventsource-parser';
import type { VirtualKeys } from '../auth/virtual-keys.js';
import type { ModelRoutes } from '../upstream/model-routes.js';
import { UpstreamError, toUpstreamError, type Upstream, type UpstreamResponse } from '../upstream/client.js';
import type { ProvenanceTokens } from '../signing/provenance-token.js';
import { AUDIT_UNAVAILABLE, AUDIT_UNAVAILABLE_CODE, denialMessage, errorBody, UPSTREAM_AUTH_FAILED, upstreamAuthFailedMessage } from '../core/errors.js';
import { serializeEvents } from '../dialects/sse.js';
import { emptyOutput, servedText, type CollectedOutput, type EndpointAdapter, type ParsedRequest } from '../dialects/types.js';
import { contentDigest } from '../core/canonical-json.js';
import { callRecord, loggedContent, type RecordParts } from './call-record.js';
import type { ClientSink } from './client-sink.js';
import type {
  AuditSink,
  BodyClassification,
  MaskedFinding,
  CallFacts,
  DataClasses,
  Decision,
  ModelRoute,
  OutputMarker,
  PolicyDecider,
  Principal,
  ProvenanceStage,
  TrainingAdmission,
  TrainingFeedSink,
} from '../core/contracts.js';
import { forwardedRequestHeaders, forwardedResponseHeaders } from './headers.js';
import type { CallErrorType, CallTelemetry, Telemetry } from '../../telemetry/types.js';
import { NOOP_TELEMETRY } from '../../telemetry/noop.js';

export interface RequestPathDeps {
  keys: VirtualKeys;
  routes: ModelRoutes;
  /** Classifies exactly what would be forwarded: every string of the body, keys included, and the forwarded headers. */
  classify(forwarded: Record<string, unknown>, headers: Record<string, string>): Promise<BodyClassification>;
  /** Replaces the findings of `classes` in the forwarded body by typed placeholders; rejects when it cannot (a header carries one). */
  mask(forwarded: Record<string, unknown>, classes: string[], headers: Record<string, string>): Promise<{ body: Record<string, unknown>; masked: MaskedFinding[] }>;
  redact(text: string, classes: string[]): string;
  policy(): PolicyDecider;
  upstream: Upstream;
  provenance: ProvenanceStage;
  audit: AuditSink;
  feed: TrainingFeedSink;
  admission: TrainingAdmission;
  provenanceTokens: ProvenanceTokens;
  telemetry?: Telemetry;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export interface IncomingCall {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** State of one call as it moves down the path; built up, never reached back into. */
interface Call {
  id: string;
  started: number;
  adapter: EndpointAdapter;
  principal: Principal | null;
  purpose: string;
  route: ModelRoute | null;
  dataClasses: DataClasses;
  decision: Decision | null;
  requestDigest: string | null;
  /** The body the provider receives, built once by the dialect adapter; what is classified is what is sent. */
  forwarded: Record<string, unknown> | null;
  /** The caller's headers that go upstream (the allow-list), classified with the body. */
  forwardedHeaders: Record<string, string>;
  /** What the mask obligation replaced in `forwarded`. */
  masked: MaskedFinding[];
  /** The provenance token, signed while the provider answers. */
  token: Promise<string> | null;
  tel: CallTelemetry;
}

const noClasses: DataClasses = { classes: [], counts: {} };
/** Calls made to produce training data are refused up front when their prompt carries restricted text. */
const TRAINING_PURPOSE = 'training-data';
const INCOMPLETE = 'the provider stream ended before its end event (finish reason, message_stop, response.completed); not offered to the training feed';

export class RequestPath {
  readonly #d: RequestPathDeps;
  readonly #telemetry: Telemetry;

  constructor(deps: RequestPathDeps) {
    this.#d = deps;
    this.#telemetry = deps.telemetry ?? NOOP_TELEMETRY;
  }

  /** Answers a call that failed before the request path could read it (bad JSON, body too large). */
  async reject(adapter: EndpointAdapter, incoming: IncomingCall, status: number, message: string, sink: ClientSink): Promise<void> {
    const call = this.#newCall(adapter, incoming);
    call.principal = this.#d.keys.authenticate(incoming.headers);
    await this.#fail(call, sink, status, message, 'failed');
  }

  /**
   * Authentication and termsgate's own headers, checked before the body is read: a refused call is
   * answered (in the endpoint's dialect, with its record) and true is returned.
   */
  async refuseBeforeBody(adapter: EndpointAdapter, headers: IncomingCall['headers'], sink: ClientSink): Promise<boolean> {
    const call = this.#newCall(adapter, { headers, body: undefined });
    const refusal = this.#admitHeaders(call, headers);
    if (!refusal) return false;
    await this.#fail(call, sink, refusal.status, refusal.message, refusal.phase);
    return true;
  }

  async handle(adapter: EndpointAdapter, incoming: IncomingCall, sink: ClientSink): Promise<void> {
    const call = this.#newCall(adapter, incoming);
    try {
      // Inside the call's span, so log lines carry its trace id.
      await call.tel.run(() => this.#run(call, incoming, sink));
    } catch (err) {
      this.#d.log.error({ err, decision_id: call.id }, 'request path failed');
      if (sink.headersSent) sink.end();
      else await this.#fail(call, sink, 500, 'termsgate failed to handle this request', 'failed').catch(() => undefined);
      call.tel.end({ status: 500, error: 'internal' });
    }
  }

  /** Authenticates and reads the declared purpose into the call; what refuses it, if anything. */
  #admitHeaders(call: Call, headers: IncomingCall['headers']): { status: number; message: string; phase: 'denied' | 'failed' } | null {
    call.principal = this.#d.keys.authenticate(headers);
    if (!call.principal) return { status: 401, message: 'invalid or missing virtual key', phase: 'denied' };
    const purpose = declaredPurpose(headers, this.#d.keys.purposes);
    if (typeof purpose !== 'string') return { status: 400, message: purpose.error, phase: 'failed' };
    call.purpose = purpose || call.principal.defaultPurpose;
    return null;
  }

  #newCall(adapter: EndpointAdapter, incoming: IncomingCall): Call {
    const body = incoming.body as { stream?: unknown } | undefined;
    const traceparent = incoming.headers['traceparent'];
    const tracestate = incoming.headers['tracestate'];
    return {
      tel: this.#telemetry.startCall({
        route: adapter.path,
        endpoint: adapter.endpoint,
        stream: body?.stream === true,
        traceparent: typeof traceparent === 'string' ? traceparent : undefined,
        tracestate: typeof tracestate === 'string' ? tracestate : undefined,
      }),
      id: uuidv7(),
      started: performance.now(),
      adapter,
      principal: null,
      purpose: '',
      route: null,
      dataClasses: noClasses,
      decision: null,
      requestDigest: null,
      forwarded: null,
      forwardedHeaders: {},
      masked: [],
      token: null,
    };
  }

  async #run(call: Call, incoming: IncomingCall, sink: ClientSink): Promise<void> {
    const { adapter } = call;
    // authenticate
    const refusal = this.#admitHeaders(call, incoming.headers);
    if (refusal) return this.#fail(call, sink, refusal.status, refusal.message, refusal.phase);

    const parsed = adapter.parse(incoming.body);
    if (typeof parsed === 'string') return this.#fail(call, sink, 400, parsed, 'failed');
    call.requestDigest = contentDigest(incoming.body);
    call.route = this.#d.routes.resolve(parsed.model);
    if (!call.route) return this.#fail(call, sink, 404, `The model \`${parsed.model}\` does not exist or you do not have access to it.`, 'failed');
    if (!adapter.accepts(call.route.providerKind)) {
      const m = `model \`${parsed.model}\` is served by a ${call.route.providerKind} provider, which has no ${adapter.path} endpoint`;
      return this.#fail(call, sink, 400, m, 'failed');
    }

    // classify, then policy: admit?
    call.tel.setRoute(call.route);
    call.forwarded = adapter.upstreamBody(incoming.body as Record<string, unknown>, call.route.upstreamModel);
    try {
      call.forwardedHeaders = forwardedRequestHeaders(incoming.headers);
      call.dataClasses = await this.#d.classify(call.forwarded, call.forwardedHeaders);
    } catch (err) {
      // Fail closed: what could not be classified is not forwarded.
      this.#d.log.warn({ err, decision_id: call.id }, 'classification failed; denying');
      const reasons = [{ rule: 'termsgate.fail_closed', message: `the request could not be classified, so it is not forwarded: ${(err as Error).message}` }];
      return this.#fail(call, sink, 403, denialMessage(reasons), 'denied', reasons);
    }
    const facts: CallFacts = {
      principal: call.principal!,
      purpose: call.purpose,
      endpoint: adapter.endpoint,
      route: call.route,
      dataClasses: call.dataClasses,
      stream: parsed.stream,
      now: new Date().toISOString(),
    };
    const policySpan = call.tel.stage('policy');
    const t0 = performance.now();
    try {
      call.decision = { id: call.id, ...this.#d.policy().decide(facts) };
      policySpan.end();
    } catch (err) {
      policySpan.end('policy_error');
      // Fail closed: a policy that cannot be evaluated denies the call, and the denial is recorded.
      this.#d.log.error({ err, decision_id: call.id }, 'policy evaluation failed; denying');
      const reasons = [{ rule: 'termsgate.fail_closed', message: 'the policy could not be evaluated, so the call is denied' }];
      return this.#fail(call, sink, 403, denialMessage(reasons), 'denied', reasons);
    } finally {
      this.#telemetry.recordPolicyEval(performance.now() - t0);
    }
    const { request, training, revision } = call.decision;
    call.tel.setDecision({ decision: request.allow ? 'allow' : 'deny', revision, trainable: training.permit, id: call.id });
    if (!request.allow) return this.#fail(call, sink, 403, denialMessage(request.reasons), 'denied', request.reasons);
    if (call.purpose === TRAINING_PURPOSE) {
      const screen = this.#d.admission.screen(parsed.prompt, '');
      if (!screen.admitted) return this.#fail(call, sink, 403, denialMessage(screen.reasons), 'denied', screen.reasons);
    }
    const toMask = (request.obligations.mask ?? []).filter((c) => call.dataClasses.classes.includes(c));
    if (toMask.length > 0) {
      try {
        ({ body: call.forwarded, masked: call.masked } = await this.#d.mask(call.forwarded!, toMask, call.forwardedHeaders));
      } catch (err) {
        // Fail closed: a body that could not be masked is not forwarded.
        this.#d.log.warn({ err, decision_id: call.id }, 'masking failed; denying');
        const reasons = [{ rule: 'termsgate.fail_closed', message: `the request could not be masked, so it is not forwarded: ${(err as Error).message}` }];
        return this.#fail(call, sink, 403, denialMessage(reasons), 'denied', reasons);
      }
    }
    call.token = this.#d.provenanceTokens.sign({
      decision_id: call.id,
      licence: training.licence,
      trainable: training.permit,
      policy_revision: revision,
      iat: Math.floor(Date.now() / 1000),
    });
    // A signing failure surfaces where the token is awaited; until then it must not count as unhandled.
    call.token.catch(() => undefined);
    await this.#forward(call, parsed, incoming, sink);
  }

  /** upstream → response transform → record → trainable? → feed, for an admitted call. */
  async #forward(call: Call, parsed: ParsedRequest, incoming: IncomingCall, sink: ClientSink): Promise<void> {
    const { adapter } = call;
    const route = call.route!;
    const decision = call.decision!;
    const body = incoming.body as Record<string, unknown>;
    const forwarded = call.forwarded!;

    // The started record reaches the OS before the provider sees the call: after a crash, every
    // call that reached a provider has its record.
    const auditSpan = call.tel.stage('audit');
    await this.#record({ ...this.#parts(call), phase: 'started', status: 0 }).catch((err: unknown) => {
      auditSpan.end('audit_error');
      throw err;
    });
    auditSpan.end();

    const upstreamSpan = call.tel.stage('upstream');
    let res: UpstreamResponse;
    try {
      res = await this.#d.upstream.send({
        providerId: route.providerId,
        path: adapter.path,
        body: JSON.stringify(forwarded),
        headers: call.forwardedHeaders,
        signal: sink.signal,
      });
    } catch (err) {
      const e = toUpstreamError(err, sink.signal);
      upstreamSpan.end(errorTypeOf(e));
      return this.#fail(call, sink, e.status, e.message, 'failed', undefined, errorTypeOf(e));
    }

    const headers = { ...forwardedResponseHeaders(res.headers), ...(await this.#decisionHeaders(call)) };
    if (res.status < 200 || res.status >= 300) {
      // Provider errors keep their status and body shape (scrubbed by the upstream client), except a
      // refusal of the gateway's credentials, which is the gateway's failure and not the caller's key.
      // Recorded before they are answered.
      const text = await res.body.text().catch(() => '');
      upstreamSpan.end('upstream_status');
      if (res.status === 401 || res.status === 403) {
        const message = upstreamAuthFailedMessage(route.providerId, res.status);
        await this.#record({ ...this.#parts(call), phase: 'failed', status: 502, error: message, latencyMs: this.#elapsed(call) });
        sink.head(502, { ...headers, 'content-type': 'application/json' });
        sink.end(JSON.stringify(errorBody(adapter.dialect, 502, message, { decisionId: call.id, code: UPSTREAM_AUTH_FAILED })));
        call.tel.end({ status: 502, error: 'upstream_status' });
        return;
      }
      await this.#record({ ...this.#parts(call), phase: 'failed', status: res.status, error: `provider answered ${res.status}`, latencyMs: this.#elapsed(call) });
      sink.head(res.status, { ...headers, 'content-type': String(res.headers['content-type'] ?? 'application/json') });
      sink.end(text);
      call.tel.end({ status: res.status, error: 'upstream_status' });
      return;
    }

    const watermark = decision.request.obligations.watermark && !parsed.structured;
    const marker = watermark ? this.#d.provenance.marker({ decisionId: call.id, licenceClass: decision.training.licence_class, trainable: decision.training.permit }) : null;
    const out = emptyOutput();
    let responseContent: unknown;
    /** Sends what completes the answer: the whole JSON body, or a stream's last event. */
    let deliver: () => void;
    try {
      const isStream = String(res.headers['content-type'] ?? '').includes('text/event-stream');
      if (isStream) {
        const last = await this.#stream(res, adapter.streamTransformer(marker, out, body), sink, headers);
        deliver = () => sink.end(last || undefined);
        responseContent = out.text;
      } else {
        const raw = await res.body.text();
        const json = JSON.parse(raw) as Record<string, unknown>;
        adapter.transformJson(json, marker, out);
        out.complete = true;
        deliver = () => {
          sink.head(res.status, { ...headers, 'content-type': 'application/json' });
          // Unmarked answers (structured output, embeddings, watermark off) go out byte for byte as the provider sent them.
          sink.end(marker ? JSON.stringify(json) : raw);
        };
        responseContent = adapter.endpoint === 'embeddings' ? { usage: out.usage } : out.text;
      }
      upstreamSpan.end();
    } catch (err) {
      const e = toUpstreamError(err, sink.signal);
      upstreamSpan.end(errorTypeOf(e));
      if (!sink.headersSent) return this.#fail(call, sink, e.status, e.message, 'failed', undefined, errorTypeOf(e));
      await this.#record({ ...this.#parts(call), phase: 'failed', status: e.status, error: e.message, usage: out.usage, latencyMs: this.#elapsed(call) });
      if (e.kind !== 'aborted') await sink.write(serializeEvents([streamErrorEvent(adapter, e)])).catch(() => undefined);
      sink.end();
      call.tel.end({ status: e.status, error: errorTypeOf(e) });
      return;
    }
    if (out.usage) call.tel.setUsage(out.usage);
    // Record before answer: the completed record is in the OS before the client has the whole answer.
    await this.#complete(call, parsed, incoming, out, responseContent, marker);
    deliver();
    call.tel.end({ status: res.status });
  }

  /** trainable? → feed → record; resolves once the completed record is written, before the answer is delivered. */
  async #complete(call: Call, parsed: ParsedRequest, incoming: IncomingCall, out: CollectedOutput, responseContent: unknown, marker: OutputMarker | null): Promise<void> {
    const decision = call.decision!;
    const route = call.route!;
    const time = new Date().toISOString();
    let permitId: string | null = null;
    // Only complete answers train. Everything the record would carry is scanned before a permit is
    // signed; a refusal is recorded with its reasons.
    const screen = decision.training.permit && out.complete && out.text.length > 0 ? this.#d.admission.screen(parsed.prompt, out.text) : null;
    if (screen?.admitted) {
      permitId = this.#d.feed.offer({
        decision_id: call.id,
        model: route.name,
        licence: decision.training.licence,
        licence_class: decision.training.licence_class,
        attribution: decision.training.attribution,
        naming: decision.training.naming,
        duties: decision.training.duties,
        inherited_restrictions: decision.training.inherited_restrictions,
        policy_revision: decision.revision,
        messages: parsed.prompt,
        completion: out.text,
        top_logprobs: out.topLogprobs,
        time,
      });
    }
    const served = servedText(out);
    if (served.length > 0) {
      this.#d.provenance.remember({
        decisionId: call.id,
        text: served,
        licence: route.licence,
        licenceClass: decision.training.licence_class,
        trainable: decision.training.permit,
        time,
      });
    }
    const { obligations } = decision.request;
    // A masked call's log keeps what was forwarded, so the log never holds what the provider was kept from.
    const stored = loggedContent(obligations.content_logging, { request: call.masked.length > 0 ? call.forwarded : incoming.body, response: responseContent }, this.#d.redact, obligations.redactions);
    await this.#record(
      {
        ...this.#parts(call),
        phase: out.complete ? 'completed' : 'incomplete',
        status: 200,
        error: out.complete ? null : INCOMPLETE,
        // Stored content is digested once, by the audit store that keys it; otherwise only the digests are kept.
        requestDigest: stored ? null : call.requestDigest,
        responseDigest: stored ? null : contentDigest(responseContent),
        usage: out.usage,
        latencyMs: this.#elapsed(call),
        watermarkId: marker?.watermarkId ?? null,
        permitId,
        reasons: screen && !screen.admitted ? screen.reasons : undefined,
      },
      stored,
    );
  }

  /** Streams every event but the newest; returns that one (with the transformer's last words) for after the record. */
  async #stream(res: UpstreamResponse, transform: ReturnType<EndpointAdapter['streamTransformer']>, sink: ClientSink, headers: Record<string, string>): Promise<string> {
    sink.head(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    let pending = '';
    // Held back until the next event arrives: whichever event turns out last goes out after the completed record.
    let held = '';
    const parser = createParser({
      onEvent: (ev) => {
        const text = serializeEvents(transform.event({ event: ev.event, data: ev.data }));
        if (!text) return;
        pending += held;
        held = text;
      },
    });
    const decoder = new TextDecoder();
    for await (const chunk of res.body) {
      parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
      if (pending) {
        const text = pending;
        pending = '';
        await sink.write(text);
      }
    }
    return pending + held + serializeEvents(transform.end());
  }

  async #decisionHeaders(call: Call): Promise<Record<string, string>> {
    return {
      'x-termsgate-decision-id': call.id,
      'x-termsgate-policy-revision': call.decision!.revision,
      'x-termsgate-provenance': await call.token!,
    };
  }

  async #fail(
    call: Call,
    sink: ClientSink,
    status: number,
    message: string,
    phase: 'denied' | 'failed',
    reasons?: RecordParts['reasons'],
    error: CallErrorType | undefined = errorTypeFor(status, phase),
  ): Promise<void> {
    call.tel.end({ status, error });
    // Record before answer: a client never holds a decision id that the log lacks. If the record
    // cannot be written, the call is refused without one.
    const recorded = await this.#record({ ...this.#parts(call), phase, status, error: message, reasons, denied: phase === 'denied', latencyMs: this.#elapsed(call) }).then(
      () => true,
      () => false,
    );
    if (sink.headersSent) return;
    if (recorded) {
      sink.head(status, { 'content-type': 'application/json', 'x-termsgate-decision-id': call.id });
      sink.end(JSON.stringify(errorBody(call.adapter.dialect, status, message, { decisionId: call.id, reasons, code: codeFor(status, phase) })));
    } else {
      sink.head(503, { 'content-type': 'application/json' });
      sink.end(JSON.stringify(errorBody(call.adapter.dialect, 503, AUDIT_UNAVAILABLE, { code: AUDIT_UNAVAILABLE_CODE })));
    }
  }

  #parts(call: Call): RecordParts {
    return {
      decisionId: call.id,
      phase: 'started',
      time: new Date(),
      principal: call.principal,
      endpoint: call.adapter.endpoint,
      route: call.route,
      purpose: call.purpose,
      decision: call.decision,
      denied: call.decision ? !call.decision.request.allow : false,
      dataClasses: call.dataClasses.classes,
      requestDigest: call.requestDigest,
      masked: call.masked,
      status: 0,
    };
  }

  async #record(parts: RecordParts, content?: Parameters<AuditSink['append']>[1]): Promise<void> {
    try {
      const t0 = performance.now();
      const { durable } = await this.#d.audit.append(callRecord(parts), content);
      durable.then(
        () => this.#telemetry.recordAuditCommit(performance.now() - t0),
        () => undefined,
      );
    } catch (err) {
      this.#d.log.error({ err, decision_id: parts.decisionId }, 'audit append failed');
      throw err;
    }
  }

  #elapsed(call: Call): number {
    return Math.round((performance.now() - call.started) * 1000) / 1000;
  }
}

const PURPOSE_MAX = 64;

/** The x-termsgate-purpose header: absent (''), or one word of the configured vocabulary, never echoed back when it is not. */
function declaredPurpose(headers: IncomingCall['headers'], vocabulary: ReadonlySet<string>): string | { error: string } {
  const value = headers['x-termsgate-purpose'];
  if (value === undefined || value === '') return '';
  if (typeof value !== 'string') return { error: 'x-termsgate-purpose must be sent once' };
  if (value.length > PURPOSE_MAX) return { error: `x-termsgate-purpose is longer than ${PURPOSE_MAX} characters` };
  if (!vocabulary.has(value)) return { error: `x-termsgate-purpose must be one of: ${[...vocabulary].sort().join(', ')}` };
  return value;
}

function codeFor(status: number, phase: string): string | undefined {
  if (phase === 'denied' && status === 403) return 'termsgate_policy_denied';
  if (status === 401) return 'invalid_api_key';
  if (status === 404) return 'model_not_found';
  return undefined;
}

function errorTypeOf(e: UpstreamError): CallErrorType {
  return e.kind === 'timeout' ? 'upstream_timeout' : e.kind === 'aborted' ? 'client_abort' : 'upstream_connect';
}

function errorTypeFor(status: number, phase: string): CallErrorType | undefined {
  if (phase === 'denied') return status === 401 ? 'unauthenticated' : undefined;
  if (status === 404) return 'not_found';
  if (status >= 400 && status < 500) return 'bad_request';
  return 'internal';
}

function streamErrorEvent(adapter: EndpointAdapter, e: UpstreamError) {
  const body = JSON.stringify(errorBody(adapter.dialect, e.status, e.message));
  return adapter.dialect === 'anthropic' ? { event: 'error', data: body } : { data: body };
}
