// Which headers cross the gateway. Allow-lists both ways: the caller's credentials never reach the
// provider, and the provider's never reach the caller.
import type { Call } from './call.js';

const requestAllowed = new Set(['accept', 'anthropic-version', 'anthropic-beta', 'openai-beta', 'idempotency-key', 'user-agent']);

export function forwardedRequestHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of requestAllowed) {
    const v = headers[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}

const responseAllowed = new Set(['x-request-id', 'request-id', 'openai-processing-ms', 'openai-version', 'retry-after', 'retry-after-ms']);
const responsePrefixes = ['x-ratelimit-', 'anthropic-ratelimit-'];

function forwardedResponseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(headers)) {
    if (typeof v !== 'string') continue;
    if (responseAllowed.has(name) || responsePrefixes.some((p) => name.startsWith(p))) out[name] = v;
  }
  return out;
}

const PURPOSE_MAX = 64;

/** The x-termsgate-purpose header: absent (''), or one word of the configured vocabulary, never echoed back when it is not. */
export function declaredPurpose(headers: Record<string, string | string[] | undefined>, vocabulary: ReadonlySet<string>): string | { error: string } {
  const value = headers['x-termsgate-purpose'];
  if (value === undefined || value === '') return '';
  if (typeof value !== 'string') return { error: 'x-termsgate-purpose must be sent once' };
  if (value.length > PURPOSE_MAX) return { error: `x-termsgate-purpose is longer than ${PURPOSE_MAX} characters` };
  if (!vocabulary.has(value)) return { error: `x-termsgate-purpose must be one of: ${[...vocabulary].sort().join(', ')}` };
  return value;
}

const WARNING_MAX = 1000;

/** The policy's warnings for an admitted call, as one header of printable ASCII (a header cannot carry more). */
function warningHeader(warnings: string[] | undefined): Record<string, string> {
  if (!warnings?.length) return {};
  return { 'x-termsgate-warning': warnings.join('; ').replace(/[^\x20-\x7e]/g, '?').slice(0, WARNING_MAX) };
}

/** The head of an answered call: the provider's allowed headers and termsgate's own (decision, revision, provenance token, warnings, budget). */
export function answerHeaders(call: Call, providerHeaders: Record<string, string | string[] | undefined>): Record<string, string> {
  const decision = call.decision!;
  return {
    ...forwardedResponseHeaders(providerHeaders),
    ...(call.budgetWarning ? { 'x-termsgate-budget': call.budgetWarning } : {}),
    'x-termsgate-decision-id': call.id,
    'x-termsgate-policy-revision': decision.revision,
    'x-termsgate-provenance': call.token!.token,
    ...warningHeader(decision.request.obligations.warnings),
  };
}
