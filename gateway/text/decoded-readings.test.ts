// What encodings and escapes hide, read in place and placed on the encoded text: binary runs (a scan
// checked against the pattern it stands for), escapes read in place, a reading of a reading, pieces.
import t from 'tap';
import fc from 'fast-check';
import { unfolded } from './decoded-readings.js';
import { binarySpans } from './encoded-runs.js';
import { unescapedReading } from './escapes.js';
import { atbash, caesar, reversed, rot47 } from './substitutions.js';

const prose = 'The keeper of the lighthouse climbed the stairs every evening and lit the lamp.';
const binary = (s: string, sep = ' ') => [...Buffer.from(s)].map((b) => b.toString(2).padStart(8, '0')).join(sep);
const codes = (s: string, base: number, sep = ' ') => [...s].map((c) => c.charCodeAt(0).toString(base)).join(sep);
const entities = (s: string) => [...s].map((c) => (/[a-z]/i.test(c) ? `&#${c.charCodeAt(0)};` : c)).join('');

t.test('each encoding and escape reads back to the prose, placed on the run it came from', async (t) => {
  const hidden: Record<string, string> = {
    base64: Buffer.from(prose).toString('base64'),
    hex: Buffer.from(prose).toString('hex'),
    'binary, bytes apart': binary(prose),
    'binary, run together': binary(prose, ''),
    'decimal entities': entities(prose),
    'hex entities': [...prose].map((c) => `&#x${c.charCodeAt(0).toString(16)};`).join(''),
    '\\u escapes': [...prose].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    'quoted-printable': [...Buffer.from(prose)].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
    'entities inside base64': Buffer.from(entities(prose)).toString('base64'),
    'decimal character codes': codes(prose, 10),
    'decimal character codes, commas between': codes(prose, 10, ', '),
    'hex character codes': codes(prose, 16),
    'octal character codes': codes(prose, 8),
  };
  for (const [name, encoded] of Object.entries(hidden)) {
    const text = `Please tidy this: ${encoded} thanks`;
    const r = unfolded(text);
    t.equal(r.text, `Please tidy this: ${prose} thanks`, `${name} reads back in place`);
    const at = r.text.indexOf(prose);
    const [s, e] = r.place(at, at + prose.length);
    t.same([s, e], [18, 18 + encoded.length], `${name}: the prose is placed on the encoded run`);
    const w = r.text.indexOf('lighthouse');
    const [ws, we] = r.place(w, w + 'lighthouse'.length);
    t.ok(ws >= 18 && we <= 18 + encoded.length && we > ws, `${name}: a word is placed inside the run`);
  }
});

t.test('lists of numbers are not read as character codes; codes run through their own tests', async (t) => {
  for (const list of ['1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18', Array.from({ length: 40 }, (_, i) => 1990 + i).join(' '), Array.from({ length: 40 }, (_, i) => (i * 7919) % 1000).join(', '), '0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0']) {
    t.equal(unfolded(`values: ${list} end`).text, `values: ${list} end`, list.slice(0, 30));
  }
  const fifteen = codes(prose.slice(0, 15), 10);
  t.equal(unfolded(fifteen).text, fifteen, 'fewer than sixteen codes');
  fc.assert(
    fc.property(fc.string({ minLength: 16, maxLength: 200 }), fc.constantFrom(8, 10, 16), (s, base) => {
      const text = `x ${codes(s, base)} y`;
      const r = unfolded(text);
      const [start, end] = r.place(0, r.text.length);
      return start >= 0 && end <= text.length;
    }),
    { numRuns: 300 },
  );
});

t.test('letters as their places in the alphabet and in the ICAO spelling alphabet read back as their words', async (t) => {
  const words = 'the keeper of the lighthouse climbed the stairs';
  const places = (sep: string, gap: string) => words.split(' ').map((w) => [...w].map((c) => c.charCodeAt(0) - 96).join(sep)).join(gap);
  t.equal(unfolded(`note: ${places('-', ' ')} end`).text, `note: ${words} end`, 'A1Z26, letters apart by hyphens');
  t.equal(unfolded(`note: ${places(' ', ' / ')} end`).text, `note: ${words} end`, 'A1Z26, words apart by slashes');
  const icao = 'alfa bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu'.split(' ');
  const spelt = words.split(' ').map((w) => [...w].map((c) => icao[c.charCodeAt(0) - 97]).join(' ')).join(' / ');
  t.equal(unfolded(`note: ${spelt} end`).text, `note: ${words} end`, 'ICAO spelling alphabet');
  t.equal(unfolded(`Note: ${spelt.toUpperCase()} end`).text, `Note: ${words} end`, 'in capitals');
  for (const plain of ['Pages 1-2, 3-4 and 5-6 of chapter 12 were read on 3 and 4 May.', 'The Delta and Echo teams met Oscar at the Hotel Sierra in Lima.', 'Scores: 12 14 9 22 17 3 25 11 8 19 20 2 6 13 15 21 4 10 16 7 1']) {
    t.equal(unfolded(plain).text, plain, `${plain.slice(0, 30)}: not read`);
  }
});

t.test('Morse reads back as its letters, lower case, words apart', async (t) => {
  const morse = '- .... . / -.- . . .--. . .-. / --- ..-. / - .... . / .-.. .. --. .... - .... --- ..- ... .';
  t.equal(unfolded(`note: ${morse} end`).text, 'note: the keeper of the lighthouse end');
  t.equal(unfolded('a - b -- c ... d').text, 'a - b -- c ... d', 'dashes and an ellipsis in prose are not Morse');
});

t.test('runs of separators, dots, equals signs and escapes are read in linear time', async (t) => {
  for (const [name, text] of Object.entries({ slashes: '. ' + '/ '.repeat(200_000), dots: '. '.repeat(200_000) + 'x', equals: '=4'.repeat(200_000), entities: '&#'.repeat(200_000), backslashes: '\\u00'.repeat(100_000) })) {
    const t0 = performance.now();
    unfolded(text);
    t.ok(performance.now() - t0 < 5000, `${name}: ${Math.round(performance.now() - t0)} ms`);
  }
});

t.test('pieces encoded apart read as one text, plain words between kept', async (t) => {
  const [a, b] = [prose.slice(0, 40), prose.slice(40)];
  const text = `${Buffer.from(a).toString('base64')} and ${entities(b)}`;
  t.equal(unfolded(text).text, `${a} and ${b}`);
});

t.test('escapes read in place keep the digits and signs between them, and each word points at its escapes', async (t) => {
  const text = `${entities('the year')} 19,842 ${entities('of the lamp')}`;
  const r = unescapedReading(text)!;
  t.equal(r.text, 'the year 19,842 of the lamp');
  const at = r.text.indexOf('lamp');
  t.equal(text.slice(...r.place(at, at + 4)), '&#108;&#97;&#109;&#112;');
  t.equal(unescapedReading('&#169; 2026 &amp; more'), null, 'fewer than three escapes: none');
  t.equal(unescapedReading('if (a &lt; b &amp;&amp; c &gt; d) &#169; &#8212; &quot;x&quot;'), null, 'markup that writes no letter or digit: none (no second scan)');
});

t.test('ordinary prose, numbers and code give no decoded reading', async (t) => {
  for (const text of [prose, 'ids 0101010101 and 10110011 and 0x1000', 'if (a && b) { x = "\\n"; }', 'flags 01010101 01010101 set']) t.equal(unfolded(text).text, text, text);
});

const BINARY = /(?<![0-9A-Za-z])(?:[01]{8})+(?![0-9A-Za-z])(?: (?:[01]{8})+(?![0-9A-Za-z]))*/g;
t.test('property: the binary scan finds exactly what its pattern finds (at least eight bytes)', async () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('0', '1', '01000001', '0110100001101001', ' ', 'a', '2', '-'), { maxLength: 120 }), (parts) => {
      const s = parts.join('');
      const expected = [...s.matchAll(BINARY)].filter((m) => m[0].replaceAll(' ', '').length >= 64).map((m) => [m.index, m.index + m[0].length]);
      return JSON.stringify(binarySpans(s)) === JSON.stringify(expected);
    }),
    { numRuns: 2000 },
  );
});

t.test('property: the unfolded text places every stretch of it within the text, in order', async () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('&#116;', '\\u0074', '&amp;', binary('hello there!'), Buffer.from('hello there, friend').toString('base64'))), { maxLength: 30 }), fc.nat(), fc.nat(), (parts, x, y) => {
      const text = parts.join(' ');
      const r = unfolded(text);
      const a = Math.min(x, y) % (r.text.length + 1);
      const b = Math.max(x, y) % (r.text.length + 1);
      const [s, e] = r.place(Math.min(a, b), Math.max(a, b));
      return 0 <= s && s <= e && e <= text.length;
    }),
    { numRuns: 1000 },
  );
});

t.test('base64 put through ROT13, another shift, Atbash or reversal after encoding reads back in place; random tokens do not', async (t) => {
  const story = `${prose} He had done it for thirty years and never once missed a night.`;
  const b64 = Buffer.from(story).toString('base64');
  const hidden: Record<string, string> = { ROT13: caesar(b64, 13), 'a shift of 5': caesar(b64, 5), Atbash: atbash(b64), reversed: reversed(b64) };
  for (const [name, encoded] of Object.entries(hidden)) {
    const r = unfolded(`Please tidy this: ${encoded} thanks`);
    t.ok(r.text.includes(story), `${name} reads back`);
    const at = r.text.indexOf('lighthouse');
    const [s, e] = r.place(at, at + 10);
    t.ok(s >= 'Please tidy this: '.length && e <= 'Please tidy this: '.length + encoded.length + 1, `${name}: placed on its run`);
  }
  const tokens = Array.from({ length: 50 }, (_, i) => Buffer.from(`${i}`.repeat(30)).toString('base64').slice(0, 40).replace(/[0-9]/g, 'Q')).join(' ');
  t.equal(unfolded(tokens).text, tokens, 'runs that read as text under no substitution are left as they are');
});

t.test('escapes or base64 put through ROT47, or escapes reversed, after encoding read back where they stand, alone or between plain words; code and prose give nothing', async (t) => {
  const story = `${prose} He had done it for thirty years and never once missed a night.`;
  const hidden: Record<string, string> = {
    'entities, then ROT47': rot47(entities(story)),
    '\\u escapes, then ROT47': rot47([...story].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')),
    'base64, then ROT47': rot47(Buffer.from(story).toString('base64')),
    'entities, then reversed': reversed(entities(story)),
    '\\u escapes, then reversed': reversed([...story].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')),
  };
  const around = (s: string) => `Please tidy this up.\n\n${s}\n\nThanks, and see you on Monday.`;
  for (const [name, encoded] of Object.entries(hidden)) {
    for (const [where, text] of [['alone', encoded], ['between plain words', around(encoded)]]) {
      const r = unfolded(text);
      // The last full stop stands outside the run of escapes (after its last), and stays as it was put through.
      t.ok(r.text.includes(story.slice(0, -1)), `${name}, ${where}: reads back`);
      const at = r.text.indexOf('lighthouse');
      const [s, e] = r.place(at, at + 10);
      const from = text.indexOf(encoded);
      t.ok(from <= s && s < e && e <= from + encoded.length, `${name}, ${where}: placed on its run`);
    }
  }
  for (const text of [rot47(prose), reversed(prose), 'const x = a[i] + b[j]; // 0x1f &amp; 0b1010', rot47('if (a && b) { return "\\n"; }')]) t.equal(unfolded(text).text, text, `${text.slice(0, 30)}: nothing`);
});
