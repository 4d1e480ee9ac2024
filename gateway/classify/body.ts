// Classification of the exact body that would be forwarded: every string in it, keys included, with
// the path of each finding. Pure.
import type { BodyClassification } from '../pipeline/contracts.js';
import { scanPieces, type BodyFinding, type ScanLimits } from './scan.js';
import { bodyPieces, type Piece } from './walk.js';

export interface BodyScan {
  pieces: Piece[];
  findings: BodyFinding[];
}

export function scanBody(body: unknown, limits: ScanLimits): BodyScan {
  const pieces = bodyPieces(body);
  return { pieces, findings: scanPieces(pieces, limits) };
}

/** Classes, counts and where each class was found (paths, never the matched text). */
export function summarise(scan: BodyScan): BodyClassification {
  const counts: Record<string, number> = {};
  const paths: Record<string, string[]> = {};
  for (const f of scan.findings) {
    counts[f.dataClass] = (counts[f.dataClass] ?? 0) + 1;
    const at = (paths[f.dataClass] ??= []);
    for (const s of f.spans) {
      const path = scan.pieces[s.piece].path;
      if (!at.includes(path)) at.push(path);
    }
  }
  return { classes: Object.keys(counts).sort(), counts, paths };
}
