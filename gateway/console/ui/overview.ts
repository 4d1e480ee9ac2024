// Pictures of the last days (Chart.js, bundled): decisions over time by outcome, denials by rule and by
// team, the share of outputs that may train by provider, the training feed's admissions. Each chart
// has its numbers in a table beside it for screen readers and for copying.
import { BarElement, BarController, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { call } from './api.js';
import { clear, field, h, table } from './dom.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

interface AuditStats {
  bucket_ms: number;
  calls: number;
  over_time: Array<{ start: string; allowed: number; denied: number; failed: number }>;
  denials_by_rule: Record<string, number>;
  denials_by_team: Record<string, number>;
  trainable_by_provider: Record<string, { trainable: number; total: number }>;
  feed: { admitted: number; refused: number };
}

// Colour-blind-safe pairs (Okabe–Ito), each also named in the legend and the table.
const GREEN = '#009e73';
const RED = '#d55e00';
const GREY = '#6b7682';
const BLUE = '#0072b2';

const charts: Chart[] = [];
/** Counts are whole numbers: no 0.5 calls on an axis. */
const COUNT_X = { x: { beginAtZero: true, ticks: { precision: 0 } } };

function chart(title: string, summary: string, config: ChartConfiguration<'bar'>, head: string[], rows: (string | number)[][]): HTMLElement {
  const canvas = h('canvas', { role: 'img', 'aria-label': `${title}: ${summary}` });
  const box = h('figure', { class: 'chart' }, h('figcaption', {}, h('h2', {}, title), h('p', { class: 'hint' }, summary)), h('div', { class: 'canvas-box' }, canvas), h('details', {}, h('summary', {}, 'Show the numbers'), table(title, head, rows)));
  charts.push(new Chart(canvas, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } }));
  return box;
}

const sorted = (counts: Record<string, number>) => Object.entries(counts).sort((a, b) => b[1] - a[1]);

export async function renderOverview(main: HTMLElement): Promise<void> {
  const days = h('select', {}, [1, 7, 30, 90].map((d) => h('option', { value: d, selected: d === 7 }, d === 1 ? 'Last 24 hours' : `Last ${d} days`)));
  const grid = h('div', { class: 'charts' });
  const load = async () => {
    for (const c of charts.splice(0)) c.destroy();
    const n = Number(days.value);
    const from = new Date(Date.now() - n * 86_400_000).toISOString();
    const s = await call<AuditStats>('GET', `/admin/v1/audit/stats?from=${encodeURIComponent(from)}&bucket=${n <= 2 ? 'hour' : 'day'}`);
    const label = (iso: string) => (n <= 2 ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : new Date(iso).toLocaleDateString());
    const totals = s.over_time.reduce((a, b) => ({ allowed: a.allowed + b.allowed, denied: a.denied + b.denied, failed: a.failed + b.failed }), { allowed: 0, denied: 0, failed: 0 });
    const rules = sorted(s.denials_by_rule);
    const teams = sorted(s.denials_by_team);
    const providers = Object.entries(s.trainable_by_provider).sort((a, b) => b[1].total - a[1].total);
    const share = (p: { trainable: number; total: number }) => (p.total ? Math.round((100 * p.trainable) / p.total) : 0);
    clear(
      grid,
      chart(
        'Decisions over time',
        `${s.calls} calls: ${totals.allowed} allowed, ${totals.denied} denied, ${totals.failed} failed.`,
        {
          type: 'bar',
          data: {
            labels: s.over_time.map((b) => label(b.start)),
            datasets: [
              { label: 'Allowed', data: s.over_time.map((b) => b.allowed), backgroundColor: GREEN },
              { label: 'Denied', data: s.over_time.map((b) => b.denied), backgroundColor: RED },
              { label: 'Failed', data: s.over_time.map((b) => b.failed), backgroundColor: GREY },
            ],
          },
          options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
        },
        ['Period', 'Allowed', 'Denied', 'Failed'],
        s.over_time.map((b) => [label(b.start), b.allowed, b.denied, b.failed]),
      ),
      chart(
        'Denials by rule',
        rules.length ? `Most often: ${rules[0][0]} (${rules[0][1]}).` : 'No denials.',
        { type: 'bar', data: { labels: rules.map((r) => r[0]), datasets: [{ label: 'Denied calls', data: rules.map((r) => r[1]), backgroundColor: RED }] }, options: { indexAxis: 'y', scales: COUNT_X } },
        ['Rule', 'Denied calls'],
        rules,
      ),
      chart(
        'Denials by team',
        teams.length ? `Most often: team ${teams[0][0]} (${teams[0][1]}).` : 'No denials.',
        { type: 'bar', data: { labels: teams.map((r) => r[0]), datasets: [{ label: 'Denied calls', data: teams.map((r) => r[1]), backgroundColor: RED }] }, options: { indexAxis: 'y', scales: COUNT_X } },
        ['Team', 'Denied calls'],
        teams,
      ),
      chart(
        'Outputs that may train our models, by provider',
        providers.map(([p, v]) => `${p} ${share(v)}%`).join(', ') || 'No answered calls.',
        {
          type: 'bar',
          data: { labels: providers.map((p) => p[0]), datasets: [{ label: 'Share that may train (%)', data: providers.map((p) => share(p[1])), backgroundColor: BLUE }] },
          options: { scales: { y: { beginAtZero: true, max: 100 } } },
        },
        ['Provider', 'May train', 'Answered calls', 'Share'],
        providers.map(([p, v]) => [p, v.trainable, v.total, `${share(v)}%`]),
      ),
      chart(
        'Training feed',
        `${s.feed.admitted} answers admitted with a permit, ${s.feed.refused} refused at admission (they carried text that may not train).`,
        { type: 'bar', data: { labels: ['Admitted', 'Refused'], datasets: [{ label: 'Answers', data: [s.feed.admitted, s.feed.refused], backgroundColor: [GREEN, RED] }] }, options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } },
        ['Outcome', 'Answers'],
        [['Admitted', s.feed.admitted], ['Refused', s.feed.refused]],
      ),
    );
  };
  days.addEventListener('change', () => void load());
  clear(main, h('h1', {}, 'Overview'), field('Period', days), grid);
  await load();
}
