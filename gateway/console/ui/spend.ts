// Spend: calls, tokens and recorded cost by team, key, model or provider over a time range, from the
// audit log (GET /admin/v1/usage), as a table.
import { call } from './api.js';
import { clear, field, h, table } from './dom.js';

interface UsageRow {
  group: string;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

const GROUPS = { team: 'Team', key: 'Key', model: 'Model', provider: 'Provider' } as const;

export async function renderSpend(main: HTMLElement): Promise<void> {
  const by = h('select', {}, Object.entries(GROUPS).map(([v, label]) => h('option', { value: v }, label)));
  const monthStart = new Date().toISOString().slice(0, 8) + '01';
  const from = h('input', { type: 'date', value: monthStart });
  const to = h('input', { type: 'date' });
  const out = h('div', {});
  async function show(): Promise<void> {
    const q = new URLSearchParams({ by: by.value, ...(from.value ? { from: from.value } : {}), ...(to.value ? { to: to.value } : {}) });
    const { rows } = await call<{ rows: UsageRow[] }>('GET', `/admin/v1/usage?${q}`);
    const total = rows.reduce((s, r) => s + r.cost_usd, 0);
    clear(
      out,
      table(
        `Spend by ${GROUPS[by.value as keyof typeof GROUPS].toLowerCase()}`,
        [GROUPS[by.value as keyof typeof GROUPS], 'Calls', 'Input tokens', 'Output tokens', 'Cost (USD)'],
        [...rows.map((r) => [r.group, r.calls, r.input_tokens, r.output_tokens, r.cost_usd.toFixed(6)]), ['Total', rows.reduce((s, r) => s + r.calls, 0), '', '', total.toFixed(6)]],
      ),
    );
  }
  const form = h(
    'form',
    { class: 'row', onsubmit: (e: Event) => { e.preventDefault(); void show(); } },
    field('Group by', by),
    field('From', from),
    field('To (exclusive)', to),
    h('button', { type: 'submit' }, 'Show'),
  );
  await show();
  clear(main, h('h1', {}, 'Spend'), form, out);
}
