// More disguises a key can wear as text (issue 23, #4), each undone only where the text shows a sign of
// it, so ordinary prose and code pay one prefilter each:
// - ROT13 and reversal: where the text holds a known credential prefix so transformed (`NXVN`, `AIKA`,
//   `tuc_`, `_phg`); ROT13 keeps positions, reversal mirrors them, so a finding keeps its exact place;
// - escapes written as text: HTML numeric entities (`&#65;`, `&#x41;`), `\xHH`, `\uHHHH`, `\u{H…}`, at
//   least three of them; the decoded text's findings are placed on the whole run of escapes;
// - base32 (RFC 4648) runs of 24 or more characters, decoded within the body's decode budget.
// Written by hand: each is a few lines over a string, and a library for each would bring more than it does.
import { DecodeBudget } from '../text/encoded-runs.js';
import { KeywordAutomaton } from './keyword-automaton.js';

const rot13Char = (c: string): string => {
  const code = c.charCodeAt(0);
  if (code >= 65 && code <= 90) return String.fromCharCode(((code - 65 + 13) % 26) + 65);
  if (code >= 97 && code <= 122) return String.fromCharCode(((code - 97 + 13) % 26) + 97);
  return c;
};
export const rot13 = (text: string): string => text.replace(/[A-Za-z]/g, rot13Char);
export const reversed = (text: string): string => [...text].reverse().join('');

// The prefixes of the formats that start with a fixed string (scan.ts PREFIXES, armour's BEGIN): a text
// holding one of them ROT13'd or reversed is worth transforming.
const PREFIXES = ['sk-', 'sk_live_', 'sk_test_', 'AKIA', 'ASIA', 'AIza', 'ghp_', 'gho_', 'ghs_', 'github_pat_', 'glpat-', 'hf_', 'npm_', 'xoxb-', 'xoxp-', 'BEGIN', 'PRIVATE KEY'];
type Scramble = 'rot13' | 'reversed' | 'both';
const SIGNS: Array<[string, Scramble]> = PREFIXES.flatMap((p): Array<[string, Scramble]> => [
  [rot13(p), 'rot13'],
  [reversed(p), 'reversed'],
  [reversed(rot13(p)), 'both'],
]);
// One pass for all three (letters folded: a candidate too many costs one detector pass, never a miss).
const signs = new KeywordAutomaton(SIGNS.map(([sign]) => sign));

export interface Transformed {
  text: string;
  /** Where a span [start, end) of `text` lies in the original. */
  place(start: number, end: number): [number, number];
}

/** The text ROT13'd, reversed, or both, where it shows a transformed prefix. */
export function unscrambled(text: string): Transformed[] {
  const out: Transformed[] = [];
  const n = text.length;
  const seen = new Set([...signs.found(text)].map((k) => SIGNS[k][1]));
  if (seen.size === 0) return out;
  if (seen.has('rot13')) out.push({ text: rot13(text), place: (s, e) => [s, e] });
  // Reversal by UTF-16 unit would split surrogate pairs; the prefixes are ASCII, and a reversed text's
  // findings are placed by mirroring, which holds while every character is one unit (checked).
  const oneUnit = !/[\uD800-\uDFFF]/.test(text);
  if (oneUnit && seen.has('reversed')) out.push({ text: reversed(text), place: (s, e) => [n - e, n - s] });
  if (oneUnit && seen.has('both')) out.push({ text: rot13(reversed(text)), place: (s, e) => [n - e, n - s] });
  return out;
}

const ESCAPE = /&#(?:[0-9]{1,7}|[xX][0-9A-Fa-f]{1,6});?|\\x[0-9A-Fa-f]{2}|\\u\{[0-9A-Fa-f]{1,6}\}|\\u[0-9A-Fa-f]{4}/g;
/** Runs of at least three escapes, with at most a few characters between neighbours. */
export function escapeRuns(text: string): Array<{ start: number; end: number; text: string }> {
  if (!text.includes('&#') && !text.includes('\\x') && !text.includes('\\u')) return [];
  const out: Array<{ start: number; end: number; text: string }> = [];
  let run: { start: number; end: number; count: number } | null = null;
  const flush = () => {
    if (run && run.count >= 3) out.push({ start: run.start, end: run.end, text: decodeEscapes(text.slice(run.start, run.end)) });
  };
  for (const m of text.matchAll(ESCAPE)) {
    const at = m.index!;
    if (run && at - run.end <= 4) {
      run.end = at + m[0].length;
      run.count++;
    } else {
      flush();
      run = { start: at, end: at + m[0].length, count: 1 };
    }
  }
  flush();
  return out;
}

function decodeEscapes(text: string): string {
  return text.replace(ESCAPE, (e) => {
    const hex = e.startsWith('&#x') || e.startsWith('&#X') ? e.slice(3).replace(';', '') : e.startsWith('\\x') ? e.slice(2) : e.startsWith('\\u{') ? e.slice(3, -1) : e.startsWith('\\u') ? e.slice(2) : null;
    const code = hex === null ? Number(e.slice(2).replace(';', '')) : parseInt(hex, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : e;
  });
}

const BASE32 = /[A-Z2-7]{24,}={0,6}/g;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Base32 runs that decode to something, within the budget. */
export function base32Runs(text: string, budget: DecodeBudget): Array<{ start: number; end: number; bytes: Buffer }> {
  const out: Array<{ start: number; end: number; bytes: Buffer }> = [];
  for (const m of text.matchAll(BASE32)) {
    if (budget.remaining <= 0) break;
    const chars = m[0].replace(/=+$/, '').slice(0, Math.ceil((budget.remaining * 8) / 5));
    const bytes: number[] = [];
    let bits = 0;
    let value = 0;
    for (const c of chars) {
      value = (value << 5) | ALPHABET.indexOf(c);
      bits += 5;
      if (bits >= 8) {
        bytes.push((value >>> (bits - 8)) & 255);
        bits -= 8;
      }
    }
    budget.remaining -= bytes.length;
    out.push({ start: m.index!, end: m.index! + m[0].length, bytes: Buffer.from(bytes) });
  }
  return out;
}
