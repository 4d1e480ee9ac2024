// Personal data in its disguises (issue 23, #5): card numbers (Luhn checked) with any separator, in other
// scripts' digits or spelt out in English words; US SSNs and phone numbers with any separator; and the
// look-alikes that are not personal data (clause numbers, version strings, dates, git remotes).
import t from 'tap';
import fc from 'fast-check';
import { findings } from './classify.js';
import { secretForm } from '../text/normalise.js';
import { maskBody } from './mask.js';

/** The classes found in a text as the scan reads it (its secret form). */
const classesIn = (text: string): string[] => findings(secretForm(text).text).map((f) => f.dataClass);

/** Digits 0–9 in scripts other than ASCII: Arabic-Indic, Extended Arabic-Indic, Devanagari, Bengali, fullwidth. */
const SCRIPTS: Record<string, number> = { ascii: 0x30, arabicIndic: 0x660, extendedArabicIndic: 0x6f0, devanagari: 0x966, bengali: 0x9e6, fullwidth: 0xff10 };
const inScript = (digits: string, zero: number): string => digits.replace(/\d/g, (d) => String.fromCodePoint(zero + Number(d)));
const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** A random card number of 13 to 19 digits (a Visa-like leading 4) completed with its Luhn check digit. */
const luhnNumber = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 11, maxLength: 17 }).map((body) => {
  const digits = [4, ...body];
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits[digits.length - 1 - i];
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return [...digits, (10 - (sum % 10)) % 10].join('');
});

/** In groups of four (the last shorter allowed down to three), the way cards are printed. */
function grouped(digits: string, separator: string): string {
  const groups = digits.match(/.{1,4}/g)!;
  if (groups[groups.length - 1].length < 3) groups[groups.length - 2] += groups.pop()!;
  return groups.join(separator);
}

t.test('a card number is found with any separator, in any script, and spelt out', async (t) => {
  fc.assert(
    fc.property(
      luhnNumber,
      fc.constantFrom('', ' ', '-', '.', '/', '  ', '--'),
      fc.constantFrom(...Object.keys(SCRIPTS)),
      fc.constantFrom('card ', 'pay with ', 'Numéro : ', '"'),
      (digits, separator, script, before) => {
        const written = inScript(grouped(digits, separator), SCRIPTS[script]);
        t.ok(classesIn(`${before}${written} please`).includes('pii.card'), `${script} ${JSON.stringify(written)}`);
      },
    ),
    { numRuns: 400 },
  );
  fc.assert(
    fc.property(luhnNumber, fc.constantFrom(' ', ', ', '-', '  '), fc.boolean(), (digits, separator, capital) => {
      let words = [...digits].map((d) => WORDS[Number(d)]).join(separator);
      if (capital) words = words[0].toUpperCase() + words.slice(1);
      t.ok(classesIn(`my card is ${words}.`).includes('pii.card'), words);
    }),
    { numRuns: 200 },
  );
  t.ok(classesIn('card four one one one, one one one one, one one one one, one one one one').includes('pii.card'));
});

t.test('a number that fails Luhn is not a card, however it is written', async (t) => {
  for (const text of ['4111.1111.1111.1112', '٤١١١ ١١١١ ١١١١ ١١١٢', 'four one one one one one one one one one one one one one one two']) {
    t.notOk(classesIn(text).includes('pii.card'), text);
  }
});

t.test('a US SSN is found with a dash, space, dot or slash; a phone with a slash', async (t) => {
  for (const sep of ['-', ' ', '.', '/']) t.same(classesIn(`SSN 123${sep}45${sep}6789.`), ['pii.national_id'], sep);
  t.same(classesIn('SSN ١٢٣-٤٥-٦٧٨٩'), ['pii.national_id']);
  for (const phone of ['030/1234567', '+49 30/123 4567', '555/123/4567', '(020) 7946/0958']) t.same(classesIn(`call ${phone} today`), ['pii.phone'], phone);
});

t.test('look-alikes stay clean: clause numbers, versions, dates, git remotes, counting words', async (t) => {
  const clean = [
    'DFARS 252.227-7013 and 252.227-7014 apply',
    'FAR 52.227-19(c)(1)',
    'version 10.0.19041.1234 of the build',
    'upgrade to 1.22.333.4444',
    'the meeting is on 2024/11/28 or 12/25/2024 or 2024.11.28',
    'logged 2024-11-28T10:30:00.123456Z',
    'git@github.com:acme/repo-1234567890.git',
    'ssh://git@gitlab.com:2222/acme/123/456/7890.git',
    'one two three four five, and then six',
    'one of the two or three ones',
    'ISBN 978-3-16-148410-0',
    'path /api/v1/4111/1111/1111/1111',
    'SSN-like with mixed separators 123-45 6789',
    'ratio 1/2/3/4/5/6/7/8/9/10/11/12/13',
    'segments/0000000000000000.seg and 0000 0000 0000 0000',
  ];
  for (const text of clean) t.same(classesIn(text), [], text);
});

t.test('clean random look-alikes: dotted versions and slashed dates are never personal data', async (t) => {
  const part = fc.integer({ min: 0, max: 999 });
  fc.assert(
    fc.property(fc.array(part, { minLength: 2, maxLength: 4 }), (parts) => {
      t.same(classesIn(`release v${parts.join('.')} shipped`), [], parts.join('.'));
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }), fc.constantFrom('/', '-', '.'), (d, sep) => {
      const [y, m, day] = d.toISOString().slice(0, 10).split('-');
      t.same(classesIn(`on ${y}${sep}${m}${sep}${day} and ${m}${sep}${day}${sep}${y}`), []);
    }),
    { numRuns: 300 },
  );
});

/** Completes digits with their Luhn check digit. */
function withLuhn(body: number[]): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = body[body.length - 1 - i];
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return [...body, (10 - (sum % 10)) % 10].join('');
}

t.test('legal and technical prose: identifiers with a label, book and product numbers, digests are not personal data', async (t) => {
  const clean = [
    'Audit DUNS No. 85-957-4899 found the host',
    'The parties refer to EIN 62-8671909 and UEI UCAJHYZEWXC1',
    'Controls map to P/N 811-5500-763 and NSN 5340-01-123-4567',
    'Item 14 (account code 7680.488.0962) ships with firmware',
    'cost centre 353-241-595; invoice no. 2024-55512-0931',
    'see also ISBN-13: 9784620348730 and EAN 7120586737594',
    'image sha256:c99537d2d2749a4550724158142bfedd94833fc0110d5724160d3a674e67b462 pulled',
    'Case No. 1:23-cv-045671234 filed; Docket No. 555 123 4567',
  ];
  for (const text of clean) t.same(classesIn(text), [], text);
  // The same numbers named as what they are stay personal data.
  const found: Array<[string, string]> = [
    ['Tel. No. 555-123-4567', 'pii.phone'],
    ['phone no. 030/1234567', 'pii.phone'],
    ['call cost centre 353-241-5950 now', 'pii.phone'],
    ['card no. 4111 1111 1111 1111', 'pii.card'],
    ['pay order 4111-1111-1111-1111 by card', 'pii.card'],
  ];
  for (const [text, dataClass] of found) t.same(classesIn(text), [dataClass], text);
});

t.test('property: a phone-shaped number after an identifier label is not a phone; after a phone word it is', async (t) => {
  const labels = ['DUNS No.', 'EIN', 'P/N', 'part', 'account code', 'cost centre', 'Invoice #', 'Order No.', 'Contract', 'Case No.', 'serial', 'SKU', 'ref.', 'lot', 'Docket'];
  const group = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
  const number = fc.tuple(group(3), group(3), group(4), fc.constantFrom('-', '.', ' ', '/')).map(([a, b, c, sep]) => `${a}${sep}${b}${sep}${c}`);
  fc.assert(
    fc.property(fc.constantFrom(...labels), number, (label, n) => {
      t.notOk(classesIn(`The parties refer to ${label} ${n} herein.`).includes('pii.phone'), `${label} ${n}`);
      t.ok(classesIn(`For support call ${n} or write.`).includes('pii.phone'), n);
    }),
    { numRuns: 300 },
  );
});

t.test('property: a Luhn-valid number whose first digit no card network issues (ISBN-13, EAN) is not a card', async (t) => {
  fc.assert(
    fc.property(fc.constantFrom(0, 7, 8, 9), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 11, maxLength: 17 }), (first, body) => {
      const digits = withLuhn([first, ...body]);
      t.notOk(classesIn(`the code ${digits} is printed`).includes('pii.card'), digits);
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 12, maxLength: 12 }), fc.constantFrom(...'0123456789abcdef'.split('')), (body, glue) => {
      // A Luhn-valid run of digits inside a hex digest.
      const digits = withLuhn([4, ...body]);
      const digest = `sha256:${glue}${'ab'.repeat(10)}${digits}${'cd'.repeat(12)}`;
      t.notOk(classesIn(digest).includes('pii.card'), digest);
    }),
    { numRuns: 200 },
  );
});

t.test('masking takes the disguised value whole, in the original script', async (t) => {
  const cases: Array<[string, string]> = [
    ['pay ٤١١١ ١١١١ ١١١١ ١١١١ now', 'pay [CARD_NUMBER_1#abcd1234] now'],
    ['card four one one one, one one one one, one one one one, one one one one.', 'card [CARD_NUMBER_WORDS_1#abcd1234].'],
    ['ssn 123.45.6789 ok', 'ssn [US_SSN_1#abcd1234] ok'],
    ['call 030/1234567.', 'call [PHONE_1#abcd1234].'],
  ];
  for (const [content, want] of cases) {
    const masked = await maskBody({ messages: [{ role: 'user', content }] }, ['pii.card', 'pii.national_id', 'pii.phone'], { decodedBytes: 1 << 20 }, 'abcd1234');
    t.same(masked.body, { messages: [{ role: 'user', content: want }] }, content);
  }
});
