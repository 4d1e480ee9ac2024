// A key built from pieces the way code and markup build strings, read whole (issue 23: what an insider
// tries once spelt-out and escaped keys are caught):
// - string literals joined by `+`, by white space (Python's and C's implicit concatenation) or by commas
//   (an array then joined): `"sk-pr" + "oj-Ab3…"`, `'AKIA' 'Z7Q2…'`, `["sk-", "proj-", …]`;
// - character codes, decimal, octal or `0x` hex, separated by commas or white space (`String.fromCharCode(115,
//   107, …)`, `[0x73, 0x6b, …]`), and a hex dump's bytes (`73 6b 2d`, `73:6b:2d`), at least eight of them,
//   every one a printable character, a tab or a line break;
// - markup between the characters (`<b>s</b><b>k</b>…`, a `<span>` a group): tags removed, in the dense
//   stretches of three tags or more (markupReadings).
// A joined or coded reading's findings are placed on the whole run it was read from (the run is masked
// whole); markup's on the characters they come from. Pure.
// Written by hand: each is one pattern and a join; no package reads them.

import { isTextCode } from '../text/encoded-runs.js';
import type { Transformed } from '../text/substitutions.js';
import { gluedLooksRandom } from './detectors.js';
import { firstSpreadPrefix } from './spelt-keys.js';

/**
 * Whether a finding in a built reading is kept: one drawn at random. Joining runs words together (an array
 * of package pins read as one long assignment to `tokenizers`, of prefixes as `sk-akiaasia…`), so a match
 * made of words, or in one case only, is not a key there. Armour is words by nature and is kept.
 */
export function keptFromBuilt(kind: string, matched: string): boolean {
  return kind === 'privateKey' || kind === 'puttyKey' || (gluedLooksRandom(matched, '') && !listsPrefixes(matched));
}

const OTHER_PREFIX = /sk[-_]|rk_|AKIA|ASIA|gh[pousr]_|gl(?:pat|dt|ptt|rt)-|hf_|npm_|xox[abposr]-|AIza/g;
/** A match whose body holds two more prefixes is a list of them joined (`['sk-', 'sk_live_', 'AKIA', 'ghp_']`), no key. */
function listsPrefixes(matched: string): boolean {
  return (matched.slice(3).match(OTHER_PREFIX)?.length ?? 0) >= 2;
}

export interface BuiltRun {
  start: number;
  end: number;
  text: string;
}

// A literal of each quote kind, up to 80 characters or escapes (`\n` between a PEM's lines, `\"`), no line
// break inside; and a double-quoted one inside JSON text (tool call arguments carrying code), its quotes
// written `\"` and its escapes doubled. Each character is plain or an escape, never both: linear.
const LITERAL = String.raw`(?:\\"(?:[^"\\\n]|\\\\.){0,80}\\"|"(?:[^"\\\n]|\\.){0,80}"|'(?:[^'\\\n]|\\.){0,80}'|` + '`(?:[^`\\\\\\n]|\\\\.){0,80}`)';
// Two or more joined by `+`, white space or a comma. The join's white space is one run then maybe a sign
// and another run, never two runs side by side (`\s*\s*` backtracks quadratically on a long run of spaces).
const CHAIN_SOURCE = String.raw`${LITERAL}(?:\s*(?:[+,]\s*)?${LITERAL}){1,255}`;
// Tried sticky, only near a join (chainMatches).
const CHAIN = new RegExp(CHAIN_SOURCE, 'y');
/** The whole-text search chainMatches stands for, for its test. */
export const CHAIN_SEARCH = new RegExp(CHAIN_SOURCE, 'g');
// Where a chain's first join stands: a literal's closing quote, the join, the next literal's opening quote.
const JOIN_SITE = /["'`]\s*(?:[+,]\s*)?(?:\\"|["'`])/g;
// Where a literal can open (sticky CHAIN fails elsewhere).
const QUOTE = /\\"|["'`]/g;
/** The longest literal: a JSON-escaped one's quotes and 80 doubled escapes (`\\\\n`, three units each). */
const LONGEST_LITERAL = 2 + 80 * 3 + 2;

/**
 * The matches of a search of the whole text for CHAIN, found by trying it only at the quotes within a
 * literal's length before a join (JOIN_SITE): a chain starts with a literal that ends at its first join.
 * The whole-text search tried it at every quote, and each literal of code twice (its closing quote read as
 * the opening of another): 2 µs per KB of code, for a chain in one KB out of three.
 */
export function chainMatches(text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  // Every quote before `tried` was tried, or lies inside a chain found.
  let tried = 0;
  JOIN_SITE.lastIndex = 0;
  for (let j = JOIN_SITE.exec(text); j !== null; j = JOIN_SITE.exec(text)) {
    // Overlapping: an empty literal's two quotes are a site, and its second may also open the next site.
    JOIN_SITE.lastIndex = j.index + 1;
    if (j.index < tried) continue;
    let found: RegExpExecArray | null = null;
    // In order, each quote once (the `"` of a `\"` too, as the whole-text search tries both).
    for (let at = Math.max(tried, j.index - LONGEST_LITERAL); found === null; ) {
      QUOTE.lastIndex = at;
      const q = QUOTE.exec(text);
      if (q === null || q.index > j.index) break;
      CHAIN.lastIndex = q.index;
      found = CHAIN.exec(text);
      at = q.index + 1;
    }
    if (found !== null) out.push(found);
    tried = found !== null ? found.index + found[0].length : j.index + 1;
  }
  return out;
}
const LITERAL_G = new RegExp(LITERAL, 'g');
/** A joined reading shorter than this holds no key and no fragment. */
const SHORTEST = 8;

// What a joined reading must show to be read for keys: sixteen key characters in a row, a character
// folding may turn into one, armour's dashes, or a prefix spread out over separators. A message joined
// from phrases (`"Expected " + "a value"`) shows none.
const KEY_RUN = /[A-Za-z0-9_+/=-]{16}|[^\x00-\x7f]|-----/;
function mayHoldKey(joined: string): boolean {
  return KEY_RUN.test(joined) || firstSpreadPrefix(joined, 0) !== null;
}

const ESCAPED: Record<string, string> = { n: '\n', t: '\t', r: '\r' };
/** A literal's escapes read (`\n` a line break, `\"` a quote); any other escaped character stands for itself. */
function unescaped(inside: string): string {
  return inside.includes('\\') ? inside.replace(/\\(.)/g, (_, c: string) => ESCAPED[c] ?? c) : inside;
}

// A key's characters, the separators a spelt-out key puts between them (spelt-keys.ts) and what folding
// may turn into either (anything outside ASCII).
const KEY_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=.|,:;*- \t\r\v\f') KEY_CHAR[c.charCodeAt(0)] = 1;
const isKeyChar = (c: number): boolean => (c < 128 ? KEY_CHAR[c] === 1 : c !== 0x2028 && c !== 0x2029);
/** The shortest run of key characters across a join worth reading: an AWS key id's twenty, less a little. */
const CROSSING_RUN = 16;
/** Whether the run of key characters that ends `left` and the one that starts `right` are CROSSING_RUN long together. */
function keyRunAcross(left: string, right: string): boolean {
  let n = 0;
  for (let i = left.length - 1; i >= 0 && n < CROSSING_RUN && isKeyChar(left.charCodeAt(i)); i--) n++;
  if (n === 0 || right.length === 0 || !isKeyChar(right.charCodeAt(0))) return false;
  for (let i = 0; i < right.length && n < CROSSING_RUN && isKeyChar(right.charCodeAt(i)); i++) n++;
  return n >= CROSSING_RUN;
}

// Decimal or `0x` hex, from a space (32) up to U+10FFFF: a fullwidth or Cyrillic letter's code too (the reading is folded).
const CODES = /(?:(?:0[xX][0-9A-Fa-f]{2,6}|\d{2,7})(?:\s*,\s*|\s+)){7,}(?:0[xX][0-9A-Fa-f]{2,6}|\d{2,7})/g;
const CODE = /0[xX]([0-9A-Fa-f]{2,6})|\d{2,7}/g;
const OCTAL = /^[0-7]{2,3}$/;
// Bytes in hex, two digits each, apart by one space, colon or comma: eight or more. Found first by three
// printable ASCII characters in a row, each written from 2 to 7 (`41 4b 49`): tried at digits only, not at
// every a to f of prose (5 µs per KB of prose on the request path).
const HEX_BYTES = /(?<![0-9A-Za-z])[0-9][0-9A-Fa-f](?:[ :,][0-9A-Fa-f]{2}){7,}(?![0-9A-Za-z])/g;
const HEX_BYTES_IN_A_ROW = /[2-7][0-9A-Fa-f][ :,][2-7][0-9A-Fa-f][ :,][2-7][0-9A-Fa-f]/;
const HEX_BYTE = /[0-9A-Fa-f]{2}/g;

const TAG = /<\/?[A-Za-z][A-Za-z0-9]{0,15}(?:\s[^<>]{0,64})?\/?>/g;
const MIN_TAGS = 3;
/** How far apart the tags of a dense stretch stand at most: a character or a group of a key between them. */
const GROUP = 6;
/** How far either side of a dense stretch its reading reaches: a key's ends outside the markup. */
const REACH = 128;

/** The chains of literals and the runs of character codes of a text, each with what it spells. */
export function builtStringRuns(text: string): BuiltRun[] {
  const out: BuiltRun[] = [];
  if (text.includes('"') || text.includes("'") || text.includes('`')) {
    for (const m of chainMatches(text)) {
      let joined = '';
      let crosses = false;
      for (const piece of m[0].matchAll(LITERAL_G)) {
        const inside = piece[0][0] === '\\' ? unescaped(unescaped(piece[0].slice(2, -2))) : unescaped(piece[0].slice(1, -1));
        // Joining makes a key only where a run of key characters crosses a join: an array of words read as
        // one (`['a', 'b']`), or of sentences, is not read again.
        if (!crosses && joined.length > 0 && keyRunAcross(joined, inside)) crosses = true;
        joined += inside;
      }
      if (crosses && joined.length >= SHORTEST && mayHoldKey(joined)) out.push({ start: m.index, end: m.index + m[0].length, text: joined });
    }
  }
  CODES.lastIndex = 0;
  for (let m = CODES.exec(text); m !== null; m = CODES.exec(text)) {
    const tokens = [...m[0].matchAll(CODE)];
    out.push(...codesRead(m.index, tokens, (n) => (n[1] !== undefined ? parseInt(n[1], 16) : Number(n[0]))));
    // Octal codes (`101 113 111`) are decimal numbers too: read both ways.
    if (tokens.every((n) => OCTAL.test(n[0]))) out.push(...codesRead(m.index, tokens, (n) => parseInt(n[0], 8)));
  }
  // A hex dump's bytes apart (`41 4b 49 41`, `41:4b:…`): no `0x`, so not among the codes above.
  if (HEX_BYTES_IN_A_ROW.test(text)) {
    HEX_BYTES.lastIndex = 0;
    for (let m = HEX_BYTES.exec(text); m !== null; m = HEX_BYTES.exec(text)) out.push(...codesRead(m.index, [...m[0].matchAll(HEX_BYTE)], (n) => parseInt(n[0], 16)));
  }
  return out;
}

/**
 * The longest stretches of codes that are characters, each as what it spells: a number before them
 * (`1.0 115, 107…`) or among them that is none cuts the run there, it does not void it.
 */
function codesRead(at: number, tokens: RegExpMatchArray[], codeOf: (token: RegExpMatchArray) => number): BuiltRun[] {
  const out: BuiltRun[] = [];
  let read = '';
  let from = -1;
  let to = -1;
  const flush = () => {
    if (read.length >= SHORTEST) out.push({ start: at + from, end: at + to, text: read });
    read = '';
  };
  for (const n of tokens) {
    const code = codeOf(n);
    if (!isTextCode(code)) {
      flush();
      continue;
    }
    if (read === '') from = n.index!;
    read += String.fromCodePoint(code);
    to = n.index! + n[0].length;
  }
  flush();
  return out;
}

/**
 * The stretches of the text where markup stands between characters, each read with its tags removed, and
 * where each span of a reading lies in the text (a finding is placed on its own characters and the tags
 * between). A stretch is MIN_TAGS tags or more, each within GROUP characters of the last (`<b>s</b><b>k</b>`,
 * a `<span>` a group), and REACH characters either side; generics in code (`Map<string, number>`) and
 * markup around words and sentences are not that dense, and a whole text is never read again for them.
 */
export function markupReadings(text: string): Transformed[] {
  if (!text.includes('<')) return [];
  TAG.lastIndex = 0;
  const clusters: Array<Array<[number, number]>> = [];
  let cluster: Array<[number, number]> = [];
  for (let m = TAG.exec(text); m !== null; m = TAG.exec(text)) {
    const tag: [number, number] = [m.index, m.index + m[0].length];
    if (cluster.length > 0 && tag[0] - cluster[cluster.length - 1][1] > GROUP) {
      if (cluster.length >= MIN_TAGS) clusters.push(cluster);
      cluster = [];
    }
    cluster.push(tag);
  }
  if (cluster.length >= MIN_TAGS) clusters.push(cluster);
  // Stretches around the dense clusters, those that touch merged.
  const stretches: Array<{ from: number; to: number; cuts: Array<[number, number]> }> = [];
  for (const c of clusters) {
    const from = Math.max(0, c[0][0] - REACH);
    const to = Math.min(text.length, c[c.length - 1][1] + REACH);
    const last = stretches[stretches.length - 1];
    if (last && from <= last.to) {
      last.to = to;
      last.cuts.push(...c);
    } else stretches.push({ from, to, cuts: [...c] });
  }
  return stretches.map(({ from: start, to, cuts }) => {
    // origin[k]: where the k-th character of the reading stands in the text (one entry past the end too).
    const origin: number[] = [];
    let read = '';
    let from = start;
    for (const [a, b] of [...cuts, [to, to] as [number, number]]) {
      for (let i = from; i < a; i++) origin.push(i);
      read += text.slice(from, a);
      from = b;
    }
    origin.push(to);
    return { text: read, place: (s: number, e: number) => [origin[s], e > s ? origin[e - 1] + 1 : origin[e]] as [number, number] };
  });
}
