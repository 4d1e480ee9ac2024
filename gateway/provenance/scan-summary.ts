// Totals over a batch of detection results, shared by the CLI and the admin route.
import type { DetectionResult } from './detection.js';

export interface ScanSummary {
  records: number;
  traced: number;
  via_watermark: number;
  via_fingerprint: number;
  forged: number;
  restricted: number;
}

export function summarise(results: DetectionResult[]): ScanSummary {
  const s: ScanSummary = { records: results.length, traced: 0, via_watermark: 0, via_fingerprint: 0, forged: 0, restricted: 0 };
  for (const r of results) {
    if (r.status === 'genuine') s.traced++;
    if (r.status === 'genuine' && r.origin === 'watermark') s.via_watermark++;
    if (r.status === 'genuine' && r.origin === 'fingerprint') s.via_fingerprint++;
    if (r.marks.forged > 0) s.forged++;
    if (r.restricted) s.restricted++;
  }
  return s;
}
