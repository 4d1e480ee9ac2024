// Cost of the catalogue checks of issue 27 on the request path: a call whose entry is matched through an
// alias and an abbreviated pinned revision, one whose entry carries licensee conditions, one under an
// allowance, and (issue 24) calls through Azure OpenAI and Bedrock, whose cloud's terms bind too, each
// against a plain checkpoint call, all evaluated in WASM every time (no memo), as a changed input would be.
// Run: npx tsx bench/policy/catalogue-read.bench.ts [POLICIES_DIR] (another directory, e.g. an earlier
// revision's policies, to compare the same calls under it).
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallFacts, ModelRoute } from '../../gateway/core/contracts.js';
import { loadEngine, unpackBundle } from '../../gateway/policy/bundle.js';
import { readSources } from '../../gateway/policy/revision.js';
import { withSandbox } from '../../gateway/policy/toolchain/opa-sandbox.js';
import { buildStep } from '../../gateway/policy/toolchain/steps.js';

const vllm = { providerId: 'vllm', providerKind: 'openai-compatible', external: false } as const;
const cases: [string, ModelRoute, string][] = [
  ['plain checkpoint', { name: 'qwen2.5-7b-instruct', ...vllm, upstreamModel: 'Qwen/Qwen2.5-7B-Instruct', licence: 'qwen2.5-7b-instruct' }, 'training-data'],
  ['alias + abbreviated pin', { name: 'command-r', ...vllm, upstreamModel: 'CohereForAI/c4ai-command-r-v01', revision: '80d6b08', licence: 'c4ai-command-r-v01' }, 'training-data'],
  ['user threshold', { name: 'qwen2.5-72b-instruct', ...vllm, upstreamModel: 'Qwen/Qwen2.5-72B-Instruct', revision: '347606f5a6be8834d71d1321440b180e14fb19b0', licence: 'qwen2.5-72b-instruct' }, 'training-data'],
  ['excluded region', { name: 'llama-4-scout', ...vllm, upstreamModel: 'meta-llama/Llama-4-Scout-17B-16E-Instruct', licence: 'llama-4-scout-17b-16e-instruct' }, 'general'],
  ['allowance on', { name: 'gpt-4o-mini', providerId: 'openai', providerKind: 'openai', external: true, upstreamModel: 'gpt-4o-mini', licence: 'openai-services-agreement' }, 'classifier-training'],
  // Issue 24: a cloud's terms found by provider kind; on Bedrock, bound besides the vendor licence (hosted id).
  ['azure (cloud terms)', { name: 'gpt-4o-azure', providerId: 'azure', providerKind: 'azure-openai', external: true, upstreamModel: 'prod-gpt-4o-mini', licence: 'azure-openai-product-terms' }, 'general'],
  ['bedrock (cloud + vendor)', { name: 'llama-bedrock', providerId: 'bedrock', providerKind: 'bedrock', external: true, upstreamModel: 'meta.llama3-1-8b-instruct-v1:0', licence: 'llama-3.1-8b-instruct' }, 'general'],
];

function facts(route: ModelRoute, purpose: string, i: number): CallFacts {
  return {
    principal: { keyId: `vk_${i % 7}`, team: 'demo', project: 'p', defaultPurpose: 'general', allowedPurposes: ['general', 'training-data', 'classifier-training'] },
    purpose,
    endpoint: 'chat.completions',
    route,
    dataClasses: { classes: [], counts: {} },
    stream: i % 2 === 0,
    now: new Date(Date.UTC(2026, 11, 4, 12, 0, i % 60)).toISOString(),
  };
}

// The shipped rules, with the allowance turned on and a licensee that meets every condition (the common case).
const src = await mkdtemp(join(tmpdir(), 'tg-bench-read-src-'));
await cp(process.argv[2] ?? join(import.meta.dirname, '..', '..', 'policies'), src, { recursive: true });
const companyFile = join(src, 'data', 'company.json');
const company = JSON.parse(await readFile(companyFile, 'utf8'));
company.company.training.allowances = ['openai-services-agreement/permitted-exception'];
await writeFile(companyFile, JSON.stringify(company, null, 2));
const out = await mkdtemp(join(tmpdir(), 'tg-bench-read-'));
// Only the build: the shipped tests expect the allowance off.
const built = await withSandbox(await readSources(src), (sandbox) => buildStep(sandbox, join(out, 'bundle.tar.gz'), 'bench'));
if (!built.ok) throw new Error(built.output);
await unpackBundle(out);
const engine = await loadEngine(out, 'bench', undefined);

const N = 20_000;
const pct = (s: Float64Array, p: number) => s[Math.min(s.length - 1, Math.floor(s.length * p))];
console.log(`${process.argv[2] ?? 'shipped rules'} with the allowance on, WASM every call, node ${process.version}, n=${N} per case`);
for (let round = 0; round < 2; round++) {
  for (const [label, route, purpose] of cases) {
    const inputs = Array.from({ length: 60 }, (_, i) => facts(route, purpose, i));
    for (let i = 0; i < 2_000; i++) engine.decide(inputs[i % inputs.length]);
    const s = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const t0 = process.hrtime.bigint();
      engine.decide(inputs[i % inputs.length]);
      s[i] = Number(process.hrtime.bigint() - t0) / 1000;
    }
    s.sort();
    if (round === 1) console.log(`${label.padEnd(26)} p50=${pct(s, 0.5).toFixed(1)} µs  p90=${pct(s, 0.9).toFixed(1)} µs  p99=${pct(s, 0.99).toFixed(1)} µs`);
  }
}
