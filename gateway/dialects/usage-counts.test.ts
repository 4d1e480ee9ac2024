// A provider's token counts reach spend and the audit record only when they are real counts (issue 21, the hostile provider).
import t from 'tap';
import fc from 'fast-check';
import { tokenCount, usageFromCounts } from './usage-counts.js';
import { openaiUsage } from './openai-common.js';
import { anthropicUsage } from './anthropic-messages.js';

const sane = (n: number) => Number.isSafeInteger(n) && n >= 0 && !Object.is(n, -0);

t.test('only whole numbers from 0 to 2^53 - 1 are counts', async (t) => {
  for (const bad of [Infinity, -Infinity, NaN, -5, 1e300, 2.5, 2 ** 53, '7', null, undefined, {}]) t.equal(tokenCount(bad), null, String(bad));
  t.ok(Object.is(tokenCount(-0), 0), '-0 is 0');
  t.equal(tokenCount(12), 12);
});

t.test('whatever a provider writes in usage, the counts are finite, whole and not negative', async (t) => {
  const anything = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(Infinity, -Infinity, NaN, -0, 1e300, -1e300), fc.string(), fc.constant(null));
  fc.assert(
    fc.property(anything, anything, anything, (a, b, c) => {
      const counts = [
        ...Object.values(openaiUsage({ prompt_tokens: a, completion_tokens: b, prompt_tokens_details: { cached_tokens: c } }) ?? {}),
        ...Object.values(anthropicUsage({ input_tokens: a, output_tokens: b, cache_read_input_tokens: c }, null)),
        ...Object.values(usageFromCounts(a, b, c)).filter((v) => typeof v === 'number'),
      ] as number[];
      return counts.every(sane);
    }),
  );
});
