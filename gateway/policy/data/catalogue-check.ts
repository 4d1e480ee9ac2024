// Checks of the licence catalogue that a JSON Schema cannot express: no date after today, restrictions
// drawn from the declared deployment purposes, cited clauses that exist, and every configured model covered
// by an entry for what it actually calls (model id or alias, at the pinned revision). Pure: the caller reads
// the files and supplies today's date.
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Config } from '../../config/types.js';
import { catalogueSchema, type Catalogue } from './catalogue-schema.js';
import type { CompanyRules } from './company-schema.js';
import { servedFindings } from './served-models.js';

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
  const declared = (path: string, list: string[]) => {
    for (const p of list) if (!purposes.has(p)) problems.push(`${path}: "${p}" is not a declared deployment purpose`);
  };
  for (const [id, entry] of Object.entries(value.licences)) {
    const quoted = (path: string, clause: number) => {
      if (clause >= entry.clauses.length) problems.push(`${path}: clause ${clause} is not one of the entry's ${entry.clauses.length} quoted clauses`);
    };
    future(`/licences/${id}/checked/on`, entry.checked.on);
    future(`/licences/${id}/agreement/effective`, entry.agreement.effective);
    if (entry.subject.kind === 'checkpoint') future(`/licences/${id}/subject/released`, entry.subject.released);
    declared(`/licences/${id}/restrictions`, entry.restrictions.forbidden_deployment_purposes);
    (entry.licensee_conditions ?? []).forEach((c, i) => quoted(`/licences/${id}/licensee_conditions/${i}`, c.clause));
    for (const [name, a] of Object.entries(entry.allowances ?? {})) {
      quoted(`/licences/${id}/allowances/${name}`, a.clause);
      declared(`/licences/${id}/allowances/${name}/restrictions`, a.restrictions.forbidden_deployment_purposes);
    }
  }
  return problems;
}

/** Configured models that the catalogue does not cover, each with the reason. */
export function uncoveredModels(config: Pick<Config, 'providers' | 'models'>, catalogue: Catalogue): string[] {
  const served = Object.entries(config.models).map(([name, model]) => {
    const provider = config.providers[model.provider];
    const external = provider?.external ?? provider?.kind !== 'openai-compatible';
    return { name, provider: model.provider, provider_kind: provider?.kind ?? '', external, upstream_model: model.upstreamModel, revision: model.revision ?? '', licence: model.licence ?? provider?.licence ?? '' };
  });
  return servedFindings(served, catalogue);
}

/**
 * References from the company rules into the catalogue: an allowance turned on must exist (a misspelt one
 * would silently stay off) and admit only company purposes that produce training data; a separate licence
 * must name an entry.
 */
export function companyCatalogueProblems(rules: CompanyRules, catalogue: Catalogue): string[] {
  const problems: string[] = [];
  const trainingPurposes = new Set(rules.company.training.purposes ?? ['training-data']);
  for (const ref of rules.company.training.allowances ?? []) {
    const [entry, name] = ref.split('/');
    const allowance = catalogue.licences[entry]?.allowances?.[name];
    if (!allowance) {
      problems.push(`/company/training/allowances: "${ref}" is not an allowance of the licence catalogue`);
      continue;
    }
    for (const p of allowance.purposes) {
      if (!trainingPurposes.has(p)) problems.push(`/company/training/allowances: "${ref}" admits purpose "${p}", which is not one of company.training.purposes`);
    }
  }
  for (const id of rules.company.licensee.separate_licences) {
    if (!(id in catalogue.licences)) problems.push(`/company/licensee/separate_licences: "${id}" is not an entry of the licence catalogue`);
  }
  return problems;
}
