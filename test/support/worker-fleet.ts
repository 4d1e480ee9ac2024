// Starts the built CLI (dist/gateway/cli/main.js start, so `npx tsc` first) with server.workers N on the
// PostgreSQL stores, in a fresh PostgreSQL schema and data directory, for the workers' end-to-end tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { demoConfig } from '../../gateway/config/demo.js';
import type { Config } from '../../gateway/config/types.js';
import { packageRoot } from '../../gateway/core/package-root.js';
import { startMockUpstream } from '../../gateway/mock-upstream/index.js';

export const PG_URL = process.env.TERMSGATE_TEST_PG ?? 'postgres://termsgate:termsgate@127.0.0.1:54329/termsgate';
export const main = fileURLToPath(new URL('../../dist/gateway/cli/main.js', import.meta.url));

export interface WorkerFleet {
  url: string;
  pids: number[];
  key: string;
  adminToken: string;
  dataDir: string;
  schema: string;
  proc: ChildProcess;
  /** Everything the primary and its workers printed so far. */
  output(): string;
  /** SIGTERM to the primary; resolves with its exit code once it (and so every worker) has stopped. */
  stop(): Promise<number | null>;
}

export async function startWorkerFleet(workers: number, adjust: (c: Config) => void = () => undefined): Promise<WorkerFleet> {
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-workers-'));
  const schema = 'tg_workers_' + randomBytes(4).toString('hex');
  const providerKey = 'sk-provider-' + randomBytes(8).toString('hex');
  const mock = await startMockUpstream({ port: 0, host: '127.0.0.1', apiKey: providerKey });
  const secrets = {
    virtualKey: 'tg-workers-' + randomBytes(12).toString('hex'),
    adminToken: 'tga-workers-' + randomBytes(12).toString('hex'),
    runnerToken: 'tgr-workers-' + randomBytes(12).toString('hex'),
    providerKeyEnv: 'TERMSGATE_WORKERS_PROVIDER_KEY',
  };
  const config = demoConfig({ mockUrl: mock.url, mockPort: mock.port, dataDir, port: 0, host: '127.0.0.1', secrets });
  config.policy.dir = join(packageRoot, 'policies');
  config.server.workers = workers;
  config.audit = { ...config.audit, backend: 'postgres', postgresUrl: PG_URL, schema, checkpointIntervalMs: 500 };
  config.keyStore = { backend: 'postgres', postgresUrl: PG_URL, schema, pollMs: 500 };
  adjust(config);
  const configFile = join(dataDir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config));
  const proc = spawn(process.execPath, [main, 'start', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TERMSGATE_WORKERS_PROVIDER_KEY: providerKey, OTEL_SDK_DISABLED: 'true', TERMSGATE_LOG_LEVEL: 'warn' },
  });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const listening = /termsgate listening on (\S+) \(\d+ workers: pids ([\d, ]+)\)/;
  for (let waited = 0; !listening.test(out); waited += 50) {
    if (proc.exitCode !== null || waited > 120_000) {
      await mock.close();
      throw new Error(`gateway did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const [, url, pids] = listening.exec(out)!;
  let stopped: Promise<number | null> | undefined;
  return {
    url,
    pids: pids.split(', ').map(Number),
    key: secrets.virtualKey,
    adminToken: secrets.adminToken,
    dataDir,
    schema,
    proc,
    output: () => out,
    stop: () =>
      (stopped ??= (async () => {
        if (proc.exitCode === null) proc.kill('SIGTERM');
        const code = await exited;
        await mock.close();
        return code;
      })()),
  };
}

/** Drops the fleet's schema and data directory (after stop). */
export async function removeFleet(fleet: WorkerFleet): Promise<void> {
  await fleet.stop();
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${fleet.schema} CASCADE`).finally(() => admin.end());
  rmSync(fleet.dataDir, { recursive: true, force: true });
}

/**
 * One request on a connection of its own (the cluster hands each new connection to the next worker), so
 * successive calls are spread over the workers. Resolves with the status and headers, or null when the
 * connection broke (its worker was killed).
 */
export function request(
  url: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: unknown },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string } | null> {
  return new Promise((resolve) => {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = http.request(
      `${url}${opts.path}`,
      { method: opts.method ?? (body ? 'POST' : 'GET'), agent: false, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...opts.headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
        // Cut mid-answer (its worker killed): close without end.
        res.on('close', () => resolve(null));
      },
    );
    req.on('error', () => resolve(null));
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy());
    req.end(body);
  });
}

/**
 * Far above any answer's time here; only a call lost with its worker reaches it: a connection the cluster
 * primary was handing to a worker as it was SIGKILLed is never answered (node:cluster drops it).
 */
const REQUEST_TIMEOUT_MS = 20_000;

export const chat = (url: string, key: string, content = 'hello') =>
  request(url, { path: '/v1/chat/completions', headers: { authorization: `Bearer ${key}` }, body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] } });
