// A key whose prefix is written apart from its body (`ghp_ a1B2…`, `AKIA Q2W3…`, `sk-proj- then Ab3d…`,
// the body in two runs): the prefix standing alone as a word, then within a short gap (white space,
// punctuation, a few words: small letters, or shorter than a body) its body, one run of key characters or a few joined by single
// spaces. Read joined; only a whole key whose body looks drawn at random counts, placed from the prefix to
// the body's end. Written by hand: no library reads a key written in two pieces. Pure.
import { findings, type Finding } from './classify.js';
import { gluedLooksRandom } from './detectors.js';

/** The prefixes of the formats that start with a fixed string. */
const PREFIXES = /(?:AKIA|ASIA|ABIA|ACCA|AIza|gh[pousr]_|github_pat_|gl(?:pat|dt|ptt|rt)-|sk-(?:ant-(?:api|admin)\d{2}-|proj-|svcacct-|admin-)?|(?:sk|rk)_(?:live|test)_|hf_|npm_|xox[abposr]-)/.source;
/** A prefix standing alone (no key character after it). */
const PREFIX = new RegExp(`${PREFIXES}(?![A-Za-z0-9_-])`, 'y');
/** A run that starts with a prefix: another key, or a list of prefixes, never part of a body. */
const STARTS_WITH_PREFIX = new RegExp(PREFIXES, 'y');
/**
 * How far past the prefix its body may start, and how many words of letters may stand between: a short
 * sentence (`ghp_ (The rest follows below, copy it carefully) a1B2…`).
 */
const GAP = 96;
const GAP_WORDS = 12;
const GAP_WORD = 10;
/**
 * The body's first run is at least FIRST long (the others, a last group, may be shorter), the runs at most
 * SEPARATOR characters apart (` `, ` ... `, ` | `, ` - `); at most PIECES runs are joined, from each of at
 * most STARTS places.
 */
const FIRST = 3;
const STARTS = 4;
/** Words of small letters read as a body's first groups before a place. */
const SMALL_FIRST = 2;
const PIECES = 12;
const SEPARATOR = 6;
const LONGEST = 256;

const isKeyChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
const isSmall = (c: number) => c >= 97 && c <= 122;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** The end of the run of key characters from `at`. */
function runEnd(text: string, at: number): number {
  while (at < text.length && isKeyChar(text.charCodeAt(at))) at++;
  return at;
}

/**
 * Where the next run of key characters starts from `i`, past other characters and runs of dashes or
 * underscores alone, which stand between as punctuation (`ghp_ - a1B2…`); `limit` or past it where none
 * starts before `limit`.
 */
function nextRun(text: string, i: number, limit: number): number {
  while (i < limit) {
    if (!isKeyChar(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const end = runEnd(text, i);
    if (!/^[-_]+$/.test(text.slice(i, end))) return i;
    i = end;
  }
  return i;
}

/**
 * Where the body may start after a prefix ending at `at`, past separators and a few words (at most STARTS
 * places: each run that is no word of small letters, a capitalised word too, each tried after the words of
 * small letters just before it); `ended`: whether the text ends within the gap (its body may be in a later string).
 */
function bodyStarts(text: string, at: number): { starts: number[]; ended: boolean } {
  const starts: number[] = [];
  let places = 0;
  let words = 0;
  // A body's first groups drawn at random are small letters now and then (`anzy | Tb6m | …`, one in 30 for
  // groups of four): read from the small words just before a place too, the nearer last.
  let smallBefore: number[] = [];
  const limit = Math.min(text.length, at + GAP);
  let i = nextRun(text, at, limit);
  while (i < limit && places < STARTS) {
    const end = runEnd(text, i);
    // A word of small letters (`then`, `followed by`) is no key's body; any other run long enough may start
    // one, and is a word between when it does not (`The rest`, `2nd`).
    let small = end - i <= GAP_WORD;
    for (let k = i; k < end && small; k++) small = isSmall(text.charCodeAt(k));
    if (end - i < FIRST) smallBefore = [];
    else if (small) smallBefore = [...smallBefore, i].slice(-SMALL_FIRST);
    else {
      starts.push(...smallBefore, i);
      smallBefore = [];
      places++;
    }
    if (++words > GAP_WORDS) break;
    i = nextRun(text, end, limit);
  }
  return { starts, ended: i === text.length };
}

/** The prefix and body read as one whole key of a format, its body drawn at random; else undefined. */
function wholeKey(prefix: string, body: string, next: string): Finding | undefined {
  const joined = prefix + body;
  const key = findings(joined).find((f) => f.start === 0 && f.end === joined.length && f.dataClass.startsWith('secret.') && f.dataClass !== 'secret.fragment');
  return key && gluedLooksRandom(body, next) ? key : undefined;
}

/** Where the body's next run starts past a separator of at most SEPARATOR characters ending at `end`; -1 where none. */
function nextPiece(text: string, end: number): number {
  const limit = Math.min(text.length, end + SEPARATOR + 1);
  const i = nextRun(text, end, limit);
  return i < limit ? i : -1;
}

/**
 * The body's runs from `start`, joined one more at a time; the first reading that is a whole key counts, as
 * written or without the dashes and underscores that grouped it (`a1B2c3-D4e5F6-…`).
 */
function bodyAt(text: string, prefix: string, start: number): { key: Finding; end: number } | null {
  let body = '';
  let at = start;
  // A key is grouped with one separator throughout; words in a sentence stand apart by varied ones.
  let separator: string | null = null;
  for (let piece = 0; piece < PIECES && body.length < LONGEST; piece++) {
    const end = runEnd(text, at);
    STARTS_WITH_PREFIX.lastIndex = at;
    if (end - at < (piece === 0 ? FIRST : 1) || STARTS_WITH_PREFIX.test(text)) break;
    body += text.slice(at, end);
    const key = wholeKey(prefix, body, text.charAt(end)) ?? (/[-_]/.test(body) ? wholeKey(prefix, body.replace(/[-_]/g, ''), text.charAt(end)) : undefined);
    if (key) return { key, end };
    at = nextPiece(text, end);
    if (at < 0 || (separator ??= text.slice(end, at)) !== text.slice(end, at)) break;
  }
  return null;
}

/** The whole keys written with their prefix apart from their body, at the text's fixed starts (a keyword pass's, ascending). */
export function apartFindings(text: string, fixedStarts: readonly number[]): Finding[] {
  const out: Finding[] = [];
  let after = 0;
  for (const p of fixedStarts) {
    if (p < after) continue;
    PREFIX.lastIndex = p;
    const m = PREFIX.exec(text);
    if (m === null) continue;
    const prefix = m[0];
    for (const start of bodyStarts(text, p + prefix.length).starts) {
      const found = bodyAt(text, prefix, start);
      if (!found) continue;
      out.push({ ...found.key, start: p, end: found.end });
      after = found.end;
      break;
    }
  }
  return out;
}

const PREFIX_ANYWHERE = new RegExp(PREFIX.source, 'g');
/** How much of a string's end a prefix cut from its body by the end of the string is looked for in. */
export const APART_EDGE = GAP + 16;

/**
 * Where a prefix stands alone in a string's last APART_EDGE characters with nothing but separators and
 * short words after it (its body in a later string, `prefix: ghp_` then `and the rest: a1B2…`): the offsets
 * of such prefixes, ascending (what apartFindings takes for the string's end joined with a later string's start).
 */
export function prefixesAtEnd(text: string): number[] {
  const from = Math.max(0, text.length - APART_EDGE);
  const out: number[] = [];
  PREFIX_ANYWHERE.lastIndex = from;
  for (let m = PREFIX_ANYWHERE.exec(text); m !== null; m = PREFIX_ANYWHERE.exec(text)) {
    const at = m.index + m[0].length;
    // The text ends in the gap, early enough that the join's line break and a body still fall within GAP.
    const after = bodyStarts(text, at);
    if (after.starts.length === 0 && after.ended && text.length - at + 1 < GAP) out.push(m.index);
  }
  return out;
}
