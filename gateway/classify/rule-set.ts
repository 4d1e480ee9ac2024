// The maintained rule sets: secretlint's recommended preset (AWS, GCP, GitHub, GitLab, Slack, Stripe,
// npm, Hugging Face, Anthropic, OpenAI, private keys, basic-auth URLs, database connection strings, …)
// and gitleaks' default rules (gitleaks-rules.ts, about two hundred credential types), run over the same
// secret forms the detector table reads, their findings merged with the table's.
//
// The preset's rules are the source of the patterns; @secretlint/core's lintSource is not used. It
// re-creates every rule, marks `performance` twice per rule per call for its profiler (and parses the
// marks with a regular expression), and compares every message with every other (quadratic in the
// number of findings). Here each rule is created once, at load, with a context of our own, and a call
// runs each rule's own `file` handler directly over the joined text, synchronously.
//
// Left out on purpose: the preset's filter-comments rule, which lets `secretlint-disable` comments in
// the scanned text hide findings; a sender must not be able to switch detection off.
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import type { FoldedText } from '../text/normalise.js';
import type { BodyFinding } from './scan.js';
import { lastAtOrBefore } from './offsets.js';
import { gitleaksMatches } from './gitleaks-rules.js';

// The slice of secretlint's rule interface used here (@secretlint/types), kept local.
interface Report {
  message: { messageId: string };
  range: readonly [number, number];
}
interface Rule {
  meta: { id: string; type?: string; supportedContentTypes: string[] };
  create(context: unknown, options: unknown): { file?(source: unknown): void | Promise<void> };
}
interface Source {
  content: string;
  filePath: string;
  ext: string;
  contentType: 'text';
}

interface RuleMessage {
  ruleId: string;
  messageId: string;
  start: number;
  end: number;
}

/** Where the rule being run reports; set only for the duration of one synchronous run. */
let sink: RuleMessage[] | null = null;

const handlers: Array<{ id: string; file: (source: Source) => void | Promise<void> }> = [];

(recommended as unknown as Rule).create(
  {
    sharedOptions: {},
    registerRule(rule: Rule) {
      if (rule.meta.type === 'filter' || rule.meta.id.endsWith('filter-comments')) return;
      const types = rule.meta.supportedContentTypes;
      if (!types.includes('all') && !types.includes('text')) return;
      const id = rule.meta.id;
      const context = {
        sharedOptions: {},
        // The message text is not used: a finding is named by its messageId.
        createTranslator: () => (messageId: string, data: unknown) => ({ message: messageId, messageId, data }),
        report(d: Report) {
          sink?.push({ ruleId: id, messageId: d.message.messageId, start: d.range[0], end: d.range[1] });
        },
        ignore() {},
      };
      const handler = rule.create(context, {});
      if (handler.file) handlers.push({ id, file: handler.file.bind(handler) });
    },
  },
  [],
);
if (handlers.length < 20) throw new Error(`secretlint's recommended preset registered only ${handlers.length} rules`);

/** The preset's rules, by id (for tests and the cost bench). */
export const ruleIds: readonly string[] = handlers.map((h) => h.id);

/** Every rule's findings in one text, deduplicated; runs synchronously. */
export function ruleMessages(content: string, only?: string): RuleMessage[] {
  const source: Source = { content, filePath: 'request.txt', ext: '.txt', contentType: 'text' };
  const out: RuleMessage[] = [];
  sink = out;
  try {
    for (const h of handlers) {
      if (only !== undefined && h.id !== only) continue;
      // A handler that returns a promise would report after `sink` is gone: refuse it (fail closed).
      if (h.file(source) instanceof Promise) throw new Error(`secretlint rule ${h.id} ran asynchronously`);
    }
  } finally {
    sink = null;
  }
  const seen = new Set<string>();
  // In document order, as secretlint reports them.
  out.sort((a, b) => a.start - b.start || a.end - b.end);
  return out.filter((m) => {
    const key = `${m.ruleId}\0${m.messageId}\0${m.start}\0${m.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function dataClassOf(ruleId: string): string {
  if (ruleId.endsWith('privatekey')) return 'secret.private_key';
  if (ruleId.endsWith('basicauth') || ruleId.endsWith('database-connection-string')) return 'secret.token';
  return 'secret.api_key';
}

/** Findings of the preset in the strings of a body, each read in its secret form; spans in original offsets. */
export function ruleSetFindings(folded: readonly FoldedText[]): BodyFinding[] {
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
  const out: BodyFinding[] = [];
  const place = (start: number, end: number) => {
    const piece = lastAtOrBefore(starts, start);
    const f = folded[piece];
    const from = start - starts[piece];
    const to = Math.min(end - starts[piece], f.text.length);
    return f.origin ? { piece, start: f.origin[from], end: f.origin[to] } : { piece, start: from, end: to };
  };
  for (const m of ruleMessages(content)) out.push({ dataClass: dataClassOf(m.ruleId), kind: m.messageId, spans: [place(m.start, m.end)] });
  for (const m of gitleaksMatches(content)) out.push({ dataClass: m.dataClass, kind: m.kind, spans: [place(m.start, m.end)] });
  return out;
}
