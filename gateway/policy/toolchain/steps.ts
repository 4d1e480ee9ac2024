// The policy build: the data files' schema, fmt check, check, test with a coverage threshold, wasm build. Each step reports
// its output so a refused bundle says why. Every step runs opa in a sandbox holding a copy of the
// sources (opa-sandbox.ts) with the sandbox capabilities, so a built-in that reaches outside is refused
// by check, test and build alike, and the WASM the gateway evaluates is built under the same rules.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { COMBINED_ENTRYPOINT, REQUEST_ENTRYPOINT, TRAINING_ENTRYPOINT } from '../engine.js';
import { schemaStep } from './data-check.js';
import type { OpaLimits } from './opa-cli.js';
import { withSandbox, type OpaSandbox } from './opa-sandbox.js';
import { explainRemovedBuiltins } from './removed-builtins.js';
import { readSources, revisionOf } from '../revision.js';
import type { BuildReport, StepName, StepReport } from './report.js';

export const DEFAULT_COVERAGE_THRESHOLD = 90;

export async function fmtStep(sandbox: OpaSandbox): Promise<StepReport> {
  const r = await sandbox.run(['fmt', '--list', '.']);
  const unformatted = r.stdout.trim();
  if (r.code !== 0) return { step: 'fmt', ok: false, output: (r.stderr || r.stdout).trim() };
  return { step: 'fmt', ok: unformatted === '', output: unformatted ? `not formatted (run opa fmt -w):\n${unformatted}` : 'formatted' };
}

export async function checkStep(sandbox: OpaSandbox): Promise<StepReport> {
  const r = await sandbox.run(['check', '--strict', '--capabilities', sandbox.capabilitiesFile, '.']);
  return { step: 'check', ok: r.code === 0, output: explainRemovedBuiltins((r.stdout + r.stderr).trim()) || 'ok' };
}

export async function testStep(sandbox: OpaSandbox, threshold = DEFAULT_COVERAGE_THRESHOLD): Promise<StepReport> {
  // The sandbox's CPU and wall-clock limits govern; opa's own 5 s per-test timeout would cut in first on a busy machine.
  const caps = ['--capabilities', sandbox.capabilitiesFile, '--timeout', `${Math.ceil(sandbox.limits.wallMs / 1000)}s`];
  const run = await sandbox.run(['test', ...caps, '.']);
  const summary = explainRemovedBuiltins((run.stdout + run.stderr).trim());
  if (run.code !== 0) return { step: 'test', ok: false, output: summary };
  const cov = await sandbox.run(['test', ...caps, '--coverage', '--format', 'json', '.']);
  let coverage = NaN;
  try {
    coverage = (JSON.parse(cov.stdout) as { coverage?: number }).coverage ?? 0;
  } catch {
    return { step: 'test', ok: false, output: `coverage report unreadable: ${cov.stderr.trim()}` };
  }
  const ok = coverage >= threshold;
  return { step: 'test', ok, output: `${summary}\ncoverage ${coverage.toFixed(1)}% (threshold ${threshold}%)` };
}

/** Builds the WASM bundle inside the sandbox and copies it to `out`. */
export async function buildStep(sandbox: OpaSandbox, out: string, revision: string): Promise<StepReport> {
  const built = join(sandbox.outDir, 'bundle.tar.gz');
  const entrypoints = ['-e', REQUEST_ENTRYPOINT, '-e', TRAINING_ENTRYPOINT, '-e', COMBINED_ENTRYPOINT];
  const caps = ['--capabilities', sandbox.capabilitiesFile];
  const r = await sandbox.run(['build', '-t', 'wasm', ...entrypoints, ...caps, '--ignore', '*_test.rego', '--revision', revision, '-o', built, '.']);
  if (r.code !== 0) return { step: 'build', ok: false, output: explainRemovedBuiltins((r.stdout + r.stderr).trim()) };
  out = resolve(out);
  await mkdir(dirname(out), { recursive: true });
  await copyFile(built, out);
  return { step: 'build', ok: true, output: (r.stdout + r.stderr).trim() || `built ${out}` };
}

/** Runs the steps in order on a sandboxed copy of `dir`, stopping at the first failure; with `out`, builds the bundle there. */
export async function validateDir(dir: string, opts: { out?: string; threshold?: number; upTo?: StepName; limits?: OpaLimits } = {}): Promise<BuildReport> {
  const sources = await readSources(dir);
  const revision = revisionOf(sources);
  const order: StepName[] = ['schema', 'fmt', 'check', 'test', 'build'];
  const last = order.indexOf(opts.upTo ?? (opts.out ? 'build' : 'test'));
  return withSandbox(
    sources,
    async (sandbox) => {
      const steps: StepReport[] = [];
      const out = opts.out ?? join(sandbox.outDir, 'kept.tar.gz');
      for (const step of order.slice(0, last + 1)) {
        const report =
          step === 'schema' ? await schemaStep(dir)
          : step === 'fmt' ? await fmtStep(sandbox)
          : step === 'check' ? await checkStep(sandbox)
          : step === 'test' ? await testStep(sandbox, opts.threshold)
          : await buildStep(sandbox, out, revision);
        steps.push(report);
        if (!report.ok) return { ok: false, revision, steps };
      }
      return { ok: true, revision, steps, bundle: opts.out && order[last] === 'build' ? out : undefined };
    },
    opts.limits,
  );
}
