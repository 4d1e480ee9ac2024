import t from 'tap';
import fc from 'fast-check';
import {
  canonicalForm,
  caseFold,
  caselessSkeleton,
  collapseWhitespace,
  fingerprintForm,
  nfkc,
  removeCombiningMarks,
  removeDefaultIgnorable,
  skeleton,
} from './normalise.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));

t.test('the default-ignorable code points the issue names are all removed', async (t) => {
  const named = [
    '\u034f', // combining grapheme joiner
    '\u00ad', // soft hyphen
    ...range(0x200b, 0x200f), // zero-width space, ZWNJ, ZWJ, LRM, RLM
    ...range(0x2060, 0x2064), // word joiner, invisible operators
    '\ufeff',
    ...range(0xe0000, 0xe007f), // tags
    ...range(0xfe00, 0xfe0f), // variation selectors 1–16
    ...range(0xe0100, 0xe01ef), // variation selectors 17–256
    '\u180e',
    '\u115f',
    '\u3164',
  ];
  for (const ch of named) {
    const cp = ch.codePointAt(0)!.toString(16);
    t.equal(removeDefaultIgnorable(`pa${ch}ss`), 'pass', `U+${cp} removed`);
    t.equal(canonicalForm(`pa${ch}ss`), 'pass', `U+${cp} gone from the canonical form`);
  }
  t.equal(removeDefaultIgnorable('a b\tc'), 'a b\tc', 'visible characters and spaces stay');
});

t.test('NFKC, case folding, whitespace', async (t) => {
  t.equal(nfkc('ｆｕｌｌｗｉｄｔｈ 𝐛𝐨𝐥𝐝 ﬁ'), 'fullwidth bold fi');
  t.equal(caseFold('Straße ΟΔΟΣ'), 'strasse οδοσ', 'ß and final sigma fold like full case folding');
  t.equal(collapseWhitespace('  a \u00a0\u2003 b\n\n c  '), 'a b c');
  t.equal(removeCombiningMarks('café naïve'), 'cafe naive');
});

t.test('the skeleton follows Unicode confusables.txt', async (t) => {
  // Cyrillic and Greek look-alikes in an English word map onto the Latin letters.
  t.equal(skeleton('рауpаl'), skeleton('paypal'));
  t.equal(skeleton('Α'), 'A', 'Greek capital alpha');
  t.equal(skeleton('Г'), skeleton('Γ'), 'Cyrillic and Greek gamma share a prototype, not Latin L');
  t.not(skeleton('Γ'), 'L');
  t.equal(skeleton('1'), 'l', 'digit one is confusable with small L (UTS #39)');
  t.equal(skeleton('m'), 'rn');
  t.equal(caselessSkeleton('Тhе Ԁоg'), caselessSkeleton('the dog'), 'capitals and small letters alike');
});

t.test('fingerprintForm undoes every disguise the issue names', async (t) => {
  const plain = 'The quick brown fox jumps over the lazy dog';
  const disguised = [
    'Тhе quісk brоwn fох jumрs оvеr thе lаzу dоg', // Cyrillic homoglyphs
    'The qu\u034fick br\u00adown f\u200bo\u200dx ju\u2060mps over the la\u{e0041}zy d\ufe0fog', // ignorables inside words
    'ＴＨＥ  QUICK\u00a0brown\n\nfox   jumps over the lazy dog', // fullwidth, case, spacing
    'T̃hé qúick brõwn fox jumps ovër the lazy dog', // combining marks
  ];
  for (const d of disguised) t.equal(fingerprintForm(d), fingerprintForm(plain), d);
  t.not(fingerprintForm('The quick brown cat'), fingerprintForm('The quick brown fox'), 'different words stay different');
});

// Code points from the ranges an attacker would draw on, plus ordinary text.
const attackChars = fc.oneof(
  fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.,'.split('')),
  fc.constantFrom('\u034f', '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\u2064', '\ufeff', '\ufe0f', '\u{e0100}', '\u{e0041}'),
  fc.constantFrom('а', 'е', 'о', 'р', 'с', 'у', 'х', 'Α', 'Ο', 'ı', 'ɡ', 'ｑ', '𝐚', 'ß', 'İ', 'ς', '\u0301', '\u0308', '\u00a0', '\u2003'),
  fc.integer({ min: 0x20, max: 0x2fff }).map((cp) => String.fromCodePoint(cp)),
);
const attackText = fc.array(attackChars, { maxLength: 40 }).map((a) => a.join(''));

t.test('properties: idempotent, stable under the disguises it undoes', async (t) => {
  fc.assert(
    fc.property(attackText, (s) => {
      const f = fingerprintForm(s);
      return fingerprintForm(f) === f && canonicalForm(canonicalForm(s)) === canonicalForm(s);
    }),
    { numRuns: 3000 },
  );
  // Inserting ignorable code points anywhere never changes either form.
  fc.assert(
    fc.property(
      fc.string({ maxLength: 30 }),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom('\u034f', '\u00ad', '\u200b', '\u200d', '\u2062', '\ufe0e', '\u{e0020}', '\u{e01ef}')), { maxLength: 8 }),
      (s, inserts) => {
        const chars = [...s];
        for (const [at, ch] of inserts) chars.splice(at % (chars.length + 1), 0, ch);
        const padded = chars.join('');
        return fingerprintForm(padded) === fingerprintForm(s) && canonicalForm(padded) === canonicalForm(s);
      },
    ),
    { numRuns: 2000 },
  );
  // Case and spacing never matter to the fingerprint form.
  fc.assert(
    fc.property(fc.string({ maxLength: 30 }), (s) => fingerprintForm(s.toUpperCase()) === fingerprintForm(s.toLowerCase())),
    { numRuns: 2000 },
  );
});
