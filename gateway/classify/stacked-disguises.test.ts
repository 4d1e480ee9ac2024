// Disguises stacked (issue 23's hidden-disguise aim): each reading is fed to the others, so a key spelt out
// and then ROT13'd or reversed, homoglyphs put in before ROT13, percent-encoding by code point, and a key
// in any of the string disguises cut across turns with words between are found; a fast-check property
// over random key × stack × placement; the same stacks over harmless words stay clean.
import t from 'tap';
import fc from 'fast-check';
import { scanBody } from './body.js';
import { codePointEscapes } from '../text/encoded-runs.js';
import { disguises, oneStringDisguises, prefixDisguises, stackedDisguises } from '../../test/egress/scrambles.js';

const limits = { decodedBytes: 1 << 20 };
const secretsIn = (body: unknown) => scanBody(body, limits).findings.filter((f) => f.dataClass.startsWith('secret.'));
const said = (content: string) => ({ messages: [{ role: 'user', content }] });

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const chars = (alphabet: string, n: number) => fc.array(fc.integer({ min: 0, max: alphabet.length - 1 }), { minLength: n, maxLength: n }).map((xs) => xs.map((x) => alphabet[x]).join(''));
// Random characters ending in a digit and both cases, as a live key has.
const body = (n: number) => chars(ALNUM, n - 3).map((s) => s + 'q7Z');
const keys = fc.oneof(
  chars(UPPER, 16).map((s) => `AKIA${s}`),
  body(36).map((s) => `ghp_${s}`),
  body(20).map((s) => `glpat-${s}`),
  body(28).map((s) => `sk_live_${s}`),
  body(48).map((s) => `sk-proj-${s}`),
  body(34).map((s) => `hf_${s}`),
  body(35).map((s) => `AIza${s}`),
);
const words = fc.array(fc.constantFrom('please', 'debug', 'the', 'deploy', 'config', 'fails', 'with', 'this', 'value', '—', 'ok?'), { minLength: 1, maxLength: 8 }).map((w) => w.join(' '));
const turns = fc.array(words, { maxLength: 4 });

type Placement = (disguised: string, cut: number, before: string, after: string, between: string[]) => unknown;
const placements: Record<string, Placement> = {
  'in prose': (d, _cut, before, after) => said(`${before} ${d} ${after}`),
  'an Anthropic system block': (d) => ({ system: [{ type: 'text', text: d }], messages: [{ role: 'user', content: 'hi' }] }),
  'cut across turns with words between': (d, cut, before, after, between) => {
    const at = 1 + Math.floor(cut * (d.length - 2));
    return { messages: [{ role: 'user', content: `${before} ${d.slice(0, at)}` }, ...between.map((content, i) => ({ role: i % 2 ? 'user' : 'assistant', content })), { role: 'user', content: `${d.slice(at)} ${after}` }] };
  },
};

for (const [name, stack] of Object.entries(stackedDisguises)) {
  t.test(`${name}: found in prose`, async (t) => {
    for (const key of ['AKIAQ2W3E4R5T6Y7U8I2', 'ghp_a1B2c3D4e5F6g7H8i9J0a1B2c3D4e5F6g7H8', 'sk_live_Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9v']) t.ok(secretsIn(said(`please debug ${stack(key)} thanks`)).length > 0, key);
  });
}

t.test('the string disguises cut across turns with words between are joined', async (t) => {
  const key = 'sk_live_Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9v';
  for (const [name, disguise] of Object.entries({ ...disguises, ...prefixDisguises })) {
    const d = disguise(key);
    const at = d.length >> 1;
    t.ok(secretsIn({ messages: [{ role: 'user', content: `see ${d.slice(0, at)}` }, { role: 'assistant', content: 'ok' }, { role: 'user', content: 'and the rest' }, { role: 'user', content: `${d.slice(at)} thanks` }] }).length > 0, name);
  }
});

t.test('property: a random key under a random stack, placed anywhere, is found', async () => {
  fc.assert(
    fc.property(keys, fc.constantFrom(...Object.keys(stackedDisguises)), fc.constantFrom(...Object.keys(placements)), fc.double({ min: 0, max: 1, noNaN: true }), words, words, turns, (key, stack, place, cut, before, after, between) => {
      // Not read (README): a Hugging Face key spelt out and then reversed (its reversed prefix, `_fh`, is
      // two letters after a separator, too common a sign to read spaced runs at).
      fc.pre(!(key.startsWith('hf_') && stack.includes('reversed')));
      return secretsIn(placements[place](stackedDisguises[stack](key), cut, before, after, between)).length > 0;
    }),
    { numRuns: 300 },
  );
});

t.test('the same stacks over harmless words stay clean', async (t) => {
  for (const [name, stack] of Object.entries(stackedDisguises)) {
    for (const text of ['the quarterly figures are attached', 'sk is short for sketch', 'fix the tuc and the AIKA toolkit']) t.same(secretsIn(said(`note: ${stack(text)}`)), [], `${name}: ${text}`);
  }
});

t.test('percent escapes by code point: a second reading only where an escape is longer than a byte', async (t) => {
  t.equal(codePointEscapes('%41%42%43'), null, 'bytes only: no second reading');
  t.equal(codePointEscapes('%uFF21%uFF22'), 'ＡＢ', "escape()'s %u");
  t.equal(codePointEscapes('%ff21%200b%41'), 'Ａ\u200bA', 'the code point written after %');
  t.equal(codePointEscapes('%41%20xyz%2F'), null, 'letters after a byte escape are not part of it');
});

t.test('property: a random key under a stack read within one string, in prose or a system block, is found', async () => {
  fc.assert(
    fc.property(keys, fc.constantFrom(...Object.keys(oneStringDisguises)), fc.constantFrom('in prose', 'an Anthropic system block'), words, words, (key, stack, place, before, after) => {
      return secretsIn(placements[place](oneStringDisguises[stack](key), 0, before, after, [])).length > 0;
    }),
    { numRuns: 300 },
  );
});

t.test('the stacks read within one string over harmless words stay clean', async (t) => {
  for (const [name, stack] of Object.entries(oneStringDisguises)) {
    for (const text of ['the quarterly figures are attached', 'sk is short for sketch', 'fix the tuc and the AIKA toolkit']) t.same(secretsIn(said(`note: ${stack(text)}`)), [], `${name}: ${text}`);
  }
});
