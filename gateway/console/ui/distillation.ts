// Distillation risk: keys, projects, teams and providers by risk, each signal explained in words with
// example calls (a path down to the audit record), the trend from the recorded level changes, and — for
// policy editors — clearing a scope with a reason (a recorded change that lifts the policy's refusal).
import { call, can } from './api.js';
import { clear, field, h, table } from './dom.js';
import { scopeWords, signalWords, trendWords, type LevelChange, type ScopeRisk } from './distillation-words.js';
import { announce } from './status.js';

interface RiskList {
  scopes: ScopeRisk[];
  clearances: { scope: string; until: string; by: string; reason: string }[];
  monitor: { dropped: number };
}

function example(id: string): HTMLElement {
  return can.audit() ? h('a', { href: `#/audit/record/${encodeURIComponent(id)}`, class: 'mono' }, id) : h('code', {}, id);
}

function clearForm(scope: string, done: () => void): HTMLElement {
  const reason = h('input', { type: 'text', required: true, maxlength: 1000 });
  const days = h('input', { type: 'number', min: 1, max: 90, value: 30, required: true });
  const form = h('form', { class: 'inline', 'aria-label': `Clear ${scope}` }, field('Reason (recorded)', reason), field('Days', days), h('button', { type: 'submit' }, 'Clear'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await call('POST', '/admin/v1/distillation-risk/clearances', { scope, reason: reason.value.trim(), days: Number(days.value) });
      announce(`${scope} cleared for ${days.value} days; the clearance is recorded in the audit log.`);
      done();
    } catch (err) {
      announce(`Could not clear ${scope}: ${(err as Error).message}`);
    }
  });
  return form;
}

export async function renderDistillation(main: HTMLElement): Promise<void> {
  const kind = h('select', {}, ['all', 'key', 'team', 'project', 'provider'].map((k) => h('option', { value: k }, k === 'all' ? 'Keys, teams, projects and providers' : `${scopeWords(`${k}:`).kind}s`)));
  const out = h('div', { id: 'distillation-result' });
  const load = async () => {
    const query = kind.value === 'all' ? '' : `?kind=${kind.value}`;
    const [list, changes] = await Promise.all([
      call<RiskList>('GET', `/admin/v1/distillation-risk${query}`),
      call<{ changes: { record: LevelChange }[] }>('GET', '/admin/v1/changes?action=distillation.risk&limit=1000'),
    ]);
    const trend = new Map<string, LevelChange[]>();
    for (const c of changes.changes) trend.set(c.record.target, [...(trend.get(c.record.target) ?? []), c.record]);
    const rows = list.scopes.map((s) => {
      const { kind: k, name } = scopeWords(s.scope);
      return [
        h('span', {}, `${k} `, h('strong', {}, name)),
        h('span', { class: `badge ${s.level === 'low' ? 'yes' : 'no'}` }, s.cleared ? `${s.level}, cleared` : s.level),
        `${s.score}`,
        `${s.calls}`,
        s.signals.length
          ? h('ul', { class: 'words' }, s.signals.map((sig) => h('li', {}, h('code', {}, sig.name), ` — ${signalWords(sig)}`, sig.examples.length ? h('span', {}, '; e.g. ', sig.examples.map((id, i) => [i ? ', ' : '', example(id)]).flat()) : null)))
          : 'none',
        trendWords(trend.get(s.scope) ?? []),
        // A provider's risk informs; the policy reads (and a clearance lifts) keys, projects and teams.
        can.edit() && s.level !== 'low' && !s.cleared && !s.scope.startsWith('provider:') ? clearForm(s.scope, () => void load()) : '',
      ];
    });
    clear(
      out,
      list.monitor.dropped ? h('p', { class: 'error' }, `${list.monitor.dropped} calls were not counted: the monitor's queue was full.`) : null,
      rows.length ? table('Distillation risk over the last seven days, highest first', ['Scope', 'Level', 'Score', 'Calls', 'Signals', 'Trend', 'Clear'], rows, 'distillation') : h('p', {}, 'No traffic has been seen yet.'),
      list.clearances.length
        ? table('Clearances in force', ['Scope', 'Until', 'By', 'Reason'], list.clearances.map((c) => [c.scope, c.until.slice(0, 16).replace('T', ' ') + ' UTC', c.by, c.reason]))
        : null,
    );
  };
  kind.addEventListener('change', () => void load());
  clear(
    main,
    h('h1', {}, 'Distillation risk'),
    h('p', {}, 'How the company’s traffic through this gateway looks to a provider that watches for distillation: prompts filled from templates, sweeps over a narrow capability, requests for reasoning traces, many samples of one prompt, keys sharing templates, surges after a model release, and prompts refused for training sent again under another purpose. At high risk the policy refuses providers whose terms forbid training until you clear the key, project or team. Traffic that does not pass through the gateway is not seen.'),
    field('Show', kind),
    out,
  );
  await load();
}
