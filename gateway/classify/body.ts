// Classification of the exact body that would be forwarded: every string in it, keys included, with
// the path of each finding. Pure and synchronous.
import type { BodyClassification } from '../core/contracts.js';
import { keywordPass } from './keyword-pass.js';
import { ruleSetFindings } from './rule-set.js';
import { foldPieces, scanPieces, type BodyFinding, type ScanLimits } from './scan.js';
import { bodyPieces, type Piece } from './walk.js';

export interface BodyScan {
  pieces: Piece[];
  findings: BodyFinding[];
  /** Where the body sends token ids instead of text: nothing there can be read for secrets. */
  tokenIdPaths: string[];
}

/** The data class of token ids, which the policy refuses to external providers (they could spell anything). */
export const TOKEN_IDS_CLASS = 'opaque.token_ids';

// The OpenAI completions `prompt` and embeddings `input` accept token ids (an array of integers, or an
// array of such arrays) in place of text.
const TOKEN_ID_FIELDS = ['prompt', 'input'];

function tokenIdPaths(body: unknown): string[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return [];
  const paths: string[] = [];
  for (const field of TOKEN_ID_FIELDS) {
    const value = (body as Record<string, unknown>)[field];
    if (!Array.isArray(value)) continue;
    if (value.some((v) => typeof v === 'number')) paths.push(field);
    value.forEach((v, i) => {
      if (Array.isArray(v) && v.some((x) => typeof x === 'number')) paths.push(`${field}[${i}]`);
    });
  }
  return paths;
}

/** The detector table's findings, then the rule set's (all secrets) where the table found no secret at that place. */
export function scanBody(body: unknown, limits: ScanLimits): BodyScan {
  const pieces = bodyPieces(body);
  const folded = foldPieces(pieces);
  const passes = folded.map((f) => keywordPass(f.text));
  // One keyword pass a string, for the detector table and the rule sets.
  const findings = scanPieces(pieces, folded, passes, limits);
  const spans = findings.filter((f) => f.dataClass.startsWith('secret.')).flatMap((f) => f.spans);
  for (const f of ruleSetFindings(folded, passes)) {
    const s = f.spans[0];
    if (!spans.some((w) => w.piece === s.piece && w.start < s.end && s.start < w.end)) findings.push(f);
  }
  return { pieces, findings, tokenIdPaths: tokenIdPaths(body) };
}

/**
 * The forwarded headers and the body as one view, in the order the provider reads them (headers first),
 * so a value split between a header and the body is joined like one split between two messages. Paths
 * are the body's own, and `header <name>` for a header.
 */
export function scanView(headers: Record<string, string>, body: Record<string, unknown>, limits: ScanLimits): BodyScan {
  const scan = scanBody([headers, body], limits);
  const pieces = scan.pieces.map((p) => ({ ...p, path: viewPath(p.path) }));
  return { pieces, findings: scan.findings, tokenIdPaths: tokenIdPaths(body) };
}

/** `[0].user-agent` → `header user-agent`; `[1].messages[0].content` → `messages[0].content`. */
function viewPath(path: string): string {
  const rest = path.slice(3).replace(/^\./, '');
  return path.startsWith('[0]') ? `header ${rest}` : rest;
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
  if (scan.tokenIdPaths.length > 0) {
    counts[TOKEN_IDS_CLASS] = scan.tokenIdPaths.length;
    paths[TOKEN_IDS_CLASS] = [...scan.tokenIdPaths];
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

