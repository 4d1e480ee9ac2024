// policy: admit? → mask → provenance token, for one route of a call: its own model, or a fallback.
import { denialMessage } from '../core/errors.js';
import { CanonicalValue } from '../core/canonical-json.js';
import { OFF_THREAD_BYTES, serialiseOffThread } from '../core/canonical-thread.js';
import type { CallFacts, Decision, MaskedFinding, ModelRoute, PolicyReason } from '../core/contracts.js';
import type { Telemetry } from '../../telemetry/types.js';
import type { Call } from './call.js';
import { loggedValue } from './call-record.js';
import type { RequestPathDeps } from './deps.js';

/** Why a route was not taken: answered as is for the call's own model, recorded as a denied attempt for a fallback. */
export interface Refusal {
  status: number;
  message: string;
  phase: 'denied' | 'failed';
  reasons?: PolicyReason[];
  decision: Decision | null;
}

/** What the audit log keeps of a request or response under the call's logging obligation. */
export function loggedFor(call: Call, value: unknown, redact: RequestPathDeps['redact']): unknown {
  const { content_logging, redactions } = call.decision!.request.obligations;
  return loggedValue(content_logging, value, redact, redactions);
}

/** The fail-closed refusal: what could not be classified, decided or masked is not forwarded. */
export function failClosed(message: string, decision: Decision | null): Refusal {
  const reasons = [{ rule: 'termsgate.fail_closed', message }];
  return { status: 403, message: denialMessage(reasons), phase: 'denied', reasons, decision };
}

/**
 * Only when the route is admitted does the call take it, with its decision, forwarded body, logged
 * request and token; otherwise the refusal says why and the call is left as it was.
 */
export async function decideRoute(
  d: RequestPathDeps,
  telemetry: Telemetry,
  call: Call,
  route: ModelRoute,
  forwarded: Record<string, unknown>,
  body: unknown,
  stream: boolean,
): Promise<Refusal | null> {
  const facts: CallFacts = { principal: call.principal!, purpose: call.purpose, endpoint: call.adapter.endpoint, route, dataClasses: call.dataClasses, stream, now: new Date().toISOString(), distillation: d.distillation?.risk(call.principal!) };
  const policySpan = call.tel.stage('policy');
  const t0 = performance.now();
  let decision: Decision;
  try {
    decision = { id: call.id, ...d.policy().decide(facts) };
    policySpan.end();
  } catch (err) {
    policySpan.end('policy_error');
    d.log.error({ err, decision_id: call.id }, 'policy evaluation failed; denying');
    return failClosed('the policy could not be evaluated, so the call is denied', null);
  } finally {
    telemetry.recordPolicyEval(performance.now() - t0);
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
      ({ body: forwarded, masked } = await d.mask(forwarded, toMask, call.forwardedHeaders));
    } catch (err) {
      d.log.warn({ err, decision_id: call.id }, 'masking failed; denying');
      return failClosed(`the request could not be masked, so it is not forwarded: ${(err as Error).message}`, decision);
    }
  }
  Object.assign(call, { route, decision, forwarded, masked });
  call.tel.setRoute(route);
  call.tel.setDecision({ decision: 'allow', revision, trainable: training.permit, id: call.id });
  // A masked call's log keeps what was forwarded, so the log never holds what the provider was kept from.
  // Every record of the call names the request by one digest: its canonical text is computed once, by the first record.
  call.loggedRequest = new CanonicalValue(loggedFor(call, masked.length > 0 ? forwarded : body, d.redact));
  // A multi-MB body's canonical JSON, hash and JSON for the provider would each hold the event loop for tens of ms (issue 21).
  if (call.tokenEstimate * 4 >= OFF_THREAD_BYTES) call.forwardedJson = { of: forwarded, text: await serialiseOffThread(call.loggedRequest as CanonicalValue, forwarded) };
  call.token = d.provenanceTokens.sign({ decision_id: call.id, licence: training.licence, trainable: training.permit, policy_revision: revision, iat: Math.floor(Date.now() / 1000) });
  return null;
}
