// A fleet in an end-to-end test: gateway processes (dist/gateway/cli/main.js start, so `npx tsc` first)
// in front of one mock provider, sharing a PostgreSQL schema of the test's own, dropped at the end.
// Needs the PostgreSQL of scripts/setup-services.sh (or TERMSGATE_TEST_PG).
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '../../gateway/config/types.js';
import { demoConfig } from '../../gateway/config/demo.js';
import { packageRoot } from '../../gateway/core/package-root.js';
import { startMockUpstream, type MockUpstream } from '../../gateway/mock-upstream/index.js';
import { startGatewayProcess } from './gateway-process.js';

export const PG_URL = process.env.TERMSGATE_TEST_PG ?? 'postgres://termsgate:termsgate@127.0.0.1:54329/termsgate';

export interface Fleet {
  mock: MockUpstream;
  /** The schema every replica shares. */
  schema: string;
  virtualKey: string;
  adminToken: string;
  /** Starts one replica on the shipped policies; `share` points the configuration at the fleet's PostgreSQL. */
  startReplica(t: Tap.Test, share: (config: Config) => void): Promise<{ url: string; dataDir: string }>;
}

export async function startFleet(t: Tap.Test, name: string): Promise<Fleet> {
  const providerKey = 'sk-provider-' + randomBytes(8).toString('hex');
  const virtualKey = `tg-${name}-` + randomBytes(12).toString('hex');
  const adminToken = `tga-${name}-` + randomBytes(12).toString('hex');
  const schema = `tg_${name.replace(/-/g, '_')}_` + randomBytes(4).toString('hex');
  const mock = await startMockUpstream({ port: 0, host: '127.0.0.1', apiKey: providerKey });
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  t.teardown(async () => {
    await mock.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });
  return {
    mock,
    schema,
    virtualKey,
    adminToken,
    async startReplica(t, share) {
      const dataDir = mkdtempSync(join(tmpdir(), `termsgate-${name}-`));
      const config = demoConfig({
        mockUrl: mock.url,
        mockPort: mock.port,
        dataDir,
        port: 0,
        host: '127.0.0.1',
        secrets: { virtualKey, adminToken, runnerToken: `tgr-${name}-` + randomBytes(12).toString('hex'), providerKeyEnv: 'TERMSGATE_FLEET_PROVIDER_KEY' },
      });
      config.policy.dir = join(packageRoot, 'policies');
      share(config);
      return { url: await startGatewayProcess(t, config, { TERMSGATE_FLEET_PROVIDER_KEY: providerKey }), dataDir };
    },
  };
}
