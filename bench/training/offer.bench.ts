// Cost of TrainingFeed.offer() on the response path, in microseconds, for small and realistic
// examples (a 200-token completion with 5 top logprobs per token), and the background writer's
// throughput. Run: npx tsx bench/training/offer.bench.ts
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { TrainingExample } from '../../gateway/core/contracts.js';
import { signingKeysFrom } from '../../gateway/signing/keys.js';
import { createTrainingFeed } from '../../gateway/training/feed.js';

const keys = signingKeysFrom(generateKeyPairSync('ed25519').privateKey, randomBytes(32));
const words = 'the gateway decides signs and hands over while the runner trusts nothing it cannot verify'.split(' ');

function example(i: number, tokens: number): TrainingExample {
  const toks = Array.from({ length: tokens }, (_, k) => ' ' + words[(i + k) % words.length]);
  return {
    decision_id: `0193-${i}`, model: 'qwen2.5-7b-instruct', licence: 'qwen2.5-7b-instruct', licence_class: 'free', attribution: [], naming: [], duties: [], inherited_restrictions: { forbidden_deployment_purposes: [], use_restrictions: [] },
    policy_revision: 'bbe96e87eed3d019',
    messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: `Question ${i}: ${toks.slice(0, 30).join('')}` }],
    completion: toks.join(''),
    top_logprobs: tokens > 0 && tokens >= 200
      ? toks.map((tok, k) => ({ token: tok, logprob: -0.01 * k, bytes: [...Buffer.from(tok)], top_logprobs: Array.from({ length: 5 }, (_, j) => ({ token: j ? ' ' + words[(k + j) % words.length] : tok, logprob: -0.5 * j - 0.01 })) }))
      : null,
    time: new Date(Date.UTC(2026, 10, 28, 12, 0, i % 60)).toISOString(),
  };
}

const pct = (s: Float64Array, p: number) => s[Math.min(s.length - 1, Math.floor(s.length * p))];

async function measure(label: string, tokens: number, n: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tg-offer-bench-'));
  const feed = await createTrainingFeed({ dataDir: dir, keys });
  const examples = Array.from({ length: n }, (_, i) => example(i, tokens));
  for (let i = 0; i < 200; i++) feed.offer(example(-1 - i, tokens));
  await feed.flush();
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    feed.offer(examples[i]);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const writeStart = process.hrtime.bigint();
  await feed.flush();
  const writeS = Number(process.hrtime.bigint() - writeStart) / 1e9;
  lag.disable();
  samples.sort();
  const bytes = JSON.stringify(examples[0]).length;
  console.log(
    `${label.padEnd(30)} n=${n} example≈${(bytes / 1024).toFixed(1)} KiB  offer(): p50=${pct(samples, 0.5).toFixed(1)} µs p99=${pct(samples, 0.99).toFixed(1)} µs max=${samples[n - 1].toFixed(1)} µs` +
      `  | writer: ${Math.round(n / Math.max(writeS, 1e-9))} records/s (canonicalise + sign + batch write + fdatasync),` +
      ` event-loop delay while draining p99=${(lag.percentile(99) / 1e6).toFixed(1)} ms max=${(lag.max / 1e6).toFixed(1)} ms`,
  );
  await feed.close();
  await rm(dir, { recursive: true, force: true });
}

await measure('short chat, no logprobs', 40, 5000);
await measure('200 tokens, 5 top logprobs', 200, 2000);
