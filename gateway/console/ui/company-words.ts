// A change to the company rules in words, for the side-by-side review: one sentence per difference.
// Pure (no DOM), so the same function is tested in Node.
export interface Team {
  providers: string[];
  models: string[];
  purposes: string[];
  deny_external_data_classes: string[];
  mask_data_classes?: string[];
}

export interface CompanyRules {
  company: {
    purposes: Record<string, string>;
    teams: Record<string, Team>;
    obligations: { watermark: boolean; watermark_exempt_endpoints: string[]; content_logging: string };
    training: { personal_data_trainable_teams: string[]; purposes?: string[]; allowances?: string[] };
    licensee?: { regions: string[]; monthly_active_users: number; separate_licences: string[] };
  };
}

const any = (xs: string[]) => xs.map((x) => (x === '*' ? 'any' : x)).join(', ');

function listChange(subject: string, before: string[], after: string[]): string[] {
  const added = after.filter((x) => !before.includes(x));
  const removed = before.filter((x) => !after.includes(x));
  const out: string[] = [];
  if (added.length) out.push(`${subject}: now also ${any(added)}`);
  if (removed.includes('*')) out.push(`${subject}: no longer any, only those listed`);
  const named = removed.filter((x) => x !== '*');
  if (named.length) out.push(`${subject}: no longer ${any(named)}`);
  return out;
}

const TEAM_FIELDS: Array<[keyof Team, string]> = [
  ['providers', 'may use providers'],
  ['models', 'may use models'],
  ['purposes', 'may declare purposes'],
  ['deny_external_data_classes', 'may not send to external providers'],
  ['mask_data_classes', 'has masked before sending'],
];

export function companyChanges(before: CompanyRules, after: CompanyRules): string[] {
  const b = before.company;
  const a = after.company;
  const out: string[] = [];
  for (const p of Object.keys(a.purposes)) {
    if (!(p in b.purposes)) out.push(`New purpose ${p}: "${a.purposes[p]}"`);
    else if (a.purposes[p] !== b.purposes[p]) out.push(`Purpose ${p} is now described as "${a.purposes[p]}"`);
  }
  for (const p of Object.keys(b.purposes)) if (!(p in a.purposes)) out.push(`Purpose ${p} removed`);
  for (const [name, team] of Object.entries(a.teams)) {
    const old = b.teams[name];
    if (!old) {
      out.push(`New team ${name}: providers ${any(team.providers) || 'none'}; models ${any(team.models) || 'none'}; purposes ${any(team.purposes) || 'none'}`);
      continue;
    }
    for (const [field, words] of TEAM_FIELDS) out.push(...listChange(`Team ${name} ${words}`, old[field] ?? [], team[field] ?? []));
  }
  for (const name of Object.keys(b.teams)) if (!(name in a.teams)) out.push(`Team ${name} removed (its calls will be denied as an unknown team)`);
  if (a.obligations.watermark !== b.obligations.watermark) out.push(`Watermarking of outputs turned ${a.obligations.watermark ? 'on' : 'off'}`);
  out.push(...listChange('Endpoints exempt from watermarking', b.obligations.watermark_exempt_endpoints, a.obligations.watermark_exempt_endpoints));
  if (a.obligations.content_logging !== b.obligations.content_logging) out.push(`Content logging changed from ${b.obligations.content_logging} to ${a.obligations.content_logging}`);
  out.push(...listChange('Teams whose personal data may train our models', b.training.personal_data_trainable_teams, a.training.personal_data_trainable_teams));
  out.push(...listChange('Purposes that produce training data (checked against the licence terms)', b.training.purposes ?? [], a.training.purposes ?? []));
  out.push(...listChange('Licence allowances turned on', b.training.allowances ?? [], a.training.allowances ?? []));
  const none = { regions: [], monthly_active_users: 0, separate_licences: [] };
  const [bl, al] = [b.licensee ?? none, a.licensee ?? none];
  out.push(...listChange('Regions the company is based in', bl.regions, al.regions));
  if (al.monthly_active_users !== bl.monthly_active_users) out.push(`Monthly active users of the company's products changed from ${bl.monthly_active_users} to ${al.monthly_active_users}`);
  out.push(...listChange('Separate licences recorded from the vendor for', bl.separate_licences, al.separate_licences));
  return out;
}
