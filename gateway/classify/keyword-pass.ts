// One pass over a string's secret form for the keywords two readers start from: the rule sets' (which of
// gitleaks' and the preset's rules to run, and where: gitleaks-rules.ts) and the detector table's (its fixed
// starts, digit words and scrambled signs: classify.ts); and, in the same walk, the pairs of characters a
// spread-out credential prefix starts with, for the spelt-out reader (spelt-keys.ts), and those a ciphered
// AWS id or Google key starts with (ciphered-keys.ts). Two automata read every string twice; one over
// both keyword lists reads it once at the same cost a character (4 µs per KB of code, the rule sets' lists
// being most of the states either way). Pure.
import { START_WORDS, wordStartsOf, type WordStarts } from './classify.js';
import { RULE_KEYWORDS } from './gitleaks-rules.js';
import { KeywordAutomaton } from './keyword-automaton.js';
import { SPREAD_PAIRS } from './spelt-keys.js';
import { RUN_PAIRS } from './ciphered-keys.js';
import type { PairTable } from './keyword-automaton.js';

const automaton = new KeywordAutomaton([...RULE_KEYWORDS, ...START_WORDS]);

export interface KeywordPass {
  /** The rule sets' keywords found (flat keyword, end…, numbered as RULE_KEYWORDS), for secretRuleMatches. */
  ruleHits: number[];
  /** The detector table's starts, for findings(). */
  words: WordStarts;
  /** Where a spread-out credential prefix may start (SPREAD_PAIRS), for the spelt-out reader (spelt-keys.ts). */
  spreadPairs: number[];
  /** Where a ciphered AWS id or Google key may start, in the secret form, for ciphered-keys.ts: RUN_PAIRS' pairs of each bit. */
  runPairs: number[][];
}

// Both pair tables in one: bit 0 SPREAD_PAIRS', the bits above RUN_PAIRS' (both read a separator outside ASCII as a space).
const PAIRS: PairTable = {
  table: SPREAD_PAIRS.table.map((v, i) => (v !== 0 ? 1 : 0) | (RUN_PAIRS[i] << 1)),
  wide: SPREAD_PAIRS.wide,
};

export function keywordPass(text: string): KeywordPass {
  const spreadPairs: number[] = [];
  const runPairs: number[][] = [[], []];
  const hits = automaton.foundAtAndPairs(text, PAIRS, [spreadPairs, ...runPairs]);
  const ruleHits: number[] = [];
  for (let h = 0; h < hits.length; h += 2) if (hits[h] < RULE_KEYWORDS.length) ruleHits.push(hits[h], hits[h + 1]);
  return { ruleHits, words: wordStartsOf(hits, RULE_KEYWORDS.length), spreadPairs, runPairs };
}
