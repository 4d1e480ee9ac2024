// Totals over a batch of detection results, shared by the CLI and the admin route.
import type { DetectionResult } from './detection.js';

export interface ScanSummary {
  records: number;
  /** Records with at least one span traced to a served output. */
  traced: number;
  /** Records whose leading span carries a mark (alone or with its fingerprint), or only a fingerprint. */
  via_watermark: number;
  via_fingerprint: number;
  /** Records traced only by meaning (semantic/). */
  via_semantic: number;
  forged: number;
  /** Records carrying a genuine mark in text that is not its output's. */
  transplanted: number;
  restricted: number;
}

export function emptySummary(): ScanSummary {
  return { records: 0, traced: 0, via_watermark: 0, via_fingerprint: 0, via_semantic: 0, forged: 0, transplanted: 0, restricted: 0 };
}

/** Counts one more result into `s` (a scan of a large dataset keeps totals, not results). */
export function tally(s: ScanSummary, r: DetectionResult): void {
  s.records++;
  if (r.spans.some((sp) => sp.status === 'genuine' && sp.origin !== 'public')) s.traced++;
  if (r.origin === 'watermark' || r.origin === 'both') s.via_watermark++;
  if (r.origin === 'fingerprint') s.via_fingerprint++;
  if (r.origin === 'semantic') s.via_semantic++;
  if (r.marks.forged > 0) s.forged++;
  if (r.spans.some((sp) => sp.status === 'transplanted')) s.transplanted++;
  if (r.restricted) s.restricted++;
}

export function summarise(results: DetectionResult[]): ScanSummary {
  const s = emptySummary();
  for (const r of results) tally(s, r);
  return s;
}
