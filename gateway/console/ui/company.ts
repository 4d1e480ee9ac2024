// Company rules as forms over policies/data/company.json: teams and what each may use, purposes,
// obligations, who may train on personal data. The result goes into the draft; nothing is live until
// the change screen activates it.
import { can } from './api.js';
import type { CompanyRules, Team } from './company-words.js';
import { clear, field, h, nextId } from './dom.js';
import { currentFile, setDraftFile } from './draft.js';
import { formatJson } from './json-format.js';
import { activeSources, vocabulary, type Vocabulary } from './sources.js';
import type { Catalogue } from '../../policy/data/catalogue-schema.js';
import { announce } from './status.js';

const FILE = 'data/company.json';
const LICENCES = 'data/licences.json';

/** The allowances the catalogue offers ("<entry>/<name>" → what it allows) and the entries with licensee conditions. */
function catalogueOptions(text: string | undefined): { allowances: Map<string, string>; conditioned: Map<string, string> } {
  const catalogue = text ? (JSON.parse(text) as Catalogue) : { licences: {} };
  const allowances = new Map<string, string>();
  const conditioned = new Map<string, string>();
  for (const [id, e] of Object.entries(catalogue.licences)) {
    for (const [name, a] of Object.entries(e.allowances ?? {})) allowances.set(`${id}/${name}`, `${id}/${name}: ${a.text} (purposes ${a.purposes.join(', ')})`);
    if (e.licensee_conditions?.length) conditioned.set(id, `${id}: ${e.licensee_conditions.map((c) => c.text).join('; ')}`);
  }
  return { allowances, conditioned };
}

/** The company as a licensee: where it is based, its users, the separate licences it holds. */
function licenseeForm(c: CompanyRules['company'], conditioned: Map<string, string>): HTMLElement {
  const l = (c.licensee ??= { regions: [], monthly_active_users: 0, separate_licences: [] });
  const regions = h('input', { type: 'text', value: l.regions.join(', '), pattern: '([A-Z]{2,3})(, *[A-Z]{2,3})*', autocomplete: 'off' });
  regions.addEventListener('change', () => (l.regions = regions.value.split(',').map((r) => r.trim()).filter(Boolean)));
  const users = h('input', { type: 'number', min: '0', step: '1', value: String(l.monthly_active_users) });
  users.addEventListener('change', () => (l.monthly_active_users = Math.max(0, Math.trunc(Number(users.value) || 0))));
  return h(
    'fieldset',
    {},
    h('legend', {}, 'The company as a licensee (some licences do not cover a company at all)'),
    field('Regions the company is domiciled in or has its principal place of business in (e.g. EU)', regions),
    field("Monthly active users of the company's products and services", users),
    choices('Separate licences the company holds from the vendor (they lift the entry’s conditions)', [...conditioned.keys()], l.separate_licences, { describe: (id) => conditioned.get(id) ?? id }),
  );
}
const ENDPOINTS = ['chat.completions', 'responses', 'completions', 'embeddings', 'messages', 'models'];
const LOGGING: Record<string, string> = {
  full: 'Full: requests and responses are kept',
  redacted: 'Redacted: personal data and secrets removed before keeping',
  digest: 'Digest only: a fingerprint, no content',
};

/** A group of checkboxes over `options`; "any" stands for "*". Edits `list` in place. */
function choices(legend: string, options: string[], list: string[], opts: { any?: string; describe?: (o: string) => string; attach?: () => void } = {}): HTMLFieldSetElement {
  const set = h('fieldset', { class: 'choices' }, h('legend', {}, legend));
  const boxes: HTMLInputElement[] = [];
  const all = [...new Set([...(opts.any ? ['*'] : []), ...options, ...list])];
  for (const o of all) {
    const id = nextId('c');
    const box = h('input', { type: 'checkbox', id, value: o, checked: list.includes(o) });
    box.addEventListener('change', () => {
      opts.attach?.();
      const i = list.indexOf(o);
      if (box.checked && i < 0) list.push(o);
      if (!box.checked && i >= 0) list.splice(i, 1);
      if (o === '*') for (const b of boxes) if (b !== box) b.disabled = box.checked;
    });
    boxes.push(box);
    set.append(h('span', { class: 'choice' }, box, h('label', { for: id }, o === '*' ? opts.any! : (opts.describe?.(o) ?? o))));
  }
  if (list.includes('*')) for (const b of boxes) if (b.value !== '*') b.disabled = true;
  return set;
}

/** Choices over an optional list field: the field is written only once the user changes it. */
function optionalChoices<K extends string>(legend: string, options: string[], owner: { [k in K]?: string[] }, key: K, describe?: (o: string) => string): HTMLFieldSetElement {
  const list = owner[key] ?? [];
  return choices(legend, options, list, { attach: () => void (owner[key] ??= list), describe });
}

function teamForm(name: string, team: Team, rules: CompanyRules, vocab: Vocabulary, rerender: () => void): HTMLElement {
  const models = vocab.models.map((m) => m.name);
  const licenceOf = new Map(vocab.models.map((m) => [m.name, `${m.name} (${m.provider}, ${m.licence})`]));
  const pii = vocab.data_classes.filter((c) => c.startsWith('pii.'));
  return h(
    'fieldset',
    { class: 'team', 'data-team': name },
    h('legend', {}, `Team ${name}`),
    choices(`Providers team ${name} may use`, vocab.providers, team.providers, { any: 'Any provider' }),
    choices(`Models team ${name} may use`, models, team.models, { any: 'Any model', describe: (m) => licenceOf.get(m) ?? m }),
    choices(`Purposes team ${name} may declare`, Object.keys(rules.company.purposes), team.purposes, { any: 'Any purpose' }),
    choices(`Personal data team ${name} may not send to external providers`, pii, team.deny_external_data_classes),
    optionalChoices(`Data team ${name} sends masked (replaced by placeholders before it leaves)`, vocab.data_classes, team, 'mask_data_classes'),
    h('button', { type: 'button', class: 'secondary', onclick: () => { delete rules.company.teams[name]; rerender(); announce(`Team ${name} removed from the draft form.`); } }, `Remove team ${name}`),
  );
}

export async function renderCompany(main: HTMLElement): Promise<void> {
  const [{ revision, files }, vocab] = await Promise.all([activeSources(), vocabulary()]);
  const original = files.get(FILE);
  if (original === undefined) {
    clear(main, h('h1', {}, 'Company rules'), h('p', {}, `This revision has no ${FILE}.`));
    return;
  }
  const rules = JSON.parse(currentFile(FILE, files) ?? original) as CompanyRules;
  const { allowances, conditioned } = catalogueOptions(currentFile(LICENCES, files) ?? files.get(LICENCES));
  const c = rules.company;
  const form = h('form', { id: 'company-form', 'aria-label': 'Company rules' });

  const render = () => {
    const newTeam = h('input', { type: 'text', pattern: '[A-Za-z0-9][A-Za-z0-9_.\\-]*', autocomplete: 'off' });
    const newPurpose = h('input', { type: 'text', pattern: '[a-z0-9][a-z0-9_\\-]*', autocomplete: 'off' });
    const newPurposeText = h('input', { type: 'text', autocomplete: 'off' });
    const logging = h('select', {}, Object.entries(LOGGING).map(([v, words]) => h('option', { value: v, selected: v === c.obligations.content_logging }, words)));
    logging.addEventListener('change', () => (c.obligations.content_logging = logging.value));
    const watermark = h('input', { type: 'checkbox', checked: c.obligations.watermark });
    watermark.addEventListener('change', () => (c.obligations.watermark = watermark.checked));
    clear(
      form,
      h('h2', {}, 'Teams'),
      Object.entries(c.teams).map(([name, team]) => teamForm(name, team, rules, vocab, render)),
      h('div', { class: 'row' }, field('New team name', newTeam), h('button', {
        type: 'button',
        onclick: () => {
          const name = newTeam.value.trim();
          if (!name || !newTeam.checkValidity() || c.teams[name]) return announce(name && c.teams[name] ? `Team ${name} already exists.` : 'A team name is letters, digits, dot, dash or underscore.', 'error');
          c.teams[name] = { providers: [], models: [], purposes: [], deny_external_data_classes: [] };
          render();
          announce(`Team ${name} added; choose what it may use.`);
        },
      }, 'Add team')),
      h('h2', {}, 'Purposes'),
      h('ul', {}, Object.entries(c.purposes).map(([p, text]) => {
        const input = h('input', { type: 'text', value: text });
        input.addEventListener('change', () => (c.purposes[p] = input.value));
        return h('li', {}, field(`Purpose ${p}`, input));
      })),
      h('div', { class: 'row' }, field('New purpose name', newPurpose), field('What it is for', newPurposeText), h('button', {
        type: 'button',
        onclick: () => {
          const p = newPurpose.value.trim();
          if (!p || !newPurpose.checkValidity() || p in c.purposes) return announce('A purpose name is lower-case letters, digits, dash or underscore, and new.', 'error');
          c.purposes[p] = newPurposeText.value.trim();
          render();
        },
      }, 'Add purpose')),
      h('h2', {}, 'Obligations'),
      h('div', { class: 'field inline' }, watermark, h('label', { for: (watermark.id = nextId('w')) }, 'Watermark every output (invisible marks that trace where a text came from)')),
      choices('Endpoints that are never watermarked', ENDPOINTS, c.obligations.watermark_exempt_endpoints),
      field('Content logging (calls with secrets are always kept as a digest; with personal data, redacted)', logging),
      h('h2', {}, 'Training'),
      choices('Teams whose personal data may train our models', Object.keys(c.teams), c.training.personal_data_trainable_teams),
      optionalChoices('Purposes that produce training data (each call with one is checked against the licence terms)', Object.keys(c.purposes), c.training, 'purposes'),
      h('h2', {}, 'Licences'),
      optionalChoices('Licence allowances turned on (each admits only the purposes its catalogue entry names)', [...allowances.keys()], c.training, 'allowances', (id) => allowances.get(id) ?? id),
      licenseeForm(c, conditioned),
      can.edit() ? h('p', {}, h('button', { type: 'submit', id: 'review' }, 'Review this change')) : h('p', {}, 'Your role may read these rules but not change them.'),
    );
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setDraftFile(revision, FILE, original, formatJson(rules) + '\n');
    location.hash = '#/changes';
  });
  render();
  clear(main, h('h1', {}, 'Company rules'), h('p', {}, 'What each team may use, and what the gateway does with every call. Changes go into a draft you check and preview before they take effect.'), form);
}
