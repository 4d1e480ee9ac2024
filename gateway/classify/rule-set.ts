// The maintained rule sets, run over the same secret forms the detector table reads, their findings merged
// with the table's: gitleaks' default rules (gitleaks-rules.ts, about two hundred credential types) and the
// types of secretlint's recommended preset that those rules and the table lack (preset-rules.ts: its own
// patterns, kept as data). The preset itself is not run on requests: its rules re-read the whole text one
// by one and report through its framework, which cost more than every other detector together.
import type { FoldedText } from '../text/normalise.js';
import type { BodyFinding, Span } from './scan.js';
import { lastAtOrBefore } from './offsets.js';
import { secretRuleMatches } from './gitleaks-rules.js';
import type { KeywordPass } from './keyword-pass.js';

/**
 * Findings of the rule sets in the strings of a body, each read in its secret form; spans in original offsets.
 * `passes`: each string's keyword pass (keyword-pass.ts), made once for this reader and the detector table.
 */
export function ruleSetFindings(folded: readonly FoldedText[], passes: readonly KeywordPass[]): BodyFinding[] {
  // One run over all strings joined by newlines; offsets map back to the string they fall in.
  const starts: number[] = [];
  const parts: string[] = [];
  let length = 0;
  let blank = true;
  for (const f of folded) {
    starts.push(length);
    parts.push(f.text);
    length += f.text.length + 1;
    if (blank && f.text.trim() !== '') blank = false;
  }
  if (blank) return [];
  const content = parts.join('\n') + '\n';
  // No keyword holds a line break, so the joined text's keywords are each string's, moved by its offset.
  const hits: number[] = [];
  for (let i = 0; i < passes.length; i++) {
    const ruleHits = passes[i].ruleHits;
    for (let h = 0; h < ruleHits.length; h += 2) hits.push(ruleHits[h], ruleHits[h + 1] + starts[i]);
  }
  const out: BodyFinding[] = [];
  // In document order, as the preset reported its findings (paths are listed in the order first found).
  const matches = secretRuleMatches(content, undefined, hits).sort(inDocumentOrder);
  for (const m of matches) out.push({ dataClass: m.dataClass, kind: m.kind, spans: [placed(folded, starts, m.start, m.end)] });
  return out;
}

const inDocumentOrder = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start - b.start || a.end - b.end;

/** A span of the joined text as a span of the string it falls in, in that string's original offsets. */
function placed(folded: readonly FoldedText[], starts: readonly number[], start: number, end: number): Span {
  const piece = lastAtOrBefore(starts, start);
  const f = folded[piece];
  const from = start - starts[piece];
  const to = Math.min(end - starts[piece], f.text.length);
  return f.origin ? { piece, start: f.origin[from], end: f.origin[to] } : { piece, start: from, end: to };
}
