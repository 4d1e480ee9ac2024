// What a text's encodings and escapes hide, read in place: base64, base32, hex, percent-encoded, binary,
// quoted-printable and Morse runs, escapes written as text (`&#116;`, `\u0074`, `\x74`, octal) and HTML's named references,
// each replaced by what it decodes to where it stands, so that plain words around a run and pieces
// encoded apart read as one text. A decoded text is unfolded once more (base64 of escapes), within one
// budget of decoded bytes per text. Each character of the reading is placed in the text it came from.
import { asText, base32Runs, binaryRuns, DecodeBudget, encodedRuns, morseRuns, quotedPrintableRuns } from './encoded-runs.js';
import { unescapedReading } from './escapes.js';
import { asIs, ReadingBuilder, readThrough, type Transformed } from './substitutions.js';

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
  for (const run of [...encodedRuns(text, budget), ...base32Runs(text, budget), ...binaryRuns(text, budget), ...quotedPrintableRuns(text, budget), ...morseRuns(text, budget)]) {
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
