import canonicalizeModule from 'canonicalize';
import t from 'tap';
import { canonicalJson, contentDigest } from './canonical-json.js';

const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

t.test('matches the RFC 8785 reference library', async (t) => {
  const samples: unknown[] = [
    { b: 1, a: [3, { z: null, y: 'é\u2028"\\' }], c: 1e21, d: 0.1, e: -0, f: true },
    { '10': 1, '9': 2, x: { '1': 'a', b: 'c' } },
    { '\u00e9': 1, e: 2, E: 3, '\ud83d\ude00': 4, '\ufb33': 5 },
    [1, 'two', [], {}, { nested: { deeper: { k2: 2, k1: 1 } } }],
    'just a string',
    42.5,
    { date: new Date(0), skip: undefined },
  ];
  for (const s of samples) t.equal(canonicalJson(s), canonicalize(s), JSON.stringify(s) ?? String(s));
  t.throws(() => canonicalJson({ n: Infinity }));
  t.equal(contentDigest({ b: 2, a: 1 }), contentDigest({ a: 1, b: 2 }), 'member order does not change the digest');
  t.match(contentDigest('x'), /^sha256:[0-9a-f]{64}$/);
});
