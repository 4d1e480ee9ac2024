// The licence catalogue's codes in a reader's words, for the table and the form. The catalogue's
// shape is gateway/policy/data/catalogue-schema.ts; its changes in words, gateway/policy/data/catalogue-diff.ts.
import type { CatalogueEntry } from '../../policy/data/catalogue-schema.js';

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

export function subjectWords(e: CatalogueEntry): string {
  const s = e.subject;
  if (s.kind === 'provider-api') return `${s.provider} API (${s.terms} terms)`;
  return `${s.model_id} ${s.revision === 'unpinned' ? '(unpinned)' : `@ ${s.revision}`}${s.aliases?.length ? `, also ${s.aliases.join(', ')}` : ''}`;
}
