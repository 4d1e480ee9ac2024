// Masking instead of refusing: every finding of the named data classes is replaced in the forwarded
// body by a typed placeholder ([AWS_ACCESS_KEY_1#3f9c2a71]; the same value keeps the same number), and
// the result is scanned again, so a body that still shows one of those classes is never forwarded. Pure.
// A placeholder carries the call's nonce, so text a caller wrote to look like one ([EMAIL_1]) is told
// apart from a masked value in the forwarded body and the audit record. A finding is widened to the whole
// value it sits in (an e-mail glued to a key goes with the key), so no part of it is left beside the
// placeholder.
import { randomBytes } from 'node:crypto';
import type { MaskedFinding } from '../core/contracts.js';
import { scanBody } from './body.js';
import type { BodyFinding, ScanLimits, Span } from './scan.js';
import type { Piece } from './walk.js';

export interface MaskResult {
  body: Record<string, unknown>;
  masked: MaskedFinding[];
}

export class MaskingIncomplete extends Error {
  constructor(classes: string[]) {
    super(`masking left ${classes.join(', ')} in the request`);
  }
}

/** A fresh nonce for one call's placeholders: 32 random bits as hex, not guessable by the caller. */
export function maskNonce(): string {
  return randomBytes(4).toString('hex');
}

export async function maskBody(body: Record<string, unknown>, classes: readonly string[], limits: ScanLimits, nonce: string): Promise<MaskResult> {
  if (!/^[0-9a-f]{8}$/.test(nonce)) throw new Error('a mask nonce is 8 hex digits');
  const wanted = new Set(classes);
  const scan = await scanBody(body, limits);
  const selected = scan.findings.filter((f) => wanted.has(f.dataClass)).map((f) => ({ ...f, spans: f.spans.map((sp) => wholeValue(sp, scan.pieces[sp.piece].text)) }));
  const { edits, masked } = placeholders(selected, scan.pieces, nonce);
  const texts = scan.pieces.map((p, i) => (edits.has(i) ? applyEdits(p.text, edits.get(i)!) : p.text));
  const out = rebuild(body, texts) as Record<string, unknown>;
  const left = [...new Set((await scanBody(out, limits)).findings.filter((f) => wanted.has(f.dataClass)).map((f) => f.dataClass))];
  if (left.length > 0) throw new MaskingIncomplete(left.sort());
  return { body: out, masked };
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

// What a value is made of, for widening a finding to the whole of it: letters, digits and the joiners of
// keys, addresses and numbers. A dot joins only between two such characters (a sentence's full stop is
// not part of a value); `=` only closes one (base64 padding), so `key=` before a value stays.
const VALUE_CHAR = /[A-Za-z0-9_@%+/-]/;

/** A span widened to the whole value it sits in, within its string. */
function wholeValue(span: Span, text: string): Span {
  const inValue = (i: number): boolean => {
    const c = text[i];
    if (c === undefined) return false;
    if (VALUE_CHAR.test(c)) return true;
    return c === '.' && VALUE_CHAR.test(text[i - 1] ?? '') && VALUE_CHAR.test(text[i + 1] ?? '');
  };
  let start = span.start;
  let end = span.end;
  while (start > 0 && inValue(start - 1)) start--;
  while (end < text.length && inValue(end)) end++;
  while (end < text.length && text[end] === '=' && inValue(end - 1)) end++;
  return { piece: span.piece, start, end };
}

function placeholders(found: BodyFinding[], pieces: readonly Piece[], nonce: string): { edits: Map<number, Edit[]>; masked: MaskedFinding[] } {
  const numbers = new Map<string, number>();
  const perLabel = new Map<string, number>();
  const edits = new Map<number, Edit[]>();
  const masked: MaskedFinding[] = [];
  for (const f of found) {
    const label = upperSnake(f.kind);
    const value = f.spans.map((s) => pieces[s.piece].text.slice(s.start, s.end)).join('');
    const key = `${label}\0${value}`;
    let n = numbers.get(key);
    if (n === undefined) {
      n = (perLabel.get(label) ?? 0) + 1;
      perLabel.set(label, n);
      numbers.set(key, n);
    }
    const placeholder = `[${label}_${n}#${nonce}]`;
    // A finding split over several strings: the placeholder takes the first part's place, the rest is removed.
    f.spans.forEach((s, i) => {
      const list = edits.get(s.piece) ?? [];
      list.push({ start: s.start, end: s.end, text: i === 0 ? placeholder : '' });
      edits.set(s.piece, list);
    });
    const path = pieces[f.spans[0].piece].path;
    if (!masked.some((m) => m.placeholder === placeholder && m.path === path)) masked.push({ placeholder, data_class: f.dataClass, path });
  }
  return { edits, masked };
}

/** Applies edits to a text; overlapping edits merge into the earliest one's replacement. */
function applyEdits(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  let last: Edit | null = null;
  for (const e of sorted) {
    if (last && e.start < last.end) {
      if (e.end > last.end) at = last.end = e.end;
      continue;
    }
    out += text.slice(at, e.start) + e.text;
    at = e.end;
    last = { ...e };
  }
  return out + text.slice(at);
}

/** The body with its strings (keys included) replaced by `texts`, in the order bodyPieces lists them. */
function rebuild(body: unknown, texts: readonly string[]): unknown {
  let next = 0;
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return texts[next++];
    if (Array.isArray(v)) return v.map(visit);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const x of Object.values(v)) {
        const key = texts[next++];
        out[key] = visit(x);
      }
      return out;
    }
    return v;
  };
  return visit(body);
}

/** awsAccessKey, GITHUB_TOKEN, PostgreSQLConnection → AWS_ACCESS_KEY, GITHUB_TOKEN, POSTGRE_SQL_CONNECTION. */
function upperSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toUpperCase();
}
