// `termsgate start [--config FILE] [--port N] [--host H] [--data-dir DIR] [--workers N] [--demo]`.
// With no configuration (or --demo) it starts the built-in mock provider on its own port and
// generates a configuration pointing at it; from there on the gateway runs its normal code path.
// With server.workers > 1 this process is the cluster primary (gateway/server/workers.ts) and each worker
// runs this same command as a single gateway on the shared port.
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { newSecret } from '../core/secret-hash.js';
import { ConfigError, loadConfigFile } from '../config/load.js';
import { DEMO_AWS_REGION, demoConfig, type DemoSecrets } from '../config/demo.js';
import type { Config } from '../config/types.js';
import { workersRefusal } from '../config/workers.js';
import { loadOrCreateSigningKeys } from '../signing/keys.js';
import { startMockUpstream } from '../mock-upstream/index.js';
import { packageRoot } from '../core/package-root.js';
import { startGateway } from '../server/start-gateway.js';
import { startFleet, workerSlot, type WorkerMessage } from '../server/workers.js';
import { CliError, command, integer, type Parsed } from './args.js';

const options = {
  config: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  workers: { type: 'string' },
  demo: { type: 'boolean', default: false },
} as const;

const cli = command({
  name: 'termsgate start',
  synopsis: 'termsgate start [--config FILE] [--port N] [--host H] [--data-dir DIR] [--workers N] [--demo]',
  detail: 'without --config (or $TERMSGATE_CONFIG), or with --demo: the built-in mock provider, and demo keys printed',
  options,
  run: ({ values }) => serve(values),
});

export const run = (args: string[]): Promise<number> => cli.run(args);

async function serve(values: Parsed<typeof options>['values']): Promise<number> {
  const port = values.port !== undefined ? integer(values.port, 'port', 0, 65535) : undefined;
  const configFile = values.config ?? process.env.TERMSGATE_CONFIG;
  const closers: Array<() => Promise<void>> = [];
  let config: Config;
  let demo: { secrets: DemoSecrets; mockUrl: string } | null = null;
  if (configFile && !values.demo) {
    try {
      config = loadConfigFile(configFile);
    } catch (err) {
      if (err instanceof ConfigError) throw new CliError(`invalid configuration: ${err.message}`);
      throw err;
    }
    if (port !== undefined) config.server.port = port;
    if (values.host) config.server.host = values.host;
    if (values['data-dir']) config.dataDir = resolve(values['data-dir']);
  } else {
    const secrets: DemoSecrets = {
      virtualKey: process.env.TERMSGATE_DEMO_KEY ?? newSecret('tg-demo-'),
      adminToken: process.env.TERMSGATE_DEMO_ADMIN_TOKEN ?? newSecret('tga-demo-'),
      runnerToken: process.env.TERMSGATE_DEMO_RUNNER_TOKEN ?? newSecret('tgr-demo-'),
      providerKeyEnv: 'TERMSGATE_DEMO_PROVIDER_KEY',
    };
    process.env[secrets.providerKeyEnv] = 'mock-' + randomBytes(16).toString('hex');
    // The demo's Bedrock model signs for the mock with the demo's own AWS credentials: the chain reads the
    // environment's keys before any profile, and a developer's session token would be sent with them.
    const aws = { accessKeyId: 'AKIA' + randomBytes(8).toString('hex').toUpperCase(), secretAccessKey: randomBytes(30).toString('base64'), region: DEMO_AWS_REGION };
    process.env.AWS_ACCESS_KEY_ID = aws.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = aws.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    const host = values.host ?? '127.0.0.1';
    const mock = await startMockUpstream({ port: 0, host: '127.0.0.1', apiKey: process.env[secrets.providerKeyEnv], aws });
    closers.push(() => mock.close());
    config = demoConfig({
      mockUrl: mock.url,
      mockPort: mock.port,
      dataDir: resolve(values['data-dir'] ?? './data'),
      port: port ?? 8080,
      host,
      secrets,
    });
    demo = { secrets, mockUrl: mock.url };
  }
  if (!existsSync(config.policy.dir)) config.policy.dir = resolve(packageRoot, 'policies');
  if (values.workers !== undefined) config.server.workers = integer(values.workers, 'workers', 1, 64);
  const refusal = workersRefusal(config, config.server.workers);
  if (refusal || (cluster.isPrimary && config.server.workers > 1)) {
    // Refused (the demo always is: it runs on the file stores), or the primary, which serves nothing itself.
    for (const close of closers) await close();
    if (refusal) throw new CliError(`invalid configuration: ${refusal.field}: ${refusal.reason}`);
    return servePrimary(config);
  }

  const gateway = await startGateway(config);
  closers.unshift(() => gateway.close());
  const slot = workerSlot();
  if (slot !== null) {
    process.stdout.write(`termsgate worker ${slot} (pid ${process.pid}) listening on ${gateway.url}\n`);
    process.send!({ type: 'termsgate:listening', url: gateway.url } satisfies WorkerMessage);
  } else process.stdout.write(`termsgate listening on ${gateway.url}\n`);
  if (demo) {
    process.stdout.write(
      [
        `demo mode: the mock provider answers at ${demo.mockUrl}`,
        `  virtual key:  ${demo.secrets.virtualKey}`,
        `  admin token:  ${demo.secrets.adminToken}`,
        `  runner token: ${demo.secrets.runnerToken}`,
        `  models:       ${Object.keys(config.models).join(', ')}`,
        `try it: OPENAI_BASE_URL=${gateway.url}/v1 OPENAI_API_KEY=${demo.secrets.virtualKey} (or ANTHROPIC_BASE_URL=${gateway.url})`,
        '',
      ].join('\n'),
    );
  }
  const signal = await new Promise<NodeJS.Signals>((done) => {
    process.once('SIGTERM', done);
    // A worker drains when the primary says so (SIGTERM), not on the terminal's Ctrl-C, and on its own once the primary is gone.
    if (slot === null) process.once('SIGINT', done);
    else process.on('SIGINT', () => undefined).once('disconnect', () => done('SIGTERM'));
  });
  // A second signal, or the drain deadline plus a margin, ends the process whatever is still pending
  // (a hung flush on failed storage must not keep it alive). Unreferenced: they fire only if something else keeps it up.
  const force = (why: string) => {
    process.stderr.write(`termsgate: ${why}; exiting without waiting for the rest\n`);
    process.exit(1);
  };
  const again = () => force('second signal');
  process.once('SIGTERM', again);
  if (slot === null) process.once('SIGINT', again);
  setTimeout(() => force(`shutdown took longer than the drain deadline (${config.server.drainMs} ms) plus ${FORCE_MARGIN_MS} ms`), config.server.drainMs + FORCE_MARGIN_MS).unref();
  process.stdout.write(`termsgate: ${signal}: draining for up to ${config.server.drainMs} ms\n`);
  const { drainedMs, cutOff } = await gateway.shutdown();
  closers.shift();
  for (const close of closers) await close();
  process.stdout.write(`termsgate: stopped after draining ${drainedMs} ms (${cutOff} calls cut off at the deadline)\n`);
  // Everything is closed and flushed: nothing left may hold the process up.
  setTimeout(() => process.exit(0), 1_000).unref();
  return 0;
}

/** After the drain deadline: time for the cut-off calls' records and for closing the audit log, feed and provenance. */
const FORCE_MARGIN_MS = 5_000;

/** The cluster primary: the signing keys created once (workers only read them), then the workers forked and watched. */
async function servePrimary(config: Config): Promise<number> {
  loadOrCreateSigningKeys(config.dataDir);
  const log = (line: string) => process.stdout.write(line + '\n');
  const fleet = await startFleet({ workers: config.server.workers, stopMs: config.server.drainMs + FORCE_MARGIN_MS, log });
  log(`termsgate listening on ${fleet.url} (${config.server.workers} workers: pids ${fleet.pids().join(', ')})`);
  const signal = await new Promise<NodeJS.Signals>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  log(`termsgate: ${signal}: draining ${config.server.workers} workers for up to ${config.server.drainMs} ms`);
  await fleet.shutdown();
  log('termsgate: every worker has stopped');
  return 0;
}
