import t from 'tap';
import fc from 'fast-check';
import { scanBody } from './body.js';
import { maskBody, maskNonce } from './mask.js';

const limits = { decodedBytes: 1 << 20 };
const nonce = 'c0ffee12';
/** Expected text with the call's nonce in each placeholder. */
const n = (text: string) => text.replace(/\[([A-Z_]+_\d+)\]/g, `[$1#${nonce}]`);
const aws = 'AKIAQ2W3E4R5T6Y7U8I9';
const pii = ['pii.email', 'pii.phone', 'pii.card', 'pii.national_id'];

t.test('each finding becomes a typed placeholder; the same value keeps its number', async (t) => {
  const body = {
    model: 'm',
    messages: [{ role: 'user', content: `use ${aws} and again ${aws}, or AKIAZZZZZZZZZZZZZZZ2; mail jane@example.com` }],
    tools: [{ type: 'function', function: { name: 'f', description: `key ${aws}` } }],
  };
  const { body: out, masked } = await maskBody(body, ['secret.api_key', 'pii.email'], limits, nonce);
  t.same(out, {
    model: 'm',
    messages: [{ role: 'user', content: n('use [AWS_ACCESS_KEY_1] and again [AWS_ACCESS_KEY_1], or [AWS_ACCESS_KEY_2]; mail [EMAIL_1]') }],
    tools: [{ type: 'function', function: { name: 'f', description: n('key [AWS_ACCESS_KEY_1]') } }],
  });
  t.same(masked, [
    { placeholder: n('[AWS_ACCESS_KEY_1]'), data_class: 'secret.api_key', path: 'messages[0].content' },
    { placeholder: n('[AWS_ACCESS_KEY_2]'), data_class: 'secret.api_key', path: 'messages[0].content' },
    { placeholder: n('[EMAIL_1]'), data_class: 'pii.email', path: 'messages[0].content' },
    { placeholder: n('[AWS_ACCESS_KEY_1]'), data_class: 'secret.api_key', path: 'tools[0].function.description' },
  ]);
  t.same(body.messages[0].content.includes(aws), true, 'the caller’s body is not modified');
});

t.test('personal data: emails, phones, card numbers, national ids', async (t) => {
  const text = 'Jane (jane.doe@example.co.uk, +44 20 7946 0958) paid with 4111 1111 1111 1111; SSN 123-45-6789, NINO AB 12 34 56 C.';
  const { body } = await maskBody({ input: text }, pii, limits, nonce);
  t.equal(body.input, n('Jane ([EMAIL_1], [PHONE_1]) paid with [CARD_NUMBER_1]; SSN [US_SSN_1], NINO [UK_NINO_1].'));
});

t.test('disguised, split, encoded and key-borne findings are masked whole', async (t) => {
  const split = await maskBody({ messages: [{ role: 'user', content: `a ${aws.slice(0, 8)}` }, { role: 'user', content: `${aws.slice(8)} b` }] }, ['secret.api_key'], limits, nonce);
  t.same(split.body.messages, [{ role: 'user', content: n('a [AWS_ACCESS_KEY_1]') }, { role: 'user', content: ' b' }]);
  const homoglyph = await maskBody({ input: `x ${aws.replace('A', '\u0410').replace('K', '\u200bK')} y` }, ['secret.api_key'], limits, nonce);
  t.equal(homoglyph.body.input, n('x [AWS_ACCESS_KEY_1] y'));
  const b64 = Buffer.from(`the key is ${aws}`).toString('base64');
  t.equal((await maskBody({ input: `see ${b64} ok` }, ['secret.api_key'], limits, nonce)).body.input, n('see [AWS_ACCESS_KEY_1] ok'));
  const key = await maskBody({ metadata: { [aws]: 'v' } }, ['secret.api_key'], limits, nonce);
  t.same(key.body, { metadata: { [n('[AWS_ACCESS_KEY_1]')]: 'v' } });
  t.same(key.masked, [{ placeholder: n('[AWS_ACCESS_KEY_1]'), data_class: 'secret.api_key', path: 'metadata[key 0] (object key)' }]);
});

t.test('classes not asked for stay as they are', async (t) => {
  const { body, masked } = await maskBody({ input: `${aws} jane@example.com` }, ['pii.email'], limits, nonce);
  t.equal(body.input, n(`${aws} [EMAIL_1]`));
  t.equal(masked.length, 1);
});

t.test('property: after masking, no finding of a masked class is left, and the shape is unchanged', async (t) => {
  const secrets = fc.constantFrom(aws, 'jane@example.com', '+1 415-555-2671', '4111 1111 1111 1111', 'ghp_0123456789abcdefghijABCDEFGHIJ012345');
  const text = fc.tuple(fc.string({ maxLength: 12 }), secrets, fc.string({ maxLength: 12 })).map(([a, s, b]) => `${a} ${s} ${b}`);
  const body = fc.dictionary(fc.constantFrom('input', 'user', 'note', 'x'), fc.oneof(text, fc.array(text, { maxLength: 3 }), fc.integer()), { minKeys: 1 });
  const classes = ['secret.api_key', ...pii];
  await fc.assert(
    fc.asyncProperty(body, async (b) => {
      const { body: out } = await maskBody(b, classes, limits, nonce);
      const shape = (v: unknown): unknown => (typeof v === 'string' ? 's' : Array.isArray(v) ? v.map(shape) : v !== null && typeof v === 'object' ? Object.values(v).map(shape) : v);
      return JSON.stringify(shape(out)) === JSON.stringify(shape(b)) && (await scanBody(out, limits, nonce)).findings.every((f) => !classes.includes(f.dataClass));
    }),
    { numRuns: 500 },
  );
});

t.test('whole values: a finding glued to more of a value takes all of it, and nothing of it is left', async (t) => {
  const glued = await maskBody({ input: `creds ${aws}jane@example.com, ok` }, ['secret.api_key', 'pii.email'], limits, nonce);
  t.equal(glued.body.input, n('creds [AWS_ACCESS_KEY_1], ok'), 'the e-mail glued to the key goes with it');
  const emailFirst = await maskBody({ input: `x jane@example.com${aws} y` }, ['secret.api_key', 'pii.email'], limits, nonce);
  t.notMatch(emailFirst.body.input, /jane|example|AKIA/);
  const padded = await maskBody({ input: `AccountKey=${'Ab1+'.repeat(21)}Ab== end` }, ['secret.api_key'], limits, nonce);
  t.equal(padded.body.input, n('[AZURE_STORAGE_KEY_1] end'));
  const sentence = await maskBody({ input: 'write to jane@example.com. Then stop.' }, ['pii.email'], limits, nonce);
  t.equal(sentence.body.input, n('write to [EMAIL_1]. Then stop.'), "a sentence's full stop is not part of the value");
});

t.test('placeholders carry the call nonce: a caller cannot forge one', async (t) => {
  const { body, masked } = await maskBody({ input: `[EMAIL_1] is not jane@example.com` }, ['pii.email'], limits, nonce);
  t.equal(body.input, `[EMAIL_1] is not [EMAIL_1#${nonce}]`, "the caller's look-alike stays as written, the masked value has the nonce");
  t.same(masked.map((m) => m.placeholder), [`[EMAIL_1#${nonce}]`]);
  await t.rejects(maskBody({ input: 'x' }, ['pii.email'], limits, 'guess'), { message: /8 hex digits/ });
  t.not(maskNonce(), maskNonce(), 'drawn afresh');
  t.match(maskNonce(), /^[0-9a-f]{8}$/);
});
