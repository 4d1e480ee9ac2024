// The provider attempts of an admitted call, before any byte reaches the caller: its provider's retries
// (upstream/retry.ts), then each fallback the policy admits, with its own retries, within limits.retryDeadlineMs.
import { setTimeout as sleep } from 'node:timers/promises';
import { toUpstreamError, UpstreamError, type UpstreamResponse } from '../upstream/client.js';
import { retryWait, type AttemptFailure } from '../upstream/retry.js';
import { translationFor } from '../dialects/translation.js';
import type { EndpointAdapter, ParsedRequest } from '../dialects/types.js';
import type { CallAttempt, Decision, ModelRoute } from '../core/contracts.js';
import type { Call } from './call.js';
import type { ClientSink } from './client-sink.js';
import type { RequestPathDeps } from './deps.js';
import type { Refusal } from './route-decision.js';

/** The policy's decision on a fallback route (route-decision.ts): null when the call has taken it. */
export type DecideFallback = (route: ModelRoute, forwarded: Record<string, unknown>) => Promise<Refusal | null>;

/** The body the provider receives for this route: the adapter's rewrite, translated when the provider speaks another dialect; a string is why it cannot be sent. */
export function upstreamBodyFor(adapter: EndpointAdapter, route: ModelRoute, body: Record<string, unknown>): Record<string, unknown> | string {
  const rewritten = adapter.upstreamBody(body, route.upstreamModel);
  return translationFor(route.providerKind, adapter.endpoint)?.request(rewritten) ?? rewritten;
}

/** The forwarded body as sent: serialised off the event loop when it was large (route-decision.ts), else here. */
function forwardedJson(call: Call): string {
  const made = call.forwardedJson;
  return made?.of === call.forwarded && made.text !== null ? made.text : JSON.stringify(call.forwarded);
}

/** Resolves with the first successful answer, or the last failure (a provider's error answer, or thrown). */
export async function providerAttempts(d: RequestPathDeps, call: Call, parsed: ParsedRequest, body: Record<string, unknown>, sink: ClientSink, decide: DecideFallback): Promise<UpstreamResponse> {
  const deadline = performance.now() + (d.retryDeadlineMs ?? 60_000);
  const primary = call.route!.name;
  // Looked up only when an attempt has failed: a call that succeeds at once pays nothing for fallbacks.
  let fallbacks: ModelRoute[] | undefined;
  let waited = 0;
  for (;;) {
    const retry = d.upstream.retryConfig(call.route!.providerId);
    let last: UpstreamResponse | UpstreamError;
    for (let n = 0; ; n++) {
      let failure: AttemptFailure;
      try {
        const route = call.route!;
        const path = translationFor(route.providerKind, call.adapter.endpoint)?.path(route.upstreamModel, parsed.stream) ?? call.adapter.path;
        last = await d.upstream.send({ providerId: route.providerId, upstreamModel: route.upstreamModel, path, body: forwardedJson(call), headers: call.forwardedHeaders, signal: sink.signal, caller: call.principal! });
        attempted(call, last.status, last.status >= 200 && last.status < 300 ? null : `provider answered ${last.status}`, waited);
        if (last.status >= 200 && last.status < 300) return last;
        failure = { status: last.status, headers: last.headers };
      } catch (err) {
        last = toUpstreamError(err, sink.signal);
        attempted(call, last.status, last.message, waited);
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
    fallbacks ??= d.routes.fallbacks(primary);
    if (!(await fallBack(call, body, fallbacks, failed, deadline, sink, decide))) {
      if (last instanceof UpstreamError) throw last;
      return last;
    }
  }
}

/** Takes the next fallback the policy admits, recording the ones it denies; false when none is left to try. */
async function fallBack(call: Call, body: Record<string, unknown>, fallbacks: ModelRoute[], failure: AttemptFailure, deadline: number, sink: ClientSink, decide: DecideFallback): Promise<boolean> {
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
    const refusal = await decide(next, forwarded);
    if (!refusal) return true;
    call.attempts.push(deniedAttempt(next, refusal.decision, (refusal.reasons ?? []).map((r) => r.rule).join(' '), refusal.message));
  }
  return false;
}

function attempted(call: Call, status: number, error: string | null, waited: number): void {
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
