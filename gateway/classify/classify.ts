// Pure, deterministic detection of personal data and secrets in request content. Detectors report data
// classes; the policy decides what they mean.
//
// What findings() returns is exactly what the one combined alternation of every detector pattern
// (detectors.ts `combined`) finds with matchAll: the leftmost position where some detector matches, the
// first detector in table order matching there, the scan going on after the match, accepted or not (a
// number failing Luhn is no card or phone in part); but a prefixed key inside a match refused is still read
// (`\nAIza…` is a run of forty, refused as an AWS secret, that holds a Google key).
// Running that alternation at every position of the text is what cost most of a classification, so it
// is not run. Each detector belongs to a group with a cheap way of finding the positions where one of
// its detectors can start (a fixed prefix, a digit, an `@`, a `:` or `=`, a run of exactly 40 base64
// characters); the positions of all groups are visited in order, and only there are the groups'
// patterns tried, anchored. A position is tried only where the combined alternation would try it too
// (never inside a match already made), so the cost stays linear where the table's patterns are.
import { DIGIT_NAMES, DIGIT_WORD, detectors, gluedAnchored, gluedDetectors, gluedLooksRandom } from './detectors.js';
import { isEscapeLetter } from '../text/escapes.js';
import { SPOKEN_LETTERS } from '../text/spelling-alphabet.js';
import { KeywordAutomaton } from './keyword-automaton.js';
import { SIGN_WORDS } from './text-decoders.js';

export interface Finding {
  dataClass: string;
  /** The detector that found it (awsAccessKey, email, …). */
  kind: string;
  start: number;
  end: number;
}

/** The next position at or after `from` where one of a group's detectors may start, or -1. Called with `from` never decreasing. */
type NextStart = (from: number) => number;

interface Group {
  /** Indices into `detectors`, ascending. */
  members: number[];
  /** The members' patterns as one sticky alternation, tried only at a candidate start. */
  anchored: RegExp;
  /** A cursor over the candidate starts of one text (`words`: the text's word pass, shared by the groups). */
  starts(text: string, words: WordStarts): NextStart;
  /**
   * Whether finding a candidate start reads an unbounded way past it (an e-mail address's local part before
   * its `@`); the others read at most SEARCH_AHEAD characters past a start.
   */
  readsAhead: boolean;
}

// The fixed starts of the prefixed formats (the first group) and the English digit words (a card number
// spelt out) are found by one keyword pass over the text, ASCII letters folded: a folded hit the
// case-sensitive pattern would not make costs one anchored try that fails, never a finding. Two
// regular expressions over the whole text (an alternation of some forty literals, and one of eleven
// words) cost several times that pass.
const FIXED_STARTS = [
  '--', 'putty-', 'sk-', 'akia', 'asia', 'abia', 'acca', 'a3t', 'aiza', ...'pousr'.split('').map((c) => `gh${c}_`), 'github_pat_',
  'glpat-', 'gldt-', 'glptt-', 'glrt-', 'sk_', 'rk_', 'hf_', 'npm_', 'sg.', ...'abposr'.split('').map((c) => `xox${c}-`),
  'https://hooks', 'eyj', 'eya', 'ewo', 'ew0', 'ewk', 'accountkey', 'sharedaccesskey', 'bearer',
];
const DIGIT_WORDS = [...DIGIT_NAMES, 'oh'];
// The same pass finds the signs of ROT13'd or reversed prefixes (text-decoders.ts), so that a string's
// detector pass and its unscrambling share one read of it.
/** Every word the detector table's starts are found from, in the order WordStarts' hits number them. */
// And the words of the spelling alphabet, where a key read aloud may be spelt out, and the ` as in ` or
// ` for ` of a letter spelt by a word of one's own (`A as in apple`, `K for king`: phonetic-keys.ts).
const LETTER_WORDS = [...Object.keys(SPOKEN_LETTERS), ' as in ', ' for '];
export const START_WORDS: readonly string[] = [...FIXED_STARTS, ...DIGIT_WORDS, ...LETTER_WORDS, ...SIGN_WORDS];
const startWords = new KeywordAutomaton(START_WORDS);
const wordLength = [...FIXED_STARTS, ...DIGIT_WORDS, ...LETTER_WORDS].map((w) => w.length);
const LONGEST_WORD = Math.max(...START_WORDS.map((w) => w.length));
const FIRST_LETTER_WORD = FIXED_STARTS.length + DIGIT_WORDS.length;
const FIRST_SIGN = FIRST_LETTER_WORD + LETTER_WORDS.length;

export interface WordStarts {
  /** Where a fixed start begins, ascending. */
  fixed: number[];
  /** Where a digit word begins, ascending. */
  digitWords: number[];
  /** The signs of text-decoders.ts found, flat: sign, end, sign, end… (what its unscrambled() takes). */
  signs: number[];
  /** Where a word of the spelling alphabet, an ` as in ` or a ` for ` begins, ascending (a key read aloud: phonetic-keys.ts). */
  letterWords: number[];
}

function ascending(xs: number[]): number[] {
  for (let i = 1; i < xs.length; i++) if (xs[i] < xs[i - 1]) return xs.sort((a, b) => a - b);
  return xs;
}

export function wordStarts(text: string): WordStarts {
  return wordStartsOf(startWords.foundAt(text), 0);
}

/**
 * The word starts in the hits of a keyword pass (KeywordAutomaton.foundAt's flat keyword, end…) whose
 * keywords from `first` on are START_WORDS in order (those before are another reader's: keyword-pass.ts).
 */
export function wordStartsOf(hits: readonly number[], first: number): WordStarts {
  const fixed: number[] = [];
  const digitWords: number[] = [];
  const signs: number[] = [];
  const letterWords: number[] = [];
  for (let h = 0; h < hits.length; h += 2) {
    const k = hits[h] - first;
    if (k < 0) continue;
    if (k >= FIRST_SIGN) signs.push(k - FIRST_SIGN, hits[h + 1]);
    else (k < FIXED_STARTS.length ? fixed : k < FIRST_LETTER_WORD ? digitWords : letterWords).push(hits[h + 1] - wordLength[k]);
  }
  // Hits come in order of their ends; starts of words of different lengths can be out of order.
  return { fixed: ascending(fixed), digitWords: ascending(digitWords), signs, letterWords: ascending(letterWords) };
}

/** Starts from a sorted list, each kept only where `at` (a sticky pattern) matches there, when given. */
function fromList(text: string, list: number[], at?: RegExp): NextStart {
  let i = 0;
  return (from) => {
    for (; i < list.length; i++) {
      if (list[i] < from) continue;
      if (at === undefined) return list[i];
      at.lastIndex = list[i];
      if (at.test(text)) return list[i];
    }
    return -1;
  };
}

const index = (name: string): number => {
  const i = detectors.findIndex((d) => d.name === name);
  if (i < 0) throw new Error(`no detector ${name}`);
  return i;
};


const BASE64 = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+') BASE64[c.charCodeAt(0)] = 1;
const isBase64 = (c: number): boolean => c < 128 && BASE64[c] === 1;

/**
 * awsSecretKey: a match stands alone, so it is a whole run of [A-Za-z0-9/+] exactly 40 long; its start is
 * the run's. Runs are found by looking 40 characters ahead: where that character is outside the class, no
 * run of 40 starts before it and the scan jumps past it, so ordinary prose is read about one character in ten.
 */
function runsOf40(text: string): NextStart {
  let pos = 0; // every candidate before pos has been reported; the character before pos is outside the class
  const n = text.length;
  return (from) => {
    let i = Math.max(pos, from);
    // A start lies where a run starts: step past the rest of a run `from` falls inside.
    if (i > 0 && i < n && isBase64(text.charCodeAt(i - 1))) {
      while (i < n && isBase64(text.charCodeAt(i))) i++;
      i++;
    }
    while (i + 40 <= n) {
      const k = i + 39;
      if (!isBase64(text.charCodeAt(k))) {
        i = k + 1;
        continue;
      }
      let j = k - 1;
      while (j >= i && isBase64(text.charCodeAt(j))) j--;
      let r = k + 1;
      while (r < n && isBase64(text.charCodeAt(r))) r++;
      i = r + 1;
      if (r - j - 1 === 40) {
        pos = i;
        return j + 1;
      }
    }
    pos = n;
    return -1;
  };
}

const LOCAL = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-') LOCAL[c.charCodeAt(0)] = 1;

/** email: a match starts where the run of local-part characters just before an `@` starts. */
function beforeAt(text: string): NextStart {
  let searchFrom = 0;
  return (from) => {
    for (;;) {
      const at = text.indexOf('@', Math.max(searchFrom, from));
      if (at < 0) {
        searchFrom = text.length;
        return -1;
      }
      searchFrom = at + 1;
      let s = at;
      while (s > 0 && text.charCodeAt(s - 1) < 128 && LOCAL[text.charCodeAt(s - 1)] === 1) s--;
      if (s < at && s >= from) return s;
    }
  };
}

/**
 * emailDisguised: a match starts where a run of local-part characters starts, before spaces and an `@` or a
 * bracketed `at`. The markers are found by one native search (`@` and brackets are rare in prose) and the run
 * is read back from each; a search for the run itself tried every word of the text.
 */
const AT_MARKER = /@|[\[({] *[Aa][Tt] *[\])}]/g;
function beforeAtMarker(text: string): NextStart {
  const marker = AT_MARKER;
  let searchFrom = 0;
  return (from) => {
    for (;;) {
      marker.lastIndex = Math.max(searchFrom, from);
      const m = marker.exec(text);
      if (m === null) {
        searchFrom = text.length;
        return -1;
      }
      searchFrom = m.index + 1;
      let e = m.index;
      while (e > 0 && text.charCodeAt(e - 1) === 32) e--;
      let s = e;
      while (s > 0 && text.charCodeAt(s - 1) < 128 && LOCAL[text.charCodeAt(s - 1)] === 1) s--;
      if (s < e && s >= from) return s;
    }
  };
}

// secretValue: a value starts after `:`, `=` or `=>`, then white space, then maybe a quote (what its
// lookbehind ends with); the lookbehind itself (the credential-like name) is checked when tried. The search
// asks for 12 characters of the value's class after that: most `=` and `:` in code and prose are not
// followed by that many, and it returns none of them (found one by one, each `:` of code cost a call). A
// quote is no value character, so a value starts either just past the white space or past a quote, never both.
const SIGN = /[:=>]\s*["']?(?=[A-Za-z0-9/+_.~=!@#$%^&*-]{12})/g;
function afterAssignment(text: string): NextStart {
  const sign = SIGN;
  sign.lastIndex = 0;
  return (from) => {
    for (;;) {
      const m = sign.exec(text);
      if (m === null) {
        sign.lastIndex = text.length;
        return -1;
      }
      const value = m.index + m[0].length;
      if (value >= from) return value;
    }
  };
}

/**
 * Card, SSN, Aadhaar and phone numbers start at a digit not after a digit, or at + or ( before a digit;
 * a NINO at two capitals before a digit. A run of digits is one candidate (its start): none of these
 * starts after a digit. A Spanish NIE (X, Y or Z, a space or dash, digits) and an Italian codice fiscale
 * (six capitals, then two capitals found here before its birth year's digits) start a little before such
 * a hit, looked at only there: as alternatives of NUMBER they made the pass over code half as slow again.
 */
// NUMBER (`\d+|[+(]\d|[A-Z][A-Z] ?\d`) is found by a native search for digits and a look at the few
// characters before each (nextNumber): as one pattern, tried at every capital and bracket of code, it cost
// three times the digits' search.
const DIGITS = /\d+/g;
const isCapital = (c: number) => c >= 65 && c <= 90;
const isLetter = (c: number) => isCapital(c) || (c >= 97 && c <= 122);

/** Where a NIE or codice fiscale whose digits or capitals NUMBER found at `at` would start, or -1. */
function startBefore(text: string, at: number, digitRun: boolean): number {
  if (digitRun) {
    let i = at - 1;
    const c = text.charCodeAt(i);
    if (c === 32 || c === 45) i--;
    const x = text.charCodeAt(i);
    return (x === 88 || x === 89 || x === 90) && !isLetter(text.charCodeAt(i - 1)) ? i : -1;
  }
  const s = at - 4;
  if (s < 0 || isLetter(text.charCodeAt(s - 1))) return -1;
  for (let i = s; i < at; i++) if (!isCapital(text.charCodeAt(i))) return -1;
  return s;
}

/**
 * Whether a run of digits can start a match of NUMBER's group: every such pattern needs, right after a
 * run shorter than nine, a separator (`[ ./-]`: phones, SSNs, Aadhaar, cards in groups) or, for a national
 * id (nine characters of `[\dA-Z ./+-]`), a capital or `+`. Most numbers in code (`[0]`, `100)`, `x1`) have
 * none, and an anchored try of the group's six patterns at each cost more than finding it.
 */
function digitRunMayMatch(text: string, end: number, length: number): boolean {
  if (length >= 9) return true;
  const c = text.charCodeAt(end);
  return c === 32 || c === 46 || c === 47 || c === 45 || c === 43 || (c >= 65 && c <= 90);
}

/**
 * The leftmost match of NUMBER at or after `from`: where it starts and, for a run of digits, its length (0
 * for a sign or capitals before a digit). Every alternative ends at the first digit from `from` on, so the
 * match starts at most three characters before it.
 */
function nextNumber(text: string, from: number): { index: number; digits: number } | null {
  DIGITS.lastIndex = from;
  const m = DIGITS.exec(text);
  if (m === null) return null;
  const k = m.index;
  const before = text.charCodeAt(k - 1);
  if (k - 3 >= from && before === 32 && isCapital(text.charCodeAt(k - 2)) && isCapital(text.charCodeAt(k - 3))) return { index: k - 3, digits: 0 };
  if (k - 2 >= from && isCapital(before) && isCapital(text.charCodeAt(k - 2))) return { index: k - 2, digits: 0 };
  if (k - 1 >= from && (before === 43 || before === 40)) return { index: k - 1, digits: 0 };
  return { index: k, digits: m[0].length };
}

function numbers(text: string): NextStart {
  let skipTo = 0;
  let pending = -1;
  return (from) => {
    if (pending >= from) {
      const p = pending;
      pending = -1;
      return p;
    }
    for (;;) {
      const m = nextNumber(text, Math.max(from, skipTo));
      if (m === null) {
        skipTo = text.length;
        return -1;
      }
      const digitRun = m.digits > 0;
      skipTo = digitRun ? m.index + m.digits : m.index + 1;
      const before = startBefore(text, m.index, digitRun);
      const here = !digitRun || digitRunMayMatch(text, skipTo, m.digits);
      if (before >= from) {
        if (here) pending = m.index;
        return before;
      }
      if (here) return m.index;
    }
  };
}

// Shared between calls (findings() is synchronous and never re-entered), so that a call compiles nothing.
const TWO_DIGIT_WORDS = new RegExp(String.raw`(?<![A-Za-z])${DIGIT_WORD}[\s,.-]{1,3}${DIGIT_WORD}[\s,.-]`, 'y');

function group(names: string[], starts: (text: string, words: WordStarts) => NextStart, readsAhead = false): Group {
  const members = names.map(index).sort((a, b) => a - b);
  return { members, anchored: new RegExp(members.map((i) => `(${detectors[i].pattern})`).join('|'), 'y'), starts, readsAhead };
}

export const groups: Group[] = [
  group(
    ['privateKey', 'puttyKey', 'anthropicKey', 'openaiKey', 'awsAccessKey', 'githubToken', 'gitlabToken', 'stripeKey', 'huggingfaceToken', 'npmToken', 'sendgridKey', 'googleKey', 'slackToken', 'slackWebhook', 'jwt', 'azureStorageKey', 'credentialFragment', 'bearer'],
    // The fixed start of each: armour's two dashes, PuTTY-, sk-, AKIA…, ghp_…, glpat-…, sk_/rk_, hf_,
    // npm_, SG., AIza, xoxb-…, the Slack webhook URL, eyJ (eyAi, ewo…), AccountKey, SharedAccessKey, Bearer.
    (text, words) => fromList(text, words.fixed),
  ),
  group(['awsSecretKey'], runsOf40),
  group(['secretValue'], afterAssignment),
  group(['email'], beforeAt, true),
  group(['emailDisguised'], beforeAtMarker, true),
  group(['nationalId', 'cardNumber', 'usSsn', 'ukNino', 'aadhaar', 'phone'], numbers),
  // Two digit words in a row: a card number spelt out starts there.
  group(['cardNumberWords'], (text, words) => fromList(text, words.digitWords, TWO_DIGIT_WORDS)),
];

/** The group of the prefixed formats, whose keys are read inside a match another detector refused. */
const PREFIXED = 0;

{
  const covered = groups.flatMap((g) => g.members).sort((a, b) => a - b);
  if (covered.length !== detectors.length || covered.some((d, i) => d !== i)) throw new Error('every detector must be in exactly one group');
}

/** No detector matches fewer characters (the shortest is an e-mail address of six). */
export const SHORTEST_MATCH = 6;
// How far past a candidate start the bounded cursors read to find it: a run of exactly 40 and the character
// after it (runsOf40), 12 value characters (afterAssignment), two digit words and their separators.
const SEARCH_AHEAD = 64;

/**
 * Every accepted finding in one text, in order, non-overlapping; with `before`, only those that start before
 * that offset (the same ones: a match is tried only at the leftmost candidate left, so none found later
 * changes those before it).
 */
export function findings(text: string, words?: WordStarts, before = text.length): Finding[] {
  const out: Finding[] = [];
  // A short string such as a role or a field name costs nothing more.
  if (text.length < SHORTEST_MATCH) return out;
  // Where only starts before `before` count, so do only the words that start there: the text past them
  // (by the longest word) is not read for words.
  words ??= wordStarts(before + LONGEST_WORD < text.length ? text.slice(0, before + LONGEST_WORD) : text);
  // Nor are candidate starts searched for past them: a window across a join asks for the few characters
  // left of it, and its cursors' searches of the 256 characters right of it were a tenth of a 1 KB call.
  // The patterns themselves are tried on the whole text.
  const searched = before + SEARCH_AHEAD < text.length ? text.slice(0, before + SEARCH_AHEAD) : text;
  const cursors = groups.map((g) => g.starts(g.readsAhead ? text : searched, words));
  const next = cursors.map((c) => c(0));
  for (;;) {
    // The leftmost candidate start of any group.
    let at = -1;
    for (const p of next) if (p >= 0 && (at < 0 || p < at)) at = p;
    if (at < 0 || at >= before) return withGluedKeys(text, words.fixed, before, out);
    // Every group with a candidate here is tried; the lowest detector index matching here decides.
    let best = -1;
    let bestEnd = 0;
    for (let g = 0; g < groups.length; g++) {
      if (next[g] !== at) continue;
      const { anchored, members } = groups[g];
      anchored.lastIndex = at;
      const m = anchored.exec(text);
      if (m === null) continue;
      let k = 1;
      while (m[k] === undefined) k++;
      const d = members[k - 1];
      if (best < 0 || d < best) {
        best = d;
        bestEnd = at + m[0].length;
      }
    }
    // No match is empty, but never stand still. Past a match refused, the prefixed formats are tried inside it.
    let refused = false;
    if (best >= 0) {
      const d = detectors[best];
      refused = d.accept !== undefined && !d.accept(text.slice(at, bestEnd), text, at);
      if (!refused) out.push({ dataClass: d.dataClass, kind: d.name, start: at, end: bestEnd });
    }
    const from = Math.max(bestEnd, at + 1);
    for (let g = 0; g < groups.length; g++) {
      const past = refused && g === PREFIXED ? at + 1 : from;
      if (next[g] >= 0 && next[g] < past) next[g] = cursors[g](past);
    }
  }
}

function upperOrDigitRunEnd(text: string, at: number): number {
  let c = text.charCodeAt(at);
  while ((c >= 48 && c <= 57) || (c >= 65 && c <= 90)) c = text.charCodeAt(++at);
  return at;
}

/** Whether the character before `at` is a letter or digit of the word a prefix there is glued to (not an escape's `\n`). */
function gluedAt(text: string, at: number): boolean {
  if (at === 0) return false;
  const c = text.charCodeAt(at - 1);
  const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return alnum && !isEscapeLetter(text, at - 1);
}

/**
 * `found` (in order, non-overlapping) with the keys glued to the word before them (detectors.ts
 * gluedDetectors), tried at the fixed starts that stand glued outside every finding, before `before`. A
 * glued key takes the place of the findings inside it (a run of 40 of its body: the key is masked whole,
 * prefix included); one that would cut a finding in two is left to that finding.
 */
function withGluedKeys(text: string, fixed: readonly number[], before: number, found: Finding[]): Finding[] {
  let out: Finding[] | null = null;
  let k = 0;
  let from = 0;
  // The last run of capitals and digits measured, [runFrom, runEnd): a place inside it ends where it does, so
  // an AWS prefix repeated with nothing between (glued to itself at every fourth place) reads its run once,
  // not once a prefix.
  let runFrom = 0;
  let runEnd = -1;
  for (const p of fixed) {
    if (p >= before) break;
    if (p < from || !gluedAt(text, p)) continue;
    while (k < found.length && found[k].end <= p) k++;
    if (k < found.length && found[k].start <= p) continue;
    gluedAnchored.lastIndex = p;
    const m = gluedAnchored.exec(text);
    if (m === null) continue;
    // An AWS id glued at both ends is masked to the end of its run (`A3T0AKIA…` reads A3T0's twenty and
    // would leave the last four of the key behind it).
    const after = p + m[0].length;
    const lower = /[a-z]/.test(m[0]);
    if (!lower && !(after >= runFrom && after <= runEnd)) {
      runFrom = after;
      runEnd = upperOrDigitRunEnd(text, after);
    }
    const end = lower ? after : runEnd;
    let inside = k;
    while (inside < found.length && found[inside].end <= end) inside++;
    if (inside < found.length && found[inside].start < end) continue;
    // A key crossing the cut may hold the start of a finding past it, which the whole text would have
    // found and kept (`AKIA…EXAMPLE4111 1111 1111 1111`: the card): read on to the key's end to judge alike.
    if (end > before && findings(text, undefined, end).some((f) => f.start >= before && f.start < end && f.end > end)) continue;
    let g = 1;
    while (m[g] === undefined) g++;
    const d = detectors[gluedDetectors[g - 1]];
    if (!gluedLooksRandom(m[0], text.charAt(p + m[0].length)) || (d.accept && !d.accept(m[0], text, p))) continue;
    out ??= [...found];
    // The findings inside it go.
    for (let i = k; i < inside; i++) out.splice(out.indexOf(found[i]), 1);
    out.push({ dataClass: d.dataClass, kind: d.name, start: p, end });
    k = inside;
    from = end;
  }
  return out === null ? found : out.sort((a, b) => a.start - b.start);
}

/** Replaces findings of the given classes with `[REDACTED:<class>]`, for the 'redacted' logging obligation. */
export function redact(text: string, classes: readonly string[]): string {
  const wanted = new Set(classes);
  let out = '';
  let last = 0;
  for (const f of findings(text)) {
    if (!wanted.has(f.dataClass)) continue;
    out += text.slice(last, f.start) + `[REDACTED:${f.dataClass}]`;
    last = f.end;
  }
  return out + text.slice(last);
}
