// More disguises a key can wear as text (issue 23, #4), each undone only where the text shows a sign of
// it, so ordinary prose and code pay one prefilter each:
// - ROT13, ROT47, Atbash and reversal: where the text holds a known credential prefix so transformed (`NXVN`,
//   `AIKA`, `tuc_`, `_phg`, `D<\`, `hp-`); the substitutions keep positions, reversal mirrors them, so a
//   finding keeps its exact place (other Caesar shifts are found by a prefix's shape: shifted-keys.ts);
// - escapes written as text: HTML numeric entities (`&#65;`, `&#x41;`), `\xHH`, `\uHHHH`, `\u{H…}`, octal `\NNN`, at
//   least three of them; the decoded text's findings are placed on the whole run of escapes;
// - base32 (RFC 4648) runs of 24 or more characters, decoded within the body's decode budget.
// Written by hand: each is a few lines over a string, and a library for each would bring more than it does.
import { DecodeBudget } from '../text/encoded-runs.js';
import { KeywordAutomaton } from './keyword-automaton.js';

// Both by a table over UTF-16 units, built into a string a chunk at a time: a replace() with a callback per
// letter and a reversal through an array of code points cost a tenth of classifying code that holds a sign.
// CAESAR[n]: each ASCII letter moved n places within its case (ROT13 is CAESAR[13]).
const CAESAR = Array.from({ length: 26 }, (_, n) => new Uint16Array(128).map((_, c) => (c >= 65 && c <= 90 ? ((c - 65 + n) % 26) + 65 : c >= 97 && c <= 122 ? ((c - 97 + n) % 26) + 97 : c)));
const CHUNK = 8192;
export function fromUnits(units: Uint16Array): string {
  let out = '';
  for (let i = 0; i < units.length; i += CHUNK) out += String.fromCharCode.apply(null, units.subarray(i, i + CHUNK) as unknown as number[]);
  return out;
}
export function rot13(text: string): string {
  return substituted(text, CAESAR[13]);
}
/** Each letter moved `n` places (0–25) within its case; other characters kept. */
export function caesar(text: string, n: number): string {
  return substituted(text, CAESAR[n]);
}
// ROT47 (every printable ASCII character but the space moved 47 places among the 94) and Atbash (each
// letter mirrored in its case: a↔z): fixed substitutions, undone like ROT13 where their signs show.
/** Each ASCII unit under ROT47 and under Atbash (both their own inverse), for readers that turn a unit at a time. */
export const ROT47 = new Uint16Array(128).map((_, c) => (c >= 33 && c <= 126 ? ((c - 33 + 47) % 94) + 33 : c));
export const ATBASH = new Uint16Array(128).map((_, c) => (c >= 65 && c <= 90 ? 155 - c : c >= 97 && c <= 122 ? 219 - c : c));
function substituted(text: string, table: Uint16Array): string {
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    units[i] = c < 128 ? table[c] : c;
  }
  return fromUnits(units);
}
export const rot47 = (text: string): string => substituted(text, ROT47);
export const atbash = (text: string): string => substituted(text, ATBASH);
/** The text's code points in reverse order (a surrogate pair stays a pair). */
export function reversed(text: string): string {
  if (SURROGATE.test(text)) return [...text].reverse().join('');
  const n = text.length;
  const units = new Uint16Array(n);
  for (let i = 0; i < n; i++) units[n - 1 - i] = text.charCodeAt(i);
  return fromUnits(units);
}
const SURROGATE = /[\uD800-\uDFFF]/;

// The prefixes of the formats that start with a fixed string (scan.ts PREFIXES, armour's BEGIN): a text
// holding one of them ROT13'd or reversed is worth transforming.
const PREFIXES = ['sk-', 'sk_live_', 'sk_test_', 'AKIA', 'ASIA', 'AIza', 'ghp_', 'gho_', 'ghs_', 'github_pat_', 'glpat-', 'hf_', 'npm_', 'xoxb-', 'xoxp-', 'BEGIN', 'PRIVATE KEY'];
export type Scramble = 'rot13' | 'reversed' | 'both';
/** The scrambles undone where their signs show: ROT13, reversal or both, ROT47, Atbash, and each of those two with reversal. */
export type Cipher = Scramble | 'rot47' | 'atbash' | 'rot47 reversed' | 'atbash reversed';
const SIGNS: Array<[string, Cipher]> = PREFIXES.flatMap((p): Array<[string, Cipher]> => [
  [rot13(p), 'rot13'],
  [reversed(p), 'reversed'],
  [reversed(rot13(p)), 'both'],
  [rot47(p), 'rot47'],
  [atbash(p), 'atbash'],
  [reversed(rot47(p)), 'rot47 reversed'],
  [reversed(atbash(p)), 'atbash reversed'],
]);
// The keyword pass folds case; a key's prefix is written in one case only (`hf_`, never `HF_`), so a sign
// of one counts only as written: `NOT_SUPPORTED` holds `_su` (`hf_` ROT13'd and reversed) folded, and each
// such hit in code cost a transformed reading of 16 KB. Armour's words are read in any case, as the
// private-key detector reads them.
const ANY_CASE = new Set(['BEGIN', 'PRIVATE KEY'].flatMap((p) => [rot13(p), reversed(p), reversed(rot13(p))]));
// A ROT47 or Atbash sign counts only where a key's body could follow it: apart from the word before, then
// sixteen characters that are neither white space nor outside ASCII, and for ROT47 not all hex digits. ROT47
// turns `hf_` into `970` and `ghp_` into `89A0`, which numbers, commit hashes and UUIDs hold (a reading at
// each made `hf_` fragments of legal prose); a ROT47'd random body is never sixteen hex digits.
const ARMOUR_SIGNS = new Set(['BEGIN', 'PRIVATE KEY'].flatMap((p) => [rot47(p), atbash(p), reversed(rot47(p)), reversed(atbash(p))]));
const HEX_RUN = /^[0-9A-Fa-f-]{16}/;
const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/**
 * keyFollows for a sign read backwards (reversed with its cipher): the key's body stands before it, the word
 * after it. The text around is read mirrored.
 */
function keyPrecedes(text: string, start: number, end: number, kind: 'rot47' | 'atbash'): boolean {
  const mirrored = reversed(text.slice(Math.max(0, start - 16), Math.min(text.length, end + 1)));
  const from = Math.min(text.length, end + 1) - end;
  return keyFollows(mirrored, from, from + (end - start), kind);
}
function keyFollows(text: string, start: number, end: number, kind: 'rot47' | 'atbash'): boolean {
  // The character before stands apart as written or deciphered: ROT47 turns the `"` of a key quoted in
  // JSON text into `Q`, and a `"` put around the ciphered key is itself.
  const written = text.charCodeAt(start - 1);
  if (isAlnum(written) && !(kind === 'rot47' && written < 128 && !isAlnum(ROT47[written]))) return false;
  for (let i = end; i < end + 16; i++) {
    const c = text.charCodeAt(i);
    if (!(c >= 33 && c <= 126)) return false;
  }
  return !(kind === 'rot47' && HEX_RUN.test(text.slice(end, end + 16)));
}
// One pass for every kind (letters folded: a candidate too many costs one detector pass, never a miss).
/** The signs as keywords, for a keyword pass shared with other readers (classify.ts wordStarts). */
export const SIGN_WORDS: readonly string[] = SIGNS.map(([sign]) => sign);
const signs = new KeywordAutomaton(SIGN_WORDS);
/** The length of sign k if it is a ROT47 sign (a prefix so turned) counted as written, 0 otherwise. */
export const rot47SignLength = (k: number): number => (SIGNS[k][1] === 'rot47' && !ARMOUR_SIGNS.has(SIGNS[k][0]) ? SIGNS[k][0].length : 0);

export interface Transformed {
  text: string;
  /** Where a span [start, end) of `text` lies in the original. */
  place(start: number, end: number): [number, number];
  /** Only a whole key counts from this reading, not a fragment (a loose reading: identifiers of code make fragments). */
  wholeKeys?: boolean;
}

/** How far around a transformed prefix the text is transformed: past any credential, armoured keys included. */
const REACH = 8192;

/** A stretch's edge moved (by at most a line's length) to white space, so that it does not cut a word or run in two. */
function toSpace(text: string, at: number, step: -1 | 1): number {
  for (let k = 0; k < 256; k++) {
    if (at <= 0 || at >= text.length || /\s/.test(text[step < 0 ? at - 1 : at])) return at;
    at += step;
  }
  return at;
}

/**
 * Around each transformed prefix the text shows, that stretch of it ROT13'd, reversed, or both (a
 * credential lies within REACH of its prefix, after it or, reversed, before it); overlapping stretches of
 * one kind are one. Only the stretches are transformed, so a long text with one stray sign costs little.
 * `kinds`, where given, limits the scrambles undone.
 */
export function unscrambled(text: string, signHits?: number[], kinds?: readonly Cipher[]): Transformed[] {
  const out: Transformed[] = [];
  const n = text.length;
  const stretches = new Map<Cipher, Array<[number, number]>>();
  // The signs' hits (flat: sign, end, …) from a pass the caller already made over this text, or this one's.
  const hits = signHits ?? signs.foundAt(text);
  for (let h = 0; h < hits.length; h += 2) {
    const k = hits[h];
    const end = hits[h + 1];
    const [sign, kind] = SIGNS[k];
    if (kinds && !kinds.includes(kind)) continue;
    if (!ANY_CASE.has(sign) && !text.startsWith(sign, end - sign.length)) continue;
    if ((kind === 'rot47' || kind === 'atbash') && !ARMOUR_SIGNS.has(sign) && !keyFollows(text, end - sign.length, end, kind)) continue;
    if ((kind === 'rot47 reversed' || kind === 'atbash reversed') && !ARMOUR_SIGNS.has(sign) && !keyPrecedes(text, end - sign.length, end, kind === 'rot47 reversed' ? 'rot47' : 'atbash')) continue;
    const from = toSpace(text, Math.max(0, end - sign.length - REACH), -1);
    const to = toSpace(text, Math.min(n, end + REACH), 1);
    const list = stretches.get(kind) ?? [];
    const last = list[list.length - 1];
    if (last && from <= last[1]) {
      last[0] = Math.min(last[0], from);
      last[1] = Math.max(last[1], to);
    } else list.push([from, to]);
    stretches.set(kind, list);
  }
  for (const [kind, list] of stretches) {
    for (const [a, b] of list) {
      const part = text.slice(a, b);
      const m = part.length;
      if (kind === 'rot13' || kind === 'rot47' || kind === 'atbash') {
        const read = kind === 'rot13' ? keepEscapes(part, rot13(part)) : kind === 'rot47' ? rot47(part) : atbash(part);
        out.push({ text: read, place: (s, e) => [a + s, a + e] });
        if (kind === 'rot47' && part.includes('\\')) out.push(rot47InJson(part, a));
        continue;
      }
      // Reversal by UTF-16 unit would split surrogate pairs; the prefixes are ASCII, and a reversed text's
      // findings are placed by mirroring, which holds while every character is one unit (checked).
      if (SURROGATE.test(part)) continue;
      const back = reversed(part);
      const read = kind === 'reversed' ? back : kind === 'both' ? rot13(back) : kind === 'rot47 reversed' ? rot47(back) : atbash(back);
      out.push({ text: read, place: (s, e) => [a + m - e, a + m - s] });
    }
  }
  return out;
}

/**
 * A ROT47'd stretch held in JSON text (tool call arguments), read with its `\"` and `\\` unescaped first:
 * ROT47 turns letters into quotes and backslashes, which JSON then escapes inside the key.
 */
export function rot47InJson(part: string, at: number): Transformed {
  const origin: number[] = [];
  let read = '';
  for (let i = 0; i < part.length; i++) {
    origin.push(i);
    const escaped = part[i] === '\\' && (part[i + 1] === '"' || part[i + 1] === '\\');
    read += escaped ? part[++i] : part[i];
  }
  origin.push(part.length);
  return { text: rot47(read), place: (s, e) => [at + origin[s], at + origin[e]] };
}

/**
 * ROT13'd text with the letter of each escape written as text (`\n` of a fenced block in JSON held in a
 * string) kept as it was: turned, `\nfx_…` would read `\ask_…`, the key glued to an `a`.
 */
function keepEscapes(part: string, turned: string): string {
  if (!part.includes('\\')) return turned;
  return turned.replace(/\\[A-Za-z]/g, (_, at: number) => part.slice(at, at + 2));
}

// A backslash may be doubled: escapes written as text inside a JSON string held in JSON (tool call arguments).
// Octal escapes (`\163\153`, C's, Python's and shells'), three digits, are read too.
const ESCAPE = /&#(?:[0-9]{1,7}|[xX][0-9A-Fa-f]{1,6});?|\\{1,2}x[0-9A-Fa-f]{2}|\\{1,2}u\{[0-9A-Fa-f]{1,6}\}|\\{1,2}u[0-9A-Fa-f]{4}|\\{1,2}[0-3][0-7]{2}/g;
const OCTAL = /\\[0-3][0-7]{2}/;
/** Runs of at least three escapes, with at most a few characters between neighbours. */
export function escapeRuns(text: string): Array<{ start: number; end: number; text: string }> {
  if (!text.includes('&#') && !text.includes('\\x') && !text.includes('\\u') && !(text.includes('\\') && OCTAL.test(text))) return [];
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
  return text.replace(ESCAPE, (escape) => {
    const e = escape.replace(/^\\\\/, '\\');
    const hex = e.startsWith('&#x') || e.startsWith('&#X') ? e.slice(3).replace(';', '') : e.startsWith('\\x') ? e.slice(2) : e.startsWith('\\u{') ? e.slice(3, -1) : e.startsWith('\\u') ? e.slice(2) : null;
    const octal = hex === null && e[0] === '\\';
    const code = octal ? parseInt(e.slice(1), 8) : hex === null ? Number(e.slice(2).replace(';', '')) : parseInt(hex, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : escape;
  });
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const MIN_BASE32 = 24;
const isBase32 = (c: number) => (c >= 65 && c <= 90) || (c >= 50 && c <= 55);

/** What `/[A-Z2-7]{24,}={0,6}/g` matches, read by jumps: a run starting in [i, i + 23] holds i + 23. */
export function base32Spans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let i = 0; // the character before i is outside the alphabet
  while (i + MIN_BASE32 <= text.length) {
    const k = i + MIN_BASE32 - 1;
    if (!isBase32(text.charCodeAt(k))) {
      i = k + 1;
      continue;
    }
    let start = k;
    while (start > i && isBase32(text.charCodeAt(start - 1))) start--;
    let end = k + 1;
    while (end < text.length && isBase32(text.charCodeAt(end))) end++;
    if (end - start < MIN_BASE32) {
      i = end;
      continue;
    }
    let pad = 0;
    while (pad < 6 && text.charCodeAt(end) === 0x3d) {
      end++;
      pad++;
    }
    spans.push([start, end]);
    i = end;
  }
  return spans;
}

/** Base32 runs that decode to something, within the budget. */
export function base32Runs(text: string, budget: DecodeBudget): Array<{ start: number; end: number; bytes: Buffer }> {
  const out: Array<{ start: number; end: number; bytes: Buffer }> = [];
  for (const [start, end] of base32Spans(text)) {
    if (budget.remaining <= 0) break;
    const chars = text.slice(start, end).replace(/=+$/, '').slice(0, Math.ceil((budget.remaining * 8) / 5));
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
    out.push({ start, end, bytes: Buffer.from(bytes) });
  }
  return out;
}

// HTML's named character references for printable ASCII and the hyphens (WHATWG's table, each spelling
// it lists): letters and digits have no names, so these are all the names a key's characters can be
// written as. Written out here because no package with the table (such as `entities`) is installed and
// this round adds no dependency.
const NAMED: Record<string, string> = {
  Tab: '\t', NewLine: '\n', nbsp: ' ', NonBreakingSpace: ' ', excl: '!', quot: '"', QUOT: '"', num: '#', dollar: '$', percnt: '%',
  amp: '&', AMP: '&', apos: "'", lpar: '(', rpar: ')', ast: '*', midast: '*', plus: '+', comma: ',', period: '.', sol: '/',
  colon: ':', semi: ';', lt: '<', LT: '<', equals: '=', gt: '>', GT: '>', quest: '?', commat: '@', lsqb: '[', lbrack: '[',
  bsol: '\\', rsqb: ']', rbrack: ']', Hat: '^', lowbar: '_', UnderBar: '_', grave: '`', DiacriticalGrave: '`', lcub: '{',
  lbrace: '{', verbar: '|', vert: '|', VerticalLine: '|', rcub: '}', rbrace: '}', hyphen: '-', dash: '-', minus: '-',
};
const NAMED_REFERENCE = /&([A-Za-z]{2,16});/g;

/** The text with HTML's named references (and numeric ones beside them) read, where it holds a named one of the table; null otherwise. */
export function entityReading(text: string): Transformed | null {
  if (!text.includes('&')) return null;
  NAMED_REFERENCE.lastIndex = 0;
  let any = false;
  for (let m = NAMED_REFERENCE.exec(text); m !== null && !any; m = NAMED_REFERENCE.exec(text)) any = Object.hasOwn(NAMED, m[1]);
  if (!any) return null;
  // origin[k]: where the k-th character of the reading starts in the text (one entry past the end too).
  const origin: number[] = [];
  let out = '';
  const ANY_REFERENCE = /&(?:([A-Za-z]{2,16})|#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6}));/y;
  for (let i = 0; i < text.length; ) {
    ANY_REFERENCE.lastIndex = i;
    const m = text.charCodeAt(i) === 38 ? ANY_REFERENCE.exec(text) : null;
    const code = m === null ? -1 : m[1] !== undefined ? (Object.hasOwn(NAMED, m[1]) ? NAMED[m[1]].charCodeAt(0) : -1) : parseInt(m[2] ?? m[3], m[2] !== undefined ? 10 : 16);
    if (m !== null && code >= 0 && code <= 0x10ffff) {
      const ch = String.fromCodePoint(code);
      for (let k = 0; k < ch.length; k++) origin.push(i);
      out += ch;
      i += m[0].length;
    } else {
      origin.push(i);
      out += text[i];
      i++;
    }
  }
  origin.push(text.length);
  return { text: out, place: (s, e) => [origin[s], origin[e]] };
}
