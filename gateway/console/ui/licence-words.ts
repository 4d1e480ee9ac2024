// The licence catalogue (policies/data/licences.json) for readers: what each training class means, and
// a change to the catalogue in words. Pure (no DOM), tested in Node.
export interface Duty {
  kind: string;
  text: string;
  trigger: string;
  prefix?: string;
}

export interface LicenceEntry {
  subject: { kind: 'provider-api'; provider: string; terms: string } | { kind: 'checkpoint'; model_id: string; revision: string };
  agreement: { name: string; version: string; effective?: string };
  url: string;
  clauses: Array<{ section: string; text: string }>;
  checked: { on: string; how: string; source: string };
  training: string;
  duties: Duty[];
  restrictions: { forbidden_deployment_purposes: string[]; use_restrictions: string[] };
  notes: string;
}

export interface Catalogue {
  catalogue?: unknown;
  licences: Record<string, LicenceEntry>;
}

export const TRAINING_WORDS: Record<string, string> = {
  free: 'Yes',
  'duties-on-distribution': 'Yes, with duties when the trained model is shared',
  'derivatives-inherit': 'Yes; the trained model inherits the licence’s use restrictions',
  'non-commercial': 'Only for non-commercial use',
  'not-for-competing-models': 'No: not for models that compete with the provider',
  never: 'No',
};

export const CHECK_WORDS: Record<string, string> = {
  'repository-file': 'read in the model repository’s licence file',
  'archived-copy': 'read in an archived copy',
  'secondary-copy': 'read in copies quoted elsewhere',
  'not-found': 'text not found',
};

export const TRIGGER_WORDS: Record<string, string> = {
  distribution: 'when the trained model is distributed',
  'distribution-or-made-available': 'when the trained model is distributed or offered as a service',
};

export function subjectWords(e: LicenceEntry): string {
  return e.subject.kind === 'provider-api' ? `${e.subject.provider} API (${e.subject.terms} terms)` : `${e.subject.model_id}${e.subject.revision === 'unpinned' ? '' : ` @ ${e.subject.revision}`}`;
}

const FIELDS: Array<[string, (e: LicenceEntry) => string]> = [
  ['agreement', (e) => `${e.agreement.name}, ${e.agreement.version}${e.agreement.effective ? ` (effective ${e.agreement.effective})` : ''}`],
  ['source URL', (e) => e.url],
  ['quoted clauses', (e) => e.clauses.map((c) => `${c.section}: “${c.text}”`).join(' | ')],
  ['check', (e) => `on ${e.checked.on}, ${CHECK_WORDS[e.checked.how] ?? e.checked.how}: ${e.checked.source}`],
  ['duties', (e) => e.duties.map((d) => `${d.kind} ${TRIGGER_WORDS[d.trigger] ?? d.trigger}: ${d.text}`).join(' | ') || 'none'],
  ['forbidden deployment purposes', (e) => e.restrictions.forbidden_deployment_purposes.join(', ') || 'none'],
  ['use restrictions', (e) => e.restrictions.use_restrictions.join(' | ') || 'none'],
  ['notes', (e) => e.notes],
];

export function licenceChanges(before: Catalogue, after: Catalogue): string[] {
  const out: string[] = [];
  for (const [id, e] of Object.entries(after.licences)) {
    const old = before.licences[id];
    if (!old) {
      out.push(`New licence ${id} for ${subjectWords(e)}: may train: ${TRAINING_WORDS[e.training] ?? e.training}`);
      continue;
    }
    if (old.training !== e.training) out.push(`Licence ${id}: may train changes from “${TRAINING_WORDS[old.training] ?? old.training}” to “${TRAINING_WORDS[e.training] ?? e.training}”`);
    if (subjectWords(old) !== subjectWords(e)) out.push(`Licence ${id}: now applies to ${subjectWords(e)} (was ${subjectWords(old)})`);
    for (const [name, words] of FIELDS) if (words(old) !== words(e)) out.push(`Licence ${id}: ${name} now ${words(e)}`);
  }
  for (const id of Object.keys(before.licences)) if (!(id in after.licences)) out.push(`Licence ${id} removed (calls under it will be treated as an unknown licence)`);
  return out;
}
