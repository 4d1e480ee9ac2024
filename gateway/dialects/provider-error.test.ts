import t from 'tap';
import fc from 'fast-check';
import { providerErrorMessage } from './provider-error.js';

t.test('each dialect’s error message is found; anything else is the fallback', async (t) => {
  t.equal(providerErrorMessage(JSON.stringify({ error: { message: 'quota' } }), 'f'), 'quota', 'OpenAI, Anthropic, Gemini');
  t.equal(providerErrorMessage(JSON.stringify({ message: 'throttled' }), 'f'), 'throttled', 'Bedrock');
  t.equal(providerErrorMessage(JSON.stringify({ Message: 'denied' }), 'f'), 'denied');
  t.equal(providerErrorMessage('<html>', 'f'), 'f');
  t.equal(providerErrorMessage(JSON.stringify({ error: { message: 'x'.repeat(5000) } }), 'f').length, 2000);
});

t.test('property: any text gives a string of at most 2,000 characters, never a throw', async () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.record({ error: fc.jsonValue(), message: fc.jsonValue() }).map((v) => JSON.stringify(v))), (text) => {
      const m = providerErrorMessage(text, 'fallback');
      return typeof m === 'string' && m.length <= 2000;
    }),
    { numRuns: 500 },
  );
});
