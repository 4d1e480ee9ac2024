// Error bodies in each dialect's own shape, so the official SDKs raise their usual error types.
import type { Dialect, PolicyReason } from './contracts.js';

export interface GatewayErrorDetail {
  decisionId?: string;
  reasons?: PolicyReason[];
  code?: string;
}

const openaiType: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_denied',
  404: 'not_found_error',
  408: 'invalid_request_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
  499: 'client_closed_request',
  502: 'upstream_error',
  504: 'upstream_timeout',
};

const anthropicType: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'invalid_request_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  502: 'api_error',
  504: 'api_error',
};

/** A provider refused the gateway's own credentials: a 502 naming the provider, never "your key is wrong". */
export const UPSTREAM_AUTH_FAILED = 'upstream_auth_failed';

export function upstreamAuthFailedMessage(providerId: string, providerStatus: number): string {
  return `provider ${providerId} refused the gateway's credentials (HTTP ${providerStatus}); your key was accepted, the gateway's provider key needs attention`;
}

export function errorBody(dialect: Dialect, status: number, message: string, detail: GatewayErrorDetail = {}): Record<string, unknown> {
  const extra = {
    ...(detail.decisionId ? { decision_id: detail.decisionId } : {}),
    ...(detail.reasons ? { reasons: detail.reasons } : {}),
  };
  if (dialect === 'anthropic') {
    const code = detail.code === UPSTREAM_AUTH_FAILED ? { code: detail.code } : {};
    return { type: 'error', error: { type: anthropicType[status] ?? 'api_error', message, ...code, ...extra } };
  }
  return {
    error: { message, type: openaiType[status] ?? 'api_error', param: null, code: detail.code ?? null, ...extra },
  };
}

/** The answer when a call's record cannot be written: nothing is answered that the audit log does not hold. */
export const AUDIT_UNAVAILABLE = 'termsgate could not record this call in its audit log, so it is refused';
export const AUDIT_UNAVAILABLE_CODE = 'termsgate_audit_unavailable';

/** The message of a denial: every reason, so the developer sees which rule and why. */
export function denialMessage(reasons: PolicyReason[]): string {
  if (reasons.length === 0) return 'termsgate policy denied this request';
  return 'termsgate policy denied this request: ' + reasons.map((r) => `[${r.rule}] ${r.message}`).join('; ');
}
