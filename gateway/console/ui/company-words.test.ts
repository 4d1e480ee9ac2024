// The company-rules diff in words: every difference is named once, and no difference gives no words.
import t from 'tap';
import fc from 'fast-check';
import { companyChanges, type CompanyRules } from './company-words.js';

const base = (): CompanyRules => ({
  company: {
    purposes: { general: 'Everyday work.', 'training-data': 'Training data.' },
    teams: {
      'ml-research': { providers: ['*'], models: ['*'], purposes: ['general'], deny_external_data_classes: ['pii.card'] },
      support: { providers: ['vllm'], models: ['qwen2.5-7b-instruct'], purposes: ['general'], deny_external_data_classes: [] },
    },
    obligations: { watermark: true, watermark_exempt_endpoints: ['embeddings'], content_logging: 'full' },
    training: { personal_data_trainable_teams: [] },
  },
});

t.test('a team restricted to one model, and a new trainable team', async (t) => {
  const after = base();
  after.company.teams['ml-research'].models = ['gpt-4o-mini'];
  after.company.training.personal_data_trainable_teams = ['support'];
  after.company.obligations.content_logging = 'redacted';
  t.same(companyChanges(base(), after), [
    'Team ml-research may use models: now also gpt-4o-mini',
    'Team ml-research may use models: no longer any, only those listed',
    'Content logging changed from full to redacted',
    'Teams whose personal data may train our models: now also support',
  ]);
});

t.test('removed team and purpose are named', async (t) => {
  const after = base();
  delete after.company.teams.support;
  delete after.company.purposes['training-data'];
  t.same(companyChanges(base(), after), ['Purpose training-data removed', 'Team support removed (its calls will be denied as an unknown team)']);
});

t.test('property: no words exactly when the lists hold the same members', async () => {
  const names = fc.uniqueArray(fc.constantFrom('*', 'a', 'b', 'c', 'd'), { maxLength: 4 });
  fc.assert(
    fc.property(names, names, (x, y) => {
      const before = base();
      const after = base();
      before.company.teams.support.models = x;
      after.company.teams.support.models = y;
      const same = x.length === y.length && x.every((m) => y.includes(m));
      return (companyChanges(before, after).length === 0) === same;
    }),
  );
});

t.test('allowances and the company as a licensee are described', async (t) => {
  const before = base();
  before.company.licensee = { regions: [], monthly_active_users: 0, separate_licences: [] };
  const after = base();
  after.company.training.allowances = ['openai-services-agreement/permitted-exception'];
  after.company.licensee = { regions: ['EU'], monthly_active_users: 150_000_000, separate_licences: ['qwen2.5-72b-instruct'] };
  t.same(companyChanges(before, after), [
    'Licence allowances turned on: now also openai-services-agreement/permitted-exception',
    'Regions the company is based in: now also EU',
    "Monthly active users of the company's products changed from 0 to 150000000",
    'Separate licences recorded from the vendor for: now also qwen2.5-72b-instruct',
  ]);
});
