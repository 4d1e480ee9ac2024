// A key whose prefix is written apart from its body (`ghp_ a1B2…`, `AKIA Q2W3…`, `sk-proj- then Ab3d…`,
// the body in two runs): the prefix standing alone as a word, then within a short gap (white space,
// punctuation, a few words: small letters, or shorter than a body) its body, one run of key characters or a few joined by single
// spaces. Read joined; only a whole key whose body looks drawn at random counts, placed from the prefix to
// the body's end. Written by hand: no library reads a key written in two pieces. Pure.
import { findings, type Finding } from './classify.js';
import { gluedLooksRandom } from './detectors.js';

/** A prefix of a format that starts with a fixed string, standing alone (no key character after it). */
const PREFIX = /(?:AKIA|ASIA|ABIA|ACCA|AIza|gh[pousr]_|github_pat_|gl(?:pat|dt|ptt|rt)-|sk-(?:ant-(?:api|admin)\d{2}-|proj-|svcacct-|admin-)?|(?:sk|rk)_(?:live|test)_|hf_|npm_|xox[abposr]-)(?![A-Za-z0-9_-])/y;
/**
 * How far past the prefix its body may start, and how many words of letters may stand between: a short
 * sentence (`ghp_ (The rest follows below, copy it carefully) a1B2…`).
 */
const GAP = 96;
const GAP_WORDS = 12;
const GAP_WORD = 10;
/** The body's first run is at least this long, each further run at least PIECE; at most PIECES runs are joined. */
const FIRST = 8;
const PIECE = 4;
const PIECES = 4;
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
 * Where the body starts after a prefix ending at `at`: past separators and a few short words; the text's
 * length where the text ends first (its body may be in a later string); -1 where none can follow.
 */
function bodyStart(text: string, at: number): number {
  let words = 0;
  const limit = Math.min(text.length, at + GAP);
  let i = at;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (!isKeyChar(c)) {
      i++;
      continue;
    }
    const end = runEnd(text, i);
    // Dashes or underscores alone stand between as punctuation (`ghp_ - a1B2…`).
    if (/^[-_]+$/.test(text.slice(i, end))) {
      i = end;
      continue;
    }
    // A word between (`then`, `followed by`, `The rest`): small letters only, which no key's body is, or
    // letters shorter than the shortest body.
    let small = end - i <= GAP_WORD;
    let letters = end - i < FIRST;
    for (let k = i; k < end && (small || letters); k++) {
      const c = text.charCodeAt(k);
      small &&= isSmall(c);
      letters &&= isSmall(c) || (c >= 65 && c <= 90);
    }
    const word = small || letters;
    if (!word) return end - i >= FIRST ? i : -1;
    if (++words > GAP_WORDS) return -1;
    i = end;
  }
  return i === text.length ? i : -1;
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
    const start = bodyStart(text, p + prefix.length);
    if (start < 0) continue;
    // The body's runs, joined one more at a time; the first reading that is a whole key counts.
    let body = '';
    let at = start;
    for (let piece = 0; piece < PIECES && body.length < LONGEST; piece++) {
      const end = runEnd(text, at);
      if (end - at < (piece === 0 ? FIRST : PIECE)) break;
      body += text.slice(at, end);
      const joined = prefix + body;
      const key = findings(joined).find((f) => f.start === 0 && f.end === joined.length && f.dataClass.startsWith('secret.') && f.dataClass !== 'secret.fragment');
      if (key && gluedLooksRandom(body, text.charAt(end))) {
        out.push({ ...key, start: p, end });
        after = end;
        break;
      }
      if (!isSpace(text.charCodeAt(end)) || !isKeyChar(text.charCodeAt(end + 1))) break;
      at = end + 1;
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
    if (bodyStart(text, at) === text.length && text.length - at + 1 < GAP) out.push(m.index);
  }
  return out;
}
