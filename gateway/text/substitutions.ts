// Fixed substitutions and reversal of a text, shared by the readers that undo them: the secret
// scan's ciphered keys (classify/) and the provenance readings of a ciphered restricted output
// (readings.ts). ROT13 and the other Caesar shifts, ROT47 and Atbash keep every character in its place;
// reversal mirrors places. Written by hand: each is a table over UTF-16 units.

/** A text turned or decoded, with where each of its spans lies in the text it was read from. */
export interface Transformed {
  text: string;
  /** Where a span [start, end) of `text` lies in the original. */
  place(start: number, end: number): [number, number];
  /** Only a whole key counts from this reading, not a fragment (a loose reading: identifiers of code make fragments). */
  wholeKeys?: boolean;
}

/** The text read as it is: each span where it stands. */
export function asIs(text: string): Transformed {
  return { text, place: (s, e) => [s, e] };
}

/** A reading of a reading (`inner` read from `outer.text`), its spans placed in the text `outer` was read from. */
export function readThrough(outer: Transformed, inner: Transformed): Transformed {
  return { text: inner.text, place: (s, e) => outer.place(...inner.place(s, e)) };
}

/**
 * A reading built in order from the text it reads: stretches copied as they are and stretches read as
 * something else, each unit of the reading placed where it came from. A span ends past its last unit's
 * origin even where several units came from one place (`ß` read `ss`, a decoded run).
 */
export class ReadingBuilder {
  #text = '';
  readonly #origin: number[] = [];

  constructor(private readonly source: string) {}

  /** The source's units [from, to) as they are. */
  copy(from: number, to: number): void {
    for (let i = from; i < to; i++) this.#origin.push(i);
    this.#text += this.source.slice(from, to);
  }

  /** `read` in place of what stands at `at`, every unit of it placed there. */
  put(read: string, at: number): void {
    for (let k = 0; k < read.length; k++) this.#origin.push(at);
    this.#text += read;
  }

  /** `read` in place of the source's [from, to), its units placed in proportion along it: the whole reading is the whole stretch. */
  spread(read: string, from: number, to: number): void {
    const scale = (to - from) / read.length;
    for (let k = 0; k < read.length; k++) this.#origin.push(from + Math.floor(k * scale));
    this.#text += read;
  }

  /** The reading; its units past the last one placed at `end`, the end of what was read (the source's, by default). */
  done(end = this.source.length): Transformed {
    const origin = this.#origin;
    origin.push(end);
    return { text: this.#text, place: (s, e) => [origin[s], e > 0 ? Math.max(origin[e], origin[e - 1] + 1) : origin[e]] };
  }
}

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
// The keyboard shift: each key typed one to the right (or left) of the one meant, on a US QWERTY
// keyboard's rows, shifted and not. KEYS_LEFT[c] is the key left of c (what undoes a shift right); a
// key at a row's end stays itself.
const KEY_ROWS = ['`1234567890-=', 'qwertyuiop[]\\', "asdfghjkl;'", 'zxcvbnm,./', '~!@#$%^&*()_+', 'QWERTYUIOP{}|', 'ASDFGHJKL:"', 'ZXCVBNM<>?'];
function keyNeighbours(step: 1 | -1): Uint16Array {
  const table = new Uint16Array(128).map((_, c) => c);
  for (const row of KEY_ROWS) for (let i = 0; i < row.length; i++) if (row[i + step] !== undefined) table[row.charCodeAt(i)] = row.charCodeAt(i + step);
  return table;
}
const KEYS_LEFT = keyNeighbours(-1);
const KEYS_RIGHT = keyNeighbours(1);
export const rot47 = (text: string): string => substituted(text, ROT47);
/** Each character typed as the key left of it (undoes a shift to the right). */
export const keysLeft = (text: string): string => substituted(text, KEYS_LEFT);
/** Each character typed as the key right of it (undoes a shift to the left). */
export const keysRight = (text: string): string => substituted(text, KEYS_RIGHT);
export const atbash = (text: string): string => substituted(text, ATBASH);
/** The text's code points in reverse order (a surrogate pair stays a pair). */
export function reversed(text: string): string {
  if (SURROGATE.test(text)) return [...text].reverse().join('');
  const n = text.length;
  const units = new Uint16Array(n);
  for (let i = 0; i < n; i++) units[n - 1 - i] = text.charCodeAt(i);
  return fromUnits(units);
}
/** A UTF-16 surrogate: reversal by unit would split its pair. */
export const SURROGATE = /[\uD800-\uDFFF]/;
