// Sees through encodings a caller may wrap text in (a secret on its way out, a restricted output on its
// way into the training feed): base64 and base64url runs (a `data:` URI's
// payload, an Anthropic document source, a bare PEM body), hex runs and percent-encoding. Bounded:
// one level of nesting and a budget of decoded bytes per body.

/** A run of base64 alphabet, lines of a wrapped body joined across whitespace. */
export const RUN = /[A-Za-z0-9+/_-]{16,}(?:\s+[A-Za-z0-9+/_-]{16,})*(?:\s*[A-Za-z0-9+/_-]{1,15})?={0,2}/g;
const MIN_RUN = 24;
export const HEX = /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){16,}(?![0-9A-Fa-f])/g;
/** Text with at least three percent escapes (a `data:` URI's payload, a URL-encoded value). */
// Entered only where a run of its characters starts: entered inside a long run (digits, words), the
// leading [..]* reads the rest of the run from every position looking for a %, quadratic in its length.
export const PERCENT = /(?<![A-Za-z0-9._~+-])(?:[A-Za-z0-9._~+-]*%[0-9A-Fa-f]{2}){3,}[A-Za-z0-9._~+-]*/g;

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
  // Each pattern is tried (anchored) only where it can match: RUN where 16 base64 characters follow, HEX at
  // the start of a run of 32 or more hex digits, PERCENT before an escape (below). Those places are found
  // by looking ahead the length of the shortest match (ordinary prose is read about one character in ten),
  // not by entering the pattern at every position. What each finds is what the global pattern finds.
  let from = 0;
  for (;;) {
    if (budget.remaining <= 0) break;
    const at = runAt(text, from, BASE64_ALPHABET, 16);
    if (at < 0) break;
    RUN_AT.lastIndex = at;
    const m = RUN_AT.exec(text)!;
    const run = m[0];
    from = at + run.length;
    // Digits or symbols, or both cases (three linear tests: [A-Z].*[a-z] is quadratic on a long run of capitals).
    if (run.length < MIN_RUN || !(/[0-9+/_-]/.test(run) || (/[A-Z]/.test(run) && /[a-z]/.test(run)))) continue;
    const compact = run.replace(/\s+/g, '').slice(0, Math.ceil((budget.remaining * 4) / 3) + 4);
    const bytes = Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64');
    budget.remaining -= bytes.length;
    out.push({ start: at, end: at + run.length, bytes });
  }
  from = 0;
  for (;;) {
    if (budget.remaining <= 0) break;
    const at = runStart(text, from, HEX_DIGIT, 32);
    if (at < 0) break;
    HEX_AT.lastIndex = at;
    const m = HEX_AT.exec(text);
    if (m === null) {
      from = at + 1;
      continue;
    }
    from = at + m[0].length;
    const bytes = Buffer.from(m[0], 'hex');
    budget.remaining -= bytes.length;
    out.push({ start: at, end: from, bytes });
  }
  // PERCENT starts where the run of its characters before its first escape starts: tried only there.
  ESCAPE.lastIndex = 0;
  from = 0;
  for (let e = ESCAPE.exec(text); e !== null; e = ESCAPE.exec(text)) {
    if (budget.remaining <= 0) break;
    let at = e.index;
    while (at > 0 && inClass(text, at - 1, URL_UNRESERVED)) at--;
    if (at < from) continue;
    PERCENT_AT.lastIndex = at;
    const m = PERCENT_AT.exec(text);
    if (m === null) continue;
    from = at + m[0].length;
    const bytes = Buffer.from(percentDecode(m[0]), 'utf8');
    budget.remaining -= bytes.length;
    out.push({ start: at, end: from, bytes });
  }
  return out;
}

function table(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (const c of chars) t[c.charCodeAt(0)] = 1;
  return t;
}
const BASE64_ALPHABET = table('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-');
const HEX_DIGIT = table('0123456789ABCDEFabcdef');
const URL_UNRESERVED = table('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~+-');
const ESCAPE = /%[0-9A-Fa-f]{2}/g;
const PERCENT_AT = new RegExp(PERCENT.source, 'y');
const RUN_AT = new RegExp(RUN.source, 'y');
const HEX_AT = new RegExp(HEX.source, 'y');

function inClass(text: string, i: number, cls: Uint8Array): boolean {
  const c = text.charCodeAt(i);
  return c < 128 && cls[c] === 1;
}

/** The leftmost position at or after `from` followed by `min` characters of the class, or -1. */
export function runAt(text: string, from: number, cls: Uint8Array, min: number): number {
  const n = text.length;
  let i = from;
  while (i + min <= n) {
    const k = i + min - 1;
    if (!inClass(text, k, cls)) {
      i = k + 1;
      continue;
    }
    let j = k - 1;
    while (j >= i && inClass(text, j, cls)) j--;
    let r = k + 1;
    while (r <= j + min && r < n && inClass(text, r, cls)) r++;
    if (r - j - 1 >= min) return j + 1;
    i = r + 1;
  }
  return -1;
}

/** The leftmost start of a whole run of at least `min` characters of the class at or after `from`, or -1. */
export function runStart(text: string, from: number, cls: Uint8Array, min: number): number {
  let i = from;
  // Inside a run: its start is behind; go on from its end.
  if (i > 0 && i < text.length && inClass(text, i - 1, cls)) while (i < text.length && inClass(text, i, cls)) i++;
  for (;;) {
    const at = runAt(text, i, cls, min);
    if (at < 0 || at === 0 || !inClass(text, at - 1, cls)) return at;
    // Found inside a longer run that started before `i` (only possible at `i` itself): skip that run.
    i = at;
    while (i < text.length && inClass(text, i, cls)) i++;
  }
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
