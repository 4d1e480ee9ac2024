// Sees through encodings a caller may wrap text in (a secret on its way out, a restricted output on its
// way into the training feed): base64 and base64url runs (a `data:` URI's
// payload, an Anthropic document source, a bare PEM body), hex runs and percent-encoding. Bounded:
// one level of nesting and a budget of decoded bytes per body.

/** A run of base64 alphabet, lines of a wrapped body joined across whitespace. */
const RUN = /[A-Za-z0-9+/_-]{16,}(?:\s+[A-Za-z0-9+/_-]{16,})*(?:\s*[A-Za-z0-9+/_-]{1,15})?={0,2}/g;
const MIN_RUN = 24;
const HEX = /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){16,}(?![0-9A-Fa-f])/g;
/** Text with at least three percent escapes (a `data:` URI's payload, a URL-encoded value). */
// Entered only where a run of its characters starts: entered inside a long run (digits, words), the
// leading [..]* reads the rest of the run from every position looking for a %, quadratic in its length.
const PERCENT = /(?<![A-Za-z0-9._~+-])(?:[A-Za-z0-9._~+-]*%[0-9A-Fa-f]{2}){3,}[A-Za-z0-9._~+-]*/g;

export interface EncodedRun {
  start: number;
  end: number;
  bytes: Buffer;
}

export class DecodeBudget {
  constructor(public remaining: number) {}
}

/** The encoded runs of a text that decode to something, within the budget. */
export function encodedRuns(text: string, budget: DecodeBudget): EncodedRun[] {
  const out: EncodedRun[] = [];
  for (const m of text.matchAll(RUN)) {
    if (budget.remaining <= 0) break;
    const run = m[0];
    // Digits or symbols, or both cases (three linear tests: [A-Z].*[a-z] is quadratic on a long run of capitals).
    if (run.length < MIN_RUN || !(/[0-9+/_-]/.test(run) || (/[A-Z]/.test(run) && /[a-z]/.test(run)))) continue;
    const compact = run.replace(/\s+/g, '').slice(0, Math.ceil((budget.remaining * 4) / 3) + 4);
    const bytes = Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64');
    budget.remaining -= bytes.length;
    out.push({ start: m.index!, end: m.index! + run.length, bytes });
  }
  const decoders: Array<[RegExp, (run: string) => Buffer]> = [
    [HEX, (run) => Buffer.from(run, 'hex')],
    [PERCENT, (run) => Buffer.from(percentDecode(run), 'utf8')],
  ];
  for (const [pattern, decode] of decoders) {
    for (const m of text.matchAll(pattern)) {
      if (budget.remaining <= 0) break;
      const bytes = decode(m[0]);
      budget.remaining -= bytes.length;
      out.push({ start: m.index!, end: m.index! + m[0].length, bytes });
    }
  }
  return out;
}

function percentDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Decoded bytes as text when they are text (nearly all printable UTF-8), else null. */
export function asText(bytes: Buffer): string | null {
  const text = bytes.toString('utf8');
  let printable = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x20 && c !== 0x7f && c !== 0xfffd) || c === 0x09 || c === 0x0a || c === 0x0d) printable++;
  }
  return text.length > 0 && printable / text.length >= 0.9 ? text : null;
}
