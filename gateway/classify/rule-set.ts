// The maintained rule sets, run over the same secret forms the detector table reads, their findings merged
// with the table's: gitleaks' default rules (gitleaks-rules.ts, about two hundred credential types) and the
// types of secretlint's recommended preset that those rules and the table lack (preset-rules.ts: its own
// patterns, kept as data). The preset itself is not run on requests: its rules re-read the whole text one
// by one and report through its framework, which cost more than every other detector together.
import type { FoldedText } from '../text/normalise.js';
import type { BodyFinding } from './scan.js';
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
  passes.forEach((p, i) => {
    for (let h = 0; h < p.ruleHits.length; h += 2) hits.push(p.ruleHits[h], p.ruleHits[h + 1] + starts[i]);
  });
  const out: BodyFinding[] = [];
  const place = (start: number, end: number) => {
    const piece = lastAtOrBefore(starts, start);
    const f = folded[piece];
    const from = start - starts[piece];
    const to = Math.min(end - starts[piece], f.text.length);
    return f.origin ? { piece, start: f.origin[from], end: f.origin[to] } : { piece, start: from, end: to };
  };
  // In document order, as the preset reported its findings (paths are listed in the order first found).
  const matches = secretRuleMatches(content, undefined, hits).sort((a, b) => a.start - b.start || a.end - b.end);
  for (const m of matches) out.push({ dataClass: m.dataClass, kind: m.kind, spans: [place(m.start, m.end)] });
  return out;
}
