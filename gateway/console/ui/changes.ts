// The change workflow: the draft in words and side by side → checks (findings at file and line) →
// impact on recorded calls → activate with a reason; and the history with roll back.
import { call, can } from './api.js';
import { companyChanges, type CompanyRules } from './company-words.js';
import { describeCatalogueChanges } from '../../policy/data/catalogue-diff.js';
import type { Catalogue } from '../../policy/data/catalogue-schema.js';
import type { Direction, DryRunReport } from '../../policy/dry-run/report.js';
import type { Finding } from '../../policy/toolchain/findings.js';
import { clear, field, h, table } from './dom.js';
import { discardDraft, draft } from './draft.js';
import { policyStatus, type PolicyStatus } from './sources.js';
import { announce } from './status.js';
import { sideBySide } from './text-diff.js';

interface Validation {
  ok: boolean;
  steps: Array<{ step: string; ok: boolean; output: string }>;
  findings: Finding[];
}

const STEP_WORDS: Record<string, string> = {
  schema: 'The rules files are well-formed',
  fmt: 'Rego is formatted',
  check: 'The rules compile',
  test: 'The policy tests pass',
  build: 'The rules build for the gateway',
};

/** The files whose changes are also said in words. */
const WORDS: Record<string, (before: unknown, after: unknown) => string[]> = {
  'data/company.json': (b, a) => companyChanges(b as CompanyRules, a as CompanyRules),
  'data/licences.json': (b, a) => describeCatalogueChanges(b as Catalogue, a as Catalogue),
};

const SOURCE_WORDS: Record<string, string> = {
  dir: 'Loaded from the policies directory',
  bundle: 'Fetched from the fleet bundle',
  staged: 'Activated',
  rollback: 'Rolled back',
  restored: 'Restored after a restart',
};

const DIRECTION_WORDS: Record<Direction, string> = {
  'allowed-to-denied': 'allowed → denied',
  'denied-to-allowed': 'denied → allowed',
  'trainable-to-not': 'may train → may not',
  'not-to-trainable': 'may not train → may',
};

/** The draft, file by file: company rules in words, everything else side by side. */
export function draftReview(): HTMLElement {
  const out = h('div', { class: 'review' });
  for (const [path, after] of draft.files) {
    const before = draft.original.get(path) ?? '';
    const section = h('section', { 'aria-label': `Changes to ${path}` }, h('h3', {}, path));
    const inWords = WORDS[path];
    if (inWords && before) {
      try {
        const words = inWords(JSON.parse(before), JSON.parse(after));
        section.append(h('ul', { class: 'words' }, words.length ? words.map((w) => h('li', {}, w)) : h('li', {}, 'No change in meaning (formatting only).')));
      } catch {
        section.append(h('p', { class: 'error' }, 'This file is not valid JSON; the checks will say where.'));
      }
    }
    const details = h('details', {}, h('summary', {}, 'Show the text side by side'), sideBySide(path, before, after));
    if (!path.endsWith('.json')) details.open = true;
    section.append(details);
    out.append(section);
  }
  return out;
}

function findingsList(findings: Finding[]): HTMLElement {
  return h(
    'ul',
    { class: 'findings' },
    findings.map((f) => h('li', {}, h('strong', {}, f.file ? `${f.file}${f.line ? `, line ${f.line}` : ''}: ` : ''), f.message)),
  );
}

function impactTable(report: DryRunReport): HTMLElement {
  const summary = h('p', {}, `${report.changed.toLocaleString('en-US')} of the last ${report.examined.toLocaleString('en-US')} recorded calls would be decided differently.`);
  if (report.groups.length === 0) return h('div', { id: 'impact' }, summary);
  const rows = report.groups.map((g) => [
    DIRECTION_WORDS[g.direction],
    g.sentence,
    g.count.toLocaleString('en-US'),
    // Decision ids are UUIDv7: the tail tells them apart, the head is the time.
    g.examples.map((id) =>
      can.audit() ? h('a', { href: `#/audit/record/${encodeURIComponent(id)}`, class: 'mono', title: `decision ${id}` }, id.slice(-8)) : h('code', { title: `decision ${id}` }, id.slice(-8)),
    ),
  ]);
  return h('div', { id: 'impact' }, summary, table('Calls that would be decided differently, grouped by change, team, model, purpose and rule', ['Change', 'What would happen', 'Calls', 'Examples'], rows, 'impact'));
}

export async function renderChanges(main: HTMLElement): Promise<void> {
  const status = await policyStatus();
  const steps = h('div', { id: 'steps' });
  clear(
    main,
    h('h1', {}, 'Changes'),
    h('p', {}, 'Rules in force: revision ', h('code', { id: 'active-revision' }, status.active.revision), `, since ${new Date(status.active.activated_at).toLocaleString()}.`),
    status.last_error ? h('p', { class: 'error' }, `Last refused change (${status.last_error.step}): ${status.last_error.message}`) : null,
    h('h2', {}, 'Your draft'),
    !can.edit()
      ? h('p', {}, 'Your role may read the rules and their history, not change them.')
      : draft.files.size === 0
      ? h('p', {}, 'No draft. Edit the ', h('a', { href: '#/rules' }, 'company rules'), ', the ', h('a', { href: '#/licences' }, 'licences'), ' or the ', h('a', { href: '#/rego' }, 'Rego'), ' to start one.')
      : [draftReview(), h('p', {}, h('button', { type: 'button', id: 'check', onclick: () => void check(steps) }, 'Check this change'), ' ', h('button', { type: 'button', class: 'secondary', onclick: () => { discardDraft(); void renderChanges(main); announce('Draft discarded.'); } }, 'Discard draft'))],
    steps,
    history(status, main),
  );
}

async function check(steps: HTMLElement): Promise<void> {
  announce('Checking the change…');
  clear(steps, h('h2', {}, 'Checks'), h('p', {}, 'Running the checks and the policy tests…'));
  const staged = await call<{ candidate: string }>('POST', '/admin/v1/policies/stage', { files: Object.fromEntries(draft.files), base: 'active' }, [422]).catch((e: Error) => ({ error: { message: e.message } }) as never);
  if (!('candidate' in staged)) {
    clear(steps, h('h2', {}, 'Checks'), h('p', { class: 'error', role: 'alert' }, `The change could not be staged: ${(staged as { error: { message: string } }).error.message}`));
    return announce('The change could not be staged.', 'error');
  }
  const report = await call<Validation>('POST', '/admin/v1/policies/validate', { candidate: staged.candidate }, [422]);
  const list = h(
    'ul',
    { class: 'checks' },
    report.steps.map((s) => h('li', { class: s.ok ? 'pass' : 'fail' }, h('span', { class: 'mark', 'aria-hidden': 'true' }, s.ok ? '✓' : '✗'), `${STEP_WORDS[s.step] ?? s.step}: ${s.ok ? 'yes' : 'no'}`)),
  );
  clear(steps, h('h2', {}, 'Checks'), list);
  if (!report.ok) {
    steps.append(h('p', { class: 'error', role: 'alert' }, 'The change was refused. Fix these and check again:'), findingsList(report.findings));
    return announce('The change did not pass its checks.', 'error');
  }
  if (report.steps.length === 0) list.append(h('li', { class: 'pass' }, 'These rules were checked and built before.'));
  announce('The change passed its checks.', 'ok');
  const last = h('input', { type: 'number', min: 1, max: 100000, value: 10000, id: 'last' });
  const impact = h('div');
  steps.append(
    h('h2', {}, 'Impact on recorded calls'),
    h('div', { class: 'row' }, field('Replay the last N recorded calls', last), h('button', { type: 'button', id: 'preview', onclick: () => void preview(staged.candidate, Number(last.value), impact) }, 'Preview the impact')),
    impact,
  );
}

async function preview(candidate: string, last: number, impact: HTMLElement): Promise<void> {
  announce('Replaying recorded calls…');
  const report = await call<DryRunReport>('POST', '/admin/v1/policies/dry-run', { candidate, last });
  const reason = h('textarea', { id: 'reason', rows: 3, required: true, maxlength: 2000 });
  const activate = h('button', { type: 'button', id: 'activate' }, 'Activate these rules');
  activate.addEventListener('click', async () => {
    if (!reason.value.trim()) {
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      return announce('Say why this change is made before activating it.', 'error');
    }
    const r = await call<{ ok: boolean; error?: string }>('POST', '/admin/v1/policies/activate', { revision: candidate, reason: reason.value.trim() }, [422]);
    if (!r.ok) return announce(`Activation refused: ${r.error}`, 'error');
    discardDraft();
    location.hash = '#/changes';
    await renderChanges(document.getElementById('main')!);
    announce(`Revision ${candidate} is now in force.`, 'ok');
  });
  clear(
    impact,
    impactTable(report),
    h('h2', {}, 'Activate'),
    field('Why is this change made? (kept in the history)', reason),
    activate,
  );
  announce(`${report.changed} of ${report.examined} recorded calls would be decided differently.`, 'ok');
}

function history(status: PolicyStatus, main: HTMLElement): HTMLElement {
  const reason = h('textarea', { id: 'rollback-reason', rows: 2, maxlength: 2000 });
  const rows = status.history.map((e) => [
    h('code', {}, e.revision),
    new Date(e.activated_at).toLocaleString(),
    e.by ?? '–',
    e.reason ?? SOURCE_WORDS[e.source] ?? e.source,
    can.edit() && e.revision !== status.active.revision
      ? h('button', {
          type: 'button',
          class: 'secondary',
          'data-revision': e.revision,
          onclick: async () => {
            if (!reason.value.trim()) {
              reason.focus();
              return announce('Say why you roll back before doing it.', 'error');
            }
            const r = await call<{ ok: boolean; error?: string }>('POST', '/admin/v1/policies/rollback', { revision: e.revision, reason: reason.value.trim() }, [422]);
            if (!r.ok) return announce(`Roll back refused: ${r.error}`, 'error');
            await renderChanges(main);
            announce(`Rolled back to revision ${e.revision}.`, 'ok');
          },
        }, `Roll back to ${e.revision.slice(0, 8)}`)
      : e.revision === status.active.revision ? 'in force' : '',
  ]);
  return h(
    'section',
    { 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'History'),
    can.edit() ? field('Reason for a roll back', reason) : null,
    table('Revisions that served, newest first', ['Revision', 'When', 'Who', 'Why', ''], rows, 'history'),
  );
}
