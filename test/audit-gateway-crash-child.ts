// Child of the gateway crash test: a real gateway on the demo configuration against the test's mock
// provider and data directory; prints its URL, then serves until it is killed.
import { join } from 'node:path';
import { demoConfig } from '../gateway/config/demo.js';
import { packageRoot } from '../gateway/core/package-root.js';
import { startGateway } from '../gateway/server/start-gateway.js';

const [dataDir, mockUrl, mockPort, virtualKey] = process.argv.slice(2);
const config = demoConfig({
  mockUrl,
  mockPort: Number(mockPort),
  dataDir,
  port: 0,
  host: '127.0.0.1',
  secrets: { virtualKey, adminToken: 'tga-crash-admin-token-0000', runnerToken: 'tgr-crash-runner-token-0000', providerKeyEnv: 'TERMSGATE_CRASH_PROVIDER_KEY' },
});
config.policy.dir = join(packageRoot, 'policies');
const gw = await startGateway(config, { logLevel: 'silent' });
process.stdout.write(`${gw.url}\n`);
