// Provenance check: paste text or upload JSON Lines; each traced span says which decision it came
// from, under which licence, whether it may train our models, and why.
import { can, call } from './api.js';
import { clear, field, h, table } from './dom.js';
import { announce } from './status.js';
import { batches } from './detect-batches.js';
import type { Span } from '../../provenance/spans.js';

interface Detection {
  restricted: boolean;
  spans: Span[];
}

/** The text of one JSON Lines row: a string, or the usual text fields of an object. */
export function rowText(line: string): string {
  const v = JSON.parse(line) as unknown;
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of ['text', 'completion', 'output', 'content', 'response']) if (typeof o[k] === 'string') return o[k] as string;
  }
  return JSON.stringify(v);
}

function why(s: Span): string {
  const licence = `${s.licence ?? 'an unknown licence'}${s.licence_class ? ` (${s.licence_class})` : ''}`;
  switch (s.status) {
    case 'forged':
      return 'It carries a watermark that was not made by this gateway (forged): treated as restricted.';
    case 'transplanted':
      return `It carries the watermark of decision ${s.decision_id}, but the text around it is not that output: the mark was moved, so it is treated as restricted.`;
    case 'unverified':
      return `It carries the watermark of decision ${s.decision_id}, which cannot be checked against its output: treated as restricted.`;
    case 'genuine': {
      if (s.origin === 'public') return `It quotes public text, ${s.licence}: attributed to that source, not to any call.`;
      const how = s.origin === 'fingerprint' ? `matches ${Math.round(s.score * 100)}% of the fingerprint of` : 'carries the watermark of';
      return `It ${how} an output served under ${licence}, ${s.trainable ? 'whose terms let it train our models' : 'whose terms do not let it train our models'}.`;
    }
    default:
      return 'Nothing traced.';
  }
}

function excerpt(text: string, s: Span): string {
  // Watermarks are invisible characters; the excerpt shows the words.
  const words = text.slice(s.start, s.end).replace(/[\u{FE00}-\u{FE0F}\u{E0100}-\u{E01EF}\u200B-\u200D\u2060\uFEFF]/gu, '');
  return words.length > 140 ? `${words.slice(0, 70)} … ${words.slice(-60)}` : words;
}

function report(texts: string[], results: Detection[]): HTMLElement {
  const spans = results.reduce((n, r) => n + r.spans.filter((s) => s.status !== 'none').length, 0);
  const traced = results.filter((r) => r.spans.some((s) => s.status !== 'none')).length;
  const restricted = results.filter((r) => r.restricted).length;
  const rows = results.flatMap((r, i) =>
    r.spans
      .filter((s) => s.status !== 'none')
      .map((s) => [
        texts.length > 1 ? `${i + 1}` : '',
        h('q', {}, excerpt(texts[i], s)),
        s.decision_id ? (can.audit() ? h('a', { href: `#/audit/record/${encodeURIComponent(s.decision_id)}`, class: 'mono' }, s.decision_id) : h('code', {}, s.decision_id)) : '–',
        s.licence ?? '–',
        h('span', { class: `badge ${s.trainable && !s.restricted ? 'yes' : 'no'}` }, s.trainable && !s.restricted ? 'may train' : 'may not train'),
        why(s),
      ]),
  );
  return h(
    'div',
    { id: 'provenance-result' },
    h('p', {}, `${texts.length} ${texts.length === 1 ? 'text' : 'texts'} checked: ${traced} traced to the gateway (${spans} ${spans === 1 ? 'span' : 'spans'}); ${restricted} may not be used to train our models.`),
    rows.length ? table('Where each traced span came from', ['Text', 'Span', 'Origin decision', 'Licence', 'Training', 'Why'], rows, 'spans') : h('p', {}, 'No part of this text was served through the gateway, as far as its watermarks and fingerprints tell.'),
  );
}

async function detect(texts: string[], out: HTMLElement): Promise<void> {
  const results: Detection[] = [];
  for (const batch of batches(texts)) {
    announce(`Checking texts ${results.length + 1}–${results.length + batch.length} of ${texts.length}…`);
    const r = await call<{ results: Detection[] }>('POST', '/admin/v1/provenance/detect', { texts: batch });
    results.push(...r.results);
  }
  clear(out, report(texts, results));
  announce('Provenance check done.', 'ok');
}

export async function renderProvenance(main: HTMLElement): Promise<void> {
  const text = h('textarea', { rows: 8, spellcheck: false });
  const file = h('input', { type: 'file', accept: '.jsonl,.ndjson,.json,application/x-ndjson' });
  const out = h('div', { 'aria-live': 'polite' });
  const check = h('button', {
    type: 'button',
    onclick: async () => {
      try {
        if (file.files?.length) {
          const lines = (await file.files[0].text()).split('\n').filter((l) => l.trim());
          await detect(lines.map(rowText), out);
        } else if (text.value.trim()) await detect([text.value], out);
        else announce('Paste a text or choose a JSON Lines file first.', 'error');
      } catch (err) {
        announce(`Could not check: ${(err as Error).message}`, 'error');
      }
    },
  }, 'Check provenance');
  clear(
    main,
    h('h1', {}, 'Provenance check'),
    h('p', {}, 'Find out whether a text, or each row of a dataset, came out of the gateway: from which call, under which licence, and whether it may train our models.'),
    field('Text to check', text),
    field('Or a JSON Lines file (one text, or an object with a text, completion, output or content field, per line)', file),
    h('p', {}, check),
    out,
  );
}
