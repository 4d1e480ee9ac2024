// The shared keyword pass must hand each reader exactly what its own pass would: a keyword it loses is a
// rule not run or a detector start not tried, a secret missed.
import t from 'tap';
import fc from 'fast-check';
import { keywordPass } from './keyword-pass.js';
import { START_WORDS, wordStarts } from './classify.js';
import { RULE_KEYWORDS, secretRuleMatches } from './gitleaks-rules.js';
import { ruleSetFindings } from './rule-set.js';
import { secretForm } from '../text/normalise.js';
import { KeywordAutomaton } from './keyword-automaton.js';
import { SPREAD_PAIRS } from './spelt-keys.js';
import { RUN_PAIRS } from './ciphered-keys.js';
import samples from './fixtures/gitleaks-samples.json' with { type: 'json' };

// Texts dense with both readers' keywords, in any case, glued to noise and to each other (a keyword inside
// another, one ending where the next starts), and with the rules' own samples.
const keyword = fc.constantFrom(...START_WORDS, ...RULE_KEYWORDS).chain((w) => fc.boolean().map((up) => (up ? w.toUpperCase() : w)));
const noise = fc.stringMatching(/^[A-Za-z0-9_.=:\-'" \n]{0,8}$/);
const text = fc.array(fc.oneof(keyword, noise, fc.constantFrom(...Object.values(samples as Record<string, string>))), { maxLength: 12 }).map((p) => p.join(''));

t.test('property: the shared pass gives the detector table the starts its own pass finds', async (t) => {
  let starts = 0;
  fc.assert(
    fc.property(text, (s) => {
      const own = wordStarts(s);
      starts += own.fixed.length + own.digitWords.length + own.signs.length;
      t.same(keywordPass(s).words, own);
    }),
    { numRuns: 1500 },
  );
  t.ok(starts > 1000, `${starts} starts compared`);
});

t.test('property: the rule sets find from the shared pass what they find from their own', async (t) => {
  let found = 0;
  fc.assert(
    fc.property(text, (s) => {
      const own = secretRuleMatches(s);
      found += own.length;
      t.same(secretRuleMatches(s, undefined, keywordPass(s).ruleHits), own);
    }),
    { numRuns: 800 },
  );
  t.ok(found > 200, `${found} matches compared`);
});

t.test('property: over several strings, each with its own pass, the rule sets find what a pass over them joined finds', async (t) => {
  fc.assert(
    fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), (strings) => {
      const folded = strings.map((s) => secretForm(s));
      const joined = folded.map((f) => f.text).join('\n') + '\n';
      const expected = secretRuleMatches(joined).length;
      t.equal(ruleSetFindings(folded, folded.map((f) => keywordPass(f.text))).length, joined.trim() === '' ? 0 : expected);
    }),
    { numRuns: 300 },
  );
});

t.test('property: the pairs found in the same pass are every place a marked pair stands, and the keywords are unchanged', async (t) => {
  const { table, wide } = SPREAD_PAIRS;
  const automaton = new KeywordAutomaton(['sk-', 'hf_', 'ab']);
  const piece = fc.oneof(fc.constantFrom('s k', 'sk-', 'g h p _', 'A K I A', '_ phg', 'hf_', '\u00a0', '·', 'é', '\u2003'), fc.string({ maxLength: 4 }), noise);
  let pairs = 0;
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 16 }).map((p) => p.join('')), (s) => {
      const at: number[] = [];
      t.same(automaton.foundAtAndPairs(s, { table: table.map((v) => (v !== 0 ? 1 : 0)), wide }, [at]), automaton.foundAt(s));
      const expected: number[] = [];
      for (let i = 0; i + 1 < s.length; i++) {
        const [a, b] = [s.charCodeAt(i), s.charCodeAt(i + 1)];
        if (a < 128 && table[a * 128 + (b < 128 ? b : wide[b])] !== 0) expected.push(i);
      }
      pairs += expected.length;
      t.same(at, expected);
      t.same(keywordPass(s).spreadPairs, expected);
    }),
    { numRuns: 1000 },
  );
  t.ok(pairs > 1000, `${pairs} pairs compared`);
});

t.test("property: the run pairs found in the same pass are every place a pair of RUN_PAIRS' bits stands", async (t) => {
  const { wide } = SPREAD_PAIRS;
  const piece = fc.oneof(fc.constantFrom('A K', 'AKIA', 'DNLD', 'ZPRZ', 'pzxp', 'p z', '%D0', 'АК', 'E_N', 'A\u00b7K'), fc.string({ maxLength: 4 }), noise);
  let pairs = 0;
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 16 }).map((p) => p.join('')), (s) => {
      const expected: number[][] = [[], []];
      for (let i = 0; i + 1 < s.length; i++) {
        const [a, b] = [s.charCodeAt(i), s.charCodeAt(i + 1)];
        const bits = a < 128 ? RUN_PAIRS[a * 128 + (b < 128 ? b : wide[b])] : 0;
        for (let k = 0; k < 2; k++) if ((bits >> k) & 1) expected[k].push(i);
      }
      pairs += expected[0].length + expected[1].length;
      t.same(keywordPass(s).runPairs, expected);
    }),
    { numRuns: 1000 },
  );
  t.ok(pairs > 500, `${pairs} pairs compared`);
});
