// Classification of the exact body that would be forwarded: every string in it, keys included, with
// the path of each finding. Pure (the rule set runs asynchronously, without I/O).
import type { BodyClassification } from '../pipeline/contracts.js';
import { ruleSetFindings } from './rule-set.js';
import { foldPieces, scanPieces, type BodyFinding, type ScanLimits } from './scan.js';
import { bodyPieces, type Piece } from './walk.js';

export interface BodyScan {
  pieces: Piece[];
  findings: BodyFinding[];
}

/** The detector table's findings, then the rule set's (all secrets) where the table found no secret at that place. */
export async function scanBody(body: unknown, limits: ScanLimits): Promise<BodyScan> {
  const pieces = bodyPieces(body);
  const folded = foldPieces(pieces);
  const findings = scanPieces(pieces, folded, limits);
  const spans = findings.filter((f) => f.dataClass.startsWith('secret.')).flatMap((f) => f.spans);
  for (const f of await ruleSetFindings(folded)) {
    const s = f.spans[0];
    if (!spans.some((w) => w.piece === s.piece && w.start < s.end && s.start < w.end)) findings.push(f);
  }
  return { pieces, findings };
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

/** Two classifications as one: counts added, paths joined. */
export function mergeClassifications(a: BodyClassification, b: BodyClassification): BodyClassification {
  const counts = { ...a.counts };
  const paths: Record<string, string[]> = Object.fromEntries(Object.entries(a.paths).map(([k, v]) => [k, [...v]]));
  for (const [c, n] of Object.entries(b.counts)) counts[c] = (counts[c] ?? 0) + n;
  for (const [c, ps] of Object.entries(b.paths)) for (const p of ps) if (!(paths[c] ??= []).includes(p)) paths[c].push(p);
  return { classes: Object.keys(counts).sort(), counts, paths };
}

