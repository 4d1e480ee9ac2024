// Anthropic's usage leaves prompt-cache writes and reads out of input_tokens: the gateway counts them as
// input, the reads as cached input, so spend and token limits see every input token (issue 25).
import t from 'tap';
import fc from 'fast-check';
import { anthropicMessages, anthropicUsage } from './anthropic-messages.js';
import type { CollectedOutput } from './types.js';

const collected = (): CollectedOutput => ({ text: '', reasoning: '', toolArguments: [], usage: null, topLogprobs: null, complete: false, providerError: null });

t.test('cache reads and writes are input; reads are the cached part', async (t) => {
  t.same(anthropicUsage({ input_tokens: 12, cache_creation_input_tokens: 300, cache_read_input_tokens: 4000, output_tokens: 50 }, null), { input_tokens: 4312, output_tokens: 50, cached_input_tokens: 4000 });
  t.same(anthropicUsage({ input_tokens: 12, output_tokens: 5 }, null), { input_tokens: 12, output_tokens: 5 }, 'no cache: as before');
  t.same(anthropicUsage({ input_tokens: 12, cache_read_input_tokens: 0, output_tokens: 5 }, null), { input_tokens: 12, output_tokens: 5 });
  t.same(anthropicUsage({ output_tokens: 99 }, { input_tokens: 4312, output_tokens: 1, cached_input_tokens: 4000 }), { input_tokens: 4312, output_tokens: 99, cached_input_tokens: 4000 }, "a message_delta with output only keeps message_start's input");
  t.same(anthropicUsage({ input_tokens: 'lots', cache_read_input_tokens: -3, output_tokens: Number.NaN }, null), { input_tokens: 0, output_tokens: 0 }, 'nonsense counts are not counted');
});

t.test('property: input is never below the reads, and never below what message_start said', async () => {
  const n = fc.option(fc.integer({ min: 0, max: 1e7 }), { nil: undefined });
  fc.assert(
    fc.property(n, n, n, n, (input, writes, reads, output) => {
      const u = anthropicUsage({ input_tokens: input, cache_creation_input_tokens: writes, cache_read_input_tokens: reads, output_tokens: output }, null);
      return u.input_tokens === (input ?? 0) + (writes ?? 0) + (reads ?? 0) && (u.cached_input_tokens ?? 0) === (reads ?? 0) && (u.cached_input_tokens ?? 0) <= u.input_tokens;
    }),
  );
});

t.test('a cached answer and a cached stream record the full input', async (t) => {
  const out = collected();
  const json = { type: 'message', content: [{ type: 'text', text: 'hi' }], usage: { input_tokens: 3, cache_read_input_tokens: 1000, cache_creation_input_tokens: 20, output_tokens: 7 } };
  anthropicMessages.transformJson(json, null, out);
  t.same(out.usage, { input_tokens: 1023, output_tokens: 7, cached_input_tokens: 1000 });
  const s = collected();
  const tr = anthropicMessages.streamTransformer(null, s);
  tr.event({ event: 'message_start', data: JSON.stringify({ type: 'message_start', message: { usage: { input_tokens: 3, cache_read_input_tokens: 1000, output_tokens: 1 } } }) });
  tr.event({ event: 'message_delta', data: JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 40 } }) });
  t.same(s.usage, { input_tokens: 1003, output_tokens: 40, cached_input_tokens: 1000 });
});
