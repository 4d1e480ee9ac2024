// Every error termsgate answers, in one table: its HTTP status, its body in each face (OpenAI's and
// Anthropic's own shapes, so the official SDKs raise their usual error types; the control plane's
// `{error:{type,message}}`; plain text for pages and scrapers) and the class telemetry records.
// Routes name a code; none spells a body or a status of its own.
import type { FastifyReply } from 'fastify';
import type { Dialect, PolicyReason } from './contracts.js';

/** Telemetry's `error.type`: a class of failure, never a message. Here so the table can name them. */
export const CALL_ERROR_TYPES = [
  'unauthenticated',
  'bad_request',
  'not_found',
  'policy_error',
  'rate_limited',
  'budget_exceeded',
  'upstream_connect',
  'upstream_timeout',
  'upstream_status',
  'upstream_protocol',
  'client_abort',
  'audit_error',
  'feed_error',
  'internal',
] as const;
export type CallErrorType = (typeof CALL_ERROR_TYPES)[number];

/** A provider refused the gateway's own credentials: a 502 naming the provider, never "your key is wrong". */
export const UPSTREAM_AUTH_FAILED = 'upstream_auth_failed';
export const AUDIT_UNAVAILABLE_CODE = 'termsgate_audit_unavailable';

export interface ErrorEntry {
  status: number;
  /** OpenAI's `error.type` and `error.code`. */
  openai: { type: string; code: string | null };
  /** Anthropic's `error.type`, and a `code` only where Anthropic clients already read one from termsgate. */
  anthropic: { type: string; code?: string };
  /** The control plane's `error.type`. */
  control: string;
  /** Null for a policy denial: an answer the caller is owed, not a failure. */
  telemetry: CallErrorType | null;
}

export const ERRORS = {
  bad_request: { status: 400, openai: { type: 'invalid_request_error', code: null }, anthropic: { type: 'invalid_request_error' }, control: 'invalid_request', telemetry: 'bad_request' },
  unauthenticated: { status: 401, openai: { type: 'authentication_error', code: 'invalid_api_key' }, anthropic: { type: 'authentication_error' }, control: 'unauthorized', telemetry: 'unauthenticated' },
  budget_exceeded: { status: 402, openai: { type: 'insufficient_quota', code: 'budget_exceeded' }, anthropic: { type: 'billing_error' }, control: 'budget_exceeded', telemetry: 'budget_exceeded' },
  forbidden: { status: 403, openai: { type: 'permission_denied', code: null }, anthropic: { type: 'permission_error' }, control: 'forbidden', telemetry: 'bad_request' },
  policy_denied: { status: 403, openai: { type: 'permission_denied', code: 'termsgate_policy_denied' }, anthropic: { type: 'permission_error' }, control: 'forbidden', telemetry: null },
  not_found: { status: 404, openai: { type: 'not_found_error', code: null }, anthropic: { type: 'not_found_error' }, control: 'not_found', telemetry: 'not_found' },
  method_not_allowed: { status: 405, openai: { type: 'invalid_request_error', code: null }, anthropic: { type: 'not_found_error' }, control: 'method_not_allowed', telemetry: 'not_found' },
  model_not_found: { status: 404, openai: { type: 'not_found_error', code: 'model_not_found' }, anthropic: { type: 'not_found_error' }, control: 'not_found', telemetry: 'not_found' },
  conflict: { status: 409, openai: { type: 'invalid_request_error', code: null }, anthropic: { type: 'invalid_request_error' }, control: 'conflict', telemetry: 'bad_request' },
  body_timeout: { status: 408, openai: { type: 'invalid_request_error', code: null }, anthropic: { type: 'invalid_request_error' }, control: 'invalid_request', telemetry: 'bad_request' },
  body_too_large: { status: 413, openai: { type: 'invalid_request_error', code: null }, anthropic: { type: 'request_too_large' }, control: 'invalid_request', telemetry: 'bad_request' },
  unsupported_media_type: { status: 415, openai: { type: 'invalid_request_error', code: null }, anthropic: { type: 'invalid_request_error' }, control: 'invalid_request', telemetry: 'bad_request' },
  headers_too_large: { status: 431, openai: { type: 'invalid_request_error', code: null }, anthropic: { type: 'invalid_request_error' }, control: 'invalid_request', telemetry: 'bad_request' },
  // The batch detect route's bounds (provenance/routes.ts): split the batch and send the rest in another request.
  batch_too_many_texts: { status: 413, openai: { type: 'invalid_request_error', code: null }, anthropic: { type: 'request_too_large' }, control: 'batch_too_many_texts', telemetry: 'bad_request' },
  batch_too_large: { status: 413, openai: { type: 'invalid_request_error', code: null }, anthropic: { type: 'request_too_large' }, control: 'batch_too_large', telemetry: 'bad_request' },
  unprocessable: { status: 422, openai: { type: 'invalid_request_error', code: null }, anthropic: { type: 'invalid_request_error' }, control: 'invalid_request', telemetry: 'bad_request' },
  policy_refused: { status: 422, openai: { type: 'invalid_request_error', code: null }, anthropic: { type: 'invalid_request_error' }, control: 'policy_refused', telemetry: 'policy_error' },
  rate_limited: { status: 429, openai: { type: 'rate_limit_error', code: 'rate_limit_exceeded' }, anthropic: { type: 'rate_limit_error' }, control: 'rate_limited', telemetry: 'rate_limited' },
  client_closed: { status: 499, openai: { type: 'client_closed_request', code: null }, anthropic: { type: 'api_error' }, control: 'client_closed', telemetry: 'client_abort' },
  internal: { status: 500, openai: { type: 'api_error', code: null }, anthropic: { type: 'api_error' }, control: 'internal', telemetry: 'internal' },
  upstream_unreachable: { status: 502, openai: { type: 'upstream_error', code: null }, anthropic: { type: 'api_error' }, control: 'upstream_error', telemetry: 'upstream_connect' },
  upstream_invalid: { status: 502, openai: { type: 'upstream_error', code: 'upstream_invalid_answer' }, anthropic: { type: 'api_error' }, control: 'upstream_error', telemetry: 'upstream_protocol' },
  upstream_auth_failed: {
    status: 502,
    openai: { type: 'upstream_error', code: UPSTREAM_AUTH_FAILED },
    anthropic: { type: 'api_error', code: UPSTREAM_AUTH_FAILED },
    control: 'upstream_error',
    telemetry: 'upstream_status',
  },
  audit_unavailable: { status: 503, openai: { type: 'api_error', code: AUDIT_UNAVAILABLE_CODE }, anthropic: { type: 'api_error' }, control: 'audit_unavailable', telemetry: 'audit_error' },
  unavailable: { status: 503, openai: { type: 'api_error', code: null }, anthropic: { type: 'api_error' }, control: 'unavailable', telemetry: 'internal' },
  upstream_timeout: { status: 504, openai: { type: 'upstream_timeout', code: null }, anthropic: { type: 'api_error' }, control: 'upstream_timeout', telemetry: 'upstream_timeout' },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

/** Who reads the answer: a data-plane SDK of either dialect, a control-plane client, or a person or scraper reading text. */
export type ErrorFace = Dialect | 'control' | 'text';

export interface ErrorExtra {
  /** The call's decision id (x-termsgate-decision-id), so a refusal can be found in the audit log. */
  decisionId?: string;
  reasons?: PolicyReason[];
  /** The step of a policy change that refused it. */
  step?: string;
}

export interface ErrorAnswer<B = Record<string, unknown> | string> {
  status: number;
  body: B;
}

export function errorAnswer(code: ErrorCode, face: 'text', message: string): ErrorAnswer<string>;
export function errorAnswer(code: ErrorCode, face: Exclude<ErrorFace, 'text'>, message: string, extra?: ErrorExtra): ErrorAnswer<Record<string, unknown>>;
export function errorAnswer(code: ErrorCode, face: ErrorFace, message: string, extra?: ErrorExtra): ErrorAnswer;
export function errorAnswer(code: ErrorCode, face: ErrorFace, message: string, extra: ErrorExtra = {}): ErrorAnswer {
  return { status: ERRORS[code].status, body: render(ERRORS[code], face, message, extra) };
}

/** For a status decided elsewhere (fastify, a plugin, the provider): the status is kept, the body is the table's for it. */
export function errorAnswerFor(status: number, phase: Phase, face: ErrorFace, message: string, extra: ErrorExtra = {}): ErrorAnswer {
  return { status, body: render(ERRORS[errorCodeFor(status, phase)], face, message, extra) };
}

/** Sends an answer from a fastify route; plain text is labelled as such, JSON gets fastify's own content type. */
export function sendAnswer(reply: FastifyReply, answer: ErrorAnswer): FastifyReply {
  reply.code(answer.status);
  if (typeof answer.body === 'string') reply.type('text/plain; charset=utf-8');
  return reply.send(answer.body);
}

export function sendError(reply: FastifyReply, code: ErrorCode, face: ErrorFace, message: string, extra?: ErrorExtra): FastifyReply {
  return sendAnswer(reply, errorAnswer(code, face, message, extra));
}

function render(entry: ErrorEntry, face: ErrorFace, message: string, extra: ErrorExtra): Record<string, unknown> | string {
  if (face === 'text') return message.endsWith('\n') ? message : message + '\n';
  const more = {
    ...(extra.decisionId ? { decision_id: extra.decisionId } : {}),
    ...(extra.reasons ? { reasons: extra.reasons } : {}),
    ...(extra.step ? { step: extra.step } : {}),
  };
  if (face === 'control') return { error: { type: entry.control, message, ...more } };
  if (face === 'anthropic') return { type: 'error', error: { type: entry.anthropic.type, message, ...(entry.anthropic.code ? { code: entry.anthropic.code } : {}), ...more } };
  return { error: { message, type: entry.openai.type, param: null, code: entry.openai.code, ...more } };
}

/** A refusal the policy decided ('denied'), or a call that could not go through ('failed'). */
export type Phase = 'denied' | 'failed';

/** The table's code for a status: a 401 is always the key, any other denial the policy's, a failure goes by its status. */
export function errorCodeFor(status: number, phase: Phase): ErrorCode {
  if (status === 401) return 'unauthenticated';
  if (phase === 'denied') return 'policy_denied';
  const exact = FAILURE_BY_STATUS.get(status);
  if (exact) return exact;
  return status >= 400 && status < 500 ? 'bad_request' : 'internal';
}

// Where two codes share a status, the first is the one a bare status means.
const FAILURE_BY_STATUS = new Map<number, ErrorCode>();
for (const code of ['bad_request', 'budget_exceeded', 'forbidden', 'model_not_found', 'body_timeout', 'body_too_large', 'unsupported_media_type', 'unprocessable', 'rate_limited', 'client_closed', 'internal', 'upstream_unreachable', 'unavailable', 'upstream_timeout'] as const) {
  FAILURE_BY_STATUS.set(ERRORS[code].status, code);
}

/** Telemetry's error type for a status and phase; undefined for a policy denial. */
export function errorTypeFor(status: number, phase: Phase): CallErrorType | undefined {
  return ERRORS[errorCodeFor(status, phase)].telemetry ?? undefined;
}

/**
 * How a provider call failed (the upstream client's UpstreamError); `invalid`: the provider answered, but
 * with what the gateway will not pass on (past a size bound, a redirect, an encoded body); `shutdown`: the
 * gateway cut the call off itself, at the end of its drain deadline; `busy`: no connection to the provider
 * was free (at the caller's share) within the gateway's queue deadline; `credentials`: the gateway's own
 * credential chain (AWS, Google, Entra ID) gave it nothing to call the provider with.
 */
export type UpstreamFailure = 'unreachable' | 'timeout' | 'reset' | 'aborted' | 'invalid' | 'shutdown' | 'busy' | 'credentials';

export function upstreamErrorCode(kind: UpstreamFailure) {
  if (kind === 'timeout') return 'upstream_timeout';
  if (kind === 'aborted') return 'client_closed';
  if (kind === 'invalid') return 'upstream_invalid';
  if (kind === 'credentials') return 'upstream_auth_failed';
  if (kind === 'shutdown' || kind === 'busy') return 'unavailable';
  return 'upstream_unreachable';
}

export function errorTypeOf(kind: UpstreamFailure): CallErrorType {
  return ERRORS[upstreamErrorCode(kind)].telemetry;
}

export function upstreamAuthFailedMessage(providerId: string, providerStatus: number): string {
  return `provider ${providerId} refused the gateway's credentials (HTTP ${providerStatus}); your key was accepted, the gateway's provider key needs attention`;
}

/** The answer when a call's record cannot be written: nothing is answered that the audit log does not hold. */
export const AUDIT_UNAVAILABLE = 'termsgate could not record this call in its audit log, so it is refused';

/** The message of a denial: every reason, so the developer sees which rule and why. */
export function denialMessage(reasons: PolicyReason[]): string {
  if (reasons.length === 0) return 'termsgate policy denied this request';
  return 'termsgate policy denied this request: ' + reasons.map((r) => `[${r.rule}] ${r.message}`).join('; ');
}
