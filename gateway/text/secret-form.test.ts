import t from 'tap';
import fc from 'fast-check';
import { secretForm } from './normalise.js';

t.test('secretForm folds look-alikes to the ASCII they stand for, keeping case', async (t) => {
  const cases: Array<[string, string]> = [
    ['АКІА', 'AKIA'], // Cyrillic capitals: І folds to I, not to the skeleton's l
    ['аkіа', 'akia'],
    ['ΑΚΙΑ', 'AKIA'], // Greek
    ['ＡＫＩＡ０１２', 'AKIA012'], // fullwidth digits stay digits
    ['𝐀𝐊𝐈𝐀', 'AKIA'],
    ['A\u200bK\u00adI\u2060A\u{e0041}', 'AKIA'],
    ['ѕk-proj', 'sk-proj'],
    ['BEGIN\u00a0KEY', 'BEGIN KEY'],
    ['café', 'cafe'],
    ['l1I0O', 'l1I0O'], // ASCII is never touched
  ];
  for (const [input, want] of cases) t.equal(secretForm(input).text, want, JSON.stringify(input));
});

t.test('decimal digits of any script fold to their value, not their shape', async (t) => {
  t.equal(secretForm('৪০').text, '40', 'Bengali four is 4 (its confusable prototype is 8)');
  t.equal(secretForm('०').text, '0', 'Devanagari zero is 0 (its confusable prototype is o)');
  // Zeros of scripts with decimal digits: Arabic-Indic, Extended Arabic-Indic, Devanagari, Bengali, Thai, Myanmar, fullwidth, Adlam.
  const zeros = [0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0x1040, 0xff10, 0x1e950];
  fc.assert(
    fc.property(fc.constantFrom(...zeros), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 20 }), (zero, digits) => {
      return secretForm(digits.map((d) => String.fromCodePoint(zero + d)).join('')).text === digits.join('');
    }),
    { numRuns: 500 },
  );
});

t.test('origin maps each folded unit back to where it came from', async (t) => {
  const f = secretForm('x\u200bＡ𝐁c');
  t.equal(f.text, 'xABc');
  t.same(Array.from(f.origin!), [0, 2, 3, 5, 6]);
  t.equal(secretForm('plain ascii').origin, null);
});

t.test('property: ASCII is unchanged; origin is monotone and ends at the original length', async (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
      const f = secretForm(s);
      if (f.origin === null) return f.text === s;
      const o = Array.from(f.origin);
      return o.length === f.text.length + 1 && o[o.length - 1] === s.length && o.every((v, i) => i === 0 || v >= o[i - 1]);
    }),
    { numRuns: 3000 },
  );
  fc.assert(fc.property(fc.string({ unit: 'binary-ascii', maxLength: 60 }), (s) => secretForm(s).text === s), { numRuns: 2000 });
});

t.test('property: the fold of a text is the fold of each code point in turn, each unit mapped to its code point', async (t) => {
  let mixed = 0;
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.string({ unit: 'binary-ascii', maxLength: 12 })), { maxLength: 8 }), (pieces) => {
      const s = pieces.join('');
      let text = '';
      const origin: number[] = [];
      let at = 0;
      for (const cp of s) {
        const one = secretForm(cp).text;
        text += one;
        for (let i = 0; i < one.length; i++) origin.push(at);
        at += cp.length;
      }
      origin.push(s.length);
      const f = secretForm(s);
      if (f.origin === null) return f.text === s && text === s;
      mixed++;
      return f.text === text && JSON.stringify(Array.from(f.origin)) === JSON.stringify(origin);
    }),
    { numRuns: 2000 },
  );
  t.ok(mixed > 500, `${mixed} texts with non-ASCII compared`);
});

t.test('a text longer than the offsets ramp (2M units) is mapped the same, unit by unit', async (t) => {
  const long = 'a'.repeat((1 << 21) + 5) + 'ｋ' + 'b'.repeat(7) + '→' + 'c';
  const f = secretForm(long);
  t.equal(f.text, 'a'.repeat((1 << 21) + 5) + 'k' + 'b'.repeat(7) + '→' + 'c');
  const o = f.origin!;
  t.equal(o[0], 0);
  t.equal(o[(1 << 21) + 4], (1 << 21) + 4);
  t.equal(o[(1 << 21) + 5], (1 << 21) + 5, 'the folded letter');
  t.equal(o[(1 << 21) + 13], (1 << 21) + 13, 'the arrow, left as it is');
  t.equal(o[f.text.length], long.length);
  for (let i = 1; i < f.text.length; i++) if (o[i] !== o[i - 1] + 1) t.fail(`offset ${i} not one past the last`);
});
