// Span-level detection: which parts of a text came from which served output. Fingerprints are
// always consulted: every output whose sampled shingles recur in the text claims the stretch where
// they recur (so a paragraph of one output followed by another is two spans). Every mark is checked
// against its own decision's fingerprint in the text around it: a genuine MAC binds decision and
// licence, not the text, so a mark whose surroundings are not that output's text was moved there
// (transplanted) and is restricted, never genuine. Pure: key and index come in as arguments.
import { fingerprintWords, sampledAt, SHINGLE_WORDS, shingleHashesAt, type Word } from './fingerprint.js';
import type { FingerprintIndex, ProvenanceIndex, RecordInfo } from './fingerprint-index.js';
import { docHits } from './doc-hits.js';
import { looseClaims } from './loose-claims.js';
import { publicReference } from './public-reference.js';
import { recordRef, type DecodedPayload, type MacKey } from '../watermark/payload.js';
import { placedWatermarks, type PlacedMark } from './watermark-reader.js';

/** public: text of the public reference corpus (public-reference.ts), attributed to its source, never to a call. */
/** semantic: traced by meaning (semantic/), a restricted output's rewording. */
export type SpanOrigin = 'watermark' | 'fingerprint' | 'both' | 'semantic' | 'public' | 'none';
/**
 * genuine: traced and consistent; transplanted: a genuine mark in text that is not its output's;
 * unverified: a genuine mark whose output is unknown to the index or leaves no sample to compare;
 * forged: a mark whose MAC does not check; none: not traced.
 */
export type SpanStatus = 'genuine' | 'transplanted' | 'unverified' | 'forged' | 'none';

export interface Span {
  /** UTF-16 offsets in the text as given (marks included). */
  start: number;
  end: number;
  origin: SpanOrigin;
  status: SpanStatus;
  decision_id: string | null;
  licence: string | null;
  licence_class: string | null;
  trainable: boolean | null;
  /** For a span carrying a mark: whether the text around it matches the mark's decision's fingerprint. */
  text_matches: boolean | null;
  /** Shared samples over expected samples (0.4–1) for traced spans; cosine similarity for semantic spans; 0 otherwise. */
  score: number;
  restricted: boolean;
}

/** Resolves "ref:<hex>" (the hash of a non-UUID decision id) back to the id, when known. */
export type RefResolver = (decisionRef: string) => string;

// Tuned on the evaluation corpus (bench/provenance/evaluate.ts): two shared samples or a third of
// them still happen between unrelated passages of formal prose; three and 40% do not.
const MIN_HITS = 3;
const MIN_SCORE = 0.4;
// A stretch of a longer text is traced on its own (an excerpt among other text) only with this many
// hits: its overlap is measured on the stretch alone, where a few common phrases can look dense.
// An output whose hits pass over the whole text (as before spans) needs only MIN_HITS per stretch.
const LOCAL_MIN_HITS = 6;
// A stretch is denser than a whole text (it starts and ends on hits): it needs half its samples, and
// at least MIN_SPAN_WORDS words unless it holds most of its output's samples (a short output), since
// a formulaic phrase ("regard for the rights and interests of the") recurs in unrelated texts.
const MIN_STRETCH_SCORE = 0.5;
const MIN_SPAN_WORDS = 16;
const MOST_OF_OUTPUT = 0.8;
// Hits of one output further apart than this many of its sampling intervals start a new span.
const GAP_INTERVALS = 8;
const MIN_GAP = 16;
/** Words on each side of a mark compared with its decision's fingerprint. */
const MARK_CONTEXT_WORDS = 60;

interface Claim {
  doc: number;
  info: RecordInfo;
  /** First and last shingle positions with a hit. */
  first: number;
  last: number;
  score: number;
  marks: DecodedPayload[];
}

/** Distinct-shingle bookkeeping over one text: hits per output, samples per level over any range. */
class TextShingles {
  readonly words: Word[];
  readonly count: number;
  /** The outputs listed for at least the minHits asked of the constructor, with the positions that list them. */
  readonly hitsOf: Map<number, number[]>;
  /** Positions of shingles of public text, with the public source of each. */
  readonly publicHits: { position: number; source: number }[] = [];
  /** For a shingle that occurred earlier in the text, the position of its first occurrence; -1 otherwise. */
  readonly repeatOf: Int32Array;
  readonly #firstSeen: Uint32Array;
  readonly #firstMask: Uint8Array;
  readonly #prefix = new Map<number, Uint32Array>();

  constructor(text: string, index: FingerprintIndex, minHits: number) {
    this.words = fingerprintWords(text);
    const hashes = shingleHashesAt(this.words);
    this.count = hashes.length;
    this.#firstSeen = hashes;
    this.#firstMask = new Uint8Array(hashes.length);
    this.repeatOf = new Int32Array(hashes.length).fill(-1);
    const seen = new Map<number, number>();
    const reference = publicReference();
    for (let i = 0; i < hashes.length; i++) {
      // A repeated shingle counts once, where it first occurs (echoClaims attributes the repeats).
      const earlier = seen.get(hashes[i]);
      if (earlier !== undefined) {
        this.repeatOf[i] = earlier;
        continue;
      }
      seen.set(hashes[i], i);
      // Public text is nobody's output: it is attributed to its public source instead.
      const source = reference.shingles.get(hashes[i]);
      if (source !== undefined) {
        this.publicHits.push({ position: i, source });
        continue;
      }
      this.#firstMask[i] = 1;
    }
    this.hitsOf = docHits(index, hashes, this.#firstMask, minHits);
  }

  /** Distinct shingles sampled at `level` among positions first..last. */
  samples(level: number, first: number, last: number): number {
    let prefix = this.#prefix.get(level);
    if (!prefix) {
      prefix = new Uint32Array(this.count + 1);
      for (let i = 0; i < this.count; i++) prefix[i + 1] = prefix[i] + (this.#firstMask[i] && sampledAt(this.#firstSeen[i], level) ? 1 : 0);
      this.#prefix.set(level, prefix);
    }
    return prefix[last + 1] - prefix[first];
  }

  /** Distinct shingles among positions first..last that this output sampled. */
  heldBetween(index: FingerprintIndex, doc: number, first: number, last: number): number {
    let n = 0;
    for (let i = first; i <= last; i++) if (this.#firstMask[i] && index.holds(this.#firstSeen[i], doc)) n++;
    return n;
  }

  /** The character range covered by shingle positions first..last. */
  range(first: number, last: number): { start: number; end: number } {
    return { start: this.words[first].start, end: this.words[Math.min(last + SHINGLE_WORDS - 1, this.words.length - 1)].end };
  }

  /** Index of the last word whose token starts at or before `offset` (-1 when none). */
  wordAt(offset: number): number {
    let lo = 0;
    let hi = this.words.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.words[mid].start <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}

function overlap(index: FingerprintIndex, shingles: TextShingles, doc: number, first: number, last: number, hits: number): number {
  const expected = Math.min(shingles.samples(index.levelOf(doc), first, last), index.samplesOf(doc));
  return expected === 0 ? 0 : Math.min(hits / expected, 1);
}

function gapOf(index: FingerprintIndex, doc: number): number {
  return Math.max(MIN_GAP, GAP_INTERVALS << index.levelOf(doc));
}

/** Every stretch of the text where one output's sampled shingles recur densely enough. */
function fingerprintClaims(index: FingerprintIndex, shingles: TextShingles): Claim[] {
  const claims: Claim[] = [];
  for (const [doc, positions] of shingles.hitsOf) {
    if (positions.length < MIN_HITS) continue;
    const maxGap = gapOf(index, doc);
    const whole = overlap(index, shingles, doc, 0, shingles.count - 1, positions.length) >= MIN_SCORE;
    let from = 0;
    for (let k = 1; k <= positions.length; k++) {
      if (k < positions.length && positions[k] - positions[k - 1] <= maxGap) continue;
      const hits = k - from;
      const first = positions[from];
      const last = positions[k - 1];
      const score = overlap(index, shingles, doc, first, last, hits);
      const long = last - first + SHINGLE_WORDS >= MIN_SPAN_WORDS || hits >= MOST_OF_OUTPUT * index.samplesOf(doc);
      if (hits >= (whole ? MIN_HITS : LOCAL_MIN_HITS) && score >= MIN_STRETCH_SCORE && long) claims.push({ doc, info: index.record(doc), first, last, score, marks: [] });
      from = k;
    }
  }
  return claims;
}

/**
 * A stretch that repeats a claimed stretch word for word belongs to the same output: the repeat's shingles
 * counted only at their first occurrence, so without this a second copy of an excerpt would go untraced.
 */
function echoClaims(shingles: TextShingles, claims: Claim[]): Claim[] {
  const echoes: Claim[] = [];
  const claimOf = (i: number) => (i < 0 ? undefined : claims.find((c) => c.first <= i && i <= c.last));
  for (let i = 0; i < shingles.count; i++) {
    const claim = claimOf(shingles.repeatOf[i]);
    if (!claim) continue;
    let k = i;
    while (k + 1 < shingles.count && claimOf(shingles.repeatOf[k + 1]) === claim) k++;
    if (k - i + SHINGLE_WORDS >= MIN_SPAN_WORDS) echoes.push({ ...claim, first: i, last: k, marks: [] });
    i = k;
  }
  return echoes;
}

function refBytes(p: DecodedPayload): Buffer {
  return p.hashedRef ? Buffer.from(p.decisionRef.slice(4), 'hex') : recordRef(p.decisionRef).bytes;
}

function span(fields: Partial<Span> & Pick<Span, 'start' | 'end' | 'origin' | 'status' | 'restricted'>): Span {
  return { decision_id: null, licence: null, licence_class: null, trainable: null, text_matches: null, score: 0, ...fields };
}

/** A mark that no fingerprint claim of its own output covers: checked against the words around it. */
function markSpan(mark: PlacedMark, index: FingerprintIndex, shingles: TextShingles, resolve: RefResolver): Span {
  const p = mark.payload;
  const w = shingles.wordAt(mark.offset);
  const first = Math.max(0, w - MARK_CONTEXT_WORDS);
  const last = Math.min(shingles.count - 1, w + MARK_CONTEXT_WORDS);
  const where = shingles.count > 0 && first <= last ? shingles.range(first, last) : { start: mark.offset, end: mark.offset };
  const doc = index.findRef(refBytes(p));
  const base = { ...where, origin: 'watermark' as const, decision_id: resolve(p.decisionRef), licence_class: p.licenceClass };
  if (doc < 0 || shingles.count === 0) return span({ ...base, status: 'unverified', text_matches: false, restricted: true, trainable: p.trainable });
  const info = index.record(doc);
  // Asked of the index directly: a text served more often than MAX_LISTED times still vouches for its own marks.
  const hits = shingles.heldBetween(index, doc, first, last);
  const expected = Math.min(shingles.samples(index.levelOf(doc), first, last), index.samplesOf(doc));
  const trainable = p.trainable && info.trainable;
  const known = { ...base, licence: info.licence, licence_class: p.licenceClass ?? info.licenceClass, trainable };
  if (expected === 0) return span({ ...known, status: 'unverified', text_matches: false, restricted: true });
  const score = Math.min(hits / expected, 1);
  if (hits === 0 || score < MIN_SCORE) return span({ ...known, status: 'transplanted', text_matches: false, score, restricted: true });
  return span({ ...known, status: 'genuine', text_matches: true, score, restricted: !trainable });
}

// A quote of public text: this many of its shingles within PUBLIC_GAP positions of each other, over MIN_SPAN_WORDS.
const PUBLIC_MIN_HITS = 8;
const PUBLIC_GAP = 8;

/** Stretches quoting the public reference corpus, each attributed to the source most of its shingles come from. */
function publicSpans(shingles: TextShingles): Span[] {
  const hits = shingles.publicHits;
  const out: Span[] = [];
  let from = 0;
  for (let k = 1; k <= hits.length; k++) {
    if (k < hits.length && hits[k].position - hits[k - 1].position <= PUBLIC_GAP) continue;
    const first = hits[from].position;
    const last = hits[k - 1].position;
    if (k - from >= PUBLIC_MIN_HITS && last - first + SHINGLE_WORDS >= MIN_SPAN_WORDS) {
      const counts = new Map<number, number>();
      for (let i = from; i < k; i++) counts.set(hits[i].source, (counts.get(hits[i].source) ?? 0) + 1);
      const source = [...counts].sort((a, b) => b[1] - a[1])[0][0];
      out.push(span({ ...shingles.range(first, last), origin: 'public', status: 'genuine', licence: publicReference().sources[source], trainable: true, restricted: false, score: 1 }));
    }
    from = k;
  }
  return out;
}

/** Consecutive words no traced span covers, as 'none' spans. */
function untraced(words: Word[], traced: Span[]): Span[] {
  const out: Span[] = [];
  let open: { start: number; end: number } | null = null;
  for (const word of words) {
    const covered = traced.some((s) => s.start < word.end && word.start < s.end);
    if (covered) {
      if (open) out.push(span({ ...open, origin: 'none', status: 'none', restricted: false }));
      open = null;
    } else if (open && word.start < open.end) {
      // Several words of one token.
    } else if (open) {
      open.end = word.end;
    } else {
      open = { start: word.start, end: word.end };
    }
  }
  if (open) out.push(span({ ...open, origin: 'none', status: 'none', restricted: false }));
  return out;
}

export interface SpanReading {
  /** In order of where they start; traced spans may overlap. */
  spans: Span[];
  marks: { genuine: number; forged: number };
  /** The restricted outputs that share any sampled shingle with the text, under the span threshold too: only when asked for. */
  touched?: Touched;
}

export interface Touched {
  decision_ids: string[];
  /** The stretches of the text around the shared shingles (SHINGLE_WORDS words either side), in order, merged. */
  ranges: Array<{ start: number; end: number }>;
}

// At most this many outputs are looked up for `touched`, those with the most shared shingles first: a
// bound on the lookups a text of common phrases could cause.
const TOUCHED_MAX = 256;

/**
 * The restricted outputs a text shares any sampled shingle with, and where: a piece of one, too short
 * to be traced alone, still touches it. Training admission keeps the stretches that touch an output
 * together (training/recent-window.ts), so unrelated records, or unrelated text around a piece, sent
 * between the pieces neither part them nor push them out.
 */
function touchedRestricted(index: FingerprintIndex, shingles: TextShingles, resolve: RefResolver): Touched {
  let docs = [...shingles.hitsOf.keys()];
  if (docs.length > TOUCHED_MAX) docs = docs.sort((a, b) => shingles.hitsOf.get(b)!.length - shingles.hitsOf.get(a)!.length).slice(0, TOUCHED_MAX);
  const decision_ids: string[] = [];
  const at = new Set<number>();
  for (const doc of docs) {
    const info = index.record(doc);
    if (info.trainable) continue;
    decision_ids.push(resolve(info.decisionRef));
    for (const p of shingles.hitsOf.get(doc)!) at.add(p);
  }
  const last = shingles.words.length - 1;
  const around = [...at].map((p) => ({ start: shingles.words[Math.max(0, p - SHINGLE_WORDS)].start, end: shingles.words[Math.min(last, p + 2 * SHINGLE_WORDS - 1)].end }));
  return { decision_ids, ranges: mergedRanges(around) };
}

/** The ranges in order, overlapping or touching ones as one. */
export function mergedRanges(ranges: Touched['ranges']): Touched['ranges'] {
  const out: Touched['ranges'] = [];
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    const prev = out[out.length - 1];
    if (prev && r.start <= prev.end) prev.end = Math.max(prev.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

// A loose claim is a shadow where another output copied word for word there matches this many times
// as densely (openings and set phrases of one register recur loosely across outputs).
const SHADOW_RATIO = 2.5;

/** Loose claims of outputs no word-shingle claim already covers there: rewordings the shingles miss. */
function addLooseClaims(claims: Claim[], indexes: ProvenanceIndex, shingles: TextShingles): void {
  const loose = looseClaims(shingles.words, indexes.loose);
  const overlaps = (a: { first: number; last: number }, b: { first: number; last: number }) => a.first <= b.last + SHINGLE_WORDS - 1 && b.first <= a.last + SHINGLE_WORDS - 1;
  const verbatim = claims.slice();
  for (const c of loose) {
    const range = { first: c.firstWord, last: c.lastWord };
    if (verbatim.some((o) => o.doc === c.doc && overlaps(o, range))) continue;
    const shadow = loose.some((o) => o.doc !== c.doc && o.score >= SHADOW_RATIO * c.score && overlaps({ first: o.firstWord, last: o.lastWord }, range) && verbatim.some((v) => v.doc === o.doc && overlaps(v, range)));
    if (!shadow) claims.push({ doc: c.doc, info: indexes.words.record(c.doc), first: c.firstWord, last: c.lastWord, score: c.score, marks: [] });
  }
}

export function detectSpans(text: string, key: MacKey, indexes: ProvenanceIndex, resolve: RefResolver, wantTouched = false): SpanReading {
  const index = indexes.words;
  // Marks are read from the text as given: normalisation removes variation selectors.
  const marks = placedWatermarks(text, key);
  // What a text touches counts outputs listed once; claims need MIN_HITS.
  const shingles = new TextShingles(text, index, wantTouched ? 1 : MIN_HITS);
  const claims = fingerprintClaims(index, shingles);
  addLooseClaims(claims, indexes, shingles);
  claims.push(...echoClaims(shingles, claims));
  const spans: Span[] = [];

  for (const mark of marks) {
    if (!mark.payload.genuine) {
      const w = shingles.wordAt(mark.offset);
      const at = w >= 0 ? { start: shingles.words[w].start, end: shingles.words[w].end } : { start: mark.offset, end: mark.offset };
      spans.push(span({ ...at, origin: 'watermark', status: 'forged', text_matches: false, restricted: true }));
      continue;
    }
    const doc = index.findRef(refBytes(mark.payload));
    const w = shingles.wordAt(mark.offset);
    // Within one sampling gap of its own output's claim, the mark is in that output's text.
    const own = doc < 0 ? undefined : claims.find((c) => c.doc === doc && c.first - gapOf(index, doc) <= w && w <= c.last + SHINGLE_WORDS - 1 + gapOf(index, doc));
    if (own) {
      own.marks.push(mark.payload);
      own.first = Math.min(own.first, Math.max(w, 0));
      own.last = Math.max(own.last, w);
    }
    else spans.push(markSpan(mark, index, shingles, resolve));
  }

  for (const c of claims) {
    const marked = c.marks.length > 0;
    const trainable = c.info.trainable && c.marks.every((m) => m.trainable);
    spans.push(
      span({
        ...shingles.range(c.first, c.last),
        origin: marked ? 'both' : 'fingerprint',
        status: 'genuine',
        decision_id: resolve(c.info.decisionRef),
        licence: c.info.licence,
        licence_class: c.info.licenceClass ?? c.marks[0]?.licenceClass ?? null,
        trainable,
        text_matches: marked ? true : null,
        score: Math.round(c.score * 1000) / 1000,
        restricted: !trainable,
      }),
    );
  }

  const merged = [...mergeMarkSpans(spans), ...publicSpans(shingles)];
  const genuine = marks.filter((m) => m.payload.genuine).length;
  return {
    spans: [...merged, ...untraced(shingles.words, merged)].sort((a, b) => a.start - b.start || a.end - b.end),
    marks: { genuine, forged: marks.length - genuine },
    ...(wantTouched ? { touched: touchedRestricted(index, shingles, resolve) } : {}),
  };
}

/** Overlapping mark-only spans of one decision with one outcome are one span. */
function mergeMarkSpans(spans: Span[]): Span[] {
  const out: Span[] = [];
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    const prev = out.findLast((o) => o.origin === 'watermark' && s.origin === 'watermark' && o.decision_id === s.decision_id && o.status === s.status);
    if (prev && s.start <= prev.end) {
      prev.end = Math.max(prev.end, s.end);
      prev.score = Math.max(prev.score, s.score);
    } else {
      out.push({ ...s });
    }
  }
  return out;
}
