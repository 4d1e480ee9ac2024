// What a text's encodings and escapes hide, read in place: base64, base32, hex, percent-encoded, binary,
// character codes (decimal, hex, octal), letters as their places in the alphabet or in the ICAO spelling
// alphabet, quoted-printable and Morse runs, escapes written as text (`&#116;`, `\u0074`, `\x74`, octal) and HTML's named references,
// each replaced by what it decodes to where it stands, so that plain words around a run and pieces
// encoded apart read as one text. A decoded text is unfolded once more (base64 of escapes), within one
// budget of decoded bytes per text. Each character of the reading is placed in the text it came from.
import { alphabetPlaceRuns, asText, base32Runs, base64Bytes, base64Spans, base64Within, binaryRuns, charCodeRuns, DecodeBudget, encodedRuns, type EncodedRun, morseRuns, quotedPrintableRuns, spellingAlphabetRuns } from './encoded-runs.js';
import { escapeRuns, unescapedReading } from './escapes.js';
import { asIs, atbash, caesar, ReadingBuilder, readThrough, reversed, rot47, type Transformed } from './substitutions.js';

/** Decoded bytes read per text: a long prompt's worth, so one text cannot make a scan unbounded. */
export const DECODED_BYTES = 4 * 1024 * 1024;

/**
 * The text with every encoding and escape read in place, then once more (what the first reading decoded
 * may itself be encoded): one reading per level that changed something, the last the most unfolded;
 * none when the text hides nothing. A level read past is kept too: a text that is itself base64 may be
 * what was served, sent encoded once more.
 */
export function unfoldings(text: string, budget = new DecodeBudget(DECODED_BYTES), nesting = 1): Transformed[] {
  const out: Transformed[] = [];
  let reading = asIs(text);
  for (let level = 0; level <= nesting; level++) {
    const runs = runsRead(reading.text, budget);
    if (runs) reading = readThrough(reading, runs);
    const escapes = unescapedReading(reading.text);
    if (escapes) reading = readThrough(reading, escapes);
    if (!runs && !escapes) break;
    out.push(reading);
  }
  return out;
}

/** The most unfolded reading of the text (unfoldings), or the text itself, placed as it is. */
export function unfolded(text: string): Transformed {
  return unfoldings(text).at(-1) ?? asIs(text);
}

/** The text with each encoded run that decodes to text replaced by it; null when there is none. */
function runsRead(text: string, budget: DecodeBudget): Transformed | null {
  // Two readings of one run (percent-encoding's bytes and code points): the later, more specific one.
  const byPlace = new Map<string, { start: number; end: number; read: string }>();
  for (const run of [...encodedRuns(text, budget), ...base32Runs(text, budget), ...binaryRuns(text, budget), ...charCodeRuns(text, budget), ...alphabetPlaceRuns(text, budget), ...quotedPrintableRuns(text, budget), ...morseRuns(text, budget), ...spellingAlphabetRuns(text, budget), ...substitutedBase64Runs(text, budget), ...rot47Base64Runs(text, budget), ...cipheredEscapeRuns(text)]) {
    const read = asText(run.bytes);
    if (read !== null) byPlace.set(`${run.start}:${run.end}`, { start: run.start, end: run.end, read });
  }
  if (byPlace.size === 0) return null;
  const runs = [...byPlace.values()].sort((a, b) => a.start - b.start || b.end - a.end);
  const reading = new ReadingBuilder(text);
  let last = 0;
  for (const r of runs) {
    if (r.start < last) continue;
    reading.copy(last, r.start);
    // Placed in proportion along its run: a span of the whole decoded text is the whole run.
    reading.spread(r.read, r.start, r.end);
    last = r.end;
  }
  reading.copy(last, text.length);
  return reading.done();
}

/** Characters of a base64 run tried under each substitution before the whole run is decoded under the one that reads. */
const TRIED = 96;
const MIN_SUBSTITUTED = 24;
const SUBSTITUTIONS: Array<(run: string) => string> = [
  ...Array.from({ length: 25 }, (_, k) => (run: string) => caesar(run, k + 1)),
  atbash,
  reversed,
];

/** The first characters of a base64 run, in whole quanta, decode to text. */
const headReads = (head: string) => asText(base64Bytes(head.slice(0, head.length - (head.length % 4)))) !== null;

/**
 * Base64 runs put through a Caesar shift (ROT13), Atbash or reversal after encoding: a run that does not
 * decode to text as it is, but does under one of them, decoded under it. The first TRIED characters are
 * tried under each (a whole number of base64 quanta), so a run of random tokens costs 27 short decodes.
 */
function substitutedBase64Runs(text: string, budget: DecodeBudget): EncodedRun[] {
  const out: EncodedRun[] = [];
  for (const [start, spanEnd] of base64Spans(text)) {
    if (budget.remaining <= 0) break;
    // A span's last short line (a run's end, or a word after it) left out: reversed, it would be the run's start.
    const last = /\s(\S{1,15})$/.exec(text.slice(start, spanEnd));
    const end = last ? spanEnd - last[0].length : spanEnd;
    const run = text.slice(start, end).replace(/\s+/g, '');
    if (run.length < MIN_SUBSTITUTED) continue;
    // The run's first TRIED characters as they would read under `f` (reversed, its last ones).
    const tried = (f: (s: string) => string) => (f === reversed ? reversed(run.slice(-TRIED)) : f(run.slice(0, TRIED)));
    if (headReads(tried((r) => r))) continue;
    budget.remaining -= TRIED;
    const undo = SUBSTITUTIONS.find((f) => headReads(tried(f)));
    if (undo === undefined) continue;
    out.push({ start, end, bytes: base64Within(undo(run), budget) });
  }
  return out;
}

/** A base64 run put through ROT47 after encoding: a token of printable ASCII this long at least, base64 under ROT47. */
const ROT47_BASE64_TOKEN = 64;
const BASE64_ALPHABET = /^[A-Za-z0-9+/]+={0,2}$/;

/** Base64 runs put through ROT47 after encoding (their alphabet is then half signs, so base64Spans passes them by), decoded under it. */
function rot47Base64Runs(text: string, budget: DecodeBudget): EncodedRun[] {
  const out: EncodedRun[] = [];
  // Tokens of printable ASCII by a loop over the units: /[!-~]{64,}/ cost fourteen times as much on prose.
  for (let i = 0, start = 0; i <= text.length && budget.remaining > 0; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    if (c >= 33 && c <= 126) continue;
    const token = i - start >= ROT47_BASE64_TOKEN ? text.slice(start, i) : '';
    start = i + 1;
    if (token === '') continue;
    const read = rot47(token);
    if (!BASE64_ALPHABET.test(read)) continue;
    budget.remaining -= TRIED;
    if (!headReads(read.slice(0, TRIED))) continue;
    out.push({ start: i - token.length, end: i, bytes: base64Within(read, budget) });
  }
  return out;
}

/** Two escapes in a row (`&#116;&#`, `\u0074\u`, `\x74\x`) put through ROT47: "URI" or "-Fr" alone is a word. */
const ROT47_ESCAPE = /UR(?:[_`a-h]{1,7}|I[_`a-h2-7p-u]{1,6})jUR|-F[_`a-h2-7p-u]{4}-F|-I[_`a-h2-7p-u]{2}-I/;
/** Two escapes in a row written backwards (`;401#&;611#&`, `8600u\4700u\`). */
const REVERSED_ESCAPE = /;[0-9a-fA-F]{1,7}[xX]?#&;|[0-9a-fA-F]{4}u\\[0-9a-fA-F]{4}u\\|[0-9a-fA-F]{2}x\\[0-9a-fA-F]{2}x\\/;

/**
 * Escapes put through ROT47, or reversed, after they were written (`&#116;` as "UR`ce" and "j", or
 * ";611#&"): where the sign of one shows anywhere in the text, the runs of escapes (escapes.ts) of the
 * text under ROT47 or reversed, each read where it stands (the reversed run's reading reads forwards).
 */
function cipheredEscapeRuns(text: string): EncodedRun[] {
  const out: EncodedRun[] = [];
  if (ROT47_ESCAPE.test(text)) {
    // ROT47 keeps every character in its place.
    for (const r of escapeRuns(rot47(text))) out.push({ start: r.start, end: r.end, bytes: Buffer.from(r.text) });
  }
  // The literal ends of a reversed escape first: the pattern alone costs 8 µs per KB of prose.
  if ((text.includes('#&;') || text.includes('u\\') || text.includes('x\\')) && REVERSED_ESCAPE.test(text)) {
    for (const r of escapeRuns(reversed(text))) out.push({ start: text.length - r.end, end: text.length - r.start, bytes: Buffer.from(r.text) });
  }
  return out;
}
