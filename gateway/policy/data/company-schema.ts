// JSON Schema of policies/data/company.json, the company's own rules. The policy build checks the file
// against it (and the cross-references JSON Schema cannot express) before Rego ever reads it.
const names = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true } as const;
const dataClass = { type: 'string', pattern: '^(pii|secret)\\.[a-z_]+$' } as const;

export const ENDPOINTS = ['chat.completions', 'responses', 'completions', 'embeddings', 'messages', 'models'] as const;
export const CONTENT_LOGGING = ['full', 'redacted', 'digest'] as const;

export const companySchema = {
  type: 'object',
  required: ['company'],
  additionalProperties: false,
  properties: {
    company: {
      type: 'object',
      required: ['purposes', 'teams', 'obligations', 'training', 'licensee'],
      additionalProperties: false,
      properties: {
        purposes: {
          type: 'object',
          propertyNames: { pattern: '^[a-z0-9][a-z0-9_-]*$' },
          additionalProperties: { type: 'string' },
        },
        teams: {
          type: 'object',
          propertyNames: { pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' },
          additionalProperties: {
            type: 'object',
            required: ['providers', 'models', 'purposes', 'deny_external_data_classes'],
            additionalProperties: false,
            properties: {
              providers: names,
              models: names,
              purposes: names,
              deny_external_data_classes: { type: 'array', items: dataClass, uniqueItems: true },
              // Masked in the forwarded body instead of refused (policies/request/masking.rego).
              mask_data_classes: { type: 'array', items: dataClass, uniqueItems: true },
            },
          },
        },
        obligations: {
          type: 'object',
          required: ['watermark', 'watermark_exempt_endpoints', 'content_logging'],
          additionalProperties: false,
          properties: {
            watermark: { type: 'boolean' },
            watermark_exempt_endpoints: { type: 'array', items: { enum: ENDPOINTS }, uniqueItems: true },
            content_logging: { enum: CONTENT_LOGGING },
          },
        },
        training: {
          type: 'object',
          required: ['personal_data_trainable_teams'],
          additionalProperties: false,
          // purposes: the purposes that produce training data, checked against the licence terms.
          // allowances: the catalogue's narrow permissions the legal team has turned on, as "<entry>/<allowance>".
          properties: {
            personal_data_trainable_teams: names,
            purposes: names,
            allowances: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]*/[a-z0-9][a-z0-9.-]*$' }, uniqueItems: true },
          },
        },
        // The company as a licensee, for licences that exclude some licensees outright (licensee_conditions).
        licensee: {
          type: 'object',
          required: ['regions', 'monthly_active_users', 'separate_licences'],
          additionalProperties: false,
          properties: {
            // Where the company is domiciled or has its principal place of business, as licences name regions ("EU").
            regions: { type: 'array', items: { type: 'string', pattern: '^[A-Z]{2,3}$' }, uniqueItems: true },
            // Monthly active users of the company's products and services, as licence thresholds count them.
            monthly_active_users: { type: 'integer', minimum: 0 },
            // Catalogue entries for which the company holds a separate licence from the vendor (lifts their licensee conditions).
            separate_licences: names,
          },
        },
      },
    },
  },
} as const;

export interface CompanyRules {
  company: {
    purposes: Record<string, string>;
    teams: Record<string, { providers: string[]; models: string[]; purposes: string[]; deny_external_data_classes: string[]; mask_data_classes?: string[] }>;
    obligations: { watermark: boolean; watermark_exempt_endpoints: string[]; content_logging: (typeof CONTENT_LOGGING)[number] };
    training: { personal_data_trainable_teams: string[]; purposes?: string[]; allowances?: string[] };
    licensee: { regions: string[]; monthly_active_users: number; separate_licences: string[] };
  };
}

/** References between parts of the file: a team's purposes must exist, trainable teams must be teams. */
export function crossReferenceProblems(rules: CompanyRules): string[] {
  const problems: string[] = [];
  const { purposes, teams, training } = rules.company;
  for (const [team, t] of Object.entries(teams)) {
    for (const p of t.purposes) if (p !== '*' && !(p in purposes)) problems.push(`/company/teams/${team}/purposes: purpose "${p}" is not one of the company's purposes`);
  }
  for (const team of training.personal_data_trainable_teams) {
    if (!(team in teams)) problems.push(`/company/training/personal_data_trainable_teams: "${team}" is not a team`);
  }
  for (const p of training.purposes ?? []) {
    if (!(p in purposes)) problems.push(`/company/training/purposes: purpose "${p}" is not one of the company's purposes`);
  }
  return problems;
}
