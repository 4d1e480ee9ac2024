// Decision cost of the compiled policy for realistic calls: p50/p99 of decide() in microseconds,
// from one caller and from concurrent async callers. Run: npx tsx bench/policy/decision.bench.ts
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallFacts, ModelRoute } from '../../gateway/core/contracts.js';
import { loadEngine, unpackBundle } from '../../gateway/policy/bundle.js';
import { readSources } from '../../gateway/policy/revision.js';
import { validateDir } from '../../gateway/policy/toolchain/steps.js';

const routes: ModelRoute[] = [
  { name: 'gpt-4o-mini', providerId: 'openai', providerKind: 'openai', external: true, upstreamModel: 'gpt-4o-mini', licence: 'openai-services-agreement' },
  { name: 'claude-3-5-haiku-latest', providerId: 'anthropic', providerKind: 'anthropic', external: true, upstreamModel: 'claude-3-5-haiku-20241022', licence: 'anthropic-commercial-terms' },
  { name: 'llama-3.1-8b-instruct', providerId: 'vllm', providerKind: 'openai-compatible', external: false, upstreamModel: 'meta-llama/Llama-3.1-8B-Instruct', licence: 'llama-3.1-8b-instruct' },
  { name: 'qwen2.5-7b-instruct', providerId: 'vllm', providerKind: 'openai-compatible', external: false, upstreamModel: 'Qwen/Qwen2.5-7B-Instruct', licence: 'qwen2.5-7b-instruct' },
  { name: 'deepseek-r1', providerId: 'vllm', providerKind: 'openai-compatible', external: false, upstreamModel: 'deepseek-ai/DeepSeek-R1', licence: 'deepseek-r1' },
];
const classSets = [[], [], [], ['pii.email'], ['pii.email', 'pii.phone'], ['secret.api_key']];
const purposes = ['general', 'general', 'code-assist', 'training-data'];

// A fixed mix: mostly clean chat, some personal data, a few secrets and training-data requests.
const inputs: CallFacts[] = [];
for (let i = 0; i < 240; i++) {
  const classes = classSets[i % classSets.length];
  inputs.push({
    principal: { keyId: `vk_${i % 7}`, team: i % 5 === 0 ? 'ml-research' : 'demo', project: 'p', defaultPurpose: 'general', allowedPurposes: ['general', 'code-assist', 'evaluation', 'training-data'] },
    purpose: purposes[i % purposes.length],
    endpoint: i % 10 === 0 ? 'messages' : 'chat.completions',
    route: routes[i % routes.length],
    dataClasses: { classes, counts: Object.fromEntries(classes.map((c) => [c, 1])) },
    stream: i % 2 === 0,
    now: new Date(Date.UTC(2026, 10, 28, 12, 0, i % 60)).toISOString(),
  });
}

const pct = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const fmt = (label: string, s: Float64Array) =>
  `${label.padEnd(28)} n=${s.length}  p50=${pct(s, 0.5).toFixed(1)} µs  p90=${pct(s, 0.9).toFixed(1)} µs  p99=${pct(s, 0.99).toFixed(1)} µs  max=${s[s.length - 1].toFixed(1)} µs`;

const out = await mkdtemp(join(tmpdir(), 'tg-bench-'));
const policies = join(import.meta.dirname, '..', '..', 'policies');
const report = await validateDir(policies, { out: join(out, 'bundle.tar.gz') });
if (!report.ok) throw new Error('policies do not build');
await unpackBundle(out);
// Without sources the engine cannot prove the rules ignore the time, so it evaluates every call in WASM.
const wasmOnly = await loadEngine(out, report.revision, undefined);
const engine = await loadEngine(out, report.revision, await readSources(policies));

function singleCaller(e: typeof engine): Float64Array {
  for (let i = 0; i < 20_000; i++) e.decide(inputs[i % inputs.length]);
  const N = 100_000;
  const s = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const t0 = process.hrtime.bigint();
    e.decide(inputs[i % inputs.length]);
    s[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return s.sort();
}
const raw = singleCaller(wasmOnly);
const single = singleCaller(engine);

const CALLERS = 64;
const PER = 2_000;

/** Many async callers interleaving on the event loop, as request handlers do; decide() itself is synchronous. */
async function concurrentCallers(e: typeof engine): Promise<{ samples: Float64Array; perSecond: number }> {
  const samples = new Float64Array(CALLERS * PER);
  let k = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CALLERS }, async (_, c) => {
      for (let i = 0; i < PER; i++) {
        const t0 = process.hrtime.bigint();
        e.decide(inputs[(c * 31 + i) % inputs.length]);
        samples[k++] = Number(process.hrtime.bigint() - t0) / 1000;
        await Promise.resolve();
        if (i % 16 === 0) await new Promise<void>((r) => setImmediate(r));
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { samples: samples.sort(), perSecond: Math.round((CALLERS * PER) / seconds) };
}
const rawConcurrent = await concurrentCallers(wasmOnly);
const concurrent = await concurrentCallers(engine);

console.log(`policy revision ${report.revision}, ${inputs.length} distinct realistic inputs, node ${process.version}`);
console.log(fmt('WASM every call, 1 caller', raw));
console.log(fmt(`WASM every call, ${CALLERS} callers`, rawConcurrent.samples) + `  ${rawConcurrent.perSecond}/s`);
console.log(fmt('memoized, 1 caller', single));
console.log(fmt(`memoized, ${CALLERS} callers`, concurrent.samples) + `  ${concurrent.perSecond}/s`);
