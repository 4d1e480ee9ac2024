// Virtual keys (admin): create one (its key is shown once, here, and never again), see every key with
// its scope, status and spend, rotate (a new key, shown once; the old one stops) or revoke.
import type { KeyView } from '../../core/contracts.js';
import { call } from './api.js';
import { clear, field, h, table } from './dom.js';
import { announce } from './status.js';


const list = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);
const usd = (n: number) => `$${n.toFixed(4)}`;

/** The key as issued: shown once, with a warning that it will not be shown again. */
function shownOnce(id: string, secret: string): HTMLElement {
  return h(
    'div',
    { class: 'secret', role: 'status' },
    h('p', {}, `The key for ${id}. Copy it now and give it to the developer: it is shown this once and cannot be shown again.`),
    h('output', { class: 'mono', 'aria-label': `Key for ${id}` }, secret),
  );
}

export async function renderKeys(main: HTMLElement): Promise<void> {
  const issued = h('div', {});
  const listing = h('div', {});
  const input = (attrs: Record<string, string | boolean>) => h('input', attrs);
  const team = input({ required: true, autocomplete: 'off' });
  const project = input({ autocomplete: 'off', placeholder: 'default' });
  const id = input({ autocomplete: 'off' });
  const purposes = input({ autocomplete: 'off', placeholder: 'general' });
  const models = input({ autocomplete: 'off' });
  const expires = input({ type: 'date' });
  const rpm = input({ type: 'number', min: '1', step: '1' });
  const tpm = input({ type: 'number', min: '1', step: '1' });
  const daily = input({ type: 'number', min: '0', step: 'any' });
  const monthly = input({ type: 'number', min: '0', step: 'any' });

  async function refresh(): Promise<void> {
    const { keys } = await call<{ keys: KeyView[] }>('GET', '/admin/v1/keys');
    const actions = (k: KeyView) => {
      if (k.source === 'config') return 'in the configuration file';
      if (k.status !== 'active') return '–';
      const rotate = h('button', { type: 'button', class: 'secondary', onclick: () => void act(k, 'rotate') }, `Rotate ${k.id}`);
      const revoke = h('button', { type: 'button', class: 'secondary', onclick: () => void act(k, 'revoke') }, `Revoke ${k.id}`);
      return [rotate, ' ', revoke];
    };
    clear(
      listing,
      table(
        'Virtual keys',
        ['Key', 'Team', 'Project', 'Purposes', 'Models', 'Expires', 'Limits', 'Budget', 'Spent today / month', 'Status', ''],
        keys.map((k) => [
          h('code', {}, k.id),
          k.team,
          k.project,
          k.allowedPurposes.join(', '),
          k.models?.join(', ') ?? 'all',
          k.expiresAt ? k.expiresAt.slice(0, 10) : 'never',
          [k.limits.requestsPerMinute ? `${k.limits.requestsPerMinute} req/min` : '', k.limits.tokensPerMinute ? `${k.limits.tokensPerMinute} tokens/min` : ''].filter(Boolean).join(', ') || 'none',
          [k.budget.dailyUsd ? `${usd(k.budget.dailyUsd)}/day` : '', k.budget.monthlyUsd ? `${usd(k.budget.monthlyUsd)}/month` : ''].filter(Boolean).join(', ') || 'none',
          `${usd(k.spend.day_usd)} / ${usd(k.spend.month_usd)}`,
          k.status,
          actions(k),
        ]),
      ),
    );
  }

  async function act(k: KeyView, what: 'rotate' | 'revoke'): Promise<void> {
    try {
      if (what === 'revoke') {
        await call('DELETE', `/admin/v1/keys/${encodeURIComponent(k.id)}`);
        clear(issued);
        announce(`Key ${k.id} revoked: it no longer works.`, 'ok');
      } else {
        const r = await call<{ secret: string }>('POST', `/admin/v1/keys/${encodeURIComponent(k.id)}/rotate`);
        clear(issued, shownOnce(k.id, r.secret));
        announce(`Key ${k.id} rotated: the old key no longer works.`, 'ok');
      }
      await refresh();
    } catch (err) {
      announce(`Could not ${what} ${k.id}: ${(err as Error).message}`, 'error');
    }
  }

  const form = h(
    'form',
    {
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const num = (el: HTMLInputElement) => (el.value === '' ? undefined : Number(el.value));
        const limits = { requestsPerMinute: num(rpm), tokensPerMinute: num(tpm) };
        const budget = { dailyUsd: num(daily), monthlyUsd: num(monthly) };
        const body = {
          team: team.value.trim(),
          ...(project.value.trim() ? { project: project.value.trim() } : {}),
          ...(id.value.trim() ? { id: id.value.trim() } : {}),
          ...(list(purposes.value).length ? { allowedPurposes: list(purposes.value) } : {}),
          ...(list(models.value).length ? { models: list(models.value) } : {}),
          ...(expires.value ? { expiresAt: new Date(`${expires.value}T00:00:00Z`).toISOString() } : {}),
          ...(Object.values(limits).some((v) => v !== undefined) ? { limits: JSON.parse(JSON.stringify(limits)) } : {}),
          ...(Object.values(budget).some((v) => v !== undefined) ? { budget: JSON.parse(JSON.stringify(budget)) } : {}),
        };
        try {
          const r = await call<{ key: KeyView; secret: string }>('POST', '/admin/v1/keys', body);
          clear(issued, shownOnce(r.key.id, r.secret));
          announce(`Key ${r.key.id} created for team ${r.key.team}.`, 'ok');
          (e.target as HTMLFormElement).reset();
          await refresh();
        } catch (err) {
          announce(`Could not create the key: ${(err as Error).message}`, 'error');
        }
      },
    },
    h('h2', {}, 'New key'),
    field('Team', team),
    field('Project', project),
    field('Key id', id, 'Optional; made from the team when empty.'),
    field('Purposes', purposes, 'Comma-separated; the first is the default.'),
    field('Models', models, 'Comma-separated; empty: every model.'),
    field('Expires on', expires, 'Optional (UTC midnight).'),
    field('Requests per minute', rpm),
    field('Tokens per minute', tpm),
    field('Daily budget (USD)', daily),
    field('Monthly budget (USD)', monthly),
    h('button', { type: 'submit' }, 'Create key'),
  );
  await refresh();
  clear(main, h('h1', {}, 'Keys'), issued, listing, form);
}
