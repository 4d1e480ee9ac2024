// The difference between two versions of the licence catalogue, field by field, in sentences a lawyer can
// review (the console shows them next to a change). Pure and free of Node APIs, so the browser can run it.
import type { Allowance, Catalogue, CatalogueEntry, LicenseeCondition } from './catalogue-schema.js';

type Duty = CatalogueEntry['duties'][number];

const quote = (v: unknown) => (v === undefined ? '(none)' : `"${String(v)}"`);

const TRIGGERS: Record<string, string> = {
  distribution: 'when the model is distributed',
  'distribution-or-made-available': 'when the model or a product built on it is distributed or made available',
};

/** Where a cloud serves a checkpoint, e.g. "on bedrock as meta.llama3-1-8b-instruct-v1:0". */
function hostedWords(s: CatalogueEntry['subject']): string {
  if (s.kind !== 'checkpoint') return '';
  return Object.entries(s.hosted ?? {})
    .map(([kind, ids]) => `on ${kind} as ${(ids ?? []).join(', ')}`)
    .join('; ');
}

function subjectWords(s: CatalogueEntry['subject']): string {
  if (s.kind === 'provider-api') {
    return s.provider_kind ? `every ${s.provider_kind} provider, under ${s.provider}'s ${s.terms} terms` : `the ${s.provider} API under its ${s.terms} terms`;
  }
  const hosted = hostedWords(s);
  return `checkpoint ${s.model_id} (${s.revision === 'unpinned' ? 'any revision' : `revision ${s.revision}`})${s.aliases?.length ? `, also published as ${s.aliases.join(', ')}` : ''}${hosted ? `, served ${hosted}` : ''}`;
}

function conditionWords(c: LicenseeCondition): string {
  const who = c.kind === 'excluded-region' ? `a licensee based in ${(c.regions ?? []).join(', ')}` : `a licensee with more than ${c.monthly_active_users} monthly active users`;
  return `${who} is not covered (clause ${c.clause + 1}): "${c.text}"`;
}

function allowanceWords(name: string, a: Allowance): string {
  return `allowance "${name}" (clause ${a.clause + 1}) for purposes ${a.purposes.join(', ')}, the student not deployed for ${a.restrictions.forbidden_deployment_purposes.join(', ') || 'anything further'}: "${a.text}"`;
}

function dutyWords(d: Duty): string {
  return `${d.kind}${d.prefix ? ` (name prefix "${d.prefix}")` : ''}, ${TRIGGERS[d.trigger] ?? d.trigger}: "${d.text}"`;
}

/** Items of `after` missing from `before`, and of `before` missing from `after`, compared by `key`. */
function listChanges<T>(before: T[], after: T[], key: (item: T) => string): { added: T[]; removed: T[] } {
  const b = new Set(before.map(key));
  const a = new Set(after.map(key));
  return { added: after.filter((x) => !b.has(key(x))), removed: before.filter((x) => !a.has(key(x))) };
}

function entryChanges(id: string, before: CatalogueEntry, after: CatalogueEntry): string[] {
  const out: string[] = [];
  const say = (what: string) => out.push(`Entry "${id}": ${what}.`);
  const field = (label: string, b: unknown, a: unknown) => {
    if (b !== a) say(`${label} changed from ${quote(b)} to ${quote(a)}`);
  };
  if (subjectWords(before.subject) !== subjectWords(after.subject)) {
    say(`now covers ${subjectWords(after.subject)} instead of ${subjectWords(before.subject)}`);
  }
  field('agreement', before.agreement.name, after.agreement.name);
  field('agreement version', before.agreement.version, after.agreement.version);
  field('effective date', before.agreement.effective, after.agreement.effective);
  field('governing law', before.agreement.governing_law, after.agreement.governing_law);
  const released = (e: CatalogueEntry) => (e.subject.kind === 'checkpoint' ? e.subject.released : undefined);
  field('release date of the checkpoint', released(before), released(after));
  field('address', before.url, after.url);
  field('training class', before.training, after.training);
  const n = Math.max(before.clauses.length, after.clauses.length);
  for (let i = 0; i < n; i++) {
    const b = before.clauses[i];
    const a = after.clauses[i];
    if (!b) say(`quoted clause ${i + 1} added, section ${quote(a.section)}: ${quote(a.text)}`);
    else if (!a) say(`quoted clause ${i + 1} removed, section ${quote(b.section)}: ${quote(b.text)}`);
    else {
      if (b.section !== a.section) say(`quoted clause ${i + 1} now cites section ${quote(a.section)} instead of ${quote(b.section)}`);
      if (b.text !== a.text) say(`quoted clause ${i + 1} (section ${quote(a.section)}) now reads ${quote(a.text)}; it read ${quote(b.text)}`);
    }
  }
  field('checked on', before.checked.on, after.checked.on);
  field('how checked', before.checked.how, after.checked.how);
  field('source checked', before.checked.source, after.checked.source);
  const duties = listChanges(before.duties, after.duties, dutyWords);
  for (const d of duties.added) say(`duty added: ${dutyWords(d)}`);
  for (const d of duties.removed) say(`duty removed: ${dutyWords(d)}`);
  const purposes = listChanges(before.restrictions.forbidden_deployment_purposes, after.restrictions.forbidden_deployment_purposes, String);
  if (purposes.added.length > 0) say(`a model trained on its outputs may no longer be deployed for ${purposes.added.join(', ')}`);
  if (purposes.removed.length > 0) say(`a model trained on its outputs may again be deployed for ${purposes.removed.join(', ')}`);
  const uses = listChanges(before.restrictions.use_restrictions, after.restrictions.use_restrictions, String);
  for (const u of uses.added) say(`inherited use restriction added: ${quote(u)}`);
  for (const u of uses.removed) say(`inherited use restriction removed: ${quote(u)}`);
  const conditions = listChanges(before.licensee_conditions ?? [], after.licensee_conditions ?? [], conditionWords);
  for (const c of conditions.added) say(`licensee condition added: ${conditionWords(c)}`);
  for (const c of conditions.removed) say(`licensee condition removed: ${conditionWords(c)}`);
  const allowances = (e: CatalogueEntry) => Object.entries(e.allowances ?? {}).map(([n, a]) => allowanceWords(n, a));
  const allowed = listChanges(allowances(before), allowances(after), String);
  for (const a of allowed.added) say(`${a} added`);
  for (const a of allowed.removed) say(`${a} removed`);
  field('notes', before.notes, after.notes);
  return out;
}

/** Every difference between two catalogue versions, one sentence each; empty when they are the same. */
export function describeCatalogueChanges(before: Catalogue, after: Catalogue): string[] {
  const out: string[] = [];
  const head = (label: string, b: unknown, a: unknown) => {
    if (b !== a) out.push(`The catalogue's ${label} changed from ${quote(b)} to ${quote(a)}.`);
  };
  head('owner', before.catalogue.owner, after.catalogue.owner);
  head('review date', before.catalogue.reviewed_on, after.catalogue.reviewed_on);
  head('next review date', before.catalogue.next_review, after.catalogue.next_review);
  const purposes = new Set([...Object.keys(before.catalogue.deployment_purposes), ...Object.keys(after.catalogue.deployment_purposes)]);
  for (const p of [...purposes].sort()) {
    const b = before.catalogue.deployment_purposes[p];
    const a = after.catalogue.deployment_purposes[p];
    if (b === undefined) out.push(`Deployment purpose "${p}" added: ${quote(a)}.`);
    else if (a === undefined) out.push(`Deployment purpose "${p}" removed (it read ${quote(b)}).`);
    else if (a !== b) out.push(`Deployment purpose "${p}" now reads ${quote(a)}; it read ${quote(b)}.`);
  }
  const ids = new Set([...Object.keys(before.licences), ...Object.keys(after.licences)]);
  for (const id of [...ids].sort()) {
    const b = before.licences[id];
    const a = after.licences[id];
    if (!b) {
      out.push(`Entry "${id}" added: ${a.agreement.name} (${a.agreement.version}) for ${subjectWords(a.subject)}, training class "${a.training}", checked on ${a.checked.on}.`);
    } else if (!a) {
      out.push(`Entry "${id}" removed: ${b.agreement.name} for ${subjectWords(b.subject)}; calls routed to it are no longer trainable.`);
    } else {
      out.push(...entryChanges(id, b, a));
    }
  }
  return out;
}

/** The README's table of the catalogue: entry, what it covers (pinned revision, aliases), agreement, release, class, duties, checked on, source. */
export function catalogueTable(c: Catalogue): string {
  const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const rows = Object.entries(c.licences).map(([id, e]) => {
    const s = e.subject;
    const hosted = hostedWords(s);
    const covers =
      s.kind === 'provider-api'
        ? s.provider_kind
          ? `every ${s.provider_kind} provider (${s.provider}, ${s.terms})`
          : `${s.provider} API (${s.terms})`
        : `${s.model_id} @ ${s.revision}${s.aliases?.length ? ` (also ${s.aliases.join(', ')})` : ''}${hosted ? `; ${hosted}` : ''}`;
    const agreement = `${e.agreement.name}, ${e.agreement.version}${e.agreement.governing_law ? `; governing law: ${e.agreement.governing_law}` : ''}`;
    const released = s.kind === 'checkpoint' && s.released ? s.released : '-';
    const allowances = Object.keys(e.allowances ?? {}).map((n) => `; allowance ${n} (off until turned on)`).join('');
    const duties = e.duties.length === 0 ? 'none' : [...new Set(e.duties.map((d) => `${d.kind} (${d.trigger === 'distribution' ? 'on distribution' : 'on distribution or making available'})`))].join('; ');
    const inherited = e.restrictions.forbidden_deployment_purposes.length > 0 ? `; student may not be deployed for ${e.restrictions.forbidden_deployment_purposes.join(', ')}` : '';
    const conditions = (e.licensee_conditions ?? []).map((k) => (k.kind === 'excluded-region' ? `; no licence for a licensee in ${(k.regions ?? []).join(', ')}` : `; a separate licence above ${k.monthly_active_users} monthly active users`)).join('');
    return `| \`${id}\` | ${cell(covers)} | ${cell(agreement)} | ${released} | ${e.training}${cell(allowances)} | ${cell(duties + inherited + conditions)} | ${e.checked.on} | ${cell(`${e.checked.how}: ${e.checked.source}`)} |`;
  });
  return ['| entry | covers | agreement | released | class | duties and conditions | checked on | source |', '|---|---|---|---|---|---|---|---|', ...rows].join('\n');
}
