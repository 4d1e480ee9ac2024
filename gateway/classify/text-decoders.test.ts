// The disguises of issue 23 (#4) undone: ROT13, reversal, both, keys typed to the side, separators varied, escapes written as text, base32,
// gzip and deflate inside base64, base64 nested three deep; a fast-check property over secret ×
// disguise; ordinary text with the signs of a disguise stays clean.
import t from 'tap';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { scanBody } from './body.js';
import { base32Spans } from '../text/encoded-runs.js';
import { atbash, caesar, keysLeft, keysRight, rot13, rot47, reversed } from '../text/substitutions.js';
import { unscrambled } from './text-decoders.js';
import { b64, disguises, letterDisguises, prefixDisguises } from '../../test/egress/scrambles.js';

const limits = { decodedBytes: 1 << 20 };
const secretsIn = (text: string) => scanBody({ messages: [{ role: 'user', content: text }] }, limits).findings.filter((f) => f.dataClass.startsWith('secret.'));

const keys = {
  aws: () => 'AKIA' + 'Q2W3E4R5T6Y7U8I2',
  github: () => 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0'.repeat(2).slice(0, 36),
  openai: () => 'sk-proj-' + 'Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY',
};

for (const [name, disguise] of Object.entries(disguises)) {
  t.test(`${name}: found`, async (t) => {
    for (const [kind, key] of Object.entries(keys)) t.ok(secretsIn(`please debug ${disguise(key())} thanks`).length > 0, kind);
  });
}

t.test('a ROT13 or reversed finding keeps its exact place', async (t) => {
  const text = `x ${rot13(keys.aws())} y`;
  const [f] = secretsIn(text);
  t.same(text.slice(f.spans[0].start, f.spans[0].end), rot13(keys.aws()));
  const back = `x ${reversed(keys.aws())} y`;
  const [g] = secretsIn(back);
  t.same(back.slice(g.spans[0].start, g.spans[0].end), reversed(keys.aws()));
});

t.test('text with the signs of a disguise but none inside stays clean', async (t) => {
  for (const text of ['&#169; 2026 &#x2014; all rights &#174;', 'printf("\\x1b[0m\\x1b[1m\\x1b[2m")', 'const s = "\\u00e9\\u00e8\\u00ea";', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 'the SUBSCRIPTIONSANDRENEWALSSECTIONTWO clause', 'AIKA is a name; fx-series amps; tuc_ is not a word', b64(gzipSync('just some ordinary words here'))]) {
    t.same(secretsIn(text), [], text);
  }
});

t.test('a sign of a scrambled prefix counts only in the case the prefix is written in (armour in any case)', async (t) => {
  // `_su` is `hf_` ROT13'd and reversed; `NOT_SUPPORTED` holds it with its letters in the other case.
  t.same(unscrambled('const e = NOT_SUPPORTED; if (x) throw e;'), [], 'NOT_SUPPORTED opens no reading');
  t.same(unscrambled('STATUS_TEXT'), [], 'STATUS_TEXT (`us_`, `hf_` ROT13\'d, folded) opens none');
  t.equal(unscrambled('here: us_AbCdEf').length, 1, 'us_ as written opens one');
  t.ok(unscrambled('----- ortva cevingr xrl -----').length > 0, 'armour ROT13\'d in small letters opens one');
  const key = 'hf_' + 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3';
  t.ok(secretsIn(`x ${reversed(rot13(key))} y`).length > 0, 'a Hugging Face key ROT13\'d and reversed is still found');
});

t.test('a gzip bomb inside base64 is not inflated past the cap', async (t) => {
  const bomb = b64(gzipSync(Buffer.alloc(8 << 20, 0x41)));
  t.ok(bomb.length < 64 * 1024);
  const t0 = performance.now();
  t.same(secretsIn(bomb), []);
  t.ok(performance.now() - t0 < 10_000, 'returns');
});

t.test('property: a random AWS key in a random disguise anywhere in random prose is found', async (t) => {
  const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const aws = fc.array(fc.integer({ min: 0, max: 31 }), { minLength: 16, maxLength: 16 }).map((xs) => 'AKIA' + xs.map((x) => upper[x]).join(''));
  const words = fc.array(fc.constantFrom('the', 'deploy', 'key', 'is', 'here', 'and', 'then', 'ok', '42', '—'), { maxLength: 8 }).map((w) => w.join(' '));
  fc.assert(
    fc.property(aws, fc.constantFrom(...Object.keys(disguises)), words, words, (key, name, before, after) => secretsIn(`${before} ${disguises[name](key)} ${after}`).length > 0),
    { numRuns: 200 },
  );
});

t.test('a key spelt with long runs of spaces, with asterisks, or in groups of five is found', async (t) => {
  const key = keys.aws();
  for (const text of [[...key].join('    '), [...key].join('*'), [...key].join(' * '), key.match(/.{1,5}/g)!.join(' '), key.match(/.{1,5}/g)!.join('-')]) {
    t.ok(secretsIn(`the key: ${text} ok`).length > 0, text);
  }
  t.same(secretsIn('ASIA 2025 SUMMIT: the TRADE AND GROWTH * OF THE * NEXT DECADE'), [], 'capitals and asterisks in prose');
});

// Each separator an insider might pick, varied from one character to the next (each alone is also read by
// interleaved-keys.ts; varied, only the spelt-out reading sees through them).
const VARIED = [' ', '-', '.', ' | ', ', ', ' * ', '  ', ' - ', '/', ':', '~', ' / ', '+', '=', '!', '?', '^', '#', '&', '@', '$', '\\', ';'];
t.test('property: a key spelt with separators varying in kind and length is found', async (t) => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const body = (n: number) => fc.array(fc.integer({ min: 0, max: chars.length - 1 }), { minLength: n - 3, maxLength: n - 3 }).map((xs) => xs.map((x) => chars[x]).join('') + 'q7Z');
  const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const key = fc.oneof(body(36).map((b) => `ghp_${b}`), body(28).map((b) => `sk_live_${b}`), body(40).map((b) => `sk-proj-${b}`), fc.array(fc.integer({ min: 0, max: 31 }), { minLength: 16, maxLength: 16 }).map((xs) => 'AKIA' + xs.map((x) => upper[x]).join('')));
  const spelt = key.chain((k) => fc.array(fc.constantFrom(...VARIED), { minLength: k.length - 1, maxLength: k.length - 1 }).map((seps) => [...k].map((c, i) => (i > 0 ? seps[i - 1] : '') + c).join('')));
  const words = fc.array(fc.constantFrom('the', 'deploy', 'token', 'is', 'here', 'and', 'then', 'ok', '42', '—'), { maxLength: 6 }).map((w) => w.join(' '));
  fc.assert(
    fc.property(spelt, words, words, (text, before, after) => secretsIn(`${before} ${text} ${after}`).length > 0),
    { numRuns: 300 },
  );
});

// Invisible characters among them: the secret form removes those and glues their neighbours into groups too
// long to be spelt (`A~K\u200bI\u200bA`), so a string holding any is read again with each of them a space.
const INVISIBLE = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad'];
t.test('property: a key spelt with separators varying, invisible characters among them, is found and masked whole', async (t) => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const body = (n: number) => fc.array(fc.integer({ min: 0, max: chars.length - 1 }), { minLength: n - 3, maxLength: n - 3 }).map((xs) => xs.map((x) => chars[x]).join('') + 'q7Z');
  const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const key = fc.oneof(body(36).map((b) => `ghp_${b}`), body(40).map((b) => `sk-proj-${b}`), fc.array(fc.integer({ min: 0, max: 31 }), { minLength: 16, maxLength: 16 }).map((xs) => 'AKIA' + xs.map((x) => upper[x]).join('')));
  const separator = fc.oneof(fc.constantFrom(...VARIED), fc.constantFrom(...INVISIBLE), fc.tuple(fc.constantFrom(...INVISIBLE), fc.constantFrom(...VARIED)).map(([a, b]) => a + b));
  const spelt = key.chain((k) => fc.array(separator, { minLength: k.length - 1, maxLength: k.length - 1 }).map((seps) => [...k].map((c, i) => (i > 0 ? seps[i - 1] : '') + c).join('')));
  fc.assert(
    fc.property(spelt, (text) => {
      const found = secretsIn(`the token ${text} is here`);
      // Masked whole: one finding covers the key from its first character to its last.
      return found.some((f) => f.spans.length === 1 && f.spans[0].start <= 10 && f.spans[0].end >= 10 + text.length);
    }),
    { numRuns: 300 },
  );
});

t.test('prose with soft hyphens, zero-width joiners and spaces stays clean', async (t) => {
  for (const text of [
    'Die Zu\u00adsam\u00admen\u00adar\u00adbeit der Ab\u00adtei\u00adlun\u00adgen ist ak\u00adtu\u00adell gut: sk\u00adip, AK\u00adIA\u00adRE ist ein Name.',
    'family \u{1f468}\u200d\u{1f469}\u200d\u{1f467} and a\u200bb\u200bc\u200bd e\u200bf gh ij kl mn',
    's\u200bk\u200b-\u200bp\u200br\u200bo\u200bj is how the prefix reads, then the rest of the sentence',
  ]) t.same(secretsIn(text), [], JSON.stringify(text));
});

t.test('prose and code with those separators between short words stay clean', async (t) => {
  for (const text of ['and/or a+b=c ~ok~ #tag @user $5 !!! what? x^2 & y; see a/b/c/d', 'g/h/p is how a path reads: s/k/-/p/r/o/j', 'A~K~I~A is a name, and so is A/K/I/A', 'npm i && npm t; git co -b x/y/z', 'curl -H "a: b" http://h/a/b?c=1&d=2#e']) {
    t.same(secretsIn(text), [], text);
  }
});

t.test('a key typed one key to the side is found, and the prefixes so typed in ordinary text open none', async (t) => {
  for (const [kind, key] of Object.entries(keys)) {
    for (const [side, typed] of [['right', keysRight], ['left', keysLeft]] as const) {
      const text = `the value ${typed(key())}, thanks`;
      const found = secretsIn(text);
      t.ok(found.length > 0, `${kind}, ${side}: ${typed(key())}`);
      // A shift left types a row's first key for itself (`AKIA` as `AJUA`): the prefix is read back whole. The
      // comma after the key reads back as a letter (`m`) and joins it where its format's length is open.
      if (found.length > 0) t.match(text.slice(found[0].spans[0].start, found[0].spans[0].end), new RegExp(`^${typed(key()).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},?$`), `${kind}, ${side}: placed on the key`);
    }
  }
  for (const text of ['SLOSH and AJUAN are words; dl=1 and aj0 and jg+ too', 'x = hj[+1]; y = m[,+2]', 'fgo) fgi) gd) bon) zizv0 — all short, none before a key', 'SOLS and +[jh and )ogf reversed, none after a key']) t.same(secretsIn(text), [], text);
});

// Typed to the side and ciphered, in either order: each composition's prefixes are signs of their own.
const SUBSTITUTIONS = { rot13, rot47, atbash };
const SHIFTS = { right: keysRight, left: keysLeft };
t.test('a key typed to the side and ROT13\'d, ROT47\'d or Atbash\'d, in either order, is found and placed on the key', async (t) => {
  const all = { ...keys, google: () => 'AIza' + 'SyB1xQ2c9ZpK8mLrT5vWn3Y0dFgHjK4lOeU', slack: () => 'xoxb-' + '123456789012-123456789012-' + 'AbCdEfGhIjKlMnOpQrStUvWx' };
  for (const [kind, key] of Object.entries(all)) {
    for (const [sub, cipher] of Object.entries(SUBSTITUTIONS)) {
      for (const [side, typed] of Object.entries(SHIFTS)) {
        // ROT47'd and then typed to the side: a row's edge types as itself and as its neighbour (`"` typed
        // right is `"` or `:`), read back as the one that deciphers to a key's character (AWS: a capital).
        for (const [order, disguised] of [['typed, then ' + sub, cipher(typed(key()))], [sub + ', then typed', typed(cipher(key()))]] as const) {
          const text = `the value ${disguised} thanks`;
          const found = secretsIn(text);
          t.ok(found.length > 0, `${kind}, ${side}, ${order}: ${disguised}`);
          if (found.length > 0) t.same([found[0].spans[0].start, found[0].spans[0].end], [10, 10 + disguised.length], `${kind}, ${side}, ${order}: placed`);
        }
      }
    }
  }
});

t.test('a key typed to the side and ROT47\'d, either order, held in JSON text, is found (the quote before it reads as a letter; a prefix so composed that holds a quote or backslash is a sign escaped too)', async (t) => {
  const all = { ...keys, google: () => 'AIza' + 'SyB1xQ2c9ZpK8mLrT5vWn3Y0dFgHjK4lOeU', stripe: () => 'sk_live_' + 'Ab3dE5fG7hJ9kL1mN3pQ5rS7' };
  for (const [kind, key] of Object.entries(all)) {
    for (const typed of [keysRight, keysLeft]) {
      for (const disguised of [rot47(typed(key())), typed(rot47(key()))]) t.ok(secretsIn(JSON.stringify({ cfg: { token: disguised } })).length > 0, `${kind}: ${disguised}`);
    }
  }
});

t.test('prose and code holding the composed prefixes, not before a key, stay clean', async (t) => {
  for (const text of ['x = id+offset; y = id+1; FYBF and UIBF are names', 'the id+ value, uw[+ and yi_ are short', 'ticket FYBF-1234 was closed; see UIBF 22']) t.same(secretsIn(text), [], text);
});

t.test('a key ROT13\'d or under a Caesar shift and then written twice is found (the doubled run read again by the ciphers)', async (t) => {
  for (const [kind, key] of Object.entries(keys)) {
    for (const [name, turn] of [['ROT13', rot13], ['shift 5', (s: string) => caesar(s, 5)], ['shift 22', (s: string) => caesar(s, 22)]] as const) {
      t.ok(secretsIn(`the value ${turn(key()).replace(/./g, (c) => c + c)} thanks`).length > 0, `${kind}, ${name}`);
    }
  }
});

t.test('a key typed to the side and then reversed, written twice or spelt out is found', async (t) => {
  for (const [kind, key] of Object.entries(keys)) {
    for (const [side, typed] of [['right', keysRight], ['left', keysLeft]] as const) {
      const then: Record<string, (s: string) => string> = { reversed, 'written twice': (s) => s.replace(/./g, (c) => c + c), 'spelt with spaces': (s) => [...s].join(' ') };
      for (const [name, turn] of Object.entries(then)) t.ok(secretsIn(`the value ${turn(typed(key()))} thanks`).length > 0, `${kind}, ${side}, ${name}`);
    }
  }
});

t.test('property: the base32 scan finds exactly what its pattern finds', async () => {
  const piece = fc.constantFrom('A', 'Z', '2', '7', '8', '1', 'a', '=', ' ', 'MFRGGZDFMZTWQ2LKNNWG23TP', 'ABCDEFGHIJKLMNOPQRSTUVW', '\n');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 30 }).map((p) => p.join('')), (s) => {
      const expected = [...s.matchAll(/[A-Z2-7]{24,}={0,6}/g)].map((m) => [m.index!, m.index! + m[0].length]);
      return JSON.stringify(base32Spans(s)) === JSON.stringify(expected);
    }),
    { numRuns: 3000 },
  );
});

const prefixedKeys = {
  github: () => 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0'.repeat(2).slice(0, 36),
  stripe: () => 'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc51Ab',
  openai: () => 'sk-proj-' + 'Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY',
};
for (const [name, disguise] of Object.entries(prefixDisguises)) {
  t.test(`${name}: found`, async (t) => {
    for (const [kind, key] of Object.entries(prefixedKeys)) t.ok(secretsIn(`my token is ${disguise(key())} thanks`).length > 0, kind);
  });
}
for (const [name, disguise] of Object.entries(letterDisguises)) {
  t.test(`${name}: found`, async (t) => {
    t.ok(secretsIn(`please debug ${disguise(keys.aws())} thanks`).length > 0);
  });
}

t.test('named references and spelt words that are not keys stay clean', async (t) => {
  for (const text of ['fish &amp; chips &lt; 5 &hyphen; a &lowbar; b', 'snake&lowbar;case&lowbar;name and kebab&hyphen;case', 'r i s k - b a s e d and t a s k _ f o r c e', 'g h p _ is how one spells it', '🇺🇸 🇬🇧 🇩🇪 flags and 🅰🅱 blood types']) {
    t.same(secretsIn(text), [], text);
  }
});

t.test('property: a random prefixed key or AWS key in a random new disguise anywhere in random prose is found', async (t) => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  // Random characters with a digit and both cases, as a live key has (a run of one letter is not a key).
  const body = (n: number) => fc.array(fc.integer({ min: 0, max: chars.length - 1 }), { minLength: n - 3, maxLength: n - 3 }).map((xs) => xs.map((x) => chars[x]).join('') + 'q7Z');
  const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const prefixed = fc.oneof(body(36).map((b) => `ghp_${b}`), body(28).map((b) => `sk_live_${b}`), body(40).map((b) => `sk-proj-${b}`));
  const aws = fc.array(fc.integer({ min: 0, max: 31 }), { minLength: 16, maxLength: 16 }).map((xs) => 'AKIA' + xs.map((x) => upper[x]).join(''));
  const words = fc.array(fc.constantFrom('the', 'deploy', 'token', 'is', 'here', 'and', 'then', 'ok', '42', '—', '&amp;'), { maxLength: 8 }).map((w) => w.join(' '));
  fc.assert(
    fc.property(prefixed, fc.constantFrom(...Object.keys(prefixDisguises)), words, words, (key, name, before, after) => secretsIn(`${before} ${prefixDisguises[name](key)} ${after}`).length > 0),
    { numRuns: 200 },
  );
  fc.assert(
    fc.property(aws, fc.constantFrom(...Object.keys(letterDisguises)), words, words, (key, name, before, after) => secretsIn(`${before} ${letterDisguises[name](key)} ${after}`).length > 0),
    { numRuns: 200 },
  );
});

t.test('property: ROT13 and reversal by table are the per-letter shift and the reversal of code points', async (t) => {
  const shift = (s: string) => s.replace(/[A-Za-z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) - (c <= 'Z' ? 65 : 97) + 13) % 26) + (c <= 'Z' ? 65 : 97)));
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 64 }), fc.string({ maxLength: 20_000 }));
  fc.assert(
    fc.property(text, (s) => rot13(s) === shift(s) && reversed(s) === [...s].reverse().join('')),
    { numRuns: 300 },
  );
});

// A key's body of 40: every other character drawn, the rest fixed. fast-check shrinks towards `aaaa…`,
// which no detector takes for a key, and a fixed `q7Z` at the end was cut off with the bodies cut to 28 or 36.
const MIXED = 'Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY2zC4bD6e';
const keyBody = fc.stringMatching(/^[A-Za-z0-9]{40}$/).map((s) => [...s].map((c, i) => (i % 2 === 1 ? c : MIXED[i])).join(''));

t.test('property: a key spelt out, then written as escapes or references, is found (readings fed to the spelt reading)', async (t) => {
  const alnum = keyBody;
  const key = fc.tuple(fc.constantFrom('ghp_', 'sk_live_'), alnum).map(([p, body]) => p + body.slice(0, p === 'ghp_' ? 36 : 28));
  const spell = fc.constantFrom((s: string) => [...s].join(' '), (s: string) => s.match(/.{1,4}/g)!.join('-'), (s: string) => [...s].join(' * '));
  const write = fc.constantFrom(
    (s: string) => [...s].map((c) => `&#${c.codePointAt(0)};`).join(''),
    (s: string) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    (s: string) => s.replace(/_/g, '&lowbar;').replace(/-/g, '&hyphen;'),
  );
  const prose = fc.constantFrom('please debug', 'the value is', 'config:', '');
  fc.assert(
    fc.property(key, spell, write, prose, (k, sp, w, before) => secretsIn(`${before} ${w(sp(k))} thanks`).length > 0),
    { numRuns: 200 },
  );
});

t.test('property: a key after an escape written as text (\\n, \\t, \\r in JSON held in a string) is found', async (t) => {
  const alnum = keyBody;
  const key = fc.tuple(fc.constantFrom('ghp_', 'sk-proj-', 'glpat-', 'hf_'), alnum).map(([p, body]) => p + body.slice(0, 36));
  fc.assert(
    fc.property(key, fc.constantFrom('\n', '\t', '\r\n', '\n\n'), fc.constantFrom('', 'see:', '```'), (k, escape, before) => secretsIn(JSON.stringify({ q: `${before}${escape}${k}${escape}` })).length > 0),
    { numRuns: 200 },
  );
});

t.test('property: a key in groups joined by dashes is found, its prefix\'s own - or _ among the separators', async (t) => {
  const alnum = keyBody;
  const key = fc.tuple(fc.constantFrom('glpat-', 'sk_live_', 'sk-proj-', 'github_pat_'), alnum).map(([p, body]) => p + body.slice(0, p === 'glpat-' ? 20 : 36));
  fc.assert(
    fc.property(key, fc.integer({ min: 3, max: 5 }), fc.constantFrom('-', ' - ', ' '), (k, n, sep) => secretsIn(`key: ${k.match(new RegExp(`.{1,${n}}`, 'g'))!.join(sep)} ok`).length > 0),
    { numRuns: 200 },
  );
  for (const clean of ['we ask - live users - to rate the demo and task - list the items for today', 'gl - pat - the dog - ok then - fine', 'risk - live - test sk - test - only']) t.same(secretsIn(clean), [], clean);
});

t.test('octal escapes written as text, and UTF-16 inside base64 or hex, are read; octal-looking code is not a key', async (t) => {
  const key = 'sk-proj-Ab3De5Gh7Jk9Mn1Pq3St5Vw7Yz9Bc1De3Fg5Hj7Kl9';
  const secrets = (content: string) => scanBody({ messages: [{ role: 'user', content }] }, { decodedBytes: 1 << 20 }).findings.filter((f) => f.dataClass.startsWith('secret.'));
  for (const [name, text] of Object.entries({
    octal: [...key].map((c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0')).join(''),
    'octal, doubled backslashes (JSON in JSON)': [...key].map((c) => '\\\\' + c.charCodeAt(0).toString(8).padStart(3, '0')).join(''),
    'UTF-16LE in base64': Buffer.from(`key ${key}`, 'utf16le').toString('base64'),
    'UTF-16BE in base64': Buffer.from(`key ${key}`, 'utf16le').swap16().toString('base64'),
    'UTF-16LE in hex': Buffer.from(key, 'utf16le').toString('hex'),
  })) {
    t.ok(secrets(`please use ${text} for it`).length > 0, name);
  }
  t.same(secrets(String.raw`printf '\033[0m\011done\012' && chmod 755 file; mode = 0o644`), [], 'terminal escapes and modes');
});
