import t from 'tap';
import fc from 'fast-check';
import { backoffMs, retryable, retryAfterMs, retryWait } from './retry.js';

const RETRY = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1_000 };

t.test('what is retried', async (t) => {
  for (const status of [408, 429, 500, 502, 503, 504, 529]) t.ok(retryable({ status }), String(status));
  for (const status of [400, 401, 403, 404, 413, 422]) t.notOk(retryable({ status }), String(status));
  for (const kind of ['unreachable', 'reset', 'timeout', 'busy'] as const) t.ok(retryable({ kind }), kind);
  for (const kind of ['aborted', 'invalid'] as const) t.notOk(retryable({ kind }), kind);
});

t.test('backoff: full jitter under an exponential cap', async (t) => {
  t.equal(backoffMs(0, RETRY, () => 0.999), 99);
  t.equal(backoffMs(2, RETRY, () => 0.5), 200);
  t.equal(backoffMs(8, RETRY, () => 0.999), 999, 'capped at maxDelayMs');
  fc.assert(
    fc.property(fc.nat(100), fc.double({ min: 0, max: 0.9999999, noNaN: true }), (n, r) => {
      const ms = backoffMs(n, RETRY, () => r);
      return Number.isInteger(ms) && ms >= 0 && ms < Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 2 ** n);
    }),
  );
});

t.test('retry-after: seconds, an HTTP date, retry-after-ms; unreadable is none', async (t) => {
  const now = Date.parse('2026-12-04T10:00:00Z');
  t.equal(retryAfterMs({ 'retry-after': '2' }, now), 2_000);
  t.equal(retryAfterMs({ 'retry-after': 'Fri, 04 Dec 2026 10:00:03 GMT' }, now), 3_000);
  t.equal(retryAfterMs({ 'retry-after': 'Fri, 04 Dec 2026 09:00:00 GMT' }, now), 0, 'a date in the past: no wait');
  t.equal(retryAfterMs({ 'retry-after-ms': '1500.5', 'retry-after': '9' }, now), 1_501, 'retry-after-ms first');
  t.equal(retryAfterMs({ 'retry-after': ['1', '5'] }, now), 1_000);
  t.equal(retryAfterMs({ 'retry-after': 'soon' }, now), null);
  t.equal(retryAfterMs({ 'retry-after': '-1' }, now), null);
  t.equal(retryAfterMs({}, now), null);
  t.equal(retryAfterMs({ 'retry-after': '99999999999' }, now), 24 * 3600 * 1000, 'capped');
  fc.assert(
    fc.property(fc.string(), fc.string(), (a, b) => {
      const ms = retryAfterMs({ 'retry-after': a, 'retry-after-ms': b }, now);
      return ms === null || (Number.isFinite(ms) && ms >= 0 && ms <= 24 * 3600 * 1000);
    }),
    { numRuns: 500 },
  );
});

t.test('the wait: none past the retries, none past the deadline, at least retry-after', async (t) => {
  const r = () => 0.5;
  t.equal(retryWait({ status: 503 }, 0, RETRY, 10_000, r), 50);
  t.equal(retryWait({ status: 503, headers: { 'retry-after': '2' } }, 0, RETRY, 10_000, r), 2_000);
  t.equal(retryWait({ status: 503, headers: { 'retry-after': '20' } }, 0, RETRY, 10_000, r), null, 'retry-after past the deadline');
  t.equal(retryWait({ status: 503 }, 3, RETRY, 10_000, r), null, 'retries used up');
  t.equal(retryWait({ status: 400 }, 0, RETRY, 10_000, r), null);
  t.equal(retryWait({ kind: 'reset' }, 1, RETRY, 10_000, r), 100);
  t.equal(retryWait({ kind: 'reset' }, 0, { ...RETRY, maxRetries: 0 }, 10_000, r), null, 'maxRetries 0: no retry');
  t.equal(retryWait({ kind: 'reset' }, 0, RETRY, 10, r), null, 'the deadline is near');
});
