// A key whose characters alternate with something regular: each written twice (`sskk--pprroojj--…`) or
// each followed by one and the same separator of up to three units with no letter or digit
// (`a-w-s-_-s-e-c-r-e-t-…`, ` - `; spelt-keys.ts reads separators of any length, but only around a fixed
// prefix, and drops every `_`, which a key may hold). Such a run is read as its characters alone, each placed
// where it stands, where it holds MIN_CHARS characters in a row three-quarters letters and digits, as a key
// is (a line of `=`, `- - -`, a table's `|---|` or a list of spaced words is not read). Written by hand: one
// pass over the units, which no library offers. Pure.
import type { Transformed } from '../text/substitutions.js';

/** Characters in a row a run holds at least: the shortest key read here (an AWS key id, 20). */
const MIN_CHARS = 20;
/**
 * Every unit of a run equals its neighbour (written twice) or the units a period before and after it
 * (separated, but for a period at each end), and a run of MIN_CHARS characters covers two multiples of
 * STRIDE so placed: only where two such units STRIDE apart share a pattern is the text walked, for that
 * pattern (prose and code cost a look at one unit in STRIDE).
 */
const STRIDE = 16;

/** How a run repeats: each character written twice (period 2), or a separator after each (period 2 to 4). */
interface Pattern {
  period: number;
  twice: boolean;
}
/** A run kept: its characters stand at from, from + period, … before to. */
interface FoundRun extends Pattern {
  from: number;
  to: number;
}
/** Separated runs longest period first. */
const PATTERNS: Pattern[] = [{ period: 2, twice: true }, ...[4, 3, 2].map((period) => ({ period, twice: false }))];
const [TWICE, PERIOD_4, PERIOD_3, PERIOD_2] = PATTERNS.map((_, i) => 1 << i);

/** The runs of `text` interleaved with a copy of each character or with one separator, each read once. */
export function interleavedRuns(text: string): Transformed[] {
  const found: FoundRun[] = [];
  // Where the walks of each pattern have reached: a pattern not walked at a point is walked from further back later.
  const walked = PATTERNS.map(() => 0);
  for (let p = 0; p + STRIDE < text.length; p += STRIDE) {
    // The patterns both units could be in (at most points of prose and code: none).
    const here = patternsAt(text, p);
    const both = here === 0 ? 0 : here & patternsAt(text, p + STRIDE);
    if (both === 0) continue;
    PATTERNS.forEach((pattern, i) => {
      if ((both & (1 << i)) === 0 || p + STRIDE < walked[i]) return;
      // A run through both starts less than 2 × STRIDE before p (it covers p a period from its start at most 16 on).
      const from = Math.max(walked[i], p - 2 * STRIDE, 0);
      let end = p + STRIDE + 1;
      for (let a = 0; a < pattern.period; a++) end = Math.max(end, walk(text, from + a, p + STRIDE, pattern, found));
      walked[i] = end;
    });
  }
  // The longest period's reading of a stretch is kept: ` - ` read with a period of two keeps its dashes, and
  // fails the share of letters and digits anyway; one stretch is read once.
  found.sort((x, y) => x.from - y.from || y.period - x.period);
  const out: Transformed[] = [];
  let last = -1;
  for (const run of found) {
    if (run.from < last) continue;
    out.push(everyNth(text, run.from, run.to, run.period, run.twice ? 2 : 1));
    last = run.to;
  }
  return out;
}

/**
 * The patterns a run through the unit at `at` could follow, as bits (PATTERNS' order): equal to a neighbour
 * (written twice), or it or the unit after it equal to the units a period before and after (separated).
 */
function patternsAt(text: string, at: number): number {
  const c = text.charCodeAt(at);
  const d = text.charCodeAt(at + 1);
  const b = text.charCodeAt(at - 1);
  // Each unit loaded once: periods of up to 4 (a character and a separator of up to three units, ` - `).
  const b2 = text.charCodeAt(at - 2);
  const b3 = text.charCodeAt(at - 3);
  const a2 = text.charCodeAt(at + 2);
  const a3 = text.charCodeAt(at + 3);
  const a4 = text.charCodeAt(at + 4);
  return (
    (c === d || b === c ? TWICE : 0) |
    ((c === text.charCodeAt(at - 4) && c === a4) || (d === b3 && d === text.charCodeAt(at + 5)) ? PERIOD_4 : 0) |
    ((c === b3 && c === a3) || (d === b2 && d === a4) ? PERIOD_3 : 0) |
    ((c === b2 && c === a2) || (d === b && d === a3) ? PERIOD_2 : 0)
  );
}

const isAlphanumeric = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * The maximal runs of `pattern` whose characters stand at `start`, `start + period`, … walked until past
 * `until` and out of any run; each that holds a key's stretch goes to `found`. Where the walk stopped.
 */
function walk(text: string, start: number, until: number, pattern: Pattern, found: FoundRun[]): number {
  const { period, twice } = pattern;
  const n = text.length;
  let runFrom = -1;
  let k = start;
  for (; k < n && (k <= until || runFrom >= 0); k += period) {
    // Written twice: k's copy follows it; separated: a separator (the run's own) and another character follow it.
    const goesOn = twice ? k + 1 < n && text.charCodeAt(k) === text.charCodeAt(k + 1) : k + period < n && separatorAfter(text, k, period) && (runFrom < 0 || sameUnits(text, runFrom + 1, k + 1, period - 1));
    if (goesOn && runFrom < 0) runFrom = k;
    else if (!goesOn && runFrom >= 0) {
      // Its characters are runFrom … k (separated: k's has no separator after it; written twice: k's pair is not one).
      keep(text, runFrom, twice ? k : k + 1, pattern, found);
      runFrom = -1;
      // A separator of another kind may start a run at this very character.
      if (!twice && separatorAfter(text, k, period)) runFrom = k;
    }
  }
  // Only a run written twice reaches the end still open: a separated one goes on only where a character follows.
  if (runFrom >= 0) keep(text, runFrom, k, pattern, found);
  return k;
}

/** The `period - 1` units after the character at `k` hold no letter or digit (its separator). */
function separatorAfter(text: string, k: number, period: number): boolean {
  for (let u = k + 1; u < k + period; u++) {
    const c = text.charCodeAt(u);
    if (c !== c || isAlphanumeric(c)) return false;
  }
  return true;
}

/** The `length` units at `a` and at `b` are the same. */
function sameUnits(text: string, a: number, b: number, length: number): boolean {
  for (let u = 0; u < length; u++) if (text.charCodeAt(a + u) !== text.charCodeAt(b + u)) return false;
  return true;
}

/**
 * The run [from, to) as found, trimmed to stand apart from the words around it (`hi a b c`: the `i` is
 * hi's), kept where MIN_CHARS of its characters in a row are three-quarters letters and digits.
 */
function keep(text: string, from: number, to: number, { period, twice }: Pattern, found: FoundRun[]): void {
  if (!twice) {
    if (from > 0 && isAlphanumeric(text.charCodeAt(from - 1))) from += period;
    // Its last character is at to - 1.
    if (to < text.length && isAlphanumeric(text.charCodeAt(to)) && to - 1 > from) to -= period;
  }
  const chars = Math.ceil((to - from) / period);
  if (chars < MIN_CHARS) return;
  // One character over and over (`a a a a`) is no key.
  const first = text.charCodeAt(from);
  let varied = false;
  let alphanumeric = 0;
  for (let c = 0; c < chars; c++) {
    const unit = text.charCodeAt(from + c * period);
    varied ||= unit !== first;
    if (isAlphanumeric(unit)) alphanumeric++;
    if (c >= MIN_CHARS && isAlphanumeric(text.charCodeAt(from + (c - MIN_CHARS) * period))) alphanumeric--;
    if (c >= MIN_CHARS - 1 && alphanumeric >= (3 / 4) * MIN_CHARS && varied) {
      found.push({ from, to, period, twice });
      return;
    }
  }
}

/**
 * Every `period`-th unit of [from, to), from `from`: each character of the run, placed on the `width` units
 * where it stands (2 where it is written twice).
 */
function everyNth(text: string, from: number, to: number, period: number, width: number): Transformed {
  let read = '';
  for (let k = from; k < to; k += period) read += text[k];
  return { text: read, place: (s, e) => [from + period * s, e > s ? Math.min(to, from + period * (e - 1) + width) : from + period * s] };
}
