import canonicalizeModule from 'canonicalize';
import fc from 'fast-check';
import t from 'tap';
import { CanonicalValue, canonicalJson, canonicalOf, contentDigest } from './canonical-json.js';

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
  // Named by index: a raw U+2028 in an assertion's name breaks the TAP stream and hid these assertions.
  samples.forEach((s, i) => t.equal(canonicalJson(s), canonicalize(s), `sample ${i}`));
  t.throws(() => canonicalJson({ n: Infinity }));
  t.equal(contentDigest({ b: 2, a: 1 }), contentDigest({ a: 1, b: 2 }), 'member order does not change the digest');
  t.match(contentDigest('x'), /^sha256:[0-9a-f]{64}$/);
});

t.test('byte-identical to the library on any JSON value, "__proto__" members included', async (t) => {
  t.equal(canonicalJson(JSON.parse('{"b":1,"__proto__":{"x":1}}')), '{"__proto__":{"x":1},"b":1}');
  const key = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', '10', '9', 'é', 'E', '\ud83d\ude00'));
  const value = fc.letrec((tie) => ({
    json: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), fc.array(tie('json'), { maxLength: 4 }), fc.dictionary(key, tie('json'), { maxKeys: 5 })),
  })).json;
  // Through JSON.parse, as the gateway's inputs come: own "__proto__" members, no accessors.
  fc.assert(fc.property(value, (v) => {
    const parsed = JSON.parse(JSON.stringify(v)) as unknown;
    return canonicalJson(parsed) === canonicalize(parsed);
  }));
  t.throws(() => canonicalJson(undefined), TypeError, 'undefined has no canonical form');
});

t.test('a CanonicalValue gives the text and digest of its value, computed once however often it is named', async (t) => {
  fc.assert(fc.property(fc.jsonValue(), (v) => {
    const c = new CanonicalValue(v);
    return canonicalJson(c) === canonicalJson(v) && contentDigest(c) === contentDigest(v) && c.digest === contentDigest(v) && canonicalOf(c) === c;
  }));
  let serialised = 0;
  const c = new CanonicalValue({ messages: [{ toJSON: () => (serialised++, 'hello') }] });
  for (let i = 0; i < 3; i++) {
    contentDigest(c);
    canonicalJson(c);
  }
  t.equal(serialised, 1, 'three records and a store, one serialisation');
  t.equal(JSON.stringify({ request: c }), '{"request":{"messages":["hello"]}}', 'JSON.stringify sees the value');
});
