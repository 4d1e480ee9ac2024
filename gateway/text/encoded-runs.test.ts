// The linear scans of encoded-runs.ts against the regular expressions they replaced, and their
// behaviour on bodies large enough to have overflowed those expressions' backtrack stack.
import t from 'tap';
import fc from 'fast-check';
import { isUtf8 } from 'node:buffer';
import { base64Spans, DecodeBudget, encodedRuns, hexSpans, percentSpans } from './encoded-runs.js';

const LINE = /[A-Za-z0-9+/_-]{16,}/g;
const NEXT_LINE = /\s+([A-Za-z0-9+/_-]+)/y;
/** Base64 runs as defined: a line of 16 or more; where it is 32 or more and a multiple of 4 long, the lines after it as long and a last one no longer; up to two `=`. */
function base64Defined(text: string): number[][] {
  const out: number[][] = [];
  let end = 0;
  for (const m of text.matchAll(LINE)) {
    if (m.index! < end) continue;
    const width = m[0].length;
    end = m.index! + width;
    if (width >= 32 && width % 4 === 0) {
      for (;;) {
        NEXT_LINE.lastIndex = end;
        const line = NEXT_LINE.exec(text);
        if (line === null || line[1].length > width) break;
        end = NEXT_LINE.lastIndex;
        if (line[1].length < width) break;
      }
    }
    end += /^={0,2}/.exec(text.slice(end))![0].length;
    out.push([m.index!, end]);
  }
  return out;
}
const HEX = /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){16,}(?![0-9A-Fa-f])/g;
const PERCENT = /(?:[A-Za-z0-9._~+!*'()-]*%(?:[0-9A-Fa-f]{2}|[uU][0-9A-Fa-f]{4})){3,}[A-Za-z0-9._~+!*'()-]*/g;
const spans = (re: RegExp, text: string) => [...text.matchAll(re)].map((m) => [m.index!, m.index! + m[0].length]);

// Texts built from the characters that matter to the patterns, so runs, breaks and edges are common.
const piece = fc.constantFrom('a', 'B', '0', 'f', 'F', '+', '/', '_', '-', '=', '%', '%4', '%41', '%e2', '%u', '%uFF47', '*', '(', ' ', '\n', '\u00a0', '.', '~', '!', 'é', 'abcdefABCDEF0123', 'QUFBQUFBQUFBQUFBQUFB', '0123456789abcdef0123456789abcdef');
const text = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));

t.test('the scans find exactly what the patterns found', async () => {
  fc.assert(
    fc.property(text, (s) => {
      const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
      return same(base64Spans(s), base64Defined(s)) && same(hexSpans(s), spans(HEX, s)) && same(percentSpans(s), spans(PERCENT, s));
    }),
    { numRuns: 3000 },
  );
});

t.test('bodies that overflowed the patterns: scanned in linear time, decoded within the budget', async (t) => {
  const n = 20_000_000;
  const bodies = {
    'wrapped base64': 'QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n'.repeat(n / 77),
    hex: 'ab'.repeat(n / 2),
    percent: '%41'.repeat(n / 3),
    'one letter': 'a'.repeat(n),
  };
  for (const [name, body] of Object.entries(bodies)) {
    const t0 = performance.now();
    const budget = new DecodeBudget(4 * 1024 * 1024);
    const runs = encodedRuns(body, budget);
    t.ok(performance.now() - t0 < 5000, `${name}: ${Math.round(performance.now() - t0)} ms`);
    t.ok(runs.reduce((a, r) => a + r.bytes.length, 0) <= 4 * 1024 * 1024 + 4, `${name}: decoded within the budget`);
  }
  t.throws(() => spans(PERCENT, bodies.percent), RangeError, 'the pattern it replaces overflows on the same body');
});

t.test('percent-encoding that is not UTF-8 is read as Latin-1, not left undecoded', async (t) => {
  const decoded = (s: string) => encodedRuns(s, new DecodeBudget(1 << 20)).map((r) => r.bytes.toString('utf8'));
  t.same(decoded('x %41%ad%42%ad%43 y'), ['A\u00adB\u00adC'], 'a soft hyphen as escape() writes it');
  t.same(decoded('x caf%C3%A9%20ok y'), ['café ok'], 'UTF-8 as before');
  fc.assert(
    fc.property(fc.string({ minLength: 3, maxLength: 20 }), (s) => {
      const latin1 = [...s].map((c) => c.charCodeAt(0) & 0xff);
      const escaped = latin1.map((b) => '%' + b.toString(16).padStart(2, '0')).join('');
      const [read] = decoded(`<${escaped}>`);
      const bytes = Buffer.from(latin1);
      return read === bytes.toString(isUtf8(bytes) ? 'utf8' : 'latin1');
    }),
    { numRuns: 300 },
  );
});

t.test('UTF-16 of either byte order is read as text; bytes that only have zeros here and there are not', async (t) => {
  const { asText } = await import('./encoded-runs.js');
  const text = 'token: sk-proj-Ab3De5Gh7Jk9';
  t.equal(asText(Buffer.from(text, 'utf16le')), text, 'little-endian');
  t.equal(asText(Buffer.from(text, 'utf16le').swap16()), text, 'big-endian');
  t.equal(asText(Buffer.from(text)), text, 'UTF-8 as before');
  t.equal(asText(Buffer.from([1, 0, 200, 7, 0, 0, 3, 9, 250, 0, 17, 4])), null, 'binary with some zeros');
  t.equal(asText(Buffer.from([240, 144, 128, 128, 9, 32, 32, 32])), '\u{10000}\t   ', 'a letter outside the BMP, a tab and spaces are text');
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 8, maxLength: 64 }), (bytes) => {
      const read = asText(Buffer.from(bytes));
      // Whatever is read is mostly printable: nothing binary passes for text. Counted in code points on both
      // sides (a letter outside the BMP, F0 90 80 80, is two units of `read.length`: a CI draw failed so).
      if (read === null) return true;
      const chars = [...read];
      return chars.filter((c) => c.charCodeAt(0) >= 0x20 || '\t\n\r'.includes(c)).length >= 0.9 * chars.length;
    }),
    { numRuns: 2000 },
  );
});

t.test('a token followed by a word is decoded alone; the lines of a wrapped body are one run', async (t) => {
  const decoded = (s: string) => encodedRuns(s, new DecodeBudget(1 << 20)).map((r) => r.bytes.toString('latin1'));
  // 38 and 40 characters of base64url without padding, then a word: joined, the word decoded to garbage
  // after the key, and the whole was no longer text.
  t.same(decoded('fails please az1nbHBhdC1UUUNoemtiMXRGbVpiOUxYV3g5TQ config — ok'), ['k=glpat-TQChzkb1tFmZb9LXWx9M']);
  // As long as a wrapping width (36: nine groups of four), the word is joined as a last line, and the token is read alone too.
  t.ok(decoded('see ' + Buffer.from('k=AKIA WZHA VUOM LLMC 3Q7Z!').toString('base64url') + ' with debug').includes('k=AKIA WZHA VUOM LLMC 3Q7Z!'));
  const body = Buffer.from('x'.repeat(100) + 'sk_live_Ab3dE5fG7hJ9kL1mN3pQ5rS7tU9v');
  const lines = body.toString('base64').match(/.{1,64}/g)!;
  t.ok(decoded(`-----\n${lines.join('\n')}\n-----`).includes(body.toString('latin1')), 'a body wrapped at 64 is one run');
});
