// `make bench`: the comparison of issue 8, with --soak a steady-load run, or with --attack-soak the
// soak under mixed attack (issue 21). Every child process
// is killed on exit; a watchdog ends a run that outlives its bound.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare, profileTermsgate } from './compare.js';
import { LITELLM_VERSION, PORTKEY_VERSION } from './installers.js';
import { startMockProvider } from './mock-provider.js';
import { parseOptions, type BenchOptions } from './options.js';
import { classificationMarkdown, markdown, TERMSGATE, type ProfileTop } from './report.js';
import { soak, soakMarkdown } from './soak.js';
import { attackSoak, attackSoakMarkdown } from './attack-soak.js';
import type { BenchContext } from './systems.js';
import { workerScaling, workerScalingMarkdown } from './workers.js';

/** Connections of the worker-scaling rows: enough to keep two event loops busy. */
const WORKERS_CONNECTIONS = 50;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function watchdog(opts: BenchOptions): void {
  // Startup, installs and per-run overheads are generous; the loads themselves are far shorter.
  const loadS = opts.attackSoakS !== null ? opts.attackSoakS + 180 : opts.soakS ?? 5 * 2 * (opts.concurrencies.length * (opts.durationS + opts.warmupS) + opts.firstWarmupS) + 5 * opts.durationS;
  const limitMs = (loadS + 15 * 60) * 1000;
  setTimeout(() => {
    process.stderr.write(`bench: still running after ${limitMs / 1000} s, giving up\n`);
    process.exit(3);
  }, limitMs).unref();
}

function machine() {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '', memoryBytes: totalmem(), loadavgAtStart: loadavg(), node: process.version, platform: process.platform };
}

/** What was measured: the termsgate commit (with "+dirty" for uncommitted changes) and the pinned competitors. */
function versions() {
  const git = (args: string[]) => spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8', timeout: 10_000 }).stdout?.trim() ?? '';
  const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
  return { termsgate: git(['rev-parse', '--short', 'HEAD']) + (dirty ? '+dirty' : ''), portkey: PORTKEY_VERSION, litellm: LITELLM_VERSION };
}

function write(outDir: string, names: string[], json: unknown): void {
  mkdirSync(outDir, { recursive: true });
  for (const name of names) writeFileSync(join(outDir, name), JSON.stringify(json, null, 2) + '\n');
}

/** The classification-cost results (issue 20), when another run left them in the results folder. */
function readClassification(file: string): { data: unknown; markdown: string | null } | null {
  if (!existsSync(file)) return null;
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return { data, markdown: classificationMarkdown(data) };
  } catch (err) {
    return { data: null, markdown: `Classification cost: ${file} could not be read (${(err as Error).message}).` };
  }
}

async function main(): Promise<number> {
  let opts: BenchOptions;
  try {
    opts = parseOptions(process.argv.slice(2), join(repoRoot, 'bench/results'));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  watchdog(opts);
  const tmpDir = join(repoRoot, 'bench/tmp');
  const logDir = join(tmpDir, 'logs');
  const mock = await startMockProvider({ repoRoot, logDir, latencyMs: opts.latencyMs, words: opts.words });
  const ctx: BenchContext = {
    repoRoot,
    tmpDir,
    logDir,
    mockUrl: mock.url,
    mockPid: mock.child.pid,
    providerKey: 'sk-bench-' + randomBytes(12).toString('hex'),
    termsgateNodeArgs: opts.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${join(tmpDir, 'profiles')}`] : [],
  };
  const date = new Date().toISOString();
  const day = date.slice(0, 10);
  const settings = { ...opts, outDir: undefined };
  try {
    if (opts.attackSoakS !== null) {
      const result = await attackSoak(ctx, opts.attackSoakS, opts.attackOnly);
      const table = attackSoakMarkdown(result);
      process.stdout.write(table + '\n');
      write(opts.outDir, [`attack-soak-${day}.json`, 'latest-attack-soak.json'], { date, command: `node dist/bench/run.js ${process.argv.slice(2).join(' ')}`, machine: machine(), versions: versions(), settings, result, markdown: table });
      process.stderr.write(`bench: results in ${opts.outDir}/latest-attack-soak.json\n`);
      return 0;
    }
    if (opts.soakS !== null) {
      const result = await soak(ctx, opts);
      const table = soakMarkdown(result);
      process.stdout.write(table + '\n');
      write(opts.outDir, [`soak-${day}.json`, 'latest-soak.json'], { date, command: `node dist/bench/run.js ${process.argv.slice(2).join(' ')}`, machine: machine(), settings, result, markdown: table });
      return 0;
    }
    if (opts.workersOnly) {
      const result = await workerScaling(ctx, { workers: opts.workers, connections: WORKERS_CONNECTIONS, durationS: opts.durationS, warmupS: opts.firstWarmupS });
      const table = workerScalingMarkdown(result, cpus().length);
      process.stdout.write(table + '\n');
      write(opts.outDir, [`workers-${day}.json`, 'latest-workers.json'], { date, command: `node dist/bench/run.js ${process.argv.slice(2).join(' ')}`, machine: machine(), versions: versions(), settings, result, markdown: table });
      return 0;
    }
    const results = await compare(ctx, opts);
    let profile: ProfileTop | null = null;
    let profileProblem: string | undefined;
    if (opts.profileTop > 0 && (opts.systems === null || opts.systems.includes(TERMSGATE))) {
      try {
        process.stderr.write('bench: termsgate once more under --cpu-prof for its top functions\n');
        profile = await profileTermsgate(ctx, opts, opts.profileTop);
      } catch (err) {
        profileProblem = `not measured (${(err as Error).message})`;
        process.stderr.write(`bench: profile ${profileProblem}\n`);
      }
    }
    const classification = readClassification(join(opts.outDir, 'classify-cost.json'));
    const scaling =
      opts.workers.length > 0 && (opts.systems === null || opts.systems.includes(TERMSGATE))
        ? await workerScaling(ctx, { workers: opts.workers, connections: WORKERS_CONNECTIONS, durationS: opts.durationS, warmupS: opts.firstWarmupS })
        : null;
    const table = markdown(results, { profile, profileProblem, classification: classification?.markdown, uniquePrompts: opts.uniquePrompts }) + (scaling ? `\n\n${workerScalingMarkdown(scaling, cpus().length)}\n` : '');
    process.stdout.write(`\n${table}\n`);
    const suffix = opts.quick ? '-quick' : '';
    write(opts.outDir, [`${day}${suffix}.json`, `latest${suffix}.json`], {
      date,
      command: `node dist/bench/run.js ${process.argv.slice(2).join(' ')}`.trim(),
      machine: machine(),
      versions: versions(),
      settings,
      systems: results,
      profile,
      classification: classification?.data ?? null,
      workers: scaling,
      markdown: table,
    });
    process.stderr.write(`bench: results in ${opts.outDir}/latest${suffix}.json\n`);
    return 0;
  } finally {
    await mock.child.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`bench: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
