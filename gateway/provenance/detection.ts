// One text's provenance: its spans (spans.ts) and a record-level summary of them. A record is
// restricted when any span is. Pure: takes the key and the index as arguments.
import type { ProvenanceIndex } from './fingerprint-index.js';
import type { MacKey } from '../watermark/payload.js';
import { detectSpans, mergedRanges, type RefResolver, type Span, type SpanStatus, type Touched } from './spans.js';
import { unfoldings } from '../text/decoded-readings.js';
import { plainReadings } from '../text/readings.js';
import { asIs, readThrough, type Transformed } from '../text/substitutions.js';

export type { RefResolver, Span, Touched } from './spans.js';

export interface DetectionResult {
  /** Of the span that speaks for the record: the first restricted one, else the best traced one. */
  origin: 'watermark' | 'fingerprint' | 'both' | 'semantic' | null;
  status: SpanStatus;
  decision_id: string | null;
  licence: string | null;
  licence_class: string | null;
  trainable: boolean | null;
  score: number;
  /** Any span restricted: from an output that may not be trained on, or under a forged, transplanted or unverifiable mark. */
  restricted: boolean;
  marks: { genuine: number; forged: number };
  spans: Span[];
  /** The restricted outputs the text shares any sampled shingle with, traced or not, and where (spans.ts): only when asked for (DetectOptions). */
  touched?: Touched;
}

const ORIGIN_RANK = { both: 0, watermark: 1, fingerprint: 2, semantic: 3, public: 4, none: 5 } as const;

/** The span a one-line summary names: a restricted span of a traced output first, since a gate must name its origin. */
export function leadingSpan(spans: Span[]): Span | null {
  // A quote of public text names no served output: the record's summary is about served outputs.
  const traced = spans.filter((s) => s.origin !== 'none' && s.origin !== 'public');
  const rank = (s: Span) => [s.restricted ? 0 : 1, s.status === 'genuine' ? 0 : 1, s.decision_id === null ? 1 : 0, ORIGIN_RANK[s.origin], -s.score];
  const sorted = traced.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
    return 0;
  });
  return sorted[0] ?? null;
}

export interface DetectOptions {
  /** Also say which restricted outputs the text touches (training admission across calls); costs index lookups. */
  touched?: boolean;
}

export function detect(text: string, key: MacKey, index: ProvenanceIndex, resolve: RefResolver, opts: DetectOptions = {}): DetectionResult {
  const want = opts.touched === true;
  const reading = detectSpans(text, key, index, resolve, want);
  const spans = [...reading.spans];
  const marks = { ...reading.marks };
  const ids = new Set(reading.touched?.decision_ids);
  const ranges = [...(reading.touched?.ranges ?? [])];
  // What encodings and escapes hide, read in place (decoded-readings.ts: plain words around a run and
  // pieces encoded apart read as one text): its traced spans, placed on the runs. Only genuine ones: a
  // mark read in decoded text stands among words its output did not hold as served (an output that is
  // itself base64), so a verdict of moved or forged there is the decoding's, not the text's.
  const levels = unfoldings(text);
  const u = levels.at(-1) ?? asIs(text);
  for (const level of levels) {
    const inner = detectSpans(level.text, key, index, resolve, want);
    for (const s of inner.spans) if (s.status === 'genuine') spans.push(placed(s, level));
    marks.genuine = Math.max(marks.genuine, inner.marks.genuine);
    for (const id of inner.touched?.decision_ids ?? []) ids.add(id);
    for (const r of inner.touched?.ranges ?? []) {
      const [start, end] = level.place(r.start, r.end);
      ranges.push({ start, end });
    }
  }
  // A plain reading of a ciphered, reversed or disguised text: its traced spans, at their place in the text
  // as given. What it touches counts, but not where (its stretches are of the reading).
  for (const r of plainReadings(u.text).map((p) => readThrough(u, p))) {
    const plain = detectSpans(r.text, key, index, resolve, want);
    for (const s of plain.spans) if (s.origin === 'fingerprint') spans.push(placed(s, r));
    for (const id of plain.touched?.decision_ids ?? []) ids.add(id);
  }
  return summariseSpans(spans, marks, reading.touched && { decision_ids: [...ids], ranges: mergedRanges(ranges) });
}

function placed(s: Span, r: Transformed): Span {
  const [start, end] = r.place(s.start, s.end);
  return { ...s, start, end };
}

/** A record's summary of its spans (sorted here): restricted when any span is, named by the leading span. */
export function summariseSpans(all: Span[], marks: DetectionResult['marks'], touched?: Touched): DetectionResult {
  const spans = all.sort((a, b) => a.start - b.start || a.end - b.end);
  const lead = leadingSpan(spans);
  const asked = touched ? { touched } : {};
  if (!lead) return { origin: null, status: 'none', decision_id: null, licence: null, licence_class: null, trainable: null, score: 0, restricted: false, marks, spans, ...asked };
  return {
    origin: lead.origin === 'none' || lead.origin === 'public' ? null : lead.origin,
    status: lead.status,
    decision_id: lead.decision_id,
    licence: lead.licence,
    licence_class: lead.licence_class,
    trainable: lead.trainable,
    score: lead.score,
    restricted: spans.some((s) => s.restricted),
    marks,
    spans,
    ...asked,
  };
}
