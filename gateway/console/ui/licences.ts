// The licence catalogue as a table a lawyer reads (what it applies to, the agreement, whether outputs
// may train our models and with which duties, the quoted clause with its section, source and check
// date), and a form to edit one entry. The edit goes into the draft like every policy change.
import { can } from './api.js';
import { clear, field, h, table } from './dom.js';
import { currentFile, setDraftFile } from './draft.js';
import { DUTY_KINDS, type Catalogue, type CatalogueEntry } from '../../policy/data/catalogue-schema.js';
import { CHECK_WORDS, TRAINING_WORDS, TRIGGER_WORDS, subjectWords } from './licence-words.js';

type Duty = CatalogueEntry['duties'][number];
type LicenceEntry = CatalogueEntry;
import { servedFindings } from '../../policy/data/served-models.js';
import { activeSources, vocabulary } from './sources.js';
import { announce } from './status.js';

const FILE = 'data/licences.json';

function select(options: Record<string, string>, value: string): HTMLSelectElement {
  return h('select', {}, Object.entries(options).map(([v, words]) => h('option', { value: v, selected: v === value }, words)));
}

function input(value: string, type = 'text'): HTMLInputElement {
  return h('input', { type, value, autocomplete: 'off' });
}

function dutyRow(d: Duty, duties: Duty[], rerender: () => void): HTMLElement {
  const kind = select(Object.fromEntries(DUTY_KINDS.map((k) => [k, k])), d.kind);
  const text = input(d.text);
  const trigger = select(TRIGGER_WORDS, d.trigger);
  const prefix = input(d.prefix ?? '');
  kind.addEventListener('change', () => ((d.kind = kind.value as Duty['kind']), rerender()));
  text.addEventListener('change', () => (d.text = text.value));
  trigger.addEventListener('change', () => (d.trigger = trigger.value as Duty['trigger']));
  prefix.addEventListener('change', () => (d.prefix = prefix.value));
  const n = duties.indexOf(d) + 1;
  return h(
    'fieldset',
    { class: 'duty' },
    h('legend', {}, `Duty ${n}`),
    h('div', { class: 'row' }, field('Kind', kind), field('Binds', trigger), d.kind === 'naming' ? field('Name prefix', prefix) : null),
    field('What must be done', text),
    h('button', { type: 'button', class: 'secondary', onclick: () => (duties.splice(duties.indexOf(d), 1), rerender()) }, `Remove duty ${n}`),
  );
}

function editForm(id: string, e: LicenceEntry, save: () => void): HTMLFormElement {
  const form = h('form', { id: 'licence-form', 'aria-label': `Edit licence ${id}` });
  const render = () => {
    const training = select(TRAINING_WORDS, e.training);
    training.addEventListener('change', () => (e.training = training.value as LicenceEntry['training']));
    const name = input(e.agreement.name);
    const version = input(e.agreement.version);
    const effective = input(e.agreement.effective ?? '', 'date');
    const url = input(e.url, 'url');
    const on = input(e.checked.on, 'date');
    const how = select(CHECK_WORDS, e.checked.how);
    const source = h('textarea', { rows: 2 }, e.checked.source);
    const notes = h('textarea', { rows: 2 }, e.notes);
    name.addEventListener('change', () => (e.agreement.name = name.value));
    version.addEventListener('change', () => (e.agreement.version = version.value));
    effective.addEventListener('change', () => (effective.value ? (e.agreement.effective = effective.value) : delete e.agreement.effective));
    url.addEventListener('change', () => (e.url = url.value));
    on.addEventListener('change', () => (e.checked.on = on.value));
    how.addEventListener('change', () => (e.checked.how = how.value as LicenceEntry['checked']['how']));
    source.addEventListener('change', () => (e.checked.source = source.value));
    notes.addEventListener('change', () => (e.notes = notes.value));
    clear(
      form,
      h('h2', {}, `Edit ${id}: ${subjectWords(e)}`),
      field('May outputs train our models?', training),
      h('div', { class: 'row' }, field('Agreement', name), field('Version', version), field('Effective', effective)),
      field('Source URL of the quoted text', url),
      h('h3', {}, 'Quoted clauses'),
      e.clauses.map((c, i) => {
        const section = input(c.section);
        const text = h('textarea', { rows: 3 }, c.text);
        section.addEventListener('change', () => (c.section = section.value));
        text.addEventListener('change', () => (c.text = text.value));
        return h('fieldset', {}, h('legend', {}, `Clause ${i + 1}`), field('Section', section), field('Quoted text', text), h('button', { type: 'button', class: 'secondary', onclick: () => (e.clauses.splice(i, 1), render()) }, `Remove clause ${i + 1}`));
      }),
      h('button', { type: 'button', class: 'secondary', onclick: () => (e.clauses.push({ section: '', text: '' }), render()) }, 'Add a quoted clause'),
      h('h3', {}, 'Duties'),
      e.duties.map((d) => dutyRow(d, e.duties, render)),
      h('button', { type: 'button', class: 'secondary', onclick: () => (e.duties.push({ kind: 'attribution', text: '', trigger: 'distribution' }), render()) }, 'Add a duty'),
      h('h3', {}, 'How it was checked'),
      h('div', { class: 'row' }, field('Checked on', on), field('How', how)),
      field('Where the text was read', source),
      field('Notes', notes),
      h('p', {}, h('button', { type: 'submit', id: 'review-licence' }, 'Review this change')),
    );
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    save();
  });
  render();
  return form;
}

/** The first clause; a long one shows its opening and the rest on request. */
function quote(clause: { section: string; text: string }, more: number): HTMLElement {
  const footer = h('footer', {}, clause.section, more > 0 ? ` (and ${more} more)` : '');
  if (clause.text.length <= 240) return h('blockquote', {}, `“${clause.text}”`, footer);
  return h('blockquote', {}, h('details', {}, h('summary', {}, `“${clause.text.slice(0, 200).trimEnd()} …”`), `“${clause.text}”`), footer);
}

/** The agreement, its date and, for a checkpoint, when it was released (never confused with the licence's own date). */
function agreementWords(e: LicenceEntry): string {
  const dated = e.agreement.effective ? `; dated ${e.agreement.effective}` : '';
  const released = e.subject.kind === 'checkpoint' && e.subject.released ? `; model released ${e.subject.released}` : '';
  const law = e.agreement.governing_law ? `; governing law: ${e.agreement.governing_law}` : '';
  return `${e.agreement.name} (${e.agreement.version}${dated})${released}${law}`;
}

/** Served models the catalogue does not cover (another checkpoint, another revision than the pinned one, …). */
function findings(list: string[]): HTMLElement {
  if (list.length === 0) return h('p', { id: 'licence-findings' }, 'Every served model is covered by the entry it names, at the pinned revision.');
  return h(
    'section',
    { id: 'licence-findings', 'aria-labelledby': 'licence-findings-title' },
    h('h2', { id: 'licence-findings-title' }, `Findings (${list.length})`),
    h('p', {}, 'These served models are not covered by the entry they name: their outputs are not trainable, and calls for training purposes are refused, until the entry is read at what is served or the configuration serves what the entry covers.'),
    h('ul', {}, list.map((f) => h('li', {}, f))),
  );
}

export async function renderLicences(main: HTMLElement): Promise<void> {
  const [{ revision, files }, vocab] = await Promise.all([activeSources(), vocabulary()]);
  const original = files.get(FILE);
  if (original === undefined) {
    clear(main, h('h1', {}, 'Licences'), h('p', {}, `This revision has no ${FILE}.`));
    return;
  }
  const catalogue = JSON.parse(currentFile(FILE, files) ?? original) as Catalogue;
  const editor = h('div');
  const rows = Object.entries(catalogue.licences).map(([id, e]) => {
    const clause = e.clauses[0];
    return [
      h('span', {}, h('strong', {}, subjectWords(e)), h('br'), h('code', {}, id)),
      agreementWords(e),
      h('span', {}, h('span', { class: `badge ${e.training === 'never' || e.training === 'not-for-competing-models' ? 'no' : 'yes'}` }, TRAINING_WORDS[e.training] ?? e.training),
        e.duties.length ? h('ul', {}, e.duties.map((d) => h('li', {}, `${d.text} (${TRIGGER_WORDS[d.trigger] ?? d.trigger})`))) : null,
        e.restrictions.forbidden_deployment_purposes.length ? h('p', {}, `Not for: ${e.restrictions.forbidden_deployment_purposes.join(', ')}`) : null,
        (e.licensee_conditions ?? []).map((c) => h('p', {}, `No licence at all: ${c.text}`)),
        Object.entries(e.allowances ?? {}).map(([name, a]) => h('p', {}, `Allowance ${name} (off until the legal team turns it on; purposes ${a.purposes.join(', ')}): ${a.text}`))),
      clause ? quote(clause, e.clauses.length - 1) : h('em', {}, 'No quote: the text was not found'),
      h('a', { href: e.url, rel: 'noreferrer noopener', target: '_blank' }, 'source'),
      `${e.checked.on} (${CHECK_WORDS[e.checked.how] ?? e.checked.how})`,
      can.edit()
        ? h('button', {
            type: 'button',
            class: 'secondary',
            'aria-label': `Edit ${id}`,
            onclick: () => {
              clear(editor, editForm(id, e, () => {
                setDraftFile(revision, FILE, original, JSON.stringify(catalogue, null, 2) + '\n');
                location.hash = '#/changes';
              }));
              editor.querySelector('select')?.focus();
              announce(`Editing ${id}.`);
            },
          }, 'Edit')
        : '',
    ];
  });
  clear(
    main,
    h('h1', {}, 'Licences'),
    h('p', {}, 'What the terms of each provider and model allow, quoted from the source. The gateway applies these to every call and to every output offered for training.'),
    h('p', {}, `Catalogue reviewed on ${catalogue.catalogue.reviewed_on}; next review due ${catalogue.catalogue.next_review}.`),
    findings(servedFindings(vocab.models, catalogue)),
    table('Licence catalogue', ['Applies to', 'Agreement', 'May outputs train our models?', 'Quoted clause', 'Source', 'Checked', ''], rows, 'licences'),
    editor,
  );
}
