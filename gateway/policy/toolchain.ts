// The policy build: fmt check, check, test with a coverage threshold, wasm build. Each step reports
// its output so a refused bundle says why. The build runs inside the directory so the bundle's paths are relative.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { COMBINED_ENTRYPOINT, REQUEST_ENTRYPOINT, TRAINING_ENTRYPOINT } from './engine.js';
import { runOpa } from './opa-cli.js';
import { readSources, revisionOf, type SourceFile } from './revision.js';

export const DEFAULT_COVERAGE_THRESHOLD = 90;

export type StepName = 'fmt' | 'check' | 'test' | 'build';

export interface StepReport {
  step: StepName;
  ok: boolean;
  output: string;
}

export interface BuildReport {
  ok: boolean;
  revision: string;
  steps: StepReport[];
  /** Path of the built bundle.tar.gz when the build step ran and succeeded. */
  bundle?: string;
}

export async function fmtStep(dir: string): Promise<StepReport> {
  const r = await runOpa(['fmt', '--list', dir]);
  const unformatted = r.stdout.trim();
  if (r.code !== 0) return { step: 'fmt', ok: false, output: (r.stderr || r.stdout).trim() };
  return { step: 'fmt', ok: unformatted === '', output: unformatted ? `not formatted (run opa fmt -w):\n${unformatted}` : 'formatted' };
}

export async function checkStep(dir: string): Promise<StepReport> {
  const r = await runOpa(['check', '--strict', dir]);
  return { step: 'check', ok: r.code === 0, output: (r.stdout + r.stderr).trim() || 'ok' };
}

export async function testStep(dir: string, threshold = DEFAULT_COVERAGE_THRESHOLD): Promise<StepReport> {
  const run = await runOpa(['test', dir]);
  const summary = (run.stdout + run.stderr).trim();
  if (run.code !== 0) return { step: 'test', ok: false, output: summary };
  const cov = await runOpa(['test', '--coverage', '--format', 'json', dir]);
  let coverage = NaN;
  try {
    coverage = (JSON.parse(cov.stdout) as { coverage?: number }).coverage ?? 0;
  } catch {
    return { step: 'test', ok: false, output: `coverage report unreadable: ${cov.stderr.trim()}` };
  }
  const ok = coverage >= threshold;
  return { step: 'test', ok, output: `${summary}\ncoverage ${coverage.toFixed(1)}% (threshold ${threshold}%)` };
}

export async function buildStep(dir: string, out: string, revision: string): Promise<StepReport> {
  out = resolve(out);
  await mkdir(dirname(out), { recursive: true });
  const args = ['build', '-t', 'wasm', '-e', REQUEST_ENTRYPOINT, '-e', TRAINING_ENTRYPOINT, '-e', COMBINED_ENTRYPOINT];
  const r = await runOpa([...args, '--ignore', '*_test.rego', '--revision', revision, '-o', out, '.'], dir);
  return { step: 'build', ok: r.code === 0, output: (r.stdout + r.stderr).trim() || `built ${out}` };
}

/** Runs the steps in order, stopping at the first failure; with `out`, builds the bundle there. */
export async function validateDir(dir: string, opts: { out?: string; threshold?: number; upTo?: StepName } = {}): Promise<BuildReport> {
  const revision = revisionOf(await readSources(dir));
  const steps: StepReport[] = [];
  const order: StepName[] = ['fmt', 'check', 'test', 'build'];
  const last = order.indexOf(opts.upTo ?? (opts.out ? 'build' : 'test'));
  const tmp = opts.out ? undefined : await mkdtemp(join(tmpdir(), 'termsgate-policy-'));
  const out = opts.out ?? join(tmp!, 'bundle.tar.gz');
  try {
    for (const step of order.slice(0, last + 1)) {
      const report =
        step === 'fmt' ? await fmtStep(dir)
        : step === 'check' ? await checkStep(dir)
        : step === 'test' ? await testStep(dir, opts.threshold)
        : await buildStep(dir, out, revision);
      steps.push(report);
      if (!report.ok) return { ok: false, revision, steps };
    }
    return { ok: true, revision, steps, bundle: opts.out && last === 3 ? out : undefined };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

/** Writes source files into a fresh directory (for staged candidates). */
export async function writeSources(dir: string, files: readonly SourceFile[]): Promise<void> {
  for (const f of files) {
    const full = join(dir, ...f.path.split('/'));
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, f.content);
  }
}
