// How the request path names a failure: the error code in the answer and the error type in telemetry.
import type { UpstreamError } from '../upstream/client.js';
import type { CallErrorType } from '../../telemetry/types.js';

export function codeFor(status: number, phase: string): string | undefined {
  if (phase === 'denied' && status === 403) return 'termsgate_policy_denied';
  if (status === 401) return 'invalid_api_key';
  if (status === 404) return 'model_not_found';
  return undefined;
}

export function errorTypeOf(e: UpstreamError): CallErrorType {
  return e.kind === 'timeout' ? 'upstream_timeout' : e.kind === 'aborted' ? 'client_abort' : 'upstream_connect';
}

export function errorTypeFor(status: number, phase: string): CallErrorType | undefined {
  if (phase === 'denied') return status === 401 ? 'unauthenticated' : undefined;
  if (status === 404) return 'not_found';
  if (status >= 400 && status < 500) return 'bad_request';
  return 'internal';
}
