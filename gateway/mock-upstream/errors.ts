// Error bodies as each provider writes them, so SDKs raise their usual error classes.
import { newId } from './ids.js';
import type { Dialect, Reply } from './reply.js';

export function errorReply(dialect: Dialect, status: number, message: string, param: string | null = null): Reply {
  const headers: Record<string, string> = status === 429 || status === 503 || status === 529 ? { 'retry-after': '1' } : {};
  if (dialect === 'bedrock') {
    return { kind: 'json', status, headers: { ...headers, 'x-amzn-errortype': `${awsErrorType(status)}:http://internal.amazon.com/coral/com.amazon.bedrock/` }, body: { message } };
  }
  if (dialect === 'gemini') {
    return { kind: 'json', status, headers, body: { error: { code: status, message, status: googleStatus(status) } } };
  }
  if (dialect === 'anthropic') {
    return { kind: 'json', status, headers, body: { type: 'error', error: { type: anthropicType(status), message }, request_id: newId('req_') } };
  }
  return { kind: 'json', status, headers, body: { error: { message, type: openaiType(status), param, code: openaiCode(status) } } };
}

function openaiType(status: number): string {
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function openaiCode(status: number): string | null {
  switch (status) {
    case 401:
      return 'invalid_api_key';
    case 404:
      return 'not_found';
    case 429:
      return 'rate_limit_exceeded';
    default:
      return null;
  }
}

function anthropicType(status: number): string {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

export function statusMessage(status: number): string {
  if (status === 429) return 'Rate limit reached for requests (mock:status=429).';
  if (status >= 500) return `The server had an error while processing your request (mock:status=${status}).`;
  return `The request was rejected (mock:status=${status}).`;
}

/** google.rpc.Code names as the Gemini API puts them in `error.status`. */
function googleStatus(status: number): string {
  switch (status) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION';
  }
}

/** Bedrock's exception names, sent in x-amzn-errortype. */
function awsErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'ValidationException';
    case 403:
      return 'AccessDeniedException';
    case 404:
      return 'ResourceNotFoundException';
    case 429:
      return 'ThrottlingException';
    case 503:
      return 'ServiceUnavailableException';
    default:
      return status >= 500 ? 'InternalServerException' : 'ValidationException';
  }
}
