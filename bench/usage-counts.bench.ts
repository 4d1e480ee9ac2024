// Cost of reading a provider's usage with its token counts checked (usage-counts.ts tokenCount), per answer,
// in ns; once per provider answer on the request path. Run: npx tsx bench/usage-counts.bench.ts
import { openaiUsage } from '../gateway/dialects/openai-common.js';
import { anthropicUsage } from '../gateway/dialects/anthropic-messages.js';

const N = 1_000_000;
const openai = { prompt_tokens: 1234, completion_tokens: 567, total_tokens: 1801, prompt_tokens_details: { cached_tokens: 1024 } };
const anthropic = { input_tokens: 1234, output_tokens: 567, cache_read_input_tokens: 1024 };

function nsPerCall(fn: () => unknown): number {
  for (let i = 0; i < N / 10; i++) fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn();
  return Number(process.hrtime.bigint() - t0) / N;
}

for (let round = 1; round <= 3; round++) {
  console.log(`round ${round}: openaiUsage ${nsPerCall(() => openaiUsage(openai)).toFixed(1)} ns/answer, anthropicUsage ${nsPerCall(() => anthropicUsage(anthropic, null)).toFixed(1)} ns/answer`);
}
