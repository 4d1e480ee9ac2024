// When a failed provider attempt is tried again (issue 24), as a pure function of the failure, the
// provider's retry settings and the time left. Exponential backoff with full jitter (AWS's scheme: a
// random wait up to base × 2^n, capped), never less than what the provider's retry-after asks. Written
// by hand because the request path owns the loop (each fallback is a new policy decision between
// attempts), so a retrying wrapper such as p-retry would hide exactly what must be recorded.
import type { RetryConfig } from '../config/types.js';
import type { UpstreamFailure } from '../core/errors.js';

/** One attempt's failure: an HTTP status from the provider, or a failure to get one. */
export type AttemptFailure = { status: number; headers?: Record<string, string | string[] | undefined> } | { kind: UpstreamFailure };

const RETRYABLE_KINDS: readonly UpstreamFailure[] = ['unreachable', 'reset', 'timeout', 'busy'];

/** Connection errors, timeouts, 408, 429 and 5xx are worth another attempt; anything the caller sent wrong is not. */
export function retryable(failure: AttemptFailure): boolean {
  if ('kind' in failure) return RETRYABLE_KINDS.includes(failure.kind);
  return failure.status === 408 || failure.status === 429 || failure.status >= 500;
}

/** The random backoff before retry `n` (0-based): up to min(maxDelayMs, baseDelayMs × 2^n). */
export function backoffMs(n: number, retry: RetryConfig, random: () => number = Math.random): number {
  const cap = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** Math.min(n, 30));
  return Math.floor(random() * cap);
}

/** Longest retry-after honoured; a larger value (or a date further out) is taken as this. */
const RETRY_AFTER_CAP_MS = 24 * 3600 * 1000;

/**
 * What the provider asks to wait, in ms: `retry-after-ms` (OpenAI's), else `retry-after` in seconds or as
 * an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable.
 */
export function retryAfterMs(headers: Record<string, string | string[] | undefined> | undefined, now: number = Date.now()): number | null {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim();
  const ms = first(headers?.['retry-after-ms']);
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.min(Math.ceil(Number(ms)), RETRY_AFTER_CAP_MS);
  const value = first(headers?.['retry-after']);
  if (!value) return null;
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, RETRY_AFTER_CAP_MS);
  // An HTTP date begins with the day's name; Date.parse alone would take '-1' or '2' as a year.
  const date = /^[A-Za-z]{3}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(date)) return null;
  return Math.min(Math.max(0, date - now), RETRY_AFTER_CAP_MS);
}

/**
 * The wait before retry `n` of a failed attempt, or null when there is none: not retryable, retries used
 * up, or the wait would end past the deadline (`remainingMs` left of limits.retryDeadlineMs).
 */
export function retryWait(failure: AttemptFailure, n: number, retry: RetryConfig, remainingMs: number, random?: () => number): number | null {
  if (!retryable(failure) || n >= retry.maxRetries) return null;
  const asked = 'status' in failure ? (retryAfterMs(failure.headers) ?? 0) : 0;
  const wait = Math.max(backoffMs(n, retry, random), asked);
  return wait < remainingMs ? wait : null;
}
