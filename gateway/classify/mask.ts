// Masking instead of refusing: every finding of the named data classes is replaced in the forwarded
// body by a typed placeholder ([AWS_ACCESS_KEY_1]; the same value keeps the same number), and the
// result is scanned again, so a body that still shows one of those classes is never forwarded. Pure.
import type { MaskedFinding } from '../core/contracts.js';
import { scanBody } from './body.js';
import type { BodyFinding, ScanLimits } from './scan.js';
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

export async function maskBody(body: Record<string, unknown>, classes: readonly string[], limits: ScanLimits): Promise<MaskResult> {
  const wanted = new Set(classes);
  const scan = await scanBody(body, limits);
  const selected = scan.findings.filter((f) => wanted.has(f.dataClass));
  const { edits, masked } = placeholders(selected, scan.pieces);
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

function placeholders(found: BodyFinding[], pieces: readonly Piece[]): { edits: Map<number, Edit[]>; masked: MaskedFinding[] } {
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
    const placeholder = `[${label}_${n}]`;
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
