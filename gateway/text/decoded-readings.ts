// What a text's encodings and escapes hide, read back: base64, base32, hex, percent-encoded and binary
// runs, escapes written as text (`&#116;`, `\u0074`, `\x74`, octal) and HTML's named references. Each
// reading is placed on the run it was read from, so a span found in it points at the encoded text. A
// decoded text is read once more (base64 of escapes), within one budget of decoded bytes per text.
import { asText, base32Runs, binaryRuns, DecodeBudget, encodedRuns } from './encoded-runs.js';
import { unescapedReading } from './escapes.js';
import { readThrough, type Transformed } from './substitutions.js';

/** Decoded bytes read per text: a long prompt's worth, so one text cannot make a scan unbounded. */
export const DECODED_BYTES = 4 * 1024 * 1024;

const onRun = (text: string, start: number, end: number): Transformed => ({ text, place: () => [start, end] });

/** The decoded readings of `text`, nested `nesting` levels deep, each placed in `text`. */
export function decodedReadings(text: string, budget = new DecodeBudget(DECODED_BYTES), nesting = 1): Transformed[] {
  const out: Transformed[] = [];
  for (const run of [...encodedRuns(text, budget), ...base32Runs(text, budget), ...binaryRuns(text, budget)]) {
    const read = asText(run.bytes);
    if (read !== null) out.push(onRun(read, run.start, run.end));
  }
  const unescaped = unescapedReading(text);
  if (unescaped) out.push(unescaped);
  if (nesting <= 0) return out;
  const inner = out.flatMap((outer) => decodedReadings(outer.text, budget, nesting - 1).map((r) => readThrough(outer, r)));
  return [...out, ...inner];
}
