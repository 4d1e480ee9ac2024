// The worker-scaling table (issue 20): termsgate with server.workers 1 and 2 (and more with
// --workers-scaling 1,2,4), the same PostgreSQL stores for every row (several workers need them), loaded
// alike (non-streaming, one concurrency): throughput, its ratio to N × one worker's, and CPU per call of
// the whole process tree (primary and workers).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { startChild, waitReady } from './children.js';
import { freePort } from './free-port.js';
import { runLoad, type LoadResult } from './load.js';
import { cpuSample, cpuSecondsBetween } from './proc-stats.js';
import { chatBody } from './request-body.js';
import type { BenchContext } from './systems.js';
import { termsgateConfigYaml } from './termsgate-config.js';

export const WORKERS_PG_DEFAULT = 'postgres://termsgate:termsgate@127.0.0.1:54329/termsgate';

export interface WorkerRow {
  workers: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** rps ÷ (workers × the 1-worker row's rps); null without a 1-worker row. */
  scaling: number | null;
  cpuUsPerCall: number | null;
  errors: number;
  /** 1-minute load average just before the row's measured window. */
  loadavg1: number;
}

export interface WorkerScaling {
  connections: number;
  durationS: number;
  postgres: string;
  rows: WorkerRow[];
  /** Why the table is empty (no PostgreSQL reachable, termsgate not built). */
  problem?: string;
}

async function startWorkers(ctx: BenchContext, workers: number, postgresUrl: string, schema: string) {
  const main = join(ctx.repoRoot, 'dist/gateway/cli/main.js');
  if (!existsSync(main)) throw new Error('dist/gateway/cli/main.js is not built yet');
  const port = await freePort();
  const dir = join(ctx.tmpDir, `termsgate-workers-${workers}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const virtualKey = 'tg-bench-' + randomBytes(18).toString('base64url');
  const providerKeyEnv = 'BENCH_PROVIDER_KEY';
  const config = parse(termsgateConfigYaml({ mockUrl: ctx.mockUrl, port, dataDir: join(dir, 'data'), policyDir: join(ctx.repoRoot, 'policies'), virtualKey, providerKeyEnv })) as Record<string, object>;
  config.server = { ...config.server, workers };
  config.audit = { backend: 'postgres', postgresUrl, schema };
  config.keyStore = { backend: 'postgres', postgresUrl, schema };
  const configFile = join(dir, 'termsgate.yaml');
  writeFileSync(configFile, stringify(config));
  const child = startChild({
    name: `termsgate-workers-${workers}`,
    command: process.execPath,
    args: [main, 'start', '--config', configFile],
    logDir: ctx.logDir,
    env: { [providerKeyEnv]: ctx.providerKey, NODE_ENV: 'production' },
    cwd: ctx.repoRoot,
  });
  const why = await waitReady(child, `http://127.0.0.1:${port}/readyz`, 120_000, (s) => s === 200);
  // /readyz answers once the first worker listens; the primary says when all do.
  const deadline = Date.now() + 180_000;
  while (!why && workers > 1 && !/termsgate listening on \S+ \(\d+ workers/.test(readFileSync(child.logFile, 'utf8'))) {
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`the ${workers} workers did not all listen within 180 s; see ${child.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (why) {
    await child.stop();
    throw new Error(why);
  }
  return { child, target: { url: `http://127.0.0.1:${port}/v1/chat/completions`, headers: { authorization: `Bearer ${virtualKey}` } } };
}

async function dropSchema(postgresUrl: string, schema: string): Promise<void> {
  const db = new pg.Client({ connectionString: postgresUrl });
  await db.connect();
  await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => db.end());
}

async function reachable(postgresUrl: string): Promise<string | null> {
  const db = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3_000 });
  try {
    await db.connect();
    await db.query('select 1');
    return null;
  } catch (err) {
    return `no PostgreSQL at ${postgresUrl.replace(/\/\/[^@]*@/, '//…@')} (${(err as Error).message}); set TERMSGATE_BENCH_PG`;
  } finally {
    await db.end().catch(() => undefined);
  }
}

export async function workerScaling(ctx: BenchContext, opts: { workers: number[]; connections: number; durationS: number; warmupS: number }): Promise<WorkerScaling> {
  const postgresUrl = process.env.TERMSGATE_BENCH_PG ?? WORKERS_PG_DEFAULT;
  const result: WorkerScaling = { connections: opts.connections, durationS: opts.durationS, postgres: 'audit.backend and keyStore.backend postgres (local)', rows: [] };
  const problem = await reachable(postgresUrl);
  if (problem) return { ...result, problem };
  const body = chatBody(false);
  for (const workers of opts.workers) {
    const schema = `tg_bench_workers_${workers}_${randomBytes(3).toString('hex')}`;
    process.stderr.write(`bench: termsgate with ${workers} worker(s), ${opts.connections} connections, ${opts.durationS} s\n`);
    const { child, target } = await startWorkers(ctx, workers, postgresUrl, schema);
    let run: LoadResult;
    let cpuS: number;
    let load1: number;
    try {
      await runLoad(target, { connections: opts.connections, durationS: opts.warmupS, body });
      load1 = loadavg()[0];
      const before = cpuSample(child.pid);
      run = await runLoad(target, { connections: opts.connections, durationS: opts.durationS, body });
      cpuS = cpuSecondsBetween(before, cpuSample(child.pid));
    } finally {
      await child.stop();
      await dropSchema(postgresUrl, schema).catch(() => undefined);
    }
    result.rows.push({ workers, rps: run.rps, p50Ms: run.p50Ms, p99Ms: run.p99Ms, scaling: null, cpuUsPerCall: run.ok > 0 ? (cpuS / run.ok) * 1e6 : null, errors: run.errors + run.non2xx, loadavg1: load1 });
  }
  const one = result.rows.find((r) => r.workers === 1);
  for (const r of result.rows) r.scaling = one && one.rps > 0 ? r.rps / (r.workers * one.rps) : null;
  return result;
}

const fixed = (n: number | null, digits: number) => (n === null ? '—' : n.toFixed(digits));

export function workerScalingMarkdown(w: WorkerScaling, cpus: number): string {
  const head = `**Worker scaling** (termsgate, non-streaming, ${w.connections} connections, ${w.durationS} s per row; ${w.postgres}; aim: throughput ≥ 0.8 × N × one worker's; ${cpus} cores shared with the load generator, the mock provider and PostgreSQL)`;
  if (w.problem) return `${head}\n\nnot measured: ${w.problem}`;
  const rows = w.rows.map((r) => `| ${r.workers} | ${r.rps.toFixed(0)} | ${fixed(r.scaling, 2)} ${r.scaling === null || r.workers === 1 ? '' : r.scaling >= 0.8 ? '(met)' : '(missed)'} | ${fixed(r.cpuUsPerCall, 0)} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.errors} | ${r.loadavg1.toFixed(2)} |`);
  return [head, '', '| workers | RPS | ÷ (N × 1 worker) | CPU µs/call | p50 ms | p99 ms | errors | load avg (1 min) |', '|---:|---:|---:|---:|---:|---:|---:|---:|', ...rows].join('\n');
}
