// A key spelt out in words, as one is read over the phone: the ICAO spelling alphabet for letters
// (`golf hotel papa`) or a letter with a word of one's own (`A as in apple`, `K for king`), the names of
// digits (`zero`, `niner`) and of the signs a key holds (`underscore`, `dash`), `capital` or `small`
// before a letter where its case is said. Spoken letters lose their case
// unless it is said, so a run is read twice, small and capital, the case words applied; only a whole key
// counts. Written by hand: no package reads a spelling alphabet back. Pure.
import { findings, type Finding } from './classify.js';
import { SPOKEN_DIGITS, SPOKEN_LETTERS, SPOKEN_SIGNS } from '../text/spelling-alphabet.js';

const REPEATS: Readonly<Record<string, number>> = { double: 2, triple: 3 };
const CAPITAL = new Set(['capital', 'cap', 'caps', 'upper', 'uppercase', 'big']);
const SMALL = new Set(['small', 'lower', 'lowercase', 'little']);
/** Words said between the characters that carry none (`then`, `followed by`, `upper case`). */
const FILLER = new Set(['then', 'and', 'next', 'followed', 'by', 'space', 'comma', 'letter', 'number', 'digit', 'case']);

const RAY = /[\s-]{0,2}ray\b/iy;
const AS_IN = /[\s,:]{1,3}(?:as\s+in|for)\s+[A-Za-z]{2,20}\b/iy;
/** Characters a run needs before it is read: fewer than the shortest key with a fixed prefix. */
const MIN_SYMBOLS = 16;
/** The most characters between two words of one run (`alpha, then kilo` has its filler as a word). */
const MAX_GAP = 8;
/** How far before a cluster of letter words a run may start (case words, digits said first). */
const LEAD = 128;

interface Symbol {
  char: string;
  /** Its case as said or written; null where the word left it open. */
  upper: boolean | null;
}

/** Words of the alphabet a stretch holds within CLUSTER_SPAN characters before it is read (a key has more). */
const CLUSTER_WORDS = 6;
const CLUSTER_SPAN = 200;
/** The most characters between two letter words of one run: twenty-four digits said, `then` between. */
const DIGITS_SPAN = 480;

/**
 * The whole keys spelt out in words in a text, each placed on its run. `letterWords`: where the keyword
 * pass found words of the spelling alphabet, ascending (inside other words too: `india` in `Indiana`). Only
 * where CLUSTER_WORDS of them stand within CLUSTER_SPAN characters is the text read, from a little before
 * them to where the run they are in ends, so prose that holds the words here and there costs the count.
 */
export function phoneticFindings(text: string, letterWords: readonly number[]): Finding[] {
  const out: Finding[] = [];
  let readTo = 0;
  for (let i = 0; i + CLUSTER_WORDS - 1 < letterWords.length; i++) {
    if (letterWords[i] < readTo || letterWords[i + CLUSTER_WORDS - 1] - letterWords[i] > CLUSTER_SPAN) continue;
    // Back over the letter words before it no further apart than a key's digits said in a row take (a Slack
    // token's `x-ray oscar x-ray bravo`, then twelve digits), where its run may have started.
    let first = i;
    while (first > 0 && letterWords[first - 1] >= readTo && letterWords[first] - letterWords[first - 1] <= DIGITS_SPAN) first--;
    readTo = readRuns(text, Math.max(readTo, letterWords[first] - LEAD), letterWords[i + CLUSTER_WORDS - 1], out);
  }
  return out;
}

/** Reads the runs from `from` on until one ends past `past`; returns where reading stopped. */
function readRuns(text: string, from: number, past: number, out: Finding[]): number {
  const token = /[A-Za-z]+|[0-9]+/g;
  token.lastIndex = from;
  let run: Symbol[] = [];
  let start = -1;
  let end = -1;
  let pending: boolean | null = null;
  /** `double five` is 55 and `triple x-ray` xxx: the next character said this many times. */
  let times = 1;
  const close = () => {
    if (run.length >= MIN_SYMBOLS) out.push(...keysIn(run, start, end));
    run = [];
    start = -1;
    pending = null;
    times = 1;
  };
  for (let m = token.exec(text); m !== null; m = token.exec(text)) {
    if (start >= 0 && m.index - end > MAX_GAP) close();
    if (start < 0 && m.index > past) return m.index;
    const word = m[0];
    const lower = word.toLowerCase();
    let symbols: Symbol[] | null = null;
    if (Object.hasOwn(SPOKEN_LETTERS, lower)) symbols = [{ char: SPOKEN_LETTERS[lower], upper: pending }];
    else if (lower === 'x' && ((RAY.lastIndex = token.lastIndex), RAY.test(text))) {
      // `x-ray` and `x ray`: its `ray` is read with it.
      symbols = [{ char: 'x', upper: pending }];
      token.lastIndex = RAY.lastIndex;
    } else if (Object.hasOwn(SPOKEN_DIGITS, lower)) symbols = [{ char: SPOKEN_DIGITS[lower], upper: null }];
    else if (Object.hasOwn(SPOKEN_SIGNS, lower)) symbols = [{ char: SPOKEN_SIGNS[lower], upper: null }];
    else if (word.length === 1 && ((AS_IN.lastIndex = token.lastIndex), AS_IN.test(text))) {
      // `A as in apple`, `K for king`: the letter, its case left open (said, not written), and its word passed over.
      symbols = [{ char: lower, upper: pending }];
      token.lastIndex = AS_IN.lastIndex;
    } else if (word.length === 1 || /^[0-9]+$/.test(word)) symbols = [...word].map((char) => ({ char, upper: /[A-Z]/.test(char) ? true : /[a-z]/.test(char) ? false : null }));
    else if (CAPITAL.has(lower) || SMALL.has(lower)) {
      pending = CAPITAL.has(lower);
      symbols = [];
    } else if (Object.hasOwn(REPEATS, lower)) {
      times = REPEATS[lower];
      symbols = [];
    } else if (FILLER.has(lower) && start >= 0) symbols = [];
    if (symbols === null) {
      close();
      if (m.index > past) return token.lastIndex;
      continue;
    }
    if (start < 0) start = m.index;
    end = token.lastIndex;
    if (symbols.length > 0) {
      pending = null;
      for (; times > 1; times--) run.push(symbols[0]);
    }
    run.push(...symbols);
  }
  close();
  return text.length;
}

/** Prefixes of both cases (a Google key's `AIza`, a JWT's `eyJ`): a run read small that starts as one starts in its case. */
const MIXED_CASE_PREFIXES = ['AIza', 'eyJ'];

/** The whole keys a run reads as, small and capital where its case was left open; each placed on the run. */
function keysIn(run: readonly Symbol[], start: number, end: number): Finding[] {
  const out: Finding[] = [];
  for (const upper of [false, true]) {
    let reading = run.map((s) => ((s.upper ?? upper) ? s.char.toUpperCase() : s.char)).join('');
    const mixed = upper ? undefined : MIXED_CASE_PREFIXES.find((p) => reading.startsWith(p.toLowerCase()));
    if (mixed) reading = mixed + reading.slice(mixed.length);
    for (const f of findings(reading)) {
      if (f.dataClass.startsWith('secret.') && f.dataClass !== 'secret.fragment') out.push({ ...f, start, end });
    }
  }
  return out;
}
