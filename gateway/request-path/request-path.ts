// The request path, one call at a time:
//   authenticate → classify → policy: admit? → upstream → response transform → record → trainable? → feed
// Each stage is a dependency with a narrow interface; this module only sequences them and turns
// their outcomes into responses and audit records.
import { AUDIT_UNAVAILABLE, denialMessage, errorAnswer, errorAnswerFor, errorTypeFor, errorTypeOf } from '../core/errors.js';
import { toUpstreamError, type UpstreamResponse } from '../upstream/client.js';
import { LOOP_SLICE_MS, LoopSlices } from '../core/loop-slices.js';
import { emptyOutput, servedText, type CollectedOutput, type EndpointAdapter, type ParsedRequest } from '../dialects/types.js';
import type { CallContent, ModelRoute, OutputMarker, PolicyReason } from '../core/contracts.js';
import type { RateRefusal } from '../limits/rate-limits.js';
import type { BudgetRefusal } from '../limits/budgets.js';
import { newCall, recordParts, type AdmittedCall, type Call, type IncomingHeaders } from './call.js';
import { callRecord, type RecordParts } from './call-record.js';
import type { ClientSink } from './client-sink.js';
import type { RequestPathDeps } from './deps.js';
import { decideRoute, failClosed, loggedFor, type Refusal } from './route-decision.js';
import { providerAttempts, upstreamBodyFor } from './provider-attempts.js';
import { answerFailure, providerErrorAnswer, readAnswer, reason, type ReadAnswer } from './provider-answer.js';
import { CallAccounting } from './call-accounting.js';
import { answerHeaders, declaredPurpose, forwardedRequestHeaders } from './headers.js';
import type { CallErrorType, Telemetry } from '../../telemetry/types.js';
import { NOOP_TELEMETRY } from '../../telemetry/noop.js';

/** Calls made to produce training data are refused up front when their prompt carries restricted text. */
const TRAINING_PURPOSE = 'training-data';
const INCOMPLETE = 'the provider stream ended before its end event (finish reason, message_stop, response.completed); not offered to the training feed';
const NOT_COMPLETED = 'termsgate failed to complete this answer';
/** The terms' refusal of a training purpose: its prompts are remembered to spot them under another purpose. */
const TRAINING_FORBIDDEN = 'terms.training_forbidden';

/** Input tokens estimated before a call: about four bytes of request body per token (the body's declared length, else its JSON). */
export function estimateInputTokens(headers: IncomingHeaders, body: unknown): number {
  const declared = Number(headers['content-length']);
  const bytes = Number.isFinite(declared) && declared > 0 ? declared : JSON.stringify(body).length;
  return Math.ceil(bytes / 4);
}

export class RequestPath {
  readonly #d: RequestPathDeps;
  readonly #telemetry: Telemetry;
  readonly #slices = new LoopSlices(LOOP_SLICE_MS);
  readonly #accounting: CallAccounting;

  constructor(deps: RequestPathDeps) {
    this.#d = deps;
    this.#telemetry = deps.telemetry ?? NOOP_TELEMETRY;
    this.#accounting = new CallAccounting(deps);
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
    if (budget?.refusal) return this.#refuseBudget(call, sink, budget.refusal).then(() => null);
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
    } finally {
      // Counted by now if it cost anything (its record is written): what it held goes back.
      call.releaseSpend?.();
    }
  }

  /** A budget spent (or held by calls in flight): 402, or 429 where configured, with retry-after to the next period. */
  #refuseBudget(call: Call, sink: ClientSink, refusal: BudgetRefusal): Promise<void> {
    const { status, message, retryAfterS } = refusal;
    return this.#fail(call, sink, status, message, 'failed', undefined, status === 402 ? 'budget_exceeded' : 'rate_limited', { 'retry-after': String(retryAfterS) });
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
    const overBudget = this.#accounting.holdSpend(call, body as Record<string, unknown>);
    if (overBudget) return this.#refuseBudget(call, sink, overBudget);
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
      return this.#refuse(call, sink, failClosed(`the request could not be classified, so it is not forwarded: ${(err as Error).message}`, null));
    }
    const refusal = await this.#decideRoute(call, call.route, call.forwarded, body, parsed.stream);
    if (refusal) {
      await this.#refuse(call, sink, refusal);
      if (refusal.reasons?.some((r) => r.rule === TRAINING_FORBIDDEN)) this.#accounting.observe(call, parsed, body as Record<string, unknown>, 0, true);
      return;
    }
    if (call.purpose === TRAINING_PURPOSE) {
      const screen = await this.#d.admission.screen(parsed.prompt, '', call.principal!);
      if (!screen.admitted) return this.#fail(call, sink, 403, denialMessage(screen.reasons), 'denied', screen.reasons);
    }
    await this.#forward(call, parsed, body as Record<string, unknown>, sink);
  }

  /** policy: admit? → mask → provenance token, for one route (route-decision.ts). */
  #decideRoute(call: Call, route: ModelRoute, forwarded: Record<string, unknown>, body: unknown, stream: boolean): Promise<Refusal | null> {
    return decideRoute(this.#d, this.#telemetry, call, route, forwarded, body, stream);
  }

  /** record started → upstream → response transform → record → answer, for an admitted call. */
  async #forward(call: Call, parsed: ParsedRequest, body: Record<string, unknown>, sink: ClientSink): Promise<void> {
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
      res = await providerAttempts(this.#d, call, parsed, body, sink, (route, forwarded) => this.#decideRoute(call, route, forwarded, body, parsed.stream));
    } catch (err) {
      const e = toUpstreamError(err, sink.signal);
      upstreamSpan.end(errorTypeOf(e.kind));
      return this.#fail(call, sink, e.status, e.message, 'failed', undefined, errorTypeOf(e.kind));
    }

    // The decision of the model that answered: a fallback is a new one.
    const decision = call.decision!;
    const headers = answerHeaders(call, res.headers);
    if (res.status < 200 || res.status >= 300) {
      const failed = await providerErrorAnswer(call, res);
      upstreamSpan.end('upstream_status');
      await this.#record(call, { phase: 'failed', status: failed.status, error: failed.error, latencyMs: this.#elapsed(call) });
      sink.head(failed.status, { ...headers, 'content-type': failed.contentType });
      sink.end(failed.text);
      call.tel.end({ status: failed.status, error: 'upstream_status' });
      return;
    }

    const watermark = decision.request.obligations.watermark && !parsed.structured;
    const marker = watermark ? this.#d.provenance.marker({ decisionId: call.id, licenceClass: decision.training.licence_class, trainable: decision.training.permit }) : null;
    const out = emptyOutput();
    let answer: ReadAnswer;
    try {
      answer = await readAnswer(call, parsed, body, res, headers, marker, out, sink, this.#slices);
      upstreamSpan.end();
    } catch (err) {
      const f = answerFailure(err, sink.signal);
      if (f.unexpected) this.#d.log.warn({ err, decision_id: call.id }, 'provider answer refused');
      upstreamSpan.end(f.type);
      if (!sink.headersSent) return this.#fail(call, sink, f.status, f.message, 'failed', undefined, f.type);
      await this.#failStream(call, sink, f.status, f.message, f.message, f.type, out.usage, f.aborted);
      return;
    }
    if (out.usage) {
      call.tel.setUsage(out.usage);
      this.#accounting.settleTokens(call, out.usage.input_tokens + out.usage.output_tokens);
    }
    // Record before answer: the completed record is in the OS before the client has the whole answer.
    try {
      await this.#complete(call, parsed, out, answer.responseContent, marker);
      this.#accounting.observe(call, parsed, body, out.usage?.output_tokens ?? 0, false);
    } catch (err) {
      // Between the provider's last byte and the final record: the answer is not delivered (a stream's
      // last event stays back) and the call's last record says why.
      this.#d.log.error({ err, decision_id: call.id }, 'completing the answer failed');
      if (!sink.headersSent) return this.#fail(call, sink, 500, `${NOT_COMPLETED} (${reason(err)})`, 'failed', undefined, 'internal');
      await this.#failStream(call, sink, 500, NOT_COMPLETED, `${NOT_COMPLETED} (${reason(err)})`, 'internal', out.usage);
      return;
    }
    answer.deliver();
    call.tel.end({ status: res.status });
  }

  /**
   * Ends a stream whose head has been sent with the dialect's error event, after the call's final
   * `failed` record (if that cannot be written, the stream still ends with the error event).
   */
  async #failStream(call: Call, sink: ClientSink, status: number, clientMessage: string, recordMessage: string, error: CallErrorType, usage: CollectedOutput['usage'], aborted = false): Promise<void> {
    const costUsd = this.#accounting.cost(call, usage);
    const recorded = await this.#record(call, { phase: 'failed', status, error: recordMessage, usage, costUsd, latencyMs: this.#elapsed(call) }).then(
      () => true,
      () => false,
    );
    if (recorded) this.#accounting.countSpend(call, costUsd, usage);
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
    const costUsd = this.#accounting.cost(call, out.usage);
    await this.#record(
      call,
      {
        phase: out.complete ? 'completed' : 'incomplete',
        // An incomplete stream ends with the dialect's 502 error event (provider-answer.ts): the status the client is told.
        status: out.complete ? 200 : 502,
        error: out.complete ? null : INCOMPLETE,
        usage: out.usage,
        costUsd,
        latencyMs: this.#elapsed(call),
        watermarkId: marker?.watermarkId ?? null,
        permitId,
        reasons: screen && !screen.admitted ? screen.reasons : undefined,
      },
      // The call's last record keeps its content as the obligation says; the earlier ones name the request by the same digest.
      { request: call.loggedRequest, response: loggedFor(call, responseContent, this.#d.redact), digestOnly: request.obligations.content_logging === 'digest' },
    );
    // Counted once recorded, so the spend counted is the sum of the recorded costs.
    this.#accounting.countSpend(call, costUsd, out.usage);
  }

  /** 429 in the endpoint's dialect with retry-after; recorded like any refusal. */
  #refuseRate(call: Call, sink: ClientSink, refusal: RateRefusal): Promise<void> {
    return this.#fail(call, sink, 429, refusal.message, 'failed', undefined, 'rate_limited', { 'retry-after': String(refusal.retryAfterS) });
  }

  /** A refusal answered as is: the call's own model was not admitted, or could not be classified, decided or masked. */
  #refuse(call: Call, sink: ClientSink, refusal: Refusal): Promise<void> {
    return this.#fail(call, sink, refusal.status, refusal.message, refusal.phase, refusal.reasons);
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

  #elapsed(call: Call): number {
    return Math.round((performance.now() - call.started) * 1000) / 1000;
  }
}
