// JSON Schema of the licence catalogue (policies/data/licences.json): legal data owned by the legal team.
// An entry names what is called (a provider's API under a named agreement, or one open-weight checkpoint),
// the agreement and its version, the quoted clauses, when and how they were checked, the training class,
// the duties and when they trigger, and the use restrictions a student model inherits.

export const TRAINING_CLASSES = [
  'free',
  'duties-on-distribution',
  'not-for-competing-models',
  'never',
  'derivatives-inherit',
  'non-commercial',
] as const;

export type TrainingClass = (typeof TRAINING_CLASSES)[number];

/** How an entry's quotes were checked; "not-found" entries never permit training. */
export const CHECK_METHODS = ['repository-file', 'archived-copy', 'secondary-copy', 'not-found'] as const;

export const DUTY_KINDS = ['attribution', 'naming', 'notice', 'licence-copy', 'use-restrictions'] as const;

/** When a duty binds: distributing the student (or its weights), or also making it available as a service. */
export const DUTY_TRIGGERS = ['distribution', 'distribution-or-made-available'] as const;

const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' } as const;
const text = { type: 'string', minLength: 1 } as const;
const id = { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]*$' } as const;
const modelId = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$' } as const;
/** Index into the entry's clauses: the quote a rule cites. */
const clauseIndex = { type: 'integer', minimum: 0 } as const;

/** Provider kinds that resell other vendors' models under the cloud's own terms. */
export const CLOUD_KINDS = ['azure-openai', 'bedrock'] as const;

const providerSubject = {
  type: 'object',
  required: ['kind', 'provider', 'terms'],
  additionalProperties: false,
  properties: {
    kind: { const: 'provider-api' },
    /** The vendor whose terms these are (openai, anthropic, google, mistral, xai, microsoft, aws, …). */
    provider: id,
    /** Which of the vendor's agreements: its business/API terms or its consumer terms. */
    terms: { enum: ['business', 'consumer'] },
    /**
     * A cloud's own terms: they cover every external provider of this kind, whatever its configured name, and
     * bind every call through such a provider besides the entry the model names (the stricter class wins).
     */
    provider_kind: { enum: CLOUD_KINDS },
  },
} as const;

const checkpointSubject = {
  type: 'object',
  required: ['kind', 'model_id', 'revision'],
  additionalProperties: false,
  properties: {
    kind: { const: 'checkpoint' },
    /** The model repository id, as served (e.g. "meta-llama/Llama-3.1-8B-Instruct"). */
    model_id: modelId,
    /** The commit the licence was checked at (full or abbreviated), or "unpinned" when the entry covers every revision. */
    revision: { type: 'string', pattern: '^(unpinned|[0-9a-f]{7,40})$' },
    /** Other repository ids of the same checkpoint (e.g. after an organisation was renamed); matched like model_id. */
    aliases: { type: 'array', items: modelId, uniqueItems: true },
    /** When the checkpoint was published (not the date of its licence text). */
    released: date,
    /** The ids a cloud serves this checkpoint under, per provider kind (e.g. Bedrock's "meta.llama3-1-8b-instruct-v1:0"). */
    hosted: {
      type: 'object',
      propertyNames: { enum: CLOUD_KINDS },
      additionalProperties: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9][a-z0-9.:-]*$' }, minItems: 1, uniqueItems: true },
    },
  },
} as const;

const duty = {
  type: 'object',
  required: ['kind', 'text', 'trigger'],
  additionalProperties: false,
  properties: {
    kind: { enum: DUTY_KINDS },
    text,
    trigger: { enum: DUTY_TRIGGERS },
    /** For naming duties: the prefix the student's name must begin with. */
    prefix: text,
  },
  if: { properties: { kind: { const: 'naming' } } },
  then: { required: ['prefix'] },
  else: { not: { required: ['prefix'] } },
} as const;

/** What a model trained on the outputs inherits: purposes it may not be deployed for, and use restrictions. */
const restrictions = {
  type: 'object',
  required: ['forbidden_deployment_purposes', 'use_restrictions'],
  additionalProperties: false,
  properties: {
    forbidden_deployment_purposes: { type: 'array', items: id, uniqueItems: true },
    use_restrictions: { type: 'array', items: text },
  },
} as const;

/** Who the licence does not cover at all: a region the licensee is based in, or a user count above a threshold. */
export const LICENSEE_CONDITION_KINDS = ['excluded-region', 'user-threshold'] as const;

const licenseeCondition = {
  type: 'object',
  required: ['kind', 'clause', 'text'],
  additionalProperties: false,
  properties: {
    kind: { enum: LICENSEE_CONDITION_KINDS },
    clause: clauseIndex,
    text,
    /** excluded-region: regions (as company.licensee.regions names them, e.g. "EU") the licence grants nothing in. */
    regions: { type: 'array', items: { type: 'string', pattern: '^[A-Z]{2,3}$' }, minItems: 1, uniqueItems: true },
    /** user-threshold: monthly active users above which a separate licence is needed, whenever they are crossed. */
    monthly_active_users: { type: 'integer', minimum: 1 },
  },
  allOf: [
    { if: { properties: { kind: { const: 'excluded-region' } } }, then: { required: ['regions'], not: { required: ['monthly_active_users'] } } },
    { if: { properties: { kind: { const: 'user-threshold' } } }, then: { required: ['monthly_active_users'], not: { required: ['regions'] } } },
  ],
} as const;

/** A narrow permission inside a refusing licence (e.g. OpenAI's Permitted Exception): off until the company turns it on. */
const allowance = {
  type: 'object',
  required: ['clause', 'text', 'purposes', 'restrictions'],
  additionalProperties: false,
  properties: {
    clause: clauseIndex,
    /** What it allows, in words. */
    text,
    /** The company purposes (company.json) whose calls it admits and whose outputs it lets train a model. */
    purposes: { type: 'array', items: id, minItems: 1, uniqueItems: true },
    /** What a model trained under the allowance inherits. */
    restrictions,
  },
} as const;

const entry = {
  type: 'object',
  required: ['subject', 'agreement', 'url', 'clauses', 'checked', 'training', 'duties', 'restrictions', 'notes'],
  additionalProperties: false,
  properties: {
    subject: { oneOf: [providerSubject, checkpointSubject] },
    agreement: {
      type: 'object',
      required: ['name', 'version'],
      additionalProperties: false,
      // effective: the date the agreement's text bears; governing_law: the law and courts it names.
      properties: { name: text, version: text, effective: date, governing_law: text },
    },
    url: { type: 'string', format: 'uri', pattern: '^https://' },
    clauses: {
      type: 'array',
      items: {
        type: 'object',
        required: ['section', 'text'],
        additionalProperties: false,
        properties: { section: text, text },
      },
    },
    checked: {
      type: 'object',
      required: ['on', 'how', 'source'],
      additionalProperties: false,
      properties: { on: date, how: { enum: CHECK_METHODS }, source: text },
    },
    training: { enum: TRAINING_CLASSES },
    duties: { type: 'array', items: duty },
    restrictions,
    licensee_conditions: { type: 'array', items: licenseeCondition },
    allowances: { type: 'object', propertyNames: id, additionalProperties: allowance },
    notes: text,
  },
  // Quotes are required unless the entry says the text was not found.
  if: { properties: { checked: { properties: { how: { const: 'not-found' } } } } },
  then: { properties: { clauses: { maxItems: 0 } } },
  else: { properties: { clauses: { minItems: 1 } } },
} as const;

export const catalogueSchema = {
  $id: 'https://termsgate.dev/schema/licences.json',
  type: 'object',
  required: ['catalogue', 'licences'],
  additionalProperties: false,
  properties: {
    catalogue: {
      type: 'object',
      required: ['owner', 'reviewed_on', 'next_review', 'deployment_purposes'],
      additionalProperties: false,
      properties: {
        owner: text,
        reviewed_on: date,
        next_review: date,
        deployment_purposes: { type: 'object', minProperties: 1, propertyNames: id, additionalProperties: text },
      },
    },
    licences: { type: 'object', propertyNames: id, additionalProperties: entry },
  },
} as const;

type Restrictions = { forbidden_deployment_purposes: string[]; use_restrictions: string[] };

export interface LicenseeCondition {
  kind: (typeof LICENSEE_CONDITION_KINDS)[number];
  clause: number;
  text: string;
  regions?: string[];
  monthly_active_users?: number;
}

export interface Allowance {
  clause: number;
  text: string;
  purposes: string[];
  restrictions: Restrictions;
}

export interface CatalogueEntry {
  subject:
    | { kind: 'provider-api'; provider: string; terms: 'business' | 'consumer'; provider_kind?: (typeof CLOUD_KINDS)[number] }
    | { kind: 'checkpoint'; model_id: string; revision: string; aliases?: string[]; released?: string; hosted?: Partial<Record<(typeof CLOUD_KINDS)[number], string[]>> };
  agreement: { name: string; version: string; effective?: string; governing_law?: string };
  url: string;
  clauses: { section: string; text: string }[];
  checked: { on: string; how: (typeof CHECK_METHODS)[number]; source: string };
  training: TrainingClass;
  duties: { kind: (typeof DUTY_KINDS)[number]; text: string; trigger: (typeof DUTY_TRIGGERS)[number]; prefix?: string }[];
  restrictions: Restrictions;
  licensee_conditions?: LicenseeCondition[];
  allowances?: Record<string, Allowance>;
  notes: string;
}

export interface Catalogue {
  catalogue: { owner: string; reviewed_on: string; next_review: string; deployment_purposes: Record<string, string> };
  licences: Record<string, CatalogueEntry>;
}
