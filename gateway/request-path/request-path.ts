// The request path of SPEC.md, one call at a time:
//   authenticate → classify → policy: admit? → upstream → response transform → record → trainable? → feed
// Each stage is a dependency with a narrow interface; this module only sequences them and turns
// their outcomes into responses and audit records.
import type { KeyDirectory } from '../auth/key-directory.js';
import type { RateLimits, RateRefusal } from '../limits/rate-limits.js';
import type { Budgets } from '../limits/budgets.js';
import type { Prices } from '../limits/prices.js';
import type { ModelRoutes } from '../upstream/model-routes.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { toUpstreamError, UpstreamError, type Upstream, type UpstreamResponse } from '../upstream/client.js';
import { retryWait, type AttemptFailure } from '../upstream/retry.js';
import type { ProvenanceTokens } from '../signing/provenance-token.js';
import { AUDIT_UNAVAILABLE, denialMessage, errorAnswer, errorAnswerFor, errorTypeFor, errorTypeOf, upstreamAuthFailedMessage } from '../core/errors.js';
import { SseRelay } from '../dialects/sse.js';
import { isObject } from '../dialects/json-object.js';
import { nestingExceeds } from '../text/json-nesting.js';
import { LOOP_SLICE_MS, LoopSlices } from '../core/loop-slices.js';
import { CanonicalValue } from '../core/canonical-json.js';
import { OFF_THREAD_BYTES, serialiseOffThread } from '../core/canonical-thread.js';
import { emptyOutput, servedText, type CollectedOutput, type EndpointAdapter, type ParsedRequest } from '../dialects/types.js';
import { translationFor } from '../dialects/translation.js';
import { newCall, recordParts, type AdmittedCall, type Call, type IncomingHeaders } from './call.js';
import { callRecord, loggedValue, type RecordParts } from './call-record.js';
import type { ClientSink } from './client-sink.js';
import type {
  AuditSink,
  BodyClassification,
  CallAttempt,
  CallContent,
  CallFacts,
  Decision,
  DistillationWatch,
  MaskedFinding,
  ModelRoute,
  OutputMarker,
  PolicyDecider,
  PolicyReason,
  ProvenanceStage,
  TrainingAdmission,
  TrainingFeedSink,
} from '../core/contracts.js';
import { declaredPurpose, forwardedRequestHeaders, forwardedResponseHeaders, warningHeader } from './headers.js';
import { distillationEvent } from './distillation-event.js';
import type { CallErrorType, Telemetry } from '../../telemetry/types.js';
import { NOOP_TELEMETRY } from '../../telemetry/noop.js';

export interface RequestPathDeps {
  keys: Pick<KeyDirectory, 'authenticate' | 'vocabularyFor'>;
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
  /** Requests and tokens per minute per key and team; absent: nothing is limited. */
  limits?: Pick<RateLimits, 'admitRequest' | 'admitTokens' | 'settleTokens'>;
  /** Each call's cost at the catalogue's prices, and the budgets it counts against; absent: nothing is priced. */
  spend?: { prices: Pick<Prices, 'cost'>; budgets: Pick<Budgets, 'check' | 'record'> };
  telemetry?: Telemetry;
  /** The distillation monitor: its risk goes into the policy input, each call's event goes to it afterwards. */
  distillation?: DistillationWatch;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** limits.retryDeadlineMs: no retry or fallback attempt begins later than this after the first. */
  retryDeadlineMs?: number;
}

/** Why a route was not taken: answered as is for the call's own model, recorded as a denied attempt for a fallback. */
interface Refusal {
  status: number;
  message: string;
  phase: 'denied' | 'failed';
  reasons?: PolicyReason[];
  decision: Decision | null;
}

/** Calls made to produce training data are refused up front when their prompt carries restricted text. */
const TRAINING_PURPOSE = 'training-data';
const INCOMPLETE = 'the provider stream ended before its end event (finish reason, message_stop, response.completed); not offered to the training feed';
/** Deepest nesting of a provider's JSON answer: checked before it is parsed, so nothing recursive downstream can overflow on it. */
export const MAX_ANSWER_DEPTH = 256;
const NOT_COMPLETED = 'termsgate failed to complete this answer';
/** The terms' refusal of a training purpose: its prompts are remembered to spot them under another purpose. */
const TRAINING_FORBIDDEN = 'terms.training_forbidden';

/** Input tokens estimated before a call: about four bytes of request body per token (the body's declared length, else its JSON). */
export function estimateInputTokens(headers: IncomingHeaders, body: unknown): number {
  const declared = Number(headers['content-length']);
  const bytes = Number.isFinite(declared) && declared > 0 ? declared : JSON.stringify(body).length;
  return Math.ceil(bytes / 4);
}

/** A provider answer the gateway cannot pass on (mislabelled, not JSON, nested too deep, no events): a 502. */
class ProviderAnswerError extends Error {}

/** A failure of the provider's connection or of the upstream client's bounds (undici's errors carry a code), not of what it sent. */
function isConnectionError(err: unknown): boolean {
  return err instanceof UpstreamError || (typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string');
}

/** An error as the audit record names it: its class and message, never a stack. */
function reason(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 300) : String(err).slice(0, 300);
}

export class RequestPath {
  readonly #d: RequestPathDeps;
  readonly #telemetry: Telemetry;
  readonly #slices = new LoopSlices(LOOP_SLICE_MS);

  constructor(deps: RequestPathDeps) {
    this.#d = deps;
    this.#telemetry = deps.telemetry ?? NOOP_TELEMETRY;
  }

  /**
   * Authentication and termsgate's own headers, checked before the body is read: the call's one
   * admission (principal, purpose, decision id, span), or null once a refusal has been answered.
   */
  async admit(adapter: EndpointAdapter, headers: IncomingHeaders, sink: ClientSink): Promise<AdmittedCall | null> {
    const call = newCall(adapter, headers, this.#telemetry);
    const auth = await this.#d.keys.authenticate(headers);
    call.principal = auth.principal;
    if (!auth.principal) return this.#fail(call, sink, 401, auth.message, 'denied').then(() => null);
    const purpose = declaredPurpose(headers, this.#d.keys.vocabularyFor(auth.principal));
    if (typeof purpose !== 'string') return this.#fail(call, sink, 400, purpose.error, 'failed').then(() => null);
    call.purpose = purpose || auth.principal.defaultPurpose;
    const limited = await this.#d.limits?.admitRequest(auth.principal);
    if (limited) return this.#refuseRate(call, sink, limited).then(() => null);
    const budget = this.#d.spend?.budgets.check(auth.principal);
    if (budget?.refusal) {
      const { status, message, retryAfterS } = budget.refusal;
      return this.#fail(call, sink, status, message, 'failed', undefined, status === 402 ? 'budget_exceeded' : 'rate_limited', { 'retry-after': String(retryAfterS) }).then(() => null);
    }
    call.budgetWarning = budget?.warning ?? null;
    if (call.budgetWarning) call.tel.budgetWarning(auth.principal.team);
    return call;
  }

  /** Answers a call whose body could not be taken in (bad JSON, too large, too slow), continuing its admission when it had one. */
  async reject(adapter: EndpointAdapter, admitted: AdmittedCall | undefined, headers: IncomingHeaders, status: number, message: string, sink: ClientSink): Promise<void> {
    let call = admitted as Call | undefined;
    if (!call) {
      call = newCall(adapter, headers, this.#telemetry);
      call.principal = (await this.#d.keys.authenticate(headers)).principal;
    }
    await this.#fail(call, sink, status, message, 'failed');
  }

  async handle(admitted: AdmittedCall, body: unknown, sink: ClientSink): Promise<void> {
    const call = admitted as Call;
    try {
      // Inside the call's span, so log lines carry its trace id.
      await call.tel.run(() => this.#run(call, body, sink));
    } catch (err) {
      this.#d.log.error({ err, decision_id: call.id }, 'request path failed');
      // Whatever failed, the call's last record is final and the client's answer ends properly.
      if (!sink.headersSent) await this.#fail(call, sink, 500, 'termsgate failed to handle this request', 'failed').catch(() => undefined);
      else if (call.final) sink.end();
      else await this.#failStream(call, sink, 500, NOT_COMPLETED, `${NOT_COMPLETED} (${reason(err)})`, 'internal', null);
      call.tel.end({ status: 500, error: 'internal' });
    }
  }

  /** classify → policy: admit? → mask, for an admitted call whose body has been read. */
  async #run(call: Call, body: unknown, sink: ClientSink): Promise<void> {
    const { adapter } = call;
    const parsed = adapter.parse(body);
    if (typeof parsed === 'string') return this.#fail(call, sink, 400, parsed, 'failed');
    call.tel.setStream(parsed.stream);
    // Until a decision names the logging obligation, the request is named as it came.
    call.loggedRequest = body;
    call.route = this.#d.routes.resolve(parsed.model);
    // A key limited to some models does not see the others, as a provider answers for a model the key may not use.
    if (call.route && call.principal?.models && !call.principal.models.includes(call.route.name)) call.route = null;
    if (!call.route) return this.#fail(call, sink, 404, `The model \`${parsed.model}\` does not exist or you do not have access to it.`, 'failed');
    if (!adapter.accepts(call.route.providerKind)) {
      const m = `model \`${parsed.model}\` is served by a ${call.route.providerKind} provider, which has no ${adapter.path} endpoint`;
      return this.#fail(call, sink, 400, m, 'failed');
    }

    call.tel.setRoute(call.route);
    call.tokenEstimate = estimateInputTokens(call.headers, body);
    const limited = await this.#d.limits?.admitTokens(call.principal!, call.tokenEstimate);
    if (limited) return this.#refuseRate(call, sink, limited);
    const forwarded = upstreamBodyFor(adapter, call.route, body as Record<string, unknown>);
    if (typeof forwarded === 'string') return this.#fail(call, sink, 400, forwarded, 'failed');
    call.forwarded = forwarded;
    try {
      call.forwardedHeaders = forwardedRequestHeaders(call.headers);
      call.dataClasses = await this.#d.classify(call.forwarded, call.forwardedHeaders);
    } catch (err) {
      // A classifier with no free thread says so (status 503): the caller may retry, nothing is forwarded.
      if ((err as { status?: unknown }).status === 503) return this.#fail(call, sink, 503, `termsgate is too busy to classify this request now; retry later (${(err as Error).message})`, 'failed');
      this.#d.log.warn({ err, decision_id: call.id }, 'classification failed; denying');
      return this.#failClosed(call, sink, `the request could not be classified, so it is not forwarded: ${(err as Error).message}`);
    }
    const refusal = await this.#decideRoute(call, call.route, call.forwarded, body, parsed.stream);
    if (refusal) {
      await this.#fail(call, sink, refusal.status, refusal.message, refusal.phase, refusal.reasons);
      if (refusal.reasons?.some((r) => r.rule === TRAINING_FORBIDDEN)) this.#observe(call, parsed, body as Record<string, unknown>, 0, true);
      return;
    }
    if (call.purpose === TRAINING_PURPOSE) {
      const screen = await this.#d.admission.screen(parsed.prompt, '', call.principal!);
      if (!screen.admitted) return this.#fail(call, sink, 403, denialMessage(screen.reasons), 'denied', screen.reasons);
    }
    await this.#forward(call, parsed, body as Record<string, unknown>, sink);
  }

  /**
   * policy: admit? → mask → provenance token, for one route: the call's own model, or a fallback (a new
   * decision). Only when the route is admitted does the call take it, with its decision, forwarded body,
   * logged request and token; otherwise the refusal says why and the call is left as it was.
   */
  async #decideRoute(call: Call, route: ModelRoute, forwarded: Record<string, unknown>, body: unknown, stream: boolean): Promise<Refusal | null> {
    const failClosed = (message: string, decision: Decision | null): Refusal => {
      const reasons = [{ rule: 'termsgate.fail_closed', message }];
      return { status: 403, message: denialMessage(reasons), phase: 'denied', reasons, decision };
    };
    const facts: CallFacts = { principal: call.principal!, purpose: call.purpose, endpoint: call.adapter.endpoint, route, dataClasses: call.dataClasses, stream, now: new Date().toISOString(), distillation: this.#d.distillation?.risk(call.principal!) };
    const policySpan = call.tel.stage('policy');
    const t0 = performance.now();
    let decision: Decision;
    try {
      decision = { id: call.id, ...this.#d.policy().decide(facts) };
      policySpan.end();
    } catch (err) {
      policySpan.end('policy_error');
      this.#d.log.error({ err, decision_id: call.id }, 'policy evaluation failed; denying');
      return failClosed('the policy could not be evaluated, so the call is denied', null);
    } finally {
      this.#telemetry.recordPolicyEval(performance.now() - t0);
    }
    const { request, training, revision } = decision;
    if (!call.decision) {
      // The call's own model: its decision is the call's, allowed or not.
      call.decision = decision;
      call.tel.setDecision({ decision: request.allow ? 'allow' : 'deny', revision, trainable: training.permit, id: call.id });
    }
    if (!request.allow) return { status: 403, message: denialMessage(request.reasons), phase: 'denied', reasons: request.reasons, decision };
    let masked: MaskedFinding[] = [];
    const toMask = (request.obligations.mask ?? []).filter((c) => call.dataClasses.classes.includes(c));
    if (toMask.length > 0) {
      try {
        ({ body: forwarded, masked } = await this.#d.mask(forwarded, toMask, call.forwardedHeaders));
      } catch (err) {
        this.#d.log.warn({ err, decision_id: call.id }, 'masking failed; denying');
        return failClosed(`the request could not be masked, so it is not forwarded: ${(err as Error).message}`, decision);
      }
    }
    Object.assign(call, { route, decision, forwarded, masked });
    call.tel.setRoute(route);
    call.tel.setDecision({ decision: 'allow', revision, trainable: training.permit, id: call.id });
    // A masked call's log keeps what was forwarded, so the log never holds what the provider was kept from.
    // Every record of the call names the request by one digest: its canonical text is computed once, by the first record.
    call.loggedRequest = new CanonicalValue(this.#logged(call, masked.length > 0 ? forwarded : body));
    // A multi-MB body's canonical JSON, hash and JSON for the provider would each hold the event loop for tens of ms (issue 21).
    if (call.tokenEstimate * 4 >= OFF_THREAD_BYTES) call.forwardedJson = { of: forwarded, text: await serialiseOffThread(call.loggedRequest as CanonicalValue, forwarded) };
    call.token = this.#d.provenanceTokens.sign({ decision_id: call.id, licence: training.licence, trainable: training.permit, policy_revision: revision, iat: Math.floor(Date.now() / 1000) });
    return null;
  }

  /**
   * The provider attempts of an admitted call, before any byte reaches the caller: its provider's retries
   * (retry.ts), then each fallback the policy admits, with its own retries, within limits.retryDeadlineMs.
   * Resolves with the first successful answer, or the last failure (a provider's error answer, or thrown).
   */
  async #attempts(call: Call, parsed: ParsedRequest, body: Record<string, unknown>, sink: ClientSink): Promise<UpstreamResponse> {
    const deadline = performance.now() + (this.#d.retryDeadlineMs ?? 60_000);
    const primary = call.route!.name;
    // Looked up only when an attempt has failed: a call that succeeds at once pays nothing for fallbacks.
    let fallbacks: ModelRoute[] | undefined;
    let waited = 0;
    for (;;) {
      const retry = this.#d.upstream.retryConfig(call.route!.providerId);
      let last: UpstreamResponse | UpstreamError;
      for (let n = 0; ; n++) {
        let failure: AttemptFailure;
        try {
          const route = call.route!;
          const path = translationFor(route.providerKind, call.adapter.endpoint)?.path(route.upstreamModel, parsed.stream) ?? call.adapter.path;
          last = await this.#d.upstream.send({ providerId: route.providerId, upstreamModel: route.upstreamModel, path, body: forwardedJson(call), headers: call.forwardedHeaders, signal: sink.signal, caller: call.principal! });
          this.#attempted(call, last.status, last.status >= 200 && last.status < 300 ? null : `provider answered ${last.status}`, waited);
          if (last.status >= 200 && last.status < 300) return last;
          failure = { status: last.status, headers: last.headers };
        } catch (err) {
          last = toUpstreamError(err, sink.signal);
          this.#attempted(call, last.status, last.message, waited);
          failure = { kind: last.kind };
        }
        const wait = sink.signal.aborted ? null : retryWait(failure, n, retry, deadline - performance.now());
        if (wait === null) break;
        await sleep(wait, undefined, { signal: sink.signal }).catch(() => undefined);
        if (sink.signal.aborted) break;
        waited = wait;
      }
      waited = 0;
      const failed = last instanceof UpstreamError ? { kind: last.kind } : { status: last.status };
      fallbacks ??= this.#d.routes.fallbacks(primary);
      if (!(await this.#fallBack(call, parsed, body, fallbacks, failed, deadline, sink))) {
        if (last instanceof UpstreamError) throw last;
        return last;
      }
    }
  }

  /** Takes the next fallback the policy admits, recording the ones it denies; false when none is left to try. */
  async #fallBack(call: Call, parsed: ParsedRequest, body: Record<string, unknown>, fallbacks: ModelRoute[], failure: AttemptFailure, deadline: number, sink: ClientSink): Promise<boolean> {
    if (!('kind' in failure ? failure.kind !== 'aborted' && failure.kind !== 'invalid' : failure.status === 408 || failure.status === 429 || failure.status >= 500)) return false;
    for (let next = fallbacks.shift(); next; next = fallbacks.shift()) {
      if (sink.signal.aborted || performance.now() >= deadline) return false;
      if (!call.adapter.accepts(next.providerKind)) {
        call.attempts.push(deniedAttempt(next, null, 'termsgate.fallback_endpoint', `a ${next.providerKind} provider has no ${call.adapter.path} endpoint`));
        continue;
      }
      const forwarded = upstreamBodyFor(call.adapter, next, body);
      if (typeof forwarded === 'string') {
        call.attempts.push(deniedAttempt(next, null, 'termsgate.fallback_endpoint', forwarded));
        continue;
      }
      const refusal = await this.#decideRoute(call, next, forwarded, body, parsed.stream);
      if (!refusal) return true;
      call.attempts.push(deniedAttempt(next, refusal.decision, (refusal.reasons ?? []).map((r) => r.rule).join(' '), refusal.message));
    }
    return false;
  }

  #attempted(call: Call, status: number, error: string | null, waited: number): void {
    const { route, decision } = call;
    call.attempts.push({
      model: route!.name,
      provider: route!.providerId,
      licence: route!.licence,
      decision: 'allow',
      policy_revision: decision!.revision,
      trainable: decision!.training.permit,
      rules: [],
      status,
      error,
      waited_ms: Math.round(waited),
    });
  }

  /** record started → upstream → response transform → record → answer, for an admitted call. */
  async #forward(call: Call, parsed: ParsedRequest, body: Record<string, unknown>, sink: ClientSink): Promise<void> {
    const { adapter } = call;
    // The started record reaches the OS before the provider sees the call: after a crash, every
    // call that reached a provider has its record.
    const auditSpan = call.tel.stage('audit');
    await this.#record(call, { phase: 'started', status: 0 }).catch((err: unknown) => {
      auditSpan.end('audit_error');
      throw err;
    });
    auditSpan.end();

    const upstreamSpan = call.tel.stage('upstream');
    let res: UpstreamResponse;
    try {
      res = await this.#attempts(call, parsed, body, sink);
    } catch (err) {
      const e = toUpstreamError(err, sink.signal);
      upstreamSpan.end(errorTypeOf(e.kind));
      return this.#fail(call, sink, e.status, e.message, 'failed', undefined, errorTypeOf(e.kind));
    }

    // The decision of the model that answered: a fallback is a new one.
    const decision = call.decision!;
    const translation = translationFor(call.route!.providerKind, adapter.endpoint);
    const headers = {
      ...forwardedResponseHeaders(res.headers),
      ...(call.budgetWarning ? { 'x-termsgate-budget': call.budgetWarning } : {}),
      'x-termsgate-decision-id': call.id,
      'x-termsgate-policy-revision': decision.revision,
      'x-termsgate-provenance': call.token!.token,
      ...warningHeader(decision.request.obligations.warnings),
    };
    if (res.status < 200 || res.status >= 300) {
      // Provider errors keep their status and body shape (scrubbed by the upstream client), except a
      // refusal of the gateway's credentials, which is the gateway's failure and not the caller's key.
      let text = await res.body.text().catch(() => '');
      let providerStatus = res.status;
      // A translated provider's error answer is given in the caller's dialect.
      if (translation) ({ status: providerStatus, text } = translation.error(res.status, text));
      upstreamSpan.end('upstream_status');
      const own = providerStatus === 401 || providerStatus === 403;
      const status = own ? 502 : providerStatus;
      const error = own ? upstreamAuthFailedMessage(call.route!.providerId, providerStatus) : `provider answered ${res.status}`;
      await this.#record(call, { phase: 'failed', status, error, latencyMs: this.#elapsed(call) });
      sink.head(status, { ...headers, 'content-type': own || translation ? 'application/json' : String(res.headers['content-type'] ?? 'application/json') });
      sink.end(own ? JSON.stringify(errorAnswer('upstream_auth_failed', adapter.dialect, error, { decisionId: call.id }).body) : text);
      call.tel.end({ status, error: 'upstream_status' });
      return;
    }

    const watermark = decision.request.obligations.watermark && !parsed.structured;
    const marker = watermark ? this.#d.provenance.marker({ decisionId: call.id, licenceClass: decision.training.licence_class, trainable: decision.training.permit }) : null;
    const out = emptyOutput();
    let responseContent: unknown;
    /** Sends what completes the answer: the whole JSON body, or a stream's last event. */
    let deliver: () => void;
    try {
      if (String(res.headers['content-type'] ?? '').includes('text/event-stream')) {
        sink.head(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
        call.streaming = true;
        // Every event but the newest goes out as it comes; that one follows the completed record.
        const inner = adapter.streamTransformer(marker, out, body);
        const translate = translation?.streamEvents(call.route!.upstreamModel);
        const relay = new SseRelay(translate ? { event: (ev) => translate(ev).flatMap((e) => inner.event(e)) } : inner);
        let first = '';
        for await (const chunk of res.body) {
          while (this.#slices.spent()) await this.#slices.next();
          if (first.length < 64 && relay.events === 0) first += Buffer.from(chunk as Uint8Array).toString('utf8', 0, 64);
          const text = relay.push(chunk as Uint8Array);
          if (text) {
            await sink.write(text);
            // Time to first token: the first write after the provider's output (text, reasoning or a tool call) began.
            if (out.text.length > 0 || out.reasoning.length > 0 || out.toolArguments.length > 0) call.tel.firstToken();
          }
        }
        if (relay.events === 0) throw new ProviderAnswerError(`the provider's answer is labelled an event stream but carries no events${/^\s*[[{]/.test(first) ? ' (its body is JSON)' : ''}`);
        const last = relay.last();
        deliver = () => sink.end(last || undefined);
        responseContent = out.text;
      } else {
        const raw = await res.body.text();
        if (nestingExceeds(raw, MAX_ANSWER_DEPTH)) throw new ProviderAnswerError(`the provider's answer is nested deeper than ${MAX_ANSWER_DEPTH} levels`);
        let json: unknown;
        try {
          json = JSON.parse(raw);
        } catch {
          throw new ProviderAnswerError(/^\s*(data|event):/.test(raw) ? "the provider's answer is an event stream labelled as JSON" : "the provider's answer is not JSON");
        }
        if (!isObject(json)) throw new ProviderAnswerError("the provider's answer is not a JSON object");
        const answered = translation ? translation.response(json, call.route!.upstreamModel) : json;
        adapter.transformJson(answered, marker, out);
        // Serialised now, before anything is recorded or offered for training: an answer that cannot be sent is a failure, never an empty 200.
        // Unmarked answers (structured output, embeddings, watermark off) go out byte for byte as the provider sent them.
        const answer = marker || translation ? JSON.stringify(answered) : raw;
        out.complete = true;
        deliver = () => {
          sink.head(res.status, { ...headers, 'content-type': 'application/json' });
          sink.end(answer);
        };
        responseContent = adapter.endpoint === 'embeddings' ? { usage: out.usage } : out.text;
      }
      upstreamSpan.end();
    } catch (err) {
      // A failure of the provider's connection keeps its kind; anything else is an answer that could not be passed on.
      const e = err instanceof ProviderAnswerError || !(sink.signal.aborted || isConnectionError(err)) ? null : toUpstreamError(err, sink.signal);
      const status = e ? e.status : 502;
      const message = e ? e.message : err instanceof ProviderAnswerError ? err.message : `the provider's answer could not be processed (${reason(err)})`;
      const type: CallErrorType = e ? errorTypeOf(e.kind) : 'upstream_protocol';
      if (!e) this.#d.log.warn({ err, decision_id: call.id }, 'provider answer refused');
      upstreamSpan.end(type);
      if (!sink.headersSent) return this.#fail(call, sink, status, message, 'failed', undefined, type);
      await this.#failStream(call, sink, status, message, message, type, out.usage, e?.kind === 'aborted');
      return;
    }
    if (out.usage) {
      call.tel.setUsage(out.usage);
      this.#settleTokens(call, out.usage.input_tokens + out.usage.output_tokens);
    }
    // Record before answer: the completed record is in the OS before the client has the whole answer.
    try {
      await this.#complete(call, parsed, out, responseContent, marker);
      this.#observe(call, parsed, body, out.usage?.output_tokens ?? 0, false);
    } catch (err) {
      // Between the provider's last byte and the final record: the answer is not delivered (a stream's
      // last event stays back) and the call's last record says why.
      this.#d.log.error({ err, decision_id: call.id }, 'completing the answer failed');
      if (!sink.headersSent) return this.#fail(call, sink, 500, `${NOT_COMPLETED} (${reason(err)})`, 'failed', undefined, 'internal');
      await this.#failStream(call, sink, 500, NOT_COMPLETED, `${NOT_COMPLETED} (${reason(err)})`, 'internal', out.usage);
      return;
    }
    deliver();
    call.tel.end({ status: res.status });
  }

  /**
   * Ends a stream whose head has been sent with the dialect's error event, after the call's final
   * `failed` record (if that cannot be written, the stream still ends with the error event).
   */
  async #failStream(call: Call, sink: ClientSink, status: number, clientMessage: string, recordMessage: string, error: CallErrorType, usage: CollectedOutput['usage'], aborted = false): Promise<void> {
    const costUsd = this.#cost(call, usage);
    const recorded = await this.#record(call, { phase: 'failed', status, error: recordMessage, usage, costUsd, latencyMs: this.#elapsed(call) }).then(
      () => true,
      () => false,
    );
    if (recorded) this.#countSpend(call, costUsd, usage);
    if (!aborted && call.streaming) await sink.write(call.adapter.streamError(status, clientMessage)).catch(() => undefined);
    sink.end();
    call.tel.end({ status, error });
  }

  /** trainable? → feed → record; resolves once the completed record is written, before the answer is delivered. */
  async #complete(call: Call, parsed: ParsedRequest, out: CollectedOutput, responseContent: unknown, marker: OutputMarker | null): Promise<void> {
    const { request, training, revision } = call.decision!;
    const route = call.route!;
    const time = new Date().toISOString();
    let permitId: string | null = null;
    // Only complete answers train. Everything the record would carry is scanned before a permit is
    // signed; a refusal is recorded with its reasons.
    const screen = training.permit && out.complete && out.text.length > 0 ? await this.#d.admission.screen(parsed.prompt, out.text, call.principal!) : null;
    const served = servedText(out);
    // An answer to a prompt carrying restricted output (a trainable teacher asked to rewrite it) is
    // derived from that output: remembered as not trainable, so the rewrite cannot ride into training later.
    const trainable = training.permit && (screen === null || screen.admitted);
    if (served.length > 0) this.#d.provenance.remember({ decisionId: call.id, text: served, licence: route.licence, licenceClass: training.licence_class, trainable, time });
    // Offered last, so that nothing which can still fail before the record follows a permit.
    if (screen?.admitted) {
      const { licence, licence_class, attribution, naming, duties, inherited_restrictions } = training;
      permitId = this.#d.feed.offer({ decision_id: call.id, model: route.name, licence, licence_class, attribution, naming, duties, inherited_restrictions, policy_revision: revision, messages: parsed.prompt, completion: out.text, top_logprobs: out.topLogprobs, time });
    }
    const costUsd = this.#cost(call, out.usage);
    await this.#record(
      call,
      {
        phase: out.complete ? 'completed' : 'incomplete',
        status: 200,
        error: out.complete ? null : INCOMPLETE,
        usage: out.usage,
        costUsd,
        latencyMs: this.#elapsed(call),
        watermarkId: marker?.watermarkId ?? null,
        permitId,
        reasons: screen && !screen.admitted ? screen.reasons : undefined,
      },
      // The call's last record keeps its content as the obligation says; the earlier ones name the request by the same digest.
      { request: call.loggedRequest, response: this.#logged(call, responseContent), digestOnly: request.obligations.content_logging === 'digest' },
    );
    // Counted once recorded, so the spend counted is the sum of the recorded costs.
    this.#countSpend(call, costUsd, out.usage);
  }

  /** The call's cost at its model's prices, or null (no usage, no price, no catalogue). */
  #cost(call: Call, usage: CollectedOutput['usage']): number | null {
    return usage && call.route && this.#d.spend ? this.#d.spend.prices.cost(call.route.name, usage) : null;
  }

  /** Off the answer's path: a failure to count is logged, never the caller's. */
  #countSpend(call: Call, usd: number | null, usage: CollectedOutput['usage']): void {
    if (usd === null || !usage || !this.#d.spend) return;
    call.tel.recordSpend(call.principal!.team, usd, usage);
    this.#d.spend.budgets.record(call.principal!, usd).catch((err: unknown) => this.#d.log.warn({ err, decision_id: call.id }, 'counting spend failed'));
  }

  /** 429 in the endpoint's dialect with retry-after; recorded like any refusal. */
  #refuseRate(call: Call, sink: ClientSink, refusal: RateRefusal): Promise<void> {
    return this.#fail(call, sink, 429, refusal.message, 'failed', undefined, 'rate_limited', { 'retry-after': String(refusal.retryAfterS) });
  }

  /** Off the answer's path: a failure to correct a counter is logged, never the caller's. */
  #settleTokens(call: Call, actual: number): void {
    this.#d.limits?.settleTokens(call.principal!, call.tokenEstimate, actual).catch((err: unknown) => this.#d.log.warn({ err, decision_id: call.id }, 'rate limit correction failed'));
  }

  /** Hands the monitor its event: a push onto its queue, nothing computed here. */
  #observe(call: Call, parsed: ParsedRequest, body: Record<string, unknown>, outputTokens: number, refusedForTraining: boolean): void {
    if (!this.#d.distillation) return;
    this.#d.distillation.observe(distillationEvent({ decision: call.decision!, principal: call.principal!, purpose: call.purpose, route: call.route!, prompt: parsed.prompt, body, outputTokens, refusedForTraining }));
  }

  /** Fails closed: what could not be classified, decided or masked is not forwarded, and the denial is recorded. */
  #failClosed(call: Call, sink: ClientSink, message: string): Promise<void> {
    const reasons = [{ rule: 'termsgate.fail_closed', message }];
    return this.#fail(call, sink, 403, denialMessage(reasons), 'denied', reasons);
  }

  async #fail(
    call: Call,
    sink: ClientSink,
    status: number,
    message: string,
    phase: 'denied' | 'failed',
    reasons?: PolicyReason[],
    error: CallErrorType | undefined = errorTypeFor(status, phase),
    headers: Record<string, string> = {},
  ): Promise<void> {
    call.tel.end({ status, error });
    // Record before answer: a client never holds a decision id that the log lacks. If the record
    // cannot be written, the call is refused without one.
    const recorded = await this.#record(call, { phase, status, error: message, reasons, denied: phase === 'denied', latencyMs: this.#elapsed(call) }).then(
      () => true,
      () => false,
    );
    if (sink.headersSent) return;
    if (recorded) {
      const answer = errorAnswerFor(status, phase, call.adapter.dialect, message, { decisionId: call.id, reasons });
      sink.head(answer.status, { ...headers, 'content-type': 'application/json', 'x-termsgate-decision-id': call.id });
      sink.end(JSON.stringify(answer.body));
    } else {
      const answer = errorAnswer('audit_unavailable', call.adapter.dialect, AUDIT_UNAVAILABLE);
      sink.head(answer.status, { 'content-type': 'application/json' });
      sink.end(JSON.stringify(answer.body));
    }
  }

  /** Appends one of the call's records; every one names the request by the digest of what the log keeps of it. */
  async #record(call: Call, parts: Partial<RecordParts> & Pick<RecordParts, 'phase' | 'status'>, content?: CallContent): Promise<void> {
    const record = callRecord({ ...recordParts(call), ...parts });
    const named = content ?? (call.loggedRequest === undefined ? undefined : { request: call.loggedRequest, digestOnly: true });
    try {
      const t0 = performance.now();
      const { durable } = await this.#d.audit.append(record, named);
      if (record.phase !== 'started') call.final = true;
      durable.then(
        () => this.#telemetry.recordAuditCommit(performance.now() - t0),
        () => undefined,
      );
    } catch (err) {
      this.#d.log.error({ err, decision_id: call.id }, 'audit append failed');
      throw err;
    }
  }

  #logged(call: Call, value: unknown): unknown {
    const { content_logging, redactions } = call.decision!.request.obligations;
    return loggedValue(content_logging, value, this.#d.redact, redactions);
  }

  #elapsed(call: Call): number {
    return Math.round((performance.now() - call.started) * 1000) / 1000;
  }
}

/** The forwarded body as sent: serialised off the event loop when it was large, else here. */
function forwardedJson(call: Call): string {
  const made = call.forwardedJson;
  return made?.of === call.forwarded && made.text !== null ? made.text : JSON.stringify(call.forwarded);
}

/** A fallback the policy (or the endpoint) did not admit: recorded, never sent. */
function deniedAttempt(route: ModelRoute, decision: Decision | null, rules: string, error: string): CallAttempt {
  return {
    model: route.name,
    provider: route.providerId,
    licence: route.licence,
    decision: 'deny',
    policy_revision: decision?.revision ?? null,
    trainable: decision?.training.permit ?? false,
    rules: rules.split(' ').filter(Boolean),
    status: 0,
    error,
    waited_ms: 0,
  };
}

/** The body the provider receives for this route: the adapter's rewrite, translated when the provider speaks another dialect; a string is why it cannot be sent. */
function upstreamBodyFor(adapter: EndpointAdapter, route: ModelRoute, body: Record<string, unknown>): Record<string, unknown> | string {
  const rewritten = adapter.upstreamBody(body, route.upstreamModel);
  return translationFor(route.providerKind, adapter.endpoint)?.request(rewritten) ?? rewritten;
}
