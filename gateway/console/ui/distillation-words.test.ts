import t from 'tap';
import { scopeWords, signalWords, trendWords } from './distillation-words.js';

t.test('scopes, trends and signals in words', async (t) => {
  t.same(scopeWords('key:search-1'), { kind: 'Key', name: 'search-1' });
  t.same(scopeWords('team:a:b'), { kind: 'Team', name: 'a:b' });
  t.equal(trendWords([]), 'no level change recorded');
  t.equal(
    trendWords([
      { time: '2026-12-04T11:00:00.000Z', target: 'key:k', before: 'medium', after: 'high score 80 over 90 calls: …' },
      { time: '2026-12-04T10:00:00.000Z', target: 'key:k', before: 'low', after: 'medium score 45 over 60 calls: …' },
    ]),
    'low → medium (2026-12-04 10:00 UTC) → high (2026-12-04 11:00 UTC)',
  );
  t.equal(signalWords({ name: 'reasoning_elicitation', strength: 1, value: 0.8, meaning: 'prompts ask for reasoning', examples: [] }), 'strong: prompts ask for reasoning (80 % of calls)');
  t.equal(signalWords({ name: 'restricted_volume', strength: 0.4, value: 200, meaning: 'volume', examples: [] }), 'weak: volume (200)');
  t.equal(signalWords({ name: 'harvesting', strength: 1, value: 1, meaning: 'samples', examples: [] }), 'strong: samples (100 % of calls)');
  t.equal(signalWords({ name: 'release_surge', strength: 0.6, value: 2.4, meaning: 'surge', examples: [] }), 'clear: surge (2.4× the usual day)');
});
