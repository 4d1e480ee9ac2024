// The audit browser: filter recorded calls, page through them, open one, export the filter (JSONL,
// CSV, Parquet) with progress while the file streams in.
import { call, raw } from './api.js';
import { clear, field, h, table } from './dom.js';
import { vocabulary } from './sources.js';
import { announce } from './status.js';

export interface StoredRecord {
  seq: number;
  record: {
    decision_id: string;
    phase: string;
    time: string;
    principal: { key_id: string; team: string; project: string };
    endpoint: string;
    provider: string | null;
    model: string | null;
    purpose: string;
    decision: 'allow' | 'deny';
    reasons: Array<{ rule: string; message: string; clause?: { licence: string; section: string; text: string; url: string } }>;
    obligations: { watermark: boolean; content_logging: string; redactions: string[] } | null;
    policy_revision: string | null;
    data_classes: string[];
    request_digest: string | null;
    response_digest: string | null;
    status: number;
    latency_ms: number | null;
    error: string | null;
    watermark_id: string | null;
    training_permit_id: string | null;
    licence: string | null;
    trainable: boolean;
  };
}

/** The filter the user set, kept while they open records and come back. */
const filter: Record<string, string> = {};
const OUTCOMES = 'completed,incomplete,denied,failed';

const FIELDS: Array<[key: string, label: string]> = [
  ['team', 'Team'],
  ['key', 'Key id'],
  ['model', 'Model'],
  ['purpose', 'Purpose'],
  ['rule', 'Rule'],
  ['data_class', 'Data class'],
];

function query(extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ phase: OUTCOMES });
  for (const [k, v] of Object.entries({ ...filter, ...extra })) if (v) q.set(k, k === 'from' || k === 'to' ? new Date(v).toISOString() : v);
  return q.toString();
}

export function decisionBadge(decision: 'allow' | 'deny'): HTMLElement {
  return h('span', { class: `badge ${decision}` }, decision === 'allow' ? 'allowed' : 'denied');
}

export async function renderAudit(main: HTMLElement): Promise<void> {
  const vocab = await vocabulary();
  const inputs: Record<string, HTMLInputElement | HTMLSelectElement> = {};
  const lists = h('div', { hidden: true },
    h('datalist', { id: 'dl-model' }, vocab.models.map((m) => h('option', { value: m.name }))),
    h('datalist', { id: 'dl-data_class' }, vocab.data_classes.map((c) => h('option', { value: c }))),
  );
  const form = h('form', { class: 'filters', 'aria-label': 'Filter recorded calls' });
  const fromInput = h('input', { type: 'datetime-local', value: filter.from ?? '' });
  const toInput = h('input', { type: 'datetime-local', value: filter.to ?? '' });
  const decision = h('select', {}, h('option', { value: '' }, 'Any'), h('option', { value: 'allow' }, 'Allowed'), h('option', { value: 'deny' }, 'Denied'));
  decision.value = filter.decision ?? '';
  inputs.from = fromInput;
  inputs.to = toInput;
  inputs.decision = decision;
  const row = h('div', { class: 'row' }, field('From', fromInput), field('Until', toInput), field('Decision', decision));
  for (const [key, label] of FIELDS) {
    const input = h('input', { type: 'text', value: filter[key] ?? '', list: key === 'model' || key === 'data_class' ? `dl-${key}` : null, autocomplete: 'off' });
    inputs[key] = input;
    row.append(field(label, input));
  }
  const results = h('div', { id: 'results', 'aria-live': 'polite' });
  form.append(row, h('p', {}, h('button', { type: 'submit' }, 'Show calls'), ' ', h('button', { type: 'reset', class: 'secondary' }, 'Clear filter')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    for (const [k, input] of Object.entries(inputs)) filter[k] = input.value.trim();
    void load(results, 0);
  });
  form.addEventListener('reset', () => {
    for (const k of Object.keys(filter)) delete filter[k];
    setTimeout(() => void load(results, 0));
  });
  clear(main, h('h1', {}, 'Audit log'), h('p', {}, 'Every call the gateway decided, one line per call. Open a call to see its reasons, what was logged and its proof.'), lists, form, exportPanel(), results);
  await load(results, 0);
}

async function load(results: HTMLElement, fromSeq: number): Promise<void> {
  const page = await call<{ records: StoredRecord[]; next_from_seq: number | null }>('GET', `/admin/v1/audit/records?${query({ limit: '50', from_seq: String(fromSeq) })}`);
  const rows = page.records.map(({ record: r }) => [
    new Date(r.time).toLocaleString(),
    decisionBadge(r.decision),
    r.principal.team,
    h('span', { class: 'mono' }, r.principal.key_id),
    r.model ?? '–',
    r.purpose,
    r.reasons.map((x) => x.rule).join(', ') || '–',
    r.data_classes.join(', ') || '–',
    h('a', { href: `#/audit/record/${encodeURIComponent(r.decision_id)}`, 'aria-label': `Open call ${r.decision_id}` }, 'Open'),
  ]);
  clear(
    results,
    page.records.length === 0
      ? h('p', {}, 'No recorded call matches this filter.')
      : table(`Recorded calls ${fromSeq > 0 ? '(continued)' : ''}`, ['When', 'Decision', 'Team', 'Key', 'Model', 'Purpose', 'Rules', 'Data classes', ''], rows, 'records'),
    page.next_from_seq !== null ? h('button', { type: 'button', class: 'secondary', onclick: () => void load(results, page.next_from_seq!) }, 'Next page') : null,
  );
  announce(`${page.records.length} calls shown${page.next_from_seq !== null ? '; more on the next page' : ''}.`);
}

function exportPanel(): HTMLElement {
  const format = h('select', {}, h('option', { value: 'csv' }, 'CSV'), h('option', { value: 'jsonl' }, 'JSON Lines'), h('option', { value: 'parquet' }, 'Parquet'));
  const progress = h('progress', { hidden: true, 'aria-label': 'Export progress' });
  const said = h('span', { id: 'export-progress' });
  const check = h('p', { class: 'hint' }, 'The file carries a proof for every record and a signed manifest; anyone can check it offline with termsgate audit verify.');
  const button = h('button', { type: 'button', class: 'secondary', id: 'export' }, 'Export these calls');
  button.addEventListener('click', async () => {
    button.disabled = true;
    progress.hidden = false;
    progress.removeAttribute('value');
    try {
      const res = await raw('GET', `/admin/v1/audit/export?${query({ format: format.value })}`);
      if (!res.ok || !res.body) throw new Error(((await res.json().catch(() => ({}))) as { error?: { message?: string } }).error?.message ?? res.statusText);
      const total = Number(res.headers.get('content-length')) || 0;
      if (total) progress.max = total;
      const reader = res.body.getReader();
      const chunks: Uint8Array[] = [];
      let bytes = 0;
      let lines = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        bytes += value.length;
        if (format.value !== 'parquet') for (const b of value) if (b === 10) lines++;
        if (total) progress.value = bytes;
        said.textContent = `${format.value === 'parquet' ? '' : `about ${Math.max(0, lines - 2).toLocaleString('en-US')} records, `}${(bytes / 1e6).toFixed(1)} MB received`;
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `audit.${format.value}`;
      const url = URL.createObjectURL(new Blob(chunks as BlobPart[]));
      const a = h('a', { href: url, download: name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      const { verifier_key: key } = await call<{ verifier_key: string }>('GET', '/admin/v1/audit/checkpoint');
      clear(check, 'Check it offline, pinning the log’s key: ', h('code', {}, `termsgate audit verify --key ${key} ${name}`));
      announce(`Exported ${name}.`, 'ok');
    } catch (err) {
      announce(`Export failed: ${(err as Error).message}`, 'error');
    } finally {
      button.disabled = false;
      progress.hidden = true;
    }
  });
  return h('section', { 'aria-labelledby': 'export-title' }, h('h2', { id: 'export-title' }, 'Export'), h('div', { class: 'row' }, field('Format', format), button, progress, said), check);
}
