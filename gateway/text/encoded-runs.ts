// Sees through encodings a caller may wrap text in (a secret on its way out, a restricted output on its
// way into the training feed): base64 and base64url runs (a `data:` URI's
// payload, an Anthropic document source, a bare PEM body), hex runs and percent-encoding. Bounded:
// one level of nesting and a budget of decoded bytes per body.

// The runs are found by hand-written linear scans, not regular expressions: a pattern with a repeated
// group (lines of a wrapped body, a chain of escapes) keeps one backtrack entry per repetition, and a
// body of a few megabytes of them overflowed the stack (RangeError) in the training screen.
// `encoded-runs.test.ts` checks the scans against the patterns they replace.

import { isUtf8 } from 'node:buffer';

/** Shortest base64 run worth decoding. */
const MIN_RUN = 24;
/** A base64 run is lines of at least this many characters (a last short line may follow). */
const MIN_LINE = 16;
/** The narrowest line a wrapped base64 body is taken to have (PEM wraps at 64, MIME at 76). */
const WRAP_WIDTH = 32;
/** The white space before a run's last line and that line (to its padding). */
const LAST_LINE = /\s+[A-Za-z0-9+/_-]*=*$/;
/** A hex run is at least this many bytes. */
const MIN_HEX_BYTES = 16;
/** Percent-encoded text has at least this many escapes. */
const MIN_ESCAPES = 3;

export interface EncodedRun {
  start: number;
  end: number;
  bytes: Buffer;
}

export class DecodeBudget {
  constructor(public remaining: number) {}
}

/**
 * The encoded runs of a text that decode to something, within the budget. `worthDecoding`, where given,
 * is asked about each base64 run before it is decoded (a reader that knows what it looks for skips runs
 * that cannot hold it).
 */
export function encodedRuns(text: string, budget: DecodeBudget, worthDecoding?: (run: string) => boolean): EncodedRun[] {
  const out: EncodedRun[] = [];
  for (const [start, end] of base64Spans(text)) {
    if (budget.remaining <= 0) break;
    const run = text.slice(start, end);
    if (run.length < MIN_RUN || !looksEncoded(run) || (worthDecoding && !worthDecoding(run))) continue;
    out.push({ start, end, bytes: base64Within(run.replace(/\s+/g, ''), budget) });
    // Its last line shorter than the others may be a word after a token as long as a wrapping width: the
    // lines before it are decoded alone too.
    const lastBreak = run.search(LAST_LINE);
    if (lastBreak > 0 && budget.remaining > 0 && run.length - lastBreak < lastBreak) out.push({ start, end: start + lastBreak, bytes: base64Within(run.slice(0, lastBreak).replace(/\s+/g, ''), budget) });
  }
  for (const [start, end] of hexSpans(text)) {
    if (budget.remaining <= 0) break;
    // Only what the budget can take is decoded.
    const bytes = Buffer.from(text.slice(start, Math.min(end, start + 2 * budget.remaining)), 'hex');
    budget.remaining -= bytes.length;
    out.push({ start, end, bytes });
  }
  for (const [start, end] of percentSpans(text)) {
    if (budget.remaining <= 0) break;
    const run = text.slice(start, Math.min(end, start + 3 * budget.remaining));
    const bytes = percentBytes(run);
    budget.remaining -= bytes.length;
    out.push({ start, end, bytes });
    const codePoints = codePointEscapes(run);
    if (codePoints !== null) {
      const read = Buffer.from(codePoints, 'utf8');
      budget.remaining -= read.length;
      out.push({ start, end, bytes: read });
    }
  }
  return out;
}

/** A run of base64 (or base64url, told by its `-` or `_`) without white space, decoded. */
export function base64Bytes(run: string): Buffer {
  return Buffer.from(run, run.includes('-') || run.includes('_') ? 'base64url' : 'base64');
}

/** A run of base64 without white space decoded as far as the budget reaches, and the budget charged with it. */
export function base64Within(run: string, budget: DecodeBudget): Buffer {
  const bytes = base64Bytes(run.slice(0, Math.ceil((budget.remaining * 4) / 3) + 4));
  budget.remaining -= bytes.length;
  return bytes;
}

/** Past at most `max` `=` of padding at `end`. */
function pastPadding(text: string, end: number, max: number): number {
  let pad = 0;
  while (pad < max && text.charCodeAt(end + pad) === 0x3d) pad++;
  return end + pad;
}

const isBase64 = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f || c === 0x5f || c === 0x2d;
const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
/** RFC 3986's unreserved characters, `+`, and `! * ' ( )`, which encodeURIComponent leaves as they are (`s%20*%20k`). */
const isUnreserved = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x5f || c === 0x7e || c === 0x2b || c === 0x2d || c === 0x21 || c === 0x2a || c === 0x27 || c === 0x28 || c === 0x29;
/** What `\s` matches in a JavaScript pattern. */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function skip(text: string, i: number, test: (c: number) => boolean): number {
  while (i < text.length && test(text.charCodeAt(i))) i++;
  return i;
}

/** Some digit or symbol, or both cases: plain words are not base64. */
function looksEncoded(run: string): boolean {
  let upper = false;
  let lower = false;
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f || c === 0x5f || c === 0x2d) return true;
    if (c >= 0x41 && c <= 0x5a) upper = true;
    else if (c >= 0x61 && c <= 0x7a) lower = true;
    if (upper && lower) return true;
  }
  return false;
}

/**
 * Base64 runs: a line of at least 16 characters of the alphabet (base64url's included), and up to two `=`;
 * lines of a wrapped body are one run: where a line is as long as a wrapping width (WRAP_WIDTH or more, a
 * whole number of 4-character groups), the lines after white space as long as it and a last one no longer.
 * A token followed by a word is not a wrapped body: `az1nbHBh…TQ config` joined decoded to garbage, which
 * hid the key it held.
 */
export function base64Spans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let i = 0; // the character before i is outside the alphabet, or i ends a span
  for (let run = nextStretch(text, i, MIN_LINE, isBase64); run !== null; run = nextStretch(text, i, MIN_LINE, isBase64)) {
    const start = run[0];
    let end = run[1];
    const width = end - start;
    if (width >= WRAP_WIDTH && width % 4 === 0) {
      for (;;) {
        const next = skip(text, end, isSpace);
        if (next === end) break;
        const line = skip(text, next, isBase64);
        if (line === next || line - next > width) break;
        end = line;
        if (line - next < width) break;
      }
    }
    end = pastPadding(text, end, 2);
    spans.push([start, end]);
    i = end;
  }
  return spans;
}

/**
 * The next stretch of characters `isIn`, at least `width` long, starting at or after `i` (the character
 * before `i` is not in it): its [start, end), whole, or null. Read by jumps: a stretch starting in
 * [i, i + width - 1] holds i + width - 1, so where that one is outside, none does and the scan jumps past
 * it (prose is read about one character in `width`).
 */
function nextStretch(text: string, i: number, width: number, isIn: (c: number) => boolean): [number, number] | null {
  while (i + width <= text.length) {
    const k = i + width - 1;
    if (!isIn(text.charCodeAt(k))) {
      i = k + 1;
      continue;
    }
    let start = k;
    while (start > i && isIn(text.charCodeAt(start - 1))) start--;
    const end = skip(text, k + 1, isIn);
    if (end - start >= width) return [start, end];
    i = end;
  }
  return null;
}

/** Hex runs: an even number of hex digits, at least 16 bytes, not part of a longer run of hex digits. */
export function hexSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const min = 2 * MIN_HEX_BYTES;
  let i = 0; // the character before i is not a hex digit
  for (let run = nextStretch(text, i, min, isHex); run !== null; run = nextStretch(text, i, min, isHex)) {
    if ((run[1] - run[0]) % 2 === 0) spans.push(run);
    i = run[1];
  }
  return spans;
}

/** Percent-encoded text: unreserved characters with at least three `%XX` escapes among them. */
/** The length of the escape at i: `%HH` 3, JavaScript escape()'s `%uHHHH` 6; 0 where none starts. */
function escapeWidth(text: string, i: number): number {
  if (text.charCodeAt(i) !== 0x25) return 0;
  if (isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) return 3;
  const u = text.charCodeAt(i + 1) | 0x20;
  return u === 0x75 && isHex(text.charCodeAt(i + 2)) && isHex(text.charCodeAt(i + 3)) && isHex(text.charCodeAt(i + 4)) && isHex(text.charCodeAt(i + 5)) ? 6 : 0;
}

export function percentSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  // Every span holds an escape, and every escape starts with `%`: the walk jumps from one `%` to the next
  // (a native search) and reads only the run of unreserved characters before it, not every character.
  let from = 0;
  for (let p = text.indexOf('%'); p >= 0; p = text.indexOf('%', from)) {
    let start = p;
    while (start > from && isUnreserved(text.charCodeAt(start - 1))) start--;
    let escapes = 0;
    let end = p;
    for (let width = escapeWidth(text, end); width > 0; width = escapeWidth(text, end)) {
      escapes++;
      end = skip(text, end + width, isUnreserved);
    }
    if (escapes >= MIN_ESCAPES) {
      spans.push([start, end]);
      from = end;
    } else from = end + 1;
  }
  return spans;
}

/**
 * The bytes percent-encoding spells. Where they are not UTF-8 they are read as Latin-1, as legacy encoders
 * (JavaScript's escape(), forms in ISO-8859-1) write `%AD` for a soft hyphen and `%E9` for é: a decode that
 * gave up on them read nothing, and one byte that is not UTF-8 hid the rest of the run.
 */
/** A text with its percent escapes decoded (the rest kept as it is). */
export function percentBytes(s: string): Buffer {
  const bytes = Buffer.allocUnsafe(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && i + 2 < s.length && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2))) {
      bytes[n++] = parseInt(s.slice(i + 1, i + 3), 16);
      i += 2;
    } else bytes[n++] = c;
  }
  return latin1Fallback(Buffer.from(bytes.subarray(0, n)));
}

/** The bytes where they are UTF-8; otherwise read as Latin-1 (legacy encoders' `%E9` and `=E9` for é) and written as UTF-8. */
function latin1Fallback(bytes: Buffer): Buffer {
  return isUtf8(bytes) ? bytes : Buffer.from(bytes.toString('latin1'), 'utf8');
}

const LONG_ESCAPE = /%[uU][0-9A-Fa-f]{4}|%[0-9A-Fa-f]{3,6}(?=%|$)/;
const CODE_POINT_ESCAPE = /%[uU]?([0-9A-Fa-f]{2,6})(?=%|$)|%([0-9A-Fa-f]{2})/g;
/**
 * The second reading of a percent run some of whose escapes carry more than two hex digits up to the next
 * `%`: each escape's hex is one code point, as JavaScript's escape() writes `%uFF47` and hand-written
 * escapes write `%ff47` or `%200b` (a byte reading gives `ÿ47`, ` 0b`); null when no escape is so long.
 */
export function codePointEscapes(run: string): string | null {
  if (!LONG_ESCAPE.test(run)) return null;
  let long = false;
  const read = run.replace(CODE_POINT_ESCAPE, (escape, whole: string | undefined, pair: string | undefined) => {
    const hex = whole ?? pair!;
    if (hex.length > 2 || escape[1] === 'u' || escape[1] === 'U') long = true;
    const code = parseInt(hex, 16);
    return code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : escape;
  });
  return long ? read : null;
}

/**
 * Decoded bytes as text when they are text (nearly all printable UTF-8, or UTF-16 of either byte order:
 * PowerShell's `-EncodedCommand`, a string's code units encoded as they are), else null.
 */
export function asText(bytes: Buffer): string | null {
  const text = printable(bytes.toString('utf8'));
  if (text !== null || bytes.length < 8 || bytes.length % 2 !== 0) return text;
  // UTF-16 of mostly ASCII has a zero in every other byte: odd ones little-endian, even ones big-endian.
  let zeroOdd = 0;
  let zeroEven = 0;
  for (let i = 0; i < bytes.length; i += 2) {
    if (bytes[i] === 0) zeroEven++;
    if (bytes[i + 1] === 0) zeroOdd++;
  }
  const pairs = bytes.length / 2;
  if (zeroOdd >= 0.9 * pairs) return printable(bytes.toString('utf16le'));
  if (zeroEven >= 0.9 * pairs) return printable(Buffer.from(bytes).swap16().toString('utf16le'));
  return null;
}

function printable(text: string): string | null {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x20 && c !== 0x7f && c !== 0xfffd) || c === 0x09 || c === 0x0a || c === 0x0d) count++;
  }
  return text.length > 0 && count / text.length >= 0.9 ? text : null;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const MIN_BASE32 = 24;
const isBase32 = (c: number) => (c >= 65 && c <= 90) || (c >= 50 && c <= 55);

/** What `/[A-Z2-7]{24,}={0,6}/g` matches, read by jumps: a run starting in [i, i + 23] holds i + 23. */
export function base32Spans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let i = 0; // the character before i is outside the alphabet
  for (let run = nextStretch(text, i, MIN_BASE32, isBase32); run !== null; run = nextStretch(text, i, MIN_BASE32, isBase32)) {
    const end = pastPadding(text, run[1], 6);
    spans.push([run[0], end]);
    i = end;
  }
  return spans;
}

/** Base32 runs that decode to something, within the budget. */
export function base32Runs(text: string, budget: DecodeBudget): EncodedRun[] {
  return decodedWithin(text, base32Spans(text), budget, (run, room) => {
    const chars = run.replace(/=+$/, '').slice(0, Math.ceil((room * 8) / 5));
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
    return Buffer.from(bytes);
  });
}

/**
 * The spans' runs decoded, each by `decode` (given the run and the bytes the budget has left, null for a run
 * not worth reading), until the budget is spent.
 */
function decodedWithin(text: string, spans: Array<[number, number]>, budget: DecodeBudget, decode: (run: string, room: number) => Buffer | null): EncodedRun[] {
  const out: EncodedRun[] = [];
  for (const [start, end] of spans) {
    if (budget.remaining <= 0) break;
    const bytes = decode(text.slice(start, end), budget.remaining);
    if (bytes === null) continue;
    budget.remaining -= bytes.length;
    out.push({ start, end, bytes });
  }
  return out;
}

/** A binary run is at least this many 8-bit groups. */
const MIN_BINARY_BYTES = 8;
const isBit = (c: number) => c === 0x30 || c === 0x31;

/**
 * Runs of bytes written in binary (`01110100 01101000`, or the groups run together): tokens of bits, each a
 * multiple of eight long, apart by one space. Read by jumps, as base32Spans: a run holds eight bits in a
 * row, so a character that is not a bit rules out the seven before it.
 */
export function binarySpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let i = 0; // the character before i is not a bit
  while (i + 8 <= text.length) {
    const k = i + 7;
    if (!isBit(text.charCodeAt(k))) {
      i = k + 1;
      continue;
    }
    let start = k;
    while (start > i && isBit(text.charCodeAt(start - 1))) start--;
    let end = start;
    let bits = 0;
    // Bits inside a word or number are not a run.
    if (start === 0 || !isAlnumAt(text, start - 1)) {
      for (;;) {
        let e = end;
        while (isBit(text.charCodeAt(e))) e++;
        // A token of bits ends the run where it is not whole bytes or runs into a word.
        if ((e - end) % 8 !== 0 || isAlnumAt(text, e)) break;
        bits += e - end;
        end = e;
        if (text.charCodeAt(end) !== 0x20 || !isBit(text.charCodeAt(end + 1))) break;
        end++;
      }
      if (text.charCodeAt(end - 1) === 0x20) end--;
      if (bits >= 8 * MIN_BINARY_BYTES) spans.push([start, end]);
    }
    i = Math.max(end, k + 1);
    while (i < text.length && isAlnumAt(text, i)) i++;
  }
  return spans;
}

function isAlnumAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** Binary runs decoded to bytes, within the budget. */
export function binaryRuns(text: string, budget: DecodeBudget): EncodedRun[] {
  return decodedWithin(text, binarySpans(text), budget, (run, room) => {
    const bits = run.replaceAll(' ', '').slice(0, 8 * room);
    const bytes = Buffer.alloc(bits.length / 8);
    for (let b = 0; b < bytes.length; b++) bytes[b] = parseInt(bits.slice(8 * b, 8 * b + 8), 2);
    return bytes;
  });
}

/** A run of character codes is at least this many codes. */
const MIN_CODES = 16;
// Codes apart by one separator (a space, a comma, a comma and a space): the separator and the code are
// disjoint classes and each repetition starts with a separator, so a failed match backtracks one code.
// A run starts at a digit (a printable character's code does, in each base): tried at the digits of a
// text, not at every a to f of its words.
const CODE_STRETCH = /(?<![0-9A-Za-z])[0-9][0-9A-Fa-f]{0,6}(?:(?:, ?| )[0-9A-Fa-f]{1,7}){15,}(?![0-9A-Za-z])/g;
const CODES_IN_A_ROW = /[0-9](?:, ?| )[0-9A-Fa-f]{1,7}(?:, ?| )[0-9]/;
const CODE_BASES = [
  { base: 10, token: /^[0-9]{1,7}$/ },
  { base: 16, token: /^[0-9A-Fa-f]{1,6}$/ },
  { base: 8, token: /^[0-7]{1,7}$/ },
] as const;

/**
 * Characters written as their codes (`84 104 101`, `0x`-less hex `54 68 65`, octal `124 150 145`): a run of
 * MIN_CODES or more, read in whichever base (every code valid in it) gives the most ASCII letters, digits and
 * spaces, if half of it is letters, digits and spaces and it has words apart or is ASCII. A list of numbers
 * gives control characters, or letters of another script without a space between, and is not read.
 */
export function charCodeRuns(text: string, budget: DecodeBudget): EncodedRun[] {
  // Three codes in a row, the first and last starting with a digit, found first: prose has none (a regular
  // expression's scan is several times quicker than counting digits unit by unit).
  if (!CODES_IN_A_ROW.test(text)) return [];
  return decodedWithin(text, matchSpans(text, CODE_STRETCH), budget, (run, room) => {
    const codes = run.split(/, ?| /);
    // Ranked by ASCII letters, digits and spaces: octal codes read as hex are letters too, of Latin Extended.
    let best: { read: string; ascii: number } | null = null;
    for (const { base, token } of CODE_BASES) {
      if (!codes.every((code) => token.test(code))) continue;
      const read = textOfCodes(codes, base);
      if (read === null) continue;
      const ascii = read.match(ASCII_WORDY)?.length ?? 0;
      const wordy = read.match(WORDY)?.length ?? 0;
      // Words apart, or ASCII (base64 written as codes): a list of years read as letters of some script is neither.
      const spaces = read.match(SPACE)?.length ?? 0;
      const readsAsText = spaces >= codes.length / 20 || ascii >= 0.7 * codes.length;
      if (wordy >= 0.5 * codes.length && readsAsText && (best === null || ascii > best.ascii)) best = { read, ascii };
    }
    return best === null ? null : Buffer.from(best.read).subarray(0, room);
  });
}

const ASCII_WORDY = /[A-Za-z0-9\s]/g;
const WORDY = /[\p{L}\p{N}\s]/gu;
const SPACE = /[ \t\n\r]/g;

/** Whether a code is a character a text holds: no control but a tab or a line break, no surrogate, within Unicode. */
export function isTextCode(c: number): boolean {
  return c <= 0x10ffff && (c >= 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) && (c < 0x7f || c >= 0xa0) && (c < 0xd800 || c > 0xdfff);
}

/** The codes as characters, or null when one is no character a text holds. */
function textOfCodes(codes: string[], base: number): string | null {
  let read = '';
  for (const code of codes) {
    const c = parseInt(code, base);
    if (!isTextCode(c)) return null;
    read += String.fromCodePoint(c);
  }
  return read;
}

// Letters as their places in the alphabet (A1Z26: `20-8-5 11-5-5-16-5-18`, or `20 8 5 / 11 5 5 ...`): a
// number from 1 to 26, then more apart by a hyphen (letters), a space, or a slash between spaces (words).
const PLACE = '(?:2[0-6]|1[0-9]|[1-9])';
const PLACES_IN_A_ROW = new RegExp(`(?<![0-9])${PLACE}[- ]${PLACE}[- ]${PLACE}(?![0-9])`);
const PLACE_STRETCH = new RegExp(`(?<![0-9A-Za-z])${PLACE}(?:(?:-| / | {1,3})${PLACE})+(?![0-9A-Za-z])`, 'g');

/** Letters written as their places in the alphabet: a stretch of MIN_CODES places or more, in three words at least, as its words. */
export function alphabetPlaceRuns(text: string, budget: DecodeBudget): EncodedRun[] {
  if (!PLACES_IN_A_ROW.test(text)) return [];
  return decodedWithin(text, matchSpans(text, PLACE_STRETCH), budget, (run, room) => {
    // Letters apart by hyphens, words by spaces; or letters by one space, words by a slash or a wider gap.
    const hyphens = run.includes('-');
    const words = hyphens ? run.split(/ \/ | +/) : run.split(/ \/ | {2,}/);
    const letter = hyphens ? '-' : ' ';
    let places = 0;
    const read = words.map((word) => word.split(letter).map((n) => (places++, String.fromCharCode(96 + Number(n)))).join(''));
    if (places < MIN_CODES || read.length < 3) return null;
    return Buffer.from(read.join(' ')).subarray(0, room);
  });
}

// The ICAO spelling alphabet, each code word's letter (Alfa and Alpha, Juliett and Juliet both written).
const SPELLING = 'alfa alpha bravo charlie delta echo foxtrot golf hotel india juliett juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray x-ray yankee zulu'.split(' ');
const SPELLING_WORD = `(?:${SPELLING.join('|')})`;
const SPELLING_STRETCH = new RegExp(`(?<![\\p{L}])${SPELLING_WORD}(?:(?: / | {1,3}|, )${SPELLING_WORD})+(?![\\p{L}])`, 'giu');

/** Words spelt in the ICAO alphabet (`tango hotel echo / kilo echo ...`): a stretch of MIN_CODES code words or more, as its words. */
export function spellingAlphabetRuns(text: string, budget: DecodeBudget): EncodedRun[] {
  // English spelt so holds an e, `echo`: looked for as written three ways (a substring search is a fraction
  // of the cost of the pattern of code words).
  if (!text.includes('echo') && !text.includes('Echo') && !text.includes('ECHO')) return [];
  return decodedWithin(text, matchSpans(text, SPELLING_STRETCH), budget, (run, room) => {
    const words = run.toLowerCase().split(/ \/ | {2,}/);
    let codes = 0;
    const read = words.map((word) => word.split(/, | /).map((code) => (codes++, code === 'x-ray' ? 'x' : code[0])).join(''));
    if (codes < MIN_CODES) return null;
    return Buffer.from(read.join(' ')).subarray(0, room);
  });
}

/** Quoted-printable text: a stretch without white space (soft line breaks aside) of which half or more is `=HH` escapes, three at least. */
export function quotedPrintableRuns(text: string, budget: DecodeBudget): EncodedRun[] {
  if (!text.includes('=')) return [];
  return decodedWithin(text, matchSpans(text, QP_STRETCH), budget, (run, room) => {
    const escapes = run.match(QP_ESCAPE)?.length ?? 0;
    if (escapes < MIN_ESCAPES || 3 * escapes < run.length / 2) return null;
    return latin1Fallback(Buffer.from(run.replace(QP_SOFT_BREAK, '').replace(QP_ESCAPE, (e) => String.fromCharCode(parseInt(e.slice(1), 16))), 'latin1').subarray(0, room));
  });
}

/** Where each match of a global pattern stands. */
function matchSpans(text: string, pattern: RegExp): Array<[number, number]> {
  return [...text.matchAll(pattern)].map((m) => [m.index, m.index + m[0].length]);
}

// Bounded: a stretch is read once, escapes by a fixed-width pattern.
const QP_STRETCH = /(?:[^\s=]|=[0-9A-Fa-f]{2}|=\r?\n)+/g;
const QP_ESCAPE = /=[0-9A-Fa-f]{2}/g;
const QP_SOFT_BREAK = /=\r?\n/g;

// International Morse code: letters and digits.
const MORSE: Record<string, string> = {
  '.-': 'a', '-...': 'b', '-.-.': 'c', '-..': 'd', '.': 'e', '..-.': 'f', '--.': 'g', '....': 'h', '..': 'i', '.---': 'j', '-.-': 'k', '.-..': 'l', '--': 'm',
  '-.': 'n', '---': 'o', '.--.': 'p', '--.-': 'q', '.-.': 'r', '...': 's', '-': 't', '..-': 'u', '...-': 'v', '.--': 'w', '-..-': 'x', '-.--': 'y', '--..': 'z',
  '-----': '0', '.----': '1', '..---': '2', '...--': '3', '....-': '4', '.....': '5', '-....': '6', '--...': '7', '---..': '8', '----.': '9',
  '.-.-.-': '.', '--..--': ',', '..--..': '?', '-.-.--': '!', '---...': ':', '.----.': "'",
};
// A stretch of dots and dashes, apart by spaces and slashes (letters one space apart, words by a slash or a
// wider gap), from a dot or dash to a dot or dash: the separators and the marks are disjoint classes, so a
// failed match backtracks over one gap only.
const MORSE_STRETCH = /[.-](?:[ /]*[.-])+/g;

/** Morse code: a stretch of at least eight codes of which nearly all are letters or digits, as its text. */
export function morseRuns(text: string, budget: DecodeBudget): EncodedRun[] {
  if (!text.includes('.-') && !text.includes('-.')) return [];
  return decodedWithin(text, matchSpans(text, MORSE_STRETCH), budget, (run, room) => {
    if (run.length < 16) return null;
    let codes = 0;
    let known = 0;
    const words = run.split(/\s*\/\s*|\s{2,}/).map((word) =>
      word
        .split(' ')
        .filter((code) => code.length > 0)
        .map((code) => {
          codes++;
          const letter = MORSE[code];
          if (letter) known++;
          return letter ?? '?';
        })
        .join(''),
    );
    if (codes < 8 || known < 0.9 * codes) return null;
    return Buffer.from(words.join(' ')).subarray(0, room);
  });
}
