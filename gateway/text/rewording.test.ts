import t from 'tap';
import fc from 'fast-check';
import { unwrapText, untangleToken } from './rewording.js';
import { fingerprintWords } from '../provenance/fingerprint.js';

const forms = (text: string) => fingerprintWords(text).map((w) => w.form);

t.test('markup is blanked and line-end hyphenation joined, at the same length', async (t) => {
  const html = 'The <b>keeper</b> lit<br/>the&nbsp;lamp <span class="x">at dusk</span>';
  t.equal(unwrapText(html).length, html.length);
  t.same(forms(html), forms('The keeper lit the lamp at dusk'));
  const broken = 'the light-\nhouse keeper';
  t.equal(unwrapText(broken).length, broken.length);
  t.same(forms(broken), forms('the lighthouse keeper'));
  t.same(forms('a well-\n 1999 year'), forms('a well- 1999 year'), 'a hyphen before a number is left alone');
});

t.test('camelCase, inner hyphens and look-alike digits are undone per token; numbers stay numbers', async (t) => {
  t.equal(untangleToken('theLampKeeper'), 'the Lamp Keeper');
  t.equal(untangleToken('light-house'), 'lighthouse');
  t.equal(untangleToken('l1gh7h0u53'), 'llghthouse');
  t.equal(untangleToken('p@$$'), 'pass');
  t.equal(untangleToken('1999'), '1999');
  t.same(forms('Th3 k33p3r l1t th3 l4mp'), forms('The keeper lit the lamp'));
});

const LEET: Record<string, string> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7', l: '1', b: '8', g: '9' };
// A word that keeps a letter under look-alike digits (a token of digits alone is a number).
const word = fc.stringMatching(/^[a-z]{1,5}[cdfhjkmnpqruvwxyz][a-z]{0,5}$/);

t.test('property: random rewrites of a word list keep its fingerprint words', async (t) => {
  const rewrite = fc.constantFrom(
    (w: string[]) => w.map((x, i) => (i % 2 ? `<i>${x}</i>` : `${x}<br>`)).join(' '),
    (w: string[]) => w.join('\n'),
    (w: string[]) => w.map((x) => (x.length > 3 ? `${x.slice(0, 2)}-${x.slice(2)}` : x)).join(' '),
    (w: string[]) => w.map((x) => (x.length > 3 ? `${x.slice(0, 2)}-\n${x.slice(2)}` : x)).join(' '),
    (w: string[]) => w.map((x, i) => (i % 3 ? x.charAt(0).toUpperCase() + x.slice(1) : ` ${x}`)).join(''),
    (w: string[]) => w.map((x) => [...x].map((c) => LEET[c] ?? c).join('')).join(' '),
  );
  fc.assert(
    fc.property(fc.array(word, { minLength: 1, maxLength: 30 }), rewrite, (words, f) => {
      const rewritten = f(words);
      return JSON.stringify(forms(rewritten)) === JSON.stringify(forms(words.join(' ')));
    }),
    { numRuns: 500 },
  );
});

t.test('each step is linear: a hostile 1 MB input is handled in one pass', async (t) => {
  const hostile = '<a'.repeat(250_000) + 'a-'.repeat(250_000) + '\n';
  const start = performance.now();
  unwrapText(hostile);
  untangleToken('aB'.repeat(250_000));
  t.pass(`ran in ${(performance.now() - start).toFixed(0)} ms`);
});
