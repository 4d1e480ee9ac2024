// foldsRotated finds the folded letters by the original's non-ASCII runs (a native search and a binary
// search) rather than a walk over every unit: the same text and windows as that walk, on any text.
import t from 'tap';
import fc from 'fast-check';
import { foldsRotated } from './scan.js';
import { rot13, fromUnits } from '../text/substitutions.js';
import { secretForm, type FoldedText } from '../text/normalise.js';

/** The walk over every unit, as foldsRotated was first written: the reference. */
function walked(folded: FoldedText, original: string): { text: string; windows: Array<[number, number]> } | null {
  if (folded.origin === null) return null;
  const text = folded.text;
  let units: Uint16Array | null = null;
  const windows: Array<[number, number]> = [];
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!letter || original.charCodeAt(folded.origin[k]) < 128) continue;
    if (units === null) {
      units = new Uint16Array(text.length);
      for (let j = 0; j < text.length; j++) units[j] = text.charCodeAt(j);
    }
    units[k] = rot13(text[k]).charCodeAt(0);
    const [a, b] = [Math.max(0, k - 1024), Math.min(text.length, k + 1024)];
    const last = windows[windows.length - 1];
    if (last && a <= last[1]) last[1] = b;
    else windows.push([a, b]);
  }
  return units === null ? null : { text: fromUnits(units), windows };
}

// ASCII, homoglyphs, fullwidth letters, accents, invisible characters, astral letters, and filler to spread windows.
const piece = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('а', 'е', 'о', 'Ａ', 'ｋ', 'é', 'ñ', 'µ', 'ß', 'ﬁ', '\u200b', '\u00ad', '𝐀', '𝒌', '—', '·', '•', '→', 'ghp_', 'AKIA', ' '),
  fc.nat(3000).map((n) => 'x'.repeat(n)),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);

t.test('property: the same turned text (any stretch of it) and windows as the walk over every unit', async () => {
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }), fc.nat(), fc.nat(), (pieces, x, y) => {
      const original = pieces.join('');
      const folded = secretForm(original);
      const got = foldsRotated(folded, original);
      const want = walked(folded, original);
      if (got === null || want === null) return got === want;
      const n = want.text.length;
      // A stretch anywhere, bounds past either end included (edgeJoins asks for a tail up to Infinity).
      const [a, b] = [x % (n + 2), y % (n + 2)].sort((p, q) => p - q);
      return JSON.stringify(got.windows) === JSON.stringify(want.windows) && got.slice(0, n) === want.text && got.slice(a, b) === want.text.slice(a, b) && got.slice(a, Infinity) === want.text.slice(a);
    }),
    { numRuns: 400 },
  );
});
