// The maintained rule set: secretlint's recommended preset (AWS, GCP, GitHub, GitLab, Slack, Stripe,
// npm, Hugging Face, Anthropic, OpenAI, private keys, basic-auth URLs, database connection strings, …),
// run over the same secret forms the detector table reads, its findings merged with the table's.
import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import type { FoldedText } from '../text/normalise.js';
import type { BodyFinding } from './scan.js';
import { lastAtOrBefore } from './offsets.js';

const config = { rules: [{ id: recommended.meta.id, rule: recommended }] };

function dataClassOf(ruleId: string): string {
  if (ruleId.endsWith('privatekey')) return 'secret.private_key';
  if (ruleId.endsWith('basicauth') || ruleId.endsWith('database-connection-string')) return 'secret.token';
  return 'secret.api_key';
}

/** Findings of the preset in the strings of a body, each read in its secret form; spans in original offsets. */
export async function ruleSetFindings(folded: readonly FoldedText[]): Promise<BodyFinding[]> {
  // One lint over all strings joined by newlines; offsets map back to the string they fall in.
  const starts: number[] = [];
  let content = '';
  for (const f of folded) {
    starts.push(content.length);
    content += f.text + '\n';
  }
  if (content.trim() === '') return [];
  const result = await lintSource({ source: { content, filePath: 'request.txt', ext: '.txt', contentType: 'text' }, options: { config, maskSecrets: false } });
  const out: BodyFinding[] = [];
  for (const m of result.messages) {
    const [start, end] = m.range;
    const piece = lastAtOrBefore(starts, start);
    const f = folded[piece];
    const from = start - starts[piece];
    const to = Math.min(end - starts[piece], f.text.length);
    const span = f.origin ? { piece, start: f.origin[from], end: f.origin[to] } : { piece, start: from, end: to };
    out.push({ dataClass: dataClassOf(m.ruleId), kind: m.messageId, spans: [span] });
  }
  return out;
}
