import t from 'tap';
import fc from 'fast-check';
import { CanonicalValue, canonicalDigest, canonicalJson } from './canonical-json.js';
import { serialiseOffThread } from './canonical-thread.js';

t.test('the thread gives the same canonical text, digest and forwarded JSON as the event loop, byte for byte', async () => {
  await fc.assert(
    fc.asyncProperty(fc.jsonValue(), fc.jsonValue(), async (logged, forwarded) => {
      const wrapped = new CanonicalValue(logged);
      const json = await serialiseOffThread(wrapped, forwarded);
      const text = canonicalJson(logged);
      return json === JSON.stringify(forwarded) && wrapped.primed && wrapped.text === text && wrapped.digest === canonicalDigest(text);
    }),
    { numRuns: 60 },
  );
});

t.test('a multi-MB request with keys out of order, index-like keys and non-ASCII text', async (t) => {
  const prose = 'Grüße "quoted" \u2028 line\n'.repeat(200_000);
  const body = JSON.parse(JSON.stringify({ stream: false, model: 'm', messages: [{ role: 'user', content: prose }], '10': 'index-like key', ['__proto__']: { own: 1 } })) as Record<string, unknown>;
  const wrapped = new CanonicalValue(body);
  const json = await serialiseOffThread(wrapped, body);
  t.ok(wrapped.primed);
  t.equal(wrapped.digest, canonicalDigest(canonicalJson(body)));
  t.equal(json, JSON.stringify(body));
});

t.test('a value whose digest is known is not made canonical again; a value the thread cannot take is left to the event loop', async (t) => {
  const wrapped = new CanonicalValue({ a: 1 });
  const digest = wrapped.digest;
  t.equal(await serialiseOffThread(wrapped, { b: 2 }), '{"b":2}');
  t.equal(wrapped.digest, digest);
  const uncloneable = new CanonicalValue({ f: () => 1 });
  t.equal(await serialiseOffThread(uncloneable, { g: () => 2 }), null);
  t.notOk(uncloneable.primed);
  t.equal(uncloneable.text, '{}');
});
