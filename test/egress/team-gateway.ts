// The demo gateway with its key moved into a team of the test's own (a copy of the policies with that
// team added, like the demo team but for `rules`): how the egress tests set up a team that refuses or
// masks some data classes.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../gateway/config/types.js';
import { packageRoot } from '../../gateway/core/package-root.js';
import { startDemoGateway, type DemoGateway } from '../support/demo-gateway.js';

export async function startTeamGateway(t: Tap.Test, team: string, rules: Record<string, unknown>, adjust: (config: Config) => void = () => {}): Promise<DemoGateway> {
  const policyDir = mkdtempSync(join(tmpdir(), `termsgate-${team}-policies-`));
  cpSync(join(packageRoot, 'policies'), policyDir, { recursive: true });
  const companyFile = join(policyDir, 'data/company.json');
  const company = JSON.parse(readFileSync(companyFile, 'utf8'));
  company.company.teams[team] = { ...company.company.teams.demo, ...rules };
  writeFileSync(companyFile, JSON.stringify(company, null, 2));
  const gw = await startDemoGateway((config) => {
    config.policy.dir = policyDir;
    config.keys[0].team = team;
    adjust(config);
  });
  t.teardown(async () => {
    await gw.close();
    rmSync(policyDir, { recursive: true, force: true });
  });
  return gw;
}
