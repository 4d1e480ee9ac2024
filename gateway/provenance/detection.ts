// Combines the two kinds of evidence for one text: a watermark (exact, signed) and a fingerprint
// match (survives stripping and edits). Pure: takes the key and the index as arguments.
import { shingleHashes } from './fingerprint.js';
import type { FingerprintIndex, RecordInfo } from './fingerprint-index.js';
import { recordRef, type DecodedPayload, type MacKey } from './payload.js';
import { readWatermarks } from './watermark-reader.js';

export interface DetectionResult {
  origin: 'watermark' | 'fingerprint' | null;
  status: 'genuine' | 'forged' | 'none';
  decision_id: string | null;
  licence: string | null;
  licence_class: string | null;
  trainable: boolean | null;
  /** 1 for a verified watermark; the fingerprint overlap (0.4–1) otherwise; 0 when nothing was found. */
  score: number;
  /** Came through the gateway and may not be trained on, or carries a forged mark. */
  restricted: boolean;
  marks: { genuine: number; forged: number };
}

/** Resolves "ref:<hex>" (the hash of a non-UUID decision id) back to the id, when known. */
export type RefResolver = (decisionRef: string) => string;

// Among several genuine marks (a text joining outputs), the restricted one first: a gate must see it.
const restrictiveFirst = (a: { trainable: boolean }, b: { trainable: boolean }) => Number(a.trainable) - Number(b.trainable);

export function detect(text: string, key: MacKey, index: FingerprintIndex, resolve: RefResolver): DetectionResult {
  const marks = readWatermarks(text, key);
  const counts = { genuine: marks.genuine.length, forged: marks.forged.length };
  const forged = counts.forged > 0;
  if (marks.genuine.length > 0) {
    const p: DecodedPayload = [...marks.genuine].sort(restrictiveFirst)[0];
    const decisionId = resolve(p.decisionRef);
    const doc = index.findRef(p.hashedRef ? Buffer.from(p.decisionRef.slice(4), 'hex') : recordRef(p.decisionRef).bytes);
    const known: RecordInfo | null = doc >= 0 ? index.record(doc) : null;
    return {
      origin: 'watermark',
      status: 'genuine',
      decision_id: decisionId,
      licence: known?.licence ?? null,
      licence_class: p.licenceClass ?? known?.licenceClass ?? null,
      trainable: p.trainable,
      score: 1,
      restricted: forged || !p.trainable,
      marks: counts,
    };
  }
  const matches = index.match(shingleHashes(text)).map((m) => ({ ...m, ...index.record(m.doc) }));
  if (matches.length > 0) {
    const best = matches[0];
    // A text joining several outputs is restricted when any of them is, whichever matched best.
    const anyRestricted = matches.some((m) => !m.trainable);
    return {
      origin: 'fingerprint',
      status: 'genuine',
      decision_id: resolve(best.decisionRef),
      licence: best.licence,
      licence_class: best.licenceClass,
      trainable: best.trainable,
      score: Math.round(best.score * 1000) / 1000,
      restricted: forged || anyRestricted,
      marks: counts,
    };
  }
  if (forged) {
    return { origin: 'watermark', status: 'forged', decision_id: null, licence: null, licence_class: null, trainable: null, score: 0, restricted: true, marks: counts };
  }
  return { origin: null, status: 'none', decision_id: null, licence: null, licence_class: null, trainable: null, score: 0, restricted: false, marks: counts };
}
