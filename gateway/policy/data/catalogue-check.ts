// Checks of the licence catalogue that a JSON Schema cannot express: no date after today, restrictions
// drawn from the declared deployment purposes, and every configured model covered by an entry for what
// it actually calls. Pure: the caller reads the files and supplies today's date.
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Config } from '../../config/types.js';
import { catalogueSchema, type Catalogue } from './catalogue-schema.js';

// ajv-formats is published as CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const validate = addFormats(new Ajv({ allErrors: true, strict: false })).compile<Catalogue>(catalogueSchema);

const schemaErrors = () => (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);

/** Where the value does not have the catalogue's shape (its JSON Schema); empty when it does. */
export function catalogueShapeProblems(value: unknown): string[] {
  return validate(value) ? [] : schemaErrors();
}

/** Problems with the catalogue, each naming the field; empty when it is sound. `today` is YYYY-MM-DD. */
export function catalogueProblems(value: unknown, today: string): string[] {
  if (!validate(value)) return schemaErrors();
  const problems: string[] = [];
  const future = (path: string, date: string | undefined) => {
    if (date !== undefined && date > today) problems.push(`${path}: ${date} is after today (${today})`);
  };
  future('/catalogue/reviewed_on', value.catalogue.reviewed_on);
  if (value.catalogue.next_review <= value.catalogue.reviewed_on) {
    problems.push(`/catalogue/next_review: ${value.catalogue.next_review} is not after reviewed_on`);
  }
  const purposes = new Set(Object.keys(value.catalogue.deployment_purposes));
  for (const [id, entry] of Object.entries(value.licences)) {
    future(`/licences/${id}/checked/on`, entry.checked.on);
    future(`/licences/${id}/agreement/effective`, entry.agreement.effective);
    for (const p of entry.restrictions.forbidden_deployment_purposes) {
      if (!purposes.has(p)) problems.push(`/licences/${id}/restrictions: "${p}" is not a declared deployment purpose`);
    }
  }
  return problems;
}

/** Configured models that the catalogue does not cover, each with the reason. */
export function uncoveredModels(config: Pick<Config, 'providers' | 'models'>, catalogue: Catalogue): string[] {
  const problems: string[] = [];
  for (const [name, model] of Object.entries(config.models)) {
    const provider = config.providers[model.provider];
    const id = model.licence ?? provider?.licence;
    const entry = id === undefined ? undefined : catalogue.licences[id];
    if (!entry) {
      problems.push(`${name}: licence ${id ?? '(none)'} is not in the catalogue`);
      continue;
    }
    const external = provider?.external ?? provider?.kind !== 'openai-compatible';
    const subject = entry.subject;
    if (subject.kind === 'provider-api' && !external) {
      problems.push(`${name}: ${id} is a provider's terms, but the model is self-hosted`);
    } else if (subject.kind === 'provider-api' && subject.provider !== model.provider) {
      problems.push(`${name}: ${id} is ${subject.provider}'s terms, but the model is served by provider "${model.provider}"`);
    } else if (subject.kind === 'checkpoint' && subject.model_id !== model.upstreamModel) {
      problems.push(`${name}: ${id} covers ${subject.model_id}, not ${model.upstreamModel}`);
    } else if (subject.kind === 'checkpoint' && subject.revision !== 'unpinned' && subject.revision !== model.revision) {
      problems.push(`${name}: ${id} covers revision ${subject.revision}, not ${model.revision ?? '(unpinned)'}`);
    }
  }
  return problems;
}
