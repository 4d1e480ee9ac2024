// Starts a real gateway on the demo configuration in this process: the mock provider on its own
// port, every stage real, data in a fresh temporary directory. For cross-module tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { demoConfig } from '../../gateway/config/demo.js';
import type { Config } from '../../gateway/config/types.js';
import { startMockUpstream } from '../../gateway/mock-upstream/index.js';
import { packageRoot } from '../../gateway/core/package-root.js';
import { startGateway } from '../../gateway/server/start-gateway.js';

export interface DemoGateway {
  url: string;
  key: string;
  adminToken: string;
  runnerToken: string;
  providerKey: string;
  dataDir: string;
  mock: Awaited<ReturnType<typeof startMockUpstream>>;
  config: Config;
  close(): Promise<void>;
}

/** `logs` receives every log line (info and up) the gateway writes; without it the gateway is silent. */
export async function startDemoGateway(adjust: (config: Config) => void = () => {}, opts: { logs?: string[] } = {}): Promise<DemoGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-test-'));
  const secrets = {
    virtualKey: 'tg-test-' + randomBytes(12).toString('hex'),
    adminToken: 'tga-test-' + randomBytes(12).toString('hex'),
    runnerToken: 'tgr-test-' + randomBytes(12).toString('hex'),
    providerKeyEnv: 'TERMSGATE_TEST_PROVIDER_KEY',
  };
  const providerKey = 'sk-provider-' + randomBytes(12).toString('hex');
  process.env[secrets.providerKeyEnv] = providerKey;
  const mock = await startMockUpstream({ port: 0, host: '127.0.0.1', apiKey: providerKey });
  const config = demoConfig({ mockUrl: mock.url, mockPort: mock.port, dataDir, port: 0, host: '127.0.0.1', secrets });
  config.policy.dir = join(packageRoot, 'policies');
  adjust(config);
  const logs = opts.logs;
  const gateway = await startGateway(config, logs ? { logLevel: 'info', logDestination: { write: (line: string) => void logs.push(line) } } : { logLevel: 'silent' });
  return {
    url: gateway.url,
    key: secrets.virtualKey,
    adminToken: secrets.adminToken,
    runnerToken: secrets.runnerToken,
    providerKey,
    dataDir,
    mock,
    config,
    async close() {
      await gateway.close();
      await mock.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
