// The secret scrubber: exact values, hashed tokens, bearer credentials, and text arriving in pieces.
import t from 'tap';
import fc from 'fast-check';
import { hashSecret } from '../core/secret-hash.js';
import { REDACTED, SecretScrubber } from './scrubber.js';

const secret = fc.stringMatching(/^[A-Za-z0-9_-]{12,60}$/);
const text = fc.string({ maxLength: 200 });

t.test('an exact secret never survives, wherever it sits', async (t) => {
  fc.assert(
    fc.property(secret, text, text, text, (s, a, b, c) => {
      const out = new SecretScrubber({ secrets: [s] }).scrub(a + s + b + s + c);
      return !out.includes(s);
    }),
  );
  const s = new SecretScrubber({ secrets: ['sk-provider-0123456789', 'sk-provider-0123456789-long', 'short'] });
  t.equal(s.scrub('key sk-provider-0123456789-long!'), `key ${REDACTED}!`, 'the longer secret is removed whole');
  t.equal(s.scrub('short stays'), 'short stays', 'values shorter than 12 characters are not treated as secrets');
});

t.test('text without a secret or a bearer credential is unchanged', async (t) => {
  const s = new SecretScrubber({ secrets: ['sk-provider-0123456789'] });
  fc.assert(fc.property(text, (x) => /bearer/i.test(x) || x.includes('sk-provider-0123456789') || s.scrub(x) === x));
  t.equal(s.scrubExact('Authorization: Bearer YOUR_TOKEN'), 'Authorization: Bearer YOUR_TOKEN', 'model output keeps the word');
});

t.test('the value after Bearer is removed, in any case and spacing', async (t) => {
  const s = new SecretScrubber();
  t.equal(s.scrub('Authorization: Bearer abc.def-ghi'), `Authorization: Bearer ${REDACTED}`);
  t.equal(s.scrub('{"h":"bearer\\tXYZ123"}'), `{"h":"bearer\\t${REDACTED}"}`);
  t.equal(s.scrub(`Bearer ${REDACTED}`), `Bearer ${REDACTED}`, 'idempotent');
  fc.assert(fc.property(secret, (v) => !s.scrub(`auth: BEARER  ${v} end`).includes(v)));
});

t.test('tokens known only by their hash are recognised', async (t) => {
  const token = 'tga-' + 'Q'.repeat(10) + 'x_y-z0123456789';
  const s = new SecretScrubber({ hashes: [hashSecret(token)] });
  t.equal(s.scrub(`{"token":"${token}","other":"tga-not-the-token-0123"}`), `{"token":"${REDACTED}","other":"tga-not-the-token-0123"}`);
  t.equal(s.scrubExact(token), token, 'hashes are for answers and logs, not provider bodies');
});

t.test('headers: every value, arrays too', async (t) => {
  const s = new SecretScrubber({ secrets: ['sk-provider-0123456789'] });
  t.same(s.scrubHeaders({ 'x-request-id': 'sk-provider-0123456789', 'set-cookie': ['a=Bearer q1w2e3r4'], n: undefined }), {
    'x-request-id': REDACTED,
    'set-cookie': [`a=Bearer ${REDACTED}`],
    n: undefined,
  });
});

t.test('a stream split anywhere gives what the whole text gives, and holds back only a possible secret start', async (t) => {
  fc.assert(
    fc.property(secret, text, text, fc.array(fc.nat(), { maxLength: 6 }), (s, a, b, cuts) => {
      const scrubber = new SecretScrubber({ secrets: [s] });
      const whole = a + s + b;
      const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((x, y) => x - y);
      const pieces = points.map((p, i) => whole.slice(i === 0 ? 0 : points[i - 1], p)).concat(whole.slice(points.at(-1) ?? 0));
      const stream = scrubber.stream();
      const out = pieces.map((p) => stream.push(p)).join('') + stream.end();
      return out === scrubber.scrubExact(whole) && !out.includes(s);
    }),
  );
  const stream = new SecretScrubber({ secrets: ['sk-provider-0123456789'] }).stream();
  t.equal(stream.push('data: {"x":1}\n\n'), 'data: {"x":1}\n\n', 'a complete event passes at once');
  t.equal(stream.push('id sk-prov'), 'id ', 'a possible secret start waits');
  t.equal(stream.push('ider-0123456789 done'), `${REDACTED} done`);
});
