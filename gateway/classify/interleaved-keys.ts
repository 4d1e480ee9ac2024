// A key with every character written twice (`sskk--pprroojj--…`): each run of MIN_PAIRS or more pairs of
// equal units in a row is read once, each character placed on the pair it came from. Prose and code hold
// no such run. Written by hand: one pass over the units, which no library offers. Pure.
import type { Transformed } from '../text/substitutions.js';

/** Pairs in a row a run holds at least: a key's shortest body. */
const MIN_PAIRS = 16;
/**
 * Every unit of a run equals the one before or after it, and a run of 2 × MIN_PAIRS units covers two
 * multiples of STRIDE: only where two such units stand STRIDE apart is the text scanned unit by unit
 * (prose and code cost a look at one unit in STRIDE).
 */
const STRIDE = MIN_PAIRS;

/** The runs of `text` written twice over, each read once. */
export function undoubledRuns(text: string): Transformed[] {
  const out: Transformed[] = [];
  let scanned = 0;
  for (let p = 0; p + STRIDE < text.length; p += STRIDE) {
    if (p + STRIDE < scanned || !paired(text, p) || !paired(text, p + STRIDE)) continue;
    // A run through both starts less than STRIDE before p (the first multiple of STRIDE it covers).
    scanned = scan(text, Math.max(scanned, p - 2 * STRIDE, 0), p + STRIDE, out);
  }
  return out;
}

const paired = (text: string, at: number) => text.charCodeAt(at) === text.charCodeAt(at + 1) || text.charCodeAt(at - 1) === text.charCodeAt(at);

/** The runs starting from `from` on, read into `out`, until one has started past `until`; where it stopped. */
function scan(text: string, from: number, until: number, out: Transformed[]): number {
  const n = text.length;
  let i = from;
  while (i + 1 < n && i <= until) {
    let j = i;
    // A run of one character (a line of `=`) is no key, and not read: a megabyte of it would be read whole.
    let varied = false;
    for (const first = text.charCodeAt(i); j + 1 < n && text.charCodeAt(j) === text.charCodeAt(j + 1); j += 2) varied ||= text.charCodeAt(j) !== first;
    if (j - i >= 2 * MIN_PAIRS && varied) {
      out.push(undoubled(text, i, j));
      i = j;
    } else {
      // Too short: a run may start one unit on (a key's first character after the same one). One character
      // over and over: any start inside it ends where this did, so the next try is its last unit.
      i = varied || j - i < 4 ? i + 1 : j - 1;
    }
  }
  return i;
}

function undoubled(text: string, from: number, to: number): Transformed {
  let read = '';
  for (let k = from; k < to; k += 2) read += text[k];
  return { text: read, place: (s, e) => [from + 2 * s, from + 2 * e] };
}
