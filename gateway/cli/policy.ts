// `termsgate policy check|test|build [DIR]` and `termsgate policy dry-run --candidate DIR [--last N] [--data-dir DIR]`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { iterateRecords } from '../audit/file/reader.js';
import { loadEngine, unpackBundle } from '../policy/bundle.js';
import { compareDecisions, lastCalls } from '../policy/dry-run/dry-run.js';
import { recordsFromJsonl } from '../policy/dry-run/records-file.js';
import { DEFAULT_COVERAGE_THRESHOLD, validateDir } from '../policy/toolchain/steps.js';
import type { BuildReport, StepName } from '../policy/toolchain/report.js';
import { command, subcommands, type Command, type Parsed } from './args.js';

const dryRunOptions = {
  candidate: { type: 'string' },
  last: { type: 'string' },
  'data-dir': { type: 'string' },
  records: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function printReport(report: BuildReport): void {
  for (const s of report.steps) {
    process.stdout.write(`${s.ok ? 'ok  ' : 'FAIL'} ${s.step}\n`);
    if (!s.ok || s.step === 'test') process.stdout.write(s.output.replace(/^/gm, '     ') + '\n');
  }
  process.stdout.write(`revision ${report.revision}${report.bundle ? ` bundle ${report.bundle}` : ''}\n`);
}

async function dryRun(values: Parsed<typeof dryRunOptions, 'candidate'>['values']): Promise<number> {
  const candidate = values.candidate;
  const last = Number(values.last ?? 1000);
  const scratch = await mkdtemp(join(tmpdir(), 'termsgate-dry-run-'));
  try {
    const report = await validateDir(resolve(candidate), { out: join(scratch, 'bundle.tar.gz') });
    if (!report.ok) {
      printReport(report);
      return 1;
    }
    await unpackBundle(scratch);
    const engine = await loadEngine(scratch, report.revision);
    const records = values.records !== undefined ? recordsFromJsonl(values.records) : iterateRecords(values['data-dir'] ?? './data');
    const result = compareDecisions(await lastCalls(records, last), engine);
    result.revision = report.revision;
    if (values.json) {
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    } else {
      process.stdout.write(`candidate ${result.revision}: ${result.examined} calls re-decided, ${result.changed} would change, ${result.skipped} skipped, ${result.errors.length} errors\n`);
      for (const c of result.changes) {
        const b = `${c.before.decision}${c.before.decision === 'allow' ? (c.before.trainable ? '+trainable' : '') : ''}`;
        const a = `${c.after.decision}${c.after.decision === 'allow' ? (c.after.trainable ? '+trainable' : '') : ` (${c.after.rules.join(', ')})`}`;
        process.stdout.write(`  ${c.decision_id} ${c.time} team=${c.team} model=${c.model} purpose=${c.purpose}: ${b} → ${a}\n`);
      }
      for (const e of result.errors) process.stdout.write(`  ${e.decision_id}: error ${e.error}\n`);
    }
    return result.errors.length ? 1 : 0;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const stepOptions = { threshold: { type: 'string' } } as const;
const buildOptions = { ...stepOptions, out: { type: 'string' } } as const;

async function runStep(upTo: StepName, values: { threshold?: string; out?: string }, dirArg: string | undefined): Promise<number> {
  const dir = resolve(dirArg ?? './policies');
  const threshold = values.threshold ? Number(values.threshold) : DEFAULT_COVERAGE_THRESHOLD;
  const out = upTo === 'build' ? resolve(values.out ?? 'dist/policy/bundle.tar.gz') : undefined;
  const report = await validateDir(dir, { out, threshold, upTo });
  printReport(report);
  return report.ok ? 0 : 1;
}

/** `policy check|test|build [DIR]`: the toolchain up to that step; only build writes a bundle. */
function step(upTo: StepName): Command {
  return command({
    name: `termsgate policy ${upTo}`,
    synopsis: `termsgate policy ${upTo} [DIR] [--threshold PCT]${upTo === 'build' ? ' [--out FILE]' : ''}`,
    detail: `  DIR           the policy directory (default ./policies)\n  --threshold   test coverage required, in percent (default ${DEFAULT_COVERAGE_THRESHOLD})`,
    options: upTo === 'build' ? buildOptions : stepOptions,
    positionals: ['[DIR]'],
    run: ({ values, positionals }) => runStep(upTo, values, positionals[0]),
  });
}

const cli = subcommands('termsgate policy', {
  check: step('check'),
  test: step('test'),
  build: step('build'),
  'dry-run': command({
    name: 'termsgate policy dry-run',
    synopsis: 'termsgate policy dry-run --candidate DIR [--last N] [--data-dir DIR | --records FILE.jsonl] [--json]',
    detail: 're-decides the last N (default 1000) recorded calls under the candidate policies and lists what would change',
    options: dryRunOptions,
    required: ['candidate'],
    run: ({ values }) => dryRun(values),
  }),
});

export const run = (args: string[]): Promise<number> => cli.run(args);
