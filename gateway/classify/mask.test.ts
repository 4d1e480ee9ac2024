import t from 'tap';
import fc from 'fast-check';
import { scanBody } from './body.js';
import { maskBody } from './mask.js';

const limits = { decodedBytes: 1 << 20 };
const aws = 'AKIAQ2W3E4R5T6Y7U8I9';
const pii = ['pii.email', 'pii.phone', 'pii.card', 'pii.national_id'];

t.test('each finding becomes a typed placeholder; the same value keeps its number', async (t) => {
  const body = {
    model: 'm',
    messages: [{ role: 'user', content: `use ${aws} and again ${aws}, or AKIAZZZZZZZZZZZZZZZ2; mail jane@example.com` }],
    tools: [{ type: 'function', function: { name: 'f', description: `key ${aws}` } }],
  };
  const { body: out, masked } = await maskBody(body, ['secret.api_key', 'pii.email'], limits);
  t.same(out, {
    model: 'm',
    messages: [{ role: 'user', content: 'use [AWS_ACCESS_KEY_1] and again [AWS_ACCESS_KEY_1], or [AWS_ACCESS_KEY_2]; mail [EMAIL_1]' }],
    tools: [{ type: 'function', function: { name: 'f', description: 'key [AWS_ACCESS_KEY_1]' } }],
  });
  t.same(masked, [
    { placeholder: '[AWS_ACCESS_KEY_1]', data_class: 'secret.api_key', path: 'messages[0].content' },
    { placeholder: '[AWS_ACCESS_KEY_2]', data_class: 'secret.api_key', path: 'messages[0].content' },
    { placeholder: '[EMAIL_1]', data_class: 'pii.email', path: 'messages[0].content' },
    { placeholder: '[AWS_ACCESS_KEY_1]', data_class: 'secret.api_key', path: 'tools[0].function.description' },
  ]);
  t.same(body.messages[0].content.includes(aws), true, 'the caller’s body is not modified');
});

t.test('personal data: emails, phones, card numbers, national ids', async (t) => {
  const text = 'Jane (jane.doe@example.co.uk, +44 20 7946 0958) paid with 4111 1111 1111 1111; SSN 123-45-6789, NINO AB 12 34 56 C.';
  const { body } = await maskBody({ input: text }, pii, limits);
  t.equal(body.input, 'Jane ([EMAIL_1], [PHONE_1]) paid with [CARD_NUMBER_1]; SSN [US_SSN_1], NINO [UK_NINO_1].');
});

t.test('disguised, split, encoded and key-borne findings are masked whole', async (t) => {
  const split = await maskBody({ messages: [{ role: 'user', content: `a ${aws.slice(0, 8)}` }, { role: 'user', content: `${aws.slice(8)} b` }] }, ['secret.api_key'], limits);
  t.same(split.body.messages, [{ role: 'user', content: 'a [AWS_ACCESS_KEY_1]' }, { role: 'user', content: ' b' }]);
  const homoglyph = await maskBody({ input: `x ${aws.replace('A', '\u0410').replace('K', '\u200bK')} y` }, ['secret.api_key'], limits);
  t.equal(homoglyph.body.input, 'x [AWS_ACCESS_KEY_1] y');
  const b64 = Buffer.from(`the key is ${aws}`).toString('base64');
  t.equal((await maskBody({ input: `see ${b64} ok` }, ['secret.api_key'], limits)).body.input, 'see [AWS_ACCESS_KEY_1] ok');
  const key = await maskBody({ metadata: { [aws]: 'v' } }, ['secret.api_key'], limits);
  t.same(key.body, { metadata: { '[AWS_ACCESS_KEY_1]': 'v' } });
  t.same(key.masked, [{ placeholder: '[AWS_ACCESS_KEY_1]', data_class: 'secret.api_key', path: 'metadata[key 0] (object key)' }]);
});

t.test('classes not asked for stay as they are', async (t) => {
  const { body, masked } = await maskBody({ input: `${aws} jane@example.com` }, ['pii.email'], limits);
  t.equal(body.input, `${aws} [EMAIL_1]`);
  t.equal(masked.length, 1);
});

t.test('property: after masking, no finding of a masked class is left, and the shape is unchanged', async (t) => {
  const secrets = fc.constantFrom(aws, 'jane@example.com', '+1 415-555-2671', '4111 1111 1111 1111', 'ghp_0123456789abcdefghijABCDEFGHIJ012345');
  const text = fc.tuple(fc.string({ maxLength: 12 }), secrets, fc.string({ maxLength: 12 })).map(([a, s, b]) => `${a} ${s} ${b}`);
  const body = fc.dictionary(fc.constantFrom('input', 'user', 'note', 'x'), fc.oneof(text, fc.array(text, { maxLength: 3 }), fc.integer()), { minKeys: 1 });
  const classes = ['secret.api_key', ...pii];
  await fc.assert(
    fc.asyncProperty(body, async (b) => {
      const { body: out } = await maskBody(b, classes, limits);
      const shape = (v: unknown): unknown => (typeof v === 'string' ? 's' : Array.isArray(v) ? v.map(shape) : v !== null && typeof v === 'object' ? Object.values(v).map(shape) : v);
      return JSON.stringify(shape(out)) === JSON.stringify(shape(b)) && (await scanBody(out, limits)).findings.every((f) => !classes.includes(f.dataClass));
    }),
    { numRuns: 500 },
  );
});
