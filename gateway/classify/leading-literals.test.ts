// leadingLiterals reads the literal starts of a pattern; a rule is tried only at its keywords when every
// start begins with one (gitleaks-rules.ts), so a start it misses would be a secret missed.
import t from 'tap';
import fc from 'fast-check';
import samples from './fixtures/gitleaks-samples.json' with { type: 'json' };
import { leadingLiterals } from './leading-literals.js';
import { rules } from './gitleaks-rules.js';

t.test('the literal starts of patterns in the subset, and where the subset ends', async (t) => {
  t.same(leadingLiterals(String.raw`\b((?:ghu|ghs)_[0-9a-zA-Z]{36})`), ['ghu_', 'ghs_']);
  t.same(leadingLiterals('(?:[aA][dD][oO][bB][eE])(?:[ \\t\\w.\\-]{0,20})='), ['adobe']);
  t.same(leadingLiterals('passw(?:or)?d[:=]'), ['password', 'passwd'], 'an optional group: both');
  t.same(leadingLiterals('ab+c'), ['a'], 'a repetition ends the start before it');
  t.same(leadingLiterals('ab{2}c'), ['a']);
  t.same(leadingLiterals('x|pat[A-Z]{4}|(?:^|=)key'), ['x', 'pat', '', '=key'], 'an anchor ends its branch empty');
  t.same(leadingLiterals('(?<!-)-{5}BEGIN'), [''], 'a lookbehind reads no character; the repetition after it ends the start');
  t.same(leadingLiterals(String.raw`(?<!\p{L})(?<prefix>cfk|cfat)_[A-Z]`), ['cfk_', 'cfat_'], 'a lookbehind before a literal: the literal');
  t.same(leadingLiterals('(?=ab)abc|(?!x)yz'), ['abc', 'yz'], 'a lookahead too');
  t.same(leadingLiterals('[a-z]key'), [''], 'a ranged class ends it');
  t.same(leadingLiterals('\\dkey'), [''], 'a class escape ends it');
  t.same(leadingLiterals('.key'), ['']);
  t.same(leadingLiterals('[pousr]_'), ['p_', 'o_', 'u_', 's_', 'r_']);
  t.equal(leadingLiterals('[abcdefgh][abcdefgh][abcdefgh]', 256), null, 'more than the limit: none');
});

t.test('property: every match of every rule starts with one of its pattern\'s leading literals (small letters)', async (t) => {
  const read = rules.map((r) => ({ rule: r, starts: leadingLiterals(r.pattern.source) })).filter((r) => r.starts !== null);
  const fold = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  let checked = 0;
  fc.assert(
    fc.property(fc.constantFrom(...read), fc.array(fc.stringMatching(/^[A-Za-z0-9_.=:\-'" ]{0,10}$/), { maxLength: 4 }), ({ rule, starts }, noise) => {
      const sample = (samples as Record<string, string>)[rule.id] ?? '';
      const text = [...noise.slice(0, 2), sample, ...noise.slice(2)].join(' ');
      for (const m of text.matchAll(new RegExp(rule.pattern.source, 'g'))) {
        checked++;
        const from = fold(text.slice(m.index));
        if (!starts!.some((s) => from.startsWith(s))) return false;
      }
      return true;
    }),
    { numRuns: 3000 },
  );
  t.ok(checked > 1000, `${checked} matches checked`);
});
