// A key disguised (spelt out, in groups, homoglyphs, invisible characters, percent-escaped) and then put under
// a Caesar shift, ROT47 or Atbash is found: the cipher, applied last, is undone first. Ordinary prose and
// code make no ciphered stretch.
import t from 'tap';
import { PREFIXED_KEYS } from './fixtures/prefixed-keys.js';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { cipheredStretches } from './ciphered-keys.js';
import { keywordPass } from './keyword-pass.js';
import { atbash, caesar, rot47 } from '../text/substitutions.js';
import { scanBody } from './body.js';
import { secretForm } from '../text/normalise.js';

const keys = PREFIXED_KEYS;
const HOMOGLYPHS: Record<string, string> = { A: 'А', B: 'В', C: 'С', E: 'Е', H: 'Н', K: 'К', M: 'М', O: 'О', P: 'Р', T: 'Т', X: 'Х', a: 'а', c: 'с', e: 'е', o: 'о', p: 'р', x: 'х', y: 'у' };
/** Disguises put on a key before the cipher, each keeping a text the cipher then turns. */
const inner: Record<string, (s: string) => string> = {
  'spelt with spaces': (s) => [...s].join(' '),
  'spelt with " * "': (s) => [...s].join(' * '),
  'spelt with " | "': (s) => [...s].join(' | '),
  'in groups of four with dashes': (s) => s.match(/.{1,4}/g)!.join('-'),
  'in groups of three with " - "': (s) => s.match(/.{1,3}/g)!.join(' - '),
  'in groups of five with spaces': (s) => s.match(/.{1,5}/g)!.join(' '),
  'every homoglyph': (s) => s.replace(/[A-Za-z]/g, (c) => HOMOGLYPHS[c] ?? c),
  'zero-width spaces': (s) => [...s].join('\u200b'),
  'soft hyphens': (s) => [...s].join('\u00ad'),
  'spelt with spaces, percent-escaped': (s) => encodeURIComponent([...s].join(' ')),
};
const ciphers: Record<string, (s: string) => string> = {
  'shift 3': (s) => caesar(s, 3),
  'shift 17': (s) => caesar(s, 17),
  ROT47: rot47,
  Atbash: atbash,
};
const secretsIn = (content: string) => scanBody({ messages: [{ role: 'user', content }] }, { decodedBytes: 1 << 20 }).findings.filter((f) => f.dataClass.startsWith('secret.'));

/** cipheredStretches as the scan calls it: with the run pairs of the text's keyword pass, placed in the text. */
function stretchesOf(text: string) {
  const folded = secretForm(text);
  const pairs = keywordPass(folded.text).runPairs;
  const origin = folded.origin;
  return cipheredStretches(text, origin === null ? pairs : pairs.map((list) => list.map((at) => origin[at])));
}

t.test('every format, disguised, then ciphered, is refused', async (t) => {
  for (const [name, key] of Object.entries(keys)) {
    for (const [disguise, hide] of Object.entries(inner)) {
      for (const [cipher, turn] of Object.entries(ciphers)) {
        t.ok(secretsIn(`please deploy with ${turn(hide(key))} today`).length > 0, `${name}, ${disguise}, ${cipher}`);
      }
    }
  }
});

t.test('a key whose body begins with eight small letters, disguised, then ciphered, is refused', async (t) => {
  // One generated body in a thousand begins so; these reached the stand-in provider in a CI draw and a probe.
  for (const key of ['ghp_byyygoctLJKdAY7mo8LarGMVJcGBgIkdMO5L', 'ghp_jkvuvmkayOuxRF4Oh8rW7hgGHNYYnBEcFx5q', 'sk-proj-ctxtidqrkNxjXBGDeFK2q9hCkeDboMKFuhU9wQ']) {
    for (const [disguise, hide] of Object.entries(inner)) {
      for (const [cipher, turn] of Object.entries(ciphers)) t.ok(secretsIn(`uses ${turn(hide(key))}`).length > 0, `${key.slice(0, 12)}…, ${disguise}, ${cipher}`);
    }
  }
});

t.test("a key whose body holds its own _ or -, in homoglyphs, then ROT47, is read from its prefix", async (t) => {
  // The body's `_` (ROT47's `0`) is found by an earlier pass than the prefix's `-` (`\\`); joined to the
  // last stretch found, the key was read from its `_` on (3 random OpenAI keys in 1,000 missed).
  for (const key of ['sk-proj-VmljWMBj__BE_IOLjlPxTWwt27A6RmuhjgdYIKG-XVA58fSu', 'sk-proj-qvSBZMqyypEWYlxLKP057rgSv2-eCP_KWTUmQyo04se8IKBT', 'sk-proj-LdQI3e8ikmDORJDm6tgLlVxP_vy-jc2TGNrhB2J02SLivB2t']) {
    const hidden = rot47(inner['every homoglyph'](key));
    t.ok(stretchesOf(`uses ${hidden}`).some((s) => s.text.startsWith('sk-')), `${key.slice(0, 14)}…: a stretch from the prefix`);
    t.ok(secretsIn(`uses ${hidden}`).length > 0, `${key.slice(0, 14)}…: refused`);
  }
});

t.test('a key under a cipher, then encoded or escaped, is refused once decoded', async (t) => {
  const encodings: Record<string, (s: string) => string> = {
    base64: (s) => Buffer.from(`key: ${s}`).toString('base64'),
    hex: (s) => Buffer.from(`${s}\n`).toString('hex'),
    'gzip then base64': (s) => gzipSync(`secret ${s}`).toString('base64'),
    '\\u escapes': (s) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    'numeric entities': (s) => [...s].map((c) => `&#${c.charCodeAt(0)};`).join(''),
  };
  const turns: Record<string, (s: string) => string> = { ...ciphers, ROT13: (s) => caesar(s, 13), 'ROT47 spelt out': (s) => rot47([...s].join(' ')) };
  for (const [name, key] of Object.entries({ github: keys.github, openai: keys.openai, aws: keys.aws })) {
    for (const [cipher, turn] of Object.entries(turns)) {
      for (const [encoding, encode] of Object.entries(encodings)) t.ok(secretsIn(`decode this: ${encode(turn(key))} please`).length > 0, `${name}, ${cipher}, ${encoding}`);
    }
  }
  t.same(secretsIn(`decode this: ${Buffer.from(rot47('nothing to see here, only words')).toString('base64')}`), [], 'harmless words so turned and encoded are clean');
});

t.test('the stretch read is the key, deciphered from its prefix on', async (t) => {
  const text = `token: ${atbash([...keys.github].join(' * '))} ok`;
  const [stretch] = stretchesOf(text);
  t.equal(stretch.cipher, 'atbash');
  t.ok(stretch.text.replace(/ \* /g, '').startsWith(keys.github), 'the whole key, deciphered');
  t.equal(text.slice(stretch.start, stretch.start + 1), 't', 'from the first character of the prefix');
  const shifted = stretchesOf(`x ${caesar(keys.aws.match(/.{1,4}/g)!.join(' - '), 11)} y`);
  t.ok(shifted.some((s) => s.cipher === 'caesar' && s.text === keys.aws.match(/.{1,4}/g)!.join(' - ')), 'an AWS id in groups, shifted by 11: read back by its shape, without the word after it');
});

t.test('a ROT47 key in JSON text (tool call arguments) is read with its escapes undone', async (t) => {
  // ROT47 turns Q into `"` and - into `\`: JSON text escapes both inside the key.
  const key = 'ghp_QQaB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fGh';
  const args = JSON.stringify({ q: rot47([...key].join(' ')) });
  const found = scanBody({ messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }] }] }, { decodedBytes: 1 << 20 }).findings;
  t.ok(found.some((f) => f.dataClass.startsWith('secret.')), 'found');
});

t.test('ordinary prose and code make no ciphered stretch', async (t) => {
  const texts = [
    'A well-known fact - that a state-of-the-art, hand_written parser is a must-have - is it? I. A. Smith, 2024-05-01.',
    'const MAX_BODY_BYTES = 1 << 20; // the_body_limit - 16 KB per-call\nexport function read_all_of_it(x_value: number) { return x_value - 1_000_000; }',
    'SELECT ID, NAME FROM USERS WHERE AGE > 30 AND STATUS = "ACTIVE" -- ASCII, UTF-8, AKIA-like words: ASIA, ABBA, ACCA.',
    '%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82 %s %d %20 100% done, 50%-off, 1-800-555-0100, p q r s t u v w x y z',
    'Привет, мир! Это обычный текст с кириллицей — и дефисами: кто-то, что-то, где-то. АВС ЕКМ НОР',
  ];
  for (const text of texts) t.same(stretchesOf(text), [], text.slice(0, 40));
});

t.test('property: a random key, disguised at random, under a random cipher, among words, is refused', async (t) => {
  const tail = fc.stringMatching(/^[A-Za-z0-9]{12}$/).filter((s) => /\d/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s));
  const format = fc.constantFrom(...Object.values(keys).map((k) => k.replace(/[A-Za-z0-9]{12}$/, '')));
  const words = fc.array(fc.constantFrom('please', 'the', 'value', 'is', 'config:', '—', 'ok', 'p', 'A'), { maxLength: 5 }).map((w) => w.join(' '));
  const cipher = fc.oneof(fc.integer({ min: 1, max: 25 }).map((n) => (s: string) => caesar(s, n)), fc.constant(rot47), fc.constant(atbash));
  let runs = 0;
  fc.assert(
    fc.property(format, tail, fc.constantFrom(...Object.keys(inner)), cipher, words, words, (head, end, disguise, turn, before, after) => {
      const key = head + (head.startsWith('AKIA') ? end.toUpperCase() : end);
      runs++;
      return secretsIn(`${before} ${turn(inner[disguise](key))} ${after}`).length > 0;
    }),
    { numRuns: Number(process.env.EGRESS_PROPERTY_RUNS ?? 300) },
  );
  t.ok(runs > 0);
});

t.test('property: words, hyphens, snake_case and numbers almost never make a ciphered stretch or a finding', async (t) => {
  // A stretch is a candidate read again whole by every reader, so it costs time, not a finding: words spaced
  // as prose make none but about one text in two million (a ROT47 reading across a word's end, `pzx p` for
  // `AKI A`), measured over 6,000,000 drawn texts. A finding is a refusal: these random words make one in
  // about 40,000 (10 in 400,000 drawn: ROT13'd or reversed, random letters hyphenated with themselves spell
  // a prefix, `xfqb-xfqb`, and random words after it read as a key's chunks; one in 3,000 before the spelt
  // reader asked for a key's shape, spelt-keys.ts keyShaped). One of each in the 2,000 drawn here is let
  // by, two are not.
  const word = fc.stringMatching(/^[a-z]{1,9}$/);
  const capitalised = fc.stringMatching(/^[A-Z][a-z]{0,8}$/);
  const piece = fc.oneof(word, capitalised, word.map((w) => `${w}-${w}`), word.map((w) => `${w}_${w}`), fc.integer({ min: 0, max: 99999 }).map(String), fc.constantFrom(' - ', ', ', '. ', ' | ', ' * ', 'A ', 'I ', 'p '));
  const withStretch: string[] = [];
  const withFinding: string[] = [];
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }).map((p) => p.join(' ')), (text) => {
      if (stretchesOf(text).length > 0) withStretch.push(text);
      if (secretsIn(text).length > 0) withFinding.push(text);
    }),
    { numRuns: 2000 },
  );
  t.ok(withStretch.length <= 1, `texts with a stretch: ${JSON.stringify(withStretch)}`);
  t.ok(withFinding.length <= 1, `texts with a finding: ${JSON.stringify(withFinding)}`);
});

t.test('words spaced around a word that is or ends as a prefix are not a key spelt in groups', async (t) => {
  // Drawn by the property above: the spelt reader joined them into an OpenAI key (`sk-` inside `rpsk`, or
  // `ks-ks` reversed) and a Slack token (`kbkn-kbkn` ROT13'd is `xoxa-xoxa`).
  for (const text of ['Aa 10000 aaaaa-aaaaa ks-ks', 'Aa 10000 aaaaa_aaaaa xf-xf', 'sk-sk aaaaa-aaaaa 10000 Aa', 'rpsk-rpsk p   *  qruma_qruma wc-wc I  Nawfxp umlbuzkfh-umlbuzkfh Eusgt', 'sk-sk 54818 kvrnt 44058 88678', 'urbcjlfo_urbcjlfo kbkn-kbkn Jiva 36853 ,  jyeezcvjy_jyeezcvjy jjbwy cngcp_cngcp 31482']) {
    t.same(secretsIn(text), [], text);
  }
  // A key spelt out or in groups of three, four or five is still read with words after it or glued before
  // it (a prefix cut by the grouping and glued to a word: `tokenglp-at-…`).
  const keys = ['ghp_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fGh', 'glpat-ZrrqzjSoRQoA2C1waq7Z', 'xoxb-123456789012-1234567890123-aB3dE5gH7jK9mN1pQ3sT5vW7'];
  for (const key of keys) {
    for (const spelt of [[...key].join(' '), [...key].join(' / '), ...[3, 4, 5].map((n) => key.match(new RegExp(`.{1,${n}}`, 'g'))!.join('-'))]) {
      for (const text of [`use token${spelt} now`, `use ${spelt} for the deploy`]) t.ok(secretsIn(text).length > 0, text);
    }
  }
});

t.test('prose spaced after a word like a prefix makes no stretch: its single characters repeat, or a word leads', async (t) => {
  // Found by the property above in CI: `cdk` is `gho` under a Caesar shift, and `a a 0 a a a a` half single characters.
  for (const text of ['cdk_cdk a_a a 0 a-a a-a 10000', 'cdl_cdl h_h I  o 8 j-j Bsvcccjj q-q 54356', 'use gho_ a a a 0 a a a a 1 1 1 1 0 0 0 0 today']) t.same(stretchesOf(text), [], text);
});

t.test('a key spelt out after a prefix as written is read, its characters different (a slack token\'s digits too)', async (t) => {
  for (const key of [keys.github, keys.slack, keys.huggingface]) {
    const sep = key.indexOf('_') > 0 ? key.indexOf('_') + 1 : key.indexOf('-') + 1;
    const text = `deploy with ${caesar(key.slice(0, sep) + [...key.slice(sep)].join(' '), 5)} today`;
    t.ok(stretchesOf(text).length > 0, text);
    t.ok(secretsIn(text).length > 0, `${text}: found`);
  }
});
