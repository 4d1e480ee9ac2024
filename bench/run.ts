// `make bench`: the comparison of issue 8, or with --soak a steady-load run. Every child process
// is killed on exit; a watchdog ends a run that outlives its bound.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compare } from './compare.js';
import { LITELLM_VERSION, PORTKEY_VERSION } from './installers.js';
import { startMockProvider } from './mock-provider.js';
import { parseOptions, type BenchOptions } from './options.js';
import { markdown } from './report.js';
import { soak, soakMarkdown } from './soak.js';
import type { BenchContext } from './systems.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function watchdog(opts: BenchOptions): void {
  // Startup, installs and per-run overheads are generous; the loads themselves are far shorter.
  const loadS = opts.soakS ?? 5 * 2 * opts.concurrencies.length * (opts.durationS + opts.warmupS) + 4 * opts.durationS;
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
    if (opts.soakS !== null) {
      const result = await soak(ctx, opts);
      const table = soakMarkdown(result);
      process.stdout.write(table + '\n');
      write(opts.outDir, [`soak-${day}.json`, 'latest-soak.json'], { date, command: `node dist/bench/run.js ${process.argv.slice(2).join(' ')}`, machine: machine(), settings, result, markdown: table });
      return 0;
    }
    const results = await compare(ctx, opts);
    const table = markdown(results);
    process.stdout.write(`\n${table}\n`);
    const suffix = opts.quick ? '-quick' : '';
    write(opts.outDir, [`${day}${suffix}.json`, `latest${suffix}.json`], {
      date,
      command: `node dist/bench/run.js ${process.argv.slice(2).join(' ')}`.trim(),
      machine: machine(),
      versions: versions(),
      settings,
      systems: results,
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
