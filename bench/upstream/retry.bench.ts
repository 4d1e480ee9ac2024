// What retries and fallbacks (issue 24) add to a call, in microseconds: the fallback list a call looks up
// once, and the retry decision after a failed attempt (retry-after parsed, backoff drawn). A fallback's new
// decision costs one policy evaluation (bench/policy/decision.bench.ts). Run: npx tsx bench/upstream/retry.bench.ts
import { ModelRoutes } from '../../gateway/upstream/model-routes.js';
import { retryWait } from '../../gateway/upstream/retry.js';

const N = 200_000;
const routes = new ModelRoutes({
  providers: { openai: { kind: 'openai', baseUrl: 'https://api.openai.com/v1', licence: 'openai-services-agreement' }, vllm: { kind: 'openai-compatible', baseUrl: 'http://vllm:8000/v1', licence: 'x' } },
  models: { 'gpt-4o-mini': { provider: 'openai', upstreamModel: 'gpt-4o-mini', fallbacks: ['qwen', 'llama'] }, qwen: { provider: 'vllm', upstreamModel: 'q' }, llama: { provider: 'vllm', upstreamModel: 'l' } },
});
const retry = { maxRetries: 3, baseDelayMs: 250, maxDelayMs: 8_000 };
const failures = [
  { status: 503, headers: { 'retry-after': '1' } },
  { status: 429, headers: { 'retry-after-ms': '1500' } },
  { status: 429, headers: { 'retry-after': 'Fri, 04 Dec 2026 10:00:03 GMT' } },
  { kind: 'reset' as const },
];

function measure(label: string, fn: (i: number) => unknown): void {
  for (let i = 0; i < 10_000; i++) fn(i);
  const t0 = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < N; i++) sink += fn(i) ? 1 : 0;
  const us = Number(process.hrtime.bigint() - t0) / 1000 / N;
  console.log(`${label.padEnd(48)} ${us.toFixed(3)} µs per call  (n=${N}, ${sink > 0 ? 'ok' : '-'})`);
}

measure('fallback list of a call (ModelRoutes.fallbacks)', () => routes.fallbacks('gpt-4o-mini'));
measure('retry decision after a failed attempt (retryWait)', (i) => retryWait(failures[i % failures.length], i % 3, retry, 60_000) ?? 1);
