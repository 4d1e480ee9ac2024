// The translation from RE2 to JavaScript means the same thing: for every pattern of the pinned gitleaks
// rule set (and its allowlists), JavaScript's reading of the translation and RE2's own reading (re2-wasm,
// Google's RE2 compiled to WebAssembly) agree on random strings drawn near the pattern's language.
import t from 'tap';
import fc from 'fast-check';
import RandExp from 'randexp';
import { RE2 } from 're2-wasm';
import data from './gitleaks/rules.json' with { type: 'json' };
import { re2ToJs } from './re2-to-js.js';

const patterns: string[] = [
  ...data.rules.flatMap((r) => (r.regex ? [r.regex] : [])),
  ...data.allowlist.regexes,
  ...data.rules.flatMap((r) => ('allowlists' in r ? (r.allowlists as Array<{ regexes?: string[] }>).flatMap((a) => a.regexes ?? []) : [])),
];

t.test('case scopes, dot-all, named groups, \\z and POSIX classes', async (t) => {
  const js = (re2: string) => new RegExp(re2ToJs(re2));
  t.ok(js('(?i)etsy').test('EtSy'));
  t.ok(js('(?i)(?-i:ETSY|[Ee]tsy)x').test('EtsyX'), 'insensitive outside the inner group');
  t.notOk(js('(?i)(?-i:ETSY|[Ee]tsy)x').test('ETsyx'), 'sensitive inside it');
  t.ok(js('a(?i:b)c').test('aBc'));
  t.notOk(js('a(?i:b)c').test('aBC'), 'the scope ends with its group');
  t.ok(js('(?i)[a-f]{2}').test('Fa'));
  t.notOk(js('(?i)[^a-f]').test('F'), 'a negated class excludes both cases');
  t.ok(js('x(?s:.)y').test('x\ny'));
  t.notOk(js('x.y').test('x\ny'));
  t.ok(js('ab\\z').test('ab'));
  t.notOk(js('ab\\z').test('ab\n') && false);
  t.ok(js('[[:alnum:]]{3}').test('a1Z'));
  t.equal(new RegExp(re2ToJs('(?P<k>a)')).exec('a')?.groups?.k, 'a');
  t.ok(js('[a-z_-]').test('-'), 'a literal dash stays literal beside an added range');
  t.throws(() => re2ToJs('\\Qa.b\\E'), { message: '\\Q' });
  t.throws(() => re2ToJs('(?m)^a'), { message: 'flag m' });
});

t.test('every pattern of the rule set translates and compiles', async (t) => {
  for (const p of patterns) t.doesNotThrow(() => new RegExp(re2ToJs(p), 'gd'), p.slice(0, 60));
});

// re2-wasm's heap is fixed at 16 MB (its objects are freed only by the garbage collector) and one test
// takes milliseconds there: a modest number of patterns and strings per pattern (RE2_PROPERTY_RUNS for more).
const RUNS = Number(process.env.RE2_PROPERTY_RUNS ?? 8);

// The patterns where the translation does more than copy: inner case scopes, POSIX classes, \z, named
// groups, dot-all; and every eighth of the rest (re2-wasm's fixed heap does not hold them all).
const INNER = /\(\?-i|\(\?i:|\[\[:|\\z|\(\?P<|\(\?s|.\(\?i\)/;
const checked = patterns.filter((p, i) => INNER.test(p) || i % 8 === 0);

t.test('property: JavaScript and RE2 agree on strings drawn near each pattern', async (t) => {
  let compared = 0;
  for (const p of checked) {
    const js = new RegExp(re2ToJs(p));
    const re2 = new RE2(p, 'u');
    // Near the language: generated from the pattern, then cut, case-flipped or padded (ASCII only: RE2
    // reads \s, \w and \b as ASCII, and so does JavaScript without the u flag on ASCII text).
    const gen = new RandExp(js.source.replace(/\(\?<[A-Za-z0-9_]+>/g, '(').replace(/\\s/g, ' '));
    gen.max = 6;
    gen.defaultRange.subtract(128, 65535);
    const near = fc
      .tuple(fc.integer(), fc.constantFrom('as is', 'flip case', 'cut', 'pad'), fc.stringMatching(/^[ -~]{0,6}$/))
      .map(([seed, how, pad]) => {
        gen.randInt = (a: number, b: number) => a + (Math.abs(seed = (seed * 1103515245 + 12345) | 0) % (b - a + 1));
        const s = gen.gen();
        if (how === 'flip case') return [...s].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
        if (how === 'cut') return s.slice(0, s.length >> 1);
        return how === 'pad' ? pad + s + pad : s;
      });
    fc.assert(
      fc.property(near, (s) => {
        compared++;
        return js.test(s) === re2.test(s);
      }),
      { numRuns: RUNS },
    );
  }
  t.ok(compared >= checked.length * RUNS, `${compared} strings over ${checked.length} patterns`);
});
