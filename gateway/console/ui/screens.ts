// The console's screens, in navigation order. A screen a role may not use is not shown (and the
// API refuses its calls anyway).
import { can } from './api.js';
import { renderAudit } from './audit.js';
import { renderChanges } from './changes.js';
import { renderCompany } from './company.js';
import { renderDistillation } from './distillation.js';
import { renderLicences } from './licences.js';
import { renderOverview } from './overview.js';
import { renderProvenance } from './provenance.js';
import { renderRecord } from './record.js';
import { renderRego } from './rego.js';
import { renderKeys } from './keys.js';
import { renderSpend } from './spend.js';

export interface Screen {
  path: string;
  title: string;
  visible(): boolean;
  render(main: HTMLElement, params: string[]): Promise<void>;
}

const always = () => true;

export const screens: Screen[] = [
  { path: 'overview', title: 'Overview', visible: can.audit, render: (m) => renderOverview(m) },
  { path: 'changes', title: 'Changes', visible: always, render: (m) => renderChanges(m) },
  { path: 'licences', title: 'Licences', visible: always, render: (m) => renderLicences(m) },
  { path: 'rules', title: 'Company rules', visible: always, render: (m) => renderCompany(m) },
  { path: 'rego', title: 'Rego', visible: can.edit, render: (m) => renderRego(m) },
  {
    path: 'audit',
    title: 'Audit log',
    visible: can.audit,
    render: (m, [sub, ...rest]) => (sub === 'record' ? renderRecord(m, rest) : renderAudit(m)),
  },
  { path: 'provenance', title: 'Provenance check', visible: can.audit, render: (m) => renderProvenance(m) },
  { path: 'distillation', title: 'Distillation risk', visible: () => can.audit() || can.edit(), render: (m) => renderDistillation(m) },
  { path: 'spend', title: 'Spend', visible: can.audit, render: (m) => renderSpend(m) },
  { path: 'keys', title: 'Keys', visible: can.admin, render: (m) => renderKeys(m) },
];
