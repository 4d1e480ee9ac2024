// A key under a Caesar shift other than ROT13 (each letter moved n places within its case, digits and signs
// kept: `ghp_…` shifted by 3 is `jks_…`). A shift keeps the distances between a prefix's letters, so the
// prefix is found by its shape whatever n is, only where a key's body can follow it (sixteen key
// characters after a separator; twenty capitals or digits for an AWS id, thirty-nine characters for a Google
// key), and only the key's own run is shifted back and read (ROT13 too, for the prefixes its signs in
// text-decoders.ts leave out: `ghu_`, `xoxa-`…).
// Written by hand: a shape shared by 25 shifts is one comparison, where 25 × 23 shifted prefixes as
// keywords would make ordinary words (`now_`, `db_`) signs of some shift. Pure.
import { isEscapeLetter } from '../text/escapes.js';
import { caesar, reversed, type Transformed } from '../text/substitutions.js';

// Prefixes that end with a separator, then a body of BODY key characters (ciphered-keys.ts reads the same).
export const SEPARATED = ['sk-proj-', 'sk-ant-', 'sk-svcacct-', 'sk-admin-', 'sk-', 'sk_live_', 'sk_test_', 'rk_live_', 'rk_test_', 'ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'glpat-', 'gldt-', 'glptt-', 'glrt-', 'hf_', 'npm_', 'xoxb-', 'xoxp-', 'xoxa-', 'xoxs-', 'xoxr-'];
// Prefixes of a run, found at the run's start: AWS ids (a run of twenty capitals or digits) and Google API
// keys (thirty-nine of `[A-Za-z0-9_-]`).
const AWS = ['AKIA', 'ASIA', 'ABIA', 'ACCA'];
const GOOGLE = 'AIza';
const CAPITAL_PAIR = /[A-Z]{2}[A-Za-z]{2}/g;
/** The key characters a separated prefix's body has at least, right after it (Slack's: digits, a dash, digits…; OpenAI's base64url: `_` and `-` among letters). */
const BODY = 16;
/** The most of a run read back from its prefix: past the longest key of these formats (a project key of OpenAI, 164). */
const LONGEST = 256;

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isCapitalOrDigit = (c: number) => (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
const isKeyChar = (c: number) => isLetter(c) || (c >= 48 && c <= 57) || c === 95 || c === 45;

/**
 * The shift n (1–25) under which `text` from `at` spells `prefix`: each letter moved n places in its own
 * case, every other character itself; 0 where it is the prefix as written, -1 where no shift makes it.
 */
export function shiftOf(text: string, at: number, prefix: string): number {
  let n = -1;
  for (let i = 0; i < prefix.length; i++) {
    const want = prefix.charCodeAt(i);
    const c = text.charCodeAt(at + i);
    if (!isLetter(want)) {
      if (c !== want) return -1;
      continue;
    }
    const base = want >= 97 ? 97 : 65;
    if (c < base || c >= base + 26) return -1;
    const d = (c - want + 26) % 26;
    if (n < 0) n = d;
    else if (d !== n) return -1;
  }
  return n;
}

/**
 * The runs of `text` that read as a key's prefix under a Caesar shift (1–25), each shifted back:
 * the run of key characters from the prefix on, at most LONGEST. Runs of one shift that overlap are one.
 */
export function shiftedReadings(text: string, capitalPairs?: readonly number[]): Transformed[] {
  const byShift = new Map<number, Array<[number, number]>>();
  // A key stands apart from the word before it (as the prefixed detectors ask), so its prefix starts a run
  // of key characters; the separators of the first kind are found by a native search (rare in prose).
  const backwards = new Map<number, Array<[number, number]>>();
  for (const separator of ['_', '-']) {
    for (let at = text.indexOf(separator); at >= 0; at = text.indexOf(separator, at + 1)) {
      if (runOf(text, at + 1, BODY, isKeyChar)) {
        for (const prefix of SEPARATED) {
          const start = at + 1 - prefix.length;
          if (start < 0 || prefix[prefix.length - 1] !== separator || !apart(text, start)) continue;
          addShifted(text, byShift, shiftOf(text, start, prefix), start);
        }
      }
      // Reversed after the shift: the prefix reads backwards from its separator, the body before it.
      if (at >= BODY && runOf(text, at - BODY, BODY, isKeyChar)) {
        for (const prefix of SEPARATED) {
          const end = at + prefix.length;
          if (end > text.length || prefix[prefix.length - 1] !== separator || (end < text.length && isKeyChar(text.charCodeAt(end)))) continue;
          addShiftedBackwards(text, backwards, shiftOf(text, at, reversedPrefix(prefix)), end);
        }
      }
    }
  }
  // Both start with two capitals, then two letters: found natively (rare in prose, a few a KB in code), or
  // among the pairs a keyword pass over this text found (`capitalPairs`: ciphered-keys.ts RUN_PAIRS' first
  // kind, every capital followed by the second letter of AKIA, ASIA, ABIA, ACCA or AIza under some shift).
  if (capitalPairs !== undefined) for (const start of capitalPairs) capitalsAt(text, byShift, start);
  else {
    CAPITAL_PAIR.lastIndex = 0;
    for (let m = CAPITAL_PAIR.exec(text); m !== null; m = CAPITAL_PAIR.exec(text)) capitalsAt(text, byShift, m.index);
  }
  const out: Transformed[] = [];
  for (const [n, list] of byShift) {
    for (const [a, b] of list) out.push({ text: caesar(text.slice(a, b), 26 - n), place: (s, e) => [a + s, a + e] });
  }
  for (const [n, list] of backwards) {
    // Only whole keys: `configuration_qwen3_asr` reads backwards as a GitHub prefix under a shift of 11.
    for (const [a, b] of list) out.push({ text: caesar(reversed(text.slice(a, b)), 26 - n), place: (s, e) => [b - e, b - s], wholeKeys: true });
  }
  return out;
}

const reversedPrefixes = new Map(SEPARATED.map((p) => [p, [...p].reverse().join('')]));
const reversedPrefix = (prefix: string): string => reversedPrefixes.get(prefix)!;

/** addShifted for a key reversed after its shift: the run of key characters before `end` (at most LONGEST). */
function addShiftedBackwards(text: string, byShift: Map<number, Array<[number, number]>>, n: number, end: number): void {
  if (n <= 0) return;
  let start = end;
  while (start > 0 && end - start < LONGEST && isKeyChar(text.charCodeAt(start - 1))) start--;
  addRun(byShift, n, start, end);
}

/** An AWS id's or Google key's prefix under a shift at `start`, its run added. */
function capitalsAt(text: string, byShift: Map<number, Array<[number, number]>>, start: number): void {
  if (!apart(text, start)) return;
  if (runOf(text, start, 20, isCapitalOrDigit)) for (const prefix of AWS) addShifted(text, byShift, shiftOf(text, start, prefix), start);
  if (runOf(text, start, 39, isKeyChar)) addShifted(text, byShift, shiftOf(text, start, GOOGLE), start);
}

/** The run of key characters from `start` (at most LONGEST) added to shift n's list; nothing for n ≤ 0. */
function addShifted(text: string, byShift: Map<number, Array<[number, number]>>, n: number, start: number): void {
  if (n <= 0) return;
  let end = start;
  while (end < text.length && end - start < LONGEST && isKeyChar(text.charCodeAt(end))) end++;
  addRun(byShift, n, start, end);
}

/** A run added to shift n's list, joined with the last where they overlap. */
function addRun(byShift: Map<number, Array<[number, number]>>, n: number, start: number, end: number): void {
  const list = byShift.get(n) ?? [];
  const last = list[list.length - 1];
  if (last && start <= last[1]) last[1] = Math.max(last[1], end);
  else list.push([start, end]);
  byShift.set(n, list);
}

/** Whether a run starting at `start` stands apart from the word before it: nothing, no key character, or an escape's letter written as text (`\n` in JSON text). */
function apart(text: string, start: number): boolean {
  if (start === 0) return true;
  const c = text.charCodeAt(start - 1);
  return !isKeyChar(c) || isEscapeLetter(text, start - 1);
}

/** Whether `min` characters that `isIn` takes stand from `at` on. */
function runOf(text: string, at: number, min: number, isIn: (c: number) => boolean): boolean {
  for (let i = at; i < at + min; i++) if (!isIn(text.charCodeAt(i))) return false;
  return true;
}
